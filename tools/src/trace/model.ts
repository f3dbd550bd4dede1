// The trace of a whole line, built from its journals in one pass per station (the index is built on the fly,
// never kept beside the journals): every board with what it was built from (the firmware's own replay, joined to
// the work-order documents for reference designators), the material usage, the reel histories, the interlock and
// override log, the first-off records and the work-order basis. Pure: input in, model out.
import type { MessageBody } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import { normLot, normMpn, normPosition } from '../../../firmware/core/setup/normalize';
import { complete, replayer, type BoardTrace, type JournalEntry, type MaterialSource, type ReplayOptions } from '../../../firmware/core/trace/replay';
import type { BomLine, WorkOrderDoc } from '../../../host-sim/host/work-order-doc';
import type { DocFile, Problem, StationInfo, TraceInput } from './input';

export interface TracedSlot {
  readonly position: string;
  readonly bomLine: string;
  readonly internalPartNumber: string;
  readonly refdes: readonly string[];
  readonly quantityPerBoard: number | undefined;
  readonly reelId: string;
  readonly mpn: string;
  readonly manufacturer: string;
  readonly lot: string;
  readonly dateCode: string;
  readonly source: MaterialSource;
  readonly customerSupplied: boolean;
  readonly permission: BoardTrace['slots'][number]['permission'];
  /** Floor life the reel had left when the board was built (MSD reels), seconds. */
  readonly msdRemainingS?: number;
}

/** A board's trace at one station: the firmware replay's, joined to the work-order document. */
export interface Board extends Omit<BoardTrace, 'slots' | 'setupGeneration'> {
  readonly station: number;
  /** Built under a work order, on the approved program, with a reel on every slot (`complete` of the replay). */
  readonly complete: boolean;
  readonly slots: readonly TracedSlot[];
  /** The work-order document the trace was joined to. */
  readonly doc?: string;
  /** Journal records lost on this station since its work order was activated: this trace may be incomplete. */
  readonly uncertain?: { readonly from: number; readonly to: number };
}

/** One reel's stay on one slot of one work order: what was loaded, what the boards needed, what was used. */
export interface ReelUsage {
  readonly station: number;
  readonly workOrder: string;
  readonly bomRevision: string;
  readonly position: string;
  readonly bomLine: string;
  readonly reelId: string;
  readonly mpn: string;
  readonly manufacturer: string;
  readonly lot: string;
  readonly source: MaterialSource;
  readonly loaded: number | undefined;
  boards: number;
  readonly quantityPerBoard: number | undefined;
  /** Parts left when it came off: counted at unload, 0 when spliced out (run empty), undefined while on or not counted. */
  remaining: number | undefined;
  end: 'on-slot' | 'unloaded' | 'spliced-out';
}

export interface MsdHistoryEvent {
  readonly at: number;
  readonly station: number;
  readonly event: string;
  readonly detail: string;
  /** Floor life left after the event, seconds, when the record says. */
  readonly remainingS?: number;
}

export interface ReelHistory {
  readonly reelId: string;
  mpn: string;
  lot: string;
  msdLevel: string;
  readonly events: MsdHistoryEvent[];
  /** Floor life left at each board built with the reel: [epoch ms, seconds]. */
  readonly samples: [number, number][];
}

export interface InterlockEvent {
  readonly at: number;
  readonly station: number;
  readonly kind: 'permit' | 'alarm' | 'override-request' | 'override-grant' | 'override-expired' | 'hold' | 'alarm-ack' | 'board-without-permit';
  readonly permitOn?: boolean;
  readonly reasons: readonly string[];
  readonly who: string;
  readonly detail: string;
}

export interface FirstOffRecord {
  readonly at: number;
  readonly station: number;
  readonly workOrder: string;
  readonly unitId: string;
  readonly kind: 'request' | 'result' | 'restart';
  readonly passed?: boolean;
  readonly who: string;
  readonly detail: string;
}

