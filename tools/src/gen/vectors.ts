// Builds the conformance vectors in protocol/vectors/ from the examples. Deterministic: the same code gives the
// same bytes, and a test fails if the committed vectors differ from what this produces. Each vector's stream is
// made by real sessions of the other end (with the example nonces); the receiver's verdict and every frame it
// sends are then recorded by running the vector as PROTOCOL.md says (protocol/vectors/runner.ts). Each vector
// states the verdict it is meant to show, and generation stops if the implementation gives another.
import {
  chunkWorkOrder,
  cobsDecode,
  deriveSessionKey,
  encodeFrame,
  encodePayload,
  encodeRawFrame,
  fromHex,
  hkdfExpand,
  hkdfExtract,
  HostSession,
  Keyring,
  KDF_LABELS,
  KDF_SALT,
  MAC_BYTES,
  macKey,
  MESSAGES,
  MemoryCounterVault,
  MIN_BODY,
  PROTOCOL_MINOR,
  resealCrc,
  StationSession,
  toHex,
  toJsonValue,
  usualDirection,
  wrap,
  type Direction,
  type FrameHeader,
  type MacKey,
  type Message,
  type MessageName,
  type MessageBody,
  type ReasonName,
  type SessionEvent,
} from '../../../protocol/src/index';
import { hmacSha256 } from '../../../protocol/src/sha256';
import {
  EXAMPLE_HOST_LOCAL,
  EXAMPLE_HOST_NONCE,
  EXAMPLE_KEY_ID,
  EXAMPLE_SECRET_HEX,
  EXAMPLE_STATION_ID,
  EXAMPLE_STATION_LOCAL,
  EXAMPLE_STATION_NONCE,
  EXAMPLES,
} from '../../../protocol/vectors/examples';
import { expectation, runVector, type Vector, type VectorSecret } from '../../../protocol/vectors/runner';

export type { Vector };

const SID = EXAMPLE_STATION_ID;
const KID = EXAMPLE_KEY_ID;
const SECRET = fromHex(EXAMPLE_SECRET_HEX)!;
const EXAMPLE_SECRETS: readonly VectorSecret[] = [{ stationId: SID, keyId: KID, secret: EXAMPLE_SECRET_HEX }];

function cyclic(bytes: Uint8Array): (dst: Uint8Array) => void {
  let at = 0;
  return (dst) => {
    for (let i = 0; i < dst.length; i++) dst[i] = bytes[at++ % bytes.length]!;
  };
}

function must<T extends { ok: boolean }>(r: T, what: string): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

/** A station and a host, as the vectors' receivers are built, joined by the example handshake. */
function examplePeers(keys = keyringOf(EXAMPLE_SECRETS), stationNonce = EXAMPLE_STATION_NONCE, hostNonce = EXAMPLE_HOST_NONCE) {
  const station = must(StationSession.create({ stationId: SID, keyId: KID, keys, vault: new MemoryCounterVault(), random: cyclic(stationNonce), hello: EXAMPLE_STATION_LOCAL }), 'station').session;
  const host = must(HostSession.create({ keys, vault: new MemoryCounterVault(), random: cyclic(hostNonce), hello: EXAMPLE_HOST_LOCAL }), 'host').session;
  const hello = must(station.connect(), 'Hello').wire;
  const helloAck = sendsOf(host, hello)[0]!;
  sendsOf(station, helloAck);
  if (station.peer === undefined || host.peer(SID) === undefined) throw new Error('example handshake failed');
  const sessionKey: Record<Direction, MacKey> = {
    'station-to-host': deriveSessionKey(keys.directionKey(SID, KID, 'station-to-host')!, stationNonce, hostNonce),
    'host-to-station': deriveSessionKey(keys.directionKey(SID, KID, 'host-to-station')!, stationNonce, hostNonce),
  };
  return {
    station,
    host,
    hello,
    helloAck,
    sessionKey,
    /** A frame sealed in this session as its sender would (any header), for crafted vectors. */
    seal(m: Message, counter: number, direction: Direction = usualDirection(m.type), extra: { versionMinor?: number; versionMajor?: number; keyId?: number; key?: MacKey } = {}) {
      return must(encodeFrame(m, { stationId: SID, counter, direction, keyId: extra.keyId ?? KID, key: extra.key ?? sessionKey[direction], ...pick(extra) }), `seal ${m.type}`);
    },
  };
}

