// Frame layout: 0x00 · COBS( header(10) · payload · MAC(16) · CRC-32(4) ) · 0x00, every integer little-endian.
// The CRC tells line noise from forgery: a bad CRC is a damaged frame, a good CRC with a bad MAC is an attack
// or a wrong key. The MAC is HMAC-SHA-256 over header and payload, truncated to 16 bytes. Which key makes the
// MAC (a direction key or a session key) is the session's business (session.ts); this module only seals and opens.
import { ByteReader, ByteWriter } from './binary';
import { frozen } from './frozen';
import { cobsEncodeInto, cobsMaxEncodedLength } from './cobs';
import { crc32 } from './crc32';
import { f, FieldError, hasOwn, type Infer } from './fields';
import type { MacKey } from './keys';
import {
  CRC_BYTES,
  HEADER_BYTES,
  MAC_BYTES,
  MAX_BODY,
  MAX_PAYLOAD,
  MIN_BODY,
  MIN_KEY_BYTES,
  PROTOCOL_MAJOR,
  PROTOCOL_MINOR,
} from './limits';
import { MESSAGES, messageNameOf, type Message, type MessageName } from './messages';
import { Reason, type ReasonName } from './reasons';
import { constantTimeEqual, hmacSha256 } from './sha256';

/** The header as it is on the wire. */
export const HeaderWire = f.struct({
  version: f.u8().about('High nibble: major version; low nibble: minor version. This document: 0x11 (1.1).'),
  messageType: f.u8().about('Message type (see the message table).'),
  stationId: f.u16().about('Station the frame is from or to.'),
  counter: f.u32().about('Frame counter of the sender\'s stream (station id, key id, direction): strictly increasing across sessions and reboots; never 0.'),
  flags: f.u8().about('Bit 0: direction (0 station→host, 1 host→station). Bit 1: ack requested. Bits 2–7: zero.'),
  keyId: f.u8().about('Which of the station\'s provisioned secrets the MAC key derives from.'),
});
frozen(HeaderWire);
type HeaderWire = Infer<typeof HeaderWire>;

export type Direction = 'station-to-host' | 'host-to-station';
/** The direction a message type normally travels: from its sender (`either` counts as the station). */
export function usualDirection(name: MessageName): Direction {
  return MESSAGES[name].from === 'host' ? 'host-to-station' : 'station-to-host';
}

const FLAG_HOST_TO_STATION = 0x01;
const FLAG_ACK_REQUESTED = 0x02;
const FLAGS_RESERVED = 0xfc;

/** The header as code sees it. */
export interface FrameHeader {
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly messageType: number;
  readonly stationId: number;
  readonly counter: number;
  readonly direction: Direction;
  readonly ackRequested: boolean;
  readonly keyId: number;
}

export interface FrameOptions {
  readonly stationId: number;
  readonly counter: number;
  readonly direction: Direction;
  readonly keyId: number;
  readonly key: MacKey;
  readonly ackRequested?: boolean;
  /** Minor version to stamp; defaults to ours. Tests use it to make frames of other versions. */
  readonly versionMinor?: number;
  readonly versionMajor?: number;
}

export type EncodeResult =
  | { readonly ok: true; readonly wire: Uint8Array; readonly body: Uint8Array }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/** Encodes a message payload alone (no header), or explains why it cannot be. */
export function encodePayload(message: Message): { ok: true; payload: Uint8Array } | { ok: false; reason: ReasonName; detail: string } {
  const name = message.type;
  if (typeof name !== 'string' || !hasOwn(MESSAGES, name)) {
    return { ok: false, reason: 'UNKNOWN_MESSAGE_TYPE', detail: `no message named ${String(name)}` };
  }
  const schema = MESSAGES[name].schema as unknown as { write(out: ByteWriter, v: unknown): void };
  // Written straight into a buffer of the maximum payload size: one pass validates every field (errors name
  // it) and a payload that does not fit runs off the end instead of being measured first.
  const scratch = (payloadScratch ??= new ArrayBuffer(MAX_PAYLOAD));
  const writer = new ByteWriter(scratch);
  try {
    schema.write(writer, message.body);
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, reason: reasonOf(e), detail: `${name}.${e.message}` };
    if (e instanceof RangeError) {
      return { ok: false, reason: 'FRAME_OVERSIZE', detail: `${name} payload exceeds ${MAX_PAYLOAD} bytes` };
    }
    return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `${name}: ${String(e)}` };
  }
  return { ok: true, payload: new Uint8Array(scratch.slice(0, writer.offset)) };
}

