// The records an OEM or auditor asks for, as flat tables: one definition each, from which the CSV columns, the
// JSON fields and the HTML report's figures all come.
import type { Board, OrderBasis, ReelUsage, TracedSlot, TraceModel } from './model';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Table {
  readonly name: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly Row[];
}

export const iso = (ms: number): string => new Date(ms).toISOString();
const hours = (s: number | undefined): Cell => (s === undefined ? null : Math.round((s / 3600) * 100) / 100);

/**
 * The per-board trace: one row per board, station, slot and reference designator, made one at a time (a line's
 * day is millions of rows: they are streamed to the file, never held together).
 */
export function* boardRows(boards: readonly Board[]): Generator<Row> {
  // Rows are built as whole literals: `{ ...base, more }` is two orders of magnitude slower on V8 at this count.
  const row = (b: Board, s: Partial<TracedSlot> & { position: string }, refdes: string, source: string): Row => ({
    unit_id: b.unitId,
    station: b.station,
    built_at: iso(b.at),
    work_order: b.workOrder,
    product: b.productIdentifier,
    bom_revision: b.bomRevision,
    program: b.program?.name ?? '',
    program_revision: b.program?.revision ?? '',
    operator: b.operator,
    first_off: b.firstOff,
    permit_on: b.permitOn,
    complete: b.complete,
    uncertain: b.uncertain === undefined ? '' : `records ${b.uncertain.from}-${b.uncertain.to} lost before this board`,
    position: s.position,
    bom_line: s.bomLine ?? '',
    refdes,
    internal_part_number: s.internalPartNumber ?? '',
    mpn: s.mpn ?? '',
    manufacturer: s.manufacturer ?? '',
    lot: s.lot ?? '',
    date_code: s.dateCode ?? '',
    reel_id: s.reelId ?? '',
    lot_source: source,
    customer_supplied: s.customerSupplied ?? false,
    permission: s.permission ?? '',
    msd_floor_life_left_h: hours(s.msdRemainingS),
  });
  for (const b of boards) {
    for (const s of b.slots) {
      if (s.refdes.length === 0) yield row(b, s, '', s.source);
      for (const refdes of s.refdes) yield row(b, s, refdes, s.source);
    }
    for (const p of b.missing) yield row(b, { position: p }, '', 'MISSING');
  }
}

export const BOARD_COLUMNS = ['unit_id', 'station', 'built_at', 'work_order', 'product', 'bom_revision', 'program', 'program_revision', 'operator', 'first_off', 'permit_on', 'complete', 'uncertain', 'position', 'bom_line', 'refdes', 'internal_part_number', 'mpn', 'manufacturer', 'lot', 'date_code', 'reel_id', 'lot_source', 'customer_supplied', 'permission', 'msd_floor_life_left_h'];

export type UsageFlag = 'ok' | 'over' | 'not-counted';

/** Parts a reel gave (counted: loaded − left), what its boards needed, and whether more was used than needed. */
export function usageOf(u: ReelUsage): { placed: number | undefined; consumed: number | undefined; variance: number | undefined; flag: UsageFlag } {
  const placed = u.quantityPerBoard === undefined ? undefined : u.boards * u.quantityPerBoard;
  const consumed = u.loaded === undefined || u.remaining === undefined ? undefined : u.loaded - u.remaining;
  const variance = placed === undefined || consumed === undefined ? undefined : consumed - placed;
  return { placed, consumed, variance, flag: variance === undefined ? 'not-counted' : variance > 0 ? 'over' : 'ok' };
}

function usageRows(m: TraceModel): Row[] {
  return m.usage.map((u) => {
    const x = usageOf(u);
    return {
      work_order: u.workOrder,
      bom_revision: u.bomRevision,
      station: u.station,
      position: u.position,
      bom_line: u.bomLine,
      mpn: u.mpn,
      manufacturer: u.manufacturer,
      lot: u.lot,
      reel_id: u.reelId,
      lot_source: u.source,
      loaded: u.loaded ?? null,
      boards: u.boards,
      qty_per_board: u.quantityPerBoard ?? null,
      placed: x.placed ?? null,
      left: u.remaining ?? null,
      consumed: x.consumed ?? null,
      variance: x.variance ?? null,
      end: u.end,
      flag: x.flag,
    };
  });
}

