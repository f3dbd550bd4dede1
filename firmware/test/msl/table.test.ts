// The shipped tables are the reference data: every one of the 200 cells of Table 7-1 (thick class), exactly and
// when rounding from inside the cell; the bake table against the reference; and validateTable's rejections.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BAKE_TABLE,
  tableColumn,
  floorLife,
  NOMINAL_HOURS,
  requiredBakeHours,
  SHIPPED_TABLES,
  TABLE_RHS,
  TABLE_TEMPS,
  THICK_TABLE,
  validateTable,
  type FloorLifeTable,
} from '../../core/msl/index';
import type { MsdLevel } from '../../../protocol/src/messages';

// An independent reading of the committed CSV (the generator has its own parser).
const csv = readFileSync(join(__dirname, '..', '..', 'core', 'msl', 'tables', 'jstd033-thick.csv'), 'utf8');
const cells = csv
  .split('\n')
  .filter((l) => /^\d/.test(l))
  .flatMap((l) => {
    const [level, temp, ...days] = l.split(',');
    return days.map((d, j) => ({
      level: level as MsdLevel,
      tempC: Number(temp),
      rhPct: TABLE_RHS[j]!,
      hours: d.trim() === 'inf' ? null : Number(d) * 24,
    }));
  });

/** A point strictly inside the cell: above the previous row/column, below this one. */
function inside(tempC: number, rhPct: number): { tempC: number; rhPct: number } {
  const ti = TABLE_TEMPS.indexOf(tempC as (typeof TABLE_TEMPS)[number]);
  const ri = TABLE_RHS.indexOf(rhPct as (typeof TABLE_RHS)[number]);
  return { tempC: ti === 0 ? -7.5 : tempC - 0.01, rhPct: ri === 0 ? 0 : rhPct - 0.01 };
}

describe('J-STD-033 Table 7-1, thick class, as shipped', () => {
  it('has all 200 cells of the reference CSV (5 levels × 4 temperatures × 10 humidities)', () => {
    expect(cells).toHaveLength(200);
    expect(THICK_TABLE.rows).toHaveLength(20);
  });

  it('passes its own validation, with a provenance and a version', () => {
    const r = validateTable(THICK_TABLE);
    expect(r.ok).toBe(true);
    expect(THICK_TABLE.provenance).toMatch(/J-STD-033 Table 7-1/);
    expect(THICK_TABLE.version).toMatch(/^csv-sha256-[0-9a-f]{16}$/);
  });

  it.each(cells.map((c) => [c.level, c.tempC, c.rhPct, c.hours] as const))(
    'MSL %s at %d °C / %d %%RH: %p h, exactly at the cell and from inside it',
    (level, tempC, rhPct, hours) => {
      const spec = { level, thicknessClass: 'thick' as const };
      const expected = { rated: true, hours, cell: { tempC, rhPct } };
      expect(floorLife(spec, SHIPPED_TABLES, { tempC, rhPct })).toMatchObject(expected);
      expect(floorLife(spec, SHIPPED_TABLES, inside(tempC, rhPct))).toMatchObject(expected);
    },
  );

  it.each(['2a', '3', '4', '5', '5a'] as const)('MSL %s: the 30 °C/60 %%RH cell is the nominal floor life', (level) => {
    expect(floorLife({ level, thicknessClass: 'thick' }, SHIPPED_TABLES, { tempC: 30, rhPct: 60 })).toMatchObject({ hours: NOMINAL_HOURS[level] });
  });
});

