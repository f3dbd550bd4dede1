// The run permit: the conjunction of every rule. Each failing rule contributes a reason, most important first
// (the order below is the order a person should act in: a broken station before a missing work order, the
// program before the reels, the reels before the first-off). The stack light and the station state follow.
import { REASONS } from '../../../protocol/src/reasons';
import type { StationState } from '../../../protocol/src/vocabulary';
import { permit as setupPermit } from '../setup/permit';
import { unackedCritical } from './alarms';
import { reelView, remainingMinutes } from './msd';
import { firstOffBlock, programBlock } from './program';
import type { CoreState, Facts, PermitView, Reject } from './types';
import { frozen } from '../../../protocol/src/frozen';

/** Most important first. A reason not listed sorts after these, by code. */
const PRIORITY: readonly Reject[] = [
  'INTERNAL_ERROR',
  'FLASH_WRITE_FAILED',
  'STORE_CORRUPT',
  'POWER_LOSS_RECOVERY',
  'JOURNAL_FULL',
  'CLOCK_INVALID',
  'LOCKED_BY_HOST',
  'ALARM_UNACKNOWLEDGED',
  'NO_WORK_ORDER',
  'PROGRAM_UNKNOWN',
  'PROGRAM_MISMATCH',
  'PROGRAM_CHECKSUM',
  'SLOT_NOT_VERIFIED',
  'BOM_CHANGED',
  'MSD_EXPIRED',
  'MSD_NEEDS_BAKE',
  'MSD_CONDITIONS_UNRATED',
  'MSD_CLOCK_LOST',
  'SENSOR_FAULT',
  'MSD_REMAINING_LOW',
  'FIRST_OFF_FAILED',
  'FIRST_OFF_PENDING',
  'BOARD_LIMIT_REACHED',
  'PLC_HEARTBEAT_LOST',
];
const RANK = new Map<Reject, number>(PRIORITY.map((r, i) => [r, i]));

export function byImportance(a: Reject, b: Reject): number {
  const ra = RANK.get(a) ?? PRIORITY.length;
  const rb = RANK.get(b) ?? PRIORITY.length;
  return ra !== rb ? ra - rb : REASONS[a].code - REASONS[b].code;
}

/** Reasons a supervisor may override for a limited time. Nothing else can be: see firmware/runtime/README.md. */
export const OVERRIDABLE: readonly Reject[] = frozen(['ALTERNATE_NOT_PERMITTED', 'FIRST_OFF_PENDING', 'BOARD_LIMIT_REACHED', 'PLC_HEARTBEAT_LOST']);

/** The MSD reason of a slot's reel, if it may not feed now. */
export interface MsdSlotBlock {
  readonly slot: number;
  readonly reason: Reject;
}

const MSD_BLOCKING: readonly Reject[] = ['MSD_EXPIRED', 'MSD_NEEDS_BAKE', 'MSD_CONDITIONS_UNRATED', 'MSD_CLOCK_LOST', 'MSD_SCRAPPED'];

/** Each verified MSD slot whose reel may not feed now, with the reason (J-STD-033 via the tracker). */
export function msdBlocks(s: CoreState, now: number): MsdSlotBlock[] {
  const order = s.setup.order;
  if (order === undefined) return [];
  const out: MsdSlotBlock[] = [];
  order.order.slots.forEach((slot, i) => {
    const st = s.setup.slots[i];
    if (!slot.msd || st === undefined || st.status !== 'verified') return;
    const r = reelView(s, st.reel.facts.key, now);
    if (r === undefined) return out.push({ slot: i, reason: 'MSD_NOT_READY' });
    if (r.hostBlock !== undefined) return out.push({ slot: i, reason: r.hostBlock });
    const v = r.view;
    const blocking = v.reasons.find((x): x is Reject => (MSD_BLOCKING as readonly string[]).includes(x));
    if (v.state === 'expired' || v.state === 'needs-bake' || v.state === 'blocked-unrated') {
      return out.push({ slot: i, reason: blocking ?? (v.state === 'expired' ? 'MSD_EXPIRED' : v.state === 'needs-bake' ? 'MSD_NEEDS_BAKE' : 'MSD_CONDITIONS_UNRATED') });
    }
    const left = remainingMinutes(r);
    const needMin = (ttrMs(s) + s.config['msd.marginMs']) / 60_000;
    if (left !== null && left < needMin) return out.push({ slot: i, reason: 'MSD_REMAINING_LOW' });
    return undefined;
  });
  return out;
}

function ttrMs(s: CoreState): number {
  return (s.setup.order?.order.header.timeToReflow ?? 4 * 3600) * 1000;
}

