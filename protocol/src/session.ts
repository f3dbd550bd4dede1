// The session layer both ends share: the Hello/HelloAck handshake, per-session keys, counters, replay state,
// Nacks, and the flood budget. Bytes in, events out; no clock (time is an argument), no I/O, no timers.
//
// A frame is judged in this order (PROTOCOL.md §4), and the first failure is the verdict:
//   1 framing (deframer)  → 2 length → 3 CRC → 4 header (major version, reserved flags)   [unseal]
//   → 5 addressing (role) → 6 key (secret of station id + key id) → 7 session (which key MACs this frame)
//   → 8 MAC budget → 9 MAC → 10 peer state (made here, for an authenticated peer only) and counter (used up here)
//   → 11 minor version → 12 type → 13 payload → 14 sender → 15 session state (handshake and transfer rules).
// Failures up to 9 are dropped and counted: the frame did not authenticate, and answering it would let anyone
// make a station talk. From 10 on the peer is authenticated and gets a Nack with the reason, except where no
// session exists for the Nack to travel in (a refused HelloAck or Nack of Hello: dropped and counted).
import { MESSAGES, type Message, type MessageBody } from './messages';
import { Deframer } from './deframer';
import { encodeFrame, macMatches, unseal, type Direction, type FrameHeader } from './frame';
import { isHandshakeType, judgeAddress, judgeContent, MIN_SESSION_MINOR, sameBytes } from './judge';
import { deriveSessionKey, type KeySource, type MacKey } from './keys';
import { MAX_WIRE_FRAME, NONCE_BYTES, PROTOCOL_MAJOR, PROTOCOL_MINOR } from './limits';
import { COUNTER_BLOCK, SendCounter, type CounterVault, type PeerCounters, type SendCounters } from './counters';
import type { ReasonName } from './reasons';
import { WorkOrderAssembler, type WorkOrder } from './workorder';

/** What an end says of itself in Hello (and, in part, HelloAck). The session adds counters and nonces. */
export type LocalHello = Omit<MessageBody<'Hello'>, 'lastCounterReceived' | 'nonce'>;

/** The other end of an established session. */
export interface PeerInfo {
  readonly stationId: number;
  readonly keyId: number;
  /** Minor version both ends stamp in this session: the lower of the two. */
  readonly protocolMinor: number;
  readonly softwareVersion: string;
  readonly capabilities: MessageBody<'Hello'>['capabilities'];
  /** The peer's Hello when the peer opened the session (a station's limits: maxSlots, journal, …). */
  readonly hello?: MessageBody<'Hello'>;
  readonly initiator: 'station' | 'host';
}

/**
 * What the session reports. Each frame received gives exactly one verdict event (established, message,
 * transfer, work-order, handshake-refused or refused); `send` and `ended` come alongside.
 */
export type SessionEvent =
  /** A Hello or HelloAck completed a handshake: frames may flow. (For a Hello, its HelloAck `send` comes first.) */
  | { readonly kind: 'established'; readonly offset: number; readonly header: FrameHeader; readonly message: Message; readonly peer: PeerInfo }
  /** An authenticated, in-session message for the runtime to act on (and `ack` if the header asks). */
  | { readonly kind: 'message'; readonly offset: number; readonly header: FrameHeader; readonly message: Message }
  /** Station: a WorkOrderBegin or WorkOrderChunk was taken into the transfer in progress (Acked if asked). */
  | { readonly kind: 'transfer'; readonly offset: number; readonly header: FrameHeader; readonly message: Message }
  /** Station: a commit matched; the runtime applies the order, then Acks (or Nacks) the commit's header. */
  | { readonly kind: 'work-order'; readonly offset: number; readonly header: FrameHeader; readonly message: Message; readonly order: WorkOrder }
  /** The peer Nacked our Hello (REPLAY: the session already retried once above the peer's counter). */
  | { readonly kind: 'handshake-refused'; readonly offset: number; readonly header: FrameHeader; readonly reason: ReasonName }
  /** The frame was refused; `nacked` when a Nack went back (its `send` came first). */
  | { readonly kind: 'refused'; readonly offset: number; readonly reason: ReasonName; readonly detail: string; readonly header?: FrameHeader; readonly nacked: boolean }
  /** A frame the session produced (HelloAck, Nack, Ack of a chunk, a Hello retry): put it on the wire. */
  | { readonly kind: 'send'; readonly stationId: number; readonly wire: Uint8Array; readonly message: Message }
  /** The session with a station ended because the peer opened a new one. */
  | { readonly kind: 'ended'; readonly stationId: number; readonly why: 'replaced' };

