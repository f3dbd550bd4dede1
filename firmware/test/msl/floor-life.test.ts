// Floor life at given conditions: the rules of section 4 (rated table, nominal envelope, unrated, MSL 1, MSL 6,
// overrides, unknown class) and the property that rounding is never optimistic.
import fc from 'fast-check';
import {
  floorLife,
  SHIPPED_TABLES,
  TABLE_RHS,
  TABLE_TEMPS,
  THICK_TABLE,
  cellHours,
  validateTable,
  type FloorLifeTable,
  type TableSet,
} from '../../core/msl/index';

const thick = (level: '2' | '2a' | '3' | '4' | '5' | '5a') => ({ level, thicknessClass: 'thick' as const });
const fl = (spec: Parameters<typeof floorLife>[0], tempC: number, rhPct: number, tables: TableSet = SHIPPED_TABLES) => floorLife(spec, tables, { tempC, rhPct });

describe('rated conditions and conservative rounding', () => {
  it('rounds temperature up to the next row and humidity up to the next column', () => {
    expect(fl(thick('3'), 25.1, 60.1)).toEqual({ rated: true, hours: 120, cell: { tempC: 30, rhPct: 70 }, source: 'table' });
  });

  it('uses the 20 °C row for anything colder, negative included', () => {
    expect(fl(thick('3'), -25, 40)).toMatchObject({ hours: 312, cell: { tempC: 20, rhPct: 40 } });
  });

  it('rates exactly 35 °C and 90 %RH, and nothing above either', () => {
    expect(fl(thick('4'), 35, 90)).toMatchObject({ rated: true, hours: 24 });
    expect(fl(thick('4'), 35.01, 50)).toEqual({ rated: false, reason: 'MSD_CONDITIONS_UNRATED' });
    expect(fl(thick('4'), 20, 90.01)).toEqual({ rated: false, reason: 'MSD_CONDITIONS_UNRATED' });
  });

  it('pauses at or below 5 %RH for every level and class (the table\'s 5 %RH column has no limit)', () => {
    for (const spec of [thick('5a'), { level: '3' as const, thicknessClass: 'thin' as const }, thick('2')]) {
      expect(fl(spec, 33, 5)).toEqual({ rated: true, hours: null, cell: { tempC: 35, rhPct: 5 }, source: 'dry' });
    }
  });
});

describe('no table for the class or level: nominal floor life inside 30 °C/60 %RH only', () => {
  it.each(['medium', 'thin', 'unknown'] as const)('%s MSL 3: 168 h at 30/60 and no credit for cooler or drier air', (thicknessClass) => {
    const spec = { level: '3' as const, thicknessClass };
    expect(fl(spec, 30, 60)).toEqual({ rated: true, hours: 168, cell: { tempC: 30, rhPct: 60 }, source: 'nominal' });
    expect(fl(spec, 18, 20)).toMatchObject({ hours: 168, cell: { tempC: 30, rhPct: 60 } });
    expect(fl(spec, 30.01, 60)).toEqual({ rated: false, reason: 'MSD_CONDITIONS_UNRATED' });
    expect(fl(spec, 25, 60.01)).toEqual({ rated: false, reason: 'MSD_CONDITIONS_UNRATED' });
  });

  it('MSL 2 has no thick-table row: one year inside the envelope, unrated outside', () => {
    expect(fl(thick('2'), 29, 59)).toMatchObject({ hours: 8760, cell: { tempC: 30, rhPct: 60 } });
    expect(fl(thick('2'), 31, 50)).toEqual({ rated: false, reason: 'MSD_CONDITIONS_UNRATED' });
  });

  it('a floor-life override replaces the table: nominal override inside the envelope, unrated outside', () => {
    const spec = { level: '3' as const, thicknessClass: 'thick' as const, floorLifeHours: 100 };
    expect(fl(spec, 20, 20)).toMatchObject({ hours: 100, source: 'nominal' });
    expect(fl(spec, 30, 70)).toEqual({ rated: false, reason: 'MSD_CONDITIONS_UNRATED' });
  });

  it('an unknown class uses the shortest of all classes once every class has a table loaded', () => {
    // A thinner class: like the thick table, but its 20 °C rows no better than its 25 °C rows (valid, and shorter).
    const shorter = (cls: 'medium' | 'thin', cool: boolean): FloorLifeTable => {
      const rows = THICK_TABLE.rows.map((row) =>
        cool && row.tempC === 20 ? { ...row, hours: THICK_TABLE.rows.find((o) => o.level === row.level && o.tempC === 25)!.hours } : row,
      );
      const r = validateTable({ ...THICK_TABLE, thicknessClass: cls, rows });
      if (!r.ok) throw new Error(r.detail);
      return r.table;
    };
    const all: TableSet = { thick: THICK_TABLE, medium: shorter('medium', false), thin: shorter('thin', true) };
    const unknown = { level: '3' as const, thicknessClass: 'unknown' as const };
    expect(fl(unknown, 20, 20, all)).toMatchObject({ hours: 312, cell: { tempC: 20, rhPct: 20 }, source: 'table' });
    expect(fl(unknown, 20, 20, { thick: THICK_TABLE, medium: all.medium! })).toMatchObject({ hours: 168, source: 'nominal' });
  });
});