/** Made on first use: XS freezes what a preloaded module creates at load time. */
let payloadScratch: ArrayBuffer | undefined;

function reasonOf(e: FieldError): ReasonName {
  return e.reason === Reason.BAD_UTF8 ? 'BAD_UTF8' : 'FIELD_OUT_OF_RANGE';
}

/** Builds the complete wire frame for a message. */
export function encodeFrame(message: Message, o: FrameOptions): EncodeResult {
  const p = encodePayload(message);
  if (!p.ok) return p;
  if (!Number.isInteger(o.counter) || o.counter < 1 || o.counter > 0xffffffff) {
    return { ok: false, reason: 'COUNTER_EXHAUSTED', detail: `counter ${o.counter} is outside 1..2^32-1` };
  }
  return encodeRawFrame(
    {
      versionMajor: o.versionMajor ?? PROTOCOL_MAJOR,
      versionMinor: o.versionMinor ?? PROTOCOL_MINOR,
      messageType: MESSAGES[message.type].type,
      stationId: o.stationId,
      counter: o.counter,
      direction: o.direction,
      ackRequested: o.ackRequested ?? false,
      keyId: o.keyId,
    },
    p.payload,
    o.key,
  );
}

/** Frames an already-encoded payload under a header. Exposed for tests and tools that build odd frames. */
export function encodeRawFrame(h: FrameHeader, payload: Uint8Array, key: MacKey): EncodeResult {
  // The type says the key was checked; JavaScript callers get the same refusal at run time.
  if (!(key instanceof Uint8Array) || key.length < MIN_KEY_BYTES) {
    return { ok: false, reason: 'KEY_TOO_SHORT', detail: `a MAC key needs at least ${MIN_KEY_BYTES} bytes` };
  }
  if (payload.length > MAX_PAYLOAD) {
    return { ok: false, reason: 'FRAME_OVERSIZE', detail: `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}` };
  }
  for (const [what, v] of [['versionMajor', h.versionMajor], ['versionMinor', h.versionMinor]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 15) {
      return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `header.${what}: ${v} does not fit 0..15` };
    }
  }
  const wireHeader: HeaderWire = {
    version: (h.versionMajor << 4) | h.versionMinor,
    messageType: h.messageType,
    stationId: h.stationId,
    counter: h.counter,
    flags: (h.direction === 'host-to-station' ? FLAG_HOST_TO_STATION : 0) | (h.ackRequested ? FLAG_ACK_REQUESTED : 0),
    keyId: h.keyId,
  };
  const body = new Uint8Array(HEADER_BYTES + payload.length + MAC_BYTES + CRC_BYTES);
  try {
    HeaderWire.write(new ByteWriter(body.buffer), wireHeader);
  } catch (e) {
    return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `header.${e instanceof Error ? e.message : String(e)}` };
  }
  body.set(payload, HEADER_BYTES);
  const macEnd = HEADER_BYTES + payload.length;
  body.set(hmacSha256(key, body.subarray(0, macEnd)).subarray(0, MAC_BYTES), macEnd);
  writeCrc(body);
  return { ok: true, wire: wrap(body), body };
}

function writeCrc(body: Uint8Array): void {
  const crcAt = body.length - CRC_BYTES;
  const c = crc32(body, 0, crcAt);
  body[crcAt] = c & 0xff;
  body[crcAt + 1] = (c >>> 8) & 0xff;
  body[crcAt + 2] = (c >>> 16) & 0xff;
  body[crcAt + 3] = (c >>> 24) & 0xff;
}

/** 0x00 · COBS(body) · 0x00. The leading delimiter flushes line noise that came before the frame. */
export function wrap(body: Uint8Array): Uint8Array {
  const wire = new Uint8Array(cobsMaxEncodedLength(body.length) + 2);
  const end = cobsEncodeInto(body, wire, 1);
  wire[end] = 0;
  return wire.subarray(0, end + 1);
}

/** Recomputes the CRC after a test or tool changed a body. */
export function resealCrc(body: Uint8Array): Uint8Array {
  const copy = body.slice();
  writeCrc(copy);
  return copy;
}