export interface Reconciliation {
  readonly workOrder: string;
  readonly bomRevision: string;
  readonly station: number;
  readonly bomLine: string;
  readonly mpns: string;
  readonly qtyPerBoard: number | undefined;
  readonly boards: number;
  readonly planned: number | undefined;
  readonly placed: number | undefined;
  readonly consumed: number | undefined;
  /** over-plan: the boards built needed more than the order planned; loss: more was used than the boards needed. */
  readonly flags: readonly ('over-plan' | 'loss' | 'not-counted')[];
}

/** The material usage per work order and BOM line, reconciled against the BOM's quantity per board. */
export function reconcile(m: TraceModel): Reconciliation[] {
  const planned = new Map<string, number>();
  for (const o of m.orders) planned.set(`${o.station}\u0000${o.body.workOrderIdentifier}\u0000${o.body.bomRevision}`, o.body.plannedQuantity);
  const groups = new Map<string, ReelUsage[]>();
  for (const u of m.usage) {
    const k = `${u.station}\u0000${u.workOrder}\u0000${u.bomRevision}\u0000${u.bomLine || u.position}`;
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [u]);
    else g.push(u);
  }
  const out: Reconciliation[] = [];
  for (const g of groups.values()) {
    const u0 = g[0]!;
    const xs = g.map(usageOf);
    const slotQty = g.find((u) => u.quantityPerBoard !== undefined)?.quantityPerBoard;
    // Each board takes its parts once from every slot feeding the line: boards = the busiest slot's count.
    const byPos = new Map<string, number>();
    for (const u of g) byPos.set(u.position, (byPos.get(u.position) ?? 0) + u.boards);
    const boards = Math.max(...byPos.values());
    const lineQty = slotQty === undefined ? undefined : slotQty * byPos.size;
    const placed = slotQty === undefined ? undefined : xs.reduce((n, x) => n + (x.placed ?? 0), 0);
    const counted = xs.filter((x) => x.consumed !== undefined);
    const consumed = counted.length === 0 ? undefined : counted.reduce((n, x) => n + x.consumed!, 0);
    const placedCounted = counted.reduce((n, x) => n + (x.placed ?? 0), 0);
    const plan = planned.get(`${u0.station}\u0000${u0.workOrder}\u0000${u0.bomRevision}`) ?? 0;
    const plannedQty = plan > 0 && lineQty !== undefined ? plan * lineQty : undefined;
    const flags: ('over-plan' | 'loss' | 'not-counted')[] = [];
    if (plannedQty !== undefined && placed !== undefined && placed > plannedQty) flags.push('over-plan');
    if (consumed !== undefined && slotQty !== undefined && consumed > placedCounted) flags.push('loss');
    if (consumed === undefined) flags.push('not-counted');
    out.push({ workOrder: u0.workOrder, bomRevision: u0.bomRevision, station: u0.station, bomLine: u0.bomLine, mpns: [...new Set(g.map((u) => u.mpn))].join(' '), qtyPerBoard: lineQty, boards, planned: plannedQty, placed, consumed, flags });
  }
  return out;
}

function reconcileRows(m: TraceModel): Row[] {
  return reconcile(m).map((r) => ({
    work_order: r.workOrder,
    bom_revision: r.bomRevision,
    station: r.station,
    bom_line: r.bomLine,
    mpn: r.mpns,
    qty_per_board: r.qtyPerBoard ?? null,
    boards: r.boards,
    planned: r.planned ?? null,
    placed: r.placed ?? null,
    consumed_counted: r.consumed ?? null,
    flags: r.flags.join(' '),
  }));
}

