// The work-order document: what the host sends a station (the protocol WorkOrder and its terms) together with
// what only the host knows and the trace exports need (the BOM lines with their reference designators and
// quantity per board). `warden bom import` writes it; the simulator's MES and the line gateway read it and send
// its order to stations; the trace tools join it to journals by work order id and BOM revision.
// The validator is total: any JSON value in, the document or every problem out, each naming its field.
import { encodePayload } from '../../protocol/src/frame';
import { MSD_LEVELS, THICKNESS_CLASSES, type MsdLevel } from '../../protocol/src/vocabulary';
import { utf8Length } from '../../protocol/src/utf8';
import { chunkWorkOrder, prototypeTermsProblem, type Slot, type WorkOrder } from '../../protocol/src/workorder';
import type { ReasonName } from '../../protocol/src/reasons';
import type { OrderTerms } from '../../firmware/core/station/types';
import { normPosition } from '../../firmware/core/setup/normalize';

export const WORK_ORDER_DOC_FORMAT = 'smt-warden.work-order';
export const WORK_ORDER_DOC_VERSION = 1;
/** Bounds: a station holds at most 256 slots; a BOM of a large board has a few thousand lines. */
export const MAX_BOM_LINES = 4096;
export const MAX_REFDES_PER_LINE = 2048;
const MAX_REFDES_BYTES = 32;

export interface BomLine {
  /** BOM line (find number); a slot feeds it when the slot's `bomLine` equals it. */
  readonly line: string;
  readonly internalPartNumber: string;
  /** Reference designators placed from this line on every board, e.g. ["C1", "C4"]. */
  readonly refdes: readonly string[];
  /** Parts per board; equals the number of reference designators when they are listed. */
  readonly quantityPerBoard: number;
  readonly description?: string;
  /** J-STD-020 level when the BOM or part master gave one. */
  readonly msl?: MsdLevel;
}

export interface WorkOrderDoc {
  readonly format: typeof WORK_ORDER_DOC_FORMAT;
  readonly version: typeof WORK_ORDER_DOC_VERSION;
  /** Exactly the protocol's WorkOrder: header and slots, as the station receives it. */
  readonly workOrder: WorkOrder;
  readonly terms: OrderTerms;
  readonly bom: { readonly lines: readonly BomLine[] };
  /** Stations the order is for (absent: any station it is sent to). */
  readonly stations?: readonly number[];
  /** Where it came from (file, tool), for the record. */
  readonly source?: string;
}

export interface DocProblem {
  /** The field, as a path: `workOrder.slots[3].approvedParts[0].manufacturer`. */
  readonly field: string;
  readonly message: string;
  /** The reason a station would give for the same fault, when it has its own (else DOCUMENT_FIELD_INVALID). */
  readonly reason?: ReasonName;
}

export type DocResult = { readonly ok: true; readonly doc: WorkOrderDoc } | { readonly ok: false; readonly problems: readonly DocProblem[] };

type Obj = Record<string, unknown>;

/** Collects problems while reading a value; every reader returns a safe placeholder after a problem. */
export class Reader {
  readonly problems: DocProblem[] = [];
  bad(field: string, message: string, reason?: ReasonName): void {
    if (this.problems.length < 50) this.problems.push(reason === undefined ? { field, message } : { field, message, reason });
  }
  obj(v: unknown, field: string, keys: readonly string[]): Obj | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.bad(field, 'an object');
      return undefined;
    }
    for (const k of Object.keys(v)) if (!keys.includes(k)) this.bad(field === '' ? k : `${field}.${k}`, `not a field of this document (fields: ${keys.join(', ')})`);
    return v as Obj;
  }
  text(o: Obj, k: string, field: string, maxBytes: number, opts: { optional?: boolean; nonEmpty?: boolean } = {}): string {
    const v = o[k];
    if (v === undefined && opts.optional === true) return '';
    if (typeof v !== 'string') {
      this.bad(field, `text of at most ${maxBytes} bytes`);
      return '';
    }
    if (utf8Length(v) > maxBytes) this.bad(field, `${utf8Length(v)} bytes, at most ${maxBytes}`);
    if (opts.nonEmpty === true && v.trim() === '') this.bad(field, 'must not be empty');
    return v;
  }
  int(o: Obj, k: string, field: string, min: number, max: number): number {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.bad(field, `an integer ${min}..${max}`);
      return min;
    }
    return v;
  }
  bool(o: Obj, k: string, field: string): boolean {
    const v = o[k];
    if (typeof v !== 'boolean') {
      this.bad(field, 'true or false');
      return false;
    }
    return v;
  }
  oneOf<T extends string>(o: Obj, k: string, field: string, values: readonly T[]): T {
    const v = o[k];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.bad(field, `one of ${values.join(', ')}`);
      return values[0]!;
    }
    return v as T;
  }
  list(v: unknown, field: string, max: number): unknown[] {
    if (!Array.isArray(v)) {
      this.bad(field, 'a list');
      return [];
    }
    if (v.length > max) {
      this.bad(field, `${v.length} entries, at most ${max}`);
      return v.slice(0, max);
    }
    return v;
  }
}

