// Setup verification as a pure step: state + event + time → new state, a verdict and the messages to send.
// Flows (see README.md): slot-then-reel or reel-then-slot pairing within a timeout, unload, feeder moved,
// splice, supervisor override for alternates, host reel records, work-order activation and BOM revisions.
import type { ReasonName } from '../../../protocol/src/reasons';
import type { LabelResult, ReelLabel } from '../label/types';
import { checkReel, obsoleteKey, type Checked, type CheckView } from './check';
import { DEFAULT_SETUP_CONFIG } from './config';
import { limitAlarm, reelIdentified, slotLoaded, slotRejected, slotUnloaded, slotVerified, spliced } from './effects';
import { identify } from './identify';
import { historyOf, historyWith } from './history';
import { normPosition, reelIndexKey } from './normalize';
import { indexOrder, sameRequirement, slotAt, slotsApproving, type OrderIndex } from './order';
import { emptyReelCache, putRecord } from './reel-cache';
import type {
  LoadedReel,
  ReelFacts,
  ReelRecordBody,
  SetupConfig,
  SetupEffect,
  SetupEnv,
  SetupEvent,
  SetupState,
  SlotState,
  StepResult,
  Verdict,
  WorkOrder,
} from './types';
import { frozen } from '../../../protocol/src/frozen';

type Reject = Exclude<ReasonName, 'OK'>;
const EMPTY: SlotState = frozen({ status: 'empty' });

export function createSetup(config: SetupConfig = DEFAULT_SETUP_CONFIG): SetupState {
  return {
    config,
    order: undefined,
    slots: [],
    held: new Map(),
    reels: emptyReelCache(config.maxReelRecords),
    pending: undefined,
    overrides: new Map(),
    obsolete: new Set(),
    generation: 0,
  };
}

/** The reel a slot state vouches for, if any. */
export function heldReel(s: SlotState): LoadedReel | undefined {
  return s.status === 'verified' ? s.reel : s.status === 'bom-changed' ? s.previous : undefined;
}

/**
 * Applies one event at time `now` (epoch ms). Never throws: bad input and broken invariants come back as a
 * rejection with the state unchanged.
 */
export function step(state: SetupState, event: SetupEvent, now: number, env: SetupEnv): StepResult {
  if (typeof now !== 'number' || !Number.isFinite(now) || now < 0 || now / 1000 > 0xffffffff) {
    return unchanged(state, fail('CLOCK_INVALID', 'the station time is not a valid epoch time'));
  }
  try {
    return dispatch(state, event, now, env);
  } catch (e) {
    return unchanged(state, fail('INTERNAL_ERROR', e instanceof Error ? e.message : 'setup step failed'));
  }
}

function dispatch(state: SetupState, event: SetupEvent, now: number, env: SetupEnv): StepResult {
  switch (event.kind) {
    case 'work-order':
      return activate(state, event.order, now);
    case 'clear-work-order':
      return clear(state, now);
    case 'reel-record':
      return record(state, event.record);
    case 'tick':
      return tick(state, now);
    default:
      break;
  }
  const order = state.order;
  if (order === undefined) return unchanged(state, fail('NO_WORK_ORDER', 'no work order is active'));
  switch (event.kind) {
    case 'scan-slot':
      return scanSlot(state, order, event.position, now, env);
    case 'scan-reel':
      return scanReel(state, order, event.scan, now, env);
    case 'unload':
      return unload(state, order, event.position, event.remainingQuantity, now);
    case 'feeder-moved':
      return move(state, order, event.from, event.to, now, env);
    case 'splice':
      return splice(state, order, event.position, event.scan, now, env);
    case 'override':
      return override(state, order, event.position, event.expiresAt, now);
    case 'assign':
      return assign(state, order, event.position, event.scan, now, env);
    case 'recheck':
      return recheck(state, order, event.position, now, env);
    case 'unverify':
      return unverify(state, order, event.position, event.why, now);
    default:
      return unchanged(state, fail('UNEXPECTED_MESSAGE', `unknown setup event ${String((event as { kind?: unknown }).kind)}`));
  }
}

// ---- results ---------------------------------------------------------------------------------------------

function fail(reason: Reject, detail: string, extra: Partial<Extract<Verdict, { ok: false }>> = {}): Verdict {
  return { ok: false, reason, detail, changed: false, ...extra };
}

