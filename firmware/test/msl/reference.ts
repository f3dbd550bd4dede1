// The MSL engine's independent check, shared by the property tests and the benchmark (as its peer).
//
// A naive integrator: it walks the history minute by minute and applies the policy by counting minutes, with its
// own reading of Table 7-1 straight from the committed CSV (not the engine's table, lookup or floorLife), its own
// plausibility test and its own class rule. Same policy, written again, no closed form.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Conditions, MslEnv, MslEvent, ReelSpec } from '../../core/msl/index';

const MINUTE = 60_000;
const TEMPS = [20, 25, 30, 35];
const RHS = [5, 10, 20, 30, 40, 50, 60, 70, 80, 90];
const NOMINAL: Readonly<Record<string, number>> = { '2': 8760, '2a': 672, '3': 168, '4': 72, '5': 48, '5a': 24 };

/** Table 7-1, ≥3.1 mm class: `${level}@${temp}` → hours per RH column (null = 'inf'). */
const CSV_HOURS: ReadonlyMap<string, readonly (number | null)[]> = new Map(
  readFileSync(join(__dirname, '..', '..', 'core', 'msl', 'tables', 'jstd033-thick.csv'), 'utf8')
    .split('\n')
    .filter((line) => /^\d/.test(line))
    .map((line) => {
      const [level, temp, ...days] = line.trim().split(',');
      return [`${level}@${temp}`, days.map((d) => (d === 'inf' ? null : Number(d) * 24))] as const;
    }),
);

/** Whether the thick table alone rates the reel: stated thick with facts that agree, or unknown facts that say thick. */
function thickTable(spec: ReelSpec): boolean {
  if (spec.floorLifeHours !== undefined || !CSV_HOURS.has(`${spec.level}@30`)) return false;
  const b = spec.bodyThicknessMm;
  const p = spec.packageType;
  const fact =
    p === 'mqfp' ? 'thick'
    : p === 'tqfp' || p === 'tsop' ? 'thin'
    : b === undefined ? undefined
    : p === 'bga' ? (b >= 1 ? 'thick' : 'thin')
    : b >= 3.1 ? 'thick'
    : b >= 2.1 ? 'medium'
    : 'thin';
  if (spec.thicknessClass === 'thick') return fact === undefined || fact === 'thick';
  return spec.thicknessClass === 'unknown' && fact === 'thick';
}

/** Hours at the conditions (null: the clock stops), or 'unrated'. */
function hoursAt(spec: ReelSpec, c: Conditions): number | null | 'unrated' {
  if (c.tempC > 35 || c.rhPct > 90) return 'unrated';
  if (c.rhPct <= 5) return null;
  if (thickTable(spec)) {
    const row = TEMPS.find((t) => c.tempC <= t)!;
    const col = RHS.findIndex((r) => c.rhPct <= r);
    return CSV_HOURS.get(`${spec.level}@${row}`)![col]!;
  }
  const nominal = spec.floorLifeHours ?? NOMINAL[spec.level]!;
  return c.tempC <= 30 && c.rhPct <= 60 ? nominal : 'unrated';
}

/** The worst rated cell (35 °C/90 %RH) for a reel with a table, else its nominal life. */
function worst(spec: ReelSpec): number {
  return thickTable(spec) ? (hoursAt(spec, { tempC: 35, rhPct: 90 }) as number) : (spec.floorLifeHours ?? NOMINAL[spec.level]!);
}

function charge(spec: ReelSpec, c: Conditions): number | null {
  const h = hoursAt(spec, c);
  return h === 'unrated' ? worst(spec) : h;
}

const isPlausible = (t: number, rh: number) => Number.isFinite(t) && Number.isFinite(rh) && t >= -20 && t <= 80 && rh > 0 && rh <= 100;

interface Track {
  sample: Conditions | null;
  lostAt: number | null;
}

/**
 * Consumed fraction at `at` for histories of levels 2-5a made of openings (with their card), bags, cabinets, cabinet
 * and floor samples (plausible or not) and sensor losses: what `historyArb(n, { simple: true })` produces.
 */
