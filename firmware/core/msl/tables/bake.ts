// Bake times that reset floor life, by body thickness, level, bake temperature and overtime (J-STD-033 Table 4-1,
// revision B layout), in hours. Only the rows found in a public copy are here; anything else has no table value,
// and a bake then needs a supervisor sign-off naming its specification.
import type { MsdLevel } from '../../../../protocol/src/messages';

/** Bake temperature columns, °C: the only temperatures Table 4-1 rates (a bake elsewhere is never moved to one). */
export const BAKE_TEMPS = [125, 90, 40] as const;
export type BakeTemp = (typeof BAKE_TEMPS)[number];

/** Hours for one temperature column: floor life exceeded by more than 72 h, or not. */
export interface BakeHours {
  readonly over72: number;
  readonly within72: number;
}

export interface BakeRow {
  /** The row covers bodies up to and including this thickness, mm. */
  readonly maxBodyMm: number;
  readonly level: MsdLevel;
  readonly hours: { readonly [T in BakeTemp]: BakeHours };
}

export interface BakeTable {
  readonly id: string;
  readonly version: string;
  readonly provenance: string;
  /** 90 °C and 40 °C bakes count only at or below this oven humidity. */
  readonly maxRhPct: number;
  readonly rows: readonly BakeRow[];
}

const d = 24;
const row = (maxBodyMm: number, level: MsdLevel, h: readonly [number, number, number, number, number, number]): BakeRow => ({
  maxBodyMm,
  level,
  hours: { 125: { over72: h[0], within72: h[1] }, 90: { over72: h[2], within72: h[3] }, 40: { over72: h[4], within72: h[5] } },
});

export const BAKE_TABLE: BakeTable = {
  id: 'jstd033-4-1',
  version: 'rev-b-public-1',
  provenance:
    'J-STD-033 Table 4-1 (revision B layout) from public secondary copies; rows for bodies > 2.0 mm, MSL 5a at 2.0 mm, MSL 2 and MSL 6 were not found.',
  maxRhPct: 5,
  rows: [
    row(1.4, '2a', [5, 3, 17, 11, 8 * d, 5 * d]),
    row(1.4, '3', [9, 7, 33, 23, 13 * d, 9 * d]),
    row(1.4, '4', [11, 7, 37, 23, 15 * d, 9 * d]),
    row(1.4, '5', [12, 7, 41, 24, 17 * d, 10 * d]),
    row(1.4, '5a', [16, 10, 54, 24, 22 * d, 10 * d]),
    row(2.0, '2a', [21, 16, 3 * d, 2 * d, 29 * d, 22 * d]),
    row(2.0, '3', [27, 17, 4 * d, 2 * d, 37 * d, 23 * d]),
    row(2.0, '4', [34, 20, 5 * d, 3 * d, 47 * d, 28 * d]),
    row(2.0, '5', [40, 25, 6 * d, 4 * d, 57 * d, 35 * d]),
  ],
};

/** Hours the table requires, or undefined where it has no value (body unknown or thicker than every row, level absent). */
export function requiredBakeHours(
  table: BakeTable,
  bodyMm: number | undefined,
  level: MsdLevel,
  column: BakeTemp,
  over72: boolean,
): number | undefined {
  if (bodyMm === undefined) return undefined;
  // Rows are per thickness band: the thinnest band that holds the body.
  const band = table.rows.filter((r) => bodyMm <= r.maxBodyMm).reduce<number | undefined>((m, r) => (m === undefined || r.maxBodyMm < m ? r.maxBodyMm : m), undefined);
  const r = table.rows.find((x) => x.maxBodyMm === band && x.level === level);
  if (r === undefined) return undefined;
  const h = r.hours[column];
  return over72 ? h.over72 : h.within72;
}
