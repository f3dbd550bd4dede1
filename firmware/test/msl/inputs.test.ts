// Contradictory and defaulted inputs. Table 7-1 rates a package by its body thickness and type: a stated class that
// contradicts them falls to the more restrictive class, never the more generous one (MSD_CLASS_CONFLICT). Where a
// document leaves a value out, the engine assumes the worst the standard allows for it, and never gives more life
// than any value the default stands for.
import fc from 'fast-check';
import {
  defaultEnv,
  evaluate,
  floorLife,
  resolveClasses,
  THICK_TABLE,
  validateTable,
  type FloorLife,
  type FloorLifeTable,
  type MslEnv,
  type MslEvent,
  type MslView,
  type PackageType,
  type ReelSpec,
  type TableSet,
} from '../../core/msl/index';
import { bodyArb, historyArb, packageArb, specArb, TEMPS, RHS } from './arbitrary';
import { at, openedAt, viewAt } from './helpers';

/** A table derived from the thick one, valid (monotone, nominal at 30/60), for the classes no public copy has. */
function derived(cls: 'medium' | 'thin', f: (hours: number | null, rhIndex: number) => number | null): FloorLifeTable {
  const rows = THICK_TABLE.rows.map((r) => ({ ...r, hours: r.hours.map((x, j) => (r.tempC === 30 && j === 6 ? x : f(x, j))) }));
  const v = validateTable({ ...THICK_TABLE, id: `test-${cls}`, thicknessClass: cls, rows });
  if (!v.ok) throw new Error(v.detail);
  return v.table;
}
// Thin packages saturate at low humidity (no limit up to 30 %RH) and soak faster at high humidity (half the life).
const THIN = derived('thin', (x, j) => (j <= 3 ? null : x === null || j < 7 ? x : Math.max(1, Math.floor(x / 2))));
const MEDIUM = derived('medium', (x, j) => (x === null || j < 7 ? x : Math.max(1, Math.floor((x * 3) / 4))));
const ALL: TableSet = { thick: THICK_TABLE, medium: MEDIUM, thin: THIN };

/** Longer is more generous: unrated (blocks) is 0, no limit is infinite. */
const life = (f: FloorLife): number => (!f.rated ? 0 : f.hours === null ? Infinity : f.hours);
const ms3 = (extra: Partial<ReelSpec>): ReelSpec => ({ level: '3', thicknessClass: 'thick', ...extra });

