// Keys are bound to a station, a key id and a direction; short keys are refused wherever a key enters.
import { createHmac, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import {
  deriveDirectionKeys,
  deriveSessionKey,
  deriveStationSecret,
  encodeFrame,
  encodeRawFrame,
  Keyring,
  KDF_LABELS,
  KDF_SALT,
  macKey,
  macMatches,
  MIN_KEY_BYTES,
  SESSION_LABEL,
  type Direction,
  type MacKey,
} from '../src/index';

const DIRECTIONS: readonly Direction[] = ['station-to-host', 'host-to-station'];
const secretArb = fc.uint8Array({ minLength: MIN_KEY_BYTES, maxLength: 64 });
const stationArb = fc.integer({ min: 0, max: 0xffff });
const keyIdArb = fc.integer({ min: 0, max: 0xff });

function nodeHkdf(ikm: Uint8Array, info: Uint8Array): string {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.from(KDF_SALT, 'ascii'), info, 32)).toString('hex');
}
function ids(label: string, stationId: number, keyId: number): Uint8Array {
  return Uint8Array.from([...Buffer.from(label, 'ascii'), stationId & 0xff, stationId >> 8, keyId]);
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('direction keys', () => {
  it('are HKDF-SHA-256(secret, "SMT-Warden v1", label · station id (u16 LE) · key id), as node:crypto computes them', () => {
    fc.assert(
      fc.property(secretArb, stationArb, keyIdArb, (secret, stationId, keyId) => {
        const d = deriveDirectionKeys(secret, stationId, keyId);
        if (!d.ok) throw new Error(d.detail);
        for (const dir of DIRECTIONS) expect(hex(d.key[dir])).toBe(nodeHkdf(secret, ids(KDF_LABELS[dir], stationId, keyId)));
      }),
      { numRuns: 100 },
    );
  });

  it('differ for every other station id, key id or direction, even under the same secret (a misprovisioned line)', () => {
    fc.assert(
      fc.property(secretArb, fc.uniqueArray(fc.tuple(stationArb, keyIdArb), { minLength: 2, maxLength: 6, selector: ([a, b]) => a * 256 + b }), (secret, pairs) => {
        const all = pairs.flatMap(([s, k]) => {
          const d = deriveDirectionKeys(secret, s, k);
          if (!d.ok) throw new Error(d.detail);
          return DIRECTIONS.map((dir) => hex(d.key[dir]));
        });
        expect(new Set(all).size).toBe(all.length);
      }),
      { numRuns: 100 },
    );
  });

  it('a secret shorter than 16 bytes is refused (KEY_TOO_SHORT) at every entry: derivation, keyring, line master, MAC key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: MIN_KEY_BYTES - 1 }), stationArb, keyIdArb, (short, stationId, keyId) => {
        expect(deriveDirectionKeys(short, stationId, keyId)).toMatchObject({ ok: false, reason: 'KEY_TOO_SHORT' });
        expect(deriveStationSecret(short, stationId, keyId)).toMatchObject({ ok: false, reason: 'KEY_TOO_SHORT' });
        const ring = new Keyring();
        expect(ring.install(stationId, keyId, short)).toMatchObject({ ok: false, reason: 'KEY_TOO_SHORT' });
        expect(ring.installFromLineMaster(short, stationId, keyId)).toMatchObject({ ok: false, reason: 'KEY_TOO_SHORT' });
        expect(ring.size).toBe(0);
        expect(macKey(short)).toMatchObject({ ok: false, reason: 'KEY_TOO_SHORT' });
      }),
      { numRuns: 100 },
    );
  });

  it('a short key smuggled past the type is refused by the codec: it neither seals nor verifies', () => {
    const short = new Uint8Array(8) as unknown as MacKey;
    const m = { type: 'Ack', body: { ackedCounter: 1, ackedType: 2 } } as const;
    expect(encodeFrame(m, { stationId: 1, counter: 1, direction: 'station-to-host', keyId: 1, key: short })).toMatchObject({ ok: false, reason: 'KEY_TOO_SHORT' });
    expect(encodeRawFrame({ versionMajor: 1, versionMinor: 1, messageType: 0x7e, stationId: 1, counter: 1, direction: 'station-to-host', ackRequested: false, keyId: 1 }, new Uint8Array(5), new Uint8Array(0) as unknown as MacKey)).toMatchObject({ ok: false, reason: 'KEY_TOO_SHORT' });
    const good = macKey(new Uint8Array(16));
    if (!good.ok) throw new Error(good.detail);
    const f = encodeFrame(m, { stationId: 1, counter: 1, direction: 'station-to-host', keyId: 1, key: good.key });
    if (!f.ok) throw new Error(f.detail);
    expect(macMatches(f.body, good.key)).toBe(true);
    expect(macMatches(f.body, short)).toBe(false);
  });

  it('ids outside their wire ranges are refused', () => {
    const s = new Uint8Array(32);
    for (const [st, k] of [[-1, 0], [0x10000, 0], [1.5, 0], [0, 256], [0, -1]] as const) {
      expect(deriveDirectionKeys(s, st, k)).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    }
  });
});

