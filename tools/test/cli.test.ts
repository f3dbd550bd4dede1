// The warden CLI as users and scripts call it: through its bin, in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex, HostSession, Keyring, MemoryCounterVault, StationSession, toHex } from '../../protocol/src/index';

const ROOT = join(__dirname, '..', '..');
const SECRET = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const vector = (name: string) => require(join(ROOT, 'protocol', 'vectors', `${name}.json`)) as { hex: string; sends: string[] };

function warden(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lines(s: string): Record<string, unknown>[] {
  return s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The frames of a hex stream (each 0x00 … 0x00), as hex. */
function framesOf(hex: string): string[] {
  const b = fromHex(hex)!;
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0) continue;
    if (start >= 0 && i > start + 1) out.push(toHex(b.subarray(start, i + 1)));
    start = i;
  }
  return out;
}

/** What a tap on the link of vector ok/SlotLoaded records: the station's Hello, the host's HelloAck, the SlotLoaded. */
function slotLoadedCapture(): string[] {
  const v = vector('ok/SlotLoaded');
  const [hello, slot] = framesOf(v.hex);
  return [hello!, v.sends[0]!, slot!];
}

describe('warden CLI', () => {
  it('prints help listing its commands and exits 0', () => {
    const r = warden('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('decode');
  });

  it('decode: with the station secret, a captured handshake and frame give one ok line each, authenticated', () => {
    const r = warden('decode', '--secret', SECRET, '--hex', slotLoadedCapture().join(''));
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((l) => [l['verdict'], l['authenticated'], (l['frame'] as { type: string }).type])).toEqual([
      ['ok', true, 'Hello'],
      ['ok', true, 'HelloAck'],
      ['ok', true, 'SlotLoaded'],
    ]);
    expect(out[2]).toMatchObject({ frame: { stationId: 7, direction: 'station-to-host' } });
  });

  it('decode: a stream gives one line per frame, in order, and exit 1 when one is rejected', () => {
    const [hello, ack, slot] = slotLoadedCapture();
    const badCrc = framesOf(vector('reject/bad-crc').hex).at(-1)!;
    const r = warden('decode', '--secret', `7:1=${SECRET}`, '--hex', [hello, ack, slot, slot, badCrc].join(''));
    expect(r.status).toBe(1);
    expect(lines(r.stdout).map((l) => l['verdict'])).toEqual(['ok', 'ok', 'ok', 'REPLAY', 'BAD_CRC']);
  });

  it('decode: a capture that starts mid-session cannot be verified (NO_SESSION) until its next handshake', () => {
    const [hello, ack, slot] = slotLoadedCapture();
    const r = warden('decode', '--secret', SECRET, '--hex', [slot, hello, ack].join(''));
    expect(lines(r.stdout).map((l) => l['verdict'])).toEqual(['NO_SESSION', 'ok', 'ok']);
  });

  it('decode: reads a binary capture file and judges a frame with no trailing delimiter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-'));
    const wire = fromHex(framesOf(vector('ok/Hello').hex)[0]!)!;
    writeFileSync(join(dir, 'cap.bin'), wire.subarray(0, wire.length - 1));
    const r = warden('decode', '--secret', SECRET, join(dir, 'cap.bin'));
    expect(r.status).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ verdict: 'ok', authenticated: true, frame: { type: 'Hello' } });
  });

  it('decode: without a secret, frames decode but are marked unauthenticated', () => {
    const r = warden('decode', '--hex', slotLoadedCapture().join(''));
    expect(lines(r.stdout).map((l) => [l['verdict'], l['authenticated']])).toEqual([
      ['ok', false],
      ['ok', false],
      ['ok', false],
    ]);
  });

  it('decode: a wrong secret gives BAD_MAC with its code', () => {
    const r = warden('decode', '--secret', 'aa'.repeat(32), '--hex', slotLoadedCapture()[0]!);
    expect(lines(r.stdout)[0]).toMatchObject({ verdict: 'BAD_MAC', code: 151 });
  });

  it('decode: --line-master derives each station\'s secret, as a host provisioned from it does', () => {
    const master = new Uint8Array(32).fill(0x42);
    const keys = new Keyring();
    expect(keys.installFromLineMaster(master, 12, 3).ok).toBe(true);
    let seed = 1;
    const random = (d: Uint8Array) => d.forEach((_, i) => (d[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    const hello = { softwareVersion: 't', role: 'placement' as const, capabilities: [], maxFrameBytes: 512, maxSlots: 10, maxReels: 1, journalCapacity: 1 };
    const st = StationSession.create({ stationId: 12, keyId: 3, keys, vault: new MemoryCounterVault(), random, hello });
    const ho = HostSession.create({ keys, vault: new MemoryCounterVault(), random, hello });
    if (!st.ok || !ho.ok) throw new Error('create');
    const hi = st.session.connect();
    if (!hi.ok) throw new Error(hi.detail);
    const capture = [toHex(hi.wire)];
    ho.session.receive(hi.wire, 0, (e) => {
      if (e.kind === 'send') {
        capture.push(toHex(e.wire));
        st.session.receive(e.wire, 0, () => undefined);
      }
    });
    const frame = st.session.send({ type: 'OverrideExpired', body: { requestId: 2, at: 3 } });
    if (!frame.ok) throw new Error(frame.detail);
    capture.push(toHex(frame.wire));
    const r = warden('decode', '--line-master', toHex(master), '--hex', capture.join(''));
    expect(r.status).toBe(0);
    expect(lines(r.stdout).map((l) => (l['frame'] as { type: string }).type)).toEqual(['Hello', 'HelloAck', 'OverrideExpired']);
  });

  it.each([
    [['decode', '--hex', 'abc'], 'BAD_HEX'],
    [['decode', '--hex', 'zz'], 'BAD_HEX'],
    [['decode'], 'BAD_ARGUMENT'],
    [['decode', '--secret', 'nothex', '--hex', '00'], 'BAD_HEX'],
    [['decode', '--secret', 'aa'.repeat(15), '--hex', '00'], 'KEY_TOO_SHORT'],
    [['decode', '--secret', `70000:1=${'aa'.repeat(16)}`, '--hex', '00'], 'BAD_ARGUMENT'],
    [['decode', '--line-master', 'aa', '--hex', '00'], 'KEY_TOO_SHORT'],
    [['decode', '/nonexistent/capture.bin'], 'IO_ERROR'],
  ])('decode %j fails with one line naming %s and exit 2', (args, reason) => {
    const r = warden(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(reason);
  });

  it('an unknown option is a one-line error with a non-zero exit', () => {
    const r = warden('decode', '--bogus');
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
