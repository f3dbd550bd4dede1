// A reader that closes early (`warden … | head`) ends the command quietly: no EPIPE stack trace, exit status 0
// (as ripgrep), a failure status the command had already set kept. Each run closes the reading end of the child's
// stdout before the child starts, so its first write meets a closed pipe: the case is certain, not a race.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DEMO = join(ROOT, 'tools', 'examples', 'station-demo.jsonl');
// Each case starts the bin (tsx), about a second alone and much more on a busy machine.
jest.setTimeout(60_000);

function closedReader(args: string[], opts: { input?: string; closeStderr?: boolean } = {}): Promise<{ status: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    c.stdout.destroy();
    let stderr = '';
    if (opts.closeStderr === true) c.stderr.destroy();
    else c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (status, signal) => resolve({ status, signal, stderr }));
    c.stdin.end(opts.input ?? '');
  });
}

describe('a closed stdout', () => {
  it.each([
    ['station run (a line per input)', ['station', 'run', DEMO, '--json']],
    ['station commands', ['station', 'commands']],
    ['msl floor-life (one answer)', ['msl', 'floor-life', '--msl', '3', '--class', 'thick', '--temp', '27', '--rh', '55']],
    ['--help (commander writes it)', ['--help']],
    ['sim --list (an async command)', ['sim', '--list']],
  ])('ends %s quietly with status 0', async (_what, args) => {
    const r = await closedReader(args);
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ status: 0, signal: null });
  });

  it('keeps a failure status the command had already decided', async () => {
    const r = await closedReader(['station', 'run', '-', '--json'], { input: '{"kind":"sync"}\nnot json\n' });
    expect(r).toMatchObject({ status: 2, stderr: '' });
  });

  it('a closed stderr silences the diagnostics only: the error status stands', async () => {
    const r = await closedReader(['bom', 'diff', join(ROOT, 'nowhere-a.json'), join(ROOT, 'nowhere-b.json')], { closeStderr: true });
    expect(r).toMatchObject({ status: 2, signal: null });
  });
});
