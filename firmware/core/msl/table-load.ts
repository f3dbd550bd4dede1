// Host-loaded floor-life tables: the MslTableLoad message carries one (class, level) block; this module turns
// blocks into the engine's tables and back. A block is validated whole against the table it joins, so a bad
// block is refused and the station keeps the table it had.
import type { MessageBody } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import {
  TABLE_CLASSES,
  TABLE_RHS,
  TABLE_TEMPS,
  validateTable,
  type FloorLifeRow,
  type FloorLifeTable,
  type TableClass,
  type TableSet,
} from './table';

export type TableBlock = MessageBody<'MslTableLoad'>;

/** Wire sentinels for a cell: no limit, and no value (this firmware refuses unrated cells inside a block). */
export const WIRE_UNLIMITED = 0xffff;
export const WIRE_UNRATED = 0;

export type TableLoadResult =
  | { readonly ok: true; readonly tables: TableSet; readonly table: FloorLifeTable }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

function refuse(detail: string): TableLoadResult {
  return { ok: false, reason: 'MSD_TABLE_INVALID', detail };
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Applies one block to the station's tables. Blocks of the table version the class already holds accumulate
 * (one level each); a block of another version starts a new table for the class, because levels from two
 * versions would make an incoherent table. Levels without a row fall back to the nominal-only rule, which is
 * the conservative side.
 */
export function applyTableBlock(tables: TableSet, block: TableBlock): TableLoadResult {
  const cls = TABLE_CLASSES.find((c) => c === block.thicknessClass);
  if (cls === undefined) return refuse('thicknessClass: a table rates thick, medium or thin; unknown never has a table');
  if (block.msdLevel === '1' || block.msdLevel === '6') return refuse(`msdLevel: ${block.msdLevel} has no derating rows`);
  // This firmware reads Table 7-1's layout; a block with other bounds is refused rather than re-binned.
  if (!sameList(block.rhColumns, TABLE_RHS)) return refuse(`rhColumns: this firmware reads ${TABLE_RHS.join(', ')} %RH`);
  if (!sameList(block.rows.map((r) => r.tempC), TABLE_TEMPS)) {
    return refuse(`rows: one per ${TABLE_TEMPS.join(', ')} °C, in that order`);
  }
  const rows: FloorLifeRow[] = [];
  for (let i = 0; i < block.rows.length; i++) {
    const r = block.rows[i]!;
    if (r.hours.length !== TABLE_RHS.length) return refuse(`rows[${i}].hours: ${TABLE_RHS.length} cells`);
    const j = r.hours.indexOf(WIRE_UNRATED);
    if (j >= 0) return refuse(`rows[${i}].hours[${j}]: unrated cells are not accepted`);
    rows.push({
      level: block.msdLevel,
      tempC: TABLE_TEMPS[i]!,
      hours: r.hours.map((h) => (h === WIRE_UNLIMITED ? null : h)),
    });
  }
  const held = tables[cls];
  const keep = held !== undefined && held.version === block.tableVersion ? held.rows.filter((r) => r.level !== block.msdLevel) : [];
  const checked = validateTable({
    id: `host-${cls}`,
    version: block.tableVersion,
    provenance: block.provenance,
    thicknessClass: cls,
    rows: [...keep, ...rows],
  });
  if (!checked.ok) return { ok: false, reason: checked.reason, detail: checked.detail };
  return { ok: true, table: checked.table, tables: { ...tables, [cls]: checked.table } };
}

/** The blocks that carry a table to a station, one per level (the host side of applyTableBlock). */
export function tableBlocks(table: FloorLifeTable, tableVersion: string = table.version): TableBlock[] {
  const levels = table.rows.map((r) => r.level).filter((l, i, all) => all.indexOf(l) === i);
  return levels.map((level) => ({
    thicknessClass: table.thicknessClass satisfies TableClass,
    msdLevel: level,
    tableVersion,
    provenance: table.provenance,
    rhColumns: [...TABLE_RHS],
    rows: TABLE_TEMPS.map((tempC) => {
      const row = table.rows.find((r) => r.level === level && r.tempC === tempC);
      return { tempC, hours: (row?.hours ?? []).map((h) => (h === null ? WIRE_UNLIMITED : h)) };
    }),
  }));
}
