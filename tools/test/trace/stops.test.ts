// Stops by reason in the trace report: a stop counts under every reason the station gave while it lasted (as the
// simulator's summary counts them), so a wrong reel scanned during a reel change shows as WRONG_PART too; the time
// under a reason is the permit-off time while that reason held; the total counts every stop and minute once.
import type { Message } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import { buildModel } from '../../src/trace/model';
import { orderSummaries, renderReport } from '../../src/trace/report';
import type { TraceInput } from '../../src/trace/input';

const T0 = Date.UTC(2026, 11, 1, 6, 0, 0);
const MIN = 60_000;

function journal(events: readonly [number, Message][]): TraceInput {
  const entries = events.map(([min, message], i) => ({ seq: i + 1, at: T0 + min * MIN, message }));
  return { dir: '', lineName: 'test', stations: [{ station: { id: 1, name: 's1', role: 'placement', lane: 1 }, entries, fromImage: entries.length, fromHost: 0, late: [] }], docs: [], problems: [] };
}

const order = (wo: string): Message => ({
  type: 'WorkOrderActivated',
  body: { at: 0, workOrderIdentifier: wo, productIdentifier: 'PCBA-1', bomRevision: 'A', recipeName: 'P', recipeRevision: '1', recipeChecksum: 1, slotCount: 2, digest: 1, prototype: false, plannedQuantity: 10 },
});
const permit = (runPermit: boolean, ...reasons: ReasonName[]): Message => ({ type: 'InterlockChanged', body: { at: 0, runPermit, reasons } });

describe('stops by reason', () => {
  const input = journal([
    [0, order('WO-1')],
    [0, permit(false, 'SLOT_NOT_VERIFIED', 'PROGRAM_UNKNOWN')], // setup: no stop, but permit-off time
    [10, permit(true)],
    [60, permit(false, 'SLOT_NOT_VERIFIED')], // stop 1: a reel change…
    [62, permit(false, 'WRONG_PART', 'SLOT_NOT_VERIFIED')], // …a wrong reel scanned during it…
    [63, permit(false, 'SLOT_NOT_VERIFIED')],
    [65, permit(true)], // …then the right one
    [90, permit(false, 'MSD_EXPIRED')], // stop 2
    [100, permit(true)],
    [120, permit(false, 'SLOT_NOT_VERIFIED')], // stop 3 goes on into the next order: counted in this one
    [125, order('WO-2')],
    [126, permit(false, 'SLOT_NOT_VERIFIED', 'WRONG_PART')],
    [130, permit(true)],
  ]);
  const [wo1, wo2] = orderSummaries(buildModel(input));

  it('counts a stop under every reason it had, and the time under each reason while it held', () => {
    expect(wo1!.stops).toEqual([
      { reason: 'SLOT_NOT_VERIFIED', stops: 2, ms: (10 + 5 + 5) * MIN },
      { reason: 'MSD_EXPIRED', stops: 1, ms: 10 * MIN },
      { reason: 'WRONG_PART', stops: 1, ms: 1 * MIN },
      { reason: 'PROGRAM_UNKNOWN', stops: 0, ms: 10 * MIN },
    ]);
    expect(wo1!.stopsTotal).toEqual({ stops: 3, ms: (10 + 5 + 10 + 5) * MIN });
  });

  it('a stop that goes on into the next order is counted once, where it began; its time is split at the change', () => {
    expect(wo2!.stops).toEqual([
      { reason: 'SLOT_NOT_VERIFIED', stops: 0, ms: 5 * MIN },
      { reason: 'WRONG_PART', stops: 0, ms: 4 * MIN },
    ]);
    expect(wo2!.stopsTotal).toEqual({ stops: 0, ms: 5 * MIN });
  });

  it('the report shows every reason row, the total, and says that one stop may appear under several reasons', () => {
    const html = renderReport(buildModel(input));
    const page = html.slice(html.indexOf('data-work-order="WO-1"'), html.indexOf('data-work-order="WO-2"'));
    expect(page).toMatch(/<td>WRONG_PART<\/td><td>1<\/td><td>0:01<\/td>/);
    expect(page).toContain('3 stops, 0:30 with the permit off');
    expect(page).toContain('One stop may appear under several reasons');
  });
});
