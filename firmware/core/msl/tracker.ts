// The incremental MSD tracker: a small, plain, JSON-safe state per reel, advanced in O(1) per event by closed-form
// integration of consumed floor life (Σ Δt / FL(T, RH)) over piecewise-constant conditions. A station keeps this
// state in flash and never replays history; evaluate() folds the same step over a whole history.
import { REASONS, type ReasonName } from '../../../protocol/src/reasons';
import { isHot, judgeBake, type BakeRefusal, type SignoffCause } from './bake-acceptance';
import { addMonthsUtc } from './calendar';
import { resolveClasses } from './classes';
import { cabinetTempC } from './defaults';
import { DEFAULT_ENV } from './env';
import { floorLife, hasTable, nominalHours, PAUSE_RH, WORST_CELL, type FloorLife } from './floor-life';
import { readCard } from './hic';
import { plausible } from './sample';
import { HOUR, type Carrier, type Conditions, type MslEnv, type MslError, type MslEvent, type MslResult, type MslView, type MsdState, type ReelSpec } from './types';
import { checkEvent, checkSpec, isTime } from './validate';
import { frozen } from '../../../protocol/src/frozen';

/** Where the reel is. 'new': as received, presumed in its manufacturer's dry bag, no seal date recorded yet. */
export type Place = 'new' | 'bag' | 'floor' | 'cabinet' | 'oven';

export interface BakeInProgress {
  readonly startAt: number;
  /** Oven temperature, °C; null when not stated (then no table condition: see bake-acceptance.ts). */
  readonly tempC: number | null;
  readonly rhPct: number | null;
  readonly carrier: Carrier | null;
  /** Start of the current interruption, if the oven is interrupted now. */
  readonly interruptedAt: number | null;
  /** Total of the interruptions so far: time out of temperature, which never counts as bake time. */
  readonly outMs: number;
  /** The clock was lost at some point of the bake, so its duration is not trustworthy. */
  readonly clockLost: boolean;
}

/** One sensor's view of the reel's air: the last valid sample, and since when it is silent or faulty. */
export interface SensorTrack {
  /** Last valid sample; null = none (conditions unknown, treated as stale). */
  readonly sample: Conditions | null;
  /** The sensor went silent, or gave an implausible reading, at this time (the first of a run counts). */
  readonly lostAt: number | null;
  /** The latest reading was implausible (MSD_SENSOR_IMPLAUSIBLE until a valid one). */
  readonly fault: boolean;
}

export const NO_SAMPLE: SensorTrack = { sample: null, lostAt: null, fault: false };

export interface TrackerState {
  readonly v: typeof TRACKER_VERSION;
  readonly spec: ReelSpec;
  /** Time of the last event applied; null before the first. */
  readonly at: number | null;
  readonly place: Place;
  /** The station's floor sensor (kept wherever the reel is: it applies when the reel is on the floor). */
  readonly floor: SensorTrack;
  /** The dry cabinet holding the reel; NO_SAMPLE outside a cabinet. */
  readonly cabinet: SensorTrack;
  /** Clock lost since `at`; the gap is charged at `hours` (fixed at the loss), and latches unrated at sync if `unrated`. */
  readonly clockLost: { readonly at: number; readonly hours: number | null; readonly unrated: boolean } | null;
  readonly consumed: number;
  /** When consumed reached 1 since the last reset. */
  readonly expiredAt: number | null;
  /** Exposure time after expiry (picks the >72 h bake column). */
  readonly overrunMs: number;
  /** Exposure time since the last reset, and dry-credit time since the last exposure (short-exposure reset rule). */
  readonly exposureMs: number;
  readonly dryMs: number;
  /** Latched: the reel met unrated conditions; cleared by an accepted bake or a supervisor release. */
  readonly unrated: boolean;
  readonly hicWet: boolean;
  /** The card was not read at an opening: not a dry card, so a bake is due. Cleared by an accepted bake only. */
  readonly hicUnread: boolean;
  readonly shelfLife: boolean;
  /** An accepted bake happened (MSL 6 needs one before use). */
  readonly baked: boolean;
  readonly sealedAt: number | null;
  readonly bake: BakeInProgress | null;
  readonly bakeMsOver90: number;
  /** Outcome of the last bake when it did not reset, shown until the next bake or reset. */
  readonly lastBake: { readonly reason: 'MSD_BAKE_REJECTED' | 'MSD_BAKE_LIMIT'; readonly why: BakeRefusal | null } | null;
  /** A bake the table cannot judge awaits a supervisor release naming its spec; counters since its end are kept apart. */
  readonly signoff: { readonly consumedAt: number; readonly exposureAt: number; readonly why: SignoffCause } | null;
  readonly scrapped: boolean;
  readonly reflow: { readonly top: number; readonly bottom: number; readonly unspecified: number };
}