export interface OrderBasis {
  readonly station: number;
  readonly at: number;
  readonly seq: number;
  readonly body: MessageBody<'WorkOrderActivated'>;
  readonly doc?: string;
  boards: number;
  /**
   * Stops while this order was active, by reason: `count` is the stops (the permit going off) that had the reason
   * at any moment, so one stop counts under every reason it had, as the simulator's summary counts `seen`; `ms` is
   * the permit-off time while the reason was among the station's reasons (setup included). Both add up to more than
   * `offTotal` when stops had several reasons.
   */
  readonly stops: Map<string, { count: number; ms: number }>;
  /** Every stop once, and all permit-off time once. */
  readonly offTotal: { count: number; ms: number };
  /** When the order stopped being active (next order, clear, or the end of the journal). */
  until: number;
}

export interface TraceModel {
  readonly lineName: string;
  readonly stations: readonly StationInfo[];
  readonly boards: readonly Board[];
  readonly usage: readonly ReelUsage[];
  readonly reels: ReadonlyMap<string, ReelHistory>;
  readonly interlocks: readonly InterlockEvent[];
  readonly firstOff: readonly FirstOffRecord[];
  readonly orders: readonly OrderBasis[];
  readonly docs: readonly DocFile[];
  readonly problems: readonly Problem[];
  /** Normalised lot → indexes into `boards` (the recall index). */
  readonly byLot: ReadonlyMap<string, readonly number[]>;
  /** Board id → indexes into `boards`. */
  readonly byUnit: ReadonlyMap<string, readonly number[]>;
}

/** The document a work order was built from: same id and BOM revision; ties broken by station, recipe and size. */
export function matchDoc(docs: readonly DocFile[], station: number, o: MessageBody<'WorkOrderActivated'>): DocFile | undefined {
  const same = docs.filter((d) => d.doc.workOrder.header.workOrderIdentifier === o.workOrderIdentifier && d.doc.workOrder.header.bomRevision === o.bomRevision);
  const score = (d: WorkOrderDoc) =>
    (d.stations === undefined ? 1 : d.stations.includes(station) ? 2 : -10) +
    (d.workOrder.slots.length === o.slotCount ? 2 : -5) +
    (d.workOrder.header.recipeName === o.recipeName && d.workOrder.header.recipeRevision === o.recipeRevision ? 1 : 0);
  let best: DocFile | undefined;
  for (const d of same) if (score(d.doc) > 0 && (best === undefined || score(d.doc) > score(best.doc))) best = d;
  return best;
}

interface ReelFacts {
  mpn: string;
  manufacturer: string;
  lot: string;
  quantity: number | undefined;
  msdLevel: string;
}

const MSD_ALARMS = new Set<ReasonName>(['MSD_EXPIRED', 'MSD_NEEDS_BAKE', 'MSD_REMAINING_LOW', 'MSD_NOT_READY']);

class Builder {
  readonly boards: Board[] = [];
  readonly usage: ReelUsage[] = [];
  readonly reels = new Map<string, ReelHistory>();
  readonly interlocks: InterlockEvent[] = [];
  readonly firstOff: FirstOffRecord[] = [];
  readonly orders: OrderBasis[] = [];
  readonly problems: Problem[] = [];
  readonly byLot = new Map<string, number[]>();
  readonly byUnit = new Map<string, number[]>();

  private readonly lots = new Map<string, string>();

  constructor(private readonly docs: readonly DocFile[]) {}

  /** normLot, remembered: a day of boards repeats the same few hundred lots millions of times. */
  lotKey(lot: string): string {
    let k = this.lots.get(lot);
    if (k === undefined) {
      k = normLot(lot);
      this.lots.set(lot, k);
    }
    return k;
  }

