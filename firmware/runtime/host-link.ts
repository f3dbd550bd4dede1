// The station end of the host link: one per byte stream to the host (a TCP connection or the serial host link).
// It runs the protocol's StationSession (handshake, keys, counters, replay, work-order transfers) and turns what
// the host says into station inputs; it answers status and journal requests itself, and pushes every record the
// station journals while the session is up (the journal stays the reliable path: the host reads from its last
// acknowledged sequence after any gap). Counters are reserved ahead in the state store, so a reboot never reuses
// one, and every link of a station shares its counters and its MAC budget. Without a provisioned secret every frame
// is refused (the session has no key).
import { encodePayload } from '../../protocol/src/frame';
import { Keyring } from '../../protocol/src/keys';
import { MAX_PAYLOAD } from '../../protocol/src/limits';
import { MESSAGES, type Message, type MessageBody } from '../../protocol/src/messages';
import { CAPABILITIES } from '../../protocol/src/vocabulary';
import { StationSession } from '../../protocol/src/station-session';
import type { SessionEvent } from '../../protocol/src/session';
import type { FrameHeader } from '../../protocol/src/frame';
import type { HostMessage, HostMessageName } from '../core/station/types';
import { NO_TERMS } from '../core/station/types';
import type { ByteStream, StreamCallbacks } from '../platform/hal';
import type { Station, StationEvent } from './station';

/** Host messages the station core acts on; everything else is the link's own business or refused. */
const CORE: ReadonlySet<string> = new Set<HostMessageName>([
  'TimeSync', 'ClearWorkOrder', 'ReelRecord', 'MsdEvent', 'MsdDisposition', 'MslTableLoad', 'FirstOffResult', 'FirstOffRestart',
  'OperatorLogin', 'OperatorLogout', 'OverrideGrant', 'StationHold', 'BadgeRecord', 'ManualLotEntry', 'LabelLayoutLoad', 'LabelLayoutRemove',
]);

/** A Hello without an answer is sent again after this long (ms). */
export const HELLO_RETRY_MS = 5_000;
/** Records per JournalRecords frame, at most (the schema's limit). */
const MAX_RECORDS_PER_FRAME = 16;

export interface HostLinkStats {
  readonly established: number;
  readonly refused: number;
  readonly pushed: number;
}

export class HostLink {
  private readonly session: StationSession | undefined;
  private readonly unsubscribe: () => void;
  private queue: { seq: number; at: number; message: Message }[] = [];
  private helloAt = -Infinity;
  private closed = false;
  stats = { established: 0, refused: 0, pushed: 0 };
  /** Why the link cannot authenticate anything (no secret provisioned), if so. */
  readonly unusable: string | undefined;

  constructor(
    private readonly station: Station,
    private readonly stream: ByteStream,
    private readonly onEstablished: (link: HostLink) => void = () => {},
  ) {
    const c = station.config;
    const secret = station.secret();
    const keys = new Keyring(1);
    let unusable: string | undefined = secret === undefined ? 'no secret is provisioned: the station refuses every host frame' : undefined;
    if (secret !== undefined) {
      const k = keys.install(c.stationId, c.keyId, secret);
      if (!k.ok) unusable = `the provisioned secret is unusable: ${k.detail}`;
    }
    const js = station.journalRef?.status();
    const s = StationSession.create({
      stationId: c.stationId,
      keyId: c.keyId,
      keys,
      // Shared with every other link of this station: a new connection brings no new checks, and continues the
      // counter block already reserved instead of writing a new one to the store.
      vault: station.sendCounters.vault,
      counters: station.sendCounters,
      peers: station.peerCounters,
      random: station.random,
      macBudget: station.macBudget,
      hello: {
        softwareVersion: station.firmwareVersion,
        role: c.role,
        capabilities: CAPABILITIES.filter((x) => x !== 'modbus-rtu' || c['modbus.rtuBaud'] > 0),
        maxFrameBytes: 512,
        maxSlots: c.maxSlots,
        maxReels: c['setup.maxReelRecords'],
        journalCapacity: Math.min(0xffffffff, js?.capacityRecords ?? 0),
      },
    });
    this.session = s.ok ? s.session : undefined;
    this.unusable = unusable ?? (s.ok ? undefined : s.detail);
    this.unsubscribe = station.subscribe((e) => this.onStation(e));
  }

