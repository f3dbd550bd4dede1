// The recall query and the board query on random journals: a real station driven by random inputs (scans of reels
// from a few lots, boards, splices, unloads, order revisions and changeovers, manual entries, power cuts), its
// journal image read back as a device dump, and the answers compared with a brute-force scan of every record
// (the firmware's own replay over the whole journal).
import fc from 'fast-check';
import { parseLabel } from '../../../firmware/core/label';
import { normLot, normMpn } from '../../../firmware/core/setup/normalize';
import { NO_TERMS } from '../../../firmware/core/station/types';
import { boardTrace as bruteBoard, whereUsed as bruteWhereUsed, type JournalEntry } from '../../../firmware/core/trace/replay';
import { SimClock } from '../../../firmware/platform/sim/clock';
import { seededRandom, SimOutput, SimSensor } from '../../../firmware/platform/sim/devices';
import { SimFlash } from '../../../firmware/platform/sim/flash';
import { PowerDomain } from '../../../firmware/platform/sim/power';
import { Station } from '../../../firmware/runtime/station';
import type { WorkOrder } from '../../../protocol/src/workorder';
import { WORK_ORDER_DOC_FORMAT, WORK_ORDER_DOC_VERSION, type WorkOrderDoc } from '../../../host-sim/host/work-order-doc';
import { readJournalImage } from '../../src/trace/journal-image';
import type { TraceInput } from '../../src/trace/input';
import { buildModel, matchDoc } from '../../src/trace/model';
import { boardTraces, lotWanted, unitWanted, whereUsed } from '../../src/trace/query';
import { reelLabel } from './fixture';

const RUNS = process.env['WARDEN_CI_SCALE'] === '1' ? 2000 : 60;
const T0 = Date.UTC(2026, 11, 1, 6);
const PARTS = [
  { mpn: 'WP100X1', maker: 'Yageo' },
  { mpn: 'WP200X2', maker: 'Murata' },
  { mpn: 'WP300X3', maker: 'Vishay' },
];
const LOTS = ['LOTA1', 'LOTB2', 'lota1', 'LOTC3'];

function order(rev: string, third = PARTS[2]!.mpn): WorkOrder {
  return {
    header: { workOrderIdentifier: 'WO-P1', productIdentifier: 'P', bomRevision: rev, recipeName: 'R', recipeRevision: '1', recipeChecksum: 1, lane: 1, timeToReflow: 3600 },
    slots: PARTS.map((p, i) => ({ position: `P${i + 1}`, bomLine: String(i + 1), internalPartNumber: `I${i + 1}`, msd: false, thicknessClass: 'unknown' as const, approvedParts: [{ manufacturerPartNumber: i === 2 ? third : p.mpn, manufacturer: p.maker, permission: 'primary' as const }] })),
  };
}
const ORDERS = [order('A'), order('B', 'WP300X9'), { ...order('A'), header: { ...order('A').header, workOrderIdentifier: 'WO-P2' } }];
const doc = (o: WorkOrder): WorkOrderDoc => ({ format: WORK_ORDER_DOC_FORMAT, version: WORK_ORDER_DOC_VERSION, workOrder: o, terms: NO_TERMS, bom: { lines: o.slots.map((s) => ({ line: s.bomLine, internalPartNumber: s.internalPartNumber, refdes: [`X${s.bomLine}`], quantityPerBoard: 1 })) } });

let reelNo = 0;
function label(part: number, lot: number): string {
  const p = part === 3 ? { mpn: 'WP300X9', maker: 'Vishay' } : PARTS[part]!;
  reelNo++;
  const raw = reelLabel({ mpn: p.mpn, qty: 1000, lot: LOTS[lot]!, dateCode: '2611', maker: p.maker, reelId: `RQ${reelNo}` });
  const l = parseLabel(raw);
  if (!l.ok || normLot(l.label.lot ?? '') !== normLot(LOTS[lot]!)) throw new Error(`test label does not parse: ${raw}`);
  return raw;
}