  station(info: StationInfo, entries: readonly JournalEntry[], lost: readonly { from: number; to: number }[], want: ReplayOptions['want']): void {
    const id = info.id;
    let doc: DocFile | undefined;
    let basis: OrderBasis | undefined;
    const unmatched = new Set<string>();
    const facts = new Map<string, ReelFacts>();
    /** The usage row of each position's current reel. */
    const onSlot = new Map<string, ReelUsage>();
    let permit: { on: boolean; reasons: readonly string[]; since: number } = { on: false, reasons: [], since: entries[0]?.at ?? 0 };
    const r = replayer((o) => {
      doc = matchDoc(this.docs, id, o);
      slotIndex = new Map();
      traced = new WeakMap();
      if (doc === undefined) {
        const key = `${o.workOrderIdentifier}\u0000${o.bomRevision}`;
        if (!unmatched.has(key)) {
          unmatched.add(key);
          this.problems.push({ reason: 'WORK_ORDER_DOC_UNMATCHED', file: 'host/work-orders', station: id, detail: `station ${id}: work order ${o.workOrderIdentifier} BOM ${o.bomRevision} (${o.slotCount} slots) has no document: reference designators and quantities per board are unknown` });
        }
        return undefined;
      }
      return doc.doc.workOrder.slots.map((s) => s.position.trim());
    }, want === undefined ? {} : { want });
    // Per order: position → slot, BOM line and how many slots share the line; looked up by the exact text first.
    let slotIndex = new Map<string, SlotInfo | undefined>();
    let traced = new WeakMap<object, { slot: TracedSlot; usage: ReelUsage | undefined }>();
    const lineOf = (position: string): SlotInfo => {
      const hit = slotIndex.get(position);
      if (hit !== undefined) return hit;
      const info = (doc === undefined ? undefined : indexDoc(doc.doc).get(np(position))) ?? NO_SLOT;
      slotIndex.set(position, info);
      return info;
    };
    const fact = (key: string): ReelFacts => {
      let f = facts.get(key);
      if (f === undefined) {
        f = { mpn: '', manufacturer: '', lot: '', quantity: undefined, msdLevel: '' };
        facts.set(key, f);
      }
      return f;
    };
    const history = (key: string): ReelHistory => {
      let h = this.reels.get(key);
      if (h === undefined) {
        const f = fact(key);
        h = { reelId: key, mpn: f.mpn, lot: f.lot, msdLevel: f.msdLevel, events: [], samples: [] };
        this.reels.set(key, h);
      }
      return h;
    };
    const closeSlot = (position: string, end: ReelUsage['end'], remaining: number | undefined) => {
      const u = onSlot.get(np(position));
      if (u === undefined) return;
      u.end = end;
      u.remaining = remaining;
      onSlot.delete(np(position));
    };
    /** The reasons the stop in progress has been counted under (undefined: no stop counted in this order). */
    let stopSeen: Set<string> | undefined;
    const offUntil = (o: OrderBasis, at: number) => {
      if (!permit.on) offTime(o, permit.reasons, Math.max(0, at - Math.max(permit.since, o.at)));
    };
    const closeOrder = (at: number) => {
      if (basis === undefined) return;
      offUntil(basis, at);
      basis.until = at;
      basis = undefined;
      // A stop that goes on into the next order was counted in this one.
      stopSeen = undefined;
    };
    let lossSince = -1;
    let lostRange: { from: number; to: number } | undefined;
    let lossIdx = 0;
    const sortedLost = [...lost].sort((a, b) => a.from - b.from);

    for (const e of entries) {
      while (lossIdx < sortedLost.length && sortedLost[lossIdx]!.to < e.seq) {
        lostRange = sortedLost[lossIdx]!;
        lossSince = lostRange.to;
        lossIdx++;
      }
      const m = e.message;
      switch (m.type) {
        case 'WorkOrderActivated':
          closeOrder(e.at);
          break;
        case 'ReelRecord': {
          const f = fact(m.body.uniqueIdentifier);
          Object.assign(f, { mpn: m.body.manufacturerPartNumber, manufacturer: m.body.manufacturer, lot: m.body.manufacturerLotCode, quantity: m.body.quantity, msdLevel: m.body.msdLevel ?? f.msdLevel });
          break;
        }
        case 'ManualLotEntry':
          if (m.body.uniqueIdentifier !== '') {
            Object.assign(fact(m.body.uniqueIdentifier), { mpn: m.body.manufacturerPartNumber, manufacturer: m.body.manufacturer, lot: m.body.manufacturerLotCode, quantity: m.body.quantity, msdLevel: m.body.msdLevel ?? '' });
          }
          break;
        case 'ReelIdentified': {
          // What the label said (1.1): its maker and MSL name a reel the host has no record of, as in the replay.
          const f = fact(m.body.uniqueIdentifier);
          if (f.manufacturer === '') f.manufacturer = m.body.manufacturer;
          if (f.msdLevel === '' && m.body.msdLevel !== undefined) f.msdLevel = m.body.msdLevel;
          break;
        }
        case 'SlotLoaded': {
          const f = fact(m.body.uniqueIdentifier);
          if (m.body.quantity > 0) f.quantity = m.body.quantity;
          break;
        }
        case 'MsdEvent': {
          const h = history(m.body.uniqueIdentifier);
          const parts = [m.body.hic10 === undefined ? '' : `HIC 10% ${m.body.hic10}`, m.body.hic60 === undefined ? '' : `HIC 60% ${m.body.hic60}`, m.body.tempC === undefined ? '' : `${m.body.tempC} °C`, m.body.rhPct === undefined ? '' : `${m.body.rhPct} %RH`, m.body.carrier ?? '', m.body.operatorIdentifier ?? ''].filter((x) => x !== '');
          h.events.push({ at: m.body.at * 1000, station: id, event: m.body.event, detail: parts.join(', '), ...(m.body.remainingExposureTime === undefined ? {} : { remainingS: m.body.remainingExposureTime }) });
          break;
        }
        case 'MsdDisposition':
          history(m.body.uniqueIdentifier).events.push({ at: m.body.at * 1000, station: id, event: m.body.action, detail: `${m.body.operatorIdentifier}${m.body.spec === '' ? '' : `: ${m.body.spec}`}` });
          break;
        case 'InterlockChanged': {
          const o = basis;
          if (o !== undefined) offUntil(o, e.at);
          if (o !== undefined && permit.on && !m.body.runPermit) {
            o.offTotal.count++;
            stopSeen = new Set();
          }
          if (m.body.runPermit) stopSeen = undefined;
          else if (o !== undefined && stopSeen !== undefined) {
            for (const reason of m.body.reasons.length === 0 ? ['UNKNOWN'] : m.body.reasons) {
              if (stopSeen.has(reason)) continue;
              stopSeen.add(reason);
              stopCount(o, reason);
            }
          }
          permit = { on: m.body.runPermit, reasons: m.body.reasons, since: e.at };
          this.interlocks.push({ at: e.at, station: id, kind: 'permit', permitOn: m.body.runPermit, reasons: m.body.reasons, who: '', detail: m.body.runPermit ? 'permit on' : `permit off: ${m.body.reasons.join(', ')}` });
          break;
        }
        case 'Alarm':
          this.interlocks.push({ at: e.at, station: id, kind: 'alarm', reasons: [m.body.reason], who: '', detail: `${m.body.raised ? 'raised' : 'cleared'} ${m.body.severity}${m.body.locationIdentifier === undefined ? '' : ` at ${m.body.locationIdentifier}`}: ${m.body.text}` });
          if (MSD_ALARMS.has(m.body.reason as ReasonName) && m.body.locationIdentifier !== undefined) {
            const u = onSlot.get(np(m.body.locationIdentifier));
            if (u !== undefined) history(u.reelId).events.push({ at: e.at, station: id, event: `alarm ${m.body.raised ? 'raised' : 'cleared'}`, detail: `${m.body.reason}: ${m.body.text}` });
          }
          break;
        case 'AlarmAck':
          this.interlocks.push({ at: e.at, station: id, kind: 'alarm-ack', reasons: [], who: m.body.operatorIdentifier, detail: `${m.body.count} alarms acknowledged` });
          break;
        case 'OverrideRequest':
          this.interlocks.push({ at: e.at, station: id, kind: 'override-request', reasons: [m.body.reason], who: m.body.operatorIdentifier, detail: `request ${m.body.requestId}${m.body.locationIdentifier === undefined ? '' : ` at ${m.body.locationIdentifier}`} for ${Math.round(m.body.duration / 60)} min: ${m.body.comment}` });
          break;
        case 'OverrideGrant':
          this.interlocks.push({ at: e.at, station: id, kind: 'override-grant', reasons: [m.body.reason], who: m.body.grantedBy, detail: `request ${m.body.requestId} ${m.body.granted ? `granted until ${new Date(m.body.expiresAt * 1000).toISOString()}` : 'denied'}` });
          break;
        case 'OverrideExpired':
          this.interlocks.push({ at: e.at, station: id, kind: 'override-expired', reasons: [], who: '', detail: `request ${m.body.requestId} lapsed` });
          break;
        case 'StationHold':
          this.interlocks.push({ at: e.at, station: id, kind: 'hold', reasons: [m.body.lockReason], who: m.body.requestor, detail: `${m.body.hold ? 'locked' : 'unlocked'}: ${m.body.comment}` });
          break;
        case 'FirstOffRequest':
          this.firstOff.push({ at: e.at, station: id, workOrder: m.body.workOrderIdentifier, unitId: m.body.unitIdentifier, kind: 'request', who: '', detail: 'first-off board built, waiting for inspection' });
          break;
        case 'FirstOffResult':
          this.firstOff.push({ at: e.at, station: id, workOrder: r.order?.workOrderIdentifier ?? '', unitId: m.body.unitIdentifier, kind: 'result', passed: m.body.passed, who: m.body.inspector, detail: `${m.body.passed ? 'passed' : 'FAILED'}${m.body.comment === '' ? '' : `: ${m.body.comment}`}` });
          break;
        case 'FirstOffRestart':
          this.firstOff.push({ at: e.at, station: id, workOrder: r.order?.workOrderIdentifier ?? '', unitId: '', kind: 'restart', who: m.body.operatorIdentifier, detail: m.body.comment });
          break;
        case 'SlotUnloaded':
          closeSlot(m.body.locationIdentifier, 'unloaded', m.body.remainingQuantity);
          break;
        case 'Splice':
          if (m.body.result === 'OK') closeSlot(m.body.locationIdentifier, 'spliced-out', 0);
          break;
        case 'ClearWorkOrder':
          closeOrder(e.at);
          break;
        default:
          break;
      }

      const before = r.order;
      const b = r.push(e);
      if (m.type === 'WorkOrderActivated') {
        const changeover = before === undefined || before.workOrderIdentifier !== m.body.workOrderIdentifier;
        if (changeover) onSlot.clear();
        basis = { station: id, at: e.at, seq: e.seq, body: m.body, ...(doc === undefined ? {} : { doc: doc.file }), boards: 0, stops: new Map(), offTotal: { count: 0, ms: 0 }, until: e.at };
        this.orders.push(basis);
        if (!permit.on) permit = { ...permit, since: e.at };
      }
      if (m.type === 'ClearWorkOrder') onSlot.clear();
      if (m.type === 'SlotVerified') {
        const key = np(m.body.locationIdentifier);
        const cur = onSlot.get(key);
        if (cur === undefined || cur.reelId !== m.body.uniqueIdentifier || cur.workOrder !== (r.order?.workOrderIdentifier ?? '')) {
          const { line, slot, shared } = lineOf(m.body.locationIdentifier);
          const f = fact(m.body.uniqueIdentifier);
          f.mpn = m.body.manufacturerPartNumber;
          f.lot = m.body.manufacturerLotCode;
          const u: ReelUsage = {
            station: id,
            workOrder: r.order?.workOrderIdentifier ?? '',
            bomRevision: r.order?.bomRevision ?? '',
            position: m.body.locationIdentifier,
            bomLine: slot?.bomLine ?? '',
            reelId: m.body.uniqueIdentifier,
            mpn: m.body.manufacturerPartNumber,
            manufacturer: f.manufacturer || avlMaker(slot, m.body.manufacturerPartNumber),
            lot: m.body.manufacturerLotCode,
            source: 'scanned',
            loaded: f.quantity,
            boards: 0,
            quantityPerBoard: line === undefined ? undefined : line.quantityPerBoard / shared,
            remaining: undefined,
            end: 'on-slot',
          };
          onSlot.set(key, u);
          this.usage.push(u);
        }
      }
      if (b === undefined) continue;

      // A board: joined to the document, counted on its reels, indexed.
      const slots: TracedSlot[] = b.slots.map((x) => {
        // Consecutive boards share their SlotMaterial objects (the replay keeps one per reel on a slot), so the
        // traced slot and its usage row are made once per reel, not once per board.
        let t = traced.get(x);
        if (t === undefined) {
          const { line, slot, shared } = lineOf(x.position);
          const f = facts.get(x.reelId);
          const cur = onSlot.get(np(x.position));
          const u = cur !== undefined && cur.reelId === x.reelId ? cur : undefined;
          if (u !== undefined && x.source !== 'scanned') (u as { source: MaterialSource }).source = x.source;
          t = {
            slot: {
              position: x.position,
              bomLine: slot?.bomLine ?? '',
              internalPartNumber: slot?.internalPartNumber ?? '',
              refdes: line?.refdes ?? [],
              quantityPerBoard: line === undefined ? undefined : line.quantityPerBoard / shared,
              reelId: x.reelId,
              mpn: x.mpn,
              manufacturer: x.manufacturer || f?.manufacturer || u?.manufacturer || avlMaker(slot, x.mpn),
              lot: x.lot,
              dateCode: x.dateCode,
              source: x.source,
              customerSupplied: x.customerSupplied,
              permission: x.permission,
              ...(x.msdRemainingS === undefined ? {} : { msdRemainingS: x.msdRemainingS }),
            },
            usage: u,
          };
          traced.set(x, t);
        }
        if (t.usage !== undefined) t.usage.boards++;
        if (x.msdRemainingS !== undefined) sample(history(x.reelId), b.at, x.msdRemainingS);
        return t.slot;
      });
      if (basis !== undefined) basis.boards++;
      const activatedSeq = basis?.seq ?? 0;
      const done = complete(b);
      const board: Board = {
        station: id,
        seq: b.seq,
        at: b.at,
        unitId: b.unitId,
        workOrder: b.workOrder,
        productIdentifier: b.productIdentifier,
        bomRevision: b.bomRevision,
        recipe: b.recipe,
        program: b.program,
        operator: b.operator,
        firstOff: b.firstOff,
        permitOn: b.permitOn,
        complete: done,
        slots,
        missing: b.missing,
        overrides: b.overrides,
        ...(doc === undefined ? {} : { doc: doc.file }),
        ...(lostRange !== undefined && lossSince > activatedSeq ? { uncertain: lostRange } : {}),
      };
      if (!b.permitOn) this.interlocks.push({ at: e.at, station: id, kind: 'board-without-permit', reasons: ['BOARD_WITHOUT_PERMIT'], who: b.operator, detail: `board ${b.unitId} reported while the permit was off` });
      const idx = this.boards.length;
      this.boards.push(board);
      push(this.byUnit, b.unitId, idx);
      for (const x of b.slots) {
        const l = this.lotKey(x.lot);
        const list = this.byLot.get(l);
        if (list === undefined) this.byLot.set(l, [idx]);
        else if (list[list.length - 1] !== idx) list.push(idx);
      }
    }
    closeOrder(entries.at(-1)?.at ?? 0);
    // Reel facts learnt after the first event (a later ReelRecord) still name the reel in its history.
    for (const [key, h] of this.reels) {
      const f = facts.get(key);
      if (f === undefined) continue;
      if (h.mpn === '') h.mpn = f.mpn;
      if (h.lot === '') h.lot = f.lot;
      if (h.msdLevel === '') h.msdLevel = f.msdLevel;
    }
  }
}

