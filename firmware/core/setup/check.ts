// May this reel feed this slot now? The checks run in a fixed order, most specific and most actionable first:
//  1. the part:  WRONG_SLOT (it belongs elsewhere: go there), WRONG_PART, MANUFACTURER_NOT_APPROVED;
//  2. the reel's place: DUPLICATE_REEL (it is on another slot), LOT_OBSOLETE (a BOM change withdrew it here);
//  3. the approval: ALTERNATE_NOT_PERMITTED (a supervisor can still allow it);
//  4. the reel's fitness: SHELF_LIFE_EXPIRED, MSD_NOT_READY (quarantine the reel), QUANTITY_EMPTY, QUANTITY_LOW.
// A reel is approved only through an AVL entry of this very slot whose MPN matches: no other path says OK.
import { MSD_STATES } from '../../../protocol/src/vocabulary';
import type { ReasonName } from '../../../protocol/src/reasons';
import { makerMatches, normLot, normMpn, normPosition, reelIndexKey } from './normalize';
import { mpnMatches, slotsApproving, type OrderIndex } from './order';
import type { ApprovedPart, MsdLookup, MsdStatus, Permission, ReelFacts, SetupState } from './types';

export type Checked =
  | {
      readonly ok: true;
      readonly permission: Permission;
      readonly part: ApprovedPart;
      readonly overrideUntil?: number;
    }
  | {
      readonly ok: false;
      readonly reason: Exclude<ReasonName, 'OK'>;
      readonly detail: string;
      readonly slots?: readonly string[];
    };

const RANK = { primary: 0, alternate: 1, 'alternate-with-approval': 2 } as const;
const NOT_READY: ReadonlySet<string> = new Set<string>(['expired', 'needs-bake', 'blocked-unrated']);

/** The key under which a BOM change records a reel's lot as obsolete on a slot. */
export function obsoleteKey(position: string, reel: ReelFacts): string {
  const lot = reel.lot === undefined ? '' : normLot(reel.lot);
  const what = lot === '' ? `R\u001f${reel.key}` : `L\u001f${normMpn(reel.mpn)}\u001f${lot}`;
  return `${normPosition(position)}\u0000${what}`;
}

/** What the checks read from the setup state. */
export type CheckView = Pick<SetupState, 'config' | 'held' | 'obsolete' | 'overrides'>;

