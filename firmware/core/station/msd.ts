// The station's moisture-sensitive reels: one J-STD-033 tracker per reel (firmware/core/msl), fed by the host's
// records and events, bag openings at the station, and the station's own T/RH sensor. Bounded: at most
// msd.maxReels trackers; reels no slot holds are evicted first (least recently touched), and a full book of
// reels that all sit on slots refuses a new one rather than forget one.
import type { MessageBody } from '../../../protocol/src/messages';
import { BAKE_TABLE } from '../msl/tables/bake';
import { DEFAULT_CONFIG as MSL_DEFAULTS, HOUR, type MslEnv, type MslEvent, type MslView, type ReelSpec } from '../msl/types';
import { advance, createTracker, step, view, type TrackerState } from '../msl/tracker';
import type { ReelFacts, Slot, MsdStatus } from '../setup/types';
import type { CoreState, MsdReel, Reject } from './types';

export type MsdBook = ReadonlyMap<string, MsdReel>;

/** The MSL environment of this station now: its staleness and margin, the order's time to reflow, its tables. */
export function mslEnv(s: CoreState): MslEnv {
  const ttr = s.setup.order?.order.header.timeToReflow;
  return {
    config: {
      ...MSL_DEFAULTS,
      staleAfterMs: s.config['timeouts.sensorStaleMs'],
      marginMs: s.config['msd.marginMs'],
      timeToReflowMs: ttr === undefined ? MSL_DEFAULTS.timeToReflowMs : ttr * 1000,
    },
    tables: s.tables,
    bake: BAKE_TABLE,
  };
}

export type BookResult = { readonly ok: true; readonly book: MsdBook } | { readonly ok: false; readonly reason: Reject; readonly detail: string };

/** Reel keys held on a slot: those may never be evicted. */
function heldKeys(s: CoreState): Set<string> {
  const out = new Set<string>();
  for (const slot of s.setup.slots) {
    if (slot.status === 'verified') out.add(slot.reel.facts.key);
    else if (slot.status === 'bom-changed' && slot.previous !== undefined) out.add(slot.previous.facts.key);
  }
  return out;
}

/** The book with `reel` put in, evicting an unheld reel if full. */
function put(s: CoreState, reel: MsdReel): BookResult {
  const next = new Map(s.msd);
  next.set(reel.key, reel);
  if (next.size > s.config['msd.maxReels']) {
    const held = heldKeys(s);
    let victim: MsdReel | undefined;
    for (const r of next.values()) if (r.key !== reel.key && !held.has(r.key) && (victim === undefined || r.touched < victim.touched)) victim = r;
    if (victim === undefined) {
      return { ok: false, reason: 'LIMIT_EXCEEDED', detail: `the station already tracks ${s.config['msd.maxReels']} MSD reels, all on slots` };
    }
    next.delete(victim.key);
  }
  return { ok: true, book: next };
}

/** Steps a reel's tracker; the engine's refusal becomes the answer, and the book is left as it was. */
function apply(s: CoreState, key: string, events: readonly MslEvent[], now: number): BookResult {
  const r = s.msd.get(key);
  if (r === undefined) return { ok: false, reason: 'UNKNOWN_REEL', detail: `no MSD history for reel ${key}` };
  let t = r.tracker;
  const env = mslEnv(s);
  for (const e of events) {
    const x = step(t, { ...e, at: Math.max(e.at, t.at ?? e.at) } as MslEvent, env);
    if (!x.ok) return { ok: false, reason: x.error.reason === 'OK' ? 'MSD_EVENT_INVALID' : x.error.reason, detail: x.error.message };
    t = x.value;
  }
  return put(s, { ...r, tracker: t, touched: now });
}

/** Conditions for a fresh tracker: the station's last valid sample, so it is not charged the worst cell for nothing. */
function ambientNow(s: CoreState, now: number): MslEvent[] {
  return s.sensor.status === 'ok' && s.sensor.last !== undefined ? [{ type: 'ambient', at: now, ...s.sensor.last }] : [];
}

function specOf(level: ReelSpec['level'], cls: ReelSpec['thicknessClass'], extra: Partial<ReelSpec>): ReelSpec {
  return { level, thicknessClass: cls, ...extra };
}