interface SlotInfo {
  readonly slot: WorkOrderDoc['workOrder']['slots'][number] | undefined;
  readonly line: BomLine | undefined;
  /** Slots feeding the same BOM line (the line's parts per board are shared among them). */
  readonly shared: number;
}

const NO_SLOT: SlotInfo = { slot: undefined, line: undefined, shared: 1 };
const DOC_INDEX = new WeakMap<WorkOrderDoc, Map<string, SlotInfo>>();

/** A document's slots by normalised position, built once per document. */
export function indexDoc(doc: WorkOrderDoc): Map<string, SlotInfo> {
  let ix = DOC_INDEX.get(doc);
  if (ix !== undefined) return ix;
  ix = new Map();
  const lines = new Map(doc.bom.lines.map((l) => [l.line, l] as const));
  const shared = new Map<string, number>();
  for (const s of doc.workOrder.slots) shared.set(s.bomLine, (shared.get(s.bomLine) ?? 0) + 1);
  for (const s of doc.workOrder.slots) ix.set(normPosition(s.position), { slot: s, line: lines.get(s.bomLine), shared: shared.get(s.bomLine) ?? 1 });
  DOC_INDEX.set(doc, ix);
  return ix;
}

const POSITIONS = new Map<string, string>();
/** normPosition, remembered (positions repeat on every board). */
function np(p: string): string {
  let k = POSITIONS.get(p);
  if (k === undefined) {
    k = normPosition(p);
    if (POSITIONS.size < 100_000) POSITIONS.set(p, k);
  }
  return k;
}