function pick(o: { versionMinor?: number; versionMajor?: number }): { versionMinor?: number; versionMajor?: number } {
  return { ...(o.versionMinor === undefined ? {} : { versionMinor: o.versionMinor }), ...(o.versionMajor === undefined ? {} : { versionMajor: o.versionMajor }) };
}

function keyringOf(secrets: readonly VectorSecret[]): Keyring {
  const k = new Keyring();
  for (const s of secrets) if (s.refused === undefined) must(k.install(s.stationId, s.keyId, fromHex(s.secret)!), 'install');
  return k;
}

function sendsOf(rx: StationSession | HostSession, wire: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  rx.receive(wire, 0, (e: SessionEvent) => {
    if (e.kind === 'send') out.push(e.wire);
  });
  return out;
}

function header(type: number, counter: number, direction: Direction, extra: Partial<FrameHeader> = {}): FrameHeader {
  return { versionMajor: 1, versionMinor: PROTOCOL_MINOR, messageType: type, stationId: SID, counter, direction, ackRequested: false, keyId: KID, ...extra };
}

function payloadOf(m: Message): Uint8Array {
  return must(encodePayload(m), `payload ${m.type}`).payload;
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

type Want = 'ok' | ReasonName;

const { transferId: _t, slotCount: _s, chunkCount: _c, ...ORDER_HEADER } = EXAMPLES.WorkOrderBegin;

interface Draft {
  readonly name: string;
  readonly description: string;
  readonly receiver: 'station' | 'host';
  readonly stream: Uint8Array;
  readonly secrets?: readonly VectorSecret[];
  readonly random?: Uint8Array;
}

/** Runs a draft as the vector's receiver would, checks it shows what it is meant to, and records the result. */
function finish(d: Draft, want: Want): Vector {
  const station = d.receiver === 'station';
  const v = {
    name: d.name,
    description: d.description,
    receiver: station ? ({ role: 'station', stationId: SID, keyId: KID } as const) : ({ role: 'host' } as const),
    secrets: d.secrets ?? EXAMPLE_SECRETS,
    local: station ? EXAMPLE_STATION_LOCAL : EXAMPLE_HOST_LOCAL,
    random: toHex(d.random ?? (station ? EXAMPLE_STATION_NONCE : EXAMPLE_HOST_NONCE)),
    connect: station,
    hex: toHex(d.stream),
  };
  const run = runVector(v);
  const last = run.last;
  if (last === undefined) throw new Error(`${d.name}: no verdict`);
  const got = last.ok ? 'ok' : last.reason;
  if (got !== want) throw new Error(`${d.name}: meant to show ${want}, the implementation gives ${got} (${JSON.stringify(run.verdicts)})`);
  (v.secrets as readonly VectorSecret[]).forEach((s, i) => {
    if (s.refused !== run.refusals[i]) throw new Error(`${d.name}: secret ${i} is meant to be refused with ${String(s.refused)}, got ${String(run.refusals[i])}`);
  });
  return { ...v, sends: run.sends, ...expectation(last) };
}

/** A transfer's messages in the order a host sends them. */
const TRANSFER: readonly MessageName[] = ['WorkOrderBegin', 'WorkOrderTerms', 'WorkOrderChunk', 'WorkOrderCommit'];

function termsOf(t: MessageBody<'WorkOrderTerms'>): Omit<MessageBody<'WorkOrderTerms'>, 'transferId'> {
  const { transferId: _t, ...rest } = t;
  return rest;
}

/** Every vector, and for each message type the example frame that carries it (for PROTOCOL.md). */
export function buildVectorSet(): { vectors: Vector[]; exampleFrames: Map<MessageName, string> } {
  const vectors: Vector[] = [];
  const exampleFrames = new Map<MessageName, string>();
  const exampleOrder = { header: ORDER_HEADER, slots: EXAMPLES.WorkOrderChunk.slots };

  for (const name of Object.keys(MESSAGES) as MessageName[]) {
    const m = { type: name, body: EXAMPLES[name] } as Message;
    const p = examplePeers();
    let parts: Uint8Array[];
    let receiver: 'station' | 'host';
    if (name === 'Hello') [parts, receiver] = [[p.hello], 'host'];
    else if (name === 'HelloAck') [parts, receiver] = [[p.helloAck], 'station'];
    else if (TRANSFER.includes(name)) {
      const wo = p.host.sendWorkOrder(SID, { ...exampleOrder, terms: termsOf(EXAMPLES.WorkOrderTerms) });
      if (!wo.ok) throw new Error(wo.detail);
      const upTo = TRANSFER.indexOf(name) + 1;
      [parts, receiver] = [[p.helloAck, ...wo.frames.slice(0, upTo)], 'station'];
    } else if (usualDirection(name) === 'host-to-station') [parts, receiver] = [[p.helloAck, must(p.host.send(SID, m), name).wire], 'station'];
    else [parts, receiver] = [[p.hello, must(p.station.send(m), name).wire], 'host'];
    const v = finish({ name: `ok/${name}`, description: `A valid ${name} frame (type 0x${MESSAGES[name].type.toString(16).padStart(2, '0')}), after the handshake that opens its session.`, receiver, stream: concat(...parts) }, 'ok');
    if (JSON.stringify((v.decoded as { body: unknown }).body) !== JSON.stringify(toJsonValue(m.body))) {
      throw new Error(`ok/${name}: the frame does not carry the example body`);
    }
    exampleFrames.set(name, toHex(parts.at(-1)!));
    vectors.push(v);
  }

  const host = (name: string, description: string, stream: Uint8Array, want: Want, extra: Partial<Draft> = {}) =>
    vectors.push(finish({ name, description, receiver: 'host', stream, ...extra }, want));
  const station = (name: string, description: string, stream: Uint8Array, want: Want, extra: Partial<Draft> = {}) =>
    vectors.push(finish({ name, description, receiver: 'station', stream, ...extra }, want));

  // Framing, header and codec checks, at a host in a session with station 7.
  {
    const p = examplePeers();
    const base: Message = { type: 'SlotLoaded', body: EXAMPLES.SlotLoaded };
    const good = p.seal(base, 500);
    const flipped = good.body.slice();
    flipped[20]! ^= 0x04;
    host('reject/bad-crc', 'One payload bit flipped on the line: the CRC-32 no longer matches.', concat(p.hello, wrap(flipped)), 'BAD_CRC');
    const forged = p.seal(base, 501, undefined, { key: must(macKey(new Uint8Array(32).fill(0xaa)), 'key').key });
    host('reject/bad-mac', 'Sealed with another key: the CRC is good, the MAC is not.', concat(p.hello, forged.wire), 'BAD_MAC');
    const macFlip = good.body.slice();
    macFlip[14]! ^= 0x01;
    host('reject/tampered-payload', 'A payload byte changed and the CRC recomputed: the MAC catches it.', concat(p.hello, wrap(resealCrc(macFlip))), 'BAD_MAC');
    host('reject/replay', 'The same valid frame twice: the second is a replay, Nacked with the last counter accepted (500).', concat(p.hello, good.wire, good.wire), 'REPLAY');
    host('reject/replay-older-counter', 'Counter 500 accepted, then a valid frame with counter 499.', concat(p.hello, good.wire, p.seal(base, 499).wire), 'REPLAY');
    const zero = must(encodeRawFrame(header(MESSAGES.SlotLoaded.type, 0, 'station-to-host'), payloadOf(base), p.sessionKey['station-to-host']), 'zero');
    host('reject/counter-zero', 'Counter 0 is never valid.', concat(p.hello, zero.wire), 'REPLAY');
    host('reject/truncated-frame', 'The frame lost its last 6 bytes before the delimiter.', concat(p.hello, wrap(good.body.subarray(0, good.body.length - 6))), 'BAD_CRC');
    host('reject/too-short', 'Fewer bytes than header, MAC and CRC together.', concat(p.hello, wrap(good.body.subarray(0, 20))), 'FRAME_TOO_SHORT');
    const payload = payloadOf(base);
    const key = p.sessionKey['station-to-host'];
    const cut = must(encodeRawFrame(header(MESSAGES.SlotLoaded.type, 502, 'station-to-host'), payload.subarray(0, payload.length - 3), key), 'cut');
    host('reject/truncated-payload', 'A correctly sealed frame whose payload ends inside a field.', concat(p.hello, cut.wire), 'MALFORMED_PAYLOAD');
    const long = must(encodeRawFrame(header(MESSAGES.SlotLoaded.type, 503, 'station-to-host'), concat(payload, new Uint8Array([1, 2])), key), 'long');
    host('reject/trailing-bytes', 'A correctly sealed frame with 2 bytes after the last field.', concat(p.hello, long.wire), 'MALFORMED_PAYLOAD');
    host('reject/oversize', '600 bytes without a delimiter: more than the 512-byte maximum frame.', concat(p.hello, new Uint8Array([0]), new Uint8Array(600).fill(0x41), new Uint8Array([0])), 'FRAME_OVERSIZE');
    host('reject/bad-cobs', 'A COBS code byte points past the end of the frame.', concat(p.hello, new Uint8Array([0, 0x09, 0x41, 0x42, 0])), 'BAD_COBS');
    const unknown = must(encodeRawFrame(header(0x99, 504, 'station-to-host'), new Uint8Array([1, 2, 3]), key), 'unknown');
    host('reject/unknown-type', 'Authenticated frame of message type 0x99, which is undefined.', concat(p.hello, unknown.wire), 'UNKNOWN_MESSAGE_TYPE');
    host('reject/wrong-major-version', 'Protocol version 2.1: the layout cannot be trusted.', concat(p.hello, p.seal(base, 505, undefined, { versionMajor: 2 }).wire), 'VERSION_MISMATCH');
    host('reject/newer-minor-version', `Version 1.${PROTOCOL_MINOR + 1} on a non-Hello message: unsupported, Nacked with our version byte.`, concat(p.hello, p.seal(base, 506, undefined, { versionMinor: PROTOCOL_MINOR + 1 }).wire), 'VERSION_UNSUPPORTED');
    host('reject/unknown-key-id', 'Sealed under key id 9, for which the receiver holds no secret.', concat(p.hello, p.seal(base, 507, undefined, { keyId: 9 }).wire), 'UNKNOWN_KEY');
    const flagged = good.body.slice();
    flagged[8]! |= 0x80;
    host('reject/reserved-flags', 'A reserved flag bit is set.', concat(p.hello, wrap(resealCrc(flagged))), 'BAD_HEADER');
    const timeFromStation = p.seal({ type: 'TimeSync', body: EXAMPLES.TimeSync }, 508, 'station-to-host');
    host('reject/wrong-sender', 'TimeSync is sent by the host; this one travels station-to-host.', concat(p.hello, timeFromStation.wire), 'UNEXPECTED_MESSAGE');
    const badEnum = payloadOf({ type: 'OperatorLogin', body: EXAMPLES.OperatorLogin });
    badEnum[badEnum.length - 1] = 9;
    host('reject/enum-out-of-range', 'OperatorLogin with role index 9, which is undefined.', concat(p.hello, must(encodeRawFrame(header(MESSAGES.OperatorLogin.type, 509, 'station-to-host'), badEnum, key), 'enum').wire), 'FIELD_OUT_OF_RANGE');
    const badText = payloadOf({ type: 'OperatorLogout', body: { at: 1, operatorIdentifier: 'AB' } });
    badText[badText.length - 1] = 0xc3; // a lone UTF-8 lead byte
    host('reject/bad-utf8', 'OperatorLogout whose operator id is not valid UTF-8.', concat(p.hello, must(encodeRawFrame(header(MESSAGES.OperatorLogout.type, 510, 'station-to-host'), badText, key), 'utf8').wire), 'BAD_UTF8');
    host('ok/after-garbage', 'Line noise, then a valid frame: the receiver resynchronises at the delimiter (the noise itself is rejected, then the frame decodes).', concat(p.hello, new Uint8Array([0x13, 0x37, 0xfe, 0x00, 0x55]), p.seal(base, 511).wire), 'ok');
    host('reject/no-session', 'A valid in-session frame with no Hello before it: there is no session key to check it with.', good.wire, 'NO_SESSION');
    host('reject/hello-replay', 'The same Hello twice: the second is a replay, Nacked under the host\'s direction key (no session carries it).', concat(p.hello, p.hello), 'REPLAY');
    // Over-long body: a careless encoder's 507-byte body with a good MAC and CRC.
    const over = new Uint8Array(507);
    over.set(good.body.subarray(0, 10));
    for (let i = 10; i < over.length - MIN_BODY + 10; i++) over[i] = i % 100 === 0 ? 0 : (i * 7) & 0xff;
    const macAt = over.length - MAC_BYTES - 4;
    over.set(hmacSha256(key, over.subarray(0, macAt)).subarray(0, MAC_BYTES), macAt);
    host('reject/over-long-body', 'A 507-byte body (one over MAX_BODY) with a valid MAC and CRC: no encoder makes one, so it is not read.', concat(p.hello, wrap(resealCrc(over))), 'FRAME_OVERSIZE');
  }

  // Issue 9: one vector per attack the review showed.
  {
    // Replay across a reboot, station side: a recording of an earlier session, fed to a station that restarted.
    const old = examplePeers(undefined, EXAMPLE_STATION_NONCE.map((b) => b ^ 0xff), EXAMPLE_HOST_NONCE.map((b) => b ^ 0x0f));
    const grant = must(old.host.send(SID, { type: 'OverrideGrant', body: EXAMPLES.OverrideGrant }), 'grant').wire;
    const time = must(old.host.send(SID, { type: 'TimeSync', body: EXAMPLES.TimeSync }), 'time').wire;
    station('reject/replay-after-reboot', 'A recorded host session (its HelloAck, a TimeSync, an OverrideGrant) replayed to a station that restarted and sent a new Hello: the HelloAck answers another nonce (HANDSHAKE_STALE), the rest has no session.', concat(old.helloAck, time, grant), 'NO_SESSION');
    station('reject/stale-hello-ack', 'A HelloAck that echoes another Hello\'s nonce: it answers no Hello of this station.', old.helloAck, 'HANDSHAKE_STALE');
    // ... and host side: a host with no memory of the old session accepts the old Hello, but the old frames were sealed under the old session's key.
    const slot = must(old.station.send({ type: 'SlotLoaded', body: EXAMPLES.SlotLoaded }), 'slot').wire;
    host('reject/replay-after-reboot-host', 'A recorded station session (Hello, SlotLoaded) replayed to a host that restarted: the Hello opens a new session with the host\'s fresh nonce, under whose key the recorded frame does not verify.', concat(old.hello, slot), 'BAD_MAC');

    // Keys bound to a station: stations 7 and 8 misprovisioned with the same secret; 7's Hello relabelled as 8's.
    const shared: VectorSecret[] = [...EXAMPLE_SECRETS, { stationId: 8, keyId: KID, secret: EXAMPLE_SECRET_HEX }];
    const p = examplePeers();
    const relabelled = unwrap(p.hello).slice();
    relabelled[2] = 8;
    host('reject/cross-station-key', 'Station 7\'s Hello with its header changed to station 8 (CRC recomputed), at a host holding the same secret for both: the keys are derived per station id, so the MAC fails.', wrap(resealCrc(relabelled)), 'BAD_MAC', { secrets: shared });
    // Keys bound to a direction: the station's own session key cannot make a host message.
    const forgedGrant = p.seal({ type: 'OverrideGrant', body: EXAMPLES.OverrideGrant }, 40, 'host-to-station', { key: p.sessionKey['station-to-host'] });
    station('reject/station-key-forges-host-frame', 'An OverrideGrant sealed under the station\'s own sending key: a host frame is checked under the host-to-station key only.', concat(p.helloAck, forgedGrant.wire), 'BAD_MAC');
    // A reflected frame: the station's own Hello sent back to it.
    const q = examplePeers();
    station('reject/reflected-hello', 'The station\'s own Hello reflected back to it: it travels station-to-host.', q.hello, 'WRONG_DIRECTION');

    // Work orders: a mixed transfer, a reused transfer id, an empty order.
    const r = examplePeers();
    const a = must(chunkWorkOrder({ header: { ...ORDER_HEADER, workOrderIdentifier: 'WO-A' }, slots: EXAMPLES.WorkOrderChunk.slots }, 3), 'A').messages;
    const b = must(chunkWorkOrder({ header: { ...ORDER_HEADER, workOrderIdentifier: 'WO-B', recipeRevision: '13' }, slots: [EXAMPLES.WorkOrderChunk.slots[1]!, EXAMPLES.WorkOrderChunk.slots[0]!] }, 3), 'B').messages;
    let counter = 2;
    const sealAll = (ms: Message[]) => ms.map((m) => r.seal(m, counter++, 'host-to-station').wire);
    station('reject/mixed-transfer', 'WorkOrderBegin of order A, then the chunk and commit of order B under the same transfer id: the commit digest covers the Begin, so it does not match.', concat(r.helloAck, ...sealAll([a[0]!, ...b.slice(1)])), 'TRANSFER_MISMATCH');
    counter = 2;
    station('reject/transfer-id-reused', 'Order A committed under transfer id 3, then a Begin of order B under transfer id 3 in the same session.', concat(r.helloAck, ...sealAll(a), ...sealAll([b[0]!])), 'TRANSFER_ID_REUSED');
    const empty = r.seal({ type: 'WorkOrderBegin', body: { ...EXAMPLES.WorkOrderBegin, slotCount: 0, chunkCount: 0 } }, 2, 'host-to-station');
    station('reject/empty-order', 'A WorkOrderBegin with no slots: refused (ClearWorkOrder ends a work order).', concat(r.helloAck, empty.wire), 'TRANSFER_EMPTY');

    // A short key: a 15-byte secret is refused at installation, so the station it was meant for has no key.
    const short = SECRET.subarray(0, 15);
    const shortKey = hkdfExpand(hkdfExtract(ascii(KDF_SALT), short), concat(ascii(KDF_LABELS['station-to-host']), new Uint8Array([9, 0, KID])), 32)! as MacKey;
    const shortHello = must(encodeFrame({ type: 'Hello', body: EXAMPLES.Hello }, { stationId: 9, counter: 1, direction: 'station-to-host', keyId: KID, key: shortKey }), 'short');
    host('reject/short-key', 'Station 9 was given a 15-byte secret: installing it is refused (KEY_TOO_SHORT), so its Hello finds no key.', shortHello.wire, 'UNKNOWN_KEY', { secrets: [...EXAMPLE_SECRETS, { stationId: 9, keyId: KID, secret: toHex(short), refused: 'KEY_TOO_SHORT' }] });
  }
  return { vectors, exampleFrames };
}

export function buildVectors(): Vector[] {
  return buildVectorSet().vectors;
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function unwrap(wire: Uint8Array): Uint8Array {
  return cobsDecode(wire.subarray(1, wire.length - 1))!;
}