describe('line master (optional scheme)', () => {
  it('a station secret is HKDF(master, "SMT-Warden v1", "SMT-Warden station secret" · station id · key id); each station gets its own', () => {
    fc.assert(
      fc.property(secretArb, stationArb, stationArb, keyIdArb, (master, a, b, keyId) => {
        const sa = deriveStationSecret(master, a, keyId);
        const sb = deriveStationSecret(master, b, keyId);
        if (!sa.ok || !sb.ok) throw new Error('derivation refused');
        expect(hex(sa.key)).toBe(nodeHkdf(master, ids(KDF_LABELS.stationSecret, a, keyId)));
        expect(hex(sa.key) === hex(sb.key)).toBe(a === b);
        // installFromLineMaster installs exactly what the station is provisioned with.
        const host = new Keyring();
        const station = new Keyring();
        expect(host.installFromLineMaster(master, a, keyId).ok).toBe(true);
        expect(station.install(a, keyId, sa.key).ok).toBe(true);
        for (const dir of DIRECTIONS) expect(hex(host.directionKey(a, keyId, dir)!)).toBe(hex(station.directionKey(a, keyId, dir)!));
      }),
      { numRuns: 60 },
    );
  });
});

describe('session keys', () => {
  it('are HKDF-Expand(direction key, "SMT-Warden session" · station nonce · host nonce, 32): one HMAC', () => {
    fc.assert(
      fc.property(secretArb, fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (secret, ns, nh) => {
        const d = deriveDirectionKeys(secret, 7, 1);
        if (!d.ok) throw new Error(d.detail);
        const k = d.key['station-to-host'];
        const want = createHmac('sha256', k).update(Buffer.concat([Buffer.from(SESSION_LABEL, 'ascii'), ns, nh, Buffer.from([1])])).digest('hex');
        expect(hex(deriveSessionKey(k, ns, nh))).toBe(want);
        // Swapping the nonces' roles gives another key: the station's nonce always comes first.
        if (hex(ns) !== hex(nh)) expect(hex(deriveSessionKey(k, nh, ns))).not.toBe(want);
      }),
      { numRuns: 60 },
    );
  });
});

describe('Keyring', () => {
  it('looks keys up by (station id, key id) and holds at most its maximum', () => {
    const ring = new Keyring(2);
    expect(ring.install(7, 1, new Uint8Array(32).fill(1)).ok).toBe(true);
    expect(ring.install(8, 1, new Uint8Array(32).fill(1)).ok).toBe(true);
    expect(ring.install(9, 1, new Uint8Array(32).fill(1))).toMatchObject({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect(ring.install(7, 1, new Uint8Array(32).fill(2)).ok).toBe(true); // replacing is not growing
    expect(ring.directionKey(7, 2, 'station-to-host')).toBeUndefined();
    expect(ring.directionKey(9, 1, 'station-to-host')).toBeUndefined();
    expect(hex(ring.directionKey(7, 1, 'station-to-host')!)).not.toBe(hex(ring.directionKey(8, 1, 'station-to-host')!));
    expect(ring.remove(7, 1)).toBe(true);
    expect(ring.has(7, 1)).toBe(false);
  });
});
