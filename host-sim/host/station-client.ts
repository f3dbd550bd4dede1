// The host end of one station's link, written once for the simulator's MES and the line gateway. It runs the
// protocol's HostSession for one station over one byte stream and keeps the conversation going: it answers the
// station's Hello, syncs its clock, downloads work orders and pushes reel records and MSD events (each with an
// Ack or a Nack), polls status, and collects the journal. Collection is durable before acknowledged: records go to
// the sink, and the JournalAck goes to the station only when the sink says they are stored. Nothing here does I/O
// or reads a clock: bytes in, bytes out, time passed in.
import type { FrameHeader } from '../../protocol/src/frame';
import { HostSession } from '../../protocol/src/host-session';
import type { KeySource } from '../../protocol/src/keys';
import type { CounterVault } from '../../protocol/src/counters';
import { MESSAGES, type Message, type MessageBody } from '../../protocol/src/messages';
import type { ReasonName } from '../../protocol/src/reasons';
import type { LocalHello, PeerInfo, SessionEvent, Sealed } from '../../protocol/src/session';
import type { WorkOrder } from '../../protocol/src/workorder';

/** One journal record as the host stores it. */
export interface CollectedRecord {
  readonly stationId: number;
  readonly seq: number;
  /** Unix seconds, as the station stamped it. */
  readonly at: number;
  readonly recordType: number;
  readonly data: Uint8Array;
}

/**
 * Where collected records go. `next` is the first sequence the host does not hold yet (1 for a new station); after
 * a restart it comes from the host's own store, so collection resumes without a gap or a duplicate. `store` must
 * call `stored()` once the records are durable (at once in a simulator; after an fsync in a gateway).
 */
export interface JournalSink {
  next(stationId: number): number;
  store(records: readonly CollectedRecord[], stored: () => void): void;
  /** Records the station says flash destroyed: the host records the gap and moves past it. */
  lost(stationId: number, from: number, to: number): void;
}

export type ClientEvent =
  | { readonly kind: 'established'; readonly peer: PeerInfo }
  | { readonly kind: 'status'; readonly status: MessageBody<'StatusReport'> }
  | { readonly kind: 'answer'; readonly request: string; readonly ok: boolean; readonly reason: ReasonName }
  | { readonly kind: 'refused'; readonly reason: ReasonName; readonly detail: string }
  | { readonly kind: 'collected'; readonly upTo: number };

export interface StationClientOptions {
  readonly stationId: number;
  readonly keyId: number;
  readonly keys: KeySource;
  readonly vault: CounterVault;
  readonly random: (dst: Uint8Array) => void;
  readonly hello: LocalHello;
  /** Puts frames on the wire to this station. */
  readonly write: (wire: Uint8Array) => void;
  readonly sink: JournalSink;
  /** Wall clock for TimeSync (epoch ms), when this host is a time source. */
  readonly wallClock?: () => number;
  readonly onEvent?: (e: ClientEvent) => void;
  /** How often (ms) status is polled, the clock synced, and an idle journal read (a push may have been lost). */
  readonly statusEveryMs?: number;
  readonly syncEveryMs?: number;
  readonly readEveryMs?: number;
  /** Frames per second (and at once) this host sends a station: below the station's MAC budget (20/s, 40 at once). */
  readonly pace?: { readonly perSecond: number; readonly burst: number };
}

/** Below the station's default MAC budget (DEFAULT_MAC_BUDGET: 20 a second, 40 at once), with room for its retries. */
export const DEFAULT_PACE = { perSecond: 15, burst: 30 } as const;

/** A request waiting for its Ack or Nack, by the counter of its frame. */
interface Pending {
  readonly what: string;
  readonly sentAt: number;
  readonly done?: (ok: boolean, reason: ReasonName) => void;
}

const MAX_RECORDS = 16;
const COMMIT = MESSAGES.WorkOrderCommit.type;
const TRANSFER_PARTS: ReadonlySet<number> = new Set([MESSAGES.WorkOrderBegin.type, MESSAGES.WorkOrderTerms.type, MESSAGES.WorkOrderChunk.type]);
const JOURNAL_READ = MESSAGES.JournalRead.type;

