// The line gateway: the host of a line's stations and their hand-off to the MES. For each station a link
// (station-link.ts) collects the journal into the gateway's store (store.ts, durable before acknowledged) and a
// feed (feed.ts) turns the stored records into CFX messages, which the broker connection (amqp.ts) publishes until
// the broker accepts them. Requests from the broker become station commands that can only take permission away
// (requests.ts); work orders and host messages come from documents (documents.ts). `status()` is the picture the
// status page and `warden gateway status` show.
import { randomUUID } from 'node:crypto';
import type { KeySource } from '../../../protocol/src/keys';
import type { MessageBody } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import { utf8Decode, utf8Encode } from '../../../protocol/src/utf8';
import type { JournalEntry } from '../../../firmware/core/trace/replay';
import { parseWorkOrderDoc, type WorkOrderDoc } from '../../../host-sim/host/work-order-doc';
import type { DocFile } from '../trace/input';
import { matchDoc } from '../trace/model';
import { Broker, type IncomingRequest } from './amqp';
import type { GatewayConfig, StationEntry } from './config';
import type { Disk } from './disk';
import { targetsOf, type PushDocument } from './documents';
import { CfxFeed, type CfxEnvelopeLike, type CfxMapper, type Outgoing } from './feed';
import { MES_REQUESTOR, planRequest, type CommandResult, type RequestStation } from './requests';
import { nodeConnect, StationLink, type Connect, type LinkState } from './station-link';
import { errText, GatewayStore } from './store';

export interface MapperContext {
  readonly stationId: number;
  readonly source: string;
  readonly lane: number;
  readonly doc: (order: MessageBody<'WorkOrderActivated'>) => WorkOrderDoc | undefined;
}
export type MapperFactory = (ctx: MapperContext) => CfxMapper;

export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly keys: KeySource;
  readonly brokerPassword?: string | undefined;
  readonly disk: Disk;
  readonly mapper: MapperFactory;
  readonly connect?: Connect;
  readonly monotonic?: () => number;
  readonly wallClock?: () => number;
  /** How often links are ticked and documents retried (ms). */
  readonly tickMs?: number;
  readonly softwareVersion?: string;
  /** The store failed: the gateway has stopped acknowledging; the process should exit and be restarted. */
  readonly onFatal?: (reason: ReasonName, detail: string) => void;
  /** Lines for the operator's log (never a key). */
  readonly log?: (line: string) => void;
  /** Every message the broker accepted (tests, benches). */
  readonly onPublished?: (o: Outgoing) => void;
  /** How long a new publishing watermark may wait before it is written (ms, default 500). */
  readonly publishedFlushMs?: number;
  /** How long a message the broker rejected waits before it is offered again (ms, default 5000). */
  readonly rejectedRetryMs?: number;
  /** The AMQP idle time-out asked of the broker (ms, default 30 000). */
  readonly brokerIdleMs?: number;
}

export interface StationStatus {
  readonly id: number;
  readonly name: string;
  readonly handle: string;
  readonly address: string;
  readonly link: LinkState;
  readonly linkSince: string;
  readonly lastError: string | null;
  readonly sessions: number;
  /** From the station's last StatusReport (null before the first). */
  readonly permit: boolean | null;
  readonly reasons: readonly string[];
  readonly workOrder: string | null;
  readonly recipe: { readonly name: string; readonly revision: string } | null;
  readonly hold: 'mes' | 'other' | null;
  readonly clock: { readonly valid: boolean; readonly offsetS: number | null } | null;
  readonly statusAt: string | null;
  readonly journal: {
    /** Records the station holds that it has not had acknowledged (its last StatusReport). */
    readonly stationPending: number | null;
    /** The last sequence the gateway holds durably. */
    readonly stored: number;
    /** The last record whose CFX messages the broker accepted. */
    readonly published: number;
    /** CFX messages made and not yet accepted. */
    readonly unpublished: number;
    readonly undecodable: number;
  };
}