function done(outcome: Extract<Verdict, { ok: true }>['outcome'], detail: string, changed: boolean, extra: Partial<Extract<Verdict, { ok: true }>> = {}): Verdict {
  return { ok: true, reason: 'OK', outcome, detail, changed, ...extra };
}

function unchanged(state: SetupState, verdict: Verdict): StepResult {
  return { state, verdict, effects: [] };
}

/** Collects a step's slot changes on copies; the input state is never touched. */
class Draft {
  private slots: SlotState[] | undefined;
  private held: Map<string, number> | undefined;
  readonly effects: SetupEffect[] = [];
  /** The generation every message of this step carries, if the step changes a slot. */
  readonly nextGeneration: number;

  constructor(readonly base: SetupState) {
    this.nextGeneration = (base.generation + 1) >>> 0;
  }

  get changed(): boolean {
    return this.slots !== undefined;
  }

  slot(i: number): SlotState {
    return (this.slots ?? this.base.slots)[i] ?? EMPTY;
  }

  view(): CheckView {
    return { config: this.base.config, held: this.held ?? this.base.held, obsolete: this.base.obsolete, overrides: this.base.overrides };
  }

  set(i: number, s: SlotState): void {
    this.slots ??= [...this.base.slots];
    const oldKey = heldReel(this.slots[i] ?? EMPTY)?.facts.key;
    const old = oldKey === undefined ? undefined : reelIndexKey(oldKey);
    this.slots[i] = s;
    const nowKey = heldReel(s)?.facts.key;
    const now = nowKey === undefined ? undefined : reelIndexKey(nowKey);
    if (old === now) return;
    // The reel index is copied only when the set of held reels changes.
    this.held ??= new Map(this.base.held);
    if (old !== undefined && this.held.get(old) === i) this.held.delete(old);
    if (now !== undefined) this.held.set(now, i);
  }

  finish(extra: Partial<SetupState> = {}): SetupState {
    if (this.slots === undefined) return { ...this.base, ...extra };
    return { ...this.base, slots: this.slots, held: this.held ?? this.base.held, generation: this.nextGeneration, ...extra };
  }
}

// ---- pairing ---------------------------------------------------------------------------------------------

function expired(at: number, now: number, config: SetupConfig): boolean {
  const elapsed = now - at;
  // Time running backwards (a clock set back) cannot prove the pair was quick: treat it as a timeout.
  return elapsed < 0 || elapsed > config.pairingTimeoutMs;
}

function position(order: OrderIndex, i: number): string {
  return order.order.slots[i]!.position.trim();
}

function scanSlot(state: SetupState, order: OrderIndex, pos: string, now: number, env: SetupEnv): StepResult {
  const at = slotOf(state, order, pos);
  if (!('i' in at)) return at;
  const i = at.i;
  const p = state.pending;
  if (p?.kind === 'reel') {
    if (expired(p.at, now, state.config)) return timedOut(state, order);
    return load({ ...state, pending: undefined }, order, i, p.scan.label, now, env);
  }
  const replaced = p?.kind === 'slot' && p.slot !== i ? ` (replaces ${position(order, p.slot)})` : '';
  return {
    state: { ...state, pending: { kind: 'slot', slot: i, at: now } },
    verdict: done('pending', `scan a reel for ${position(order, i)}${replaced}`, true, { position: position(order, i) }),
    effects: [],
  };
}

function scanReel(state: SetupState, order: OrderIndex, scan: LabelResult, now: number, env: SetupEnv): StepResult {
  if (!scan.ok) return unchanged(state, fail(scan.reason === 'OK' ? 'SCAN_UNREADABLE' : scan.reason, scan.message));
  const p = state.pending;
  if (p?.kind === 'slot') {
    if (expired(p.at, now, state.config)) return timedOut(state, order);
    return load({ ...state, pending: undefined }, order, p.slot, scan.label, now, env);
  }
  // A reel first: say where it belongs while the operator walks to the slot.
  const id = identify(scan.label, state.reels, state.config);
  const where = id.ok ? slotsApproving(order, id.facts, -1) : [];
  const hint = !id.ok ? '' : where.length > 0 ? `; it belongs to ${where.slice(0, 3).join(', ')}` : '; its part is not in this work order';
  return {
    state: { ...state, pending: { kind: 'reel', scan, at: now } },
    verdict: done('pending', `scan the slot${hint}${p === undefined ? '' : ' (replaces the earlier reel scan)'}`, true, {
      ...(id.ok ? { reelKey: id.facts.key } : {}),
      slots: where,
    }),
    effects: [],
  };
}