/** A host reel record: creates or replaces the reel's tracker from the host's summary of its exposure. */
export function fromHostRecord(s: CoreState, r: MessageBody<'ReelRecord'>, now: number): BookResult | undefined {
  if (r.msdLevel === undefined || r.msdLevel === '1') return undefined;
  const spec = specOf(r.msdLevel, r.thicknessClass, {
    ...(r.bodyThickness === undefined ? {} : { bodyThicknessMm: r.bodyThickness }),
    ...(r.floorLifeOverride === undefined ? {} : { floorLifeHours: r.floorLifeOverride / 3600 }),
    ...(r.sealDate === undefined ? {} : { sealedAt: r.sealDate * 1000 }),
  });
  const created = createTracker(spec);
  if (!created.ok) return { ok: false, reason: created.error.reason === 'OK' ? 'MSD_EVENT_INVALID' : created.error.reason, detail: created.error.message };
  let t: TrackerState = created.value;
  const x = r.exposure;
  let hostBlock: Reject | undefined;
  if (x !== undefined && x.msdState !== 'sealed') {
    // The host read the card when the bag was opened; its record is the authority on the exposure until now, so the
    // tracker starts now with the host's consumed share: opened at the host's exposure time, it would charge the
    // time since a second time.
    const events: MslEvent[] = [{ type: 'open', at: now, hic10: 'blue', hic60: 'blue' }];
    if (x.msdState === 'paused') events.push({ type: 'dry-in', at: now, rhPct: 5, tempC: 25 });
    for (const e of events) {
      const st = step(t, e);
      if (!st.ok) return { ok: false, reason: 'MSD_EVENT_INVALID', detail: st.error.message };
      t = st.value;
    }
    // Carry the consumed share over. Exposure time for the short-exposure rule is taken as the consumed share of
    // the nominal life, never less, so no reset is granted on a history the station did not see.
    const nominal = spec.floorLifeHours ?? NOMINAL_HOURS[spec.level] ?? 0;
    t = { ...t, consumed: x.consumedFraction, exposureMs: Math.max(t.exposureMs, x.consumedFraction * nominal * HOUR) };
    if (x.msdState === 'expired') hostBlock = 'MSD_EXPIRED';
    else if (x.msdState === 'needs-bake') hostBlock = 'MSD_NEEDS_BAKE';
    else if (x.msdState === 'blocked-unrated') hostBlock = 'MSD_CONDITIONS_UNRATED';
  }
  for (const e of ambientNow(s, now)) {
    const st = step(t, { ...e, at: Math.max(e.at, t.at ?? e.at) } as MslEvent);
    if (st.ok) t = st.value;
  }
  return put(s, { key: r.uniqueIdentifier, tracker: t, touched: now, ...(hostBlock === undefined ? {} : { hostBlock }) });
}

const NOMINAL_HOURS: Partial<Record<ReelSpec['level'], number>> = { '2': 8760, '2a': 672, '3': 168, '4': 72, '5': 48, '5a': 24 };

/** An MSD event from the host (dry cabinets, ovens, the MES). */
export function fromHostEvent(s: CoreState, e: MessageBody<'MsdEvent'>, now: number): BookResult {
  const at = e.at * 1000;
  const key = e.uniqueIdentifier;
  const r = s.msd.get(key);
  if (e.event === 'expired') {
    if (r === undefined) return { ok: false, reason: 'UNKNOWN_REEL', detail: `no MSD history for reel ${key}` };
    return put(s, { ...r, hostBlock: 'MSD_EXPIRED', touched: now });
  }
  if (e.event === 'restored') {
    // Baked and released by the host's process (CFX MaterialsRestored): floor life starts afresh, on the floor.
    if (r === undefined) return { ok: false, reason: 'UNKNOWN_REEL', detail: `no MSD history for reel ${key}` };
    const created = createTracker(r.tracker.spec);
    if (!created.ok) return { ok: false, reason: 'MSD_EVENT_INVALID', detail: created.error.message };
    const opened = step(created.value, { type: 'open', at, hic10: 'blue', hic60: 'blue' });
    if (!opened.ok) return { ok: false, reason: 'MSD_EVENT_INVALID', detail: opened.error.message };
    return put(s, { key, tracker: opened.value, touched: now });
  }
  const ev = engineEvent(e, at);
  if (!('type' in ev)) return ev;
  return apply(s, key, [ev], now);
}

