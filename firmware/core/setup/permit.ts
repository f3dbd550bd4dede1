// Setup's contribution to the run permit: on only when every slot of the active work order is verified
// with an approved reel, and no override it relies on has lapsed. Each "no" names its reason.
import { REASONS, type ReasonName } from '../../../protocol/src/reasons';
import { slotAt } from './order';
import { historyEntries } from './history';
import type { SetupState } from './types';

export interface SlotBlock {
  readonly position: string;
  readonly reason: Exclude<ReasonName, 'OK'>;
}

export interface PermitContribution {
  readonly ok: boolean;
  /** Distinct reasons, by code; SLOT_NOT_VERIFIED whenever any slot blocks. Empty when ok. */
  readonly reasons: readonly Exclude<ReasonName, 'OK'>[];
  /** Every slot that blocks, in work-order order, with its own reason. */
  readonly blocked: readonly SlotBlock[];
  readonly slotsTotal: number;
  readonly slotsVerified: number;
}

export function permit(state: SetupState, now: number): PermitContribution {
  const order = state.order;
  if (order === undefined) {
    return { ok: false, reasons: ['NO_WORK_ORDER'], blocked: [], slotsTotal: 0, slotsVerified: 0 };
  }
  const blocked: SlotBlock[] = [];
  let verified = 0;
  order.order.slots.forEach((slot, i) => {
    const s = state.slots[i];
    const position = slot.position.trim();
    if (s === undefined || s.status === 'empty') blocked.push({ position, reason: 'SLOT_NOT_VERIFIED' });
    else if (s.status === 'rejected') blocked.push({ position, reason: s.reason === 'OK' ? 'SLOT_NOT_VERIFIED' : s.reason });
    else if (s.status === 'bom-changed') blocked.push({ position, reason: 'BOM_CHANGED' });
    else if (s.reel.overrideUntil !== undefined && !(now < s.reel.overrideUntil)) blocked.push({ position, reason: 'OVERRIDE_EXPIRED' });
    else verified++;
  });
  const set = new Set<Exclude<ReasonName, 'OK'>>(blocked.map((b) => b.reason));
  if (blocked.length > 0) set.add('SLOT_NOT_VERIFIED');
  const reasons = [...set].sort((a, b) => REASONS[a].code - REASONS[b].code);
  return { ok: blocked.length === 0, reasons, blocked, slotsTotal: order.order.slots.length, slotsVerified: verified };
}

/** The reel that fed `position` at time `t` (epoch ms), as far as the slot's kept history reaches. */
export function reelAt(state: SetupState, position: string, t: number): string | undefined {
  const order = state.order;
  if (order === undefined) return undefined;
  const i = slotAt(order, position);
  const s = i === undefined ? undefined : state.slots[i];
  if (s === undefined || s.status !== 'verified') return undefined;
  let found: string | undefined;
  for (const h of historyEntries(s.reel.history)) if (h.from <= t) found = h.reelKey;
  return found;
}
