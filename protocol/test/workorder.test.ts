// Work-order transfer: the station takes a work order only whole. Losses, reorders and mismatches leave the
// active order untouched and say why.
import fc from 'fast-check';
import { SlotRequirement } from '../src/messages';
import { chunkWorkOrder, WorkOrderAssembler, type Slot, type WorkOrder } from '../src/workorder';
import { encodeFrame, MAX_WIRE_FRAME, Receiver, type Message } from '../src/index';
import { arbitraryFor } from './arbitrary';

const header: WorkOrder['header'] = {
  workOrderIdentifier: 'WO-1',
  productIdentifier: 'PCBA-1',
  bomRevision: 'A',
  recipeName: 'TOP',
  recipeRevision: '3',
  recipeChecksum: 77,
  lane: 1,
  timeToReflow: 14_400,
};

const slotArb = arbitraryFor(SlotRequirement) as fc.Arbitrary<Slot>;
/** Slots with distinct positions, as a real work order has. */
const slotsArb = (max: number) =>
  fc.array(slotArb, { maxLength: max }).map((slots) => slots.map((s, i) => ({ ...s, position: `P${i}` })));

function realisticSlots(n: number): Slot[] {
  return Array.from({ length: n }, (_, i) => ({
    position: `B1.F.${i + 1}`,
    bomLine: `${10 * (i + 1)}`,
    internalPartNumber: `IPN-100-${4000 + i}`,
    msd: i % 4 === 0,
    thicknessClass: 'unknown',
    approvedParts: [
      { manufacturerPartNumber: 'GRM188R71C104KA01D', manufacturer: 'Murata', permission: 'primary' },
      { manufacturerPartNumber: 'CL10B104KO8NNNC', manufacturer: 'Samsung', permission: 'alternate' },
    ],
  }));
}

function transfer(messages: readonly Message[], asm = new WorkOrderAssembler(400)) {
  const results = messages.map((m) => asm.accept(m));
  return { asm, results, last: results[results.length - 1]! };
}