function engineEvent(e: MessageBody<'MsdEvent'>, at: number): MslEvent | { ok: false; reason: Reject; detail: string } {
  switch (e.event) {
    case 'opened':
      return { type: 'open', at, ...(e.hic10 === undefined ? {} : { hic10: e.hic10 }), ...(e.hic60 === undefined ? {} : { hic60: e.hic60 }) };
    case 'sealed':
      return { type: 'seal', at };
    case 'dry-in':
      if (e.rhPct === undefined) return { ok: false, reason: 'MSD_EVENT_INVALID', detail: 'dry-in: the cabinet humidity (rhPct) is required' };
      return { type: 'dry-in', at, rhPct: e.rhPct, ...(e.tempC === undefined ? {} : { tempC: e.tempC }) };
    case 'dry-out':
      return { type: 'dry-out', at };
    case 'bake-start':
      if (e.tempC === undefined) return { ok: false, reason: 'MSD_EVENT_INVALID', detail: 'bake-start: the oven temperature (tempC) is required' };
      return { type: 'bake-start', at, tempC: e.tempC, ...(e.rhPct === undefined ? {} : { rhPct: e.rhPct }), ...(e.carrier === undefined ? {} : { carrier: e.carrier }) };
    case 'bake-end':
      return { type: 'bake-end', at };
    case 'bake-interrupt':
      return { type: 'bake-interrupt', at };
    case 'bake-resume':
      return { type: 'bake-resume', at };
    default:
      return { ok: false, reason: 'MSD_EVENT_INVALID', detail: `${e.event} is not an engine event` };
  }
}

/** A supervisor's release (naming the bake spec) or scrap. */
export function disposition(s: CoreState, d: MessageBody<'MsdDisposition'>, now: number): BookResult {
  const r = s.msd.get(d.uniqueIdentifier);
  if (r === undefined) return { ok: false, reason: 'UNKNOWN_REEL', detail: `no MSD history for reel ${d.uniqueIdentifier}` };
  const ev: MslEvent = { type: 'disposition', at: d.at * 1000, action: d.action, by: d.operatorIdentifier || 'supervisor', ...(d.spec === '' ? {} : { spec: d.spec }) };
  const x = apply(s, d.uniqueIdentifier, [ev], now);
  if (!x.ok || d.action === 'scrap') return x;
  // A release clears the host's block too: the supervisor has decided.
  const back = x.book.get(d.uniqueIdentifier)!;
  const { hostBlock: _gone, ...rest } = back;
  const next = new Map(x.book);
  next.set(d.uniqueIdentifier, rest);
  return { ok: true, book: next };
}

/** A bag opened at the station: a new tracker for a reel the station had no history of, or the open event. */
export function bagOpened(s: CoreState, facts: ReelFacts, level: ReelSpec['level'] | undefined, cls: ReelSpec['thicknessClass'], hic: { hic10?: 'blue' | 'pink'; hic60?: 'blue' | 'pink' }, now: number): BookResult {
  const open: MslEvent = { type: 'open', at: now, ...hic };
  if (s.msd.has(facts.key)) return apply(s, facts.key, [open, ...ambientNow(s, now)], now);
  if (level === undefined) {
    return { ok: false, reason: 'MSD_LEVEL_UNKNOWN', detail: `neither the label of ${facts.key} nor a host record gives its MSL; ask the host to push the reel record` };
  }
  const created = createTracker(specOf(level, cls, {}));
  if (!created.ok) return { ok: false, reason: 'MSD_EVENT_INVALID', detail: created.error.message };
  const s2 = { ...s, msd: new Map(s.msd).set(facts.key, { key: facts.key, tracker: created.value, touched: now }) };
  return apply(s2, facts.key, [open, ...ambientNow(s, now)], now);
}