  /** The callbacks for the stream this link runs on. */
  callbacks(): StreamCallbacks {
    return { onData: (bytes) => this.receive(bytes), onClose: () => this.close() };
  }

  get established(): boolean {
    return this.session?.peer !== undefined;
  }

  /** Opens the session (the station speaks first after connecting), and again when a Hello went unanswered. */
  connect(): void {
    if (this.session === undefined || this.unusable !== undefined || this.closed) return;
    const h = this.session.connect();
    this.helloAt = this.station.monotonicMs();
    if (h.ok) this.write(h.wire);
  }

  /** Time passed: retry an unanswered Hello. */
  tick(): void {
    if (this.session === undefined || this.closed || this.established) return;
    if (this.station.monotonicMs() - this.helloAt >= HELLO_RETRY_MS) this.connect();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.session?.reset();
    this.unsubscribe();
    this.stream.close();
  }

  // Frames made while a frame is being judged wait until it is done: a host that answers at once (an in-memory
  // link) must not re-enter the session in the middle of its receive.
  private depth = 0;
  private outbox: Uint8Array[] = [];

  private write(wire: Uint8Array): void {
    if (this.closed) return;
    if (this.depth > 0) this.outbox.push(wire);
    else this.stream.write(wire);
  }

  private receive(bytes: Uint8Array): void {
    const s = this.session;
    if (s === undefined || this.closed) return;
    this.depth++;
    try {
      s.receive(bytes, this.station.monotonicMs(), (e) => this.onSession(e));
    } finally {
      this.depth--;
      while (this.depth === 0 && this.outbox.length > 0 && !this.closed) this.stream.write(this.outbox.shift()!);
    }
  }

  private onSession(e: SessionEvent): void {
    const s = this.session!;
    switch (e.kind) {
      case 'send':
        this.write(e.wire);
        return;
      case 'established':
        this.stats.established++;
        this.station.hostSeen();
        this.onEstablished(this);
        return;
      case 'refused':
      case 'handshake-refused':
        this.stats.refused++;
        return;
      case 'ended':
      case 'transfer':
        this.station.hostSeen();
        return;
      case 'work-order': {
        this.station.hostSeen();
        const order = e.order;
        const digest = e.message.type === 'WorkOrderCommit' ? e.message.body.digest : 0;
        const r = this.station.input({ kind: 'work-order', order, terms: order.terms ?? NO_TERMS, digest });
        this.answer(e.header, r.ok, r.reason);
        return;
      }
      case 'message':
        this.station.hostSeen();
        this.onMessage(s, e.header, e.message);
        return;
    }
  }

  private answer(h: FrameHeader, ok: boolean, reason: string): void {
    const s = this.session!;
    // A refusal is always said (nothing changed); an acceptance only when asked for.
    if (ok && !h.ackRequested) return;
    const r = ok ? s.ack(h) : s.nack(h, reason === 'OK' ? 'INTERNAL_ERROR' : (reason as never));
    if (r.ok) this.write(r.wire);
  }

  private send(m: Message): void {
    const r = this.session?.send(m);
    if (r !== undefined && r.ok) this.write(r.wire);
  }