function timedOut(state: SetupState, order: OrderIndex): StepResult {
  const p = state.pending;
  const extra = p?.kind === 'slot' ? { position: position(order, p.slot) } : {};
  return {
    state: { ...state, pending: undefined },
    verdict: { ...fail('SCAN_TIMEOUT', `the pair was not completed within ${state.config.pairingTimeoutMs / 1000} s; scan both again`, extra), changed: true },
    effects: [],
  };
}

function tick(state: SetupState, now: number): StepResult {
  const p = state.pending;
  if (p === undefined || state.order === undefined || !expired(p.at, now, state.config)) {
    return unchanged(state, done('idle', 'nothing due', false));
  }
  return timedOut(state, state.order);
}

// ---- loading ---------------------------------------------------------------------------------------------

function load(state: SetupState, order: OrderIndex, i: number, label: ReelLabel, now: number, env: SetupEnv): StepResult {
  const d = new Draft(state);
  const id = identify(label, state.reels, state.config);
  const verdict = id.ok
    ? decide(d, order, i, id.facts, checkReel(d.view(), order, i, id.facts, now, env.msdStatus), now, '', label)
    : refuse(d, order, i, id.reason, id.detail, id.reelKey, now);
  return { state: d.finish(), verdict, effects: d.effects };
}

function decide(d: Draft, order: OrderIndex, i: number, facts: ReelFacts, c: Checked, now: number, note: string, label: ReelLabel): Verdict {
  if (!c.ok) return refuse(d, order, i, c.reason, note + c.detail, facts.key, now, undefined, c.slots);
  return accept(d, order, i, facts, c, now, note, label);
}

/** The reel may not feed slot i: the slot stops vouching for any reel until a good one is scanned. */
function refuse(
  d: Draft,
  order: OrderIndex,
  i: number,
  reason: Reject,
  detail: string,
  reelKey: string,
  now: number,
  cause?: Reject,
  slots?: readonly string[],
): Verdict {
  const prev = d.slot(i);
  const slot = order.order.slots[i]!;
  const extra = { position: slot.position.trim(), reelKey, ...(cause === undefined ? {} : { cause }), ...(slots === undefined ? {} : { slots }) };
  if (prev.status === 'rejected' && prev.reason === reason && prev.cause === cause && prev.reelKey === reelKey) {
    return fail(reason, detail, extra);
  }
  const old = heldReel(prev);
  if (old !== undefined) d.effects.push(slotUnloaded(now, slot, old.facts.key, d.nextGeneration));
  d.set(i, { status: 'rejected', reason, reelKey, detail, ...(cause === undefined ? {} : { cause }) });
  d.effects.push(slotRejected(now, slot, reelKey, reason, cause === undefined ? detail : `${cause}: ${detail}`));
  return { ...fail(reason, detail, extra), changed: true };
}

function accept(
  d: Draft,
  order: OrderIndex,
  i: number,
  facts: ReelFacts,
  c: Checked & { ok: true },
  now: number,
  note: string,
  label: ReelLabel,
): Verdict {
  const prev = d.slot(i);
  const slot = order.order.slots[i]!;
  const old = heldReel(prev);
  const extra = { position: slot.position.trim(), reelKey: facts.key, permission: c.permission };
  const same = prev.status === 'verified' && old !== undefined && old.facts.key === facts.key;
  if (same && old.permission === c.permission && old.overrideUntil === c.overrideUntil) {
    return done('verified', `${note}reel ${facts.key} already verified on ${extra.position}`, false, extra);
  }
  if (old !== undefined && !same) d.effects.push(slotUnloaded(now, slot, old.facts.key, d.nextGeneration));
  const reel: LoadedReel = {
    facts,
    label,
    permission: c.permission,
    approvedMpn: c.part.manufacturerPartNumber.trim(),
    ...(c.overrideUntil === undefined ? {} : { overrideUntil: c.overrideUntil }),
    history: same ? old.history : historyOf({ reelKey: facts.key, from: now }),
  };
  d.set(i, { status: 'verified', reel });
  if (!same) d.effects.push(slotLoaded(now, slot, facts), reelIdentified(now, slot, reel));
  d.effects.push(slotVerified(now, slot, reel, d.nextGeneration));
  return done('verified', `${note}${facts.mpn} on ${extra.position} as ${c.permission}`, true, extra);
}

