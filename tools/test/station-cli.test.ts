// `warden station` as a new user runs it: the real bin in a child process, the example script from the README.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DEMO = join(ROOT, 'tools', 'examples', 'station-demo.jsonl');

function warden(args: string[], input = '') {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lines = (s: string): Record<string, unknown>[] => s.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('warden station run', () => {
  it('runs the example script: a wrong reel refused, a program mismatch, the first-off, production and a power cut', () => {
    const r = warden(['station', 'run', DEMO, '--json']);
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    const replies = out.flatMap((o) => (o['reply'] === undefined ? [] : [o['reply'] as { ok: boolean; reason: string; outcome: string }]));
    expect(replies.map((x) => x.reason)).toEqual(expect.arrayContaining(['OPERATOR_REQUIRED', 'WRONG_SLOT']));
    expect(out.some((o) => (o['permit'] as { reasons: string[] } | undefined)?.reasons.includes('PROGRAM_MISMATCH'))).toBe(true);
    expect(out.some((o) => (o['permit'] as { reasons: string[] } | undefined)?.reasons.includes('POWER_LOSS_RECOVERY'))).toBe(true);
    const summary = out[out.length - 1]!['summary'] as { runPermit: boolean; boardsRecorded: number; slotsVerified: number };
    expect(summary).toMatchObject({ runPermit: true, boardsRecorded: 4, slotsVerified: 6 });
  });

  it('answers a line that is not an input with BAD_DOCUMENT naming the line, goes on, and exits 2', () => {
    const r = warden(['station', 'run', '-', '--json'], '{"kind":"scan","data":"OP:1"}\n{"kind":"teleport"}\nnot json\n{"advance":"soon"}\n{"kind":"host","message":{"type":"TimeSync","body":{"utcTime":-1,"millis":0}}}\n');
    expect(r.status).toBe(2);
    const out = lines(r.stdout);
    expect(out.filter((o) => o['error'] === 'BAD_DOCUMENT').map((o) => (o['message'] as string).split(':')[0])).toEqual(['line 2', 'line 3', 'line 4', 'line 5']);
    expect(out[0]).toMatchObject({ line: 1, reply: { ok: false, reason: 'OPERATOR_UNKNOWN' } });
  });

  it('refuses a bad configuration with the field named and what to do next', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'warden-')), 'station.json');
    writeFileSync(file, '{"timeouts":{"pairingMs":-3}}');
    const r = warden(['station', 'run', DEMO, '--config', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CONFIG_INVALID \(609\): timeouts\.pairingMs: an integer 1000\.\.600000 \(ms\).*warden station config --explain/);
  });
});

describe('warden station config and commands', () => {
  it('fills the defaults in and reads its own output back', () => {
    const r = warden(['station', 'config', '-', '--json'], '{"stationId":12,"role":"reflow","maxSlots":0}');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ stationId: 12, role: 'reflow', maxSlots: 0, timeouts: { pairingMs: 30000 } });
    const again = warden(['station', 'config', '-', '--json'], r.stdout);
    expect(JSON.parse(again.stdout)).toEqual(doc);
  });

  it('refuses unknown fields and contradictions', () => {
    expect(warden(['station', 'config', '-'], '{"timeout":{"pairingMs":1}}').stderr).toMatch(/timeout\.pairingMs: not a configuration field/);
    expect(warden(['station', 'config', '-'], '{"role":"reflow"}').stderr).toMatch(/maxSlots: must be 0 for a reflow station/);
  });

  it('lists the command barcodes and the rights', () => {
    const r = warden(['station', 'commands', '--json']);
    const doc = JSON.parse(r.stdout) as { commands: Record<string, string>; rights: Record<string, string> };
    expect(Object.keys(doc.commands)).toEqual(expect.arrayContaining(['CMD:OPEN-DRY', 'CMD:SPLICE', 'CMD:FIRSTOFF-FAIL']));
    expect(doc.rights['enter a lot by hand (manual lot entry)']).toBe('technician');
  });
});