const PERMISSIONS = ['primary', 'alternate', 'alternate-with-approval'] as const;

function readSlot(r: Reader, v: unknown, f: string): Slot {
  const o = r.obj(v, f, ['position', 'bomLine', 'internalPartNumber', 'msd', 'thicknessClass', 'approvedParts']) ?? {};
  const parts = r.list(o['approvedParts'], `${f}.approvedParts`, 8).map((p, i) => {
    const pf = `${f}.approvedParts[${i}]`;
    const po = r.obj(p, pf, ['manufacturerPartNumber', 'manufacturer', 'permission']) ?? {};
    return {
      manufacturerPartNumber: r.text(po, 'manufacturerPartNumber', `${pf}.manufacturerPartNumber`, 40, { nonEmpty: true }),
      manufacturer: r.text(po, 'manufacturer', `${pf}.manufacturer`, 32),
      permission: r.oneOf(po, 'permission', `${pf}.permission`, PERMISSIONS),
    };
  });
  if (Array.isArray(o['approvedParts']) && parts.length === 0) r.bad(`${f}.approvedParts`, 'a slot approves at least one part');
  return {
    position: r.text(o, 'position', `${f}.position`, 16, { nonEmpty: true }),
    bomLine: r.text(o, 'bomLine', `${f}.bomLine`, 16),
    internalPartNumber: r.text(o, 'internalPartNumber', `${f}.internalPartNumber`, 32),
    msd: r.bool(o, 'msd', `${f}.msd`),
    thicknessClass: r.oneOf(o, 'thicknessClass', `${f}.thicknessClass`, THICKNESS_CLASSES),
    approvedParts: parts,
  };
}

function readLine(r: Reader, v: unknown, f: string): BomLine {
  const o = r.obj(v, f, ['line', 'internalPartNumber', 'refdes', 'quantityPerBoard', 'description', 'msl']) ?? {};
  const refdes = r.list(o['refdes'], `${f}.refdes`, MAX_REFDES_PER_LINE).map((x, i) => {
    if (typeof x !== 'string' || x.trim() === '' || utf8Length(x) > MAX_REFDES_BYTES) {
      r.bad(`${f}.refdes[${i}]`, `a reference designator of 1..${MAX_REFDES_BYTES} bytes`);
      return '';
    }
    return x;
  });
  const qty = r.int(o, 'quantityPerBoard', `${f}.quantityPerBoard`, 0, 100_000);
  if (refdes.length > 0 && qty !== refdes.length) r.bad(`${f}.quantityPerBoard`, `${qty}, but ${refdes.length} reference designators are listed`);
  const msl = o['msl'] === undefined ? undefined : r.oneOf(o, 'msl', `${f}.msl`, MSD_LEVELS);
  const description = o['description'] === undefined ? undefined : r.text(o, 'description', `${f}.description`, 200);
  return {
    line: r.text(o, 'line', `${f}.line`, 16, { nonEmpty: true }),
    internalPartNumber: r.text(o, 'internalPartNumber', `${f}.internalPartNumber`, 32),
    refdes,
    quantityPerBoard: qty,
    ...(description === undefined ? {} : { description }),
    ...(msl === undefined ? {} : { msl }),
  };
}

