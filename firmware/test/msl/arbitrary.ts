// fast-check arbitraries for MSL histories. Histories are built by a small state machine that only picks events
// possible where the reel is, so most histories are valid and exercise the engine deeply (impossible ones are
// covered by the totality property). Condition values cluster on the table's boundaries.
import fc from 'fast-check';
import { MSD_LEVELS } from '../../../protocol/src/messages';
import { MINUTE, type MslEvent, type ReelSpec } from '../../core/msl/index';
import { T0 } from './helpers';

export const TEMPS = [-5, 19.5, 20, 22, 25, 28, 30, 31, 35, 36] as const;
export const RHS = [0.5, 5, 7, 10, 12, 40, 60, 61, 85, 90, 95] as const;
/** Readings common sensors return on a fault, and physically impossible ones: never a condition. */
export const FAULT_READINGS = [
  { tempC: -40, rhPct: 0 },
  { tempC: -40, rhPct: 45 },
  { tempC: 25, rhPct: 0 },
  { tempC: -45, rhPct: 0 },
  { tempC: 130, rhPct: 100 },
  { tempC: 124.99, rhPct: 99.99 },
  { tempC: -46.85, rhPct: -6 },
  { tempC: 128.87, rhPct: 118.99 },
  { tempC: 0, rhPct: 0 },
  { tempC: -127, rhPct: 50 },
  { tempC: 22, rhPct: 150 },
  { tempC: NaN, rhPct: 40 },
] as const;

export interface Move {
  readonly dtMin: number;
  readonly pick: number;
  readonly tempC: number;
  readonly rhPct: number;
  readonly variant: number;
}

export const moveArb: fc.Arbitrary<Move> = fc.record({
  dtMin: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 240 }) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 4320 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 10, 11, 480, 720) }),
  pick: fc.nat(),
  tempC: fc.constantFrom(...TEMPS),
  rhPct: fc.constantFrom(...RHS),
  variant: fc.nat({ max: 11 }),
});

/** The fault readings a JSON document can carry (NaN cannot travel in JSON; classifySample's tests cover it). */
export const JSON_FAULTS = FAULT_READINGS.filter((r) => Number.isFinite(r.tempC) && Number.isFinite(r.rhPct));
export const faultArb = fc.constantFrom(...JSON_FAULTS);

type Place = 'new' | 'bag' | 'floor' | 'cabinet' | 'oven' | 'interrupted';

export interface BuildOptions {
  /** Only floor, bag, cabinet and sensor events (for the reference integrator). */
  readonly simple?: boolean;
}

