import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { constantTimeEqual, hmacSha256, hmacSha256Parts, sha256, Sha256 } from '../src/sha256';

const enc = new TextEncoder();
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);
const nodeSha = (d: Uint8Array): string => createHash('sha256').update(d).digest('hex');
const nodeHmac = (k: Uint8Array, d: Uint8Array): string => createHmac('sha256', k).update(d).digest('hex');
const seq = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

/** Splits data at the given cut points (taken modulo length + 1) into subarray views. */
function split(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    parts.push(data.subarray(prev, p));
    prev = p;
  }
  parts.push(data.subarray(prev));
  return parts;
}

// fast-check's default size caps generated arrays at ~10 elements even with a
// larger maxLength; `size: 'max'` is passed so multi-block inputs and >64-byte keys occur.

// Lengths around the single/double padding-block edges (55/56 and 119/120).
const EDGE_LENGTHS = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129];

describe('sha256 known vectors (FIPS 180-4 examples)', () => {
  test('empty', () => {
    expect(hex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('"abc"', () => {
    expect(hex(sha256(enc.encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('448-bit message', () => {
    const m = enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq');
    expect(m.length).toBe(56);
    expect(hex(sha256(m))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  const MILLION_A = 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0';

  test('one million "a" (one shot)', () => {
    expect(hex(sha256(fill(1_000_000, 0x61)))).toBe(MILLION_A);
  });

  test('one million "a" (incremental, odd chunk size)', () => {
    const chunk = fill(997, 0x61);
    const h = new Sha256();
    let left = 1_000_000;
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      h.update(chunk, 0, n);
      left -= n;
    }
    expect(hex(h.digest())).toBe(MILLION_A);
  });
});

describe('sha256 padding edges', () => {
  test.each(EDGE_LENGTHS)('length %i matches node:crypto', (n) => {
    const d = seq(n);
    expect(hex(sha256(d))).toBe(nodeSha(d));
  });

  test.each(EDGE_LENGTHS)('length %i fed byte by byte matches one-shot', (n) => {
    const d = seq(n);
    const h = new Sha256();
    for (let i = 0; i < n; i++) h.update(d, i, i + 1);
    expect(hex(h.digest())).toBe(hex(sha256(d)));
  });
});

describe('Sha256 incremental hasher', () => {
  test('digest resets the hasher for reuse', () => {
    const h = new Sha256();
    h.update(enc.encode('abc'));
    const first = hex(h.digest());
    expect(hex(h.digest())).toBe(hex(sha256(new Uint8Array(0))));
    h.update(enc.encode('abc'));
    expect(hex(h.digest())).toBe(first);
  });

  test('reset discards buffered input', () => {
    const h = new Sha256();
    h.update(seq(100)).reset().update(enc.encode('abc'));
    expect(hex(h.digest())).toBe(hex(sha256(enc.encode('abc'))));
  });

  test('start/end select a sub-range, including of a subarray view', () => {
    const backing = seq(300);
    const view = backing.subarray(17, 250);
    const h = new Sha256();
    h.update(view, 5, 200);
    expect(hex(h.digest())).toBe(nodeSha(view.subarray(5, 200)));
  });

  test('invalid ranges throw RangeError', () => {
    const h = new Sha256();
    const d = seq(10);
    expect(() => h.update(d, -1, 5)).toThrow(RangeError);
    expect(() => h.update(d, 6, 5)).toThrow(RangeError);
    expect(() => h.update(d, 0, 11)).toThrow(RangeError);
    expect(() => h.update(d, 0.5, 5)).toThrow(RangeError);
    expect(() => h.update(d, 0, Number.NaN)).toThrow(RangeError);
  });

  test('does not mutate its input', () => {
    const d = seq(200);
    const copy = d.slice();
    sha256(d);
    hmacSha256(d.subarray(0, 100), d);
    expect(d).toEqual(copy);
  });

  test('property: arbitrary chunking equals one-shot', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000, size: 'max' }), fc.array(fc.nat(), { maxLength: 12 }), (data, cuts) => {
        const h = new Sha256();
        for (const p of split(data, cuts)) h.update(p);
        expect(hex(h.digest())).toBe(hex(sha256(data)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('sha256 vs node:crypto', () => {
  test('property: arbitrary data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000, size: 'max' }), (data) => {
        expect(hex(sha256(data))).toBe(nodeSha(data));
      }),
      { numRuns: 400 },
    );
  });
});

describe('HMAC-SHA-256 RFC 4231 vectors', () => {
  const cases: ReadonlyArray<[string, Uint8Array, Uint8Array, string]> = [
    ['1', fill(20, 0x0b), enc.encode('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [
      '2',
      enc.encode('Jefe'),
      enc.encode('what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    ['3', fill(20, 0xaa), fill(50, 0xdd), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    [
      '4',
      fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
      fill(50, 0xcd),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [
      '6 (131-byte key)',
      fill(131, 0xaa),
      enc.encode('Test Using Larger Than Block-Size Key - Hash Key First'),
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      '7 (131-byte key, long data)',
      fill(131, 0xaa),
      enc.encode(
        'This is a test using a larger than block-size key and a larger than block-size data. ' +
          'The key needs to be hashed before being used by the HMAC algorithm.',
      ),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];

  test.each(cases)('test case %s', (_name, key, data, expected) => {
    expect(hex(hmacSha256(key, data))).toBe(expected);
    expect(hex(hmacSha256Parts(key, [data]))).toBe(expected);
  });
});

describe('HMAC-SHA-256 vs node:crypto', () => {
  // Key lengths at the "hash the key first" edge (64 vs 65) and padding edges.
  test.each([0, 1, 32, 63, 64, 65, 131, 200])('key length %i', (kl) => {
    const key = seq(kl).map((b) => b ^ 0x5a);
    for (const n of EDGE_LENGTHS) {
      const d = seq(n);
      expect(hex(hmacSha256(key, d))).toBe(nodeHmac(key, d));
    }
  });

  test('property: arbitrary key and data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200, size: 'max' }), fc.uint8Array({ maxLength: 1000, size: 'max' }), (key, data) => {
        expect(hex(hmacSha256(key, data))).toBe(nodeHmac(key, data));
      }),
      { numRuns: 400 },
    );
  });

  test('property: hmacSha256Parts over an arbitrary split equals one-shot', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200, size: 'max' }),
        fc.uint8Array({ maxLength: 1000, size: 'max' }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (key, data, cuts) => {
          expect(hex(hmacSha256Parts(key, split(data, cuts)))).toBe(hex(hmacSha256(key, data)));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('hmacSha256Parts with no parts is HMAC of the empty message', () => {
    const key = seq(20);
    expect(hex(hmacSha256Parts(key, []))).toBe(nodeHmac(key, new Uint8Array(0)));
  });
});

describe('constantTimeEqual', () => {
  const byteEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

  test('basics', () => {
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    expect(constantTimeEqual(seq(32), seq(32))).toBe(true);
    expect(constantTimeEqual(seq(32), seq(31))).toBe(false);
    const b = seq(32);
    b[31] = b[31]! ^ 1;
    expect(constantTimeEqual(seq(32), b)).toBe(false);
    b[31] = b[31]! ^ 1;
    b[0] = b[0]! ^ 0x80;
    expect(constantTimeEqual(seq(32), b)).toBe(false);
  });

  test('property: agrees with byte-wise equality on independent arrays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(byteEqual(a, b));
      }),
      { numRuns: 500 },
    );
  });

  // Independent arrays are almost never equal; also test near-copies.
  test('property: agrees with byte-wise equality on a copy with an optional single-byte change', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64, size: 'max' }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (a, idx, xor) => {
          const b = a.slice();
          const i = idx % b.length;
          b[i] = b[i]! ^ xor;
          expect(constantTimeEqual(a, b)).toBe(byteEqual(a, b));
          expect(constantTimeEqual(a, b)).toBe(xor === 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