  private onMessage(s: StationSession, h: FrameHeader, m: Message): void {
    switch (m.type) {
      case 'StatusRequest':
        this.send({ type: 'StatusReport', body: this.statusReport() });
        return;
      case 'JournalRead':
        this.sendJournal(m.body.fromSequence, Math.max(1, Math.min(m.body.maxRecords, MAX_RECORDS_PER_FRAME)), h);
        return;
      case 'JournalAck': {
        const r = this.station.ackJournal(m.body.upToSequence);
        this.answer(h, r.ok, r.ok ? 'OK' : r.reason);
        return;
      }
      case 'Ack':
      case 'Nack':
        return;
      default:
        if (CORE.has(m.type)) {
          const r = this.station.input({ kind: 'host', message: m as HostMessage });
          this.answer(h, r.ok, r.reason);
          return;
        }
        this.answer(h, false, 'UNEXPECTED_MESSAGE');
        void s;
    }
  }

  private statusReport(): MessageBody<'StatusReport'> {
    const v = this.station.view();
    const js = this.station.journalRef?.status();
    return {
      at: Math.floor(this.station.now() / 1000),
      clockValid: v.clockValid,
      runPermit: v.runPermit,
      reasons: v.reasons.slice(0, 16),
      ...(v.workOrder === undefined ? {} : { workOrderIdentifier: v.workOrder.identifier }),
      slotsTotal: v.slotsRequired,
      slotsVerified: v.slotsVerified,
      journalPending: v.journalPending,
      journalFreeRecords: js?.freeRecords ?? 0,
      uptime: v.uptimeS,
      bootCount: this.station.boot?.bootCount ?? 0,
    };
  }

  /** One JournalRecords frame from `from` on, as many records as fit; lost ranges end the frame (the host asks again). */
  private sendJournal(from: number, max: number, h: FrameHeader): void {
    const records: MessageBody<'JournalRecords'>['records'] = [];
    let more = false;
    let lost: { from: number; to: number } | undefined;
    const why = this.station.readJournal(from, max + 1, (item) => {
      if (item.kind === 'lost') {
        lost = { from: item.from, to: item.to };
        return false;
      }
      if (records.length >= max) {
        more = true;
        return false;
      }
      const rec = { sequence: item.seq, at: Math.floor(item.at / 1000), recordType: item.type, data: item.payload.slice() };
      const trial = encodePayload({ type: 'JournalRecords', body: { records: [...records, rec], moreAvailable: true } });
      if (!trial.ok || trial.payload.length > MAX_PAYLOAD) {
        more = true;
        return false;
      }
      records.push(rec);
      return true;
    });
    if (why !== 'OK' && records.length === 0) {
      this.answer(h, false, why);
      return;
    }
    if (lost !== undefined && records.length === 0) {
      // Flash destroyed these records: say so, so the host can record the gap rather than wait for them.
      const r = this.session!.nack(h, 'JOURNAL_CORRUPT', lost.to);
      if (r.ok) this.write(r.wire);
      return;
    }
    this.send({ type: 'JournalRecords', body: { records, moreAvailable: more || lost !== undefined } });
  }

  private onStation(e: StationEvent): void {
    if (e.kind === 'record') this.queue.push({ seq: e.seq, at: this.station.now(), message: e.message });
    // The end of an input: push what it journaled, if the session is up.
    if (e.kind === 'reply' && this.queue.length > 0) {
      const q = this.queue;
      this.queue = [];
      if (!this.established) return;
      while (q.length > 0) {
        const batch: MessageBody<'JournalRecords'>['records'] = [];
        while (q.length > 0 && batch.length < MAX_RECORDS_PER_FRAME) {
          const x = q[0]!;
          const p = encodePayload(x.message);
          if (!p.ok) {
            q.shift();
            continue;
          }
          const rec = { sequence: x.seq, at: Math.floor(x.at / 1000), recordType: messageType(x.message), data: p.payload };
          const trial = encodePayload({ type: 'JournalRecords', body: { records: [...batch, rec], moreAvailable: false } });
          if (!trial.ok && batch.length > 0) break;
          batch.push(rec);
          q.shift();
        }
        if (batch.length === 0) break;
        this.send({ type: 'JournalRecords', body: { records: batch, moreAvailable: false } });
        this.stats.pushed += batch.length;
      }
    }
  }
}

function messageType(m: Message): number {
  return MESSAGES[m.type].type;
}
