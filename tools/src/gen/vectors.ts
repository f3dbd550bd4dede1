// Builds the conformance vectors in protocol/vectors/ from the examples. Deterministic: the same code gives
// the same bytes, and a test fails if the committed vectors differ from what this produces.
import {
  encodeFrame,
  encodePayload,
  encodeRawFrame,
  frameToJson,
  fromHex,
  MESSAGES,
  REASONS,
  resealCrc,
  toHex,
  unseal,
  usualDirection,
  wrap,
  type Direction,
  type FrameHeader,
  type Message,
  type MessageName,
  type ReasonName,
} from '../../../protocol/src/index';
import { PROTOCOL_MINOR } from '../../../protocol/src/limits';
import { EXAMPLE_KEY_HEX, EXAMPLE_KEY_ID, EXAMPLE_STATION_ID, EXAMPLES } from '../../../protocol/vectors/examples';

export interface Vector {
  readonly name: string;
  readonly description: string;
  /** The bytes on the wire: a stream of one or more frames. Only the verdict on the last frame is specified. */
  readonly hex: string;
  /** The station key (hex), installed under keyId. */
  readonly key: string;
  readonly keyId: number;
  readonly decoded?: unknown;
  readonly reject?: ReasonName;
  readonly rejectCode?: number;
}

const key = fromHex(EXAMPLE_KEY_HEX)!;

function frameOf(m: Message, counter: number, extra: Partial<{ keyId: number; key: Uint8Array; versionMinor: number; versionMajor: number; direction: Direction }> = {}) {
  const r = encodeFrame(m, {
    stationId: EXAMPLE_STATION_ID,
    counter,
    direction: extra.direction ?? usualDirection(m.type),
    keyId: extra.keyId ?? EXAMPLE_KEY_ID,
    key: extra.key ?? key,
    ...(extra.versionMinor === undefined ? {} : { versionMinor: extra.versionMinor }),
    ...(extra.versionMajor === undefined ? {} : { versionMajor: extra.versionMajor }),
  });
  if (!r.ok) throw new Error(`example ${m.type} does not encode: ${r.detail}`);
  return r;
}

function header(type: number, counter: number, direction: Direction = 'station-to-host'): FrameHeader {
  return {
    versionMajor: 1,
    versionMinor: 0,
    messageType: type,
    stationId: EXAMPLE_STATION_ID,
    counter,
    direction,
    ackRequested: false,
    keyId: EXAMPLE_KEY_ID,
  };
}