describe('work-order transfer', () => {
  it('a 120-slot work order arrives whole, every frame within the maximum frame size', () => {
    const order: WorkOrder = { header, slots: realisticSlots(120) };
    const c = chunkWorkOrder(order, 5);
    if (!c.ok) throw new Error(c.detail);
    const rx = new Receiver({ keyring: () => new Uint8Array(32) });
    let counter = 1;
    for (const m of c.messages) {
      const f = encodeFrame(m, { stationId: 1, counter: counter++, direction: 'host-to-station', keyId: 0, key: new Uint8Array(32) });
      expect(f.ok).toBe(true);
      if (f.ok) {
        expect(f.wire.length).toBeLessThanOrEqual(MAX_WIRE_FRAME);
        rx.push(f.wire, (v) => expect(v.ok).toBe(true));
      }
    }
    const { last } = transfer(c.messages);
    expect(last).toEqual({ ok: true, committed: order });
  });

  it('property: chunk then assemble gives back exactly the work order', () => {
    fc.assert(
      fc.property(slotsArb(60), fc.integer({ min: 0, max: 0xffff }), (slots, id) => {
        const order = { header, slots };
        const c = chunkWorkOrder(order, id);
        if (!c.ok) return; // a single slot too large for a frame is refused by the chunker, not sent
        expect(transfer(c.messages).last).toEqual({ ok: true, committed: order });
      }),
      { numRuns: 60 },
    );
  });

  it('property: losing any one chunk means no commit (TRANSFER_INCOMPLETE)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), (n, pick) => {
        const c = chunkWorkOrder({ header, slots: realisticSlots(n) }, 1);
        if (!c.ok) throw new Error(c.detail);
        const chunks = c.messages.filter((m) => m.type === 'WorkOrderChunk');
        const lost = chunks[pick % chunks.length]!;
        const { last } = transfer(c.messages.filter((m) => m !== lost));
        expect(last).toMatchObject({ ok: false, reason: 'TRANSFER_INCOMPLETE' });
      }),
      { numRuns: 40 },
    );
  });

  it('property: chunks in any order, with identical retransmissions, still commit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 150 }), fc.infiniteStream(fc.nat()), (n, rand) => {
        const order = { header, slots: realisticSlots(n) };
        const c = chunkWorkOrder(order, 2);
        if (!c.ok) throw new Error(c.detail);
        const chunks = c.messages.slice(1, -1);
        const shuffled = [...chunks, ...chunks.slice(0, 2)].sort(() => (rand.next().value % 3) - 1);
        const { results, last } = transfer([c.messages[0]!, ...shuffled, c.messages[c.messages.length - 1]!]);
        expect(results.every((r) => r.ok)).toBe(true);
        expect(last).toEqual({ ok: true, committed: order });
      }),
      { numRuns: 40 },
    );
  });

  it('a chunk that arrives twice with different content is refused', () => {
    const c = chunkWorkOrder({ header, slots: realisticSlots(10) }, 3);
    if (!c.ok) throw new Error(c.detail);
    const chunk = c.messages[1]! as Extract<Message, { type: 'WorkOrderChunk' }>;
    const altered: Message = { type: 'WorkOrderChunk', body: { ...chunk.body, slots: chunk.body.slots.slice(1) } };
    const { results } = transfer([c.messages[0]!, chunk, altered]);
    expect(results[2]).toMatchObject({ ok: false, reason: 'TRANSFER_DUPLICATE_CHUNK' });
  });

  it('a commit with a wrong digest is refused (TRANSFER_MISMATCH)', () => {
    const c = chunkWorkOrder({ header, slots: realisticSlots(10) }, 3);
    if (!c.ok) throw new Error(c.detail);
    const commit = c.messages[c.messages.length - 1]! as Extract<Message, { type: 'WorkOrderCommit' }>;
    const bad: Message = { type: 'WorkOrderCommit', body: { ...commit.body, digest: (commit.body.digest + 1) >>> 0 } };
    expect(transfer([...c.messages.slice(0, -1), bad]).last).toMatchObject({ ok: false, reason: 'TRANSFER_MISMATCH' });
  });

  it('chunks and commits of a transfer that was not begun are refused (TRANSFER_UNKNOWN)', () => {
    const c = chunkWorkOrder({ header, slots: realisticSlots(4) }, 3);
    if (!c.ok) throw new Error(c.detail);
    const { results } = transfer(c.messages.slice(1));
    expect(results.every((r) => !r.ok && r.reason === 'TRANSFER_UNKNOWN')).toBe(true);
  });

  it('a work order larger than the station holds is refused at Begin (LIMIT_EXCEEDED)', () => {
    const c = chunkWorkOrder({ header, slots: realisticSlots(50) }, 3);
    if (!c.ok) throw new Error(c.detail);
    expect(new WorkOrderAssembler(40).accept(c.messages[0]!)).toMatchObject({ ok: false, reason: 'LIMIT_EXCEEDED' });
  });

  it('the same position twice is refused at commit', () => {
    const slots = realisticSlots(3).map((s) => ({ ...s, position: 'B1.F.1' }));
    const c = chunkWorkOrder({ header, slots }, 3);
    if (!c.ok) throw new Error(c.detail);
    expect(transfer(c.messages).last).toMatchObject({ ok: false, reason: 'TRANSFER_MISMATCH' });
  });

  it('a new Begin abandons the transfer in progress', () => {
    const a = chunkWorkOrder({ header, slots: realisticSlots(10) }, 1);
    const b = chunkWorkOrder({ header: { ...header, workOrderIdentifier: 'WO-2' }, slots: realisticSlots(3) }, 2);
    if (!a.ok || !b.ok) throw new Error('chunking failed');
    const { results, last } = transfer([a.messages[0]!, a.messages[1]!, ...b.messages, a.messages[a.messages.length - 1]!]);
    expect(results[results.length - 2]).toMatchObject({ ok: true, committed: { header: { workOrderIdentifier: 'WO-2' } } });
    expect(last).toMatchObject({ ok: false, reason: 'TRANSFER_UNKNOWN' });
  });
});