/** Below this distance from 1 a consumed fraction counts as 1 (absorbs float noise, errs towards expiry). */
export const EXPIRY_EPS = 1e-9;
const OVERTIME_MS = 72 * HOUR;
const MAX_PASSES = 1_000_000;

/**
 * Short-exposure resets (J-STD-033 4.1.2): levels 2-3 after ≤12 h of exposure, ≥5× that time resealed in a dry bag
 * (dry pack per 3.3) or in a ≤10 %RH cabinet; levels 4-5a after ≤8 h, ≥10× that time in a dry bag or at ≤5 %RH.
 */
const SHORT_RESET: Partial<Record<ReelSpec['level'], { readonly limitMs: number; readonly factor: number; readonly maxRh: number }>> = frozen({
  '2': { limitMs: 12 * HOUR, factor: 5, maxRh: 10 },
  '2a': { limitMs: 12 * HOUR, factor: 5, maxRh: 10 },
  '3': { limitMs: 12 * HOUR, factor: 5, maxRh: 10 },
  '4': { limitMs: 8 * HOUR, factor: 10, maxRh: 5 },
  '5': { limitMs: 8 * HOUR, factor: 10, maxRh: 5 },
  '5a': { limitMs: 8 * HOUR, factor: 10, maxRh: 5 },
});

/** The layout version of TrackerState: a stored state of another version is not this engine's to read. */
export const TRACKER_VERSION = 2;

/** A working copy: step and view copy the state once, then update the copy in place (one allocation per event). */
type Draft = { -readonly [K in keyof TrackerState]: TrackerState[K] };

/** A copy with the same property order every time, so the engine sees one object shape. */
function draft(s: TrackerState): Draft {
  return {
    v: 2,
    spec: s.spec,
    at: s.at,
    place: s.place,
    floor: s.floor,
    cabinet: s.cabinet,
    clockLost: s.clockLost,
    consumed: s.consumed,
    expiredAt: s.expiredAt,
    overrunMs: s.overrunMs,
    exposureMs: s.exposureMs,
    dryMs: s.dryMs,
    unrated: s.unrated,
    hicWet: s.hicWet,
    hicUnread: s.hicUnread,
    shelfLife: s.shelfLife,
    baked: s.baked,
    sealedAt: s.sealedAt,
    bake: s.bake,
    bakeMsOver90: s.bakeMsOver90,
    lastBake: s.lastBake,
    signoff: s.signoff,
    scrapped: s.scrapped,
    reflow: s.reflow,
  };
}

export function initialState(spec: ReelSpec): TrackerState {
  return {
    v: 2,
    spec,
    at: null,
    place: 'new',
    floor: NO_SAMPLE,
    cabinet: NO_SAMPLE,
    clockLost: null,
    consumed: 0,
    expiredAt: null,
    overrunMs: 0,
    exposureMs: 0,
    dryMs: 0,
    unrated: false,
    hicWet: false,
    hicUnread: false,
    shelfLife: false,
    baked: false,
    sealedAt: spec.sealedAt ?? null,
    bake: null,
    bakeMsOver90: 0,
    lastBake: null,
    signoff: null,
    scrapped: false,
    reflow: { top: 0, bottom: 0, unspecified: 0 },
  };
}

/** How the reel's clock runs over an interval with no event in it. hours null: it does not run. */
interface Regime {
  readonly hours: number | null;
  /** exposure: counts toward the short-exposure limit; credit: counts as drying; neutral: neither. */
  readonly kind: 'exposure' | 'credit' | 'neutral';
  readonly cell: Conditions | null;
  /** The sensor of the reel's place is stale (or never gave a valid sample). */
  readonly stale: 'floor' | 'cabinet' | null;
  /** Stale, and no rated worst cell exists for this reel: blocked. */
  readonly staleBlocked: boolean;
}