export interface GatewayStatus {
  readonly at: string;
  readonly line: string;
  readonly handle: string;
  readonly pid: number;
  readonly broker: { readonly up: boolean; readonly url: string; readonly address: string; readonly connects: number; readonly lastError: string | null; readonly published: number; readonly retried: number; readonly rejected: number };
  readonly store: { readonly bytes: number; readonly maxBytes: number; readonly full: string | null; readonly failure: string | null };
  readonly latencyMs: { readonly count: number; readonly mean: number | null; readonly max: number | null };
  readonly documents: { readonly pending: number; readonly delivered: number };
  readonly requests: { readonly answered: number; readonly refused: number };
  readonly stations: readonly StationStatus[];
}

interface Picture {
  recipe: { name: string; revision: string; workOrder: string } | undefined;
  hold: 'mes' | 'other' | undefined;
}

interface Delivery {
  readonly document: PushDocument;
  readonly results: Map<number, { ok: boolean; reason: ReasonName; detail: string } | 'sending'>;
  readonly done: (results: ReadonlyMap<number, { ok: boolean; reason: ReasonName; detail: string }>) => void;
}

const MAX_DOCS = 256;
const RETRY_REJECTED_MS = 5_000;

export class Gateway {
  readonly store: GatewayStore;
  readonly links = new Map<number, StationLink>();
  private readonly feeds: CfxFeed[] = [];
  private readonly pictures = new Map<number, Picture>();
  private readonly docs: DocFile[] = [];
  private readonly broker: Broker;
  private readonly deliveries: Delivery[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private rr = 0;
  private pumping = false;
  private pumpQueued = false;
  private stopped = true;
  private counts = { published: 0, rejected: 0, retried: 0, answered: 0, refused: 0, delivered: 0, latencyN: 0, latencySum: 0, latencyMax: 0 };
  private readonly monotonic: () => number;
  private readonly wallClock: () => number;

  private constructor(
    private readonly d: GatewayDeps,
    store: GatewayStore,
  ) {
    this.store = store;
    const c = d.config;
    const t0 = performance.now();
    this.monotonic = d.monotonic ?? (() => performance.now() - t0);
    this.wallClock = d.wallClock ?? Date.now;
    this.loadDocs();
    for (const s of c.stations) {
      this.pictures.set(s.id, { recipe: undefined, hold: undefined });
      this.links.set(
        s.id,
        new StationLink({
          entry: s,
          keys: d.keys,
          vault: store.vault(),
          sink: store,
          connect: d.connect ?? nodeConnect,
          monotonic: this.monotonic,
          wallClock: this.wallClock,
          poll: c.poll,
          reconnect: c.reconnect,
          softwareVersion: d.softwareVersion ?? 'warden-gateway 1',
          onEvent: (e) => {
            if (e.kind === 'established') this.log(`station ${s.id}: session established`);
            if (e.kind === 'refused') this.log(`station ${s.id}: refused a frame: ${e.reason}`);
          },
        }),
      );
      const mapper = d.mapper({ stationId: s.id, source: s.handle, lane: s.lane, doc: (o) => this.docFor(s.id, o) });
      this.feeds.push(new CfxFeed(s.id, store, mapper, c.broker.window, this.monotonic, (e) => this.observe(s.id, e)));
    }
    store.onDurable = (id) => {
      this.feeds.find((f) => f.stationId === id)?.fill();
      this.pump();
    };
    this.broker = new Broker(
      { host: c.broker.host, port: c.broker.port, username: c.broker.username, password: d.brokerPassword, tls: c.broker.tls, address: c.broker.address, requests: c.broker.requests, reconnect: c.reconnect, containerId: c.cfx.handle, ...(d.brokerIdleMs === undefined ? {} : { idleTimeoutMs: d.brokerIdleMs }) },
      {
        onRequest: (req, answer) => this.onRequest(req, answer),
        onState: (up, detail) => {
          this.log(`broker ${up ? 'up' : 'down'}: ${detail}`);
          if (!up) for (const f of this.feeds) f.unsendAll();
          else this.pump();
        },
        onSendable: () => this.pump(),
      },
    );
  }

  /** Opens the store (recovering a torn last write) and builds the gateway; nothing runs until `start`. */
  static open(d: GatewayDeps): { readonly ok: true; readonly gateway: Gateway; readonly repaired: readonly string[] } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string } {
    let g: Gateway | undefined;
    const s = GatewayStore.open(d.disk, {
      maxBytes: d.config.store.maxBytes,
      ...(d.publishedFlushMs === undefined ? {} : { publishedFlushMs: d.publishedFlushMs }),
      onFailure: (reason, detail) => {
        g?.log(`store failed: ${reason}: ${detail}`);
        void g?.halt();
        d.onFatal?.(reason, detail);
      },
    });
    if (!s.ok) return s;
    g = new Gateway(d, s.store);
    return { ok: true, gateway: g, repaired: s.repaired };
  }

