// Property tests of the station↔host codec: each `it` is named after an invariant that stations, hosts and
// third-party implementations rely on. Arbitraries are derived from the schemas (./arbitrary.ts). Frames are
// judged by the real receiving session of their direction (./line.ts joins a station and a host), or, for
// codec round trips of every type, by the passive CaptureInspector, which applies the same checks.
import fc from 'fast-check';
import { arbitraryFor, arbitraryMessage, arbitraryMessageOf, MESSAGE_NAMES } from './arbitrary';
import {
  BoolField,
  BytesField,
  EnumField,
  FixedBytesField,
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
} from '../src/frame';
import { CaptureInspector, decodeWithoutKeys, type CaptureVerdict } from '../src/capture';
import { deriveSessionKey, macKey, type MacKey } from '../src/keys';
import { CRC_BYTES, HEADER_BYTES, MAC_BYTES, MAX_BODY, MAX_PAYLOAD, MAX_WIRE_FRAME, MIN_BODY, PROTOCOL_MAJOR, PROTOCOL_MINOR } from '../src/limits';
import { hmacSha256 } from '../src/sha256';
import { CAPABILITIES, MESSAGES, type Message, type MessageName } from '../src/messages';
import { REASONS, type ReasonName } from '../src/reasons';
import { concat, feed, KEY_ID, keyringOf, makeHost, makeStation, openLine, SECRET, SECRET_2, type Line, type Verdict } from './line';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures and helpers

const REASON_NAMES: ReadonlySet<string> = new Set(Object.keys(REASONS));
const FROZEN: readonly MessageName[] = ['Hello', 'HelloAck'];
const TRANSFER: readonly MessageName[] = ['WorkOrderBegin', 'WorkOrderTerms', 'WorkOrderChunk', 'WorkOrderCommit'];
/** Types a session hands to the runtime as they are (not the handshake, not the station's transfer assembler). */
const IN_SESSION = MESSAGE_NAMES.filter((n) => !FROZEN.includes(n) && !TRANSFER.includes(n));
const USED_TYPES: ReadonlySet<number> = new Set(MESSAGE_NAMES.map((n) => MESSAGES[n].type));
const UNUSED_TYPES: readonly number[] = Array.from({ length: 256 }, (_, t) => t).filter((t) => !USED_TYPES.has(t));
const TEST_KEY = mustKey(Uint8Array.from({ length: 32 }, (_, i) => i));

function mustKey(bytes: Uint8Array): MacKey {
  const k = macKey(bytes);
  if (!k.ok) throw new Error(k.detail);
  return k.key;
}

/** Header fields a sender chooses. Counter 1 went to the handshake, so in-session counters start at 2. */
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
      counter: fc.integer({ min: 2, max: 0xffffffff }),
      direction: fc.constantFrom(...directionsOf(name)),
      ackRequested: fc.boolean(),
    },
    { noNullPrototype: true },
  );
}

const framedOf = (name: MessageName): fc.Arbitrary<Framed> =>
  arbitraryMessageOf(name).chain((m) => sentFor(m.type).map((s) => ({ m, s })));
/** An in-session message of any type the session passes on, with a header it may travel under. */
const framed: fc.Arbitrary<Framed> = fc.constantFrom(...IN_SESSION).chain(framedOf);

function sealIn(line: Line, m: Message, s: Sent, extra: Partial<FrameOptions> = {}): { wire: Uint8Array; body: Uint8Array } {
  return line.seal(m, { counter: s.counter, direction: s.direction, ackRequested: s.ackRequested, ...extra });
}