function reject(name: string, description: string, wire: Uint8Array, reason: ReasonName): Vector {
  return { name, description, hex: toHex(wire), key: EXAMPLE_KEY_HEX, keyId: EXAMPLE_KEY_ID, reject: reason, rejectCode: REASONS[reason].code };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function buildVectors(): Vector[] {
  const vectors: Vector[] = [];
  let counter = 1;
  for (const name of Object.keys(MESSAGES) as MessageName[]) {
    const m = { type: name, body: EXAMPLES[name] } as Message;
    const f = frameOf(m, counter++);
    const u = unseal(f.body);
    if (!u.ok) throw new Error('example does not unseal');
    vectors.push({
      name: `ok/${name}`,
      description: `A valid ${name} frame (type 0x${MESSAGES[name].type.toString(16).padStart(2, '0')}).`,
      hex: toHex(f.wire),
      key: EXAMPLE_KEY_HEX,
      keyId: EXAMPLE_KEY_ID,
      decoded: frameToJson(u.header, m),
    });
  }

  const base: Message = { type: 'SlotLoaded', body: EXAMPLES.SlotLoaded };
  const good = frameOf(base, 500);

  const flipped = good.body.slice();
  flipped[20] = flipped[20]! ^ 0x04;
  vectors.push(reject('reject/bad-crc', 'One payload bit flipped on the line: the CRC-32 no longer matches.', wrap(flipped), 'BAD_CRC'));

  const forged = frameOf(base, 501, { key: new Uint8Array(32).fill(0xaa) });
  vectors.push(reject('reject/bad-mac', 'Sealed with another key: the CRC is good, the MAC is not.', forged.wire, 'BAD_MAC'));

  const macFlip = good.body.slice();
  macFlip[14] = macFlip[14]! ^ 0x01;
  vectors.push(
    reject('reject/tampered-payload', 'A payload byte changed and the CRC recomputed: the MAC catches it.', wrap(resealCrc(macFlip)), 'BAD_MAC'),
  );

  vectors.push(reject('reject/replay', 'The same valid frame twice: the second is a replay.', concat(good.wire, good.wire), 'REPLAY'));

  const older = frameOf(base, 499);
  vectors.push(
    reject('reject/replay-older-counter', 'Counter 500 accepted, then a valid frame with counter 499.', concat(good.wire, older.wire), 'REPLAY'),
  );

  const zero = encodeRawFrame(header(MESSAGES.SlotLoaded.type, 0), encodePayloadOrThrow(base), key);
  vectors.push(reject('reject/counter-zero', 'Counter 0 is never valid.', okWire(zero), 'REPLAY'));

  vectors.push(
    reject('reject/truncated-frame', 'The frame lost its last 6 bytes before the delimiter.', wrap(good.body.subarray(0, good.body.length - 6)), 'BAD_CRC'),
  );
  vectors.push(reject('reject/too-short', 'Fewer bytes than header, MAC and CRC together.', wrap(good.body.subarray(0, 20)), 'FRAME_TOO_SHORT'));

  const payload = encodePayloadOrThrow(base);
  const cut = encodeRawFrame(header(MESSAGES.SlotLoaded.type, 502), payload.subarray(0, payload.length - 3), key);
  vectors.push(
    reject('reject/truncated-payload', 'A correctly sealed frame whose payload ends inside a field.', okWire(cut), 'MALFORMED_PAYLOAD'),
  );
  const long = encodeRawFrame(header(MESSAGES.SlotLoaded.type, 503), concat(payload, new Uint8Array([1, 2])), key);
  vectors.push(
    reject('reject/trailing-bytes', 'A correctly sealed frame with 2 bytes after the last field.', okWire(long), 'MALFORMED_PAYLOAD'),
  );

  const oversize = concat(new Uint8Array([0]), new Uint8Array(600).fill(0x41), new Uint8Array([0]));
  vectors.push(reject('reject/oversize', '600 bytes without a delimiter: more than the 512-byte maximum frame.', oversize, 'FRAME_OVERSIZE'));

  vectors.push(
    reject('reject/bad-cobs', 'A COBS code byte points past the end of the frame.', new Uint8Array([0, 0x09, 0x41, 0x42, 0]), 'BAD_COBS'),
  );

  const unknown = encodeRawFrame(header(0x99, 504), new Uint8Array([1, 2, 3]), key);
  vectors.push(reject('reject/unknown-type', 'Authenticated frame of message type 0x99, which is undefined.', okWire(unknown), 'UNKNOWN_MESSAGE_TYPE'));

  vectors.push(
    reject('reject/wrong-major-version', 'Protocol version 2.0: the layout cannot be trusted.', frameOf(base, 505, { versionMajor: 2 }).wire, 'VERSION_MISMATCH'),
  );
  vectors.push(
    reject(
      'reject/newer-minor-version',
      `Version 1.${PROTOCOL_MINOR + 1} (newer than ours) on a non-Hello message: unsupported, Nacked.`,
      frameOf(base, 506, { versionMinor: PROTOCOL_MINOR + 1 }).wire,
      'VERSION_UNSUPPORTED',
    ),
  );
  vectors.push(
    reject('reject/unknown-key-id', 'Sealed under key id 9, which the receiver does not hold.', frameOf(base, 507, { keyId: 9 }).wire, 'UNKNOWN_KEY'),
  );

  const flagged = good.body.slice();
  flagged[8] = flagged[8]! | 0x80;
  vectors.push(reject('reject/reserved-flags', 'A reserved flag bit is set.', wrap(resealCrc(flagged)), 'BAD_HEADER'));

  const timeFromStation = frameOf({ type: 'TimeSync', body: EXAMPLES.TimeSync }, 508, { direction: 'station-to-host' });
  vectors.push(
    reject('reject/wrong-sender', 'TimeSync is sent by the host; this one travels station-to-host.', timeFromStation.wire, 'UNEXPECTED_MESSAGE'),
  );

  const badEnum = encodePayloadOrThrow({ type: 'OperatorLogin', body: EXAMPLES.OperatorLogin });
  badEnum[badEnum.length - 1] = 9;
  vectors.push(
    reject(
      'reject/enum-out-of-range',
      'OperatorLogin with role index 9, which is undefined.',
      okWire(encodeRawFrame(header(MESSAGES.OperatorLogin.type, 509), badEnum, key)),
      'FIELD_OUT_OF_RANGE',
    ),
  );

  const badText = encodePayloadOrThrow({ type: 'OperatorLogout', body: { at: 1, operatorIdentifier: 'AB' } });
  badText[badText.length - 1] = 0xc3; // a lone UTF-8 lead byte
  vectors.push(
    reject(
      'reject/bad-utf8',
      'OperatorLogout whose operator id is not valid UTF-8.',
      okWire(encodeRawFrame(header(MESSAGES.OperatorLogout.type, 510), badText, key)),
      'BAD_UTF8',
    ),
  );

  const garbage = concat(new Uint8Array([0x13, 0x37, 0xfe, 0x00, 0x55]), frameOf(base, 511).wire);
  const g = unseal(frameOf(base, 511).body);
  if (!g.ok) throw new Error('unreachable');
  vectors.push({
    name: 'ok/after-garbage',
    description: 'Line noise, then a valid frame: the receiver resynchronises at the delimiter (the noise itself is rejected, then the frame decodes).',
    hex: toHex(garbage),
    key: EXAMPLE_KEY_HEX,
    keyId: EXAMPLE_KEY_ID,
    decoded: frameToJson(g.header, base),
  });
  return vectors;
}

function encodePayloadOrThrow(m: Message): Uint8Array {
  const p = encodePayload(m);
  if (!p.ok) throw new Error(p.detail);
  return p.payload;
}

function okWire(r: ReturnType<typeof encodeRawFrame>): Uint8Array {
  if (!r.ok) throw new Error(r.detail);
  return r.wire;
}