/** An MSD reel within warnLead of its margin: amber, not a stop. */
export function msdWarnings(s: CoreState, now: number): number[] {
  const order = s.setup.order;
  if (order === undefined) return [];
  const out: number[] = [];
  const warnMin = (ttrMs(s) + s.config['msd.marginMs'] + s.config['msd.warnLeadMs']) / 60_000;
  order.order.slots.forEach((slot, i) => {
    const st = s.setup.slots[i];
    if (!slot.msd || st === undefined || st.status !== 'verified') return;
    const r = reelView(s, st.reel.facts.key, now);
    const left = r === undefined ? null : remainingMinutes(r);
    if (left !== null && left < warnMin) out.push(i);
  });
  return out;
}

function overridden(s: CoreState, reason: Reject, now: number): boolean {
  return s.overrides.some((o) => o.reason === reason && o.position === undefined && now < o.until);
}

/** True while the station has no valid T/RH sample for longer than the staleness limit. */
export function sensorStale(s: CoreState, f: Facts): boolean {
  const last = s.sensor.lastValidMono;
  return last === undefined ? f.mono > s.config['timeouts.sensorStaleMs'] : f.mono - last > s.config['timeouts.sensorStaleMs'];
}

export function evaluate(s: CoreState, f: Facts): PermitView {
  const now = f.now;
  const reasons = new Set<Reject>();
  const warnings = new Set<Reject>();
  if (f.journal.failed) reasons.add('FLASH_WRITE_FAILED');
  if (f.storeCorrupt) reasons.add('STORE_CORRUPT');
  if (s.recovering) reasons.add('POWER_LOSS_RECOVERY');
  if (f.journal.full) reasons.add('JOURNAL_FULL');
  else if (f.journal.highWater) warnings.add('JOURNAL_HIGH_WATER');
  if (!s.clock.valid) reasons.add('CLOCK_INVALID');
  if (s.hold !== undefined) reasons.add('LOCKED_BY_HOST');
  if (unackedCritical(s.alarms)) reasons.add('ALARM_UNACKNOWLEDGED');
  const order = s.setup.order;
  if (order === undefined) {
    reasons.add('NO_WORK_ORDER');
  } else {
    const p = programBlock(s);
    if (p !== undefined) reasons.add(p);
    if (s.config.role !== 'reflow') for (const r of setupPermit(s.setup, now).reasons) reasons.add(r);
    const msd = msdBlocks(s, now);
    for (const b of msd) reasons.add(b.reason);
    const hasMsd = order.order.slots.some((slot, i) => slot.msd && s.setup.slots[i]?.status === 'verified');
    if (hasMsd && sensorStale(s, f)) reasons.add('SENSOR_FAULT');
    if (msdWarnings(s, now).length > 0) warnings.add('MSD_REMAINING_LOW');
    const fo = firstOffBlock(s.firstOff);
    if (fo !== undefined && !overridden(s, fo, now)) reasons.add(fo);
    const limit = s.order?.terms.maxBoards ?? 0;
    if (limit > 0 && (s.order?.boards ?? 0) >= limit && !overridden(s, 'BOARD_LIMIT_REACHED', now)) reasons.add('BOARD_LIMIT_REACHED');
  }
  if (s.plc.lost) {
    warnings.add('PLC_HEARTBEAT_LOST');
    if (s.config['plc.heartbeatDropsPermit'] && !overridden(s, 'PLC_HEARTBEAT_LOST', now)) reasons.add('PLC_HEARTBEAT_LOST');
  }
  if (!f.hostOnline) warnings.add('HOST_OFFLINE');
  if (s.sensor.status === 'implausible' || s.sensor.status === 'fault') warnings.add('SENSOR_FAULT');
  if (s.alarms.some((a) => !a.acked)) warnings.add('ALARM_UNACKNOWLEDGED');
  const sorted = [...reasons].sort(byImportance);
  const on = sorted.length === 0;
  // Only reels missing or refused: the station is being set up, not held.
  const onlySetup = sorted.length > 0 && sorted.every((r) => REASONS[r].category === 'setup');
  const state: StationState = stationState(s, f, on, onlySetup);
  const warn = [...warnings].filter((w) => !reasons.has(w)).sort(byImportance);
  return {
    on,
    reasons: sorted,
    state,
    light: { green: on, red: !on && state !== 'setup' && state !== 'no-work-order', amber: state === 'setup' || state === 'no-work-order' || warn.length > 0 },
    warnings: warn,
  };
}

function stationState(s: CoreState, f: Facts, on: boolean, onlySetup: boolean): StationState {
  if (f.journal.failed || f.storeCorrupt) return 'fault';
  if (s.recovering) return 'booting';
  if (s.setup.order === undefined) return 'no-work-order';
  if (on) return s.firstOff.phase === 'one-board' ? 'ready' : 'running';
  // Reels missing before the order's first board is setup (amber); the same mid-run is a stop (red).
  return onlySetup && (s.order?.boards ?? 0) === 0 ? 'setup' : 'hold';
}