export type Emit = (e: SessionEvent) => void;

/** A frame built for the wire, or why none was. */
export type Sealed =
  | { readonly ok: true; readonly wire: Uint8Array; readonly counter: number; readonly message: Message }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/** MAC checks an attacker can make a receiver spend: a token bucket refilled with time. */
export interface MacBudgetOptions {
  readonly perSecond: number;
  readonly burst: number;
  /**
   * Checks held back for frames of an established session (default 0): a frame that needs no session (a Hello,
   * a HelloAck, a Nack of our Hello) is checked only while more than this many are left, so garbage on a
   * connection that never authenticated cannot take the last checks from the host that did.
   */
  readonly reserve?: number;
}
/**
 * 20 MAC checks a second, 40 at once, 10 of them held for the established session: above a host's steady rate
 * (status polls, journal reads, a time sync) and enough for a 22-frame work order in one burst (a frame that
 * authenticates gives its check back), while a flood can take only a bounded share of a microcontroller's time
 * (PROTOCOL.md §3.6, "Floods"). One budget per station, shared by all its links. A runtime sets its own from the
 * device's measured cost.
 */
export const DEFAULT_MAC_BUDGET: MacBudgetOptions = { perSecond: 20, burst: 40, reserve: 10 };
/** A host's default for one stream: it may serve dozens of stations on one RS-485 line, and runs on a PC. */
export const DEFAULT_HOST_MAC_BUDGET: MacBudgetOptions = { perSecond: 1000, burst: 1000 };

export interface SessionOptions {
  /** Long-term keys by (station id, key id). Without one every frame is refused (UNKNOWN_KEY). */
  readonly keys: KeySource;
  /** Durable counter reservations (the runtime's state store). */
  readonly vault: CounterVault;
  /**
   * Send counters shared with this end's other sessions (on the same vault): a station passes its one set to every
   * link, so a reconnect costs no counter block and no store write. Default: this session's own.
   */
  readonly counters?: SendCounters;
  /**
   * What was accepted from the peers, shared with this end's other sessions: a station passes its one set to every
   * link, so a frame recorded on one connection is a replay on the next. Default: this session's own.
   */
  readonly peers?: PeerCounters;
  /** Fills its argument with random bytes: the HAL's RandomBytes. Session nonces come from it. */
  readonly random: (dst: Uint8Array) => void;
  /** This end's Hello fields. */
  readonly hello: LocalHello;
  /**
   * The MAC budget: options for one of this session's own (default: DEFAULT_MAC_BUDGET at a station,
   * DEFAULT_HOST_MAC_BUDGET at a host), or a MacBudget shared with other sessions. A station passes its one
   * budget to the session of every link (each TCP connection, the serial link), so reconnecting buys a flood nothing.
   */
  readonly macBudget?: MacBudgetOptions | MacBudget;
  /** Counters reserved per vault write (default 256). */
  readonly counterBlock?: number;
}

/** Counts by outcome, for diagnostics (Modbus, StatusReport, logs). Bounded: one number per reason. */
export interface SessionStats {
  framesJudged: number;
  macChecks: number;
  accepted: number;
  refused: number;
  readonly byReason: Partial<Record<ReasonName, number>>;
}

export type Created<T> = { readonly ok: true; readonly session: T } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

interface Established {
  readonly keyId: number;
  readonly txKey: MacKey;
  readonly rxKey: MacKey;
  readonly minor: number;
  readonly peer: PeerInfo;
  /** Station side: the transfer in progress. */
  readonly assembler: WorkOrderAssembler | undefined;
  /** Host side: the last transfer id used in this session. */
  lastTransferId: number;
}

interface PendingHello {
  readonly nonce: Uint8Array;
  readonly counter: number;
  readonly keyId: number;
  readonly retried: boolean;
}