/** First stage of opening a body: length (both ways), CRC and header; no key needed. */
export type Unsealed =
  | { readonly ok: true; readonly header: FrameHeader; readonly payload: Uint8Array; readonly mac: Uint8Array }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string; readonly header?: FrameHeader };

export function unseal(body: Uint8Array): Unsealed {
  if (body.length < MIN_BODY) {
    return { ok: false, reason: 'FRAME_TOO_SHORT', detail: `${body.length} bytes, minimum ${MIN_BODY}` };
  }
  // COBS lets up to MAX_WIRE_FRAME - 3 body bytes through the deframer; no encoder makes more than MAX_BODY.
  if (body.length > MAX_BODY) {
    return { ok: false, reason: 'FRAME_OVERSIZE', detail: `${body.length} bytes, maximum ${MAX_BODY}` };
  }
  const crcAt = body.length - CRC_BYTES;
  const sent = (body[crcAt]! | (body[crcAt + 1]! << 8) | (body[crcAt + 2]! << 16) | (body[crcAt + 3]! << 24)) >>> 0;
  const actual = crc32(body, 0, crcAt);
  if (sent !== actual) {
    return { ok: false, reason: 'BAD_CRC', detail: `CRC ${hex32(sent)} on the wire, ${hex32(actual)} computed` };
  }
  const w = HeaderWire.read(new ByteReader(body.subarray(0, HEADER_BYTES)));
  const header: FrameHeader = {
    versionMajor: w.version >> 4,
    versionMinor: w.version & 0x0f,
    messageType: w.messageType,
    stationId: w.stationId,
    counter: w.counter,
    direction: (w.flags & FLAG_HOST_TO_STATION) !== 0 ? 'host-to-station' : 'station-to-host',
    ackRequested: (w.flags & FLAG_ACK_REQUESTED) !== 0,
    keyId: w.keyId,
  };
  if (header.versionMajor !== PROTOCOL_MAJOR) {
    return { ok: false, reason: 'VERSION_MISMATCH', detail: `major version ${header.versionMajor}, ours is ${PROTOCOL_MAJOR}`, header };
  }
  if ((w.flags & FLAGS_RESERVED) !== 0) {
    return { ok: false, reason: 'BAD_HEADER', detail: `reserved flag bits set (0x${w.flags.toString(16)})`, header };
  }
  const macAt = crcAt - MAC_BYTES;
  return { ok: true, header, payload: body.slice(HEADER_BYTES, macAt), mac: body.slice(macAt, crcAt) };
}

/** Checks the MAC of a body that unsealed. A key too short to be valid never matches. */
export function macMatches(body: Uint8Array, key: MacKey): boolean {
  if (!(key instanceof Uint8Array) || key.length < MIN_KEY_BYTES || body.length < MIN_BODY) return false;
  const macAt = body.length - CRC_BYTES - MAC_BYTES;
  const expected = hmacSha256(key, body.subarray(0, macAt)).subarray(0, MAC_BYTES);
  return constantTimeEqual(expected, body.subarray(macAt, macAt + MAC_BYTES));
}

/** Decodes a payload by message type. Total: every failure is a reason, never a throw. */
export function decodePayload(
  messageType: number,
  payload: Uint8Array,
  allowTrailing = false,
): { ok: true; message: Message } | { ok: false; reason: ReasonName; detail: string } {
  const name: MessageName | undefined = messageNameOf(messageType);
  if (name === undefined) {
    return { ok: false, reason: 'UNKNOWN_MESSAGE_TYPE', detail: `message type 0x${messageType.toString(16).padStart(2, '0')}` };
  }
  const schema = MESSAGES[name].schema as unknown as { read(inp: ByteReader): unknown };
  // The reader ends where the payload ends: it can never read on into the MAC.
  const reader = new ByteReader(payload);
  let body: unknown;
  try {
    body = schema.read(reader);
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, reason: reasonOf(e), detail: `${name}.${e.message}` };
    return { ok: false, reason: 'MALFORMED_PAYLOAD', detail: `${name}: payload ends early (${payload.length} bytes)` };
  }
  if (reader.offset < payload.length && !allowTrailing) {
    return {
      ok: false,
      reason: 'MALFORMED_PAYLOAD',
      detail: `${name}: ${payload.length - reader.offset} bytes after the last field`,
    };
  }
  return { ok: true, message: { type: name, body } as Message };
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
