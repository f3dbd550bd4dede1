// Floor-life tables (J-STD-033 Table 7-1 layout) as plain data, their validation and conservative lookup.
// A table arrives from the firmware image (thick class) or from the host (any class), so validateTable
// takes `unknown` and either returns a typed table or says precisely what is wrong.
import { MSD_LEVELS, type MsdLevel } from '../../../protocol/src/vocabulary';
import type { ReasonName } from '../../../protocol/src/reasons';

/** Table rows: ambient temperature, °C. A temperature rounds UP to the next row. */
export const TABLE_TEMPS = [20, 25, 30, 35] as const;
/** Table columns: relative humidity, %. A humidity rounds UP to the next column. */
export const TABLE_RHS = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90] as const;
export type TableTemp = (typeof TABLE_TEMPS)[number];
export type TableRh = (typeof TABLE_RHS)[number];

/** Classes a table can describe ('unknown' never has a table: it is treated as the worst known class). */
export const TABLE_CLASSES = ['thick', 'medium', 'thin'] as const;
export type TableClass = (typeof TABLE_CLASSES)[number];

/** Nominal floor life in hours at ≤30 °C/60 %RH (MSL 1: unlimited; MSL 6: time on label, so unknown here). */
export const NOMINAL_HOURS: { readonly [L in MsdLevel]: number | null } = {
  '1': null,
  '2': 8760,
  '2a': 672,
  '3': 168,
  '4': 72,
  '5': 48,
  '5a': 24,
  '6': null,
};

/**
 * One table row: a level at one temperature, hours for each RH column in TABLE_RHS order.
 * `null` is the sentinel for "no limit" (the table's 'inf'); on a binary wire it maps to a reserved value.
 */
export interface FloorLifeRow {
  readonly level: MsdLevel;
  readonly tempC: TableTemp;
  readonly hours: readonly (number | null)[];
}

export interface FloorLifeTable {
  /** Which table this is, e.g. `jstd033-7-1-thick`. */
  readonly id: string;
  /** Version of the data (for the thick table, a digest of its CSV), journaled with every decision made from it. */
  readonly version: string;
  /** Where the numbers come from. */
  readonly provenance: string;
  readonly thicknessClass: TableClass;
  readonly rows: readonly FloorLifeRow[];
}

/** The tables a station holds: the shipped thick table, plus any the host loaded. */
export interface TableSet {
  readonly thick?: FloorLifeTable;
  readonly medium?: FloorLifeTable;
  readonly thin?: FloorLifeTable;
}

export const MAX_TABLE_ROWS = MSD_LEVELS.length * TABLE_TEMPS.length;
const MAX_TEXT = 200;

export type TableResult =
  | { readonly ok: true; readonly table: FloorLifeTable }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/** The row a temperature rounds up to, or undefined above 35 °C (unrated). Anything ≤20 °C uses the 20 row. */
export function tempRow(tempC: number): TableTemp | undefined {
  return TABLE_TEMPS.find((t) => tempC <= t);
}

/** The column a humidity rounds up to, or undefined above 90 %RH (unrated). */
export function rhColumn(rhPct: number): TableRh | undefined {
  return TABLE_RHS.find((r) => rhPct <= r);
}

/** Hours at an exact cell: a number, null for no limit, undefined when the table has no row for the level. */
export function cellHours(table: FloorLifeTable, level: MsdLevel, tempC: TableTemp, rhPct: TableRh): number | null | undefined {
  const row = table.rows.find((r) => r.level === level && r.tempC === tempC);
  if (row === undefined) return undefined;
  return row.hours[TABLE_RHS.indexOf(rhPct)];
}

/** Longer-or-equal, where null (no limit) is longest. */
function notShorter(a: number | null, b: number | null): boolean {
  return a === null || (b !== null && a >= b);
}

function fail(detail: string): TableResult {
  return { ok: false, reason: 'MSD_TABLE_INVALID', detail };
}

function isText(x: unknown, max: number): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= max;
}

