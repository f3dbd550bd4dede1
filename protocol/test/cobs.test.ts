import fc from 'fast-check';
import { cobsDecode, cobsEncode, cobsEncodeInto, cobsMaxEncodedLength } from '../src/cobs';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (...parts: readonly (number | readonly number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p])));
/** [from, from + 1, …, to], inclusive. */
const run = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// The encoding examples of the Wikipedia article "Consistent Overhead Byte Stuffing" (delimiter omitted).
describe('COBS encoding vectors (Wikipedia examples)', () => {
  const vectors: readonly (readonly [string, Uint8Array, Uint8Array])[] = [
    ['1: [00]', bytes(0x00), bytes(0x01, 0x01)],
    ['2: [00 00]', bytes(0x00, 0x00), bytes(0x01, 0x01, 0x01)],
    ['3: [00 11 00]', bytes(0x00, 0x11, 0x00), bytes(0x01, 0x02, 0x11, 0x01)],
    ['4: [11 22 00 33]', bytes(0x11, 0x22, 0x00, 0x33), bytes(0x03, 0x11, 0x22, 0x02, 0x33)],
    ['5: [11 22 33 44]', bytes(0x11, 0x22, 0x33, 0x44), bytes(0x05, 0x11, 0x22, 0x33, 0x44)],
    ['6: [11 00 00 00]', bytes(0x11, 0x00, 0x00, 0x00), bytes(0x02, 0x11, 0x01, 0x01, 0x01)],
    ['9: [01 … FF] (255 non-zero bytes)', bytes(run(0x01, 0xff)), bytes(0xff, run(0x01, 0xfe), 0x02, 0xff)],
    ['10: [02 … FF 00] (254 non-zero, then 00)', bytes(run(0x02, 0xff), 0x00), bytes(0xff, run(0x02, 0xff), 0x01, 0x01)],
    ['11: [03 … FF 00 01]', bytes(run(0x03, 0xff), 0x00, 0x01), bytes(0xfe, run(0x03, 0xff), 0x02, 0x01)],
  ];

  it.each(vectors)('example %s encodes as published and decodes back', (_, data, encoded) => {
    expect(hex(cobsEncode(data))).toBe(hex(encoded));
    expect(hex(cobsDecode(encoded)!)).toBe(hex(data));
  });

  // Examples 7 and 8 end with a full 254-byte block. The article's encoder stops there (`FF 01 … FE`); this encoder,
  // like Cheshire & Baker's original StuffData, closes the block and then writes one more, empty, block (`… 01`).
  // Both are valid COBS and decode to the same data; the extra byte is within cobsMaxEncodedLength.
  it('example 7: [01 … FE] (254 non-zero bytes) → FF 01 … FE, then an empty final block 01', () => {
    const data = bytes(run(0x01, 0xfe));
    expect(hex(cobsEncode(data))).toBe(hex(bytes(0xff, run(0x01, 0xfe), 0x01)));
    expect(cobsEncode(data).length).toBe(cobsMaxEncodedLength(254));
    expect(hex(cobsDecode(bytes(0xff, run(0x01, 0xfe)))!)).toBe(hex(data)); // the article's form decodes too
    expect(hex(cobsDecode(bytes(0xff, run(0x01, 0xfe), 0x01))!)).toBe(hex(data));
  });

  it('example 8: [00 01 … FE] (255 bytes) → 01 FF 01 … FE, then an empty final block 01', () => {
    const data = bytes(0x00, run(0x01, 0xfe));
    expect(hex(cobsEncode(data))).toBe(hex(bytes(0x01, 0xff, run(0x01, 0xfe), 0x01)));
    expect(hex(cobsDecode(bytes(0x01, 0xff, run(0x01, 0xfe)))!)).toBe(hex(data)); // the article's form
  });

  it('the empty input encodes as a single 01 and decodes back to empty', () => {
    expect(hex(cobsEncode(new Uint8Array(0)))).toBe('01');
    expect(cobsDecode(bytes(0x01))).toEqual(new Uint8Array(0));
    expect(cobsDecode(new Uint8Array(0))).toEqual(new Uint8Array(0));
  });

  it('a run of 254 non-zero bytes and one more starts a second block (no zero inserted between them)', () => {
    const data = new Uint8Array(255).fill(0x42);
    const enc = cobsEncode(data);
    expect(enc[0]).toBe(0xff);
    expect(enc[255]).toBe(0x02);
    expect(enc.length).toBe(257);
    expect(cobsDecode(enc)).toEqual(data);
  });
});

