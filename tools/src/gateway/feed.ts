// From the store to the broker, one station at a time: the station's durable records are read in journal order,
// decoded, and given to its CFX mapping (tools/src/cfx/), which returns the CFX messages each record stands for.
// Those are queued for the publisher; when the broker has accepted every message of a record (and of every record
// before it) the record's sequence becomes the station's publishing watermark. After a restart the whole history
// is replayed through a fresh mapping (its state is what earlier records said), and only what lies above the
// watermark is published again: the same records give the same messages under the same UniqueIDs, so a consumer
// that drops duplicates by UniqueID sees each message once. Memory is bounded by the window, not the backlog.
import { decodePayload } from '../../../protocol/src/frame';
import type { JournalEntry } from '../../../firmware/core/trace/replay';
import type { GatewayStore, StoreReader } from './store';

/** A CFX message in CFX's own envelope, as the mapping makes it. */
export interface CfxEnvelopeLike {
  readonly MessageName: string;
  readonly Version: string;
  readonly TimeStamp: string;
  readonly UniqueID: string;
  readonly Source: string;
  readonly Target: string | null;
  readonly RequestID: string | null;
  readonly MessageBody: { readonly $type: string };
}

/** The per-station CFX mapping: records in journal order in, CFX messages out. */
export interface CfxMapper {
  push(e: JournalEntry): readonly CfxEnvelopeLike[];
}

/** One message waiting for the broker. */
export interface Outgoing {
  readonly stationId: number;
  readonly seq: number;
  readonly envelope: CfxEnvelopeLike;
  /** The JSON text published (UTF-8 in the AMQP data section). */
  readonly json: string;
  /** When the gateway made it (ms), for latency figures. */
  readonly madeAt: number;
  sent: boolean;
  accepted: boolean;
  /** Not offered again before this (monotonic ms): a message the broker rejected waits a little. */
  notBefore: number;
}

interface Pending {
  readonly seq: number;
  outstanding: number;
}

export interface FeedStats {
  /** Records read from the store and mapped (including those replayed at start). */
  readonly mapped: number;
  /** Records that did not decode (a newer firmware's record type): kept in the store, with no CFX message. */
  readonly undecodable: number;
  readonly published: number;
  readonly queued: number;
}

export class CfxFeed {
  private readonly reader: StoreReader;
  /** Messages in order: sent or not, until accepted. */
  private readonly out: Outgoing[] = [];
  /** Records whose messages are not all accepted yet, in order. */
  private readonly records: Pending[] = [];
  private watermark: number;
  private mappedCount = 0;
  private undecodableCount = 0;
  private publishedCount = 0;

  constructor(
    readonly stationId: number,
    private readonly store: GatewayStore,
    private readonly mapper: CfxMapper,
    private readonly window: number,
    private readonly now: () => number,
    /** Sees every decoded record, replayed ones too (the gateway's picture of each station). */
    private readonly observe: (e: JournalEntry) => void = () => {},
  ) {
    this.reader = store.reader(stationId);
    this.watermark = store.publishedUpTo(stationId);
  }

  /** Takes in what the store made durable since, up to the window. */
  fill(): void {
    // Bounded by the window: messages waiting, and records waiting behind them.
    while (this.out.length < this.window && this.records.length < 4 * this.window) {
      const it = this.reader.next();
      if (it === undefined) return;
      if (it.kind === 'gap') continue; // the station lost these; the store recorded the gap
      this.mappedCount++;
      const d = decodePayload(it.recordType, it.data);
      let envelopes: readonly CfxEnvelopeLike[] = [];
      if (!d.ok) this.undecodableCount++;
      else {
        const e: JournalEntry = { seq: it.seq, at: it.at * 1000, message: d.message };
        this.observe(e);
        envelopes = this.mapper.push(e);
      }
      if (it.seq <= this.watermark) continue; // confirmed before a restart: mapped for its state only
      const p: Pending = { seq: it.seq, outstanding: envelopes.length };
      this.records.push(p);
      const madeAt = this.now();
      for (const env of envelopes) this.out.push({ stationId: this.stationId, seq: it.seq, envelope: env, json: JSON.stringify(env), madeAt, sent: false, accepted: false, notBefore: 0 });
      this.settle();
    }
  }

  /** The next message not yet sent, if any. Order matters: nothing overtakes a message that waits. */
  nextUnsent(now: number): Outgoing | undefined {
    const o = this.out.find((x) => !x.sent && !x.accepted);
    return o === undefined || o.notBefore > now ? undefined : o;
  }

  /** The broker accepted `o`. */
  accepted(o: Outgoing): void {
    if (o.accepted) return;
    o.accepted = true;
    this.publishedCount++;
    const p = this.records.find((r) => r.seq === o.seq);
    if (p !== undefined) p.outstanding--;
    while (this.out.length > 0 && this.out[0]!.accepted) this.out.shift();
    this.settle();
    this.fill();
  }

  /** The link to the broker went down, or it released a message: everything not accepted is sent again, in order. */
  unsendAll(): void {
    for (const o of this.out) if (!o.accepted) o.sent = false;
  }

  private settle(): void {
    let upTo = 0;
    while (this.records.length > 0 && this.records[0]!.outstanding === 0) upTo = this.records.shift()!.seq;
    if (upTo > this.watermark) {
      this.watermark = upTo;
      this.store.setPublished(this.stationId, upTo);
    }
  }

  /** The last record whose messages were all accepted. */
  get publishedUpTo(): number {
    return this.watermark;
  }

  /** Messages made and not yet accepted. */
  get backlog(): number {
    return this.out.length;
  }

  stats(): FeedStats {
    return { mapped: this.mappedCount, undecodable: this.undecodableCount, published: this.publishedCount, queued: this.out.length };
  }
}
