// The active work order with the indexes a scan needs (position → slot, MPN → slots), built once when the
// order arrives so that each scan costs a few map lookups, not a walk over every slot and part.
import type { ReasonName } from '../../../protocol/src/reasons';
import { utf8Length } from '../../../protocol/src/utf8';
import { makerKey, normMpn, normPosition } from './normalize';
import type { ReelFacts, Slot, WorkOrder } from './types';

export interface OrderIndex {
  readonly order: WorkOrder;
  /** Normalised position → slot index. */
  readonly byPosition: ReadonlyMap<string, number>;
  /** Normalised MPN → indexes of the slots that approve it, ascending. */
  readonly byMpn: ReadonlyMap<string, readonly number[]>;
  /** Normalised MPNs the order spells in two ways that differ only by case: compared exactly. */
  readonly caseSensitive: ReadonlySet<string>;
}

// Wire limits of fields the station copies from the work order into its messages.
const MAX_POSITION_BYTES = 16;
const MAX_IPN_BYTES = 32;
const MAX_MPN_BYTES = 40;
const MAX_APPROVED_PARTS = 8;

export type Indexed =
  | { readonly ok: true; readonly index: OrderIndex }
  | { readonly ok: false; readonly reason: Exclude<ReasonName, 'OK'>; readonly detail: string };

export function indexOrder(order: WorkOrder, maxSlots: number): Indexed {
  if (order.slots.length > maxSlots) {
    return { ok: false, reason: 'LIMIT_EXCEEDED', detail: `${order.slots.length} slots, this station holds ${maxSlots}` };
  }
  const byPosition = new Map<string, number>();
  const byMpn = new Map<string, number[]>();
  const spellings = new Map<string, string>();
  const caseSensitive = new Set<string>();
  for (let i = 0; i < order.slots.length; i++) {
    const s = order.slots[i]!;
    const pos = normPosition(s.position);
    const bad = slotProblem(s, pos);
    if (bad !== undefined) return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: bad };
    if (byPosition.has(pos)) return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `position ${pos} appears twice` };
    byPosition.set(pos, i);
    for (const p of s.approvedParts) {
      const raw = p.manufacturerPartNumber.trim();
      const n = normMpn(raw);
      const seen = spellings.get(n);
      if (seen === undefined) spellings.set(n, raw);
      else if (seen !== raw) caseSensitive.add(n);
      const list = byMpn.get(n);
      if (list === undefined) byMpn.set(n, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    }
  }
  return { ok: true, index: { order, byPosition, byMpn, caseSensitive } };
}

function slotProblem(s: Slot, pos: string): string | undefined {
  if (pos === '') return 'a slot has an empty position';
  if (utf8Length(s.position.trim()) > MAX_POSITION_BYTES) return `position ${pos} is longer than ${MAX_POSITION_BYTES} bytes`;
  if (utf8Length(s.internalPartNumber) > MAX_IPN_BYTES) return `slot ${pos}: internal part number too long`;
  if (s.approvedParts.length === 0) return `slot ${pos} approves no part`;
  if (s.approvedParts.length > MAX_APPROVED_PARTS) return `slot ${pos} lists more than ${MAX_APPROVED_PARTS} parts`;
  for (const p of s.approvedParts) {
    const m = p.manufacturerPartNumber.trim();
    if (m === '') return `slot ${pos} approves an empty part number`;
    if (utf8Length(m) > MAX_MPN_BYTES) return `slot ${pos}: part number longer than ${MAX_MPN_BYTES} bytes`;
  }
  return undefined;
}

export function slotAt(index: OrderIndex, position: string): number | undefined {
  return index.byPosition.get(normPosition(position));
}

/** The AVL part number `avl` names the scanned reel's part. */
export function mpnMatches(index: OrderIndex, avl: string, reel: ReelFacts): boolean {
  const n = normMpn(avl);
  if (n !== normMpn(reel.mpn)) return false;
  // Where case tells two parts of this order apart, only the host's spelling is trusted, exactly.
  return !index.caseSensitive.has(n) || (reel.mpnFrom === 'host' && avl.trim() === reel.mpn);
}

/** Positions of the slots (other than `except`) whose AVL names the reel's part. */
export function slotsApproving(index: OrderIndex, reel: ReelFacts, except: number): string[] {
  const out: string[] = [];
  for (const i of index.byMpn.get(normMpn(reel.mpn)) ?? []) {
    if (i === except) continue;
    const s = index.order.slots[i]!;
    if (s.approvedParts.some((p) => mpnMatches(index, p.manufacturerPartNumber, reel))) out.push(s.position.trim());
  }
  return out;
}

function partKey(s: Slot): string {
  return s.approvedParts
    .map((p) => `${normMpn(p.manufacturerPartNumber)}\u0000${makerKey(p.manufacturer)}\u0000${p.permission}`)
    .sort()
    .join('\u0001');
}

/**
 * Whether two revisions of a slot accept the same reels. The BOM find number (bomLine) is left out: a
 * renumbering does not change what may feed the slot.
 */
export function sameRequirement(a: Slot, b: Slot): boolean {
  return (
    a.internalPartNumber.trim() === b.internalPartNumber.trim() &&
    a.msd === b.msd &&
    a.thicknessClass === b.thicknessClass &&
    partKey(a) === partKey(b)
  );
}
