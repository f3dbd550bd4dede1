// What the interop tests start on loopback and stop again: external clients run as child processes (asynchronously,
// so the server in this process keeps answering), and a socat pseudo-terminal pair for RTU.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INSTALL_HINT = 'apt-get install -y mbpoll socat python3-pymodbus';

/** Debian's python3-pymodbus lives with the system interpreter, not whatever python3 is first on PATH. */
export const PYTHON = '/usr/bin/python3';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], timeoutMs = 15_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails with what to install, rather than skipping, when a tool is missing. */
export async function need(tool: string): Promise<void> {
  const r = await run('sh', ['-c', `command -v ${tool}`]);
  if (r.code !== 0) throw new Error(`${tool} is not installed: run \`${INSTALL_HINT}\``);
}

export interface PtyPair {
  /** The end the firmware's RTU server opens. */
  readonly station: string;
  /** The end the client (mbpoll, pymodbus) opens. */
  readonly client: string;
  stop(): Promise<void>;
}

/** Two linked pseudo-terminals in raw mode: what one end writes, the other reads. */
export async function socatPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-rtu-'));
  const station = join(dir, 'station');
  const client = join(dir, 'client');
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${station}`, `pty,raw,echo=0,link=${client}`], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while (!(existsSync(station) && existsSync(client))) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill();
      throw new Error('socat did not create the pseudo-terminal pair');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    station,
    client,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (proc.exitCode !== null) return done();
        proc.once('exit', done);
        proc.kill('SIGTERM');
      }),
  };
}

/** mbpoll's register or bit lines, `[ref]: value`, as numbers by reference. */
export function mbpollValues(stdout: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)) out.set(Number(m[1]), Number(m[2]));
  return out;
}