/** Hours to charge under a floor-life verdict: unrated conditions cost the worst rated cell, else the nominal life. */
function chargeHours(s: TrackerState, env: MslEnv, fl: FloorLife): { hours: number | null; cell: Conditions | null } {
  if (fl.rated) return { hours: fl.hours, cell: fl.hours === null ? null : fl.cell };
  return worstOrNominal(s, env);
}

/** The worst rated cell's hours where the reel has a table (`tabled`), else its nominal life. */
function worstOrNominal(s: TrackerState, env: MslEnv): { hours: number | null; cell: Conditions | null; tabled: boolean } {
  const tabled = hasTable(s.spec, env.tables);
  if (tabled) {
    const w = floorLife(s.spec, env.tables, WORST_CELL);
    if (w.rated) return { hours: w.hours, cell: w.cell, tabled };
  }
  return { hours: nominalHours(s.spec), cell: null, tabled };
}

/** The sensor that reports the reel's air where it is now (the floor's or the cabinet's), if any. */
function placeTrack(s: TrackerState): SensorTrack | null {
  return s.place === 'floor' ? s.floor : s.place === 'cabinet' ? s.cabinet : null;
}

/**
 * From when the conditions where the reel is are stale: -Infinity when there was never a valid sample, null while
 * nothing is reported lost (or the place has no sensor), else the loss time plus the staleness limit.
 */
function staleFrom(s: TrackerState, env: MslEnv): number | null {
  const track = placeTrack(s);
  if (track === null) return null;
  if (track.sample === null) return -Infinity;
  if (track.lostAt === null) return null;
  return track.lostAt + (s.place === 'floor' ? env.config.staleAfterMs : env.config.cabinetStaleAfterMs);
}

function staleAt(s: TrackerState, env: MslEnv, t: number): boolean {
  const from = staleFrom(s, env);
  return from !== null && t > from;
}

/** No valid conditions: the worst rated cell (blocked where the reel has no table). */
function staleRegime(s: TrackerState, env: MslEnv, sensor: 'floor' | 'cabinet'): Regime {
  const w = worstOrNominal(s, env);
  return { hours: w.hours, kind: w.hours === null ? 'neutral' : 'exposure', cell: w.cell, stale: sensor, staleBlocked: !w.tabled };
}

/** The floor regime (ignoring the clock), with the sensor stale or fresh. */
function floorRegime(s: TrackerState, env: MslEnv, stale: boolean): Regime {
  const sample = s.floor.sample;
  if (stale || sample === null) return staleRegime(s, env, 'floor');
  const c = chargeHours(s, env, floorLife(s.spec, env.tables, sample));
  return { hours: c.hours, kind: c.hours === null ? 'neutral' : 'exposure', cell: c.cell, stale: null, staleBlocked: false };
}

function plain(hours: number | null, kind: Regime['kind'], cell: Conditions | null): Regime {
  return { hours, kind, cell, stale: null, staleBlocked: false };
}

function regime(s: TrackerState, env: MslEnv, stale: boolean): Regime {
  if (s.clockLost !== null) return plain(s.clockLost.hours, 'exposure', null);
  const rule = SHORT_RESET[s.spec.level];
  switch (s.place) {
    case 'new':
    case 'bag':
      // A dry bag (dry pack per 3.3) pauses every level and is a drying route for the short-exposure reset.
      return plain(null, rule === undefined ? 'neutral' : 'credit', null);
    case 'oven':
      return plain(null, 'neutral', null);
    case 'cabinet': {
      const cab = s.cabinet.sample;
      if (stale || cab === null) return staleRegime(s, env, 'cabinet');
      // Drying conditions never consume: for 2a/3 the 10 %RH column has no limit, and MSL 2 is less sensitive than 2a.
      if (rule !== undefined && cab.rhPct <= rule.maxRh) return plain(null, 'credit', null);
      if (cab.rhPct <= PAUSE_RH) return plain(null, 'neutral', null);
      const c = chargeHours(s, env, floorLife(s.spec, env.tables, cab));
      return plain(c.hours, c.hours === null ? 'neutral' : 'exposure', c.cell);
    }
    case 'floor':
      return floorRegime(s, env, stale);
  }
}

