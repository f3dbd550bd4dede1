// The simulated MES: the host end of every station's link, through the one StationClient the gateway uses too. It
// keeps each station provisioned (badges, reel records of the reels issued to it, its work order, MSD events from
// dry cabinets and ovens, holds), collects every journal into a durable sink before acknowledging it, answers
// first-off inspections and override requests it reads in the collected journals, and can go down for an outage
// (its database survives: the sink, the counters and what it still has to send).
import { decodePayload } from '../../protocol/src/frame';
import { Keyring } from '../../protocol/src/keys';
import { MemoryCounterVault } from '../../protocol/src/counters';
import type { Message, MessageBody } from '../../protocol/src/messages';
import type { ReasonName } from '../../protocol/src/reasons';
import type { ByteStream, StreamCallbacks } from '../../firmware/platform/hal';
import { MemorySink } from '../host/memory-sink';
import { StationClient, type CollectedRecord } from '../host/station-client';
import type { WorkOrderDoc } from '../host/work-order-doc';
import type { Random } from './random';
import type { Timeline } from './timeline';

/** How the MES reaches a station's host port. */
export interface HostNet {
  connect(stationId: number, callbacks: StreamCallbacks): ByteStream | undefined;
}

export interface MesOptions {
  readonly timeline: Timeline;
  readonly net: HostNet;
  readonly random: Random;
  /** Epoch ms at line time 0: the MES is the line's time source. */
  readonly startEpochMs: number;
  readonly secretOf: (stationId: number) => Uint8Array;
  readonly stations: readonly number[];
  /** What the MES does with each record it collected (first-off requests, override requests, …). */
  readonly onRecord: (stationId: number, seq: number, m: Message) => void;
}

type Send =
  | { readonly kind: 'message'; readonly message: Message; readonly what: string; readonly done?: (ok: boolean, reason: ReasonName) => void }
  | { readonly kind: 'order'; readonly doc: WorkOrderDoc; readonly done?: (ok: boolean, reason: ReasonName) => void };

interface Conn {
  readonly stationId: number;
  client: StationClient | undefined;
  stream: ByteStream | undefined;
  /** To send, in order, whenever a session is up. */
  readonly outbox: Send[];
  /** Requests on the wire, waiting for their answer (put back in the outbox if the session drops). */
  inFlight: Send[];
  collectedUpTo: number;
  status: MessageBody<'StatusReport'> | undefined;
  sessions: number;
}

export interface MesStats {
  sent: number;
  acked: number;
  refused: Record<string, number>;
  sessions: number;
  outages: number;
  recordsCollected: number;
}

export class Mes {
  readonly sink = new MemorySink();
  private readonly vaults = new Map<number, MemoryCounterVault>();
  private readonly conns = new Map<number, Conn>();
  up = true;
  readonly stats: MesStats = { sent: 0, acked: 0, refused: {}, sessions: 0, outages: 0, recordsCollected: 0 };
  /** Every work-order document the MES sent, in order (the --out directory's host/work-orders). */
  readonly docsSent: WorkOrderDoc[] = [];

  constructor(private readonly o: MesOptions) {
    for (const id of o.stations) {
      this.vaults.set(id, new MemoryCounterVault());
      this.conns.set(id, { stationId: id, client: undefined, stream: undefined, outbox: [], inFlight: [], collectedUpTo: 0, status: undefined, sessions: 0 });
    }
  }

  private get now(): number {
    return this.o.timeline.now;
  }

  wallClock(): number {
    return this.o.startEpochMs + this.now;
  }

  /** Periodic work: reconnect what is down, let every client poll, sync and collect. */
  tick(): void {
    if (!this.up) return;
    for (const c of this.conns.values()) {
      if (c.stream === undefined) this.connect(c);
      else {
        c.client?.tick(this.now);
        this.flush(c);
      }
    }
  }

  /** The latest StatusReport a station sent. */
  statusOf(stationId: number): MessageBody<'StatusReport'> | undefined {
    return this.conns.get(stationId)?.status;
  }

  established(stationId: number): boolean {
    return this.up && this.conns.get(stationId)?.client?.established === true;
  }

  /** Queues a host message for a station; sent (again after a dropped session) until answered. */
  send(stationId: number, message: Message, done?: (ok: boolean, reason: ReasonName) => void): void {
    const c = this.conns.get(stationId);
    if (c === undefined) return;
    c.outbox.push({ kind: 'message', message, what: message.type, ...(done === undefined ? {} : { done }) });
    this.flush(c);
  }

  sendOrder(stationId: number, doc: WorkOrderDoc, done?: (ok: boolean, reason: ReasonName) => void): void {
    const c = this.conns.get(stationId);
    if (c === undefined) return;
    c.outbox.push({ kind: 'order', doc, ...(done === undefined ? {} : { done }) });
    this.flush(c);
  }