/** Everything one end knows about its link with one station. Made only for a peer that authenticated. */
class Link {
  hello: PendingHello | undefined;
  session: Established | undefined;
  /** Highest counter accepted from the peer, per key id: outlives sessions (and, shared, links), so old frames stay old. */
  readonly peerLast: Map<number, number>;
  private readonly counters = new Map<number, SendCounter>();
  constructor(
    readonly stationId: number,
    private readonly vault: CounterVault,
    private readonly direction: Direction,
    private readonly block: number,
    private readonly shared: SendCounters | undefined,
    peers: PeerCounters | undefined,
  ) {
    this.peerLast = peers?.of(stationId) ?? new Map();
  }
  counter(keyId: number): SendCounter {
    let c = this.counters.get(keyId);
    if (c === undefined) {
      const stream = { stationId: this.stationId, keyId, direction: this.direction };
      c = this.shared?.of(stream) ?? new SendCounter(this.vault, stream, this.block);
      this.counters.set(keyId, c);
    }
    return c;
  }
}

/** What a MacBudget has spent since it was made (diagnostics; the bound the tests hold it to). */
export interface MacBudgetStats {
  /** Checks taken and kept: frames whose MAC failed or whose counter was a replay. */
  spent: number;
  /** Checks given back: frames that authenticated with a fresh counter. */
  givenBack: number;
  /** Frames dropped unchecked because the budget was spent (MAC_BUDGET_EXHAUSTED). */
  refused: number;
}

/**
 * A token bucket of MAC checks: `burst` at once, refilled at `perSecond`, the last `reserve` for frames of an
 * established session. Time comes in as an argument. Checks that are not given back never exceed
 * `burst + perSecond × elapsed`, however many links share the budget.
 */
export class MacBudget {
  private tokens: number;
  private last: number | undefined;
  private readonly reserve: number;
  readonly stats: MacBudgetStats = { spent: 0, givenBack: 0, refused: 0 };
  constructor(private readonly o: MacBudgetOptions) {
    this.tokens = o.burst;
    this.reserve = Math.max(0, Math.min(o.reserve ?? 0, o.burst - 1));
  }
  /** Spends one check at `nowMs` (monotonic), or says there is none left for this kind of frame. */
  take(nowMs: number, inSession = false): boolean {
    if (this.last !== undefined && nowMs > this.last) {
      this.tokens = Math.min(this.o.burst, this.tokens + ((nowMs - this.last) * this.o.perSecond) / 1000);
    }
    if (this.last === undefined || nowMs > this.last) this.last = nowMs;
    if (this.tokens < 1 + (inSession ? 0 : this.reserve)) {
      this.stats.refused++;
      return false;
    }
    this.tokens -= 1;
    this.stats.spent++;
    return true;
  }
  /**
   * Returns the check of a frame that authenticated with a fresh counter: only the key's holder can make one,
   * so it is no cost an attacker can force, and a busy host never spends the budget a flood needs to be held to.
   */
  giveBack(): void {
    this.tokens = Math.min(this.o.burst, this.tokens + 1);
    this.stats.spent--;
    this.stats.givenBack++;
  }
}

const VERSION_BYTE = (PROTOCOL_MAJOR << 4) | PROTOCOL_MINOR;
const TRANSFER_TYPES: ReadonlySet<string> = new Set(['WorkOrderBegin', 'WorkOrderTerms', 'WorkOrderChunk', 'WorkOrderCommit']);

/** The machinery of StationSession and HostSession; each adds how it finds its links and its own send calls. */
export abstract class SessionCore {
  protected readonly deframer = new Deframer(MAX_WIRE_FRAME);
  private readonly budget: MacBudget;
  readonly stats: SessionStats = { framesJudged: 0, macChecks: 0, accepted: 0, refused: 0, byReason: {} };
  protected readonly own: Direction;
  private readonly block: number;

  protected constructor(
    protected readonly role: { readonly kind: 'station'; readonly stationId: number } | { readonly kind: 'host' },
    protected readonly o: SessionOptions,
  ) {
    this.own = role.kind === 'station' ? 'station-to-host' : 'host-to-station';
    const b = o.macBudget ?? (role.kind === 'station' ? DEFAULT_MAC_BUDGET : DEFAULT_HOST_MAC_BUDGET);
    this.budget = b instanceof MacBudget ? b : new MacBudget(b);
    this.block = o.counterBlock ?? COUNTER_BLOCK;
  }