describe('validateTable rejects malformed tables with MSD_TABLE_INVALID', () => {
  const base = (): FloorLifeTable => JSON.parse(JSON.stringify(THICK_TABLE)) as FloorLifeTable;
  const mutate = (f: (t: Record<string, unknown> & { rows: Record<string, unknown>[] }) => void): unknown => {
    const t = base() as unknown as Record<string, unknown> & { rows: Record<string, unknown>[] };
    f(t);
    return t;
  };
  it.each<[string, unknown, RegExp]>([
    ['not an object', 42, /not an object/],
    ['no id', mutate((t) => delete t['id']), /^id/],
    ['no version', mutate((t) => (t['version'] = '')), /^version/],
    ['no provenance', mutate((t) => delete t['provenance']), /^provenance/],
    ['class unknown', mutate((t) => (t['thicknessClass'] = 'unknown')), /thicknessClass/],
    ['no rows', mutate((t) => (t.rows = [])), /rows/],
    ['too many rows', mutate((t) => (t.rows = [...t.rows, ...t.rows])), /at most 32/],
    ['a row for MSL 1', mutate((t) => (t.rows[0]!['level'] = '1')), /rows\[0\]\.level/],
    ['a 22 °C row', mutate((t) => (t.rows[0]!['tempC'] = 22)), /rows\[0\]\.tempC/],
    ['nine cells', mutate((t) => (t.rows[0]!['hours'] = (t.rows[0]!['hours'] as unknown[]).slice(1))), /10 cells/],
    ['a zero cell', mutate((t) => ((t.rows[0]!['hours'] as unknown[])[9] = 0)), /hours\[9\]/],
    ['a string cell', mutate((t) => ((t.rows[0]!['hours'] as unknown[])[9] = 'inf')), /hours\[9\]/],
    ['floor life growing with humidity', mutate((t) => ((t.rows[0]!['hours'] as unknown[])[9] = 1000)), /grows with humidity/],
    ['floor life growing with temperature', mutate((t) => ((t.rows[0]!['hours'] as unknown[])[2] = 9999)), /grows with temperature/],
    ['a missing temperature row', mutate((t) => t.rows.splice(1, 1)), /level 2a: no row for 30/],
    ['a duplicate row', mutate((t) => (t.rows[1] = t.rows[0]!)), /duplicate/],
    ['days instead of hours', mutate((t) => t.rows.forEach((r) => (r['hours'] = (r['hours'] as (number | null)[]).map((x) => (x === null ? null : x / 24))))), /nominal/],
  ])('%s', (_, table, detail) => {
    const r = validateTable(table);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('MSD_TABLE_INVALID');
      expect(r.detail).toMatch(detail);
    }
  });

  it('accepts a host-loaded table of another class and the engine then uses it', () => {
    const medium = { ...base(), id: 'lab-medium', thicknessClass: 'medium' };
    const r = validateTable(medium);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const tables = { ...SHIPPED_TABLES, medium: r.table };
    expect(floorLife({ level: '3', thicknessClass: 'medium' }, tables, { tempC: 22, rhPct: 75 })).toMatchObject({ hours: 144, cell: { tempC: 25, rhPct: 80 } });
  });
});

describe('bake table', () => {
  // The reference table (msl-jstd033.md section 3), as written there.
  const reference = `
1.4 2a 5h 3h 17h 11h 8d 5d
1.4 3 9h 7h 33h 23h 13d 9d
1.4 4 11h 7h 37h 23h 15d 9d
1.4 5 12h 7h 41h 24h 17d 10d
1.4 5a 16h 10h 54h 24h 22d 10d
2.0 2a 21h 16h 3d 2d 29d 22d
2.0 3 27h 17h 4d 2d 37d 23d
2.0 4 34h 20h 5d 3d 47d 28d
2.0 5 40h 25h 6d 4d 57d 35d`;
  const rows = reference
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  const toHours = (s: string) => (s.endsWith('d') ? Number(s.slice(0, -1)) * 24 : Number(s.slice(0, -1)));

  it.each(rows)('≤%s mm, MSL %s: 125 °C %s/%s, 90 °C %s/%s, 40 °C %s/%s (>72 h / ≤72 h)', (body, level, ...v) => {
    const hours = v.map(toHours);
    const mm = Number(body);
    const l = level as MsdLevel;
    expect([
      requiredBakeHours(BAKE_TABLE, mm, l, 125, true),
      requiredBakeHours(BAKE_TABLE, mm, l, 125, false),
      requiredBakeHours(BAKE_TABLE, mm, l, 90, true),
      requiredBakeHours(BAKE_TABLE, mm, l, 90, false),
      requiredBakeHours(BAKE_TABLE, mm, l, 40, true),
      requiredBakeHours(BAKE_TABLE, mm, l, 40, false),
    ]).toEqual(hours);
  });

  it('picks the thinnest band that holds the body, and has no value beyond 2.0 mm or without a thickness', () => {
    expect(requiredBakeHours(BAKE_TABLE, 0.8, '3', 125, false)).toBe(7);
    expect(requiredBakeHours(BAKE_TABLE, 1.4, '3', 125, false)).toBe(7);
    expect(requiredBakeHours(BAKE_TABLE, 1.41, '3', 125, false)).toBe(17);
    expect(requiredBakeHours(BAKE_TABLE, 2.0, '3', 125, false)).toBe(17);
    expect(requiredBakeHours(BAKE_TABLE, 2.01, '3', 125, false)).toBeUndefined();
    expect(requiredBakeHours(BAKE_TABLE, undefined, '3', 125, false)).toBeUndefined();
    expect(requiredBakeHours(BAKE_TABLE, 2.0, '5a', 125, false)).toBeUndefined();
    expect(requiredBakeHours(BAKE_TABLE, 1.0, '2', 125, false)).toBeUndefined();
    expect(requiredBakeHours(BAKE_TABLE, 1.0, '6', 125, false)).toBeUndefined();
  });

  it('a bake temperature is a Table 4-1 column only exactly: it is never rounded to the nearest one', () => {
    expect([150, 125, 124.9, 90, 89.9, 40, 39.9].map(tableColumn)).toEqual([undefined, 125, undefined, 90, undefined, 40, undefined]);
  });
});
