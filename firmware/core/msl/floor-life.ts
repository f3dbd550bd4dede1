// Floor life at given conditions: the table cell after conservative rounding, the nominal figure inside the
// 30 °C/60 %RH envelope where no table applies, or "unrated". Section 4 of the J-STD-033 reference, items 2 and 3.
import type { MsdLevel } from '../../../protocol/src/messages';
import {
  cellHours,
  NOMINAL_HOURS,
  rhColumn,
  tempRow,
  type TableRh,
  type TableSet,
  type TableTemp,
} from './table';
import { resolveClasses } from './classes';
import type { Conditions, ReelSpec } from './types';

export type FloorLife =
  /** hours: the floor life to integrate, null when there is no limit (the clock does not run). */
  | { readonly rated: true; readonly hours: number | null; readonly cell: Conditions; readonly source: 'table' | 'nominal' | 'dry' }
  | { readonly rated: false; readonly reason: 'MSD_CONDITIONS_UNRATED' | 'MSD_TOL_UNKNOWN' };

/** The envelope in which a nominal floor life holds (levels 2–6), and MSL 1's rated conditions. */
export const NOMINAL_ENVELOPE: Conditions = { tempC: 30, rhPct: 60 };
export const MSL1_ENVELOPE: Conditions = { tempC: 30, rhPct: 85 };
/** The worst rated cell, assumed when the sensor is stale. */
export const WORST_CELL: Conditions = { tempC: 35, rhPct: 90 };
/** At or below this humidity the clock pauses, for every level and class. */
export const PAUSE_RH = 5;

const UNRATED = { rated: false, reason: 'MSD_CONDITIONS_UNRATED' } as const;

/** Nominal floor life in hours: the label/host override, else the level's; null = unlimited or (MSL 6) unknown. */
export function nominalHours(spec: ReelSpec): number | null {
  if (spec.level === '1') return null;
  return spec.floorLifeHours ?? NOMINAL_HOURS[spec.level];
}

function shorter(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

/**
 * The table cell hours that apply to this reel, or undefined where no table applies: an override always wins
 * (policy 1); otherwise the shortest cell of every class that may rate the reel (`resolveClasses`), and only when
 * each of those classes has a table for the level (a class without one stands for "unknown": no table applies).
 */
export function tableCell(spec: ReelSpec, tables: TableSet, tempC: TableTemp, rhPct: TableRh): number | null | undefined {
  if (spec.floorLifeHours !== undefined) return undefined;
  const level: MsdLevel = spec.level;
  const classes = resolveClasses(spec).classes;
  let cell: number | null | undefined;
  for (let i = 0; i < classes.length; i++) {
    const t = tables[classes[i]!];
    // A valid table has all four temperature rows of every level it has (validateTable), so no cell means no level.
    const found = t === undefined ? undefined : cellHours(t, level, tempC, rhPct);
    if (found === undefined) return undefined;
    const h = found;
    cell = i === 0 ? h : shorter(cell ?? null, h);
  }
  return cell;
}

/** The reel's derating table covers its level (so a worst rated cell exists). */
export function hasTable(spec: ReelSpec, tables: TableSet): boolean {
  return spec.level !== '1' && tableCell(spec, tables, 35, 90) !== undefined;
}

/** Floor life for the reel at the given conditions. Conditions must be finite with 0 ≤ RH ≤ 100. */
export function floorLife(spec: ReelSpec, tables: TableSet, cond: Conditions): FloorLife {
  const row = tempRow(cond.tempC);
  const col = rhColumn(cond.rhPct);
  if (spec.level === '1') {
    if (cond.tempC <= MSL1_ENVELOPE.tempC && cond.rhPct <= MSL1_ENVELOPE.rhPct) return { rated: true, hours: null, cell: MSL1_ENVELOPE, source: 'nominal' };
    if (row !== undefined && col === PAUSE_RH) return { rated: true, hours: null, cell: { tempC: row, rhPct: col }, source: 'dry' };
    return UNRATED;
  }
  if (spec.level === '6' && spec.floorLifeHours === undefined) return { rated: false, reason: 'MSD_TOL_UNKNOWN' };
  if (row === undefined || col === undefined) return UNRATED;
  if (col === PAUSE_RH) return { rated: true, hours: null, cell: { tempC: row, rhPct: col }, source: 'dry' };
  const fromTable = tableCell(spec, tables, row, col);
  if (fromTable !== undefined) return { rated: true, hours: fromTable, cell: { tempC: row, rhPct: col }, source: 'table' };
  if (cond.tempC <= NOMINAL_ENVELOPE.tempC && cond.rhPct <= NOMINAL_ENVELOPE.rhPct) {
    return { rated: true, hours: nominalHours(spec), cell: NOMINAL_ENVELOPE, source: 'nominal' };
  }
  return UNRATED;
}