describe('Table 7-1 classes by body thickness and package type', () => {
  it('a 1.2 mm body stated "thick" with no package type is no ≥3.1 mm part: the nominal envelope rules (MSD_CLASS_CONFLICT)', () => {
    const spec = ms3({ bodyThicknessMm: 1.2 });
    expect(resolveClasses(spec)).toEqual({ classes: ['thick', 'thin'], conflict: true });
    // 25 °C/50 %RH: the thick table's 216 h would be the generous answer; the thin class (no table) gives 168 h.
    expect(floorLife(spec, defaultEnv().tables, { tempC: 25, rhPct: 50 })).toMatchObject({ hours: 168, source: 'nominal' });
    expect(viewAt(spec, openedAt(25, 50), 10).reasons).toEqual(['MSD_CLASS_CONFLICT']);
  });

  it('a BGA with a body ≥1 mm is rated with the ≥3.1 mm class, so "thick" is right for it', () => {
    const spec = ms3({ bodyThicknessMm: 1.2, packageType: 'bga' });
    expect(resolveClasses(spec)).toEqual({ classes: ['thick'], conflict: false });
    expect(floorLife(spec, defaultEnv().tables, { tempC: 25, rhPct: 50 })).toMatchObject({ hours: 216, source: 'table' });
    expect(viewAt(spec, openedAt(25, 50), 10).reasons).toEqual([]);
    // …and a BGA under 1 mm is in the <2.1 mm class whatever is stated.
    expect(resolveClasses(ms3({ bodyThicknessMm: 0.8, packageType: 'bga' }))).toEqual({ classes: ['thick', 'thin'], conflict: true });
  });

  it.each<[Partial<ReelSpec>, readonly string[], boolean]>([
    [{ bodyThicknessMm: 3.5 }, ['thick'], false],
    [{ bodyThicknessMm: 2.5 }, ['thick', 'medium'], true],
    [{ packageType: 'mqfp', bodyThicknessMm: 2.0 }, ['thick'], false],
    [{ packageType: 'tqfp' }, ['thick', 'thin'], true],
    [{ packageType: 'tsop', bodyThicknessMm: 1.0 }, ['thick', 'thin'], true],
    [{ packageType: 'other', bodyThicknessMm: 3.1 }, ['thick'], false],
    [{ packageType: 'bga' }, ['thick'], false],
  ])('stated thick with %j: rated by %j, conflict %p', (facts, classes, conflict) => {
    expect(resolveClasses(ms3(facts))).toEqual({ classes, conflict });
  });

  it('a thinner stated class is never loosened by a thick body: "thin" at 4 mm is rated by both', () => {
    expect(resolveClasses({ level: '3', thicknessClass: 'thin', bodyThicknessMm: 4 })).toEqual({ classes: ['thick', 'thin'], conflict: true });
  });

  it('an unknown class with a ≥3.1 mm body is the thick class: the body thickness alone decides it (no loss of life)', () => {
    const spec: ReelSpec = { level: '3', thicknessClass: 'unknown', bodyThicknessMm: 3.5 };
    expect(floorLife(spec, defaultEnv().tables, { tempC: 25, rhPct: 50 })).toMatchObject({ hours: 216, source: 'table' });
    // A 2.5 mm body of unstated type may be medium (or a BGA/MQFP, thick): no table for medium, so the nominal rule.
    expect(floorLife({ ...spec, bodyThicknessMm: 2.5 }, defaultEnv().tables, { tempC: 25, rhPct: 50 })).toMatchObject({ hours: 168, source: 'nominal' });
  });

  it('with every class loaded, a contradicted class is rated cell by cell by the shorter of the classes it may be', () => {
    const spec = ms3({ bodyThicknessMm: 1.2 }); // thick or thin
    expect(floorLife(spec, ALL, { tempC: 25, rhPct: 20 })).toMatchObject({ hours: 312 }); // thin: no limit, thick: 13 d
    expect(floorLife(spec, ALL, { tempC: 25, rhPct: 80 })).toMatchObject({ hours: 72 }); // thick 144, thin 72
  });

  it('a class conflict is a warning on the view: the state is what the restrictive class makes it', () => {
    const v = viewAt(ms3({ bodyThicknessMm: 1.2 }), openedAt(30, 70), 1);
    expect(v).toMatchObject({ state: 'blocked-unrated', reasons: ['MSD_CONDITIONS_UNRATED', 'MSD_CLASS_CONFLICT'] });
  });
});