function resetEligible(s: TrackerState): boolean {
  const rule = SHORT_RESET[s.spec.level];
  return (
    rule !== undefined &&
    s.exposureMs > 0 &&
    s.exposureMs <= rule.limitMs &&
    s.consumed < 1 - EXPIRY_EPS &&
    !s.hicWet &&
    !s.hicUnread &&
    !s.shelfLife
  );
}

function clearConsumption(d: Draft): void {
  d.consumed = 0;
  d.expiredAt = null;
  d.overrunMs = 0;
  d.exposureMs = 0;
  d.dryMs = 0;
}

/** Integrates one constant-regime interval [t0, t1]. */
function consume(d: Draft, t0: number, t1: number, r: Regime): void {
  const dt = t1 - t0;
  if (dt <= 0) return;
  if (r.hours !== null) {
    const lifeMs = r.hours * HOUR;
    const c1 = d.consumed + dt / lifeMs;
    if (d.expiredAt === null && c1 >= 1 - EXPIRY_EPS) d.expiredAt = Math.min(t1, t0 + Math.max(0, 1 - d.consumed) * lifeMs);
    d.consumed = c1;
  }
  if (r.kind === 'exposure') {
    d.exposureMs += dt;
    d.dryMs = 0;
    if (d.expiredAt !== null && d.expiredAt < t1) d.overrunMs += t1 - Math.max(t0, d.expiredAt);
  } else if (r.kind === 'credit') {
    d.dryMs += dt;
  }
}

/** One interval, with the short-exposure reset applied at the moment drying reaches the required multiple. */
function segment(d: Draft, t0: number, t1: number, r: Regime): void {
  const rule = SHORT_RESET[d.spec.level];
  if (r.kind === 'credit' && rule !== undefined && resetEligible(d)) {
    const need = rule.factor * d.exposureMs - d.dryMs;
    if (need <= t1 - t0) {
      const tReset = t0 + need;
      consume(d, t0, tReset, r);
      clearConsumption(d);
      // A bake awaiting its sign-off would reset as of its end, which is before this reset: it can only start from here.
      if (d.signoff !== null) d.signoff = { ...d.signoff, consumedAt: 0, exposureAt: 0 };
      consume(d, tReset, t1, r);
      return;
    }
  }
  consume(d, t0, t1, r);
}

/** Advances a draft's integrals to `t` (≥ d.at) without applying an event. */
function advanceDraft(d: Draft, env: MslEnv, t: number): void {
  if (d.at === null || t <= d.at) return;
  const t0 = d.at;
  // A lost sensor's last sample holds through the staleness limit; strictly after it the worst rated cell applies.
  const from = d.clockLost === null ? staleFrom(d, env) : null;
  if (from === null || from >= t) segment(d, t0, t, regime(d, env, false));
  else if (from <= t0) segment(d, t0, t, regime(d, env, true));
  else {
    segment(d, t0, from, regime(d, env, false));
    segment(d, from, t, regime(d, env, true));
  }
  d.at = t;
}

/** The state with its integrals advanced to `t` (≥ s.at), no event applied. */
export function advance(s: TrackerState, t: number, env: MslEnv = DEFAULT_ENV): TrackerState {
  const d = draft(s);
  advanceDraft(d, env, t);
  return d;
}

const err = (reason: ReasonName, message: string, field?: string): { ok: false; error: MslError } =>
  field === undefined ? { ok: false, error: { reason, message } } : { ok: false, error: { reason, field, message } };

/** Is the reel now in conditions the tables do not rate (not counting a stale sensor)? */
function inUnratedConditions(s: TrackerState, env: MslEnv): boolean {
  if (s.clockLost !== null) return false;
  const cab = s.cabinet.sample;
  const cond = s.place === 'floor' ? s.floor.sample : s.place === 'cabinet' && cab !== null && cab.rhPct > PAUSE_RH ? cab : null;
  if (cond === null) return false;
  const fl = floorLife(s.spec, env.tables, cond);
  return !fl.rated && fl.reason === 'MSD_CONDITIONS_UNRATED';
}