  /** The link with a station, if it exists. */
  protected abstract findLink(stationId: number): Link | undefined;
  /** Makes the link with a station that just authenticated; undefined when the end cannot hold another. */
  protected abstract makeLink(stationId: number): Link | undefined;

  protected newLink(stationId: number): Link {
    return new Link(stationId, this.o.vault, this.own, this.block, this.o.counters, this.o.peers);
  }

  /** Feeds received bytes, in any chunking. `nowMs` (monotonic) refills the MAC budget. Never throws. */
  receive(bytes: Uint8Array, nowMs: number, emit: Emit): void {
    this.deframer.push(bytes, (e) => {
      if (e.kind === 'error') this.refuse(emit, e.offset, e.reason, `${e.length} bytes dropped`);
      else this.judge(e.body, e.offset, nowMs, emit);
    });
  }

  private refuse(emit: Emit, offset: number, reason: ReasonName, detail: string, header?: FrameHeader, nacked = false): void {
    this.stats.framesJudged++;
    this.stats.refused++;
    this.stats.byReason[reason] = (this.stats.byReason[reason] ?? 0) + 1;
    emit(header === undefined ? { kind: 'refused', offset, reason, detail, nacked } : { kind: 'refused', offset, reason, detail, header, nacked });
  }

  private accepted(): void {
    this.stats.framesJudged++;
    this.stats.accepted++;
  }

  private judge(body: Uint8Array, offset: number, nowMs: number, emit: Emit): void {
    const u = unseal(body);
    if (!u.ok) return this.refuse(emit, offset, u.reason, u.detail, u.header);
    const h = u.header;
    const address = judgeAddress(this.role, h);
    if (address !== undefined) return this.refuse(emit, offset, address.reason, address.detail, h);
    // Fail closed: a session built without keys (JavaScript callers) refuses everything.
    const dirKey = this.o.keys?.directionKey(h.stationId, h.keyId, h.direction);
    if (dirKey === undefined) return this.refuse(emit, offset, 'UNKNOWN_KEY', `no secret for station ${h.stationId}, key id ${h.keyId}`, h);

    // Which key made this frame's MAC: the direction key for the handshake (and a Nack of our Hello), else the session's.
    let link = this.findLink(h.stationId);
    let inSession: boolean;
    let key: MacKey;
    if (isHandshakeType(h.messageType)) {
      inSession = false;
      key = dirKey;
    } else if (link?.session !== undefined && link.session.keyId === h.keyId) {
      inSession = true;
      key = link.session.rxKey;
    } else if (link?.hello !== undefined && link.session === undefined && h.messageType === MESSAGES.Nack.type && link.hello.keyId === h.keyId) {
      inSession = false;
      key = dirKey;
    } else {
      const why = link?.session !== undefined ? `the session runs under key id ${link.session.keyId}` : 'no session with this peer: a Hello comes first';
      return this.refuse(emit, offset, 'NO_SESSION', why, h);
    }
    if (!this.budget.take(nowMs, inSession)) return this.refuse(emit, offset, 'MAC_BUDGET_EXHAUSTED', 'more MAC checks than the budget allows (a flood)', h);
    this.stats.macChecks++;
    if (!macMatches(body, key)) return this.refuse(emit, offset, 'BAD_MAC', 'MAC does not verify', h);

    // Authenticated: only now may state for this peer be created, so spoofed ids cost nothing.
    link ??= this.makeLink(h.stationId);
    if (link === undefined) return this.refuse(emit, offset, 'LIMIT_EXCEEDED', 'no room for another station', h);
    const last = link.peerLast.get(h.keyId) ?? 0;
    if (h.counter <= last) {
      return this.nackOrDrop(link, inSession, h, 'REPLAY', `counter ${h.counter}, last accepted ${last}`, last, offset, emit);
    }
    link.peerLast.set(h.keyId, h.counter);
    // A fresh counter under a MAC that verified: the peer's own frame, not a check a flood forced.
    this.budget.giveBack();
    const c = judgeContent(h, u.payload);
    if (!c.ok) return this.nackOrDrop(link, inSession, h, c.reason, c.detail, c.reason === 'VERSION_UNSUPPORTED' ? VERSION_BYTE : 0, offset, emit);
    const m = c.message;
    if (m.type === 'Hello') return this.onHello(link, h, m.body, offset, emit);
    if (m.type === 'HelloAck') return this.onHelloAck(link, h, m.body, offset, emit);
    if (!inSession) return this.onHelloNack(link, h, m, offset, emit);
    const s = link.session!;
    if (m.type === 'Nack' && m.body.reason === 'REPLAY') link.counter(s.keyId).skipPast(m.body.detail);
    if (s.assembler !== undefined && TRANSFER_TYPES.has(m.type)) return this.onTransfer(link, s, s.assembler, h, m, offset, emit);
    this.accepted();
    emit({ kind: 'message', offset, header: h, message: m });
  }

