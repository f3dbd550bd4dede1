// The receiving side of a link: deframes a byte stream and judges every frame in a fixed order, so that both
// ends and third-party implementations reach the same verdict:
//   framing → length → CRC → header/major version → key id → MAC → replay → minor version → type → direction → payload.
// Checks after the MAC concern authenticated frames: those earn a Nack (`nackable`); earlier failures are
// dropped silently, since answering unauthenticated input would let anyone make a station talk.
import { Deframer, type DeframeEvent } from './deframer';
import { decodePayload, macMatches, unseal, type Direction, type FrameHeader, type Keyring } from './frame';
import { MAX_WIRE_FRAME, PROTOCOL_MINOR } from './limits';
import { MESSAGES, type Message } from './messages';
import type { ReasonName } from './reasons';

export type Verdict =
  | {
      readonly ok: true;
      readonly offset: number;
      readonly header: FrameHeader;
      readonly message: Message;
      /** False only when the receiver has no keyring (a capture decoded without keys). */
      readonly authenticated: boolean;
    }
  | {
      readonly ok: false;
      readonly offset: number;
      readonly reason: ReasonName;
      readonly detail: string;
      readonly header?: FrameHeader;
      /** The frame authenticated, so the sender should get a Nack with this reason. */
      readonly nackable: boolean;
    };

export interface ReceiverOptions {
  /** Keys by key id. Without a keyring, MACs are not checked and frames are marked unauthenticated. */
  readonly keyring?: Keyring;
  /** Accept only frames of this station (a station's own id). */
  readonly stationId?: number;
  /** Accept only frames travelling this way (a station accepts host-to-station only). */
  readonly direction?: Direction;
  /** Most (station, direction, key id) counters remembered; a host sizes it to its stations. */
  readonly maxPeers?: number;
  readonly maxWire?: number;
}

/** Strictly increasing counters per (station, direction, key id). Bounded. */
export class ReplayGuard {
  private readonly last = new Map<number, number>();
  constructor(private readonly maxPeers: number) {}

  private static key(h: Pick<FrameHeader, 'stationId' | 'direction' | 'keyId'>): number {
    return h.stationId * 512 + (h.direction === 'host-to-station' ? 256 : 0) + h.keyId;
  }
  /** The last counter accepted for this header's stream, or 0. */
  lastAccepted(h: FrameHeader): number {
    return this.last.get(ReplayGuard.key(h)) ?? 0;
  }
  /** Accepts and records the counter, or says why not. */
  accept(h: FrameHeader): ReasonName | undefined {
    const k = ReplayGuard.key(h);
    const prev = this.last.get(k);
    if (h.counter === 0 || (prev !== undefined && h.counter <= prev)) return 'REPLAY';
    if (prev === undefined && this.last.size >= this.maxPeers) return 'LIMIT_EXCEEDED';
    this.last.set(k, h.counter);
    return undefined;
  }
  /** Restores a remembered counter (from persistent storage, or after a Hello says where the peer is). */
  restore(stationId: number, direction: Direction, keyId: number, counter: number): void {
    this.last.set(ReplayGuard.key({ stationId, direction, keyId }), counter);
  }
}

export class Receiver {
  private readonly deframer: Deframer;
  readonly replay: ReplayGuard;

  constructor(private readonly opts: ReceiverOptions = {}) {
    this.deframer = new Deframer(opts.maxWire ?? MAX_WIRE_FRAME);
    this.replay = new ReplayGuard(opts.maxPeers ?? 64);
  }

  /** Feeds wire bytes in any chunking; emits one verdict per frame or framing error, in order. Never throws. */
  push(chunk: Uint8Array, emit: (v: Verdict) => void): void {
    this.deframer.push(chunk, (e) => emit(this.verdictOf(e)));
  }

  /** Ends the stream (end of a capture): an unterminated last frame is judged as if delimited. */
  flush(emit: (v: Verdict) => void): void {
    this.deframer.flush((e) => emit(this.verdictOf(e)));
  }

  private verdictOf(e: DeframeEvent): Verdict {
    return e.kind === 'error'
      ? { ok: false, offset: e.offset, reason: e.reason, detail: `${e.length} bytes dropped`, nackable: false }
      : this.judge(e.body, e.offset);
  }

  /** Bytes of an unterminated frame still held. */
  get pending(): number {
    return this.deframer.pending;
  }

  /** Judges one frame body (COBS already removed). */
  judge(body: Uint8Array, offset = 0): Verdict {
    const drop = (reason: ReasonName, detail: string, header?: FrameHeader): Verdict =>
      header === undefined
        ? { ok: false, offset, reason, detail, nackable: false }
        : { ok: false, offset, reason, detail, header, nackable: false };
    const u = unseal(body);
    if (!u.ok) return drop(u.reason, u.detail, u.header);
    const h = u.header;
    if (this.opts.stationId !== undefined && h.stationId !== this.opts.stationId) {
      return drop('WRONG_STATION', `frame for station ${h.stationId}, this is ${this.opts.stationId}`, h);
    }
    if (this.opts.direction !== undefined && h.direction !== this.opts.direction) {
      return drop('WRONG_DIRECTION', `frame travels ${h.direction}`, h);
    }
    let authenticated = false;
    if (this.opts.keyring !== undefined) {
      const key = this.opts.keyring(h.keyId);
      if (key === undefined) return drop('UNKNOWN_KEY', `no key with id ${h.keyId}`, h);
      if (!macMatches(body, key)) return drop('BAD_MAC', 'MAC does not verify', h);
      authenticated = true;
    }
    const replayed = this.replay.accept(h);
    if (replayed !== undefined) {
      return drop(replayed, `counter ${h.counter}, last accepted ${this.replay.lastAccepted(h)}`, h);
    }
    const nack = (reason: ReasonName, detail: string): Verdict => ({
      ok: false,
      offset,
      reason,
      detail,
      header: h,
      nackable: authenticated,
    });
    const frozen = h.messageType === MESSAGES.Hello.type || h.messageType === MESSAGES.HelloAck.type;
    if (h.versionMinor > PROTOCOL_MINOR && !frozen) {
      return nack('VERSION_UNSUPPORTED', `version 1.${h.versionMinor}, ours is 1.${PROTOCOL_MINOR}`);
    }
    const d = decodePayload(h.messageType, u.payload, frozen && h.versionMinor > PROTOCOL_MINOR);
    if (!d.ok) return nack(d.reason, d.detail);
    const from = MESSAGES[d.message.type].from;
    const sender = h.direction === 'host-to-station' ? 'host' : 'station';
    if (from !== 'either' && from !== sender) {
      return nack('UNEXPECTED_MESSAGE', `${d.message.type} is sent by the ${from}, this frame travels ${h.direction}`);
    }
    return { ok: true, offset, header: h, message: d.message, authenticated };
  }
}
