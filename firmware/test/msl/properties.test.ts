// Properties the station and the host rely on: the incremental tracker and the from-history evaluation agree (across
// a flash round trip at any point), the closed-form integration matches a naive minute-by-minute integrator, a pause
// never consumes, more exposure never gives more remaining life, and evaluation is total.
import fc from 'fast-check';
import { REASONS } from '../../../protocol/src/reasons';
import {
  defaultEnv,
  evaluate,
  initialState,
  MINUTE,
  step,
  view,
  type MslEnv,
  type MslEvent,
  type MslResult,
  type MslView,
  type TrackerState,
} from '../../core/msl/index';
import { bodyArb, historyArb, packageArb, specArb } from './arbitrary';
import { referenceConsumed } from './reference';

const env = defaultEnv();
const lastAt = (events: readonly MslEvent[], fallback: number) => (events.length === 0 ? fallback : events[events.length - 1]!.at);

function fold(s0: TrackerState, events: readonly MslEvent[], e: MslEnv = env): MslResult<TrackerState> {
  let s = s0;
  for (let i = 0; i < events.length; i++) {
    const r = step(s, events[i]!, e);
    if (!r.ok) return { ok: false, error: { ...r.error, index: i } };
    s = r.value;
  }
  return { ok: true, value: s };
}

describe('incremental tracker and from-history evaluation', () => {
  it('agree on every history, when the state is written to flash (JSON) and read back at any point', () => {
    fc.assert(
      fc.property(specArb, historyArb(40), fc.nat(), fc.integer({ min: 0, max: 200 * 60 }), (spec, events, cut, extraMin) => {
        const k = events.length === 0 ? 0 : cut % (events.length + 1);
        const at = lastAt(events, 1_770_000_000_000) + extraMin * MINUTE;
        const whole = evaluate({ ...spec, events }, at);
        const first = fold(initialState(spec), events.slice(0, k));
        if (!first.ok) return expect(whole).toMatchObject({ ok: false, error: { reason: first.error.reason, index: first.error.index } });
        const stored = JSON.stringify(first.value);
        const restored = JSON.parse(stored) as TrackerState;
        expect(restored).toStrictEqual(first.value);
        // The state stays small whatever the history: a station keeps one per reel in flash.
        expect(stored.length).toBeLessThan(1200);
        const rest = fold(restored, events.slice(k));
        if (!rest.ok) return expect(whole).toMatchObject({ ok: false, error: { reason: rest.error.reason, index: rest.error.index! + k } });
        expect(view(rest.value, at, env)).toStrictEqual(whole);
        return true;
      }),
      { numRuns: 400 },
    );
  });
});