function sealRaw(h: FrameHeader, payload: Uint8Array, key: MacKey): Uint8Array {
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

/** An established line for the frame's station; the frame goes to the receiver of its direction. */
function lineFor(s: Sent): Line {
  return openLine(s.stationId);
}

function judge(line: Line, s: Sent, chunks: readonly Uint8Array[]): Verdict[] {
  return feed(line.receiver(s.direction), chunks).verdicts;
}

function only<T>(verdicts: readonly T[]): T {
  expect(verdicts).toHaveLength(1);
  return verdicts[0]!;
}

function expectOk(v: Verdict | undefined): Extract<Verdict, { ok: true }> {
  if (v === undefined) throw new Error('no verdict');
  if (!v.ok) throw new Error(`expected ok, got ${v.reason}: ${v.detail}`);
  return v;
}

function expectRejected(v: Verdict | undefined, reason: ReasonName, nacked: boolean): Extract<Verdict, { ok: false }> {
  if (v === undefined) throw new Error('no verdict');
  if (v.ok) throw new Error(`expected ${reason}, got ok ${v.message.type}`);
  expect({ reason: v.reason, nacked: v.nacked }).toEqual({ reason, nacked });
  return v;
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
function expectWellFormed(verdicts: readonly (Verdict | CaptureVerdict)[]): void {
  const names: ReadonlySet<string> = new Set(MESSAGE_NAMES);
  const bad = verdicts.filter((v) => (v.ok ? !names.has(v.message.type) : !REASON_NAMES.has(v.reason) || typeof v.detail !== 'string'));
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

const schemaOf = (name: MessageName): Field<unknown> => MESSAGES[name].schema as unknown as Field<unknown>;

/** A CaptureInspector that saw the line's handshake, so it can verify the session's frames. */
function inspectorOf(line: Line): CaptureInspector {
  const ins = new CaptureInspector(line.keys);
  const seen: CaptureVerdict[] = [];
  ins.push(concat(line.hello, line.helloAck), (v) => seen.push(v));
  expect(seen.map((v) => v.ok)).toEqual([true, true]);
  return ins;
}

function inspect(ins: CaptureInspector, wire: Uint8Array): CaptureVerdict[] {
  const out: CaptureVerdict[] = [];
  ins.push(wire, (v) => out.push(v));
  return out;
}

/**
 * Any message of any type as its sender would put it on the wire, and what a tap must read back: the
 * handshake types sealed under the direction key (a HelloAck after the Hello it answers), the rest in session.
 */
function wireOf(line: Line, m: Message, s: Sent): { prefix: Uint8Array; wire: Uint8Array } {
  const dirKey = line.keys.directionKey(line.stationId, KEY_ID, s.direction)!;
  const opts = { stationId: line.stationId, counter: s.counter, direction: s.direction, ackRequested: s.ackRequested, keyId: KEY_ID, key: dirKey };
  const sealed = (msg: Message, o: FrameOptions) => {
    const r = encodeFrame(msg, o);
    if (!r.ok) throw new Error(r.detail);
    return r.wire;
  };
  if (m.type === 'Hello') return { prefix: new Uint8Array(0), wire: sealed(m, opts) };
  if (m.type === 'HelloAck') {
    const other: Direction = s.direction === 'host-to-station' ? 'station-to-host' : 'host-to-station';
    const hello: Message = { type: 'Hello', body: { softwareVersion: 'x', role: 'other', capabilities: [], maxFrameBytes: 0, maxSlots: 0, maxReels: 0, journalCapacity: 0, lastCounterReceived: 0, nonce: m.body.helloNonce } };
    const prefix = sealed(hello, { ...opts, counter: 1, direction: other, key: line.keys.directionKey(line.stationId, KEY_ID, other)! });
    return { prefix, wire: sealed(m, opts) };
  }
  return { prefix: concat(line.hello, line.helloAck), wire: sealIn(line, m, s).wire };
}

// ---------------------------------------------------------------------------------------------------------------

describe('every message type round-trips', () => {
  it.each(MESSAGE_NAMES)('%s: arbitrary bodies come back identical through a tap holding the keys, authenticated, header as sent', (name) => {
    fc.assert(
      fc.property(framedOf(name), ({ m, s }) => {
        const line = lineFor(s);
        const { prefix, wire } = wireOf(line, m, s);
        const ins = new CaptureInspector(line.keys);
        inspect(ins, prefix);
        const v = only(inspect(ins, wire));
        if (!v.ok) throw new Error(`${v.reason}: ${v.detail}`);
        expect(v.message).toStrictEqual(m);
        expect(v.authenticated).toBe(true);
        expect(v.header).toStrictEqual(headerOf(m, s));
      }),
      { numRuns: 60 },
    );
  });

  it.each(IN_SESSION)('%s: arbitrary bodies come back identical through the receiving session, with the header as sent', (name) => {
    fc.assert(
      fc.property(framedOf(name), ({ m, s }) => {
        const line = lineFor(s);
        const v = expectOk(only(judge(line, s, [sealIn(line, m, s).wire])));
        expect(v.kind).toBe('message');
        expect(v.message).toStrictEqual(m);
        expect(v.header).toStrictEqual(headerOf(m, s));
      }),
      { numRuns: 40 },
    );
  });
});

describe('canonical encoding', () => {
  it('re-encoding a decoded payload gives the same bytes (unknown capability bits included)', () => {
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
        const line = lineFor(s);
        const { wire } = sealIn(line, m, s);
        const v = expectOk(only(judge(line, s, [wire])));
        expect(sealIn(line, v.message, s).wire).toEqual(wire);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the stream decoder is total', () => {
  it('arbitrary bytes split at arbitrary points never throw, at a station, a host, a tap or the keyless decoder; every verdict is ok or a REASONS reason', () => {
    const line = openLine(7);
    fc.assert(
      fc.property(garbage(3000), cuts, (bytes, at) => {
        const chunks = split(bytes, at);
        for (const rx of [line.station, line.host]) {
          let fed: Verdict[] = [];
          expect(() => {
            fed = feed(rx, chunks).verdicts;
          }).not.toThrow();
          expectWellFormed(fed);
          expect(fed.every((v) => !v.ok)).toBe(true);
        }
        const ins = inspectorOf(line);
        const tapped: CaptureVerdict[] = [];
        expect(() => chunks.forEach((c) => ins.push(c, (v) => tapped.push(v)))).not.toThrow();
        expectWellFormed(tapped);
        expectWellFormed(decodeWithoutKeys(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('streams mixing valid, damaged and replayed frames with garbage never throw, and every verdict is well formed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.array(fc.oneof(framed.map((f) => ({ f, hits: [] as [number, number][] })), fc.tuple(framed, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 })).map(([f, hits]) => ({ f, hits })), garbage(600)), { maxLength: 8 }), cuts, (stationId, parts, at) => {
        const line = openLine(stationId);
        for (const direction of ['host-to-station', 'station-to-host'] as const) {
          const segments = parts.map((p) => {
            if (p instanceof Uint8Array) return p;
            const w = sealIn(line, p.f.m, { ...p.f.s, stationId, direction: directionsOf(p.f.m.type).includes(direction) ? direction : p.f.s.direction }).wire.slice();
            for (const [i, b] of p.hits) w[i % w.length] = b;
            return w;
          });
          const stream = concat(...segments, ...segments.slice(0, 2)); // the first frames come again: replays
          let fed: Verdict[] = [];
          expect(() => {
            fed = feed(line.receiver(direction), split(stream, at)).verdicts;
          }).not.toThrow();
          expectWellFormed(fed);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('recovery after garbage', () => {
  it('arbitrary garbage, then 0x00, then a valid frame: the frame is decoded ok (also when glued to its leading 0x00)', () => {
    fc.assert(
      fc.property(garbage(3000), framed, fc.boolean(), cuts, (junk, { m, s }, glued, at) => {
        const line = lineFor(s);
        const { wire } = sealIn(line, m, s);
        const lead = glued ? junk : concat(junk, [0]);
        const stream = concat(lead, wire);
        const verdicts = judge(line, s, split(stream, at));
        expectWellFormed(verdicts);
        const last = expectOk(verdicts.at(-1));
        expect(last.message).toStrictEqual(m);
        expect(last.header).toStrictEqual(headerOf(m, s));
        // First byte after the frame's own leading 0x00, counted from the bytes this receiver saw before (the handshake).
        const before = s.direction === 'host-to-station' ? line.helloAck.length : line.hello.length;
        expect(last.offset - before).toBe(lead.length + 1);
        // Only the frame itself authenticates; nothing before it is ok.
        expect(verdicts.filter((v) => v.ok)).toHaveLength(1);
      }),
      { numRuns: 150 },
    );
  });

  it('a valid frame surrounded by arbitrary garbage and chunking yields exactly the verdicts of feeding it whole', () => {
    fc.assert(
      fc.property(garbage(700), framed, fc.array(garbage(700), { maxLength: 4 }), cuts, (before, { m, s }, after, at) => {
        const a = lineFor(s);
        const b = lineFor(s); // same seeds: the same session keys
        const stream = concat(before, sealIn(a, m, s).wire, ...after);
        const whole = judge(a, s, [stream]);
        const chunked = judge(b, s, split(stream, at));
        expect(chunked).toStrictEqual(whole);
        expect(whole.some((v) => v.ok && v.message.type === m.type && v.header.counter === s.counter)).toBe(true);
      }),
      { numRuns: 150 },
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
        const line = lineFor(s);
        const { wire } = sealIn(line, m, s);
        const wrong: string[] = [];
        for (let bit = 0; bit < wire.length * 8; bit++) {
          const w = wire.slice();
          w[bit >> 3]! ^= 1 << (bit & 7);
          for (const v of judge(line, s, [w])) {
            if (v.ok) wrong.push(`bit ${bit}: ok with ${v.message.type}`);
            else if (!LINE_DAMAGE.includes(v.reason)) wrong.push(`bit ${bit}: ${v.reason}`);
          }
        }
        expect(wrong).toEqual([]);
        expectOk(judge(line, s, [wire]).at(-1)); // the intact frame still reads (after any bytes a flip left pending)
      }),
      { numRuns: 8, examples: [[LARGEST]] },
    );
  });

  it('flipping any bit of the body and recomputing the CRC is caught by the header checks or the MAC, never ok, never answered', () => {
    // Header layout: version(0) type(1) stationId(2..3) counter(4..7) flags(8) keyId(9).
    const expected = (byte: number, bit: number, receiver: 'station' | 'host'): ReasonName => {
      if (byte === 0 && bit >= 4) return 'VERSION_MISMATCH'; // major nibble
      if (byte === 8 && bit >= 2) return 'BAD_HEADER'; // reserved flag bits
      if (byte === 8 && bit === 0) return 'WRONG_DIRECTION'; // the frame now travels the other way
      if (byte === 2 || byte === 3) return receiver === 'station' ? 'WRONG_STATION' : 'UNKNOWN_KEY'; // no secret for that id
      if (byte === 9) return 'UNKNOWN_KEY'; // the keyring knows one key id
      return 'BAD_MAC';
    };
    fc.assert(
      fc.property(framed, ({ m, s }) => {
        const line = lineFor(s);
        const { body } = sealIn(line, m, s);
        const receiver = s.direction === 'host-to-station' ? 'station' : 'host';
        const wrong: string[] = [];
        for (let bit = 0; bit < (body.length - CRC_BYTES) * 8; bit++) {
          const b = body.slice();
          b[bit >> 3]! ^= 1 << (bit & 7);
          const fed = feed(line.receiver(s.direction), [wrap(resealCrc(b))]);
          const want = expected(bit >> 3, bit & 7, receiver);
          const v = fed.verdicts[0];
          if (fed.verdicts.length !== 1 || v === undefined || v.ok || v.reason !== want || v.nacked || fed.sent.length > 0) {
            wrong.push(`bit ${bit}: want ${want}, got ${JSON.stringify(fed.verdicts, replacer)}`);
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
  it('any frame fed twice: the second is REPLAY, answered with a Nack that carries the last counter accepted', () => {
    fc.assert(
      fc.property(framed, cuts, ({ m, s }, at) => {
        const line = lineFor(s);
        const { wire } = sealIn(line, m, s);
        const fed = feed(line.receiver(s.direction), split(concat(wire, wire), at));
        expect(fed.verdicts).toHaveLength(2);
        expectOk(fed.verdicts[0]);
        expectRejected(fed.verdicts[1], 'REPLAY', true);
        const nack = fed.sent.map((x) => x.message).find((x) => x.type === 'Nack');
        expect(nack).toEqual({ type: 'Nack', body: { ackedCounter: s.counter, ackedType: MESSAGES[m.type].type, reason: 'REPLAY', detail: s.counter } });
      }),
      { numRuns: 150 },
    );
  });

  it('a frame is accepted exactly when its counter exceeds every counter accepted before on its (station, key id, direction)', () => {
    const step = fc.constantFrom(...IN_SESSION).chain((name) =>
      fc.record({
        m: arbitraryMessageOf(name),
        station: fc.constantFrom(1, 2),
        direction: fc.constantFrom(...directionsOf(name)),
        counter: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(0xfffffffe, 0xffffffff)),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        // One host serves both stations over one stream; each station has its own session.
        const keys = keyringOf([[1, KEY_ID, SECRET], [2, KEY_ID, SECRET_2]]);
        const host = makeHost(keys);
        const lines = new Map([1, 2].map((id) => {
          const st = makeStation(id, { keys });
          const hi = st.connect();
          if (!hi.ok) throw new Error(hi.detail);
          const ack = feed(host, [hi.wire]).sent[0]!;
          expectOk(feed(st, [ack.wire]).verdicts[0]);
          const [h, a] = decodeWithoutKeys(concat(hi.wire, ack.wire));
          return [id, { st, h: h as Extract<CaptureVerdict, { ok: true }>, a: a as Extract<CaptureVerdict, { ok: true }> }] as const;
        }));
        const last = new Map<string, number>([['1/host-to-station', 1], ['1/station-to-host', 1], ['2/host-to-station', 1], ['2/station-to-host', 1]]);
        for (const { m, station, direction, counter } of steps) {
          const l = lines.get(station)!;
          const hello = l.h.message as Extract<Message, { type: 'Hello' }>;
          const ack = l.a.message as Extract<Message, { type: 'HelloAck' }>;
          const dk = keys.directionKey(station, KEY_ID, direction)!;
          const key = deriveSessionKey(dk, hello.body.nonce, ack.body.nonce);
          const r = encodeFrame(m, { stationId: station, direction, keyId: KEY_ID, key, counter: Math.max(counter, 1) });
          if (!r.ok) throw new Error(r.detail);
          const wire = counter === 0 ? sealRaw({ ...headerOf(m, { stationId: station, counter: 0, direction, ackRequested: false }) }, payloadOf(m), key) : r.wire;
          const v = only(feed(direction === 'host-to-station' ? l.st : host, [wire]).verdicts);
          const stream = `${station}/${direction}`;
          const prev = last.get(stream)!;
          if (counter > prev) {
            expectOk(v);
            last.set(stream, counter);
          } else {
            expectRejected(v, 'REPLAY', true);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('counter 0 is never accepted', () => {
    fc.assert(
      fc.property(framed, ({ m, s }) => {
        const line = lineFor(s);
        const wire = sealRaw(headerOf(m, s, { counter: 0 }), payloadOf(m), line.sessionKey[s.direction]);
        expectRejected(only(judge(line, s, [wire])), 'REPLAY', true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('keys', () => {
  it('a frame MACed with any other key → BAD_MAC, nothing answered', () => {
    const otherKey = fc.uint8Array({ minLength: 16, maxLength: 64 }).map(mustKey);
    fc.assert(
      fc.property(framed, otherKey, ({ m, s }, wrongKey) => {
        const line = lineFor(s);
        const fed = feed(line.receiver(s.direction), [sealIn(line, m, s, { key: wrongKey }).wire]);
        const v = expectRejected(only(fed.verdicts), 'BAD_MAC', false);
        expect(v.header).toStrictEqual(headerOf(m, s));
        expect(fed.sent).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('a frame MACed with the long-term direction key instead of the session key → BAD_MAC (every frame is bound to its session)', () => {
    fc.assert(
      fc.property(framed, ({ m, s }) => {
        const line = lineFor(s);
        const dirKey = line.keys.directionKey(s.stationId, KEY_ID, s.direction)!;
        expectRejected(only(judge(line, s, [sealIn(line, m, s, { key: dirKey }).wire])), 'BAD_MAC', false);
      }),
      { numRuns: 100 },
    );
  });

  it('an unknown key id → UNKNOWN_KEY; a key id with a secret but not the session\'s → NO_SESSION', () => {
    const otherId = fc.integer({ min: 0, max: 255 }).filter((id) => id !== KEY_ID);
    fc.assert(
      fc.property(framed, otherId, ({ m, s }, keyId) => {
        const line = lineFor(s);
        const v = expectRejected(only(judge(line, s, [sealIn(line, m, s, { keyId }).wire])), 'UNKNOWN_KEY', false);
        expect(v.header?.keyId).toBe(keyId);
        line.keys.install(s.stationId, keyId, SECRET_2);
        expectRejected(only(judge(line, s, [sealIn(line, m, s, { keyId, counter: s.counter }).wire])), 'NO_SESSION', false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('versions', () => {
  const newerMinor = fc.integer({ min: PROTOCOL_MINOR + 1, max: 15 });
  // A Hello whose lastCounterReceived is at the top makes the answer COUNTER_EXHAUSTED (the responder skips past it): tested in session.test.ts.
  const framedFrozen = framedOf('Hello').map(({ m, s }) => ({ m: m.type === 'Hello' ? { ...m, body: { ...m.body, lastCounterReceived: m.body.lastCounterReceived % 0x10000 } } : m, s }));

  it('a newer minor version on an in-session type → VERSION_UNSUPPORTED, Nacked with our version byte', () => {
    fc.assert(
      fc.property(framed, newerMinor, ({ m, s }, minor) => {
        const line = lineFor(s);
        const fed = feed(line.receiver(s.direction), [sealIn(line, m, s, { versionMinor: minor }).wire]);
        const v = expectRejected(only(fed.verdicts), 'VERSION_UNSUPPORTED', true);
        expect(v.header).toStrictEqual(headerOf(m, s, { versionMinor: minor }));
        expect(fed.sent.map((x) => x.message)).toEqual([{ type: 'Nack', body: { ackedCounter: s.counter, ackedType: MESSAGES[m.type].type, reason: 'VERSION_UNSUPPORTED', detail: (PROTOCOL_MAJOR << 4) | PROTOCOL_MINOR } }]);
      }),
      { numRuns: 100 },
    );
  });

  it('a Hello with a newer minor and trailing extra bytes opens a session, the extra bytes ignored, at our minor', () => {
    fc.assert(
      fc.property(framedFrozen, newerMinor, fc.uint8Array({ maxLength: 64, size: 'max' }), ({ m, s }, minor, extra) => {
        const line = lineFor(s);
        const dirKey = line.keys.directionKey(s.stationId, KEY_ID, s.direction)!;
        const wire = sealRaw(headerOf(m, s, { versionMinor: minor }), concat(payloadOf(m), extra), dirKey);
        const fed = feed(line.receiver(s.direction), [wire]);
        const v = expectOk(only(fed.verdicts));
        expect(v.kind).toBe('established');
        expect(v.message).toStrictEqual(m);
        expect(fed.sent.map((x) => x.message.type)).toEqual(['HelloAck']);
        expect((fed.sent[0]!.message as Extract<Message, { type: 'HelloAck' }>).body.protocolMinor).toBe(PROTOCOL_MINOR);
      }),
      { numRuns: 100 },
    );
  });

  it('a Hello at our own minor with trailing bytes → MALFORMED_PAYLOAD, Nacked; below 1.1 → VERSION_UNSUPPORTED', () => {
    fc.assert(
      fc.property(framedFrozen, fc.uint8Array({ minLength: 1, maxLength: 64 }), ({ m, s: s0 }, extra) => {
        const s = { ...s0, counter: Math.min(s0.counter, 0xfffffff0) };
        const line = lineFor(s);
        const dirKey = line.keys.directionKey(s.stationId, KEY_ID, s.direction)!;
        const rx = line.receiver(s.direction);
        rx.reset();
        expectRejected(only(feed(rx, [sealRaw(headerOf(m, s), concat(payloadOf(m), extra), dirKey)]).verdicts), 'MALFORMED_PAYLOAD', true);
        expectRejected(only(feed(rx, [sealRaw(headerOf(m, s, { counter: s.counter + 1, versionMinor: 0 }), payloadOf(m), dirKey)]).verdicts), 'VERSION_UNSUPPORTED', true);
      }),
      { numRuns: 100 },
    );
  });

  it('another major version → VERSION_MISMATCH, not answered', () => {
    const otherMajor = fc.integer({ min: 0, max: 15 }).filter((v) => v !== PROTOCOL_MAJOR);
    fc.assert(
      fc.property(framed, otherMajor, fc.integer({ min: 0, max: 15 }), ({ m, s }, major, minor) => {
        const line = lineFor(s);
        const v = expectRejected(only(judge(line, s, [sealIn(line, m, s, { versionMajor: major, versionMinor: minor }).wire])), 'VERSION_MISMATCH', false);
        expect(v.header?.versionMajor).toBe(major);
      }),
      { numRuns: 150 },
    );
  });
});

describe('message types and directions', () => {
  it('every unused type byte 0..255 → UNKNOWN_MESSAGE_TYPE, Nacked', () => {
    expect(UNUSED_TYPES.length + USED_TYPES.size).toBe(256);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), sentFor('Ack'), (payload, s0) => {
        const line = lineFor(s0);
        let counter = s0.counter;
        for (const t of UNUSED_TYPES) {
          const s = { ...s0, counter: counter++ };
          const wire = sealRaw(headerOf('Ack', s, { messageType: t }), payload, line.sessionKey[s.direction]);
          const v = expectRejected(only(judge(line, s, [wire])), 'UNKNOWN_MESSAGE_TYPE', true);
          expect(v.header?.messageType).toBe(t);
          if (counter > 0xffffffff) break;
        }
      }),
      { numRuns: 10 },
    );
  });

  const oneWay = MESSAGE_NAMES.filter((n) => MESSAGES[n].from !== 'either');
  it.each(oneWay)('%s sent in the wrong direction → UNEXPECTED_MESSAGE, Nacked', (name) => {
    expect(oneWay).toContain('TimeSync');
    fc.assert(
      fc.property(framedOf(name), ({ m, s }) => {
        const wrongWay: Direction = s.direction === 'host-to-station' ? 'station-to-host' : 'host-to-station';
        const line = lineFor(s);
        const sent = { ...s, direction: wrongWay };
        expectRejected(only(judge(line, sent, [sealIn(line, m, sent).wire])), 'UNEXPECTED_MESSAGE', true);
      }),
      { numRuns: 20 },
    );
  });

  it('a session refuses to send what its end may not send, and Hello / HelloAck, which it sends itself', () => {
    const line = openLine(3);
    expect(line.station.send({ type: 'TimeSync', body: { utcTime: 1, millis: 0 } })).toMatchObject({ ok: false, reason: 'UNEXPECTED_MESSAGE' });
    expect(line.host.send(3, { type: 'SlotLoaded', body: { at: 1, locationIdentifier: 'A', uniqueIdentifier: 'R', internalPartNumber: 'I', quantity: 1, feederIdentifier: '' } })).toMatchObject({ ok: false, reason: 'UNEXPECTED_MESSAGE' });
    for (const m of [{ type: 'Hello', body: {} }, { type: 'HelloAck', body: {} }, { type: 'toString', body: {} }] as unknown as Message[]) {
      expect(line.station.send(m).ok).toBe(false);
    }
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
    // Canonical: the decoded value re-encodes to exactly the bytes it was read from (unknown flag bits included).
    const again = payloadOf(d.message);
    const consumed = schemaOf(d.message.type).measure(d.message.body as never).size;
    if (!allowTrailing) expect(consumed).toBe(bytes.length);
    expect(again).toEqual(bytes.subarray(0, consumed));
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

  it('mutated valid payloads give ok or a reason; whatever decodes re-encodes to the same bytes (unknown flag bits kept)', () => {
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

  it('a Hello with capability bits this version does not name keeps them as bitN and re-encodes them (canonical)', () => {
    fc.assert(
      // Bits above the capabilities this version names (each minor may name more).
      fc.property(arbitraryMessageOf('Hello'), fc.integer({ min: 1, max: 2 ** (32 - CAPABILITIES.length) - 1 }), (m, unknown) => {
        const p = payloadOf(m).slice();
        const at = 1 + p[0]! + 1; // softwareVersion (u8 length + text), role (u8)
        const extra = (unknown * 2 ** CAPABILITIES.length) >>> 0;
        for (let i = 0; i < 4; i++) p[at + i]! |= (extra >>> (8 * i)) & 0xff;
        const d = decodePayload(MESSAGES.Hello.type, p);
        if (!d.ok || d.message.type !== 'Hello') throw new Error('Hello does not decode');
        const bits = Array.from({ length: 32 - CAPABILITIES.length }, (_, i) => i).filter((i) => ((unknown >>> i) & 1) === 1).map((i) => `bit${i + CAPABILITIES.length}`);
        for (const b of bits) expect(d.message.body.capabilities).toContain(b);
        expect(payloadOf(d.message)).toEqual(p);
      }),
      { numRuns: 100 },
    );
  });

  it('bitN for a bit that has a name, or past bit 31, is refused: each bit has one spelling', () => {
    for (const bad of ['bit0', 'bit7', 'bit32', 'bit-1', 'bit08', 'bits']) {
      const r = encodePayload({ type: 'HelloAck', body: { protocolMinor: 1, softwareVersion: '', capabilities: [bad as never], lastCounterReceived: 0, nonce: new Uint8Array(16), helloNonce: new Uint8Array(16) } });
      expect(r).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    }
  });
});

describe('encodeFrame refuses out-of-range values with a typed reason and never throws', () => {
  const s: Sent = { stationId: 12, counter: 2, direction: 'host-to-station', ackRequested: false };
  const options = (x: Sent, extra: Partial<FrameOptions> = {}): FrameOptions => ({ ...x, keyId: KEY_ID, key: TEST_KEY, ...extra });
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
    expect(fixedSize.every((r) => [UIntField, ScaledField, BoolField, EnumField, ReasonField, FlagsField, FixedBytesField].some((c) => r.field instanceof c))).toBe(true);
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
    const line = lineFor(st);
    const { wire } = sealIn(line, fits, st);
    expect(wire.length).toBeLessThanOrEqual(MAX_WIRE_FRAME);
    expect(expectOk(only(judge(line, st, [wire]))).message).toStrictEqual(fits);
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
          const d = decodeWithoutKeys(r.wire);
          expect(d).toHaveLength(1);
          expect(d[0]!.ok).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('deframer and body limits', () => {
  const nonZero = (minLength: number, maxLength: number) =>
    fc.uint8Array({ min: 1, max: 255, minLength, maxLength, size: 'max' });

  it('more than MAX_WIRE_FRAME bytes without a delimiter → one FRAME_OVERSIZE, then the next valid frame decodes', () => {
    // MAX_WIRE_FRAME counts both delimiters, so MAX_WIRE_FRAME - 1 bytes between two 0x00 are one too many.
    fc.assert(
      fc.property(nonZero(MAX_WIRE_FRAME - 1, 3000), framed, cuts, (junk, { m, s }, at) => {
        const line = lineFor(s);
        const stream = concat([0], junk, sealIn(line, m, s).wire);
        const verdicts = judge(line, s, split(stream, at));
        expect(verdicts).toHaveLength(2);
        expectRejected(verdicts[0], 'FRAME_OVERSIZE', false);
        expect(expectOk(verdicts[1]).message).toStrictEqual(m);
      }),
      { numRuns: 100 },
    );
  });

  it('exactly MAX_WIRE_FRAME - 2 bytes between delimiters reach the frame checks (the deframer does not drop them)', () => {
    fc.assert(
      fc.property(nonZero(MAX_WIRE_FRAME - 2, MAX_WIRE_FRAME - 2), framed, (junk, { m, s }) => {
        const line = lineFor(s);
        const verdicts = judge(line, s, [concat([0], junk, sealIn(line, m, s).wire)]);
        expect(verdicts).toHaveLength(2);
        const first = verdicts[0]!;
        expect(first.ok).toBe(false);
        // BAD_COBS, FRAME_TOO_SHORT, BAD_CRC or a body over MAX_BODY; never the deframer's own oversize drop.
        if (!first.ok) expect(first.reason === 'FRAME_OVERSIZE' && /bytes dropped/.test(first.detail)).toBe(false);
        expectOk(verdicts[1]);
      }),
      { numRuns: 40 },
    );
  });

  it('a body longer than MAX_BODY with a good CRC and a good MAC → FRAME_OVERSIZE, never read', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_BODY + 1, max: MAX_WIRE_FRAME - 3 }), sentFor('Alarm'), fc.nat(), (length, s, seed) => {
        const line = lineFor(s);
        // Zeros every 100 bytes keep the COBS overhead at one byte, so the frame fits the deframer.
        const payload = Uint8Array.from({ length: length - MIN_BODY }, (_, i) => (i % 100 === 0 ? 0 : (i * 31 + seed) & 0xff));
        const body = oversizeBody(headerOf('Alarm', s), payload, line.sessionKey[s.direction]);
        const wire = wrap(body);
        expect(wire.length).toBeLessThanOrEqual(MAX_WIRE_FRAME);
        const v = expectRejected(only(judge(line, s, [wire])), 'FRAME_OVERSIZE', false);
        expect(v.detail).toContain(`maximum ${MAX_BODY}`);
      }),
      { numRuns: 30 },
    );
  });
});

/** A body as a careless encoder would build it past MAX_BODY: header, payload, a valid MAC and CRC. */
function oversizeBody(h: FrameHeader, payload: Uint8Array, key: MacKey): Uint8Array {
  const small = encodeRawFrame(h, new Uint8Array(0), key);
  if (!small.ok) throw new Error(small.detail);
  const body = new Uint8Array(HEADER_BYTES + payload.length + MAC_BYTES + CRC_BYTES);
  body.set(small.body.subarray(0, HEADER_BYTES));
  body.set(payload, HEADER_BYTES);
  body.set(hmacSha256(key, body.subarray(0, HEADER_BYTES + payload.length)).subarray(0, MAC_BYTES), HEADER_BYTES + payload.length);
  return resealCrc(body);
}