/**
 * Checks a table from any source. Besides shape and ranges it checks what the physics and the standard
 * guarantee, which catches swapped columns and unit mistakes (days for hours): floor life never grows with
 * temperature or humidity, every level has all four temperature rows, and the 30 °C/60 %RH cell equals the
 * level's nominal floor life.
 */
export function validateTable(x: unknown): TableResult {
  if (typeof x !== 'object' || x === null) return fail('table: not an object');
  const t = x as Record<string, unknown>;
  if (!isText(t['id'], 64)) return fail('id: a non-empty string of at most 64 characters');
  if (!isText(t['version'], 64)) return fail('version: a non-empty string of at most 64 characters');
  if (!isText(t['provenance'], MAX_TEXT)) return fail(`provenance: a non-empty string of at most ${MAX_TEXT} characters`);
  const cls = t['thicknessClass'];
  if (!TABLE_CLASSES.some((c) => c === cls)) return fail(`thicknessClass: one of ${TABLE_CLASSES.join(', ')}`);
  const rowsIn = t['rows'];
  if (!Array.isArray(rowsIn) || rowsIn.length === 0) return fail('rows: a non-empty list');
  if (rowsIn.length > MAX_TABLE_ROWS) return fail(`rows: at most ${MAX_TABLE_ROWS}`);
  const rows: FloorLifeRow[] = [];
  for (let i = 0; i < rowsIn.length; i++) {
    const r = rowsIn[i] as unknown;
    if (typeof r !== 'object' || r === null) return fail(`rows[${i}]: not an object`);
    const row = r as Record<string, unknown>;
    const level = MSD_LEVELS.find((l) => l === row['level']);
    if (level === undefined || level === '1' || level === '6') return fail(`rows[${i}].level: one of 2, 2a, 3, 4, 5, 5a`);
    const tempC = TABLE_TEMPS.find((c) => c === row['tempC']);
    if (tempC === undefined) return fail(`rows[${i}].tempC: one of ${TABLE_TEMPS.join(', ')}`);
    const hours = row['hours'];
    if (!Array.isArray(hours) || hours.length !== TABLE_RHS.length) return fail(`rows[${i}].hours: ${TABLE_RHS.length} cells`);
    const cells: (number | null)[] = [];
    for (let j = 0; j < hours.length; j++) {
      const h = hours[j] as unknown;
      if (h !== null && !(typeof h === 'number' && Number.isFinite(h) && h > 0 && h <= 1e6)) {
        return fail(`rows[${i}].hours[${j}]: hours > 0, or null for no limit`);
      }
      if (j > 0 && !notShorter(cells[j - 1]!, h)) return fail(`rows[${i}].hours[${j}]: floor life grows with humidity`);
      cells.push(h);
    }
    if (rows.some((o) => o.level === level && o.tempC === tempC)) return fail(`rows[${i}]: duplicate level ${level} at ${tempC} °C`);
    rows.push({ level, tempC, hours: cells });
  }
  for (const level of MSD_LEVELS) {
    const mine = TABLE_TEMPS.map((c) => rows.find((r) => r.level === level && r.tempC === c));
    if (mine.every((r) => r === undefined)) continue;
    const missing = TABLE_TEMPS.filter((_, k) => mine[k] === undefined);
    if (missing.length > 0) return fail(`level ${level}: no row for ${missing.join(', ')} °C`);
    for (let k = 1; k < mine.length; k++) {
      for (let j = 0; j < TABLE_RHS.length; j++) {
        if (!notShorter(mine[k - 1]!.hours[j]!, mine[k]!.hours[j]!)) {
          return fail(`level ${level}: floor life grows with temperature at ${TABLE_RHS[j]} %RH`);
        }
      }
    }
    const at3060 = mine[TABLE_TEMPS.indexOf(30)]!.hours[TABLE_RHS.indexOf(60)];
    if (at3060 !== NOMINAL_HOURS[level]) {
      return fail(`level ${level}: the 30 °C/60 %RH cell is ${String(at3060)} h, not the nominal ${String(NOMINAL_HOURS[level])} h`);
    }
  }
  return {
    ok: true,
    table: { id: t['id'] as string, version: t['version'] as string, provenance: t['provenance'] as string, thicknessClass: cls as TableClass, rows },
  };
}