  /** The MES goes down: every session ends; what it still has to send stays in its database. */
  goDown(): void {
    if (!this.up) return;
    this.up = false;
    this.stats.outages++;
    for (const c of this.conns.values()) this.drop(c, true);
  }

  comeBack(): void {
    this.up = true;
    this.tick();
  }

  private connect(c: Conn): void {
    const id = c.stationId;
    const keys = new Keyring(1);
    keys.install(id, 1, this.o.secretOf(id));
    const client = new StationClient({
      stationId: id,
      keyId: 1,
      keys,
      vault: this.vaults.get(id)!,
      random: (dst) => this.o.random.bytes(dst),
      hello: { softwareVersion: 'warden-sim-mes 1.0', role: 'other', capabilities: ['journal'], maxFrameBytes: 512, maxSlots: 0, maxReels: 0, journalCapacity: 0 },
      write: (wire) => {
        c.stream?.write(wire);
      },
      sink: this.sink,
      wallClock: () => this.wallClock(),
      statusEveryMs: 60_000,
      readEveryMs: 120_000,
      syncEveryMs: 600_000,
      onEvent: (e) => {
        switch (e.kind) {
          case 'established':
            c.sessions++;
            this.stats.sessions++;
            this.flush(c);
            return;
          case 'status':
            c.status = e.status;
            return;
          case 'collected':
            this.collected(c, e.upTo);
            return;
          default:
            return;
        }
      },
    });
    const stream = this.o.net.connect(id, {
      onData: (bytes) => {
        if (c.client === client) client.receive(bytes, this.now);
      },
      onClose: () => {
        if (c.client === client) this.drop(c, false);
      },
    });
    if (stream === undefined) return; // the station is not listening (off): try again on a later tick
    c.client = client;
    c.stream = stream;
  }

  private drop(c: Conn, close: boolean): void {
    const stream = c.stream;
    c.stream = undefined;
    const client = c.client;
    c.client = undefined;
    // Requests without an answer go back to the front of the outbox, in their order.
    c.outbox.unshift(...c.inFlight);
    c.inFlight = [];
    client?.reset();
    if (close) stream?.close();
  }

  private flush(c: Conn): void {
    const client = c.client;
    if (!this.up || client === undefined || !client.established) return;
    while (c.outbox.length > 0) {
      // One work-order transfer at a time (a second would cancel the first); what follows it waits its turn.
      if (c.outbox[0]!.kind === 'order' && c.inFlight.some((x) => x.kind === 'order')) return;
      const s = c.outbox.shift()!;
      c.inFlight.push(s);
      this.stats.sent++;
      const answered = (ok: boolean, reason: ReasonName): void => {
        const i = c.inFlight.indexOf(s);
        if (i < 0) return; // already put back by a dropped session
        c.inFlight.splice(i, 1);
        if (!ok && (reason === 'NO_SESSION' || reason === 'BUSY')) {
          // Not answered by the station: send it again with the next session.
          c.outbox.unshift(s);
          return;
        }
        if (ok) this.stats.acked++;
        else {
          const k = `${s.kind === 'order' ? 'WorkOrder' : s.what}:${reason}`;
          this.stats.refused[k] = (this.stats.refused[k] ?? 0) + 1;
        }
        s.done?.(ok, reason);
        if (s.kind === 'order') this.flush(c);
      };
      if (s.kind === 'order') {
        this.docsSent.push(s.doc);
        client.sendWorkOrder({ ...s.doc.workOrder, terms: s.doc.terms }, answered);
      } else {
        client.send(s.message, s.what, true, answered);
      }
    }
  }

  /** Records the sink now holds up to `upTo`: decode the new ones and let the line's MES logic see them. */
  private collected(c: Conn, upTo: number): void {
    const list = this.sink.records.get(c.stationId) ?? [];
    // The sink appends in sequence order: the new records are at its end.
    let i = list.length;
    while (i > 0 && list[i - 1]!.seq > c.collectedUpTo) i--;
    const from = c.collectedUpTo;
    c.collectedUpTo = Math.max(c.collectedUpTo, upTo);
    for (; i < list.length && list[i]!.seq <= upTo; i++) {
      const r = list[i]!;
      if (r.seq <= from) continue;
      this.stats.recordsCollected++;
      const m = decodeRecord(r);
      if (m !== undefined) this.o.onRecord(c.stationId, r.seq, m);
    }
  }
}

export function decodeRecord(r: CollectedRecord): Message | undefined {
  const d = decodePayload(r.recordType, r.data);
  return d.ok ? d.message : undefined;
}