// ---- unload, move, splice ----------------------------------------------------------------------------------

function slotOf(state: SetupState, order: OrderIndex, pos: string): { i: number } | StepResult {
  const i = typeof pos === 'string' ? slotAt(order, pos) : undefined;
  if (i === undefined) return unchanged(state, fail('SLOT_UNKNOWN', `${String(pos).trim()} is not a slot of ${order.order.header.workOrderIdentifier}`));
  return { i };
}

function unload(state: SetupState, order: OrderIndex, pos: string, remaining: number | undefined, now: number): StepResult {
  const at = slotOf(state, order, pos);
  if (!('i' in at)) return at;
  if (remaining !== undefined && !(Number.isInteger(remaining) && remaining >= 0 && remaining <= 0xffffffff)) {
    return unchanged(state, fail('FIELD_OUT_OF_RANGE', 'remaining quantity must be an integer 0..4294967295'));
  }
  const d = new Draft(state);
  const prev = d.slot(at.i);
  const slot = order.order.slots[at.i]!;
  const reel = heldReel(prev);
  if (reel === undefined && prev.status !== 'rejected') {
    return unchanged(state, fail('SLOT_EMPTY', `${slot.position.trim()} holds no reel`, { position: slot.position.trim() }));
  }
  d.set(at.i, EMPTY);
  if (reel !== undefined) d.effects.push(slotUnloaded(now, slot, reel.facts.key, d.nextGeneration, remaining));
  const what = reel === undefined ? 'the refused reel' : `reel ${reel.facts.key}`;
  return {
    state: d.finish(),
    verdict: done('unloaded', `${what} taken off ${slot.position.trim()}`, true, {
      position: slot.position.trim(),
      ...(reel === undefined ? {} : { reelKey: reel.facts.key }),
    }),
    effects: d.effects,
  };
}

/** A feeder went to another slot: its reel is verified afresh against the new slot's requirement. */
function move(state: SetupState, order: OrderIndex, from: string, to: string, now: number, env: SetupEnv): StepResult {
  const src = slotOf(state, order, from);
  if (!('i' in src)) return src;
  const dst = typeof to === 'string' ? slotAt(order, to) : undefined;
  const fromSlot = order.order.slots[src.i]!;
  if (dst === src.i) return unchanged(state, done('idle', 'the feeder stayed on its slot', false, { position: fromSlot.position.trim() }));
  const d = new Draft(state);
  const reel = heldReel(d.slot(src.i));
  if (reel === undefined) {
    return unchanged(state, fail('SLOT_EMPTY', `${fromSlot.position.trim()} holds no verified reel to move`, { position: fromSlot.position.trim() }));
  }
  d.set(src.i, EMPTY);
  d.effects.push(slotUnloaded(now, fromSlot, reel.facts.key, d.nextGeneration));
  if (dst === undefined) {
    const verdict = fail('SLOT_UNKNOWN', `${String(to).trim()} is not a slot of this order; ${fromSlot.position.trim()} is now empty`, {
      reelKey: reel.facts.key,
    });
    return { state: d.finish(), verdict: { ...verdict, changed: true }, effects: d.effects };
  }
  // Whatever stood on the destination has left it: the moved feeder now occupies the position.
  const dstSlot = order.order.slots[dst]!;
  const occupant = heldReel(d.slot(dst));
  if (occupant !== undefined) d.effects.push(slotUnloaded(now, dstSlot, occupant.facts.key, d.nextGeneration));
  d.set(dst, EMPTY);
  const c = checkReel(d.view(), order, dst, reel.facts, now, env.msdStatus);
  const verdict = decide(d, order, dst, reel.facts, c, now, `moved from ${fromSlot.position.trim()}: `, reel.label);
  return { state: d.finish(), verdict, effects: d.effects };
}

