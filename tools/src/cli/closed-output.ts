// A reader that closes early (`warden trace where-used … | head`) is not a failure of the command: it took what
// it wanted. Node ignores SIGPIPE, so the next write to the closed pipe raises EPIPE as an unhandled 'error' event
// (a stack trace and exit 1). Here, once for every subcommand, a closed stdout ends the command quietly with exit
// status 0, as ripgrep does (git dies of SIGPIPE instead, status 141 in the shell; Node cannot restore SIGPIPE's
// default action, and 141 would make `set -o pipefail` scripts fail on a `| head` that got all it asked for).
// A failure status the command already set is kept. A closed stderr only silences the diagnostics: the command's
// work and exit status do not depend on whether anyone reads its log.
const ignored = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

function closedPipe(e: unknown): boolean {
  return typeof e === 'object' && e !== null && ignored.has((e as NodeJS.ErrnoException).code ?? '');
}

export function endQuietlyOnClosedOutput(proc: NodeJS.Process = process): void {
  proc.stdout.on('error', (e) => {
    if (!closedPipe(e)) throw e;
    const code = typeof proc.exitCode === 'number' && proc.exitCode !== 0 ? proc.exitCode : 0;
    proc.exit(code);
  });
  proc.stderr.on('error', (e) => {
    if (!closedPipe(e)) throw e;
  });
}