  /** An authenticated frame refused after its MAC: a Nack goes back where a session (or, for a Hello, a direction key) can carry it. */
  private nackOrDrop(link: Link, inSession: boolean, h: FrameHeader, reason: ReasonName, detail: string, nackDetail: number, offset: number, emit: Emit): void {
    if (inSession || h.messageType === MESSAGES.Hello.type) {
      const n = this.sealNack(link, inSession, h, reason, nackDetail);
      if (n.ok) {
        emit({ kind: 'send', stationId: link.stationId, wire: n.wire, message: n.message });
        return this.refuse(emit, offset, reason, detail, h, true);
      }
    }
    this.refuse(emit, offset, reason, detail, h);
  }

  private sealNack(link: Link, inSession: boolean, h: FrameHeader, reason: ReasonName, detail: number): Sealed {
    const message: Message = { type: 'Nack', body: { ackedCounter: h.counter, ackedType: h.messageType, reason, detail } };
    const s = link.session;
    if (inSession && s !== undefined) return this.seal(link, s.keyId, s.txKey, s.minor, message, false);
    const key = this.o.keys.directionKey(link.stationId, h.keyId, this.own);
    if (key === undefined) return { ok: false, reason: 'UNKNOWN_KEY', detail: 'no key to answer with' };
    return this.seal(link, h.keyId, key, PROTOCOL_MINOR, message, false);
  }

  protected seal(link: Link, keyId: number, key: MacKey, minor: number, message: Message, ackRequested: boolean): Sealed {
    const ctr = link.counter(keyId);
    const c = ctr.peek();
    if (!c.ok) return c;
    const r = encodeFrame(message, { stationId: link.stationId, counter: c.counter, direction: this.own, keyId, key, ackRequested, versionMinor: minor });
    if (!r.ok) return r;
    ctr.spend();
    return { ok: true, wire: r.wire, counter: c.counter, message };
  }

  private nonce(): Uint8Array {
    const n = new Uint8Array(NONCE_BYTES);
    this.o.random(n);
    return n;
  }

  private sessionKeys(stationId: number, keyId: number, stationNonce: Uint8Array, hostNonce: Uint8Array): { tx: MacKey; rx: MacKey } | undefined {
    const peer: Direction = this.own === 'station-to-host' ? 'host-to-station' : 'station-to-host';
    const tx = this.o.keys.directionKey(stationId, keyId, this.own);
    const rx = this.o.keys.directionKey(stationId, keyId, peer);
    if (tx === undefined || rx === undefined) return undefined;
    return { tx: deriveSessionKey(tx, stationNonce, hostNonce), rx: deriveSessionKey(rx, stationNonce, hostNonce) };
  }

  private open(link: Link, keyId: number, minor: number, peer: PeerInfo, keys: { tx: MacKey; rx: MacKey }): void {
    link.hello = undefined;
    link.session = {
      keyId,
      txKey: keys.tx,
      rxKey: keys.rx,
      minor,
      peer,
      assembler: this.role.kind === 'station' ? new WorkOrderAssembler(this.o.hello.maxSlots) : undefined,
      lastTransferId: 0,
    };
  }