describe('property: a contradiction never rates more generously than the stated class or the class the facts give', () => {
  /** Table 7-1's class for a body and package, written out again: BGA by 1 mm, MQFP thick, TQFP/TSOP thin. */
  const factClass = (b: number | undefined, p: PackageType | undefined) =>
    p === 'mqfp' ? 'thick' : p === 'tqfp' || p === 'tsop' ? 'thin' : b === undefined ? undefined : p === 'bga' ? (b >= 1 ? 'thick' : 'thin') : b >= 3.1 ? 'thick' : b >= 2.1 ? 'medium' : 'thin';

  it('for every level, class, body, package, condition and table set', () => {
    fc.assert(
      fc.property(
        specArb,
        fc.constantFrom(...TEMPS),
        fc.constantFrom(...RHS),
        fc.constantFrom<TableSet>(defaultEnv().tables, ALL, { thick: THICK_TABLE, thin: THIN }),
        (spec, tempC, rhPct, tables) => {
          const rated = life(floorLife(spec, tables, { tempC, rhPct }));
          const stated = spec.thicknessClass === 'unknown' ? Infinity : life(floorLife({ level: spec.level, thicknessClass: spec.thicknessClass, ...(spec.floorLifeHours === undefined ? {} : { floorLifeHours: spec.floorLifeHours }) }, tables, { tempC, rhPct }));
          const fc_ = factClass(spec.bodyThicknessMm, spec.packageType);
          const fact = fc_ === undefined ? Infinity : life(floorLife({ level: spec.level, thicknessClass: fc_, ...(spec.floorLifeHours === undefined ? {} : { floorLifeHours: spec.floorLifeHours }) }, tables, { tempC, rhPct }));
          expect(rated).toBeLessThanOrEqual(Math.min(stated, fact));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('defaults: the worst the standard allows for what is left out', () => {
  it('a dry cabinet (≤10 %RH) of unstated temperature is at 30 °C, the top of the standard\'s 25 ± 5 °C', () => {
    const ms4: ReelSpec = { level: '4', thicknessClass: 'thick' };
    expect(viewAt(ms4, [...openedAt(25, 50), at(1, { type: 'dry-in', rhPct: 8 })], 2)).toMatchObject({ state: 'exposed', cell: { tempC: 30, rhPct: 10 } });
  });

  it('a "cabinet" above 10 %RH is no dry storage: unstated, it is at 35 °C, the warmest rated row', () => {
    const v = viewAt({ level: '3', thicknessClass: 'thick' }, [...openedAt(25, 50), at(1, { type: 'dry-in', rhPct: 30 })], 2);
    expect(v).toMatchObject({ state: 'exposed', cell: { tempC: 35, rhPct: 30 } });
    // For a class without a table that is outside the nominal envelope: unrated, blocked until a supervisor decides.
    expect(viewAt({ level: '3', thicknessClass: 'thin' }, [...openedAt(25, 50), at(1, { type: 'dry-in', rhPct: 30 })], 2).state).toBe('blocked-unrated');
  });

  it('a cabinet sample without a temperature takes the same default', () => {
    const ms4: ReelSpec = { level: '4', thicknessClass: 'thick' };
    const ev = [...openedAt(25, 50), at(1, { type: 'dry-in', rhPct: 8, tempC: 22 }), at(2, { type: 'cabinet', rhPct: 9 })];
    expect(viewAt(ms4, ev, 3)).toMatchObject({ cell: { tempC: 30, rhPct: 10 } });
  });
});

describe('property: no default gives more remaining life than any value it stands for', () => {
  const env: MslEnv = defaultEnv();
  const lifeOf = (v: MslView) => (v.remainingHours === null ? Infinity : v.remainingHours);
  const run = (spec: ReelSpec, events: readonly MslEvent[], t: number) => {
    const r = evaluate({ ...spec, events }, t, env);
    return r.ok ? lifeOf(r.value) : undefined;
  };
  // Histories without supervisor decisions: a release is a person's statement that replaces a default.
  const histories = historyArb(30).map((ev) => ev.filter((e) => e.type !== 'disposition'));
  const evalAt = (ev: readonly MslEvent[], extraMin: number) => (ev.length === 0 ? 0 : ev[ev.length - 1]!.at) + extraMin * 60_000;
  let exercised = 0;

  /**
   * For every event `strip` applies to: the history with the value left out (the default) against the same history
   * with each explicit value the default stands for.
   */
  function check(spec: ReelSpec, events: readonly MslEvent[], extraMin: number, strip: (e: MslEvent) => { readonly base: MslEvent; readonly explicit: readonly MslEvent[] } | undefined): void {
    const t = evalAt(events, extraMin);
    for (let i = 0; i < events.length; i++) {
      const alt = strip(events[i]!);
      if (alt === undefined) continue;
      const base = run(spec, events.map((e, k) => (k === i ? alt.base : e)), t);
      if (base === undefined) continue;
      exercised++;
      for (const x of alt.explicit) {
        const explicit = run(spec, events.map((e, k) => (k === i ? x : e)), t);
        if (explicit !== undefined) expect(base).toBeLessThanOrEqual(explicit + 1e-9);
      }
    }
  }
  const without = <E extends MslEvent, K extends keyof E>(e: E, key: K): MslEvent => {
    const copy = { ...e };
    delete copy[key];
    return copy;
  };

  const spots = ['blue', 'pink', undefined] as const;
  const readings = spots.flatMap((hic10) => spots.map((hic60) => ({ hic10, hic60 })));
  type Strip = (e: MslEvent) => { readonly base: MslEvent; readonly explicit: readonly MslEvent[] } | undefined;
  it.each<[string, Strip, number]>([
    [
      'an unstated cabinet temperature: every temperature the cabinet could be at',
      (e) => (e.type === 'dry-in' || e.type === 'cabinet' ? { base: without(e, 'tempC'), explicit: [-5, 20, 22.5, 25, 27.5, 30, ...(e.rhPct > 10 ? [33, 35] : [])].map((tempC) => ({ ...e, tempC })) } : undefined),
      60,
    ],
    ['an unstated oven temperature: 125, 90 or 40 °C', (e) => (e.type === 'bake-start' ? { base: without(e, 'tempC'), explicit: [125, 90, 40].map((tempC) => ({ ...e, tempC })) } : undefined), 150],
    [
      'an unstated carrier: every carrier',
      (e) => (e.type === 'bake-start' ? { base: without(e, 'carrier'), explicit: (['tape-reel', 'tube', 'tube-high-temp', 'tray', 'bulk'] as const).map((carrier) => ({ ...e, carrier })) } : undefined),
      150,
    ],
    [
      'an unread humidity indicator card: every reading of it',
      (e) =>
        e.type === 'open'
          ? { base: { type: 'open', at: e.at }, explicit: readings.map((r) => ({ type: 'open', at: e.at, ...(r.hic10 === undefined ? {} : { hic10: r.hic10 }), ...(r.hic60 === undefined ? {} : { hic60: r.hic60 }) }) as MslEvent) }
          : undefined,
      150,
    ],
  ])('%s', (_, strip, minExercised) => {
    exercised = 0;
    fc.assert(
      fc.property(specArb, histories, fc.integer({ min: 0, max: 3000 }), (spec, events, extra) => check(spec, events, extra, strip)),
      { numRuns: 1000 },
    );
    expect(exercised).toBeGreaterThan(minExercised);
  });

  it('an unstated package type: every type a body of that thickness can have', () => {
    // TQFP and TSOP bodies are thin (<2.1 mm) by definition; MQFP bodies are 2 mm and more.
    const typesFor = (b: number | undefined): readonly PackageType[] =>
      b === undefined ? ['bga', 'mqfp', 'tqfp', 'tsop', 'other'] : b >= 2.1 ? ['bga', 'mqfp', 'other'] : b >= 2.0 ? ['bga', 'mqfp', 'tqfp', 'tsop', 'other'] : ['bga', 'tqfp', 'tsop', 'other'];
    fc.assert(
      fc.property(specArb, fc.constantFrom(...TEMPS), fc.constantFrom(...RHS), fc.constantFrom<TableSet>(defaultEnv().tables, ALL), bodyArb, (s, tempC, rhPct, tables, body) => {
        const spec: ReelSpec = { ...s, ...(body === undefined ? {} : { bodyThicknessMm: body }) };
        delete (spec as { packageType?: unknown }).packageType;
        // Without a body, a type that contradicts the stated class is a contradiction, not a value the default stands for.
        const allowed = typesFor(spec.bodyThicknessMm).filter((p) => spec.bodyThicknessMm !== undefined || !resolveClasses({ ...spec, packageType: p }).conflict);
        const base = life(floorLife(spec, tables, { tempC, rhPct }));
        for (const packageType of allowed) expect(base).toBeLessThanOrEqual(life(floorLife({ ...spec, packageType }, tables, { tempC, rhPct })));
      }),
      { numRuns: 3000 },
    );
  });
});

// Keep the arbitraries' package list in step with the engine's vocabulary.
it('the arbitraries cover every package type', () => {
  const seen = new Set(fc.sample(packageArb, 500));
  expect([...seen].filter((p) => p !== undefined).sort()).toEqual(['bga', 'mqfp', 'other', 'tqfp', 'tsop']);
});