  private log(line: string): void {
    this.d.log?.(line);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    // Replays each station's history through its mapping (up to the window above the watermark).
    for (const f of this.feeds) f.fill();
    for (const l of this.links.values()) l.start();
    this.broker.start();
    this.timer = setInterval(() => this.tick(), this.d.tickMs ?? 1000);
    this.timer.unref?.();
  }

  private tick(): void {
    for (const l of this.links.values()) l.tick();
    for (const x of [...this.deliveries]) this.tryDeliver(x);
    this.pump();
  }

  /** Stops at once: links closed, nothing more stored; what is durable stays (the same as a crash, minus the crash). */
  private async halt(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const l of this.links.values()) l.stop();
    this.stopped = true;
    await this.broker.stop();
  }

  async stop(): Promise<void> {
    await this.halt();
    this.store.close();
  }

  /** As if the process were killed: everything stops, nothing more is written or flushed (tests). */
  crash(): void {
    this.store.failure ??= { reason: 'INTERNAL_ERROR', detail: 'killed' };
    void this.halt();
  }

  // ---- publishing -----------------------------------------------------------------------------------------------

  private pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      let idle = 0;
      const now = this.monotonic();
      while (this.broker.canSend() && idle < this.feeds.length) {
        const f = this.feeds[this.rr++ % this.feeds.length]!;
        const o = f.nextUnsent(now);
        if (o === undefined) {
          idle++;
          continue;
        }
        idle = 0;
        o.sent = true;
        if (!this.broker.send(o.envelope, o.json, (out) => this.outcome(f, o, out))) o.sent = false;
      }
    } finally {
      this.pumping = false;
    }
  }

  private outcome(f: CfxFeed, o: Outgoing, out: { kind: 'accepted' } | { kind: 'retry' | 'rejected'; detail: string }): void {
    if (out.kind === 'accepted') {
      const ms = this.monotonic() - o.madeAt;
      this.counts.published++;
      this.counts.latencyN++;
      this.counts.latencySum += ms;
      this.counts.latencyMax = Math.max(this.counts.latencyMax, ms);
      f.accepted(o);
      this.d.onPublished?.(o);
    } else {
      o.sent = false;
      this.counts.retried++;
      if (out.kind === 'rejected') {
        // Never dropped: it waits and is offered again; the status says why the station's feed is stuck.
        this.counts.rejected++;
        o.notBefore = this.monotonic() + (this.d.rejectedRetryMs ?? RETRY_REJECTED_MS);
        this.log(`broker rejected ${o.envelope.MessageName} ${o.envelope.UniqueID}: ${out.detail}`);
      }
    }
    if (!this.pumpQueued) {
      this.pumpQueued = true;
      setImmediate(() => {
        this.pumpQueued = false;
        this.pump();
      });
    }
  }

  // ---- what the gateway knows of each station ---------------------------------------------------------------------

  private observe(stationId: number, e: JournalEntry): void {
    const p = this.pictures.get(stationId);
    if (p === undefined) return;
    const m = e.message;
    if (m.type === 'WorkOrderActivated') p.recipe = { name: m.body.recipeName, revision: m.body.recipeRevision, workOrder: m.body.workOrderIdentifier };
    else if (m.type === 'StationHold') p.hold = m.body.hold ? (m.body.requestor.startsWith(MES_REQUESTOR) ? 'mes' : 'other') : undefined;
  }

  private loadDocs(): void {
    for (const name of this.d.disk.list('orders')) {
      const b = this.d.disk.read(`orders/${name}`);
      if (b === undefined || !name.endsWith('.json')) continue;
      try {
        const r = parseWorkOrderDoc(JSON.parse(utf8Decode(b) ?? ''));
        if (r.ok) this.docs.push({ file: `orders/${name}`, doc: r.doc });
      } catch {
        // a document that no longer reads: the messages of its boards carry no reference designators
      }
    }
    while (this.docs.length > MAX_DOCS) this.docs.shift();
  }

  /** The work-order document an activation was built from (as the trace tools match them). */
  private docFor(stationId: number, o: MessageBody<'WorkOrderActivated'>): WorkOrderDoc | undefined {
    return matchDoc(this.docs, stationId, o)?.doc;
  }

  // ---- documents to stations ------------------------------------------------------------------------------------

  /** Sends a document to the stations it is for, as each is reachable; `done` hears every station's answer. */
  deliver(document: PushDocument, done: Delivery['done']): void {
    const targets = targetsOf(document, [...this.links.keys()]);
    if (document.kind === 'work-order') {
      // Kept before it is sent: the CFX messages of the boards built to it need its reference designators.
      const doc = document.doc;
      const h = doc.workOrder.header;
      const name = `orders/${safe(h.workOrderIdentifier)}_${safe(h.bomRevision)}_${this.wallClock()}.json`;
      try {
        this.d.disk.mkdirp('orders');
        this.d.disk.replace(name, utf8Encode(JSON.stringify(doc)));
      } catch (e) {
        this.log(`cannot keep ${name}: ${errText(e)}`);
      }
      this.docs.push({ file: name, doc });
      while (this.docs.length > MAX_DOCS) this.docs.shift();
    }
    const x: Delivery = { document, results: new Map(), done };
    if (targets.length === 0) return done(new Map());
    this.pendingTargets.set(x, new Set(targets));
    this.deliveries.push(x);
    this.tryDeliver(x);
  }

  private readonly pendingTargets = new Map<Delivery, Set<number>>();

  private tryDeliver(x: Delivery): void {
    const waiting = this.pendingTargets.get(x);
    if (waiting === undefined) return;
    for (const id of [...waiting]) {
      const link = this.links.get(id);
      if (link === undefined || !link.established) continue;
      waiting.delete(id);
      x.results.set(id, 'sending');
      const finish = (ok: boolean, reason: ReasonName, detail: string) => {
        x.results.set(id, { ok, reason, detail });
        if (!ok && (reason === 'NO_SESSION' || reason === 'BUSY' || reason === 'STATION_UNREACHABLE')) {
          // The link dropped before the answer: send it again when the station is back.
          x.results.delete(id);
          waiting.add(id);
        }
        this.settleDelivery(x);
      };
      if (x.document.kind === 'work-order') {
        link.sendWorkOrder({ ...x.document.doc.workOrder, terms: x.document.doc.terms }, (ok, reason) => finish(ok, reason, ok ? 'work order active' : 'refused; the station keeps its order'));
      } else {
        const msgs = x.document.doc.messages;
        let left = msgs.length;
        let firstBad: { reason: ReasonName; detail: string } | undefined;
        msgs.forEach((m, i) =>
          link.send(m, `${m.type} ${i}`, (ok, reason) => {
            if (!ok && firstBad === undefined) firstBad = { reason, detail: `messages[${i}] (${m.type}) refused: ${reason}` };
            if (--left === 0) finish(firstBad === undefined, firstBad?.reason ?? 'OK', firstBad?.detail ?? `${msgs.length} messages acknowledged`);
          }),
        );
      }
    }
  }

  private settleDelivery(x: Delivery): void {
    const waiting = this.pendingTargets.get(x);
    if (waiting === undefined || waiting.size > 0) return;
    const out = new Map<number, { ok: boolean; reason: ReasonName; detail: string }>();
    for (const [id, r] of x.results) {
      if (r === 'sending') return;
      out.set(id, r);
    }
    this.pendingTargets.delete(x);
    this.deliveries.splice(this.deliveries.indexOf(x), 1);
    this.counts.delivered++;
    x.done(out);
  }

  // ---- requests from the broker -----------------------------------------------------------------------------------

  private requestStations(): RequestStation[] {
    return this.d.config.stations.map((s) => {
      const p = this.pictures.get(s.id)!;
      return { id: s.id, handle: s.handle, lane: s.lane, hold: p.hold, recipe: p.recipe };
    });
  }

  private onRequest(req: IncomingRequest, answer: (reply: CfxEnvelopeLike | undefined) => void): void {
    const plan = planRequest(req.text, { gatewayHandle: this.d.config.cfx.handle, stations: this.requestStations(), now: this.wallClock(), newId: randomUUID });
    if (plan.kind === 'answer') {
      if (plan.reason === 'OK') this.counts.answered++;
      else this.counts.refused++;
      this.log(`request ${plan.name}: ${plan.reason}`);
      return answer(plan.reply);
    }
    const results: CommandResult[] = [];
    let left = plan.commands.length;
    for (const c of plan.commands) {
      const link = this.links.get(c.stationId);
      const done = (ok: boolean, reason: ReasonName) => {
        results.push({ command: c, ok, reason });
        if (ok && c.message.type === 'StationHold') this.pictures.get(c.stationId)!.hold = c.message.body.hold ? 'mes' : undefined;
        if (--left === 0) {
          this.counts.answered++;
          this.log(`request ${plan.name}: ${results.filter((r) => r.ok).length}/${results.length} station commands acknowledged`);
          answer(plan.finish(results));
        }
      };
      if (link === undefined) done(false, 'STATION_UNREACHABLE');
      else link.send(c.message, `CFX ${plan.name}`, done);
    }
  }

  // ---- status -----------------------------------------------------------------------------------------------------

  status(): GatewayStatus {
    const c = this.d.config;
    const iso = (ms: number) => new Date(ms).toISOString();
    const now = this.wallClock();
    const stations = c.stations.map((s): StationStatus => {
      const l = this.links.get(s.id)!.view();
      const f = this.feeds.find((x) => x.stationId === s.id)!;
      const h = this.store.holdings(s.id);
      const p = this.pictures.get(s.id)!;
      const st = l.status;
      return {
        id: s.id,
        name: s.name,
        handle: s.handle,
        address: addressText(s),
        link: l.state,
        linkSince: iso(l.since),
        lastError: l.lastError ?? l.lastRefusal ?? null,
        sessions: l.sessions,
        permit: st === undefined ? null : st.runPermit,
        reasons: st?.reasons ?? [],
        workOrder: st === undefined ? (p.recipe?.workOrder ?? null) : (st.workOrderIdentifier ?? null),
        recipe: p.recipe === undefined ? null : { name: p.recipe.name, revision: p.recipe.revision },
        hold: p.hold ?? null,
        clock: st === undefined ? null : { valid: st.clockValid, offsetS: st.clockValid && l.statusAt !== undefined ? Math.round(st.at - l.statusAt / 1000) : null },
        statusAt: l.statusAt === undefined ? null : iso(l.statusAt),
        journal: { stationPending: st?.journalPending ?? null, stored: h.next - 1, published: f.publishedUpTo, unpublished: f.backlog, undecodable: f.stats().undecodable },
      };
    });
    return {
      at: iso(now),
      line: c.line,
      handle: c.cfx.handle,
      pid: process.pid,
      broker: { up: this.broker.up, url: `amqp${c.broker.tls ? 's' : ''}://${c.broker.host}:${c.broker.port}`, address: c.broker.address, connects: this.broker.connects, lastError: this.broker.lastError || null, published: this.counts.published, retried: this.counts.retried, rejected: this.counts.rejected },
      store: { bytes: this.store.bytes, maxBytes: c.store.maxBytes, full: this.store.full ?? null, failure: this.store.failure === undefined ? null : `${this.store.failure.reason}: ${this.store.failure.detail}` },
      latencyMs: { count: this.counts.latencyN, mean: this.counts.latencyN === 0 ? null : Math.round((this.counts.latencySum / this.counts.latencyN) * 10) / 10, max: this.counts.latencyN === 0 ? null : Math.round(this.counts.latencyMax * 10) / 10 },
      documents: { pending: this.deliveries.length, delivered: this.counts.delivered },
      requests: { answered: this.counts.answered, refused: this.counts.refused },
      stations,
    };
  }
}

function addressText(s: StationEntry): string {
  return s.address.kind === 'tcp' ? `${s.address.host.includes(':') ? `[${s.address.host}]` : s.address.host}:${s.address.port}` : `serial:${s.address.path}@${s.address.baud}`;
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 40) || 'x';
}