  private onHello(link: Link, h: FrameHeader, hello: MessageBody<'Hello'>, offset: number, emit: Emit): void {
    // Crossed Hellos: the station's wins, so a station waiting for its HelloAck ignores the host's Hello.
    if (this.role.kind === 'station' && link.hello !== undefined) {
      return this.refuse(emit, offset, 'HANDSHAKE_CROSSED', 'our own Hello is waiting for its HelloAck', h);
    }
    link.counter(h.keyId).skipPast(hello.lastCounterReceived);
    const nonce = this.nonce();
    const minor = Math.min(PROTOCOL_MINOR, h.versionMinor);
    const keys = this.role.kind === 'station'
      ? this.sessionKeys(h.stationId, h.keyId, nonce, hello.nonce)
      : this.sessionKeys(h.stationId, h.keyId, hello.nonce, nonce);
    const ownKey = this.o.keys.directionKey(h.stationId, h.keyId, this.own);
    if (keys === undefined || ownKey === undefined) return this.refuse(emit, offset, 'UNKNOWN_KEY', 'no key for our direction', h);
    const ack: Message = {
      type: 'HelloAck',
      body: {
        protocolMinor: minor,
        softwareVersion: this.o.hello.softwareVersion,
        capabilities: this.o.hello.capabilities,
        lastCounterReceived: h.counter,
        nonce,
        helloNonce: hello.nonce,
      },
    };
    const sealed = this.seal(link, h.keyId, ownKey, PROTOCOL_MINOR, ack, false);
    if (!sealed.ok) return this.refuse(emit, offset, sealed.reason, `cannot answer the Hello: ${sealed.detail}`, h);
    const replaced = link.session !== undefined;
    const peer: PeerInfo = {
      stationId: h.stationId,
      keyId: h.keyId,
      protocolMinor: minor,
      softwareVersion: hello.softwareVersion,
      capabilities: hello.capabilities,
      hello,
      initiator: this.role.kind === 'station' ? 'host' : 'station',
    };
    this.open(link, h.keyId, minor, peer, keys);
    if (replaced) emit({ kind: 'ended', stationId: link.stationId, why: 'replaced' });
    emit({ kind: 'send', stationId: link.stationId, wire: sealed.wire, message: ack });
    this.accepted();
    emit({ kind: 'established', offset, header: h, message: { type: 'Hello', body: hello }, peer });
  }

  private onHelloAck(link: Link, h: FrameHeader, ack: MessageBody<'HelloAck'>, offset: number, emit: Emit): void {
    const p = link.hello;
    if (p === undefined || p.keyId !== h.keyId || !sameBytes(ack.helloNonce, p.nonce)) {
      return this.refuse(emit, offset, 'HANDSHAKE_STALE', p === undefined ? 'no Hello of ours is waiting' : 'it answers another Hello', h);
    }
    if (ack.protocolMinor < MIN_SESSION_MINOR || ack.protocolMinor > PROTOCOL_MINOR) {
      return this.refuse(emit, offset, 'FIELD_OUT_OF_RANGE', `HelloAck.protocolMinor ${ack.protocolMinor} is not 1.${MIN_SESSION_MINOR}..1.${PROTOCOL_MINOR}`, h);
    }
    const keys = this.role.kind === 'station'
      ? this.sessionKeys(h.stationId, h.keyId, p.nonce, ack.nonce)
      : this.sessionKeys(h.stationId, h.keyId, ack.nonce, p.nonce);
    if (keys === undefined) return this.refuse(emit, offset, 'UNKNOWN_KEY', 'no key for our direction', h);
    link.counter(h.keyId).skipPast(ack.lastCounterReceived);
    const peer: PeerInfo = {
      stationId: h.stationId,
      keyId: h.keyId,
      protocolMinor: ack.protocolMinor,
      softwareVersion: ack.softwareVersion,
      capabilities: ack.capabilities,
      initiator: this.role.kind,
    };
    this.open(link, h.keyId, ack.protocolMinor, peer, keys);
    this.accepted();
    emit({ kind: 'established', offset, header: h, message: { type: 'HelloAck', body: ack }, peer });
  }

  private onHelloNack(link: Link, h: FrameHeader, m: Message, offset: number, emit: Emit): void {
    const p = link.hello!;
    if (m.type !== 'Nack' || m.body.ackedType !== MESSAGES.Hello.type || m.body.ackedCounter !== p.counter) {
      return this.refuse(emit, offset, 'HANDSHAKE_STALE', 'the Nack does not name our waiting Hello', h);
    }
    link.hello = undefined;
    this.accepted();
    emit({ kind: 'handshake-refused', offset, header: h, reason: m.body.reason });
    // Our counter went back (a restored store): continue above the peer's and try once more.
    if (m.body.reason === 'REPLAY' && !p.retried) {
      link.counter(p.keyId).skipPast(m.body.detail);
      const again = this.sendHello(link, p.keyId, true);
      if (again.ok) emit({ kind: 'send', stationId: link.stationId, wire: again.wire, message: again.message });
    }
  }