/** Reads a work-order document. Never throws: a bad document gives every problem found, each naming its field. */
export function parseWorkOrderDoc(v: unknown): DocResult {
  const r = new Reader();
  const o = r.obj(v, '', ['format', 'version', 'workOrder', 'terms', 'bom', 'stations', 'source']);
  if (o === undefined) return { ok: false, problems: r.problems };
  if (o['format'] !== WORK_ORDER_DOC_FORMAT) r.bad('format', `"${WORK_ORDER_DOC_FORMAT}"`);
  if (o['version'] !== WORK_ORDER_DOC_VERSION) r.bad('version', `${WORK_ORDER_DOC_VERSION} (this reader knows no other)`);
  const wo = r.obj(o['workOrder'], 'workOrder', ['header', 'slots']) ?? {};
  const h = r.obj(wo['header'], 'workOrder.header', ['workOrderIdentifier', 'productIdentifier', 'bomRevision', 'recipeName', 'recipeRevision', 'recipeChecksum', 'lane', 'timeToReflow']) ?? {};
  const header = {
    workOrderIdentifier: r.text(h, 'workOrderIdentifier', 'workOrder.header.workOrderIdentifier', 32, { nonEmpty: true }),
    productIdentifier: r.text(h, 'productIdentifier', 'workOrder.header.productIdentifier', 32),
    bomRevision: r.text(h, 'bomRevision', 'workOrder.header.bomRevision', 16),
    recipeName: r.text(h, 'recipeName', 'workOrder.header.recipeName', 40),
    recipeRevision: r.text(h, 'recipeRevision', 'workOrder.header.recipeRevision', 16),
    recipeChecksum: r.int(h, 'recipeChecksum', 'workOrder.header.recipeChecksum', 0, 0xffffffff),
    lane: r.int(h, 'lane', 'workOrder.header.lane', 0, 255),
    timeToReflow: r.int(h, 'timeToReflow', 'workOrder.header.timeToReflow', 0, 0xffffffff),
  };
  const slots = r.list(wo['slots'], 'workOrder.slots', 256).map((s, i) => readSlot(r, s, `workOrder.slots[${i}]`));
  const t = r.obj(o['terms'], 'terms', ['prototype', 'plannedQuantity', 'maxBoards']) ?? {};
  const terms: OrderTerms = {
    prototype: r.bool(t, 'prototype', 'terms.prototype'),
    plannedQuantity: r.int(t, 'plannedQuantity', 'terms.plannedQuantity', 0, 0xffffffff),
    maxBoards: r.int(t, 'maxBoards', 'terms.maxBoards', 0, 0xffff),
  };
  // The station's own rule, asked here so that the host never sends a prototype order the station refuses.
  const proto = prototypeTermsProblem(terms);
  if (proto !== undefined) r.bad(`terms.${proto.field}`, proto.detail, 'PROTOTYPE_QUANTITY_INVALID');
  const b = r.obj(o['bom'], 'bom', ['lines']) ?? {};
  const lines = r.list(b['lines'], 'bom.lines', MAX_BOM_LINES).map((l, i) => readLine(r, l, `bom.lines[${i}]`));
  let stations: number[] | undefined;
  if (o['stations'] !== undefined) {
    stations = r.list(o['stations'], 'stations', 256).map((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 65534) r.bad(`stations[${i}]`, 'a station id 1..65534');
      return x as number;
    });
  }
  const source = o['source'] === undefined ? undefined : r.text(o, 'source', 'source', 200);

  // Across fields: positions unique, each slot's BOM line present, reference designators placed once.
  const positions = new Map<string, number>();
  slots.forEach((s, i) => {
    const p = normPosition(s.position);
    const j = positions.get(p);
    if (j !== undefined) r.bad(`workOrder.slots[${i}].position`, `${s.position.trim()} is also slot ${j}'s position`);
    else positions.set(p, i);
  });
  const lineAt = new Map<string, number>();
  lines.forEach((l, i) => {
    const j = lineAt.get(l.line);
    if (j !== undefined) r.bad(`bom.lines[${i}].line`, `line ${l.line} is also bom.lines[${j}]`);
    else lineAt.set(l.line, i);
  });
  const refAt = new Map<string, string>();
  lines.forEach((l, i) =>
    l.refdes.forEach((d, k) => {
      const key = d.trim().toUpperCase();
      const other = refAt.get(key);
      if (other !== undefined) r.bad(`bom.lines[${i}].refdes[${k}]`, `${d} is also placed by line ${other}`);
      else refAt.set(key, l.line);
    }),
  );
  if (lines.length > 0) {
    slots.forEach((s, i) => {
      if (!lineAt.has(s.bomLine)) r.bad(`workOrder.slots[${i}].bomLine`, `"${s.bomLine}" is not a line of bom.lines`);
    });
  }
  const order: WorkOrder = { header, slots };
  if (r.problems.length === 0) {
    // Whatever the field checks missed, the wire has the last word: the order must transfer as it is.
    // (An order without slots transfers only to a station that holds none, a reflow oven.)
    const c = chunkWorkOrder(order, 1, { slotless: true });
    if (!c.ok) r.bad('workOrder', `does not encode for the station: ${c.reason}: ${c.detail}`);
    const te = encodePayload({ type: 'WorkOrderTerms', body: { transferId: 1, ...terms } });
    if (!te.ok) r.bad('terms', `does not encode: ${te.detail}`);
  }
  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  return {
    ok: true,
    doc: {
      format: WORK_ORDER_DOC_FORMAT,
      version: WORK_ORDER_DOC_VERSION,
      workOrder: order,
      terms,
      bom: { lines },
      ...(stations === undefined ? {} : { stations }),
      ...(source === undefined ? {} : { source }),
    },
  };
}

/** One line per problem, for people: `field: message`. */
export function describeProblems(problems: readonly DocProblem[]): string {
  return problems.map((p) => `${p.field === '' ? '(document)' : p.field}: ${p.message}`).join('; ');
}

/** The BOM line a slot feeds, if the document lists it. */
export function lineOfSlot(doc: WorkOrderDoc, slot: Slot): BomLine | undefined {
  return doc.bom.lines.find((l) => l.line === slot.bomLine);
}
