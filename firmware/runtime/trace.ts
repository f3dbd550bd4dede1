// Traceability on a station's own journal: the recall query (every board built with a lot) and what a board was
// built from, replayed from the records on demand. Apart from the Station class so the device bundle does not carry
// the replay: nothing on the wire asks a station for it (the host queries the journals it collects,
// tools/src/trace); the simulator, `warden station` and tests ask a station directly.
import { boardTrace, whereUsed, type BoardTrace, type OrderSlots } from '../core/trace/replay';
import type { Station } from './station';

/** The slot positions of the order the station holds (the active one), for the replay. */
function orderSlots(station: Station): OrderSlots {
  const o = station.state.setup.order?.order;
  const digest = station.state.order?.digest;
  return (a) => (o !== undefined && a.digest === digest ? o.slots.map((x) => x.position.trim()) : undefined);
}

/** Every board on the station's journal built with `lot` (of `mpn`, when given). */
export function whereUsedOn(station: Station, lot: string, mpn?: string): BoardTrace[] {
  return whereUsed(station.entries(), lot, mpn, orderSlots(station));
}

/** What board `unitId` was built from, from the station's journal. */
export function boardTraceOn(station: Station, unitId: string): BoardTrace | undefined {
  return boardTrace(station.entries(), unitId, orderSlots(station));
}