  private onTransfer(link: Link, s: Established, asm: WorkOrderAssembler, h: FrameHeader, m: Message, offset: number, emit: Emit): void {
    const r = asm.accept(m);
    if (!r.ok) return this.nackOrDrop(link, true, h, r.reason, r.detail, 0, offset, emit);
    if (r.committed !== undefined) {
      this.accepted();
      return emit({ kind: 'work-order', offset, header: h, message: m, order: r.committed });
    }
    if (h.ackRequested) {
      const a = this.seal(link, s.keyId, s.txKey, s.minor, { type: 'Ack', body: { ackedCounter: h.counter, ackedType: h.messageType } }, false);
      if (a.ok) emit({ kind: 'send', stationId: link.stationId, wire: a.wire, message: a.message });
    }
    this.accepted();
    emit({ kind: 'transfer', offset, header: h, message: m });
  }

  /** Opens a new handshake on a link: any session it had is over once the Hello is built. */
  protected sendHello(link: Link, keyId: number, retried = false): Sealed {
    const key = this.o.keys?.directionKey(link.stationId, keyId, this.own);
    if (key === undefined) return { ok: false, reason: 'UNKNOWN_KEY', detail: `no secret for station ${link.stationId}, key id ${keyId}` };
    const nonce = this.nonce();
    const message: Message = { type: 'Hello', body: { ...this.o.hello, lastCounterReceived: link.peerLast.get(keyId) ?? 0, nonce } };
    const sealed = this.seal(link, keyId, key, PROTOCOL_MINOR, message, false);
    if (!sealed.ok) return sealed;
    link.session = undefined;
    link.hello = { nonce, counter: sealed.counter, keyId, retried };
    return sealed;
  }

  /** Seals a message in the link's session. */
  protected sendOn(link: Link | undefined, message: Message, ackRequested: boolean): Sealed {
    const s = link?.session;
    if (link === undefined || s === undefined) return { ok: false, reason: 'NO_SESSION', detail: 'no session: connect, or wait for the peer\'s Hello' };
    const name: unknown = message?.type;
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(MESSAGES, name)) {
      return { ok: false, reason: 'UNKNOWN_MESSAGE_TYPE', detail: `no message named ${String(name)}` };
    }
    if (message.type === 'Hello' || message.type === 'HelloAck') {
      return { ok: false, reason: 'UNEXPECTED_MESSAGE', detail: 'the session sends Hello (connect) and HelloAck itself' };
    }
    const from = MESSAGES[message.type].from;
    if (from !== 'either' && from !== this.role.kind) {
      return { ok: false, reason: 'UNEXPECTED_MESSAGE', detail: `${message.type} is sent by the ${from}` };
    }
    return this.seal(link, s.keyId, s.txKey, s.minor, message, ackRequested);
  }

  protected ackOn(link: Link | undefined, h: FrameHeader): Sealed {
    return this.sendOn(link, { type: 'Ack', body: { ackedCounter: h.counter, ackedType: h.messageType } }, false);
  }

  protected nackOn(link: Link | undefined, h: FrameHeader, reason: ReasonName, detail: number): Sealed {
    return this.sendOn(link, { type: 'Nack', body: { ackedCounter: h.counter, ackedType: h.messageType, reason, detail } }, false);
  }

  /** Forgets the session and any waiting Hello of a link; counters and replay state stay. */
  protected static drop(link: Link | undefined): void {
    if (link === undefined) return;
    link.session = undefined;
    link.hello = undefined;
  }

  protected static peerOf(link: Link | undefined): PeerInfo | undefined {
    return link?.session?.peer;
  }

  /** Host side: the next transfer id of a session, or undefined when they are used up (reconnect). */
  protected static nextTransferId(link: Link | undefined): number | undefined {
    const s = link?.session;
    if (s === undefined || s.lastTransferId >= 0xffff) return undefined;
    s.lastTransferId++;
    return s.lastTransferId;
  }
}

export type { Link };
