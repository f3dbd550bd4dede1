// BOM exports (KiCad, Altium, a plain CSV) and an optional AVL to the work-order document the host sends stations.
// CSV is read by csv-parse (quotes, embedded commas and line breaks, BOMs); columns are found by their usual names
// in each tool's export; every problem names the file's line and column. Nothing is guessed silently: a value
// that does not fit is an error, a default that matters (no MSL column) is a warning in the result.
import { parse } from 'csv-parse/sync';
import type { ReasonName } from '../../../protocol/src/reasons';
import { MSD_LEVELS, THICKNESS_CLASSES, type MsdLevel } from '../../../protocol/src/vocabulary';
import type { Slot, WorkOrder } from '../../../protocol/src/workorder';
import type { OrderTerms } from '../../../firmware/core/station/types';
import { normMpn, normPosition } from '../../../firmware/core/setup/normalize';
import { describeProblems, parseWorkOrderDoc, WORK_ORDER_DOC_FORMAT, WORK_ORDER_DOC_VERSION, type BomLine, type WorkOrderDoc } from '../../../host-sim/host/work-order-doc';

export interface BomError {
  readonly reason: Extract<ReasonName, 'BOM_COLUMN_MISSING' | 'BOM_ROW_INVALID' | 'BOM_DUPLICATE_CONFLICT' | 'BAD_DOCUMENT' | 'DOCUMENT_FIELD_INVALID' | 'PROTOTYPE_QUANTITY_INVALID'>;
  readonly file: string;
  /** 1-based line of the file (the row's first line when a quoted field spans several). */
  readonly line?: number;
  readonly column?: string;
  readonly message: string;
}

export type ImportResult =
  | { readonly ok: true; readonly doc: WorkOrderDoc; readonly format: BomFormat; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly errors: readonly BomError[] };

export type BomFormat = 'kicad' | 'altium' | 'plain';

type Field = 'refdes' | 'mpn' | 'manufacturer' | 'quantity' | 'alternates' | 'ipn' | 'position' | 'msl' | 'thickness' | 'description' | 'dnp' | 'line' | 'mpn2' | 'manufacturer2';

/** Column names as the tools write them, compared without case, spaces, dots, underscores or dashes. */
const ALIASES: Readonly<Record<Field, readonly string[]>> = {
  refdes: ['reference', 'references', 'refs', 'ref', 'designator', 'designators', 'refdes', 'referencedesignators', 'referencedesignator'],
  mpn: ['mpn', 'manufacturerpartnumber', 'manufacturerpartnumber1', 'mfrpartnumber', 'mfrpn', 'mfgpartnumber', 'partnumber', 'manufacturerpn'],
  manufacturer: ['manufacturer', 'manufacturer1', 'mfr', 'mfg', 'manufacturername', 'maker'],
  quantity: ['qty', 'quantity', 'qnty', 'qtyperboard', 'quantityperboard'],
  alternates: ['alternates', 'approvedalternates', 'alternate', 'alternateparts', 'avl'],
  ipn: ['ipn', 'internalpartnumber', 'partid', 'itemnumber', 'companypartnumber'],
  position: ['position', 'slot', 'feeder', 'feederposition', 'location'],
  msl: ['msl', 'moisturesensitivitylevel', 'msllevel'],
  thickness: ['thicknessclass', 'bodythicknessclass', 'bodyclass'],
  description: ['description', 'value', 'comment'],
  dnp: ['dnp', 'donotpopulate', 'donotplace', 'exclude'],
  line: ['line', 'item', 'findnumber', 'find', '#', 'no', 'bomline'],
  mpn2: ['manufacturerpartnumber2', 'mpn2'],
  manufacturer2: ['manufacturer2', 'mfr2'],
};

const squash = (s: string) => s.toLowerCase().replace(/[\s._\-()]+/g, '');

export interface HeaderOptions {
  readonly workOrder: string;
  readonly product: string;
  readonly bomRevision: string;
  readonly recipeName: string;
  readonly recipeRevision: string;
  readonly recipeChecksum: number;
  readonly lane: number;
  readonly timeToReflowS: number;
  readonly terms: OrderTerms;
  readonly stations?: readonly number[];
  /** Positions for a BOM without a position column: prefix + line index (1, 2, …). */
  readonly slotPrefix: string;
}