function avlMaker(slot: WorkOrderDoc['workOrder']['slots'][number] | undefined, mpn: string): string {
  return slot?.approvedParts.find((p) => normMpn(p.manufacturerPartNumber) === normMpn(mpn))?.manufacturer ?? '';
}

/** Keeps one floor-life sample per reel and minute (the last one of the minute): a reel feeds thousands of boards. */
function sample(h: ReelHistory, at: number, left: number): void {
  const last = h.samples[h.samples.length - 1];
  if (last !== undefined && at - h.samples[Math.max(0, h.samples.length - 2)]![0] < 60_000 && h.samples.length > 1) {
    last[0] = at;
    last[1] = left;
  } else {
    h.samples.push([at, left]);
  }
}

function stopRow(o: OrderBasis, reason: string): { count: number; ms: number } {
  let s = o.stops.get(reason);
  if (s === undefined) {
    s = { count: 0, ms: 0 };
    o.stops.set(reason, s);
  }
  return s;
}

function stopCount(o: OrderBasis, reason: string): void {
  stopRow(o, reason).count++;
}

/** Permit-off time: once in the total, and under every reason the station gave for it. */
function offTime(o: OrderBasis, reasons: readonly string[], ms: number): void {
  if (ms <= 0) return;
  o.offTotal.ms += ms;
  for (const reason of reasons.length === 0 ? ['UNKNOWN'] : reasons) stopRow(o, reason).ms += ms;
}

