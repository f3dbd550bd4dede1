// After a power loss: the journal may hold records of the last input that the store's checkpoint does not
// include (the runtime journals first, then checkpoints). Those records are applied here, conservatively: a
// fact that only adds an interlock or counts a board is applied as recorded; a slot a record touched can no
// longer be trusted either way, so it must be scanned again (POWER_LOSS_RECOVERY). Nothing is ever verified here.
import type { Message } from '../../../protocol/src/messages';
import { slotAt } from '../setup/order';
import { heldReel } from '../setup/setup';
import { reelIndexKey } from '../setup/normalize';
import type { SetupState } from '../setup/types';
import { fromHostEvent } from './msd';
import { LOST } from './persist';
import type { CoreState } from './types';

const SLOT_RECORDS = new Set(['SlotLoaded', 'ReelIdentified', 'SlotVerified', 'SlotRejected', 'SlotUnloaded', 'Splice', 'QuickAssigned', 'ManualLotEntry']);

function positionOf(m: Message): string | undefined {
  const b = m.body as { locationIdentifier?: unknown };
  return typeof b.locationIdentifier === 'string' ? b.locationIdentifier : undefined;
}

function loseSlot(setup: SetupState, position: string): SetupState {
  const order = setup.order;
  const i = order === undefined ? undefined : slotAt(order, position);
  if (i === undefined) return setup;
  const slots = [...setup.slots];
  const old = heldReel(slots[i] ?? LOST);
  slots[i] = LOST;
  const held = new Map(setup.held);
  if (old !== undefined && held.get(reelIndexKey(old.facts.key)) === i) held.delete(reelIndexKey(old.facts.key));
  return { ...setup, slots, held, generation: (setup.generation + 1) >>> 0 };
}

/** What each state part already includes: the journal sequence it was written at (0: unknown, include nothing). */
export interface PartSeqs {
  readonly slot: (index: number) => number;
  readonly reel: (key: string) => number;
}

const NONE: PartSeqs = { slot: () => 0, reel: () => 0 };

/**
 * Applies the records journaled after the core checkpoint, in order, each only to the parts it is newer than. `seq`
 * is each record's journal sequence (the records of a refused decision, which never reached a part, pass none).
 */
export function rollForward(s: CoreState, records: readonly (Message | { readonly seq: number; readonly message: Message })[], now: number, parts: PartSeqs = NONE): CoreState {
  let st = s;
  for (const item of records) {
    const m = 'message' in item ? item.message : item;
    const seq = 'message' in item ? item.seq : Infinity;
    if (SLOT_RECORDS.has(m.type)) {
      const p = positionOf(m);
      const i = p === undefined || st.setup.order === undefined ? undefined : slotAt(st.setup.order, p);
      if (p !== undefined && (i === undefined || seq > parts.slot(i))) st = { ...st, setup: loseSlot(st.setup, p) };
      continue;
    }
    switch (m.type) {
      case 'BoardTrace':
        st = { ...st, boards: st.boards + 1, ...(st.order === undefined ? {} : { order: { ...st.order, boards: st.order.boards + 1 } }) };
        if (m.body.firstOff && st.firstOff.phase === 'one-board') st = { ...st, firstOff: { phase: 'awaiting', unitId: m.body.unitIdentifier, at: m.body.at * 1000 } };
        break;
      case 'FirstOffResult':
        if (st.firstOff.phase === 'awaiting') {
          st = { ...st, firstOff: m.body.passed ? { phase: 'passed', unitId: st.firstOff.unitId, by: m.body.inspector } : { phase: 'failed', unitId: st.firstOff.unitId, by: m.body.inspector, ncr: m.body.comment } };
        }
        break;
      case 'WorkOrderActivated':
        // The order in the store may be the one before: unless it is this very order, drop it (the host sends it again).
        if (st.order === undefined || st.order.digest !== m.body.digest) st = { ...st, setup: { ...st.setup, order: undefined, slots: [], held: new Map() }, order: undefined };
        break;
      case 'ClearWorkOrder':
        st = { ...st, setup: { ...st.setup, order: undefined, slots: [], held: new Map() }, order: undefined, firstOff: { phase: 'not-required' } };
        break;
      case 'StationHold':
        // A lock only adds an interlock; an unlock that was not checkpointed is left for the host to repeat.
        if (m.body.hold) st = { ...st, hold: m.body };
        break;
      case 'MsdEvent': {
        // A restore (the reel made usable again) is left for the host to repeat; everything else is a fact.
        if (m.body.event === 'restored' || seq <= parts.reel(m.body.uniqueIdentifier)) break;
        const r = fromHostEvent(st, m.body, now);
        if (r.ok) st = { ...st, msd: r.book };
        break;
      }
      case 'MsdDisposition': {
        // A scrap is applied; a release (which makes a reel usable) is left for the supervisor to repeat.
        const reel = st.msd.get(m.body.uniqueIdentifier);
        if (m.body.action === 'scrap' && reel !== undefined) st = { ...st, msd: new Map(st.msd).set(reel.key, { ...reel, hostBlock: 'MSD_SCRAPPED' }) };
        break;
      }
      default:
        break;
    }
  }
  return st;
}
