// The station as the outside sees it (Modbus registers, StatusReport, `warden station`): one StationView built
// from the core state and the permit, so a PLC and the host are never told two different stories.
import type { SlotView, StationView } from '../../protocol/src/station-view';
import type { SlotStateName } from '../../protocol/src/vocabulary';
import { REASONS } from '../../protocol/src/reasons';
import { msdBlocks, reelView, remainingMinutes } from '../core/station';
import { permit as setupPermit } from '../core/setup/permit';
import type { CoreState, Facts, PermitView } from '../core/station/types';

export function stationView(s: CoreState, p: PermitView, f: Facts, mono: number): StationView {
  const order = s.setup.order;
  const slots: SlotView[] = [];
  let msdReels = 0;
  let least: number | null = null;
  if (order !== undefined) {
    const blocked = new Map(setupPermit(s.setup, f.now).blocked.map((b) => [b.position, b.reason] as const));
    const msd = new Map(msdBlocks(s, f.now).map((b) => [b.slot, b.reason] as const));
    order.order.slots.forEach((slot, i) => {
      const st = s.setup.slots[i] ?? { status: 'empty' as const };
      const reel = st.status === 'verified' ? st.reel : undefined;
      let msdMin: number | null = null;
      if (reel !== undefined && slot.msd) {
        const r = reelView(s, reel.facts.key, f.now);
        msdMin = r === undefined ? 0 : remainingMinutes(r);
        msdReels++;
        if (msdMin !== null && (least === null || msdMin < least)) least = msdMin;
      }
      const state: SlotStateName = st.status === 'verified' ? (reel?.permission === 'override' ? 'override' : 'verified') : st.status;
      const reason = blocked.get(slot.position.trim()) ?? msd.get(i) ?? 'OK';
      slots.push({ position: slot.position.trim(), state, reason, msdRemainingMin: msdMin, quantity: reel?.facts.quantity ?? 0 });
    });
  }
  const h = order?.order.header;
  const verified = slots.filter((x) => x.state === 'verified' || x.state === 'override').length;
  return {
    state: p.state,
    runPermit: p.on,
    reasons: p.reasons,
    slotsRequired: slots.length,
    slotsVerified: verified,
    msdReels,
    leastMsdRemainingMin: least,
    journalPending: f.journal.pending,
    uptimeS: Math.floor(mono / 1000),
    boardsRecorded: s.boards,
    hostOnline: f.hostOnline,
    clockValid: s.clock.valid,
    anyAlarm: s.alarms.length > 0,
    firstOffPending: s.firstOff.phase === 'awaiting' || s.firstOff.phase === 'one-board',
    ...(s.config['timeouts.plcHeartbeatMs'] > 0 ? { plcHeartbeat: { value: s.plc.lastValue ?? 0, lost: s.plc.lost } } : {}),
    ...(h === undefined ? {} : { workOrder: { identifier: h.workOrderIdentifier, bomRevision: h.bomRevision, recipeName: h.recipeName, recipeRevision: h.recipeRevision } }),
    slots,
  };
}

/** The reasons as `CODE NAME` pairs for people. */
export function describeReasons(rs: readonly string[]): string {
  return rs.map((r) => `${r} (${REASONS[r as keyof typeof REASONS]?.code ?? '?'})`).join(', ');
}