function splice(state: SetupState, order: OrderIndex, pos: string, scan: LabelResult, now: number, env: SetupEnv): StepResult {
  const at = slotOf(state, order, pos);
  if (!('i' in at)) return at;
  const slot = order.order.slots[at.i]!;
  const where = slot.position.trim();
  if (!scan.ok) return unchanged(state, fail(scan.reason === 'OK' ? 'SCAN_UNREADABLE' : scan.reason, scan.message, { position: where }));
  const d = new Draft(state);
  const prev = d.slot(at.i);
  const id = identify(scan.label, state.reels, state.config);
  const newKey = id.ok ? id.facts.key : id.reelKey;
  if (prev.status === 'rejected' && prev.reason === 'SPLICE_MISMATCH' && prev.reelKey === newKey) {
    // The same refused splice scanned again: the same answer, nothing new.
    return unchanged(state, fail('SPLICE_MISMATCH', prev.detail, { position: where, reelKey: newKey, ...(prev.cause === undefined ? {} : { cause: prev.cause }) }));
  }
  if (prev.status !== 'verified') {
    return unchanged(state, fail('SLOT_NOT_VERIFIED', `${where} has no verified running reel to splice onto`, { position: where }));
  }
  const running = prev.reel;
  const mismatch = (c: Extract<Checked, { ok: false }>): StepResult => {
    d.effects.push(spliced(now, slot, running.facts.key, newKey, 'SPLICE_MISMATCH', d.nextGeneration));
    const verdict = refuse(d, order, at.i, 'SPLICE_MISMATCH', c.detail, newKey, now, c.reason, c.slots);
    return { state: d.finish(), verdict, effects: d.effects };
  };
  if (!id.ok) return mismatch(id);
  const c = checkReel(d.view(), order, at.i, id.facts, now, env.msdStatus);
  if (!c.ok) return mismatch(c);
  if (id.facts.key === running.facts.key) {
    // The running reel scanned again (a repeated splice scan): re-verified in place.
    const verdict = accept(d, order, at.i, id.facts, c, now, 'splice: ', scan.label);
    return { state: d.finish(), verdict: { ...verdict, ...(verdict.ok ? { outcome: 'spliced' as const } : {}) }, effects: d.effects };
  }
  const history = historyWith(running.history, { reelKey: id.facts.key, from: now }, state.config.maxHistory);
  const reel: LoadedReel = {
    facts: id.facts,
    label: scan.label,
    permission: c.permission,
    approvedMpn: c.part.manufacturerPartNumber.trim(),
    ...(c.overrideUntil === undefined ? {} : { overrideUntil: c.overrideUntil }),
    history,
  };
  d.set(at.i, { status: 'verified', reel });
  d.effects.push(spliced(now, slot, running.facts.key, id.facts.key, 'OK', d.nextGeneration));
  d.effects.push(reelIdentified(now, slot, reel), slotVerified(now, slot, reel, d.nextGeneration));
  return {
    state: d.finish(),
    verdict: done('spliced', `${id.facts.key} spliced onto ${running.facts.key} on ${where}`, true, {
      position: where,
      reelKey: id.facts.key,
      permission: c.permission,
    }),
    effects: d.effects,
  };
}

function assign(state: SetupState, order: OrderIndex, pos: string, scan: LabelResult, now: number, env: SetupEnv): StepResult {
  const at = slotOf(state, order, pos);
  if (!('i' in at)) return at;
  if (!scan.ok) return unchanged(state, fail(scan.reason === 'OK' ? 'SCAN_UNREADABLE' : scan.reason, scan.message, { position: position(order, at.i) }));
  return load({ ...state, pending: undefined }, order, at.i, scan.label, now, env);
}

/**
 * Identifies and checks each held reel again with what is known now. A reel that still passes keeps its slot
 * untouched (same generation, no messages); one that fails is refused there, exactly as a failed scan would be.
 * A bom-changed slot stays as it is: its reel must be scanned again anyway.
 */