/** A new reading for a sensor: a valid one replaces the sample; an implausible one is no sample, and a fault. */
function reading(track: SensorTrack, at: number, tempC: number, rhPct: number): SensorTrack {
  const sample = plausible(tempC, rhPct);
  if (sample !== null) return { sample, lostAt: null, fault: false };
  return { sample: track.sample, lostAt: track.lostAt ?? at, fault: true };
}

function lose(track: SensorTrack, at: number): SensorTrack {
  return track.lostAt === null ? { sample: track.sample, lostAt: at, fault: track.fault } : track;
}

function recover(track: SensorTrack): SensorTrack {
  return track.lostAt === null && !track.fault ? track : { sample: track.sample, lostAt: null, fault: false };
}

function bakeReset(d: Draft): void {
  clearConsumption(d);
  d.hicWet = false;
  d.hicUnread = false;
  d.shelfLife = false;
  d.unrated = false;
  d.baked = true;
  d.signoff = null;
  d.lastBake = null;
  d.sealedAt = null;
}

/** Judges a finished bake (bake-acceptance.ts): reset, refusal, or a pending supervisor sign-off. */
function endBake(d: Draft, env: MslEnv, t: number): void {
  const b = d.bake!;
  const outMs = b.outMs + (b.interruptedAt === null ? 0 : t - b.interruptedAt);
  const hotUsedMs = d.bakeMsOver90;
  d.bake = null;
  d.place = 'floor';
  d.bakeMsOver90 = hotUsedMs + (isHot(b.tempC) ? t - b.startAt : 0);
  if (d.spec.level === '1') return; // nothing to reset: MSL 1 has no floor-life clock
  const verdict = judgeBake(
    { startAt: b.startAt, endAt: t, tempC: b.tempC, rhPct: b.rhPct, carrier: b.carrier, outMs, clockLost: b.clockLost },
    {
      level: d.spec.level,
      bodyMm: d.spec.bodyThicknessMm,
      over72: d.hicWet || d.hicUnread || d.shelfLife || d.overrunMs > OVERTIME_MS,
      hotUsedMs,
      hotCapMs: env.config.bakeCapMs,
      table: env.bake,
    },
  );
  switch (verdict.kind) {
    case 'reset':
      bakeReset(d);
      return;
    case 'rejected':
      d.lastBake = { reason: 'MSD_BAKE_REJECTED', why: verdict.why };
      return;
    case 'limit':
      d.lastBake = { reason: 'MSD_BAKE_LIMIT', why: null };
      return;
    case 'signoff':
      d.signoff = { consumedAt: d.consumed, exposureAt: d.exposureMs, why: verdict.why };
      return;
  }
}

/** A supervisor release naming the spec completes a pending bake sign-off, as of the bake's end. */
function completeSignoff(d: Draft, t: number): void {
  const base = d.signoff!;
  const consumed = Math.max(0, d.consumed - base.consumedAt);
  const exposureMs = Math.max(0, d.exposureMs - base.exposureAt);
  const dryMs = d.dryMs;
  bakeReset(d);
  d.consumed = consumed;
  d.exposureMs = exposureMs;
  d.dryMs = dryMs;
  d.expiredAt = consumed >= 1 - EXPIRY_EPS ? t : null;
}

/** The card at an opening (HIC rules) and the bag's shelf life (12 months; 12-24 months only with a dry card). */
function openChecks(d: Draft, e: Extract<MslEvent, { type: 'open' }>): void {
  const card = readCard(d.spec.level, e.hic10, e.hic60);
  if (card === null) return; // MSL 1 and 6: no card rule, no shelf life
  if (card === 'wet') d.hicWet = true;
  else if (card === 'unread') d.hicUnread = true;
  if (d.sealedAt !== null) {
    if (e.at > addMonthsUtc(d.sealedAt, 24)) d.shelfLife = true;
    else if (e.at > addMonthsUtc(d.sealedAt, 12) && card !== 'dry') d.shelfLife = true;
  }
}

/** Rate at which a clock gap is charged: the worse of the last known floor conditions and the nominal life. */
function gapCharge(s: TrackerState, env: MslEnv, t: number): { hours: number | null; unrated: boolean } {
  const stale = s.floor.sample === null || (s.floor.lostAt !== null && t - s.floor.lostAt > env.config.staleAfterMs);
  const floor = floorRegime(s, env, stale);
  const nominal = nominalHours(s.spec);
  const hours = floor.hours === null ? nominal : nominal === null ? floor.hours : Math.min(floor.hours, nominal);
  const known = s.floor.sample !== null && !stale ? floorLife(s.spec, env.tables, s.floor.sample) : null;
  return { hours, unrated: known !== null && !known.rated && known.reason === 'MSD_CONDITIONS_UNRATED' };
}