interface Sheet {
  readonly header: readonly string[];
  readonly rows: readonly { readonly cells: readonly string[]; readonly line: number }[];
  readonly headerLine: number;
}

/** Parses CSV text with csv-parse; finds the header row under any preamble (KiCad's script writes one). */
function sheet(text: string, file: string, wants: readonly Field[]): Sheet | BomError {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const delimiter = [',', ';', '\t'].map((d) => [d, first.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    return { reason: 'BAD_DOCUMENT', file, ...(line === undefined ? {} : { line }), message: `not CSV: ${e instanceof Error ? e.message : String(e)}` };
  }
  const known = new Set(wants.flatMap((f) => ALIASES[f]));
  const at = records.findIndex((r) => r.record.filter((c) => known.has(squash(c))).length >= 2);
  if (at < 0) {
    const seen = records[0]?.record.join(', ') ?? '(empty file)';
    return { reason: 'BOM_COLUMN_MISSING', file, message: `no header row with the columns needed (${wants.map((f) => ALIASES[f][0]).join(', ')}); the first row has: ${seen}` };
  }
  return {
    header: records[at]!.record,
    headerLine: records[at]!.info.lines,
    rows: records.slice(at + 1).map((r) => ({ cells: r.record, line: r.info.lines })),
  };
}

function columns(header: readonly string[]): Partial<Record<Field, number>> {
  const out: Partial<Record<Field, number>> = {};
  for (const f of Object.keys(ALIASES) as Field[]) {
    const i = header.findIndex((h) => ALIASES[f].includes(squash(h)));
    if (i >= 0) out[f] = i;
  }
  return out;
}

function detect(header: readonly string[]): BomFormat {
  const h = header.map(squash);
  if (h.includes('designator') && (h.includes('libref') || h.includes('manufacturerpartnumber1') || h.includes('comment'))) return 'altium';
  if (h.includes('refs') || h.includes('reference') || h.includes('footprint') || h.includes('dnp') || h.includes('qnty')) return 'kicad';
  return 'plain';
}

/** `C1, C2 C3;C4`, `R1-R4` (same prefix) → the designators, in order. */
export function refdesList(s: string): string[] | string {
  const out: string[] = [];
  for (const tok of s.split(/[\s,;]+/).filter((t) => t !== '')) {
    const m = /^([A-Za-z_]+)(\d+)-(?:([A-Za-z_]+))?(\d+)$/.exec(tok);
    if (m !== null) {
      const [, p, a, q, b] = m;
      if (q !== undefined && q !== p) return `range ${tok} mixes prefixes`;
      const from = Number(a);
      const to = Number(b);
      if (to < from || to - from > 2000) return `range ${tok} is backwards or too long`;
      for (let n = from; n <= to; n++) out.push(`${p}${n}`);
    } else if (/^[A-Za-z_][A-Za-z0-9_.+]*$/.test(tok)) out.push(tok);
    else return `"${tok}" is not a reference designator`;
  }
  return out;
}

interface Part {
  readonly manufacturerPartNumber: string;
  readonly manufacturer: string;
  readonly permission: Slot['approvedParts'][number]['permission'];
}

/** `MPN (Maker); MPN2 (Maker 2); ?MPN3 (Maker 3)`: alternates; a leading `?` needs a supervisor's approval. */
function alternates(s: string): Part[] | string {
  const out: Part[] = [];
  for (const raw of s.split(/[;|]/).map((x) => x.trim()).filter((x) => x !== '')) {
    const m = /^(\?)?\s*([^()]+?)\s*(?:\(([^()]*)\))?$/.exec(raw);
    if (m === null) return `"${raw}": write alternates as MPN (Manufacturer), separated by ;`;
    out.push({ manufacturerPartNumber: m[2]!, manufacturer: (m[3] ?? '').trim(), permission: m[1] === '?' ? 'alternate-with-approval' : 'alternate' });
  }
  return out;
}

const PERMISSION: Readonly<Record<string, Part['permission']>> = { primary: 'primary', alternate: 'alternate', approved: 'alternate', 'alternate-with-approval': 'alternate-with-approval', 'approval-required': 'alternate-with-approval', 'with-approval': 'alternate-with-approval', supervisor: 'alternate-with-approval' };

interface Line {
  readonly row: number;
  readonly line: string;
  readonly ipn: string;
  readonly refdes: string[];
  readonly quantity: number;
  readonly parts: Part[];
  readonly position: string;
  readonly msl: MsdLevel | undefined;
  readonly thickness: Slot['thicknessClass'];
  readonly description: string;
}

/** Reads a BOM (and an AVL) into a work-order document. Total: every error found is returned, nothing thrown. */
export function importBom(bomText: string, bomFile: string, h: HeaderOptions, avl?: { text: string; file: string }): ImportResult {
  const errors: BomError[] = [];
  const warnings: string[] = [];
  const sh = sheet(bomText, bomFile, ['refdes', 'mpn', 'quantity', 'manufacturer']);
  if ('reason' in sh) return { ok: false, errors: [sh] };
  const col = columns(sh.header);
  const format = detect(sh.header);
  const missing = [col.mpn === undefined ? 'a part number (MPN, Manufacturer Part Number)' : '', col.refdes === undefined && col.quantity === undefined ? 'reference designators (Reference, Designator) or a quantity (Qty)' : ''].filter((x) => x !== '');
  if (missing.length > 0) return { ok: false, errors: [{ reason: 'BOM_COLUMN_MISSING', file: bomFile, line: sh.headerLine, message: `no column for ${missing.join(' or ')}; the columns are: ${sh.header.join(', ')}` }] };
  const cell = (r: readonly string[], f: Field) => (col[f] === undefined ? '' : (r[col[f]!] ?? '').trim());
  const bad = (line: number, column: string, message: string): void => {
    errors.push({ reason: 'BOM_ROW_INVALID', file: bomFile, line, column, message });
  };

  const lines: Line[] = [];
  sh.rows.forEach(({ cells, line }, idx): void => {
    if (cells.every((c) => c.trim() === '')) return;
    const dnp = cell(cells, 'dnp').toLowerCase();
    if (dnp !== '' && !['', '0', 'no', 'false', 'n'].includes(dnp)) return; // not populated: not placed
    const mpn = cell(cells, 'mpn');
    const refText = cell(cells, 'refdes');
    const refs = refdesList(refText);
    if (typeof refs === 'string') return bad(line, sh.header[col.refdes!]!, refs);
    const qText = cell(cells, 'quantity');
    let quantity = refs.length;
    if (qText !== '') {
      if (!/^\d+$/.test(qText)) return bad(line, sh.header[col.quantity!]!, `"${qText}" is not a whole number of parts per board`);
      quantity = Number(qText);
      if (refs.length > 0 && quantity !== refs.length) return bad(line, sh.header[col.quantity!]!, `quantity ${quantity}, but ${refs.length} reference designators (${refText})`);
    }
    if (mpn === '') {
      // A row with no part number is not placed from a reel (fiducials, test points, mechanical parts).
      if (quantity > 0) warnings.push(`line ${line}: ${refText || 'row'} has no part number: left out (no reel feeds it)`);
      return;
    }
    if (quantity === 0) return bad(line, sh.header[col.quantity ?? col.refdes!]!, 'no parts per board: give reference designators or a quantity');
    const parts: Part[] = [{ manufacturerPartNumber: mpn, manufacturer: cell(cells, 'manufacturer'), permission: 'primary' }];
    const alt = cell(cells, 'alternates');
    if (alt !== '') {
      const a = alternates(alt);
      if (typeof a === 'string') return bad(line, sh.header[col.alternates!]!, a);
      parts.push(...a);
    }
    const mpn2 = cell(cells, 'mpn2');
    if (mpn2 !== '') parts.push({ manufacturerPartNumber: mpn2, manufacturer: cell(cells, 'manufacturer2'), permission: 'alternate' });
    const mslText = cell(cells, 'msl').toLowerCase().replace(/^msl\s*/, '');
    let msl: MsdLevel | undefined;
    if (mslText !== '') {
      if (!(MSD_LEVELS as readonly string[]).includes(mslText)) return bad(line, sh.header[col.msl!]!, `"${cell(cells, 'msl')}" is not an MSL (1, 2, 2a, 3, 4, 5, 5a, 6)`);
      msl = mslText as MsdLevel;
    }
    const thText = cell(cells, 'thickness').toLowerCase();
    if (thText !== '' && !(THICKNESS_CLASSES as readonly string[]).includes(thText)) return bad(line, sh.header[col.thickness!]!, `"${thText}" is not a thickness class (${THICKNESS_CLASSES.join(', ')})`);
    lines.push({
      row: line,
      line: cell(cells, 'line') || String(idx + 1),
      ipn: cell(cells, 'ipn'),
      refdes: refs,
      quantity,
      parts,
      position: cell(cells, 'position'),
      msl,
      thickness: (thText || 'unknown') as Slot['thicknessClass'],
      description: cell(cells, 'description'),
    });
  });

  // Conflicting duplicates: a designator placed twice, a line number or position used twice.
  const firstRef = new Map<string, number>();
  const firstLine = new Map<string, number>();
  const firstPos = new Map<string, number>();
  for (const l of lines) {
    for (const d of l.refdes) {
      const k = d.toUpperCase();
      const o = firstRef.get(k);
      if (o !== undefined) errors.push({ reason: 'BOM_DUPLICATE_CONFLICT', file: bomFile, line: l.row, message: `${d} is also on line ${o}: a designator is placed from one BOM line` });
      else firstRef.set(k, l.row);
    }
    const ol = firstLine.get(l.line);
    if (ol !== undefined) errors.push({ reason: 'BOM_DUPLICATE_CONFLICT', file: bomFile, line: l.row, message: `BOM line ${l.line} is also on file line ${ol}` });
    else firstLine.set(l.line, l.row);
    if (l.position !== '') {
      const op = firstPos.get(normPosition(l.position));
      if (op !== undefined) errors.push({ reason: 'BOM_DUPLICATE_CONFLICT', file: bomFile, line: l.row, message: `position ${l.position} is also on line ${op}` });
      else firstPos.set(normPosition(l.position), l.row);
    }
  }
  if (avl !== undefined) applyAvl(avl.text, avl.file, lines, errors);
  if (errors.length > 0) return { ok: false, errors };
  if (lines.length === 0) return { ok: false, errors: [{ reason: 'BOM_ROW_INVALID', file: bomFile, message: 'no placed part: every row is empty, DNP or without a part number' }] };

  const noMsl = lines.filter((l) => l.msl === undefined).length;
  if (noMsl > 0) warnings.push(`${noMsl} of ${lines.length} lines have no MSL${col.msl === undefined ? ' column' : ''}: treated as not moisture-sensitive (add an MSL column so the stations track their floor life)`);
  if (col.position === undefined) warnings.push(`no position column: slots numbered ${h.slotPrefix}1…${h.slotPrefix}${lines.length} in BOM order (match them to the machine's feeder setup)`);
  const slots: Slot[] = lines.map((l, i) => ({
    position: l.position || `${h.slotPrefix}${i + 1}`,
    bomLine: l.line,
    internalPartNumber: l.ipn,
    msd: l.msl !== undefined && l.msl !== '1',
    thicknessClass: l.thickness,
    approvedParts: l.parts,
  }));
  const bomLines: BomLine[] = lines.map((l) => ({ line: l.line, internalPartNumber: l.ipn, refdes: l.refdes, quantityPerBoard: l.quantity, ...(l.description === '' ? {} : { description: l.description.slice(0, 200) }), ...(l.msl === undefined ? {} : { msl: l.msl }) }));
  const order: WorkOrder = {
    header: { workOrderIdentifier: h.workOrder, productIdentifier: h.product, bomRevision: h.bomRevision, recipeName: h.recipeName, recipeRevision: h.recipeRevision, recipeChecksum: h.recipeChecksum, lane: h.lane, timeToReflow: h.timeToReflowS },
    slots,
  };
  const candidate = { format: WORK_ORDER_DOC_FORMAT, version: WORK_ORDER_DOC_VERSION, workOrder: order, terms: h.terms, bom: { lines: bomLines }, ...(h.stations === undefined ? {} : { stations: h.stations }), source: `warden bom import ${bomFile} (${format})` };
  // The document validator has the last word: what it refuses, a station would refuse.
  const v = parseWorkOrderDoc(JSON.parse(JSON.stringify(candidate)));
  if (!v.ok) {
    return {
      ok: false,
      errors: v.problems.map((p) => {
        const m = /^workOrder\.slots\[(\d+)\]|^bom\.lines\[(\d+)\]/.exec(p.field);
        const row = m === null ? undefined : lines[Number(m[1] ?? m[2])]?.row;
        return { reason: p.reason === 'PROTOTYPE_QUANTITY_INVALID' ? p.reason : ('DOCUMENT_FIELD_INVALID' as const), file: bomFile, ...(row === undefined ? {} : { line: row }), column: p.field, message: describeProblems([p]) };
      }),
    };
  }
  return { ok: true, doc: v.doc, format, warnings };
}

/** AVL rows (Part, MPN, Manufacturer, Approval) add approved parts to the lines whose IPN or primary MPN is Part. */
function applyAvl(text: string, file: string, lines: Line[], errors: BomError[]): void {
  const sh = sheet(text, file, ['mpn', 'manufacturer']);
  if ('reason' in sh) {
    errors.push(sh);
    return;
  }
  const h = sh.header.map(squash);
  const partCol = h.findIndex((x) => ['part', 'ipn', 'internalpartnumber', 'primarympn', 'bommpn', 'forpart'].includes(x));
  const mpnCol = h.findIndex((x) => ALIASES.mpn.includes(x) && x !== 'partnumber');
  const mfrCol = h.findIndex((x) => ALIASES.manufacturer.includes(x));
  const apCol = h.findIndex((x) => ['approval', 'permission', 'status'].includes(x));
  if (partCol < 0 || mpnCol < 0) {
    errors.push({ reason: 'BOM_COLUMN_MISSING', file, line: sh.headerLine, message: `an AVL needs a Part column (the BOM's IPN or primary MPN) and an MPN column; the columns are: ${sh.header.join(', ')}` });
    return;
  }
  for (const { cells, line } of sh.rows) {
    if (cells.every((c) => c.trim() === '')) continue;
    const part = (cells[partCol] ?? '').trim();
    const mpn = (cells[mpnCol] ?? '').trim();
    const mfr = mfrCol < 0 ? '' : (cells[mfrCol] ?? '').trim();
    const apText = apCol < 0 ? 'alternate' : (cells[apCol] ?? '').trim().toLowerCase() || 'alternate';
    const permission = PERMISSION[apText];
    if (permission === undefined) {
      errors.push({ reason: 'BOM_ROW_INVALID', file, line, column: sh.header[apCol]!, message: `"${apText}" is not an approval (primary, alternate, alternate-with-approval)` });
      continue;
    }
    if (mpn === '') {
      errors.push({ reason: 'BOM_ROW_INVALID', file, line, column: sh.header[mpnCol]!, message: 'no MPN' });
      continue;
    }
    const targets = lines.filter((l) => (l.ipn !== '' && l.ipn === part) || normMpn(l.parts[0]!.manufacturerPartNumber) === normMpn(part));
    if (targets.length === 0) {
      errors.push({ reason: 'BOM_ROW_INVALID', file, line, column: sh.header[partCol]!, message: `part ${part} is on no BOM line (by IPN or primary MPN)` });
      continue;
    }
    for (const l of targets) {
      const same = l.parts.find((p) => normMpn(p.manufacturerPartNumber) === normMpn(mpn) && (p.manufacturer === '' || mfr === '' || p.manufacturer.toLowerCase() === mfr.toLowerCase()));
      if (same !== undefined) {
        if (same.permission !== permission && !(same.permission === 'primary')) errors.push({ reason: 'BOM_DUPLICATE_CONFLICT', file, line, message: `${mpn} is already approved for ${part} as ${same.permission}, here as ${permission}` });
        if (same.manufacturer === '' && mfr !== '') l.parts[l.parts.indexOf(same)] = { ...same, manufacturer: mfr };
        continue;
      }
      if (l.parts.length >= 8) {
        errors.push({ reason: 'BOM_ROW_INVALID', file, line, message: `part ${part} would have more than 8 approved parts (a station's limit per slot)` });
        continue;
      }
      l.parts.push({ manufacturerPartNumber: mpn, manufacturer: mfr, permission: permission === 'primary' ? 'alternate' : permission });
    }
  }
}