describe('closed-form integration', () => {
  it('matches a naive minute-by-minute integration of the same history', () => {
    const simpleSpec = fc
      .record({
        level: fc.constantFrom('2', '2a', '3', '4', '5', '5a' as const),
        thicknessClass: fc.constantFrom('thick', 'thick', 'medium', 'thin', 'unknown' as const),
        body: bodyArb,
        pkg: packageArb,
        fl: fc.constantFrom(undefined, undefined, undefined, 30),
      })
      .map(({ level, thicknessClass, body, pkg, fl }) => ({
        level,
        thicknessClass,
        ...(body === undefined ? {} : { bodyThicknessMm: body }),
        ...(pkg === undefined ? {} : { packageType: pkg }),
        ...(fl === undefined ? {} : { floorLifeHours: fl }),
      }));
    fc.assert(
      fc.property(simpleSpec, historyArb(14, { simple: true }), fc.integer({ min: 0, max: 3000 }), (spec, events, extraMin) => {
        const at = lastAt(events, 1_770_000_000_000) + extraMin * MINUTE;
        const r = evaluate({ ...spec, events }, at);
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        expect(r.value.consumedFraction).toBeCloseTo(referenceConsumed(spec, events, at, env), 9);
      }),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

const remainingOrder = (v: MslView) => (v.remainingHours === null ? Infinity : v.remainingHours);

describe('pauses and exposure', () => {
  it('a pause never consumes: sealed or paused at two times means nothing more was used in between', () => {
    fc.assert(
      fc.property(specArb, historyArb(30), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 100_000 }), (spec, events, a, d) => {
        const t1 = lastAt(events, 1_770_000_000_000) + a * MINUTE;
        const v1 = evaluate({ ...spec, events }, t1);
        const v2 = evaluate({ ...spec, events }, t1 + d * MINUTE);
        if (!v1.ok || !v2.ok) return true;
        const still = (v: MslView) => v.state === 'paused' || v.state === 'sealed';
        if (still(v1.value) && still(v2.value)) expect(v2.value.consumedFraction).toBeLessThanOrEqual(v1.value.consumedFraction);
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('time on the floor never gives back life: consumed grows and remaining shrinks', () => {
    fc.assert(
      fc.property(specArb, historyArb(30), fc.integer({ min: 0, max: 600 }), fc.integer({ min: 1, max: 100_000 }), (spec, events, a, d) => {
        const s = fold(initialState(spec), events);
        if (!s.ok || s.value.place !== 'floor') return true;
        const t1 = lastAt(events, 1_770_000_000_000) + a * MINUTE;
        const v1 = view(s.value, t1, env);
        const v2 = view(s.value, t1 + d * MINUTE, env);
        if (!v1.ok || !v2.ok) return false;
        expect(v2.value.consumedFraction).toBeGreaterThanOrEqual(v1.value.consumedFraction);
        expect(remainingOrder(v2.value)).toBeLessThanOrEqual(remainingOrder(v1.value));
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('more exposure never gives more remaining life: staying longer on the floor at any point of a history', () => {
    fc.assert(
      fc.property(specArb, historyArb(30), fc.nat(), fc.integer({ min: 1, max: 48 * 60 }), fc.integer({ min: 0, max: 600 }), (spec, events, cut, deltaMin, a) => {
        // The points of the history where the reel is on the floor (with a valid clock): stay there longer.
        const onFloor: number[] = [];
        let s = initialState(spec);
        for (let i = 0; i < events.length; i++) {
          const r = step(s, events[i]!, env);
          if (!r.ok) break;
          s = r.value;
          if (s.place === 'floor' && s.clockLost === null) onFloor.push(i + 1);
        }
        if (onFloor.length === 0) return true;
        const k = onFloor[cut % onFloor.length]!;
        const prefix = fold(initialState(spec), events.slice(0, k));
        if (!prefix.ok) return false;
        const delta = deltaMin * MINUTE;
        const longer = events.map((e, i) => (i < k ? e : { ...e, at: e.at + delta }));
        const tA = lastAt(events, prefix.value.at ?? 0) + a * MINUTE;
        const A = evaluate({ ...spec, events }, tA);
        const B = evaluate({ ...spec, events: longer }, tA + delta);
        if (!A.ok || !B.ok) return A.ok === B.ok;
        expect(remainingOrder(B.value)).toBeLessThanOrEqual(remainingOrder(A.value) + 1e-9);
        return true;
      }),
      { numRuns: 400 },
    );
  });
});

describe('evaluation is total', () => {
  const reasonNames = new Set(Object.keys(REASONS));
  const wild = fc.oneof(fc.anything(), fc.double(), fc.string(), fc.constant(undefined), fc.constant(null), fc.integer());
  const looseEvent = fc.record(
    {
      type: fc.oneof(fc.constantFrom('seal', 'open', 'ambient', 'dry-in', 'dry-out', 'bake-start', 'bake-end', 'bake-interrupt', 'bake-resume', 'sensor-lost', 'sensor-ok', 'clock-lost', 'time-sync', 'disposition', 'reflow'), wild),
      at: fc.oneof(fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), wild),
      tempC: wild,
      rhPct: wild,
      hic10: fc.oneof(fc.constantFrom('blue', 'pink'), wild),
      action: fc.oneof(fc.constantFrom('release', 'scrap'), wild),
      by: wild,
      spec: wild,
      carrier: wild,
      side: wild,
    },
    { requiredKeys: ['type', 'at'] },
  );
  const looseSpec = fc.record({
    level: fc.oneof(fc.constantFrom('1', '2', '2a', '3', '4', '5', '5a', '6'), wild),
    thicknessClass: fc.oneof(fc.constantFrom('thick', 'medium', 'thin', 'unknown'), wild),
    bodyThicknessMm: wild,
    floorLifeHours: wild,
    sealedAt: wild,
  }, { requiredKeys: [] });

  const isTyped = (r: unknown): boolean => {
    const x = r as MslResult<MslView>;
    if (x.ok) return typeof x.value.state === 'string' && Number.isFinite(x.value.consumedFraction);
    return reasonNames.has(x.error.reason) && typeof x.error.message === 'string';
  };

  it('arbitrary event lists and reel records give a view or a typed error, never a throw', () => {
    fc.assert(
      fc.property(looseSpec, fc.oneof(fc.array(looseEvent, { maxLength: 12 }), fc.array(fc.anything(), { maxLength: 5 }), wild), fc.oneof(fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }), wild), (spec, events, at) => {
        const r = evaluate({ ...(spec as object), events } as never, at as number);
        expect(isTyped(r)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('step and view on a valid state never throw on arbitrary events or times', () => {
    fc.assert(
      fc.property(specArb, historyArb(10), fc.anything(), fc.anything(), (spec, events, e, t) => {
        const s = fold(initialState(spec), events);
        if (!s.ok) return true;
        const r = step(s.value, e as MslEvent, env);
        expect(r.ok || (reasonNames.has(r.error.reason) && typeof r.error.message === 'string')).toBe(true);
        expect(isTyped(view(s.value, t as number, env))).toBe(true);
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('results never carry NaN or infinite figures', () => {
    fc.assert(
      fc.property(specArb, historyArb(30), fc.integer({ min: 0, max: 10_000 }), (spec, events, a) => {
        const r = evaluate({ ...spec, events }, lastAt(events, 1_770_000_000_000) + a * MINUTE);
        if (!r.ok) return true;
        const v = r.value;
        expect(Number.isFinite(v.consumedFraction) && v.consumedFraction >= 0).toBe(true);
        if (v.remainingHours !== null) expect(Number.isFinite(v.remainingHours) && v.remainingHours >= 0).toBe(true);
        if (v.expiresAt !== null) expect(Number.isFinite(v.expiresAt)).toBe(true);
        expect(v.remainingHours === null).toBe(spec.level === '1' && !['expired', 'needs-bake', 'blocked-unrated'].includes(v.state));
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