export class StationClient {
  readonly session: HostSession;
  private readonly o: StationClientOptions;
  private pending = new Map<number, Pending>();
  private lastStatus = -Infinity;
  private lastSync = -Infinity;
  private lastRead = -Infinity;
  /** A JournalRead is outstanding (one at a time), since this time. */
  private reading: number | undefined;
  /** The sink is storing records up to this sequence; the ack waits for it. */
  private storing = false;
  private now = 0;
  status: MessageBody<'StatusReport'> | undefined;

  constructor(o: StationClientOptions) {
    const s = HostSession.create({ keys: o.keys, vault: o.vault, random: o.random, hello: o.hello });
    if (!s.ok) throw new Error(`host session: ${s.detail}`); // only for invalid options, a programming error
    this.session = s.session;
    this.o = o;
  }

  get established(): boolean {
    return this.session.peer(this.o.stationId) !== undefined;
  }

  /** Bytes from the station. `nowMs`: monotonic time of the host. */
  receive(bytes: Uint8Array, nowMs: number): void {
    this.now = nowMs;
    this.depth++;
    try {
      this.session.receive(bytes, nowMs, (e) => this.onSession(e));
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  // Frames wait in an outbox: while a frame is being judged (a peer that answers at once, an in-memory link, must
  // not re-enter the session in the middle of its receive), and beyond the pace a station accepts. A station checks
  // at most so many MACs a second (its flood budget, PROTOCOL.md §3) and drops the rest unanswered, so the host
  // sends below that rate; `tick` and every receive let the outbox drain.
  private depth = 0;
  private outbox: Uint8Array[] = [];
  private tokens = -1;
  private tokensAt = 0;

  private write(wire: Uint8Array): void {
    this.outbox.push(wire);
    if (this.depth === 0) this.flush();
  }

  private flush(): void {
    const pace = this.o.pace ?? DEFAULT_PACE;
    if (this.tokens < 0) {
      this.tokens = pace.burst;
      this.tokensAt = this.now;
    }
    if (this.now > this.tokensAt) {
      this.tokens = Math.min(pace.burst, this.tokens + ((this.now - this.tokensAt) * pace.perSecond) / 1000);
      this.tokensAt = this.now;
    }
    while (this.outbox.length > 0 && this.depth === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.o.write(this.outbox.shift()!);
    }
    const due = this.syncDue;
    if (due !== undefined && this.outbox.length === 0 && this.depth === 0 && this.tokens >= 1 && this.established) {
      this.syncDue = undefined;
      this.sendSync(due);
    }
  }

  /** Frames waiting for their turn (the station's pace). */
  get queued(): number {
    return this.outbox.length;
  }

  /** The link dropped: the next frames need a new handshake (the station opens it when it reconnects). */
  reset(): void {
    this.outbox = [];
    this.session.reset(this.o.stationId);
    for (const p of this.pending.values()) p.done?.(false, 'NO_SESSION');
    this.pending.clear();
    this.pendingCommit?.done?.(false, 'NO_SESSION');
    this.pendingCommit = undefined;
    this.reading = undefined;
    const due = this.syncDue;
    this.syncDue = undefined;
    for (const d of due ?? []) d(false, 'NO_SESSION');
  }

  /** Opens a handshake from the host's side (a link that stayed up while the host restarted). */
  connect(nowMs: number): void {
    this.now = nowMs;
    const h = this.session.connect(this.o.stationId, this.o.keyId);
    if (h.ok) this.write(h.wire);
  }

  /** Time passed: queued frames go out at the station's pace; status polls, clock syncs, journal reads; requests that waited too long are given up. */
  tick(nowMs: number): void {
    this.now = nowMs;
    this.flush();
    if (!this.established) return;
    const statusEvery = this.o.statusEveryMs ?? 10_000;
    const syncEvery = this.o.syncEveryMs ?? 600_000;
    const readEvery = this.o.readEveryMs ?? 30_000;
    if (this.o.wallClock !== undefined && nowMs - this.lastSync >= syncEvery && this.syncDue === undefined) this.syncClock();
    if (nowMs - this.lastStatus >= statusEvery) {
      this.lastStatus = nowMs;
      this.send({ type: 'StatusRequest', body: {} }, 'status', false);
    }
    if (this.reading !== undefined && nowMs - this.reading > 10_000) this.reading = undefined; // a lost answer
    if (this.reading === undefined && !this.storing && nowMs - this.lastRead >= readEvery) this.read();
    for (const [c, p] of this.pending) {
      if (nowMs - p.sentAt > 30_000) {
        this.pending.delete(c);
        p.done?.(false, 'BUSY');
      }
    }
    const wo = this.pendingCommit;
    if (wo !== undefined && nowMs - wo.sentAt > 30_000) {
      this.pendingCommit = undefined;
      wo.done?.(false, 'BUSY');
    }
  }

  /**
   * Sets the station's clock to the host's wall clock. A TimeSync carries the time it was sealed at, and the station
   * takes it as the time it arrives at: one that waited in the outbox behind other frames (the station's pace) would
   * set the clock back by the wait. So it is sealed only when it can go on the wire at once; until then it is due,
   * and the flush that empties the outbox sends it.
   */
  syncClock(done?: (ok: boolean, reason: ReasonName) => void): void {
    if (this.o.wallClock === undefined) return;
    (this.syncDue ??= []).push(...(done === undefined ? [] : [done]));
    this.flush();
  }

  /** Callers waiting for a TimeSync that is due (undefined: none is due). */
  private syncDue: ((ok: boolean, reason: ReasonName) => void)[] | undefined;

  /** Seals and writes a TimeSync with the wall clock now. */
  private sendSync(done: readonly ((ok: boolean, reason: ReasonName) => void)[]): void {
    const t = this.o.wallClock?.();
    // A host without a clock has no time to give: whoever asked hears so.
    if (t === undefined) return done.forEach((d) => d(false, 'CLOCK_INVALID'));
    this.lastSync = this.now;
    this.send({ type: 'TimeSync', body: { utcTime: Math.floor(t / 1000), millis: Math.floor(t) % 1000 } }, 'time sync', true, done.length === 0 ? undefined : (ok, reason) => done.forEach((d) => d(ok, reason)));
  }

  /** Any host message the station acts on (reel records, MSD events, badges, holds, first-off results, …). */
  send(m: Message, what: string = m.type, ackRequested = true, done?: (ok: boolean, reason: ReasonName) => void): Sealed {
    const s = this.session.send(this.o.stationId, m, { ackRequested });
    if (!s.ok) {
      done?.(false, s.reason);
      return s;
    }
    if (ackRequested) this.pending.set(s.counter, { what, sentAt: this.now, ...(done === undefined ? {} : { done }) });
    this.write(s.wire);
    return s;
  }

  /** A whole work order; `done` hears the commit's Ack (applied) or Nack (refused, the old order kept). */
  sendWorkOrder(order: WorkOrder, done?: (ok: boolean, reason: ReasonName) => void): boolean {
    const w = this.session.sendWorkOrder(this.o.stationId, order, { ackRequested: true });
    if (!w.ok) {
      done?.(false, w.reason);
      return false;
    }
    // One transfer at a time: the commit's answer says whether the order became active (a refused Begin or chunk
    // makes the commit refused too, so its Nack carries the outcome).
    this.pendingCommit?.done?.(false, 'BUSY');
    this.pendingCommit = { what: `work order ${order.header.workOrderIdentifier}`, sentAt: this.now, ...(done === undefined ? {} : { done }) };
    for (const f of w.frames) this.write(f);
    return true;
  }

  private pendingCommit: Pending | undefined;

  private read(): void {
    const from = this.o.sink.next(this.o.stationId);
    this.lastRead = this.now;
    this.reading = this.now;
    this.send({ type: 'JournalRead', body: { fromSequence: from, maxRecords: MAX_RECORDS } }, 'journal read', false);
  }

  private onSession(e: SessionEvent): void {
    switch (e.kind) {
      case 'send':
        this.write(e.wire);
        return;
      case 'established':
        // A fresh session: set the clock first, sealed now and queued behind nothing older than this moment (the
        // handshake's own frames), before what the owner sends on `established`; then collect what the station holds.
        this.lastStatus = -Infinity;
        this.reading = undefined;
        const due = this.syncDue ?? [];
        this.syncDue = undefined;
        this.sendSync(due);
        this.o.onEvent?.({ kind: 'established', peer: e.peer });
        this.read();
        return;
      case 'refused':
      case 'handshake-refused':
        this.o.onEvent?.({ kind: 'refused', reason: e.reason, detail: e.kind === 'refused' ? e.detail : 'handshake refused' });
        return;
      case 'message':
        this.onMessage(e.header, e.message);
        return;
      default:
        return;
    }
  }

  private onMessage(h: FrameHeader, m: Message): void {
    switch (m.type) {
      case 'StatusReport':
        this.status = m.body;
        this.o.onEvent?.({ kind: 'status', status: m.body });
        return;
      case 'JournalRecords':
        this.onRecords(m.body);
        return;
      case 'Ack':
      case 'Nack': {
        const reason: ReasonName = m.type === 'Ack' ? 'OK' : m.body.reason;
        if (m.type === 'Nack' && m.body.ackedType === JOURNAL_READ && m.body.reason === 'JOURNAL_CORRUPT') {
          // The station's flash destroyed records from where we asked up to `detail`: note the gap, read on.
          const from = this.o.sink.next(this.o.stationId);
          this.o.sink.lost(this.o.stationId, from, m.body.detail);
          this.reading = undefined;
          this.read();
          return;
        }
        if (TRANSFER_PARTS.has(m.body.ackedType)) return; // Acks of Begin, Terms and chunks: the commit decides
        if (m.body.ackedType === COMMIT && this.pendingCommit !== undefined) {
          const p = this.pendingCommit;
          this.pendingCommit = undefined;
          p.done?.(m.type === 'Ack', reason);
          this.o.onEvent?.({ kind: 'answer', request: p.what, ok: m.type === 'Ack', reason });
          return;
        }
        const p = this.pending.get(m.body.ackedCounter);
        if (p === undefined) return;
        this.pending.delete(m.body.ackedCounter);
        p.done?.(m.type === 'Ack', reason);
        this.o.onEvent?.({ kind: 'answer', request: p.what, ok: m.type === 'Ack', reason });
        return;
      }
      default:
        void h;
        return;
    }
  }

  /** Records arrive as answers to our reads and as live pushes: keep the contiguous ones, ask again after a gap. */
  private onRecords(b: MessageBody<'JournalRecords'>): void {
    const id = this.o.stationId;
    if (this.storing) return; // the next read after the store asks for anything this batch had
    let want = this.o.sink.next(id);
    const take: CollectedRecord[] = [];
    let gap = false;
    for (const r of b.records) {
      if (r.sequence < want) continue; // already held: a duplicate push or an overlapping read
      if (r.sequence > want) {
        gap = true;
        break;
      }
      take.push({ stationId: id, seq: r.sequence, at: r.at, recordType: r.recordType, data: r.data });
      want++;
    }
    const answered = this.reading !== undefined;
    if (answered) this.reading = undefined;
    if (take.length === 0) {
      if (gap || b.moreAvailable) this.read();
      return;
    }
    this.storing = true;
    const upTo = take[take.length - 1]!.seq;
    this.o.sink.store(take, () => {
      this.storing = false;
      this.send({ type: 'JournalAck', body: { upToSequence: upTo } }, 'journal ack', true);
      this.o.onEvent?.({ kind: 'collected', upTo });
      if (gap || b.moreAvailable || (answered && b.records.length >= MAX_RECORDS)) this.read();
    });
  }
}
