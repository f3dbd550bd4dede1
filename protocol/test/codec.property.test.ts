// Property tests of the station↔host codec: each `it` is named after an invariant that stations, hosts and
// third-party implementations rely on. Arbitraries are derived from the schemas (./arbitrary.ts).
import fc from 'fast-check';
import { arbitraryFor, arbitraryMessage, arbitraryMessageOf, MESSAGE_NAMES } from './arbitrary';
import {
  BoolField,
  BytesField,
  EnumField,
  FlagsField,
  ListField,
  OptField,
  ReasonField,
  ScaledField,
  StrField,
  StructField,
  UIntField,
  type Field,
} from '../src/fields';
import {
  decodePayload,
  encodeFrame,
  encodePayload,
  encodeRawFrame,
  resealCrc,
  wrap,
  type Direction,
  type FrameHeader,
  type FrameOptions,
  type Keyring,
} from '../src/frame';
import { CRC_BYTES, MAX_PAYLOAD, MAX_WIRE_FRAME, PROTOCOL_MAJOR, PROTOCOL_MINOR } from '../src/limits';
import { CAPABILITIES, MESSAGES, type Message, type MessageName } from '../src/messages';
import { REASONS, type ReasonName } from '../src/reasons';
import { Receiver, type Verdict } from '../src/receiver';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures and helpers

const KEY_ID = 7;
const KEY_ID_2 = 200;
const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 73 + 11) & 0xff);
const KEY_2 = Uint8Array.from({ length: 32 }, (_, i) => (i * 151 + 5) & 0xff);
/** Knows one key id only. */
const keyring: Keyring = (id) => (id === KEY_ID ? KEY : undefined);
const REASON_NAMES: ReadonlySet<string> = new Set(Object.keys(REASONS));
const FROZEN: readonly MessageName[] = ['Hello', 'HelloAck'];
const USED_TYPES: ReadonlySet<number> = new Set(MESSAGE_NAMES.map((n) => MESSAGES[n].type));
const UNUSED_TYPES: readonly number[] = Array.from({ length: 256 }, (_, t) => t).filter((t) => !USED_TYPES.has(t));

/** Header fields a sender chooses (key id and key are the fixture's). */
interface Sent {
  readonly stationId: number;
  readonly counter: number;
  readonly direction: Direction;
  readonly ackRequested: boolean;
}

interface Framed {
  readonly m: Message;
  readonly s: Sent;
}

function directionsOf(name: MessageName): Direction[] {
  const from: string = MESSAGES[name].from;
  if (from === 'host') return ['host-to-station'];
  if (from === 'station') return ['station-to-host'];
  return ['host-to-station', 'station-to-host'];
}

function sentFor(name: MessageName): fc.Arbitrary<Sent> {
  return fc.record(
    {
      stationId: fc.integer({ min: 0, max: 0xffff }),
      counter: fc.integer({ min: 1, max: 0xffffffff }),
      direction: fc.constantFrom(...directionsOf(name)),
      ackRequested: fc.boolean(),
    },
    { noNullPrototype: true },
  );
}

/** A message of any type with a header it may legitimately travel under. */
const framed: fc.Arbitrary<Framed> = arbitraryMessage().chain((m) => sentFor(m.type).map((s) => ({ m, s })));
const framedOf = (name: MessageName): fc.Arbitrary<Framed> =>
  arbitraryMessageOf(name).chain((m) => sentFor(m.type).map((s) => ({ m, s })));

function options(s: Sent, extra: Partial<FrameOptions> = {}): FrameOptions {
  return { ...s, keyId: KEY_ID, key: KEY, ...extra };
}

/** encodeFrame that must succeed. */
function seal(m: Message, s: Sent, extra: Partial<FrameOptions> = {}): { wire: Uint8Array; body: Uint8Array } {
  const r = encodeFrame(m, options(s, extra));
  if (!r.ok) throw new Error(`encodeFrame refused ${m.type}: ${r.reason} ${r.detail}`);
  return r;
}

function sealRaw(h: FrameHeader, payload: Uint8Array, key: Uint8Array = KEY): Uint8Array {
  const r = encodeRawFrame(h, payload, key);
  if (!r.ok) throw new Error(`encodeRawFrame refused: ${r.reason} ${r.detail}`);
  return r.wire;
}

function payloadOf(m: Message): Uint8Array {
  const p = encodePayload(m);
  if (!p.ok) throw new Error(`encodePayload refused ${m.type}: ${p.reason} ${p.detail}`);
  return p.payload;
}

function headerOf(m: Message | MessageName, s: Sent, extra: Partial<FrameHeader> = {}): FrameHeader {
  const name = typeof m === 'string' ? m : m.type;
  return {
    versionMajor: PROTOCOL_MAJOR,
    versionMinor: PROTOCOL_MINOR,
    messageType: MESSAGES[name].type,
    stationId: s.stationId,
    counter: s.counter,
    direction: s.direction,
    ackRequested: s.ackRequested,
    keyId: KEY_ID,
    ...extra,
  };
}

/** Feeds chunks, in order, to one receiver and collects its verdicts. */
function feed(chunks: readonly Uint8Array[], rx: Receiver = new Receiver({ keyring })): Verdict[] {
  const out: Verdict[] = [];
  for (const c of chunks) rx.push(c, (v) => out.push(v));
  return out;
}

