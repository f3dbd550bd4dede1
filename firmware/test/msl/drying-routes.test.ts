// The drying routes of J-STD-033 4.1.2, granted where the standard allows them (a guard that throws good floor life
// away gets switched off): levels 2-3 after ≤12 h of exposure, ≥5× that time resealed in a dry bag (dry pack per
// 3.3) or in a ≤10 %RH cabinet; levels 4-5a after ≤8 h, ≥10× that time resealed in a dry bag or at ≤5 %RH.
import fc from 'fast-check';
import { evaluate, HOUR, MINUTE, type MslEvent, type ReelSpec } from '../../core/msl/index';
import { at, h, openDry, openedAt, viewAt } from './helpers';

const close = (x: number) => expect.closeTo(x, 12);

describe('4.1.2, levels 4, 5 and 5a', () => {
  it.each(['4', '5', '5a'] as const)('MSL %s: 8 h on the floor, then 80 h resealed in a dry bag (3.3), resets the clock', (level) => {
    const spec: ReelSpec = { level, thicknessClass: 'thick' };
    const events = [...openedAt(30, 60), at(8, { type: 'seal' })];
    expect(viewAt(spec, events, 88)).toMatchObject({ state: 'sealed', consumedFraction: 0, exposureMs: 0 });
    expect(evaluate({ ...spec, events }, h(88) - 1)).toMatchObject({ ok: true, value: { consumedFraction: close(8 / { '4': 72, '5': 48, '5a': 24 }[level]) } });
  });

  it('drying in the bag and in a ≤5 %RH cabinet add up while no exposure comes between; a 6 %RH cabinet consumes', () => {
    const ms5: ReelSpec = { level: '5', thicknessClass: 'thick' };
    // 4 h exposed; 20 h bagged; opened straight into a 4 %RH cabinet for 20 h: 40 h = 10 × 4 h.
    const moved = [...openedAt(25, 50), at(4, { type: 'seal' }), openDry(24), at(24, { type: 'dry-in', rhPct: 4 })];
    expect(viewAt(ms5, moved, 44).consumedFraction).toBe(0);
    // An hour on the floor between them is new exposure (5 h in all): drying starts again and 50 h are needed.
    const aired = [...openedAt(25, 50), at(4, { type: 'seal' }), openDry(24), at(25, { type: 'dry-in', rhPct: 4 })];
    expect(viewAt(ms5, aired, 74.9).consumedFraction).toBeGreaterThan(0);
    expect(viewAt(ms5, aired, 75).consumedFraction).toBe(0);
    expect(viewAt(ms5, [...openedAt(25, 50), at(4, { type: 'dry-in', rhPct: 6 })], 44).consumedFraction).toBeGreaterThan(4 / 72);
  });

  it('an exposure over 8 h needs a bake, in a bag or a cabinet', () => {
    const ms4: ReelSpec = { level: '4', thicknessClass: 'thick' };
    expect(viewAt(ms4, [...openedAt(30, 60), at(8.5, { type: 'seal' })], 1000).consumedFraction).toEqual(close(8.5 / 72));
    expect(viewAt(ms4, [...openedAt(30, 60), at(8.5, { type: 'dry-in', rhPct: 2 })], 1000).consumedFraction).toEqual(close(8.5 / 72));
  });

  it('a wet card, an unread card or a reel out of shelf life gets no short reset', () => {
    const ms4: ReelSpec = { level: '4', thicknessClass: 'thick' };
    expect(viewAt(ms4, [at(0, { type: 'open', hic10: 'pink' }), at(0, { type: 'ambient', tempC: 30, rhPct: 60 }), at(2, { type: 'seal' })], 100).consumedFraction).toEqual(close(2 / 72));
    expect(viewAt(ms4, [at(0, { type: 'open' }), at(0, { type: 'ambient', tempC: 30, rhPct: 60 }), at(2, { type: 'seal' })], 100).consumedFraction).toEqual(close(2 / 72));
  });
});

describe('4.1.2, levels 2, 2a and 3', () => {
  it.each(['2', '2a', '3'] as const)('MSL %s: 12 h, then 60 h in a bag or a ≤10 %%RH cabinet, resets', (level) => {
    const spec: ReelSpec = { level, thicknessClass: 'thick' };
    expect(viewAt(spec, [...openedAt(30, 60), at(12, { type: 'seal' })], 72).consumedFraction).toBe(0);
    expect(viewAt(spec, [...openedAt(30, 60), at(12, { type: 'dry-in', rhPct: 10, tempC: 25 })], 72).consumedFraction).toBe(0);
  });
});

describe('property: the short-exposure rule, both ways', () => {
  const rules = { '2': [12, 5], '2a': [12, 5], '3': [12, 5], '4': [8, 10], '5': [8, 10], '5a': [8, 10] } as const;
  const arb = fc.record({
    level: fc.constantFrom('2', '2a', '3', '4', '5', '5a' as const),
    exposureMin: fc.integer({ min: 1, max: 14 * 60 }),
    dryMultiple: fc.double({ min: 0, max: 14, noNaN: true }),
    store: fc.constantFrom('bag', 'cabinet-dry', 'cabinet-10'),
    tempC: fc.constantFrom(20, 25, 30),
    rhPct: fc.constantFrom(30, 50, 60),
  });

  it('an exposure within the limit then the factor × exposure in a storage the level allows resets; anything less never does', () => {
    fc.assert(
      fc.property(arb, (c) => {
        const [limitH, factor] = rules[c.level];
        const spec: ReelSpec = { level: c.level, thicknessClass: 'thick' };
        const exposedAt = h(0) + c.exposureMin * MINUTE;
        const store: MslEvent =
          c.store === 'bag' ? { type: 'seal', at: exposedAt } : { type: 'dry-in', at: exposedAt, rhPct: c.store === 'cabinet-dry' ? 5 : 10, tempC: 25 };
        const events = [...openedAt(c.tempC, c.rhPct), store];
        const evalAt = exposedAt + Math.round(c.dryMultiple * c.exposureMin * MINUTE);
        const r = evaluate({ ...spec, events }, evalAt);
        if (!r.ok) throw new Error(r.error.message);
        const allowed = c.store !== 'cabinet-10' || factor === 5;
        const reset = r.value.consumedFraction === 0;
        const due = allowed && c.exposureMin <= limitH * 60 && evalAt - exposedAt >= factor * c.exposureMin * MINUTE;
        expect(reset).toBe(due);
      }),
      { numRuns: 2000 },
    );
  });

  it('any exposure past the limit keeps its consumed life, however long the reel is stored', () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 200 * 60 }), (c, extraMin) => {
        const [limitH] = rules[c.level];
        const spec: ReelSpec = { level: c.level, thicknessClass: 'thick' };
        const exposedAt = h(limitH) + extraMin * MINUTE;
        const events = [...openedAt(c.tempC, c.rhPct), { type: 'seal', at: exposedAt } as MslEvent];
        const r = evaluate({ ...spec, events }, exposedAt + 1000 * HOUR);
        expect(r.ok && r.value.consumedFraction > 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