type Action =
  | { a: 'pair'; slot: number; part: number; lot: number }
  | { a: 'board'; n: number }
  | { a: 'splice'; slot: number; lot: number }
  | { a: 'unload'; slot: number }
  | { a: 'order'; which: number }
  | { a: 'clear' }
  | { a: 'manual'; slot: number; lot: number }
  | { a: 'cut'; k: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  // Mostly the right part for the slot (a verified reel), sometimes a wrong one (refused), or the revised part.
  { weight: 6, arbitrary: fc.nat({ max: 2 }).chain((slot) => fc.record({ a: fc.constant('pair' as const), slot: fc.constant(slot), part: fc.constantFrom(slot, slot, slot, (slot + 1) % 3, 3), lot: fc.nat({ max: 3 }) })) },
  { weight: 8, arbitrary: fc.record({ a: fc.constant('board' as const), n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('splice' as const), slot: fc.nat({ max: 2 }), lot: fc.nat({ max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('unload' as const), slot: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('order' as const), which: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.constant({ a: 'clear' as const }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('manual' as const), slot: fc.nat({ max: 2 }), lot: fc.nat({ max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('cut' as const), k: fc.nat({ max: 60 }) }) },
);

/** Drives one station through the actions; returns its journal image and the decoded records. */
function run(actions: readonly Action[]): { image: Uint8Array; kib: number } {
  const clock = new SimClock({ rtc: { epochMs: T0, trusted: true } });
  const power = new PowerDomain();
  const journal = new SimFlash({ sectorSize: 4096, sectorCount: 16, wordSize: 4 });
  const store = new SimFlash({ sectorSize: 4096, sectorCount: 32, wordSize: 4 });
  const start = () =>
    Station.start({
      hal: { journalFlash: power.attach(journal), storeFlash: power.attach(store), clock, runPermit: new SimOutput(), sensor: new SimSensor(), random: seededRandom(5) },
      provision: { config: { stationId: 4, journal: { kib: 64 }, operators: { requireLogin: false }, firstOff: false }, secret: new Uint8Array(16).fill(4) },
    });
  let st = start();
  let boards = 0;
  st.input({ kind: 'work-order', order: ORDERS[0]!, terms: NO_TERMS, digest: 1 });
  st.input({ kind: 'program', name: 'R', revision: '1', checksum: 1 });
  for (const x of actions) {
    clock.advance(30_000);
    switch (x.a) {
      case 'pair':
        st.input({ kind: 'scan', data: `P${x.slot + 1}` });
        st.input({ kind: 'scan', data: label(x.part, x.lot) });
        break;
      case 'board':
        for (let i = 0; i < x.n; i++) st.input({ kind: 'board', unitId: `B${++boards % 7}` }); // ids repeat: the last one counts
        break;
      case 'splice':
        st.input({ kind: 'splice', position: `P${x.slot + 1}`, data: label(x.slot, x.lot) });
        break;
      case 'unload':
        st.input({ kind: 'unload', position: `P${x.slot + 1}` });
        break;
      case 'order':
        st.input({ kind: 'work-order', order: ORDERS[x.which]!, terms: NO_TERMS, digest: x.which + 1 });
        break;
      case 'clear':
        st.input({ kind: 'host', message: { type: 'ClearWorkOrder', body: { workOrderIdentifier: 'WO-P1', comment: '' } } });
        break;
      case 'manual':
        st.input({ kind: 'host', message: { type: 'ManualLotEntry', body: { at: 0, locationIdentifier: `P${x.slot + 1}`, uniqueIdentifier: '', manufacturerPartNumber: PARTS[x.slot]!.mpn, manufacturer: PARTS[x.slot]!.maker, manufacturerLotCode: LOTS[x.lot]!, quantity: 10, dateCode: '', operatorIdentifier: 'TE-1', reason: 'faded', customerSupplied: false } } });
        break;
      case 'cut':
        power.cutAtStep(power.steps + x.k);
        st.input({ kind: 'board', unitId: `B${++boards % 7}` });
        clock.powerCycle(5000, 'survives');
        power.reboot();
        st = start();
        st.input({ kind: 'program', name: 'R', revision: '1', checksum: 1 });
        break;
    }
  }
  return { image: journal.image(), kib: 64 };
}

function inputOf(image: Uint8Array, kib: number): { input: TraceInput; entries: readonly JournalEntry[] } {
  const r = readJournalImage(image, { sectorSize: 4096, wordSize: 4, partitionBytes: kib * 1024 });
  expect(r.damage).toEqual([]);
  const docs = ORDERS.map((o, i) => ({ file: `wo-${i}.json`, doc: doc(o) }));
  const input: TraceInput = { dir: '', lineName: '', stations: [{ station: { id: 4, name: 's4', role: 'placement', lane: 1 }, entries: r.entries, fromImage: r.entries.length, fromHost: 0, late: [] }], docs, problems: [] };
  return { input, entries: r.entries };
}

const slotsOf = (input: TraceInput) => (o: Parameters<typeof matchDoc>[2]) => matchDoc(input.docs, 4, o)?.doc.workOrder.slots.map((s) => s.position.trim());

describe('where-used and board queries against a brute-force scan', () => {
  it('where-used finds exactly the boards and slots a scan of every record finds, for every lot and MPN', () => {
    let withHits = 0;
    fc.assert(
      fc.property(fc.array(action, { minLength: 5, maxLength: 45 }), fc.nat(), fc.constantFrom('none', 'same', 'other'), (actions, pick, byMpn) => {
        const { image, kib } = run(actions);
        const { input, entries } = inputOf(image, kib);
        // Ask for a lot the station verified (a recall of a lot that was used), or a lot it never saw.
        const verified = entries.flatMap((e) => (e.message.type === 'SlotVerified' ? [e.message.body] : []));
        const v = verified.length === 0 ? undefined : verified[pick % verified.length]!;
        const want = v === undefined || pick % 5 === 4 ? LOTS[pick % LOTS.length]! : pick % 2 === 0 ? v.manufacturerLotCode.toLowerCase() : v.manufacturerLotCode;
        const mpn = byMpn === 'none' || v === undefined ? undefined : byMpn === 'same' ? v.manufacturerPartNumber : PARTS[pick % 3]!.mpn;
        const fast = whereUsed(buildModel(input, { want: lotWanted(want, mpn) }), want, mpn);
        const brute = bruteWhereUsed(entries, want, mpn, slotsOf(input)).flatMap((b) =>
          b.slots.filter((s) => normLot(s.lot) === normLot(want) && (mpn === undefined || normMpn(s.mpn) === normMpn(mpn))).map((s) => `${b.seq} ${b.unitId} ${s.position} ${s.reelId} ${s.source}`),
        );
        expect(fast.hits.map((h) => `${h.seq} ${h.unitId} ${h.position} ${h.reelId} ${h.source}`)).toEqual(brute);
        // The whole model (the export's) agrees with the query's partial one.
        const all = whereUsed(buildModel(input), want, mpn);
        expect(all.hits).toEqual(fast.hits);
        if (brute.length > 0) withHits++;
      }),
      { numRuns: RUNS },
    );
    // The property is only worth something if the recall finds boards in most runs.
    expect(withHits).toBeGreaterThan(RUNS / 4);
  });

  it('a board query gives what the firmware replay gives for that board', () => {
    let found = 0;
    fc.assert(
      fc.property(fc.array(action, { minLength: 5, maxLength: 45 }), fc.nat(), (actions, pick) => {
        const { image, kib } = run(actions);
        const { input, entries } = inputOf(image, kib);
        // A board the station built (ids repeat: the query gives the last), or one it never saw.
        const ids = entries.flatMap((e) => (e.message.type === 'BoardTrace' ? [e.message.body.unitIdentifier] : []));
        const id = ids.length === 0 || pick % 5 === 4 ? `B${pick % 9}` : ids[pick % ids.length]!;
        const brute = bruteBoard(entries, id, slotsOf(input));
        const got = boardTraces(buildModel(input, { want: unitWanted(id) }), id);
        if (brute === undefined) expect(got).toEqual([]);
        else {
          expect(got.length).toBe(1);
          const b = got[0]!;
          expect({ seq: b.seq, unitId: b.unitId, workOrder: b.workOrder, bomRevision: b.bomRevision, missing: b.missing }).toEqual({ seq: brute.seq, unitId: brute.unitId, workOrder: brute.workOrder, bomRevision: brute.bomRevision, missing: brute.missing });
          expect(b.slots.map((s) => [s.position, s.reelId, s.lot, s.mpn, s.source])).toEqual(brute.slots.map((s) => [s.position, s.reelId, s.lot, s.mpn, s.source]));
          if (b.slots.length > 0) found++;
        }
      }),
      { numRuns: RUNS },
    );
    // Many random days build boards before any reel is verified; at least a sixth must have real traces.
    expect(found).toBeGreaterThan(RUNS / 6);
  });
});
