// Work-order transfer: the station takes a work order only whole. Losses, reorders and mismatches leave the
// active order untouched and say why; the Begin is part of what the commit's digest covers, transfer ids only
// grow within a session, and an empty order is no order.
import fc from 'fast-check';
import { MESSAGES, SlotRequirement } from '../src/messages';
import { chunkWorkOrder, WorkOrderAssembler, type Slot, type WorkOrder } from '../src/workorder';
import { MAX_WIRE_FRAME, MemoryCounterVault, type Message, type MessageBody } from '../src/index';
import { StationSession } from '../src/station-session';
import { arbitraryFor } from './arbitrary';
import { feed, KEY_ID, keyringOf, makeHost, openLine, ORDER_HEADER as header, SECRET, seededRandom, STATION_HELLO } from './line';


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
  it('a 120-slot work order arrives whole through the sessions, every frame within the maximum frame size', () => {
    const order: WorkOrder = { header, slots: realisticSlots(120) };
    const line = openLine(1);
    const wo = line.host.sendWorkOrder(1, order);
    if (!wo.ok) throw new Error(wo.detail);
    for (const f of wo.frames) expect(f.length).toBeLessThanOrEqual(MAX_WIRE_FRAME);
    const events = feed(line.station, wo.frames).events;
    expect(events.map((e) => e.kind)).toEqual([...wo.frames.slice(1).map(() => 'transfer'), 'work-order']);
    expect(events.at(-1)).toMatchObject({ kind: 'work-order', order });
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

  it('an identical retransmission of the Begin in progress is harmless; the chunks already received stay', () => {
    const c = chunkWorkOrder({ header, slots: realisticSlots(40) }, 4);
    if (!c.ok) throw new Error(c.detail);
    const [begin, first, ...rest] = c.messages;
    const { last } = transfer([begin!, first!, begin!, ...rest]);
    expect(last).toMatchObject({ ok: true, committed: { header } });
  });
});

const beginArb = arbitraryFor(MESSAGES.WorkOrderBegin.schema) as fc.Arbitrary<MessageBody<'WorkOrderBegin'>>;

describe('work orders are committed whole and unmixed (issue 9)', () => {
  it('property: the Begin of order A with the chunks and commit of order B under the same transfer id never commits', () => {
    fc.assert(
      fc.property(beginArb, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 0xffff }), (beginA, n, tid) => {
        const b = chunkWorkOrder({ header, slots: realisticSlots(n) }, tid);
        if (!b.ok) throw new Error(b.detail);
        const bBegin = b.messages[0]! as Extract<Message, { type: 'WorkOrderBegin' }>;
        // A's Begin announces the same counts, so only the digest can tell the orders apart.
        const a: Message = { type: 'WorkOrderBegin', body: { ...beginA, transferId: tid, slotCount: bBegin.body.slotCount, chunkCount: bBegin.body.chunkCount } };
        const same = JSON.stringify(a.body) === JSON.stringify(bBegin.body);
        const { last } = transfer([a, ...b.messages.slice(1)]);
        if (same) expect(last).toMatchObject({ ok: true });
        else expect(last).toMatchObject({ ok: false, reason: 'TRANSFER_MISMATCH' });
      }),
      { numRuns: 200 },
    );
  });

  it('property: any change to a Begin field after chunking breaks the digest (the commit covers the Begin)', () => {
    const fields = ['workOrderIdentifier', 'productIdentifier', 'bomRevision', 'recipeName', 'recipeRevision', 'recipeChecksum', 'lane', 'timeToReflow'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.integer({ min: 1, max: 30 }), (field, n) => {
        const c = chunkWorkOrder({ header, slots: realisticSlots(n) }, 9);
        if (!c.ok) throw new Error(c.detail);
        const b = c.messages[0]! as Extract<Message, { type: 'WorkOrderBegin' }>;
        const v = b.body[field];
        const changed = typeof v === 'number' ? (v + 1) % 256 : `${v}x`;
        const { last } = transfer([{ type: 'WorkOrderBegin', body: { ...b.body, [field]: changed } }, ...c.messages.slice(1)]);
        expect(last).toMatchObject({ ok: false, reason: 'TRANSFER_MISMATCH' });
      }),
      { numRuns: 100 },
    );
  });

  it('property: a Begin is taken exactly when its transfer id is above every one begun before in the session (or repeats the one in progress byte for byte)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 5 })), { maxLength: 30 }), (steps) => {
        const asm = new WorkOrderAssembler(400);
        let top = 0;
        let current: string | undefined;
        for (const [tid, n] of steps) {
          const body = { ...header, transferId: tid, slotCount: n, chunkCount: 1 };
          const r = asm.accept({ type: 'WorkOrderBegin', body });
          const repeat = current === JSON.stringify(body);
          if (tid > top) {
            expect(r).toEqual({ ok: true });
            top = tid;
            current = JSON.stringify(body);
          } else if (repeat) expect(r).toEqual({ ok: true });
          else expect(r).toMatchObject({ ok: false, reason: 'TRANSFER_ID_REUSED' });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('property: a Begin announcing no slots is refused (TRANSFER_EMPTY) whatever else it says; chunkWorkOrder will not make one', () => {
    fc.assert(
      fc.property(beginArb, (b) => {
        const r = new WorkOrderAssembler(400).accept({ type: 'WorkOrderBegin', body: { ...b, transferId: Math.max(1, b.transferId), slotCount: 0 } });
        expect(r).toMatchObject({ ok: false, reason: 'TRANSFER_EMPTY' });
      }),
      { numRuns: 100 },
    );
    expect(chunkWorkOrder({ header, slots: [] }, 1)).toMatchObject({ ok: false, reason: 'TRANSFER_EMPTY' });
    for (const tid of [0, -1, 0x10000, 1.5]) expect(chunkWorkOrder({ header, slots: realisticSlots(1) }, tid)).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
  });
});