function recheck(state: SetupState, order: OrderIndex, pos: string | undefined, now: number, env: SetupEnv): StepResult {
  let only: number | undefined;
  if (pos !== undefined) {
    const at = slotOf(state, order, pos);
    if (!('i' in at)) return at;
    only = at.i;
  }
  const d = new Draft(state);
  const refused: string[] = [];
  for (let i = 0; i < order.order.slots.length; i++) {
    if (only !== undefined && i !== only) continue;
    const s = d.slot(i);
    if (s.status !== 'verified') continue;
    const reel = s.reel;
    const id = identify(reel.label, state.reels, state.config);
    const c = id.ok ? checkReel(d.view(), order, i, id.facts, now, env.msdStatus) : undefined;
    if (id.ok && c !== undefined && c.ok) {
      if (c.permission !== reel.permission || c.overrideUntil !== reel.overrideUntil || id.facts.quantity !== reel.facts.quantity) {
        accept(d, order, i, id.facts, c, now, 'recheck: ', reel.label);
      }
      continue;
    }
    const why = !id.ok ? id : (c as Extract<Checked, { ok: false }>);
    refuse(d, order, i, why.reason, `recheck: ${why.detail}`, reel.facts.key, now, undefined, 'slots' in why ? why.slots : undefined);
    refused.push(position(order, i));
  }
  const verdict =
    refused.length === 0
      ? done('rechecked', 'every held reel still passes', d.changed)
      : { ...fail(refusedReason(d, order, refused[0]!), `refused on recheck: ${refused.join(', ')}`, { slots: refused }), changed: true };
  return { state: d.finish(), verdict, effects: d.effects };
}

/** Every verified slot (or the one on `pos`) stops vouching for its reel until it is scanned again. */
function unverify(state: SetupState, order: OrderIndex, pos: string | undefined, why: string, now: number): StepResult {
  let only: number | undefined;
  if (pos !== undefined) {
    const at = slotOf(state, order, pos);
    if (!('i' in at)) return at;
    only = at.i;
  }
  const d = new Draft(state);
  const touched: string[] = [];
  for (let i = 0; i < order.order.slots.length; i++) {
    if (only !== undefined && i !== only) continue;
    const s = d.slot(i);
    if (s.status !== 'verified') continue;
    refuse(d, order, i, 'SLOT_NOT_VERIFIED', why, s.reel.facts.key, now);
    touched.push(position(order, i));
  }
  return { state: d.finish(), verdict: done('unverified', touched.length === 0 ? 'no slot was verified' : `scan again: ${touched.join(', ')}`, touched.length > 0, { slots: touched }), effects: d.effects };
}

function refusedReason(d: Draft, order: OrderIndex, pos: string): Reject {
  const i = slotAt(order, pos);
  const s = i === undefined ? undefined : d.slot(i);
  return s?.status === 'rejected' && s.reason !== 'OK' ? s.reason : 'SLOT_NOT_VERIFIED';
}

function override(state: SetupState, order: OrderIndex, pos: string, expiresAt: number, now: number): StepResult {
  const at = slotOf(state, order, pos);
  if (!('i' in at)) return at;
  const where = position(order, at.i);
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt) || expiresAt / 1000 > 0xffffffff) {
    return unchanged(state, fail('FIELD_OUT_OF_RANGE', 'override expiry must be an epoch time', { position: where }));
  }
  if (expiresAt <= now) return unchanged(state, fail('OVERRIDE_EXPIRED', `the override for ${where} has already lapsed`, { position: where }));
  const overrides = new Map(state.overrides);
  overrides.set(at.i, expiresAt);
  return {
    state: { ...state, overrides },
    verdict: done('override', `alternates allowed on ${where} until ${new Date(expiresAt).toISOString()}; scan the reel`, true, { position: where }),
    effects: [],
  };
}

// ---- host input: reel records, work orders ----------------------------------------------------------------

function record(state: SetupState, r: ReelRecordBody): StepResult {
  if (typeof r?.uniqueIdentifier !== 'string' || r.uniqueIdentifier.trim() === '') {
    return unchanged(state, fail('FIELD_OUT_OF_RANGE', 'a reel record needs a unique identifier'));
  }
  const { cache, dropped } = putRecord(state.reels, r);
  const note = dropped.length > 0 ? `; cache full, dropped ${dropped.length} oldest` : '';
  return {
    state: { ...state, reels: cache },
    verdict: done('recorded', `reel ${r.uniqueIdentifier.trim()} recorded${note}`, true, { reelKey: r.uniqueIdentifier.trim() }),
    effects: [],
  };
}

function unloadAll(d: Draft, order: OrderIndex, now: number, keep: (i: number) => boolean): void {
  for (let i = 0; i < d.base.slots.length; i++) {
    if (keep(i)) continue;
    const reel = heldReel(d.slot(i));
    if (reel !== undefined) d.effects.push(slotUnloaded(now, order.order.slots[i]!, reel.facts.key, d.nextGeneration));
  }
}

