// The replay gives each slot's reel its maker and date code from what the journal says of the reel: the label
// (ReelIdentified, 1.1), the host's record, a manual entry. Journals written before 1.1 read as they did.
import fc from 'fast-check';
import type { Message } from '../../../protocol/src/messages';
import { replay, type BoardTrace, type JournalEntry } from '../../core/trace/replay';

const T = 1_796_000_000;
const order: Message = {
  type: 'WorkOrderActivated',
  body: { at: T, workOrderIdentifier: 'WO-1', productIdentifier: 'P', bomRevision: 'A', recipeName: 'R', recipeRevision: '1', recipeChecksum: 1, slotCount: 1, digest: 0, prototype: false, plannedQuantity: 0 },
};
const verified = (reel: string): Message => ({
  type: 'SlotVerified',
  body: { at: T + 2, locationIdentifier: 'B1', uniqueIdentifier: reel, manufacturerPartNumber: 'MPN-1', manufacturerLotCode: 'LOT-1', permission: 'primary', setupGeneration: 1 },
});
const identified = (reel: string, manufacturer: string, dateCode: string): Message => ({
  type: 'ReelIdentified',
  body: { at: T + 2, locationIdentifier: 'B1', uniqueIdentifier: reel, labelFormat: 'eigp114-generic', manufacturer, dateCode },
});
const record = (reel: string, manufacturer: string): Message => ({
  type: 'ReelRecord',
  body: { uniqueIdentifier: reel, internalPartNumber: 'IPN', manufacturerPartNumber: 'MPN-1', manufacturer, manufacturerLotCode: 'LOT-1', quantity: 100, thicknessClass: 'unknown' },
});
const board: Message = { type: 'BoardTrace', body: { at: T + 10, unitIdentifier: 'PCB-1', setupGeneration: 1, lane: 1, firstOff: false, permitOn: true, msdRemaining: [] } };

function slotOf(messages: readonly Message[]): BoardTrace['slots'][number] {
  const entries: JournalEntry[] = messages.map((message, i) => ({ seq: i + 1, at: (T + i) * 1000, message }));
  const boards: BoardTrace[] = [];
  replay(entries, (b) => boards.push(b), () => ['B1']);
  expect(boards).toHaveLength(1);
  return boards[0]!.slots[0]!;
}

describe('a reel\'s maker and date code in the board trace', () => {
  it('a journal before 1.1 (no ReelIdentified): no date code, the maker from the host record', () => {
    expect(slotOf([order, record('R1', 'Murata Manufacturing'), verified('R1'), board])).toMatchObject({ dateCode: '', manufacturer: 'Murata Manufacturing', source: 'scanned' });
  });

  it('a scanned reel: its label\'s date code, verbatim; the host record\'s maker, else the label\'s', () => {
    expect(slotOf([order, record('R1', 'Murata Manufacturing'), identified('R1', 'MURATA', '2316'), verified('R1'), board])).toMatchObject({ dateCode: '2316', manufacturer: 'Murata Manufacturing' });
    // A host record that comes after the label still gives the master data's spelling.
    expect(slotOf([order, identified('R1', 'MURATA', '08/02/2023'), record('R1', 'Murata Manufacturing'), verified('R1'), board])).toMatchObject({ dateCode: '08/02/2023', manufacturer: 'Murata Manufacturing' });
    // No host record (a prototype, or requireHostRecord off): the label's maker.
    expect(slotOf([order, identified('R1', 'MURATA', '2316'), verified('R1'), board])).toMatchObject({ manufacturer: 'MURATA' });
    // A label without a maker (Digi-Key): the host record's.
    expect(slotOf([order, record('R1', 'Yageo'), identified('R1', '', '2316'), verified('R1'), board])).toMatchObject({ manufacturer: 'Yageo' });
  });

  it('a manual entry keeps its date code, its source and the customer-supplied flag through the ReelIdentified after it', () => {
    const manual: Message = {
      type: 'ManualLotEntry',
      body: { at: T + 1, locationIdentifier: 'B1', uniqueIdentifier: 'MAN-7-1', manufacturerPartNumber: 'MPN-1', manufacturer: 'Panasonic', manufacturerLotCode: 'LOT-1', quantity: 10, dateCode: '2331', operatorIdentifier: 'T-1', reason: 'faded', customerSupplied: true },
    };
    expect(slotOf([order, manual, identified('MAN-7-1', 'Panasonic', ''), verified('MAN-7-1'), board])).toMatchObject({ dateCode: '2331', manufacturer: 'Panasonic', source: 'manual', customerSupplied: true });
  });

  it('each reel keeps its own date code: the reel that replaced another on the slot brings its own', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[0-9A-Z/.]{0,10}$/), { minLength: 1, maxLength: 6 }), (codes) => {
        const ms: Message[] = [order];
        codes.forEach((c, i) => ms.push(identified(`R${i}`, 'TDK', c), verified(`R${i}`)));
        ms.push(board);
        expect(slotOf(ms)).toMatchObject({ reelId: `R${codes.length - 1}`, dateCode: codes[codes.length - 1] });
      }),
      { numRuns: 100 },
    );
  });
});