describe('COBS decoding rejects what is not COBS', () => {
  it.each([
    ['a 00 code byte', bytes(0x00)],
    ['a 00 inside a block', bytes(0x03, 0x11, 0x00)],
    ['a code pointing past the end', bytes(0x05, 0x11, 0x22)],
    ['a later code pointing past the end', bytes(0x02, 0x11, 0x04, 0x22)],
    ['an FF block cut short', bytes(0xff, run(0x01, 0x10))],
  ])('%s → undefined', (_, input) => {
    expect(cobsDecode(input)).toBeUndefined();
  });

  it('the length argument limits decoding to a prefix', () => {
    const buf = bytes(0x03, 0x11, 0x22, 0x02, 0x33, 0xaa, 0xbb);
    expect(hex(cobsDecode(buf, 5)!)).toBe('11220033');
  });
});

describe('COBS properties', () => {
  // size: 'max' so that multi-block inputs (> 254 bytes) come up; the default size stays tiny.
  const data = fc.oneof(
    fc.uint8Array({ maxLength: 1200, size: 'max' }),
    // Few zeros: long runs of non-zero bytes exercise the 254-byte block limit.
    fc.uint8Array({ min: 1, max: 255, maxLength: 1200, size: 'max' }),
    // Mostly zeros.
    fc.array(fc.constantFrom(0, 0, 0, 1, 0xff), { maxLength: 600, size: 'max' }).map((a) => Uint8Array.from(a)),
  );

  it('decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(data, (x) => {
        expect(cobsDecode(cobsEncode(x))).toEqual(x);
      }),
      { numRuns: 300 },
    );
  });

  it('the encoding contains no 0x00', () => {
    fc.assert(
      fc.property(data, (x) => {
        expect(cobsEncode(x).includes(0)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('the encoded length is at most cobsMaxEncodedLength, and at least one byte more than the input', () => {
    fc.assert(
      fc.property(data, (x) => {
        const n = cobsEncode(x).length;
        expect(n).toBeLessThanOrEqual(cobsMaxEncodedLength(x.length));
        expect(n).toBeGreaterThanOrEqual(x.length + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('cobsEncodeInto writes at the offset, touches nothing outside its range, and returns the end', () => {
    fc.assert(
      fc.property(data, fc.integer({ min: 0, max: 16 }), (x, offset) => {
        const dst = new Uint8Array(offset + cobsMaxEncodedLength(x.length) + 8).fill(0xee);
        const end = cobsEncodeInto(x, dst, offset);
        expect(dst.subarray(offset, end)).toEqual(cobsEncode(x));
        expect(dst.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
        expect(dst.subarray(end).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('decode on arbitrary bytes never throws, and whatever it accepts re-encodes to a decoding of the same data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200, size: 'max' }), (x) => {
        let out: Uint8Array | undefined;
        expect(() => {
          out = cobsDecode(x);
        }).not.toThrow();
        if (out !== undefined) {
          expect(out.length).toBeLessThanOrEqual(x.length);
          expect(cobsDecode(cobsEncode(out))).toEqual(out);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('decode rejects any input containing 0x00', () => {
    fc.assert(
      fc.property(data, fc.nat(), (x, at) => {
        const enc = cobsEncode(x).slice();
        enc[at % enc.length] = 0;
        expect(cobsDecode(enc)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