function only(verdicts: readonly Verdict[]): Verdict {
  expect(verdicts).toHaveLength(1);
  return verdicts[0]!;
}

function expectOk(v: Verdict | undefined): Extract<Verdict, { ok: true }> {
  if (v === undefined) throw new Error('no verdict');
  if (!v.ok) throw new Error(`expected ok, got ${v.reason}: ${v.detail}`);
  return v;
}

function expectRejected(v: Verdict | undefined, reason: ReasonName, nackable: boolean): Extract<Verdict, { ok: false }> {
  if (v === undefined) throw new Error('no verdict');
  if (v.ok) throw new Error(`expected ${reason}, got ok ${v.message.type}`);
  expect({ reason: v.reason, nackable: v.nackable }).toEqual({ reason, nackable });
  return v;
}

function concat(...parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Splits bytes at the given points (taken modulo length + 1); empty chunks included. */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

const cuts = fc.array(fc.nat(), { maxLength: 24 });

/** Every verdict is either ok with a catalogued message, or a rejection with a reason of REASONS. */
function expectWellFormed(verdicts: readonly Verdict[]): void {
  const names: ReadonlySet<string> = new Set(MESSAGE_NAMES);
  const bad = verdicts.filter((v) =>
    v.ok
      ? !names.has(v.message.type)
      : !REASON_NAMES.has(v.reason) || typeof v.detail !== 'string' || typeof v.nackable !== 'boolean',
  );
  expect(bad).toEqual([]);
}

/**
 * Bytes biased towards 0x00 and COBS code values, so framing edge cases come up often. (Derived from a uniform
 * uint8Array by a density map: an fc.array of 3000 individually generated bytes is far slower.)
 */
const SPECIAL = [0x00, 0x00, 0x01, 0x02, 0xfe, 0xff] as const;
const cobsyBytes = (maxLength: number): fc.Arbitrary<Uint8Array> =>
  fc
    .tuple(fc.uint8Array({ maxLength, size: 'max' }), fc.constantFrom(16, 64, 128, 224))
    .map(([raw, threshold]) => raw.map((b) => (b < threshold ? SPECIAL[b % SPECIAL.length]! : b)));

const garbage = (maxLength: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof(fc.uint8Array({ size: 'max', maxLength }), cobsyBytes(maxLength));

/**
 * The bytes re-encoding a decoded payload must give: the input itself, except that flag bits this version does not
 * name are dropped on read (FlagsField: capabilities of newer peers), so they come back as 0.
 */
function canonicalBytes(schema: Field<unknown>, value: unknown, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const walk = (field: Field<unknown>, v: unknown, at: number): number => {
    if (field instanceof FlagsField) {
      const n = (field.names as readonly string[]).length;
      const mask = n === 32 ? 0xffffffff : 2 ** n - 1;
      const word = (out[at]! | (out[at + 1]! << 8) | (out[at + 2]! << 16) | (out[at + 3]! << 24)) & mask;
      out.set([word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, (word >>> 24) & 0xff], at);
      return at + 4;
    }
    if (field instanceof StructField) {
      let o = at;
      const rec = v as Record<string, unknown>;
      for (const [k, sub] of Object.entries(field.fields as Record<string, Field<unknown>>)) o = walk(sub, rec[k], o);
      return o;
    }
    if (field instanceof OptField) return v === undefined ? at + 1 : walk(field.inner as Field<unknown>, v, at + 1);
    if (field instanceof ListField) {
      let o = at + 1;
      for (const item of v as unknown[]) o = walk(field.inner as Field<unknown>, item, o);
      return o;
    }
    return at + field.measure(v).size;
  };
  const end = walk(schema, value, 0);
  return out.subarray(0, end);
}

const schemaOf = (name: MessageName): Field<unknown> => MESSAGES[name].schema as unknown as Field<unknown>;

// ---------------------------------------------------------------------------------------------------------------

describe('every message type round-trips', () => {
  it.each(MESSAGE_NAMES)(
    '%s: arbitrary bodies come back identical through a Receiver, authenticated, with the header as sent',
    (name) => {
      fc.assert(
        fc.property(framedOf(name), ({ m, s }) => {
          const { wire } = seal(m, s);
          const v = expectOk(only(feed([wire])));
          expect(v.message.type).toBe(name);
          expect(v.message.body).toStrictEqual(m.body);
          expect(v.authenticated).toBe(true);
          expect(v.header).toStrictEqual(headerOf(m, s));
        }),
        { numRuns: 100 },
      );
    },
  );
});

describe('canonical encoding', () => {
  it('re-encoding a decoded payload gives the same bytes', () => {
    fc.assert(
      fc.property(arbitraryMessage(), (m) => {
        const payload = payloadOf(m);
        const d = decodePayload(MESSAGES[m.type].type, payload);
        if (!d.ok) throw new Error(`${d.reason}: ${d.detail}`);
        expect(d.message).toStrictEqual(m);
        expect(payloadOf(d.message)).toEqual(payload);
      }),
      { numRuns: 300 },
    );
  });

  it('re-sealing a received message under the same header gives the identical wire frame', () => {
    fc.assert(
      fc.property(framed, ({ m, s }) => {
        const { wire } = seal(m, s);
        const v = expectOk(only(feed([wire])));
        expect(seal(v.message, s).wire).toEqual(wire);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the stream decoder is total', () => {
  it('arbitrary bytes split at arbitrary points never throw, and every verdict is ok or has a REASONS reason', () => {
    fc.assert(
      fc.property(garbage(3000), cuts, fc.boolean(), (bytes, at, withKeys) => {
        const rx = new Receiver(withKeys ? { keyring } : {});
        const verdicts: Verdict[] = [];
        expect(() => {
          for (const c of split(bytes, at)) rx.push(c, (v) => verdicts.push(v));
        }).not.toThrow();
        expectWellFormed(verdicts);
      }),
      { numRuns: 300 },
    );
  });

  it('streams mixing valid, damaged and replayed frames with garbage never throw, and every verdict is well formed', () => {
    const segment = fc.oneof(
      framed.map(({ m, s }) => seal(m, s).wire),
      fc
        .tuple(framed, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }))
        .map(([{ m, s }, hits]) => {
          const w = seal(m, s).wire.slice();
          for (const [i, b] of hits) w[i % w.length] = b;
          return w;
        }),
      garbage(600),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), cuts, fc.boolean(), (segments, at, withKeys) => {
        const rx = new Receiver(withKeys ? { keyring } : {});
        const stream = concat(...segments, ...segments.slice(0, 2)); // the first frames come again: replays
        const verdicts: Verdict[] = [];
        expect(() => {
          for (const c of split(stream, at)) rx.push(c, (v) => verdicts.push(v));
        }).not.toThrow();
        expectWellFormed(verdicts);
      }),
      { numRuns: 150 },
    );
  });
});

describe('recovery after garbage', () => {
  it('arbitrary garbage, then 0x00, then a valid frame: the frame is decoded ok (also when glued to its leading 0x00)', () => {
    fc.assert(
      fc.property(garbage(3000), framed, fc.boolean(), cuts, (junk, { m, s }, glued, at) => {
        const { wire } = seal(m, s);
        const lead = glued ? junk : concat(junk, [0]);
        const stream = concat(lead, wire);
        const rx = new Receiver({ keyring });
        const verdicts = feed(split(stream, at), rx);
        expectWellFormed(verdicts);
        const last = expectOk(verdicts.at(-1));
        expect(last.message).toStrictEqual(m);
        expect(last.header).toStrictEqual(headerOf(m, s));
        expect(last.offset).toBe(lead.length + 1); // first byte after the frame's own leading 0x00
        // Only the frame itself authenticates; nothing before it is ok.
        expect(verdicts.filter((v) => v.ok)).toHaveLength(1);
        expect(rx.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a valid frame surrounded by arbitrary garbage and chunking yields exactly the verdicts of feeding it whole', () => {
    const segment = fc.oneof(
      framed.map(({ m, s }) => seal(m, s).wire),
      garbage(700),
    );
    fc.assert(
      fc.property(garbage(700), framed, fc.array(segment, { maxLength: 4 }), cuts, (before, { m, s }, after, at) => {
        const stream = concat(before, seal(m, s).wire, ...after);
        const whole = feed([stream]);
        const chunked = feed(split(stream, at));
        expect(chunked).toStrictEqual(whole);
        expect(whole.some((v) => v.ok && v.message.type === m.type && v.header.counter === s.counter)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

/** A frame with a payload of exactly MAX_PAYLOAD: 1 count + 2 × (4 + 4 + 1 + 1 + len) + 1 bool = 22 + a + b. */
function journalRecords(a: number, b: number): Message {
  return {
    type: 'JournalRecords',
    body: {
      records: [
        { sequence: 1, at: 2, recordType: 0x22, data: Uint8Array.from({ length: a }, (_, i) => (i * 7) & 0xff) },
        { sequence: 2, at: 3, recordType: 0x22, data: new Uint8Array(b).fill(0x5a) },
      ],
      moreAvailable: true,
    },
  };
}
const LARGEST: Framed = {
  m: journalRecords(240, MAX_PAYLOAD - 22 - 240),
  s: { stationId: 0x1234, counter: 0xfffffffe, direction: 'station-to-host', ackRequested: true },
};

describe('corruption on the line', () => {
  /** What a damaged frame may be rejected with before any key is involved. */
  const LINE_DAMAGE: readonly ReasonName[] = ['BAD_CRC', 'BAD_COBS', 'FRAME_TOO_SHORT', 'FRAME_OVERSIZE'];

  it('flipping any single bit of a frame on the wire never yields an ok verdict with a different message', () => {
    fc.assert(
      fc.property(framed, ({ m, s }) => {
        const { wire } = seal(m, s);
        const header = headerOf(m, s);
        const wrong: string[] = [];
        for (let bit = 0; bit < wire.length * 8; bit++) {
          const w = wire.slice();
          w[bit >> 3]! ^= 1 << (bit & 7);
          for (const v of feed([w])) {
            if (v.ok) {
              const same = JSON.stringify([v.message, v.header], replacer) === JSON.stringify([m, header], replacer);
              if (!same) wrong.push(`bit ${bit}: ok with ${JSON.stringify(v.message, replacer)}`);
            } else if (!LINE_DAMAGE.includes(v.reason)) {
              wrong.push(`bit ${bit}: ${v.reason}`);
            }
          }
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: 8, examples: [[LARGEST]] },
    );
  });

  it('flipping any bit of the body and recomputing the CRC is caught by the header checks or the MAC, never ok', () => {
    // Header layout: version(0) type(1) stationId(2..3) counter(4..7) flags(8) keyId(9).
    const expected = (byte: number, bit: number): ReasonName => {
      if (byte === 0 && bit >= 4) return 'VERSION_MISMATCH'; // major nibble
      if (byte === 8 && bit >= 2) return 'BAD_HEADER'; // reserved flag bits
      if (byte === 9) return 'UNKNOWN_KEY'; // the keyring knows one key id
      return 'BAD_MAC';
    };
    fc.assert(
      fc.property(framed, ({ m, s }) => {
        const { body } = seal(m, s);
        const wrong: string[] = [];
        for (let bit = 0; bit < (body.length - CRC_BYTES) * 8; bit++) {
          const b = body.slice();
          b[bit >> 3]! ^= 1 << (bit & 7);
          const verdicts = feed([wrap(resealCrc(b))]);
          const want = expected(bit >> 3, bit & 7);
          const v = verdicts[0];
          if (verdicts.length !== 1 || v === undefined || v.ok || v.reason !== want || v.nackable) {
            wrong.push(`bit ${bit}: want ${want}, got ${JSON.stringify(verdicts, replacer)}`);
          }
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: 6, examples: [[LARGEST]] },
    );
  });
});

function replacer(_key: string, v: unknown): unknown {
  return v instanceof Uint8Array ? `bytes:${Buffer.from(v).toString('hex')}` : v;
}

describe('replay protection', () => {
  it('any frame fed twice: the second verdict is REPLAY (not nackable)', () => {
    fc.assert(
      fc.property(framed, cuts, ({ m, s }, at) => {
        const { wire } = seal(m, s);
        const verdicts = feed(split(concat(wire, wire), at));
        expect(verdicts).toHaveLength(2);
        expectOk(verdicts[0]);
        expectRejected(verdicts[1], 'REPLAY', false);
      }),
      { numRuns: 200 },
    );
  });

  it('a frame is accepted exactly when its counter exceeds every counter accepted before for its (station, direction, key id)', () => {
    const ring: Keyring = (id) => (id === KEY_ID ? KEY : id === KEY_ID_2 ? KEY_2 : undefined);
    const step = arbitraryMessage().chain((m) =>
      fc.record({
        m: fc.constant(m),
        stationId: fc.constantFrom(1, 2),
        direction: fc.constantFrom(...directionsOf(m.type)),
        keyId: fc.constantFrom(KEY_ID, KEY_ID_2),
        counter: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(0xfffffffe, 0xffffffff)),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const rx = new Receiver({ keyring: ring });
        const last = new Map<string, number>();
        for (const { m, stationId, direction, keyId, counter } of steps) {
          const key = keyId === KEY_ID ? KEY : KEY_2;
          const r = encodeFrame(m, { stationId, direction, keyId, key, counter });
          if (!r.ok) throw new Error(r.detail);
          const v = only(feed([r.wire], rx));
          const stream = `${stationId}/${direction}/${keyId}`;
          const prev = last.get(stream) ?? 0;
          if (counter > prev) {
            expectOk(v);
            last.set(stream, counter);
          } else {
            expectRejected(v, 'REPLAY', false);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('counter 0 is never accepted', () => {
    fc.assert(
      fc.property(framed, ({ m, s }) => {
        const wire = sealRaw(headerOf(m, s, { counter: 0 }), payloadOf(m));
        expectRejected(only(feed([wire])), 'REPLAY', false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('keys', () => {
  it('a frame MACed with another key under a known key id → BAD_MAC', () => {
    const otherKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => Buffer.compare(k, KEY) !== 0);
    fc.assert(
      fc.property(framed, otherKey, ({ m, s }, wrongKey) => {
        const { wire } = seal(m, s, { key: wrongKey });
        const v = expectRejected(only(feed([wire])), 'BAD_MAC', false);
        expect(v.header).toStrictEqual(headerOf(m, s));
      }),
      { numRuns: 200 },
    );
  });

  it('a receiver holding a different key for the frame key id → BAD_MAC', () => {
    fc.assert(
      fc.property(framed, ({ m, s }) => {
        const { wire } = seal(m, s);
        expectRejected(only(feed([wire], new Receiver({ keyring: (id) => (id === KEY_ID ? KEY_2 : undefined) }))), 'BAD_MAC', false);
      }),
      { numRuns: 100 },
    );
  });

  it('an unknown key id → UNKNOWN_KEY', () => {
    const otherId = fc.integer({ min: 0, max: 255 }).filter((id) => id !== KEY_ID);
    fc.assert(
      fc.property(framed, otherId, ({ m, s }, keyId) => {
        const { wire } = seal(m, s, { keyId });
        const v = expectRejected(only(feed([wire])), 'UNKNOWN_KEY', false);
        expect(v.header?.keyId).toBe(keyId);
      }),
      { numRuns: 200 },
    );
  });
});

describe('versions', () => {
  const newerMinor = fc.integer({ min: PROTOCOL_MINOR + 1, max: 15 });
  const notFrozen = MESSAGE_NAMES.filter((n) => !FROZEN.includes(n));
  const framedNotFrozen = fc.constantFrom(...notFrozen).chain(framedOf);
  const framedFrozen = fc.constantFrom(...FROZEN).chain(framedOf);

  it('a newer minor version on a non-Hello type → VERSION_UNSUPPORTED, nackable', () => {
    fc.assert(
      fc.property(framedNotFrozen, newerMinor, ({ m, s }, minor) => {
        const { wire } = seal(m, s, { versionMinor: minor });
        const v = expectRejected(only(feed([wire])), 'VERSION_UNSUPPORTED', true);
        expect(v.header).toStrictEqual(headerOf(m, s, { versionMinor: minor }));
      }),
      { numRuns: 200 },
    );
  });

  it('Hello / HelloAck with a newer minor and trailing extra bytes is accepted, the extra bytes ignored', () => {
    fc.assert(
      fc.property(framedFrozen, newerMinor, fc.uint8Array({ maxLength: 64, size: 'max' }), ({ m, s }, minor, extra) => {
        const wire = sealRaw(headerOf(m, s, { versionMinor: minor }), concat(payloadOf(m), extra));
        const v = expectOk(only(feed([wire])));
        expect(v.message).toStrictEqual(m);
        expect(v.header.versionMinor).toBe(minor);
      }),
      { numRuns: 200 },
    );
  });

  it('Hello / HelloAck at our own minor with trailing bytes → MALFORMED_PAYLOAD, nackable', () => {
    fc.assert(
      fc.property(framedFrozen, fc.uint8Array({ minLength: 1, maxLength: 64 }), ({ m, s }, extra) => {
        const wire = sealRaw(headerOf(m, s), concat(payloadOf(m), extra));
        expectRejected(only(feed([wire])), 'MALFORMED_PAYLOAD', true);
      }),
      { numRuns: 100 },
    );
  });

  it('another major version → VERSION_MISMATCH, not nackable', () => {
    const otherMajor = fc.integer({ min: 0, max: 15 }).filter((v) => v !== PROTOCOL_MAJOR);
    fc.assert(
      fc.property(framed, otherMajor, fc.integer({ min: 0, max: 15 }), ({ m, s }, major, minor) => {
        const { wire } = seal(m, s, { versionMajor: major, versionMinor: minor });
        const v = expectRejected(only(feed([wire])), 'VERSION_MISMATCH', false);
        expect(v.header?.versionMajor).toBe(major);
      }),
      { numRuns: 200 },
    );
  });
});

describe('message types and directions', () => {
  it('every unused type byte 0..255 → UNKNOWN_MESSAGE_TYPE, nackable', () => {
    expect(UNUSED_TYPES.length + USED_TYPES.size).toBe(256);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), sentFor('Ack'), (payload, s) => {
        for (const t of UNUSED_TYPES) {
          const wire = sealRaw(headerOf('Ack', s, { messageType: t }), payload);
          const v = expectRejected(only(feed([wire])), 'UNKNOWN_MESSAGE_TYPE', true);
          expect(v.header?.messageType).toBe(t);
        }
      }),
      { numRuns: 20 },
    );
  });

  const oneWay = MESSAGE_NAMES.filter((n) => MESSAGES[n].from !== 'either');
  it.each(oneWay)('%s sent in the wrong direction → UNEXPECTED_MESSAGE, nackable', (name) => {
    expect(oneWay).toContain('TimeSync');
    fc.assert(
      fc.property(framedOf(name), ({ m, s }) => {
        const wrongWay: Direction = s.direction === 'host-to-station' ? 'station-to-host' : 'host-to-station';
        const { wire } = seal(m, { ...s, direction: wrongWay });
        expectRejected(only(feed([wire])), 'UNEXPECTED_MESSAGE', true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('decodePayload is total', () => {
  function check(type: number, bytes: Uint8Array, allowTrailing: boolean): boolean {
    let d: ReturnType<typeof decodePayload> | undefined;
    expect(() => {
      d = decodePayload(type, bytes, allowTrailing);
    }).not.toThrow();
    if (d === undefined) throw new Error('unreachable');
    if (!d.ok) {
      expect(REASON_NAMES.has(d.reason)).toBe(true);
      return false;
    }
    expect(MESSAGES[d.message.type].type).toBe(type);
    const again = payloadOf(d.message);
    const canonical = canonicalBytes(schemaOf(d.message.type), d.message.body, bytes);
    if (allowTrailing) {
      expect(again).toEqual(canonical); // canonical stops at the last field
    } else {
      expect(canonical.length).toBe(bytes.length);
      expect(again).toEqual(canonical);
    }
    return true;
  }

  it('arbitrary bytes under every type byte 0..255 give ok or a reason, never a throw; ok re-encodes to those bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), garbage(600), fc.boolean(), (type, bytes, trailing) => {
        check(type, bytes, trailing);
      }),
      { numRuns: 300 },
    );
    // Every type byte at least once, with a few fixed shapes.
    for (let t = 0; t < 256; t++) {
      for (const bytes of [new Uint8Array(0), new Uint8Array(1), new Uint8Array(600).fill(0xff), new Uint8Array(40)]) {
        check(t, bytes, false);
        check(t, bytes, true);
      }
    }
  });

  it('mutated valid payloads give ok or a reason; whatever decodes re-encodes to the same bytes (unknown flag bits dropped)', () => {
    const mutation = fc.record({
      hits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      extra: fc.uint8Array({ maxLength: 8 }),
      ownType: fc.boolean(),
      otherType: fc.integer({ min: 0, max: 255 }),
      trailing: fc.boolean(),
    });
    let oks = 0;
    fc.assert(
      fc.property(arbitraryMessage(), mutation, (m, mu) => {
        const p = payloadOf(m).slice();
        for (const [i, b] of mu.hits) if (p.length > 0) p[i % p.length] = b;
        const cut = mu.cut === undefined ? p : p.subarray(0, mu.cut % (p.length + 1));
        const bytes = concat(cut, mu.extra);
        if (check(mu.ownType ? MESSAGES[m.type].type : mu.otherType, bytes, mu.trailing)) oks++;
      }),
      { numRuns: 300 },
    );
    expect(oks).toBeGreaterThan(0); // the property is not vacuous
  });

  it('a Hello with capability bits this version does not name decodes ok and drops them (documented, FlagsField)', () => {
    fc.assert(
      // Bits above the capabilities this version names (each minor may name more).
      fc.property(arbitraryMessageOf('Hello'), fc.integer({ min: 1, max: 2 ** (32 - CAPABILITIES.length) - 1 }), (m, unknown) => {
        const p = payloadOf(m).slice();
        const at = 1 + p[0]! + 1; // softwareVersion (u8 length + text), role (u8)
        const extra = (unknown * 2 ** CAPABILITIES.length) >>> 0;
        for (let i = 0; i < 4; i++) p[at + i]! |= (extra >>> (8 * i)) & 0xff;
        const d = decodePayload(MESSAGES.Hello.type, p);
        if (!d.ok) throw new Error(d.detail);
        expect(d.message).toStrictEqual(m);
        expect(payloadOf(d.message)).toEqual(payloadOf(m));
      }),
      { numRuns: 100 },
    );
  });
});

describe('encodeFrame refuses out-of-range values with a typed reason and never throws', () => {
  const s: Sent = { stationId: 12, counter: 1, direction: 'host-to-station', ackRequested: false };
  const reel = {
    uniqueIdentifier: 'R-1',
    internalPartNumber: 'IPN-1',
    manufacturerPartNumber: 'MPN-1',
    manufacturer: 'ACME',
    manufacturerLotCode: 'L1',
    quantity: 5000,
    thicknessClass: 'thin' as const,
  };
  const refuse = (m: unknown, o: FrameOptions = options(s)) => {
    let r: ReturnType<typeof encodeFrame> | undefined;
    expect(() => {
      r = encodeFrame(m as Message, o);
    }).not.toThrow();
    if (r === undefined) throw new Error('unreachable');
    if (r.ok) throw new Error(`accepted ${JSON.stringify(m, replacer)}`);
    return r;
  };

  it('the fixture itself is valid', () => {
    expect(encodeFrame({ type: 'ReelRecord', body: reel }, options(s)).ok).toBe(true);
  });

  it.each([-1, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5', null, undefined])(
    'ReelRecord quantity %p → FIELD_OUT_OF_RANGE naming ReelRecord.quantity',
    (quantity) => {
      const r = refuse({ type: 'ReelRecord', body: { ...reel, quantity } });
      expect(r.reason).toBe('FIELD_OUT_OF_RANGE');
      expect(r.detail).toContain('ReelRecord.quantity');
    },
  );

  it.each([
    ['65 ASCII bytes', 'x'.repeat(65)],
    ['22 × € (66 bytes, 22 characters)', '€'.repeat(22)],
    ['17 × 😀 (68 bytes, 34 UTF-16 units)', '😀'.repeat(17)],
  ])('a string over its maximum (comment ≤ 64 B): %s → FIELD_OUT_OF_RANGE naming the field', (_, comment) => {
    const r = refuse({ type: 'ClearWorkOrder', body: { workOrderIdentifier: 'WO-1', comment } });
    expect(r.reason).toBe('FIELD_OUT_OF_RANGE');
    expect(r.detail).toContain('ClearWorkOrder.comment');
  });

  it('strings exactly at the maximum, in bytes, are accepted', () => {
    for (const comment of ['x'.repeat(64), '€'.repeat(21) + 'x', '😀'.repeat(16)]) {
      expect(encodeFrame({ type: 'ClearWorkOrder', body: { workOrderIdentifier: 'WO-1', comment } }, options(s)).ok).toBe(true);
    }
  });

  it('arbitrary strings over the maximum of any top-level str field are refused with a typed reason', () => {
    const strFields = MESSAGE_NAMES.flatMap((name) =>
      Object.entries((MESSAGES[name].schema as StructField<Record<string, Field<unknown>>>).fields)
        .filter(([, f]) => f instanceof StrField)
        .map(([key, f]) => ({ name, key, max: (f as StrField).maxBytes })),
    );
    expect(strFields.length).toBeGreaterThan(20);
    fc.assert(
      fc.property(
        fc.constantFrom(...strFields).chain((sf) =>
          fc.tuple(
            fc.constant(sf),
            arbitraryMessageOf(sf.name),
            fc.string({ unit: 'binary', minLength: sf.max + 1, maxLength: 255, size: 'max' }),
          ),
        ),
        ([sf, m, long]) => {
          const r = refuse({ type: m.type, body: { ...m.body, [sf.key]: long } });
          // The size is checked before the fields: an over-long text that also makes the payload too big is
          // refused as FRAME_OVERSIZE; otherwise the field is named.
          if (r.reason === 'FRAME_OVERSIZE') expect(r.detail).toContain(`maximum ${MAX_PAYLOAD}`);
          else {
            expect(r.reason).toBe('FIELD_OUT_OF_RANGE');
            expect(r.detail).toContain(`${sf.name}.${sf.key}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an enum value not in the list → FIELD_OUT_OF_RANGE naming the field', () => {
    for (const role of ['admin', 'Operator', '', 0, 1]) {
      const r = refuse({ type: 'OperatorLogin', body: { at: 1, operatorIdentifier: 'op', role } });
      expect(r.reason).toBe('FIELD_OUT_OF_RANGE');
      expect(r.detail).toContain('OperatorLogin.role');
    }
  });

  it('a reason that is not a name of REASONS → FIELD_OUT_OF_RANGE naming the field', () => {
    for (const reason of ['NOT_A_REASON', 'ok', 0, 203]) {
      const r = refuse({ type: 'Nack', body: { ackedCounter: 1, ackedType: 3, reason, detail: 0 } });
      expect(r.reason).toBe('FIELD_OUT_OF_RANGE');
      expect(r.detail).toContain('Nack.reason');
    }
  });

  it('an unknown capability name → FIELD_OUT_OF_RANGE naming the field', () => {
    const r = refuse({
      type: 'HelloAck',
      body: { protocolMinor: 0, softwareVersion: 'x', capabilities: ['msl', 'teleport'], lastCounterReceived: 0 },
    });
    expect(r.reason).toBe('FIELD_OUT_OF_RANGE');
    expect(r.detail).toContain('HelloAck.capabilities');
  });

  it('a list over its maximum → FIELD_OUT_OF_RANGE naming the list', () => {
    const r = refuse({ type: 'InterlockChanged', body: { at: 1, runPermit: false, reasons: Array(17).fill('BUSY') } });
    expect(r.reason).toBe('FIELD_OUT_OF_RANGE');
    expect(r.detail).toContain('InterlockChanged.reasons');
    expect(encodeFrame({ type: 'InterlockChanged', body: { at: 1, runPermit: false, reasons: Array(16).fill('BUSY') } }, {
      ...options(s),
      direction: 'station-to-host',
    }).ok).toBe(true);
  });

  it('a bad value deep inside lists and structs is named by its full path', () => {
    const part = { manufacturerPartNumber: 'M', manufacturer: 'A', permission: 'primary' };
    const slot = { position: 'A1', bomLine: '1', internalPartNumber: 'I', msd: false, thicknessClass: 'thin', approvedParts: [part] };
    const r = refuse({
      type: 'WorkOrderChunk',
      body: { transferId: 1, chunkIndex: 0, slots: [slot, { ...slot, approvedParts: [{ ...part, permission: 'maybe' }] }] },
    });
    expect(r.reason).toBe('FIELD_OUT_OF_RANGE');
    expect(r.detail).toMatch(/WorkOrderChunk\.slots\.?\[1\]\.?approvedParts\.?\[0\]\.?permission/);
  });

  /** Every required (non-optional) top-level field of every message type. */
  const required = MESSAGE_NAMES.flatMap((name) =>
    Object.entries((MESSAGES[name].schema as StructField<Record<string, Field<unknown>>>).fields)
      .filter(([, f]) => !(f instanceof OptField))
      .map(([key, f]) => ({ name, key, field: f })),
  );
  const measuredByValue = (f: Field<unknown>): boolean => f instanceof StrField || f instanceof BytesField || f instanceof ListField;
  const fixedSize = required.filter((r) => !measuredByValue(r.field));
  const variableSize = required.filter((r) => measuredByValue(r.field));

  function withoutKey(name: MessageName, key: string): fc.Arbitrary<Message> {
    return arbitraryMessageOf(name).map((m) => {
      const body: Record<string, unknown> = { ...m.body };
      delete body[key];
      return { type: m.type, body } as unknown as Message;
    });
  }

  it('a missing required field of any type → FIELD_OUT_OF_RANGE, never a throw', () => {
    expect(required.length).toBeGreaterThan(100);
    for (const { name, key } of required) {
      fc.assert(
        fc.property(withoutKey(name, key), (m) => {
          expect(refuse(m, options({ ...s, direction: directionsOf(name)[0]! })).reason).toBe('FIELD_OUT_OF_RANGE');
        }),
        { numRuns: 3 },
      );
    }
  });

  it('a missing required number / bool / enum / reason / flags field → detail names the field path', () => {
    expect(fixedSize.every((r) => [UIntField, ScaledField, BoolField, EnumField, ReasonField, FlagsField].some((c) => r.field instanceof c))).toBe(true);
    for (const { name, key } of fixedSize) {
      const r = refuse(fc.sample(withoutKey(name, key), 1)[0]);
      expect(r.detail).toContain(`${name}.${key}`);
    }
  });

  // Regression: measuring before writing once lost the path of a missing str / bytes / list field.
  it('a missing required str / bytes / list field → detail names the field path', () => {
    for (const { name, key } of variableSize) {
      const r = refuse(fc.sample(withoutKey(name, key), 1)[0]);
      expect(r.detail).toContain(`${name}.${key}`);
    }
  });

  // Regression: `REASONS[v]` once found Object.prototype members and sent them as code 0 (OK).
  it('reason names inherited from Object.prototype are refused, not sent as OK', () => {
    for (const reason of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const r = refuse({ type: 'Nack', body: { ackedCounter: 1, ackedType: 3, reason, detail: 0 } });
      expect(r.reason).toBe('FIELD_OUT_OF_RANGE');
    }
  });

  it('a payload over MAX_PAYLOAD → FRAME_OVERSIZE; exactly MAX_PAYLOAD frames and round-trips', () => {
    const records = journalRecords;
    const st: Sent = { ...s, direction: 'station-to-host' };
    const fits = records(240, MAX_PAYLOAD - 22 - 240);
    expect(payloadOf(fits)).toHaveLength(MAX_PAYLOAD);
    const { wire } = seal(fits, st);
    expect(wire.length).toBeLessThanOrEqual(MAX_WIRE_FRAME);
    expect(expectOk(only(feed([wire]))).message).toStrictEqual(fits);
    const r = refuse(records(240, MAX_PAYLOAD - 22 - 240 + 1), options(st));
    expect(r.reason).toBe('FRAME_OVERSIZE');
  });

  it('a schema-valid body is refused only for its size, with FRAME_OVERSIZE', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MESSAGE_NAMES).chain((name) =>
          arbitraryFor(schemaOf(name), { structListCap: 8 }).map((body) => ({ type: name, body }) as Message),
        ),
        (m) => {
          const p = encodePayload(m);
          if (p.ok) expect(p.payload.length).toBeLessThanOrEqual(MAX_PAYLOAD);
          else expect(p.reason).toBe('FRAME_OVERSIZE');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bad header values → a typed reason: station id, key id → FIELD_OUT_OF_RANGE; counter → COUNTER_EXHAUSTED', () => {
    const m: Message = { type: 'TimeSync', body: { utcTime: 1, millis: 2 } };
    for (const stationId of [-1, 0x10000, 1.5]) expect(refuse(m, options({ ...s, stationId })).reason).toBe('FIELD_OUT_OF_RANGE');
    for (const keyId of [-1, 256]) expect(refuse(m, options(s, { keyId })).reason).toBe('FIELD_OUT_OF_RANGE');
    for (const counter of [0, -1, 2 ** 32, 1.5, Number.NaN]) expect(refuse(m, options({ ...s, counter })).reason).toBe('COUNTER_EXHAUSTED');
  });

  // Regression: version nibbles were once masked, so 17 went out as 1.
  it('version numbers that do not fit a nibble are refused', () => {
    const m: Message = { type: 'TimeSync', body: { utcTime: 1, millis: 2 } };
    expect(refuse(m, options(s, { versionMajor: 17 })).reason).toBe('FIELD_OUT_OF_RANGE');
    expect(refuse(m, options(s, { versionMinor: 16 })).reason).toBe('FIELD_OUT_OF_RANGE');
  });

  it('arbitrary junk as a body never throws: ok or a reason of REASONS', () => {
    const junk = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    const message = fc.constantFrom(...MESSAGE_NAMES).chain((name) =>
      fc.oneof(
        junk.map((body) => ({ type: name, body })),
        // A valid body with one field replaced by junk: the interesting case.
        fc.tuple(arbitraryMessageOf(name), fc.nat(), junk).map(([m, i, j]) => {
          const keys = Object.keys(MESSAGES[name].schema.fields);
          const body: Record<string, unknown> = { ...m.body };
          if (keys.length > 0) body[keys[i % keys.length]!] = j;
          return { type: name, body };
        }),
      ),
    );
    fc.assert(
      fc.property(message, ({ type, body }) => {
        let r: ReturnType<typeof encodeFrame> | undefined;
        expect(() => {
          r = encodeFrame({ type, body } as Message, options({ ...s, direction: directionsOf(type)[0]! }));
        }).not.toThrow();
        if (r === undefined) throw new Error('unreachable');
        if (!r.ok) {
          expect(REASON_NAMES.has(r.reason)).toBe(true);
        } else {
          // Whatever is accepted must be readable by the other end.
          expectOk(only(feed([r.wire])));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('deframer limits', () => {
  const nonZero = (minLength: number, maxLength: number) =>
    fc.uint8Array({ min: 1, max: 255, minLength, maxLength, size: 'max' });

  it('more than MAX_WIRE_FRAME bytes without a delimiter → one FRAME_OVERSIZE, then the next valid frame decodes', () => {
    // MAX_WIRE_FRAME counts both delimiters, so MAX_WIRE_FRAME - 1 bytes between two 0x00 are one too many.
    fc.assert(
      fc.property(nonZero(MAX_WIRE_FRAME - 1, 3000), framed, cuts, (junk, { m, s }, at) => {
        const stream = concat([0], junk, seal(m, s).wire);
        const verdicts = feed(split(stream, at));
        expect(verdicts).toHaveLength(2);
        expectRejected(verdicts[0], 'FRAME_OVERSIZE', false);
        expect(expectOk(verdicts[1]).message).toStrictEqual(m);
      }),
      { numRuns: 150 },
    );
  });

  it('exactly MAX_WIRE_FRAME - 2 bytes between delimiters are judged as a frame, not dropped as oversize', () => {
    fc.assert(
      fc.property(nonZero(MAX_WIRE_FRAME - 2, MAX_WIRE_FRAME - 2), framed, (junk, { m, s }) => {
        const verdicts = feed([concat([0], junk, seal(m, s).wire)]);
        expect(verdicts).toHaveLength(2);
        const first = verdicts[0]!;
        expect(first.ok).toBe(false);
        if (!first.ok) expect(first.reason).not.toBe('FRAME_OVERSIZE');
        expectOk(verdicts[1]);
      }),
      { numRuns: 50 },
    );
  });
});