export function referenceConsumed(spec: ReelSpec, events: readonly MslEvent[], at: number, env: MslEnv): number {
  const sensitive = ['4', '5', '5a'].includes(spec.level);
  const rule = { limitMin: sensitive ? 8 * 60 : 12 * 60, factor: sensitive ? 10 : 5, maxRh: sensitive ? 5 : 10 };
  let place: 'new' | 'bag' | 'floor' | 'cabinet' = 'new';
  const floor: Track = { sample: null, lostAt: null };
  let cabinet: Track = { sample: null, lostAt: null };
  let cardNotDry = false;
  let consumed = 0;
  let exposureMin = 0;
  let dryMin = 0;
  const read = (track: Track, e: { at: number; tempC: number; rhPct: number }) => {
    if (isPlausible(e.tempC, e.rhPct)) Object.assign(track, { sample: { tempC: e.tempC, rhPct: e.rhPct }, lostAt: null });
    else if (track.lostAt === null) track.lostAt = e.at;
  };
  const cabinetSample = (e: { at: number; rhPct: number; tempC?: number }) => ({ at: e.at, rhPct: e.rhPct, tempC: e.tempC ?? (e.rhPct <= 10 ? 30 : 35) });
  const stale = (track: Track, u: number, limit: number) => track.sample === null || (track.lostAt !== null && u - track.lostAt >= limit);
  let i = 0;
  const start = events.length === 0 ? at : events[0]!.at;
  for (let u = start; u < at; u += MINUTE) {
    for (; i < events.length && events[i]!.at <= u; i++) {
      const e = events[i]!;
      switch (e.type) {
        case 'open':
          place = 'floor';
          if (e.hic60 === 'pink' || (e.hic10 === 'pink' && spec.level !== '2') || !(e.hic10 === 'blue' || (spec.level === '2' && e.hic60 === 'blue'))) cardNotDry = true;
          break;
        case 'seal':
          place = 'bag';
          break;
        case 'dry-in':
          place = 'cabinet';
          cabinet = { sample: null, lostAt: null };
          read(cabinet, cabinetSample(e));
          break;
        case 'cabinet':
          if (place === 'cabinet') read(cabinet, cabinetSample(e));
          break;
        case 'dry-out':
          place = 'floor';
          break;
        case 'ambient':
          read(floor, e);
          break;
        case 'sensor-lost':
          if (e.sensor !== 'cabinet' && floor.lostAt === null) floor.lostAt = e.at;
          if (e.sensor !== 'floor' && place === 'cabinet' && cabinet.lostAt === null) cabinet.lostAt = e.at;
          break;
        case 'sensor-ok':
          if (e.sensor !== 'cabinet') floor.lostAt = null;
          if (e.sensor !== 'floor' && place === 'cabinet') cabinet.lostAt = null;
          break;
        default:
          break;
      }
    }
    let hours: number | null = null;
    let kind: 'exposure' | 'credit' | 'neutral' = 'neutral';
    if (place === 'new' || place === 'bag') kind = 'credit';
    else if (place === 'cabinet' && !stale(cabinet, u, env.config.cabinetStaleAfterMs)) {
      const c = cabinet.sample!;
      if (c.rhPct <= rule.maxRh) kind = 'credit';
      else hours = charge(spec, c);
    } else if (place === 'cabinet') hours = worst(spec);
    else hours = stale(floor, u, env.config.staleAfterMs) ? worst(spec) : charge(spec, floor.sample!);
    if (hours !== null) {
      consumed += 1 / (hours * 60);
      kind = 'exposure';
    }
    if (kind === 'exposure') (exposureMin += 1), (dryMin = 0);
    if (kind === 'credit') {
      dryMin += 1;
      if (!cardNotDry && exposureMin > 0 && exposureMin <= rule.limitMin && consumed < 1 - 1e-9 && dryMin >= rule.factor * exposureMin) {
        consumed = 0;
        exposureMin = 0;
        dryMin = 0;
      }
    }
  }
  return consumed;
}

/**
 * Table 4-1 as the reference page gives it (revision B layout), written out again here for the tests' oracles:
 * `${row}/${level}` → hours per bake column, [floor life exceeded by >72 h, ≤72 h].
 */
const d = 24;
export const REF_BAKE_HOURS: Readonly<Record<string, { readonly 125: readonly [number, number]; readonly 90: readonly [number, number]; readonly 40: readonly [number, number] }>> = {
  '1.4/2a': { 125: [5, 3], 90: [17, 11], 40: [8 * d, 5 * d] },
  '1.4/3': { 125: [9, 7], 90: [33, 23], 40: [13 * d, 9 * d] },
  '1.4/4': { 125: [11, 7], 90: [37, 23], 40: [15 * d, 9 * d] },
  '1.4/5': { 125: [12, 7], 90: [41, 24], 40: [17 * d, 10 * d] },
  '1.4/5a': { 125: [16, 10], 90: [54, 24], 40: [22 * d, 10 * d] },
  '2/2a': { 125: [21, 16], 90: [3 * d, 2 * d], 40: [29 * d, 22 * d] },
  '2/3': { 125: [27, 17], 90: [4 * d, 2 * d], 40: [37 * d, 23 * d] },
  '2/4': { 125: [34, 20], 90: [5 * d, 3 * d], 40: [47 * d, 28 * d] },
  '2/5': { 125: [40, 25], 90: [6 * d, 4 * d], 40: [57 * d, 35 * d] },
};