function unexpected(message: string): { ok: false; error: MslError } {
  return err('MSD_EVENT_UNEXPECTED', message);
}

/**
 * Applies one event. Errors: MSD_EVENT_INVALID (a field), MSD_EVENT_ORDER (dated before the previous event),
 * MSD_EVENT_UNEXPECTED (impossible where the reel is). Repeated sensor/clock reports are tolerated as no-ops.
 */
export function step(state: TrackerState, event: MslEvent, env: MslEnv = DEFAULT_ENV): MslResult<TrackerState> {
  const invalid = checkEvent(event);
  if (invalid !== undefined) return { ok: false, error: invalid };
  if (state.at !== null && event.at < state.at) {
    return err('MSD_EVENT_ORDER', `at: ${event.type} is dated before the previous event`, 'at');
  }
  const d = draft(state);
  if (d.at === null) d.at = event.at;
  advanceDraft(d, env, event.at);
  if (d.scrapped) return { ok: true, value: d };
  const e = event;
  switch (e.type) {
    case 'seal':
      if (d.place === 'bag') return unexpected('seal: the reel is already sealed');
      if (d.place === 'oven') return unexpected('seal: the reel is in the oven');
      d.place = 'bag';
      d.cabinet = NO_SAMPLE;
      d.sealedAt = e.at;
      break;
    case 'open':
      if (d.place === 'floor' || d.place === 'cabinet') return unexpected('open: the reel is already out of its bag');
      if (d.place === 'oven') return unexpected('open: the reel is in the oven');
      openChecks(d, e);
      d.place = 'floor';
      break;
    case 'ambient':
      d.floor = reading(d.floor, e.at, e.tempC, e.rhPct);
      break;
    case 'dry-in':
      if (d.place !== 'floor' && d.place !== 'cabinet') return unexpected(`dry-in: the reel is ${d.place === 'oven' ? 'in the oven' : 'sealed: open it first'}`);
      d.place = 'cabinet';
      d.cabinet = reading(NO_SAMPLE, e.at, cabinetTempC(e.tempC, e.rhPct), e.rhPct);
      break;
    case 'cabinet':
      // A sample of the cabinet holding the reel; elsewhere it concerns no cabinet of this reel (tolerated).
      if (d.place === 'cabinet') d.cabinet = reading(d.cabinet, e.at, cabinetTempC(e.tempC, e.rhPct), e.rhPct);
      break;
    case 'dry-out':
      if (d.place !== 'cabinet') return unexpected('dry-out: the reel is not in a dry cabinet');
      d.place = 'floor';
      d.cabinet = NO_SAMPLE;
      break;
    case 'bake-start':
      if (d.place === 'oven') return unexpected('bake-start: a bake is already running');
      // A bag opened straight into the oven: its card was not read (not a dry card: the >72 h column, and a bake is
      // due if this one fails), and past 24 months its parts are out of shelf life.
      if (d.place === 'new' || d.place === 'bag') {
        if (readCard(d.spec.level, undefined, undefined) !== null) d.hicUnread = true;
        if (d.sealedAt !== null && e.at > addMonthsUtc(d.sealedAt, 24)) d.shelfLife = true;
      }
      d.place = 'oven';
      d.cabinet = NO_SAMPLE;
      d.lastBake = null;
      d.signoff = null;
      d.bake = { startAt: e.at, tempC: e.tempC ?? null, rhPct: e.rhPct ?? null, carrier: e.carrier ?? null, interruptedAt: null, outMs: 0, clockLost: d.clockLost !== null };
      break;
    case 'bake-interrupt':
      if (d.bake === null) return unexpected('bake-interrupt: no bake is running');
      if (d.bake.interruptedAt !== null) return unexpected('bake-interrupt: the bake is already interrupted');
      d.bake = { ...d.bake, interruptedAt: e.at };
      break;
    case 'bake-resume': {
      const b = d.bake;
      if (b === null || b.interruptedAt === null) return unexpected('bake-resume: no interrupted bake');
      d.bake = { ...b, interruptedAt: null, outMs: b.outMs + (e.at - b.interruptedAt) };
      break;
    }
    case 'bake-end':
      if (d.bake === null) return unexpected('bake-end: no bake is running');
      endBake(d, env, e.at);
      break;
    case 'sensor-lost':
      // Without `sensor`, the loss concerns the floor sensor and, in a cabinet, the cabinet's too (the safe reading).
      if (e.sensor !== 'cabinet') d.floor = lose(d.floor, e.at);
      if (e.sensor !== 'floor' && d.place === 'cabinet') d.cabinet = lose(d.cabinet, e.at);
      break;
    case 'sensor-ok':
      if (e.sensor !== 'cabinet') d.floor = recover(d.floor);
      if (e.sensor !== 'floor' && d.place === 'cabinet') d.cabinet = recover(d.cabinet);
      break;
    case 'clock-lost':
      if (d.clockLost === null) {
        d.clockLost = { at: e.at, ...gapCharge(d, env, e.at) };
        if (d.bake !== null) d.bake = { ...d.bake, clockLost: true };
      }
      break;
    case 'time-sync':
      if (d.clockLost !== null) {
        if (d.clockLost.unrated) d.unrated = true;
        d.clockLost = null;
      }
      break;
    case 'disposition':
      if (e.action === 'scrap') d.scrapped = true;
      // A supervisor's release signs off a pending bake only when it names the bake specification (`spec`); any
      // release clears the unrated-conditions latch.
      else if (d.signoff !== null && e.spec !== undefined) completeSignoff(d, e.at);
      else d.unrated = false;
      break;
    case 'reflow': {
      const r = d.reflow;
      const bump = (n: number) => Math.min(MAX_PASSES, n + 1);
      d.reflow = e.side === 'top' ? { ...r, top: bump(r.top) } : e.side === 'bottom' ? { ...r, bottom: bump(r.bottom) } : { ...r, unspecified: bump(r.unspecified) };
      break;
    }
  }
  if (inUnratedConditions(d, env)) d.unrated = true;
  return { ok: true, value: d };
}