function reelRows(m: TraceModel): Row[] {
  const out: Row[] = [];
  for (const h of m.reels.values()) {
    const first = h.samples[0];
    const last = h.samples.at(-1);
    for (const e of h.events) out.push({ reel_id: h.reelId, mpn: h.mpn, lot: h.lot, msl: h.msdLevel, at: iso(e.at), station: e.station, event: e.event, detail: e.detail, floor_life_left_h: hours(e.remainingS) });
    if (first !== undefined && last !== undefined) {
      out.push({ reel_id: h.reelId, mpn: h.mpn, lot: h.lot, msl: h.msdLevel, at: iso(first[0]), station: null, event: 'first board', detail: `${h.samples.length} boards built with it`, floor_life_left_h: hours(first[1]) });
      out.push({ reel_id: h.reelId, mpn: h.mpn, lot: h.lot, msl: h.msdLevel, at: iso(last[0]), station: null, event: 'last board', detail: '', floor_life_left_h: hours(last[1]) });
    }
  }
  return out.sort((a, b) => (a['reel_id'] === b['reel_id'] ? String(a['at']).localeCompare(String(b['at'])) : String(a['reel_id']).localeCompare(String(b['reel_id']))));
}

function basisRows(orders: readonly OrderBasis[]): Row[] {
  return orders.map((o) => ({
    station: o.station,
    activated_at: iso(o.at),
    until: iso(o.until),
    work_order: o.body.workOrderIdentifier,
    product: o.body.productIdentifier,
    bom_revision: o.body.bomRevision,
    program: o.body.recipeName,
    program_revision: o.body.recipeRevision,
    program_checksum: `0x${o.body.recipeChecksum.toString(16).padStart(8, '0')}`,
    slots: o.body.slotCount,
    prototype: o.body.prototype,
    planned_quantity: o.body.plannedQuantity,
    boards: o.boards,
    document: o.doc ?? '',
  }));
}

/** Every table of the export but the per-board one (`boardRows`), in the order a person reads them. */
export function tables(m: TraceModel): Table[] {
  const t = (name: string, title: string, rows: Row[], columns?: readonly string[]): Table => ({ name, title, columns: columns ?? Object.keys(rows[0] ?? {}), rows });
  return [
    t('material-usage', 'Material usage by reel', usageRows(m), ['work_order', 'bom_revision', 'station', 'position', 'bom_line', 'mpn', 'manufacturer', 'lot', 'reel_id', 'lot_source', 'loaded', 'boards', 'qty_per_board', 'placed', 'left', 'consumed', 'variance', 'end', 'flag']),
    t('reconciliation', 'Material reconciliation against the BOM', reconcileRows(m), ['work_order', 'bom_revision', 'station', 'bom_line', 'mpn', 'qty_per_board', 'boards', 'planned', 'placed', 'consumed_counted', 'flags']),
    t('reel-histories', 'MSD reel histories', reelRows(m), ['reel_id', 'mpn', 'lot', 'msl', 'at', 'station', 'event', 'detail', 'floor_life_left_h']),
    t('interlocks', 'Interlock and override log', m.interlocks.map((x) => ({ at: iso(x.at), station: x.station, kind: x.kind, permit_on: x.permitOn ?? null, reasons: x.reasons.join(' '), who: x.who, detail: x.detail })), ['at', 'station', 'kind', 'permit_on', 'reasons', 'who', 'detail']),
    t('first-off', 'First-off records', m.firstOff.map((x) => ({ at: iso(x.at), station: x.station, work_order: x.workOrder, unit_id: x.unitId, kind: x.kind, passed: x.passed ?? null, who: x.who, detail: x.detail })), ['at', 'station', 'work_order', 'unit_id', 'kind', 'passed', 'who', 'detail']),
    t('work-orders', 'Work-order basis', basisRows(m.orders), ['station', 'activated_at', 'until', 'work_order', 'product', 'bom_revision', 'program', 'program_revision', 'program_checksum', 'slots', 'prototype', 'planned_quantity', 'boards', 'document']),
    t('damage', 'Input damage and gaps', m.problems.map((p) => ({ reason: p.reason, file: p.file, station: p.station ?? null, offset: p.offset ?? null, line: p.line ?? null, lost_from: p.lost?.from ?? null, lost_to: p.lost?.to ?? null, detail: p.detail })), ['reason', 'file', 'station', 'offset', 'line', 'lost_from', 'lost_to', 'detail']),
  ];
}
