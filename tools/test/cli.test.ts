// The warden CLI as users and scripts call it: through its bin, in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex } from '../../protocol/src/index';

const ROOT = join(__dirname, '..', '..');
const KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const vector = (name: string) => require(join(ROOT, 'protocol', 'vectors', `${name}.json`)) as { hex: string };

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

describe('warden CLI', () => {
  it('prints help listing its commands and exits 0', () => {
    const r = warden('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('decode');
  });

  it('decode: a valid frame is one JSON line with verdict ok and the message', () => {
    const r = warden('decode', '--key', KEY, '--hex', vector('ok/SlotLoaded').hex);
    expect(r.status).toBe(0);
    const [l] = lines(r.stdout);
    expect(l).toMatchObject({ verdict: 'ok', authenticated: true, frame: { type: 'SlotLoaded', stationId: 7 } });
  });

  it('decode: a stream gives one line per frame, in order, and exit 1 when one is rejected', () => {
    const h = vector('ok/SlotLoaded').hex;
    const r = warden('decode', '--key', `1=${KEY}`, '--hex', h + h + vector('reject/bad-crc').hex);
    expect(r.status).toBe(1);
    expect(lines(r.stdout).map((l) => l['verdict'])).toEqual(['ok', 'REPLAY', 'BAD_CRC']);
  });

  it('decode: reads a binary capture file and judges a frame with no trailing delimiter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-'));
    const wire = fromHex(vector('ok/Hello').hex)!;
    writeFileSync(join(dir, 'cap.bin'), wire.subarray(0, wire.length - 1));
    const r = warden('decode', '--key', KEY, join(dir, 'cap.bin'));
    expect(r.status).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ verdict: 'ok', frame: { type: 'Hello' } });
  });

  it('decode: without a key, frames decode but are marked unauthenticated', () => {
    const r = warden('decode', '--hex', vector('ok/Ack').hex);
    expect(lines(r.stdout)[0]).toMatchObject({ verdict: 'ok', authenticated: false });
  });

  it('decode: a wrong key gives BAD_MAC with its code', () => {
    const r = warden('decode', '--key', 'aa'.repeat(32), '--hex', vector('ok/Ack').hex);
    expect(lines(r.stdout)[0]).toMatchObject({ verdict: 'BAD_MAC', code: 151 });
  });

  it.each([
    [['decode', '--hex', 'abc'], 'BAD_HEX'],
    [['decode', '--hex', 'zz'], 'BAD_HEX'],
    [['decode'], 'BAD_ARGUMENT'],
    [['decode', '--key', 'nothex', '--hex', '00'], 'BAD_HEX'],
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