function byCode(a: ReasonName, b: ReasonName): number {
  return REASONS[a].code - REASONS[b].code;
}

/** The reel as seen at `at` (≥ the last event). */
export function view(tracker: TrackerState, at: number, env: MslEnv = DEFAULT_ENV): MslResult<MslView> {
  if (!isTime(at)) return err('MSD_EVENT_INVALID', 'at: a time (epoch ms, 1970..9999)', 'at');
  if (tracker.at !== null && at < tracker.at) return err('MSD_EVENT_ORDER', 'at: the evaluation time is before the last event', 'at');
  const s = advance(tracker, at, env);
  const spec = s.spec;
  // The view is built field by field: an object spread followed by more fields costs microseconds in V8 (a map
  // transition per field), and a station asks for every MSD reel's view at every input.
  if (s.scrapped) {
    return {
      ok: true,
      value: { exposureMs: s.exposureMs, bakeMsOver90: s.bakeMsOver90, reflowPasses: s.reflow, state: 'expired', consumedFraction: s.consumed, remainingHours: 0, expiresAt: null, reasons: ['MSD_SCRAPPED'], cell: null },
    };
  }
  const r = regime(s, env, staleAt(s, env, at));
  const reasons = new Set<ReasonName>();
  const expired = s.consumed >= 1 - EXPIRY_EPS;
  const sealed = s.place === 'new' || s.place === 'bag';
  // A sealed bag's shelf life, for the levels it applies to: a warning past 12 months, a bake past 24.
  const bagSealedAt = sealed && spec.level !== '1' && spec.level !== '6' ? s.sealedAt : null;
  const shelfNow = s.shelfLife || (bagSealedAt !== null && at > addMonthsUtc(bagSealedAt, 24));
  const tolUnknown = spec.level === '6' && spec.floorLifeHours === undefined;
  const bakeDue = s.hicWet || s.hicUnread || shelfNow || (spec.level === '6' && !s.baked);
  // A bake awaiting its sign-off has reset nothing yet: the reel is as it was before the oven (a bake never adds
  // moisture), so the sign-off blocks only a reel that needed the bake (expired, wet card, MSL 6, …).
  const needsBake = bakeDue;
  const here = placeTrack(s);
  if (expired) reasons.add('MSD_EXPIRED');
  if (s.hicWet) reasons.add('MSD_HIC_WET');
  if (s.hicUnread) reasons.add('MSD_HIC_UNREAD');
  if (shelfNow || (bagSealedAt !== null && at > addMonthsUtc(bagSealedAt, 12))) reasons.add('MSD_SHELF_LIFE');
  if (bakeDue) reasons.add('MSD_NEEDS_BAKE');
  if (s.signoff !== null) reasons.add('MSD_BAKE_SIGNOFF').add(s.signoff.why);
  if (s.lastBake !== null) {
    reasons.add(s.lastBake.reason);
    if (s.lastBake.why !== null) reasons.add(s.lastBake.why);
  }
  if (s.bake !== null && isHot(s.bake.tempC) && s.bakeMsOver90 + (at - s.bake.startAt) > env.config.bakeCapMs) reasons.add('MSD_BAKE_LIMIT');
  if (tolUnknown) reasons.add('MSD_TOL_UNKNOWN');
  if (s.clockLost !== null) reasons.add('MSD_CLOCK_LOST');
  if (s.unrated) reasons.add('MSD_CONDITIONS_UNRATED');
  if (r.stale === 'floor') reasons.add('MSD_SENSOR_STALE');
  if (r.stale === 'cabinet') reasons.add('MSD_CABINET_STALE');
  if (here !== null && here.fault) reasons.add('MSD_SENSOR_IMPLAUSIBLE');
  // A class conflict matters where the class rates the reel: a derated level without a floor-life override.
  if (spec.level !== '1' && spec.level !== '6' && spec.floorLifeHours === undefined && resolveClasses(spec).conflict) reasons.add('MSD_CLASS_CONFLICT');
  const blocked = s.clockLost !== null || s.unrated || r.staleBlocked || (tolUnknown && s.baked);
  const consuming = r.hours !== null;
  const floorSample = s.floor.sample;
  let state: MsdState;
  if (expired) state = 'expired';
  else if (needsBake) state = 'needs-bake';
  else if (blocked) state = 'blocked-unrated';
  else if (sealed) state = 'sealed';
  else if (s.place === 'oven') state = 'paused';
  // The clock is not running: a cabinet, or a fresh floor sample at ≤5 %RH or in a no-limit cell (2a/3 at ≤10 %RH).
  // MSL 1 never runs a clock, so out of the bag it is simply exposed unless the air is dry.
  else if (!consuming && (s.place === 'cabinet' || (floorSample !== null && r.stale === null && (floorSample.rhPct <= PAUSE_RH || spec.level !== '1')))) state = 'paused';
  else state = 'exposed';
  const left = Math.max(0, 1 - s.consumed);
  let remainingHours: number | null;
  let expiresAt: number | null = null;
  if (state === 'expired' || state === 'needs-bake' || state === 'blocked-unrated') remainingHours = 0;
  else if (spec.level === '1') remainingHours = null;
  else if (state === 'exposed' && r.hours !== null) {
    remainingHours = left * r.hours;
    expiresAt = at + remainingHours * HOUR;
  } else {
    const n = nominalHours(spec);
    remainingHours = n === null ? null : left * n;
  }
  if (state === 'expired') expiresAt = s.expiredAt;
  if (remainingHours !== null && (state === 'sealed' || state === 'paused' || state === 'exposed')) {
    if (remainingHours * HOUR < env.config.timeToReflowMs + env.config.marginMs) reasons.add('MSD_REMAINING_LOW');
  }
  return {
    ok: true,
    value: {
      exposureMs: s.exposureMs,
      bakeMsOver90: s.bakeMsOver90,
      reflowPasses: s.reflow,
      state,
      consumedFraction: s.consumed,
      remainingHours,
      expiresAt,
      reasons: [...reasons].sort(byCode),
      cell: consuming ? r.cell : null,
    },
  };
}

/** A fresh tracker for a reel, or a typed error when its facts are invalid. */
export function createTracker(spec: ReelSpec): MslResult<TrackerState> {
  const bad = checkSpec(spec);
  return bad === undefined ? { ok: true, value: initialState(spec) } : { ok: false, error: bad };
}