// PROTOCOL.md §7, "Except at a station without slots": a reflow oven's order is its program.
describe('an order without slots, at a station that holds none', () => {
  const terms = { prototype: false, plannedQuantity: 40, maxBoards: 0 };

  it('a slotless order is Begin (0 slots, 0 chunks), optional Terms and a Commit over those alone; it commits there and nowhere else', () => {
    for (const order of [{ header, slots: [] }, { header, slots: [], terms }] as WorkOrder[]) {
      const c = chunkWorkOrder(order, 1, { slotless: true });
      if (!c.ok) throw new Error(c.detail);
      expect(c.messages.map((m) => m.type)).toEqual(order.terms === undefined ? ['WorkOrderBegin', 'WorkOrderCommit'] : ['WorkOrderBegin', 'WorkOrderTerms', 'WorkOrderCommit']);
      expect(c.messages[0]!.body).toMatchObject({ slotCount: 0, chunkCount: 0 });
      expect(c.messages.at(-1)!.body).toMatchObject({ slotCount: 0, chunkCount: 0 });
      expect(transfer(c.messages, new WorkOrderAssembler(0)).last).toEqual({ ok: true, committed: order });
      // A station with slots refuses the same transfer at its Begin.
      expect(transfer(c.messages, new WorkOrderAssembler(120)).results[0]).toMatchObject({ ok: false, reason: 'TRANSFER_EMPTY' });
    }
  });

  it('a station without slots refuses a Begin with slots (LIMIT_EXCEEDED) or with chunks (FIELD_OUT_OF_RANGE), and a commit that names slots', () => {
    const withSlots = chunkWorkOrder({ header, slots: realisticSlots(1) }, 1);
    if (!withSlots.ok) throw new Error(withSlots.detail);
    expect(new WorkOrderAssembler(0).accept(withSlots.messages[0]!)).toMatchObject({ ok: false, reason: 'LIMIT_EXCEEDED' });
    const begin = (chunkCount: number): Message => ({ type: 'WorkOrderBegin', body: { ...header, transferId: 1, slotCount: 0, chunkCount } });
    expect(new WorkOrderAssembler(0).accept(begin(1))).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    const asm = new WorkOrderAssembler(0);
    expect(asm.accept(begin(0))).toEqual({ ok: true });
    expect(asm.accept({ type: 'WorkOrderCommit', body: { transferId: 1, slotCount: 1, chunkCount: 0, digest: 0 } })).toMatchObject({ ok: false, reason: 'TRANSFER_MISMATCH' });
  });

  it('the host sends one only to a station whose Hello said maxSlots 0; in a session the host opened it refuses (TRANSFER_EMPTY)', () => {
    const keys = keyringOf([[7, KEY_ID, SECRET]]);
    const oven = () => {
      const r = StationSession.create({ stationId: 7, keyId: KEY_ID, keys, vault: new MemoryCounterVault(), random: seededRandom(5), hello: { ...STATION_HELLO, role: 'reflow', maxSlots: 0 } });
      if (!r.ok) throw new Error(r.detail);
      return r.session;
    };
    // The oven opens the session: its Hello says it holds no slots, and its order commits.
    const st = oven();
    const host = makeHost(keys);
    const hi = st.connect();
    if (!hi.ok) throw new Error(hi.detail);
    const ack = feed(host, [hi.wire]).sent[0]!;
    expect(feed(st, [ack.wire]).verdicts[0]).toMatchObject({ ok: true, kind: 'established' });
    const w = host.sendWorkOrder(7, { header, slots: [] });
    if (!w.ok) throw new Error(w.detail);
    expect(feed(st, w.frames).verdicts.at(-1)).toMatchObject({ ok: true, kind: 'work-order' });
    // The host opens the session: it has no Hello of the station's to go by, and will not send an empty order.
    const st2 = oven();
    const host2 = makeHost(keys, { seed: 3 });
    const hh = host2.connect(7, KEY_ID);
    if (!hh.ok) throw new Error(hh.detail);
    const back = feed(st2, [hh.wire]).sent[0]!;
    expect(feed(host2, [back.wire]).verdicts[0]).toMatchObject({ ok: true, kind: 'established' });
    expect(host2.sendWorkOrder(7, { header, slots: [] })).toMatchObject({ ok: false, reason: 'TRANSFER_EMPTY' });
  });
});
