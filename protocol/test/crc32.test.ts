import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { crc32, crc32Update } from '../src/crc32';

const enc = new TextEncoder();
const seq = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);

// `size: 'max'`: fast-check's default size would cap arrays at ~10 bytes.
/** Arbitrary data plus a valid [start, end) range inside it. */
const dataWithRange = fc
  .tuple(fc.uint8Array({ maxLength: 2000, size: 'max' }), fc.nat(), fc.nat())
  .map(([data, x, y]) => {
    const a = x % (data.length + 1);
    const b = y % (data.length + 1);
    return { data, start: Math.min(a, b), end: Math.max(a, b) };
  });

describe('crc32 known values', () => {
  test('check value for "123456789" is 0xCBF43926', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
  });

  test('empty input is 0', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  test('result is unsigned when the top bit is set', () => {
    // 0xCBF43926 has its top bit set; a signed result would be negative.
    const v = crc32(enc.encode('123456789'));
    expect(v).toBeGreaterThan(0x7fffffff);
    expect(Number.isInteger(v)).toBe(true);
  });

  test.each([1, 55, 56, 63, 64, 65, 119, 120, 4096])('length %i matches zlib.crc32', (n) => {
    const d = seq(n);
    expect(crc32(d)).toBe(zlib.crc32(d));
  });
});

describe('crc32 ranges and streaming', () => {
  test('start/end select a sub-range of a subarray view', () => {
    const view = seq(300).subarray(11, 280);
    expect(crc32(view, 3, 200)).toBe(zlib.crc32(view.subarray(3, 200)));
  });

  test('invalid ranges throw RangeError', () => {
    const d = seq(10);
    expect(() => crc32(d, -1, 5)).toThrow(RangeError);
    expect(() => crc32(d, 6, 5)).toThrow(RangeError);
    expect(() => crc32(d, 0, 11)).toThrow(RangeError);
    expect(() => crc32(d, 1.5)).toThrow(RangeError);
    expect(() => crc32Update(0, d, 0, Number.NaN)).toThrow(RangeError);
  });

  test('crc32Update is resumable from a previous result (zlib convention)', () => {
    const d = enc.encode('123456789');
    const c = crc32Update(crc32Update(0, d, 0, 4), d, 4, 9);
    expect(c).toBe(0xcbf43926);
  });
});

describe('crc32 vs zlib.crc32 (properties)', () => {
  test('arbitrary data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000, size: 'max' }), (data) => {
        expect(crc32(data)).toBe(zlib.crc32(data));
      }),
      { numRuns: 500 },
    );
  });

  test('arbitrary start/end sub-range', () => {
    fc.assert(
      fc.property(dataWithRange, ({ data, start, end }) => {
        expect(crc32(data, start, end)).toBe(zlib.crc32(data.subarray(start, end)));
      }),
      { numRuns: 500 },
    );
  });

  test('streaming over a split point equals one-shot and zlib chaining', () => {
    fc.assert(
      fc.property(dataWithRange, ({ data, start: cut }) => {
        const streamed = crc32Update(crc32Update(0, data, 0, cut), data, cut, data.length);
        expect(streamed).toBe(crc32(data));
        expect(streamed).toBe(zlib.crc32(data.subarray(cut), zlib.crc32(data.subarray(0, cut))));
      }),
      { numRuns: 300 },
    );
  });
});
