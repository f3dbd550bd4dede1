// `warden station` as a new user runs it: the real bin in a child process, the example script from the README.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../src/cli/main';
import { SimClock } from '../../firmware/platform/sim/clock';
import { seededRandom, SimOutput, simStackLight, SimSensor } from '../../firmware/platform/sim/devices';
import { SimFlash } from '../../firmware/platform/sim/flash';
import { Station } from '../../firmware/runtime/station';
import { readStoredConfig } from '../src/trace/store-image';
import { storedConfigText } from '../src/cli/station';

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

  it.each([
    ['2026-02-30T06:00:00Z', 'February 2026 has no day 30 (it has 28 days)'],
    ['2026-02-29T06:00:00Z', 'February 2026 has no day 29 (it has 28 days)'],
    ['2026-04-31T06:00:00+02:00', 'April 2026 has no day 31 (it has 30 days)'],
    ['2026-12-01T24:00:00Z', 'hour 24 does not exist (write 00:00 of the next day)'],
    ['2026-12-01T06:00:00', 'no zone (add Z for UTC, or the offset such as +01:00)'],
    ['next monday', 'not an ISO-8601 time'],
  ])('refuses --start %s (never moves the clock to another day): %s, and says the accepted form', (start, what) => {
    const r = warden(['station', 'run', '--start', start, DEMO]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`warden: BAD_ARGUMENT (700): --start ${start}: ${what}. Accepted: YYYY-MM-DDThh:mm[:ss[.fff]] with Z or ±hh:mm, e.g. 2026-12-01T06:00:00Z\n`);
  });

  it('takes --start as a leap day with its zone, and the station clock starts at that instant', () => {
    const r = warden(['station', 'run', '--start', '2028-02-29T23:30:00-01:00', '-', '--json'], '{"kind":"sync"}\n{"kind":"host","message":{"type":"BadgeRecord","body":{"badge":"1001","operatorIdentifier":"OP-1","role":"operator","active":true}}}\n');
    expect(r.status).toBe(0);
    expect(lines(r.stdout).at(-1)!['clock']).toBe('2028-03-01T00:30:00.000Z');
  });

  it('shows the warnings that do not stop the line (JOURNAL_HIGH_WATER) and the stack light, per line and at the end', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'warden-')), 'station.json');
    writeFileSync(file, '{"journal":{"kib":12,"highWaterPct":10}}');
    const r = warden(['station', 'run', DEMO, '--config', file, '--json']);
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    const permits = out.flatMap((o) => (o['permit'] === undefined ? [] : [o['permit'] as { on: boolean; warnings: string[]; light: string }]));
    // The bench has no host link: HOST_OFFLINE from the start; the 12 KiB journal passes 10 % during the script.
    expect(permits[0]).toMatchObject({ on: false, warnings: ['HOST_OFFLINE'], light: 'amber' });
    expect(permits.some((p) => p.on && p.warnings.includes('JOURNAL_HIGH_WATER') && p.light === 'amber+green')).toBe(true);
    expect(permits.some((p) => !p.on && p.light.startsWith('red'))).toBe(true);
    expect(out.at(-1)).toMatchObject({ warnings: expect.arrayContaining(['JOURNAL_HIGH_WATER', 'HOST_OFFLINE']), light: 'amber+green', clock: '2026-12-01T06:32:00.000Z' });
  });

  it('on a terminal, prints the stack light and the warnings under each answer and in the summary', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'warden-')), 'station.json');
    writeFileSync(file, '{"journal":{"kib":12,"highWaterPct":10}}');
    let text = '';
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    try {
      await buildProgram((s) => (text += s)).parseAsync(['node', 'warden', 'station', 'run', DEMO, '--config', file]);
    } finally {
      if (tty === undefined) delete (process.stdout as { isTTY?: boolean }).isTTY;
      else Object.defineProperty(process.stdout, 'isTTY', tty);
    }
    expect(text).toMatch(/^ {5}permit OFF no-work-order: NO_WORK_ORDER; light amber; warnings: HOST_OFFLINE$/m);
    expect(text).toMatch(/^ {5}permit ON  running; light amber\+green; warnings: .*JOURNAL_HIGH_WATER/m);
    expect(text).toMatch(/^stack light amber\+green; warnings: .*JOURNAL_HIGH_WATER \(\d+\).*; clock 2026-12-01T06:32:00\.000Z$/m);
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

  /** The state-store partition of a station provisioned with `config` (and `secret`), as a device dump gives it. */
  function storeImage(config: Record<string, unknown>, secret?: Uint8Array): Uint8Array {
    const store = new SimFlash({ sectorSize: 4096, sectorCount: 16, wordSize: 4, seed: 3 });
    const journal = new SimFlash({ sectorSize: 4096, sectorCount: 16, wordSize: 4, seed: 4 });
    const hal = { journalFlash: journal, storeFlash: store, clock: new SimClock({}), runPermit: new SimOutput(), stackLight: simStackLight(), sensor: new SimSensor(), random: seededRandom(1) };
    Station.start({ hal, provision: secret === undefined ? { config } : { config, secret } });
    return store.image();
  }
  const SECRET = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

  it('shows the configuration a station holds in its state store, with the secret only as provisioned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-'));
    const file = join(dir, 'store.bin');
    writeFileSync(file, storeImage({ stationId: 12, name: 'reflow oven 2', role: 'reflow', maxSlots: 0, journal: { kib: 64 } }, SECRET));
    const json = warden(['station', 'config', '--store', file, '--json']);
    expect(json.status).toBe(0);
    const doc = JSON.parse(json.stdout) as { config: Record<string, unknown>; secret: unknown; damage: unknown[] };
    expect(doc.config).toMatchObject({ stationId: 12, name: 'reflow oven 2', role: 'reflow', maxSlots: 0, journal: { kib: 64 } });
    expect(doc.secret).toEqual({ provisioned: true, bytes: 32 });
    expect(doc.damage).toEqual([]);
    // The stored document is a configuration document: `warden station config` reads it back unchanged.
    expect(JSON.parse(warden(['station', 'config', '-', '--json'], JSON.stringify(doc.config)).stdout)).toEqual(doc.config);
    // No trace of the secret in any output, in any spelling (on a terminal: the same text as storedConfigText).
    const read = readStoredConfig(new Uint8Array(readFileSync(file)), { sectorSize: 4096, wordSize: 4 });
    if (!read.ok) throw new Error(read.detail);
    const text = storedConfigText(file, read, true);
    for (const out of [json.stdout, text]) {
      expect(out.toLowerCase()).not.toContain(hex(SECRET).slice(0, 16));
      expect(out).not.toContain(Buffer.from(SECRET).toString('base64').slice(0, 12));
      expect(out).not.toContain(JSON.stringify(Array.from(SECRET.subarray(0, 4))).slice(1, -1));
    }
    expect(text).toMatch(/station 12 \(reflow\), secret provisioned \(32 bytes, never shown\)/);
    expect(text).toMatch(/journal\.kib\s+64\s+12\.\.16384 KiB/);
  });

  it('says a station without a secret refuses host commands; refuses blank, foreign and cut images with the reason', () => {
    const noKey = readStoredConfig(storeImage({ stationId: 5 }), { sectorSize: 4096, wordSize: 4 });
    expect(noKey).toMatchObject({ ok: true, config: { stationId: 5 }, secret: { provisioned: false, bytes: 0 } });
    const dir = mkdtempSync(join(tmpdir(), 'warden-'));
    const put = (name: string, bytes: Uint8Array) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    if (!noKey.ok) throw new Error(noKey.detail);
    expect(storedConfigText('nokey.bin', noKey, false)).toMatch(/^nokey\.bin: station 5 \(placement\), NO SECRET: the station refuses every host command/);
    expect(JSON.parse(warden(['station', 'config', '--store', put('nokey.bin', storeImage({ stationId: 5 }))]).stdout)).toMatchObject({ secret: { provisioned: false } });
    const blank = warden(['station', 'config', '--store', put('blank.bin', new Uint8Array(4096 * 16).fill(0xff))]);
    expect([blank.status, blank.stderr]).toEqual([2, expect.stringMatching(/NOT_PROVISIONED \(607\): .*blank partition/)]);
    const noise = Uint8Array.from({ length: 4096 * 16 }, (_, i) => (i * 2654435761) >>> 24);
    expect(warden(['station', 'config', '--store', put('noise.bin', noise)]).stderr).toMatch(/STORAGE_UNRECOGNISED|FLASH_ENCRYPTED/);
    expect(warden(['station', 'config', '--store', put('cut.bin', storeImage({ stationId: 5 }).subarray(0, 5000))]).stderr).toMatch(/DUMP_TRUNCATED .*5000 bytes is not a state-store partition/);
    expect(warden(['station', 'config', '--store', join(dir, 'missing.bin')]).stderr).toMatch(/IO_ERROR .*cannot read the state-store image/);
    // The input is evidence: reading it changes none of its bytes.
    const image = storeImage({ stationId: 9 }, SECRET);
    const copy = image.slice();
    readStoredConfig(image, { sectorSize: 4096, wordSize: 4 });
    expect(image).toEqual(copy);
  });

  it('lists the command barcodes and the rights', () => {
    const r = warden(['station', 'commands', '--json']);
    const doc = JSON.parse(r.stdout) as { commands: Record<string, string>; rights: Record<string, string> };
    expect(Object.keys(doc.commands)).toEqual(expect.arrayContaining(['CMD:OPEN-DRY', 'CMD:SPLICE', 'CMD:FIRSTOFF-FAIL']));
    expect(doc.rights['enter a lot by hand (manual lot entry)']).toBe('technician');
  });
});