function push(m: Map<string, number[]>, k: string, v: number): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
}

/** Builds the line's trace from what `readTraceInput` read. */
export type BoardFilter = NonNullable<ReplayOptions['want']>;

export interface ModelOptions {
  /**
   * Build only the boards this wants (a query): made once per station, asked at each board with the slots as they
   * stand (see firmware/core/trace/replay.ts). Usage counts then cover the boards built only.
   */
  readonly want?: () => BoardFilter;
}

export function buildModel(input: TraceInput, opts: ModelOptions = {}): TraceModel {
  const b = new Builder(input.docs);
  for (const s of input.stations) {
    const lost = input.problems.filter((p) => p.station === s.station.id && p.lost !== undefined).map((p) => p.lost!);
    b.station(s.station, s.entries, lost, opts.want?.());
  }
  for (const s of input.stations) {
    for (const d of s.late) b.problems.push({ reason: d.reason, file: `stations/${s.station.id}/journal.bin`, station: s.station.id, ...(d.lost === undefined ? {} : { lost: d.lost }), detail: d.detail });
  }
  return {
    lineName: input.lineName,
    stations: input.stations.map((s) => s.station),
    boards: b.boards,
    usage: b.usage,
    reels: b.reels,
    interlocks: b.interlocks,
    firstOff: b.firstOff,
    orders: b.orders,
    docs: input.docs,
    problems: [...input.problems, ...b.problems],
    byLot: b.byLot,
    byUnit: b.byUnit,
  };
}