function clear(state: SetupState, now: number): StepResult {
  const old = state.order;
  if (old === undefined) return unchanged(state, done('cleared', 'no work order was active', false));
  const d = new Draft(state);
  unloadAll(d, old, now, () => false);
  const next = createSetup(state.config);
  return {
    state: { ...next, reels: state.reels, generation: d.nextGeneration },
    verdict: done('cleared', `work order ${old.order.header.workOrderIdentifier} ended`, true),
    effects: d.effects,
  };
}

function activate(state: SetupState, order: WorkOrder, now: number): StepResult {
  const ix = indexOrder(order, state.config.maxSlots);
  if (!ix.ok) return unchanged(state, fail(ix.reason, ix.detail));
  const old = state.order;
  if (old !== undefined && old.order.header.workOrderIdentifier === order.header.workOrderIdentifier) {
    return revise(state, old, ix.index, now);
  }
  // A different work order: every slot is verified afresh (a changeover is a full setup check).
  const d = new Draft(state);
  if (old !== undefined) unloadAll(d, old, now, () => false);
  const next = createSetup(state.config);
  return {
    state: {
      ...next,
      reels: state.reels,
      order: ix.index,
      slots: order.slots.map(() => EMPTY),
      generation: d.nextGeneration,
    },
    verdict: done('activated', `work order ${order.header.workOrderIdentifier}: ${order.slots.length} slots to verify`, true),
    effects: d.effects,
  };
}

/** The same work order again, possibly at another BOM revision: changed slots must be verified again. */
function revise(state: SetupState, old: OrderIndex, next: OrderIndex, now: number): StepResult {
  const d = new Draft(state);
  const slots: SlotState[] = [];
  const changed: string[] = [];
  const overrides = new Map<number, number>();
  const obsolete = new Set(state.obsolete);
  /** Old slot indexes whose position the new revision still has. */
  const kept = new Set<number>();
  let added = 0;
  next.order.slots.forEach((s, i) => {
    const j = old.byPosition.get(normPosition(s.position));
    if (j === undefined) {
      added++;
      slots.push(EMPTY);
      return;
    }
    kept.add(j);
    const st = state.slots[j] ?? EMPTY;
    if (sameRequirement(old.order.slots[j]!, s)) {
      slots.push(st);
      const o = state.overrides.get(j);
      if (o !== undefined) overrides.set(i, o);
      return;
    }
    changed.push(s.position.trim());
    const prev = heldReel(st);
    if (prev !== undefined) {
      const key = obsoleteKey(s.position, prev.facts);
      obsolete.delete(key);
      obsolete.add(key);
    }
    slots.push(prev === undefined ? { status: 'bom-changed' } : { status: 'bom-changed', previous: prev });
  });
  unloadAll(d, old, now, (j) => kept.has(j));
  const removed = old.order.slots.length - kept.size;
  let evicted = 0;
  for (const k of obsolete) {
    if (obsolete.size <= state.config.maxObsoleteLots) break;
    obsolete.delete(k);
    evicted++;
  }
  if (evicted > 0) d.effects.push(limitAlarm(now, `${evicted} obsolete lots forgotten (limit ${state.config.maxObsoleteLots})`));
  const held = new Map<string, number>();
  slots.forEach((s, i) => {
    const r = heldReel(s);
    if (r !== undefined) held.set(reelIndexKey(r.facts.key), i);
  });
  const slotsChanged = changed.length > 0 || added > 0 || removed > 0 || slots.some((s, i) => s !== state.slots[i]);
  const header = `BOM ${old.order.header.bomRevision} → ${next.order.header.bomRevision}`;
  if (!slotsChanged && sameHeader(old.order, next.order)) {
    return unchanged(state, done('activated', `work order ${next.order.header.workOrderIdentifier} unchanged`, false));
  }
  return {
    state: {
      ...state,
      order: next,
      slots,
      held,
      pending: undefined,
      overrides,
      obsolete,
      generation: slotsChanged ? d.nextGeneration : state.generation,
    },
    verdict: done('activated', `${header}: ${changed.length} slots changed, ${added} added, ${removed} removed`, true, { slots: changed }),
    effects: d.effects,
  };
}

function sameHeader(a: WorkOrder, b: WorkOrder): boolean {
  const ka = Object.keys(a.header) as (keyof WorkOrder['header'])[];
  return ka.length === Object.keys(b.header).length && ka.every((k) => a.header[k] === b.header[k]);
}