describe('MSL 1 and MSL 6', () => {
  it('MSL 1 is unlimited within 30 °C/85 %RH and unrated outside', () => {
    const spec = { level: '1' as const, thicknessClass: 'thin' as const };
    expect(fl(spec, 30, 85)).toEqual({ rated: true, hours: null, cell: { tempC: 30, rhPct: 85 }, source: 'nominal' });
    expect(fl(spec, 30.5, 50)).toEqual({ rated: false, reason: 'MSD_CONDITIONS_UNRATED' });
    expect(fl(spec, 25, 86)).toEqual({ rated: false, reason: 'MSD_CONDITIONS_UNRATED' });
  });

  it('MSL 6 without a time on label is MSD_TOL_UNKNOWN; with one, the TOL is its nominal life', () => {
    expect(fl({ level: '6', thicknessClass: 'thick' }, 25, 50)).toEqual({ rated: false, reason: 'MSD_TOL_UNKNOWN' });
    expect(fl({ level: '6', thicknessClass: 'thick', floorLifeHours: 6 }, 25, 50)).toMatchObject({ rated: true, hours: 6, cell: { tempC: 30, rhPct: 60 } });
  });
});

describe('property: rounding is never optimistic', () => {
  const levels = ['2a', '3', '4', '5', '5a'] as const;
  const order = (x: number | null) => (x === null ? Infinity : x);
  const cond = fc.record({ tempC: fc.double({ min: -30, max: 35, noNaN: true }), rhPct: fc.double({ min: 0, max: 90, noNaN: true }) });

  it('the floor life used is the table value at the nearest cell at or above the actual T and RH, never a cooler or drier one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...levels), cond, (level, c) => {
        const r = fl(thick(level), c.tempC, c.rhPct);
        if (!r.rated) return false;
        if (r.cell.tempC < c.tempC || r.cell.rhPct < c.rhPct) return false;
        if (r.hours !== cellHours(THICK_TABLE, level, r.cell.tempC as 20, r.cell.rhPct as 5)) return false;
        // No cell at or above the actual conditions is closer: every such cell has T ≥ and RH ≥ the one used.
        return TABLE_TEMPS.every((t) => TABLE_RHS.every((h) => !(t >= c.tempC && h >= c.rhPct) || (t >= r.cell.tempC && h >= r.cell.rhPct)));
      }),
      { numRuns: 2000 },
    );
  });

  it('the floor life used never exceeds the table at any cell whose T and RH are at or below the actual ones, nor a linear interpolation of the table', () => {
    fc.assert(
      fc.property(fc.constantFrom(...levels), cond, (level, c) => {
        const r = fl(thick(level), c.tempC, c.rhPct);
        if (!r.rated) return false;
        for (const t of TABLE_TEMPS) {
          for (const h of TABLE_RHS) {
            if (t <= c.tempC && h <= c.rhPct && order(r.hours) > order(cellHours(THICK_TABLE, level, t, h)!)) return false;
          }
        }
        // Between the bracketing cells, any interpolation of the table is at least the corner used.
        const t1 = r.cell.tempC as (typeof TABLE_TEMPS)[number];
        const h1 = r.cell.rhPct as (typeof TABLE_RHS)[number];
        const t0 = TABLE_TEMPS[Math.max(0, TABLE_TEMPS.indexOf(t1) - 1)]!;
        const h0 = TABLE_RHS[Math.max(0, TABLE_RHS.indexOf(h1) - 1)]!;
        const corners = [cellHours(THICK_TABLE, level, t0, h0), cellHours(THICK_TABLE, level, t0, h1), cellHours(THICK_TABLE, level, t1, h0), cellHours(THICK_TABLE, level, t1, h1)];
        return corners.every((x) => order(x!) >= order(r.hours));
      }),
      { numRuns: 2000 },
    );
  });

  it('without a table, nominal life is used only inside 30 °C/60 %RH, and never more than the nominal', () => {
    fc.assert(
      fc.property(fc.constantFrom('2', '3', '5a'), fc.constantFrom('medium', 'thin', 'unknown'), fc.double({ min: -30, max: 50, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (level, thicknessClass, tempC, rhPct) => {
        const r = floorLife({ level, thicknessClass }, SHIPPED_TABLES, { tempC, rhPct });
        if (rhPct <= 5 && tempC <= 35) return r.rated && r.hours === null;
        if (tempC <= 30 && rhPct <= 60) return r.rated && r.hours === { '2': 8760, '3': 168, '5a': 24 }[level];
        return !r.rated && r.reason === 'MSD_CONDITIONS_UNRATED';
      }),
      { numRuns: 1000 },
    );
  });
});