export function checkReel(
  state: CheckView,
  index: OrderIndex,
  slotIndex: number,
  reel: ReelFacts,
  now: number,
  msdStatus: MsdLookup,
): Checked {
  const slot = index.order.slots[slotIndex]!;
  const position = slot.position.trim();
  const { config } = state;

  // 1. The part.
  if (index.caseSensitive.has(normMpn(reel.mpn)) && reel.mpnFrom === 'label') {
    return {
      ok: false,
      reason: 'UNKNOWN_REEL',
      detail: `${reel.mpn}: this order has parts differing only by letter case; needs the host record of the reel`,
    };
  }
  const byMpn = slot.approvedParts.filter((p) => mpnMatches(index, p.manufacturerPartNumber, reel));
  if (byMpn.length === 0) {
    const elsewhere = slotsApproving(index, reel, slotIndex);
    if (elsewhere.length > 0) {
      return { ok: false, reason: 'WRONG_SLOT', detail: `${reel.mpn} belongs to ${list(elsewhere)}`, slots: elsewhere };
    }
    return {
      ok: false,
      reason: 'WRONG_PART',
      detail: `${reel.mpn} is not approved for ${position} (${list(slot.approvedParts.map((p) => p.manufacturerPartNumber))})`,
    };
  }
  const makers = [reel.labelManufacturer, reel.hostManufacturer].filter((m): m is string => m !== undefined);
  if (makers.length === 0 && config.requireManufacturer) {
    return { ok: false, reason: 'MANUFACTURER_NOT_APPROVED', detail: `no manufacturer for ${reel.mpn} on label or host record` };
  }
  // Every maker the station was told of (label and host record) must be an AVL maker of this MPN.
  const candidates: ApprovedPart[] = [];
  for (const m of makers) {
    const by = byMpn.filter((p) => makerMatches(p.manufacturer, m));
    if (by.length === 0) {
      return {
        ok: false,
        reason: 'MANUFACTURER_NOT_APPROVED',
        detail: `${m} is not an approved maker of ${reel.mpn} (${list(byMpn.map((p) => p.manufacturer))})`,
      };
    }
    candidates.push(...by);
  }
  // The most restrictive matching entry applies: with no maker known, that of any entry for the MPN.
  const part = (candidates.length > 0 ? candidates : byMpn).reduce((a, p) => (RANK[p.permission] > RANK[a.permission] ? p : a));

  // 2. The reel's place.
  const holder = state.held.get(reelIndexKey(reel.key));
  if (holder !== undefined && holder !== slotIndex) {
    const at = index.order.slots[holder]!.position.trim();
    return { ok: false, reason: 'DUPLICATE_REEL', detail: `reel ${reel.key} is already on ${at}`, slots: [at] };
  }
  if (state.obsolete.has(obsoleteKey(position, reel))) {
    return { ok: false, reason: 'LOT_OBSOLETE', detail: `lot ${reel.lot ?? reel.key} of ${reel.mpn} was withdrawn from ${position} by the BOM change` };
  }

  // 3. The approval.
  let permission: Permission = 'primary';
  let overrideUntil: number | undefined;
  if (part.permission === 'alternate-with-approval' || (part.permission === 'alternate' && config.primaryOnly)) {
    const until = state.overrides.get(slotIndex);
    if (until === undefined || now >= until) {
      return {
        ok: false,
        reason: 'ALTERNATE_NOT_PERMITTED',
        detail: `${reel.mpn} is an alternate for ${position} that needs a supervisor override`,
      };
    }
    permission = 'override';
    overrideUntil = until;
  } else if (part.permission === 'alternate') {
    permission = 'alternate';
  }

  // 4. The reel's fitness.
  if (reel.expiryUnreadable !== undefined) {
    return { ok: false, reason: 'SHELF_LIFE_EXPIRED', detail: `cannot read expiry date "${reel.expiryUnreadable}"` };
  }
  if (reel.expiresAt !== undefined && now >= reel.expiresAt) {
    return { ok: false, reason: 'SHELF_LIFE_EXPIRED', detail: `reel ${reel.key} expired` };
  }
  if (slot.msd) {
    const msd = askMsd(msdStatus, reel, slot);
    if (msd !== undefined) return { ok: false, reason: 'MSD_NOT_READY', detail: msd };
  }
  if (reel.quantity === 0) return { ok: false, reason: 'QUANTITY_EMPTY', detail: `reel ${reel.key} is empty` };
  if (reel.quantity !== undefined && reel.quantity < config.minQuantity) {
    return { ok: false, reason: 'QUANTITY_LOW', detail: `${reel.quantity} parts, at least ${config.minQuantity} needed` };
  }
  return overrideUntil === undefined ? { ok: true, permission, part } : { ok: true, permission, part, overrideUntil };
}

/** Why an MSD reel is not ready, or undefined when it is. No status, or a malformed one, is not ready. */
function askMsd(lookup: MsdLookup, reel: ReelFacts, slot: Parameters<MsdLookup>[1]): string | undefined {
  let s: MsdStatus | undefined;
  try {
    s = lookup(reel, slot);
  } catch {
    return 'the MSL engine failed to answer';
  }
  if (s === undefined) return `no MSD status for reel ${reel.key}`;
  if (!(MSD_STATES as readonly string[]).includes(s.state)) return 'the MSL engine gave an unknown state';
  if (typeof s.notReady === 'string') return s.notReady;
  if (!NOT_READY.has(s.state)) return undefined;
  const why = Array.isArray(s.reasons) && s.reasons.length > 0 ? `: ${s.reasons.join(', ')}` : '';
  return `MSD ${s.state}${why}`;
}

function list(xs: readonly string[]): string {
  return xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more`;
}