/** Every tracker given the same engine event (sensor and clock facts concern every reel at the station). */
export function broadcast(s: CoreState, event: (t: TrackerState) => MslEvent | undefined): MsdBook {
  const env = mslEnv(s);
  const next = new Map<string, MsdReel>();
  for (const [k, r] of s.msd) {
    const e = event(r.tracker);
    const x = e === undefined ? undefined : step(r.tracker, e, env);
    next.set(k, x !== undefined && x.ok ? { ...r, tracker: x.value, touched: r.touched } : r);
  }
  return next;
}

/** Each tracker integrated up to `now` (before a checkpoint), so a restore charges only the time after it. */
export function advanced(s: CoreState, now: number): MsdBook {
  const env = mslEnv(s);
  const next = new Map<string, MsdReel>();
  for (const [k, r] of s.msd) next.set(k, r.tracker.at === null || now <= r.tracker.at ? r : { ...r, tracker: advance(r.tracker, now, env) });
  return next;
}

export interface ReelMsd {
  readonly view: MslView;
  readonly hostBlock?: Reject;
}

/** A tracker's view with what it was computed from. */
interface ViewMemo {
  readonly at: number;
  readonly staleMs: number;
  readonly marginMs: number;
  readonly ttr: number | undefined;
  readonly tables: CoreState['tables'];
  readonly view: MslView | undefined;
}

/**
 * Views computed while one input is decided: one decision asks for the same reel's view several times (the permit,
 * warnings, the slot views, the board record), and with ten MSD reels that was most of an input's cost. The view is
 * a pure function of the tracker (never mutated), the time and the environment (staleness, margin, time to reflow,
 * tables), so it is computed once per such combination. Kept only inside `sharingReelViews`: between inputs the time
 * has moved on and none would be asked for again, and ten views held would cost about 260 XS slots.
 */
let views: Map<TrackerState, ViewMemo> | undefined;

/** Runs `run` with reel views shared between its questions (nested calls share the outer scope). */
export function sharingReelViews<T>(run: () => T): T {
  if (views !== undefined) return run();
  views = new Map();
  try {
    return run();
  } finally {
    views = undefined;
  }
}

export function reelView(s: CoreState, key: string, now: number): ReelMsd | undefined {
  const r = s.msd.get(key);
  if (r === undefined) return undefined;
  const at = r.tracker.at === null ? now : Math.max(now, r.tracker.at);
  const v = trackerView(s, r.tracker, at);
  if (v === undefined) return undefined;
  return r.hostBlock === undefined ? { view: v } : { view: v, hostBlock: r.hostBlock };
}

function trackerView(s: CoreState, t: TrackerState, at: number): MslView | undefined {
  const staleMs = s.config['timeouts.sensorStaleMs'];
  const marginMs = s.config['msd.marginMs'];
  const ttr = s.setup.order?.order.header.timeToReflow;
  const m = views?.get(t);
  if (m !== undefined && m.at === at && m.staleMs === staleMs && m.marginMs === marginMs && m.ttr === ttr && m.tables === s.tables) return m.view;
  const v = view(t, at, mslEnv(s));
  const out = v.ok ? v.value : undefined;
  views?.set(t, { at, staleMs, marginMs, ttr, tables: s.tables, view: out });
  return out;
}

/** What setup verification asks about an MSD reel: the engine's state, or why it cannot feed whatever that says. */
export function msdLookup(s: CoreState, now: number): (reel: ReelFacts, slot: Slot) => MsdStatus | undefined {
  return (reel) => {
    const r = reelView(s, reel.key, now);
    if (r === undefined) return undefined;
    const { state, reasons } = r.view;
    if (r.hostBlock !== undefined) return { state, reasons: [r.hostBlock, ...reasons], notReady: `the host reports the reel ${r.hostBlock}` };
    if (state === 'sealed') {
      return { state, reasons, notReady: 'the reel is still in its dry bag: open it at the station and read the humidity card (CMD:OPEN-DRY or CMD:OPEN)' };
    }
    return { state, reasons };
  };
}

/** Floor life left, whole minutes, saturating; null when unlimited. Blocking states give 0. */
export function remainingMinutes(r: ReelMsd): number | null {
  if (r.hostBlock !== undefined) return 0;
  const h = r.view.remainingHours;
  return h === null ? null : Math.max(0, Math.floor(h * 60));
}