/** Turns moves into a history whose events are possible where the reel is. */
export function buildHistory(moves: readonly Move[], opts: BuildOptions = {}): MslEvent[] {
  let place: Place = 'new';
  let t = T0;
  const out: MslEvent[] = [];
  for (const m of moves) {
    t += m.dtMin * MINUTE;
    const at = t;
    const fault = JSON_FAULTS[Math.floor(m.pick / 7) % JSON_FAULTS.length]!;
    const sensor = (): { sensor?: 'floor' | 'cabinet' } => (m.variant % 3 === 0 ? {} : { sensor: m.variant % 3 === 1 ? 'floor' : 'cabinet' });
    const options: (() => MslEvent)[] = [
      () => ({ type: 'ambient', at, tempC: m.tempC, rhPct: m.rhPct }),
      () => ({ type: 'ambient', at, tempC: m.tempC, rhPct: m.rhPct }),
      () => (m.variant < 3 ? { type: 'ambient', at, tempC: fault.tempC, rhPct: fault.rhPct } : { type: 'ambient', at, tempC: m.tempC, rhPct: m.rhPct }),
      () => ({ type: 'sensor-lost', at, ...sensor() }),
      () => ({ type: 'sensor-ok', at, ...sensor() }),
    ];
    if (!opts.simple) {
      // Clock losses last until a sync: offer them rarely so that most histories are not blocked at the end.
      if (m.variant % 4 === 0) options.push(() => ({ type: 'clock-lost', at }));
      options.push(
        () => ({ type: 'time-sync', at }),
        () => ({ type: 'reflow', at }),
        () =>
          m.variant === 0 ? { type: 'disposition', at, action: 'scrap', by: 'sup' }
          : m.variant % 3 === 0 ? { type: 'disposition', at, action: 'release', by: 'sup' }
          : { type: 'disposition', at, action: 'release', by: 'sup', spec: 'spec-1' },
      );
    }
    // Mostly a card read dry; sometimes wet, unread, or read only in part.
    const hic = (v: number) =>
      v % 6 === 0 ? {}
      : v % 6 === 1 ? { hic10: 'pink' as const }
      : v % 6 === 2 ? { hic60: 'blue' as const }
      : { hic10: 'blue' as const, hic60: 'blue' as const };
    const cabinetRh = [2, 5, 8, 10, 30, 0][m.variant % 6]!;
    const toCabinet = (): MslEvent => ({ type: 'dry-in', at, rhPct: cabinetRh, ...(m.variant % 2 === 0 ? {} : { tempC: m.tempC }) });
    const cabinetSample = (): MslEvent => ({ type: 'cabinet', at, rhPct: m.variant === 5 ? fault.rhPct : [2, 4, 8, 12][m.variant % 4]!, ...(m.variant % 3 === 0 ? {} : { tempC: m.tempC }) });
    const bakeStart = (): MslEvent => ({
      type: 'bake-start',
      at,
      ...(m.variant === 7 ? {} : { tempC: [125, 130, 90, 100, 40, 39, 124][m.variant % 7]! }),
      ...(m.variant % 4 === 0 ? {} : { rhPct: [3, 5, 8][m.variant % 3]! }),
      ...(m.variant % 5 === 0 ? {} : { carrier: (['tray', 'tape-reel', 'tube', 'tube-high-temp', 'bulk'] as const)[m.variant % 5]! }),
    });
    switch (place) {
      case 'new':
      case 'bag':
        options.push(() => ({ type: 'open', at, ...hic(m.variant) }), () => ({ type: 'open', at, hic10: 'blue', hic60: 'blue' }));
        if (place === 'new') options.push(() => ({ type: 'seal', at }));
        if (!opts.simple) options.push(bakeStart);
        break;
      case 'floor':
        options.push(() => ({ type: 'seal', at }), toCabinet);
        // The reference integrator's histories dwell in cabinets more, where most storage rules live.
        if (opts.simple) options.push(toCabinet, toCabinet);
        if (!opts.simple) options.push(bakeStart);
        break;
      case 'cabinet':
        options.push(() => ({ type: 'dry-out', at }), () => ({ type: 'seal', at }), toCabinet, cabinetSample, cabinetSample);
        break;
      case 'oven':
        options.push(() => ({ type: 'bake-end', at }), () => ({ type: 'bake-interrupt', at }));
        break;
      case 'interrupted':
        options.push(() => ({ type: 'bake-resume', at }), () => ({ type: 'bake-end', at }));
        break;
    }
    const e = options[m.pick % options.length]!();
    out.push(e);
    place =
      e.type === 'seal' ? 'bag'
      : e.type === 'open' || e.type === 'dry-out' || e.type === 'bake-end' ? 'floor'
      : e.type === 'dry-in' ? 'cabinet'
      : e.type === 'bake-start' || e.type === 'bake-resume' ? 'oven'
      : e.type === 'bake-interrupt' ? 'interrupted'
      : place;
  }
  return out;
}

export const packageArb = fc.constantFrom(undefined, undefined, 'bga', 'mqfp', 'tqfp', 'tsop', 'other' as const);
export const bodyArb = fc.constantFrom(undefined, 0.8, 1.0, 1.4, 2.0, 2.5, 3.1, 3.5);

export const specArb: fc.Arbitrary<ReelSpec> = fc
  .record({
    level: fc.constantFrom(...MSD_LEVELS),
    thicknessClass: fc.constantFrom('thick', 'thick', 'medium', 'thin', 'unknown' as const),
    body: bodyArb,
    pkg: packageArb,
    fl: fc.constantFrom(undefined, undefined, 6, 100),
    sealedMonthsAgo: fc.constantFrom(undefined, 6, 13, 25),
  })
  .map(({ level, thicknessClass, body, pkg, fl, sealedMonthsAgo }) => ({
    level,
    thicknessClass,
    ...(body === undefined ? {} : { bodyThicknessMm: body }),
    ...(pkg === undefined ? {} : { packageType: pkg }),
    ...(fl === undefined ? {} : { floorLifeHours: fl }),
    ...(sealedMonthsAgo === undefined ? {} : { sealedAt: T0 - sealedMonthsAgo * 30.5 * 24 * 3600_000 }),
  }));

export const historyArb = (maxMoves = 40, opts: BuildOptions = {}) => fc.array(moveArb, { maxLength: maxMoves }).map((m) => buildHistory(m, opts));
