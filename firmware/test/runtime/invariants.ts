// Invariants of the whole station runtime under random event sequences: scans (good, wrong, garbage), badges,
// program reports, boards, first-off verdicts, sensor readings and faults, time, host records and holds, work-order
// changes, PLC writes, and power cuts at random flash steps with clock loss. After every input:
//  - the run permit is never on while a rule says no (checked against the test's own account of what happened);
//  - every board recorded while the permit was on has a complete trace in the journal (rebuilt from the journal
//    alone: work order, a verified reel on every slot, the approved program);
//  - the journal stays contiguous, and nothing the station journaled (and so answered) is ever lost to a cut.
// The property, run by properties-a/b.test.ts: `npm test` runs 150 sequences in each, WARDEN_CI_SCALE=1 50,000 in
// each (100,000 in all, in two files so that jest can run them on both cores), half of them on each flash model
// (ordered word tearing; unordered page tearing with weak bits).
import fc from 'fast-check';
import { decodePayload } from '../../../protocol/src/frame';
import type { Message } from '../../../protocol/src/messages';
import { normMpn, normPosition } from '../../core/setup/normalize';
import { reelView, remainingMinutes } from '../../core/station/msd';
import { complete, replay } from '../../core/trace/replay';
import { demoOrder, order as makeOrder, part, slot } from '../setup/helpers';
import { SAMPLE_SCANS } from '../label/samples';
import { badges, host, PROGRAM, rig, sync, T0, wo, type Rig } from './rig';
import { POSITIONS, REELS } from './scans';
import { FLASH_MODELS } from '../../platform/sim/flash';

const RUNS = process.env['WARDEN_CI_SCALE'] === '1' ? 50_000 : 150;
const DEMO = demoOrder();
/** A revision of the demo order: B1.F.2 now takes another part, so its reel must go. */
const REVISED = makeOrder([...DEMO.slots.slice(0, 1), slot('B1.F.2', [part('GRM188R71C104KA01D', 'Murata')]), ...DEMO.slots.slice(2)], DEMO.header.workOrderIdentifier, 'D');

const POOL = [
  ...POSITIONS.map((p) => REELS[p]),
  ...SAMPLE_SCANS.filter((s) => !Object.values(REELS).includes(s.raw as never)).slice(0, 6).map((s) => s.raw),
  'garbage \u0001\u0002 scan',
  '',
];

type Action =
  | { a: 'pair'; slot: number; reel: number }
  | { a: 'reel'; reel: number }
  | { a: 'badge'; which: number }
  | { a: 'open'; reel: number; dry: boolean }
  | { a: 'program'; how: 'right' | 'rev' | 'sum' }
  | { a: 'board' }
  | { a: 'verdict'; pass: boolean; right: boolean }
  | { a: 'restart' }
  | { a: 'sensor'; how: 'ok' | 'humid' | 'implausible' | 'fault' }
  | { a: 'wait'; ms: number }
  | { a: 'unload'; slot: number }
  | { a: 'splice'; slot: number; reel: number }
  | { a: 'order'; which: 'demo' | 'revised' | 'clear' }
  | { a: 'sync' }
  | { a: 'cut'; k: number; rtc: 'survives' | 'untrusted' }
  | { a: 'ack'; by: 'plc' | 'technician' }
  | { a: 'hold'; on: boolean }
  | { a: 'wet' };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ a: fc.constant('pair' as const), slot: fc.nat({ max: 5 }), reel: fc.nat({ max: POOL.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('reel' as const), reel: fc.nat({ max: POOL.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('badge' as const), which: fc.nat({ max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('open' as const), reel: fc.constantFrom(3, 3, 0, 9), dry: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ a: fc.constant('program' as const), how: fc.constantFrom('right' as const, 'right' as const, 'rev' as const, 'sum' as const) }) },
  { weight: 12, arbitrary: fc.constant({ a: 'board' as const }) },
  { weight: 5, arbitrary: fc.record({ a: fc.constant('verdict' as const), pass: fc.constantFrom(true, true, true, false), right: fc.constantFrom(true, true, false) }) },
  { weight: 1, arbitrary: fc.constant({ a: 'restart' as const }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('sensor' as const), how: fc.constantFrom('ok' as const, 'humid' as const, 'implausible' as const, 'fault' as const) }) },
  { weight: 3, arbitrary: fc.record({ a: fc.constant('wait' as const), ms: fc.constantFrom(1000, 61_000, 11 * 60_000, 3 * 3_600_000) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('unload' as const), slot: fc.nat({ max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('splice' as const), slot: fc.nat({ max: 5 }), reel: fc.nat({ max: POOL.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('order' as const), which: fc.constantFrom('demo' as const, 'revised' as const, 'clear' as const) }) },
  { weight: 1, arbitrary: fc.constant({ a: 'sync' as const }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('cut' as const), k: fc.nat({ max: 400 }), rtc: fc.constantFrom('survives' as const, 'untrusted' as const) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('ack' as const), by: fc.constantFrom('plc' as const, 'technician' as const) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('hold' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ a: 'wet' as const }) },
);

/** What the test itself knows, from the inputs it gave and the answers it got, independent of the station's state. */
interface Model {
  clockValid: boolean;
  program: 'right' | 'wrong' | 'none';
  awaitingFirstOff: boolean;
  firstOffFailed: boolean;
  unackedCritical: boolean;
  held: boolean;
  orderActive: boolean;
  /** Every record the station journaled: seq → type. Nothing may ever go missing. */
  journaled: Map<number, string>;
}

function journal(r: Rig): { seq: number; message: Message }[] {
  const j = r.station.journalRef!;
  const out: { seq: number; message: Message }[] = [];
  const c = j.cursor(j.oldestSequence());
  if (!('next' in c)) throw new Error(c.detail);
  for (let it = c.next(); 'kind' in it && it.kind !== 'end'; it = c.next()) {
    if (it.kind !== 'record') throw new Error(`journal lost ${it.from}..${it.to}`);
    const m = decodePayload(it.type, it.payload);
    if (!m.ok) throw new Error(`record ${it.seq}: ${m.detail}`);
    out.push({ seq: it.seq, message: m.message });
  }
  return out;
}

/** The permit may be on only if every rule the test can see says yes. */
function permitHonest(r: Rig, m: Model): void {
  if (r.relay.value === 0) return;
  const s = r.station.state;
  const ctx = JSON.stringify({ model: { ...m, journaled: m.journaled.size }, reasons: r.station.permitView().reasons });
  expect([ctx, m.clockValid, m.program, m.awaitingFirstOff, m.firstOffFailed, m.unackedCritical, m.held, m.orderActive]).toEqual([ctx, true, 'right', false, false, false, false, true]);
  const order = s.setup.order!.order;
  order.slots.forEach((sl, i) => {
    const st = s.setup.slots[i]!;
    expect(st.status).toBe('verified');
    if (st.status !== 'verified') return;
    // Independently of the verifier: the reel's part is on this slot's own AVL.
    expect(sl.approvedParts.map((p) => normMpn(p.manufacturerPartNumber))).toContain(normMpn(st.reel.facts.mpn));
    if (sl.msd) {
      const v = reelView(s, st.reel.facts.key, r.station.now());
      expect(v).toBeDefined();
      expect(['expired', 'needs-bake', 'blocked-unrated', 'sealed']).not.toContain(v!.view.state);
      expect(remainingMinutes(v!) ?? Infinity).toBeGreaterThanOrEqual((order.header.timeToReflow + 3600) / 60);
    }
  });
  expect(r.station.journalRef!.status().permitBlocked).toBeUndefined();
}

/** Rebuilds each permitted board's trace from the journal alone, by hand and with the product's replay. */
function tracesComplete(r: Rig): void {
  const recs = journal(r);
  replay(
    recs.map((x) => ({ ...x, at: 0 })),
    (b) => {
      if (b.permitOn) expect([b.unitId, complete(b), b.missing]).toEqual([b.unitId, true, []]);
    },
    (o) => (o.bomRevision === 'D' ? REVISED : DEMO).slots.map((x) => x.position),
  );
  let wo: { slots: readonly string[]; recipe: string } | undefined;
  const slots = new Map<string, string>();
  let program: string | undefined;
  for (let i = 0; i < recs.length; i++) {
    const { message: msg } = recs[i]!;
    if (i > 0) expect(recs[i]!.seq).toBe(recs[i - 1]!.seq + 1);
    switch (msg.type) {
      case 'StationBooted':
        program = undefined;
        break;
      case 'WorkOrderActivated': {
        const o = msg.body.workOrderIdentifier === DEMO.header.workOrderIdentifier && msg.body.bomRevision === 'D' ? REVISED : DEMO;
        wo = { slots: o.slots.map((x) => normPosition(x.position)), recipe: `${msg.body.recipeName}|${msg.body.recipeRevision}|${msg.body.recipeChecksum}` };
        break;
      }
      case 'ClearWorkOrder':
        wo = undefined;
        slots.clear();
        break;
      case 'SlotVerified':
        slots.set(normPosition(msg.body.locationIdentifier), msg.body.uniqueIdentifier);
        break;
      case 'SlotUnloaded':
      case 'SlotRejected':
        slots.delete(normPosition(msg.body.locationIdentifier));
        break;
      case 'ProgramReport':
        program = `${msg.body.recipeName}|${msg.body.recipeRevision}|${msg.body.recipeChecksum}`;
        break;
      case 'BoardTrace':
        if (!msg.body.permitOn) break;
        expect(wo).toBeDefined();
        for (const p of wo!.slots) expect([p, slots.has(p)]).toEqual([p, true]);
        expect(program).toBe(wo!.recipe);
        break;
      default:
        break;
    }
  }
}

function act(r: Rig, m: Model, x: Action): void {
  const st = r.station;
  const seen = r.events.length;
  const give = (i: Parameters<typeof st.input>[0]) => st.input(i);
  switch (x.a) {
    case 'pair':
      give({ kind: 'scan', data: POSITIONS[x.slot]! });
      give({ kind: 'scan', data: POOL[x.reel]! });
      break;
    case 'reel':
      give({ kind: 'scan', data: POOL[x.reel]! });
      break;
    case 'badge':
      give({ kind: 'scan', data: `OP:${['1001', '2001', '3001', '9999'][x.which]}` });
      break;
    case 'open':
      give({ kind: 'scan', data: x.dry ? 'CMD:OPEN-DRY' : 'CMD:OPEN' });
      give({ kind: 'scan', data: POOL[x.reel]! });
      break;
    case 'program': {
      const p = x.how === 'right' ? PROGRAM : x.how === 'rev' ? { ...PROGRAM, revision: '13' } : { ...PROGRAM, checksum: 7 };
      const reply = give(p);
      if (reply.ok) {
        const before = m.program;
        m.program = x.how === 'right' ? 'right' : 'wrong';
        // A change of program under an order needs a new first-off.
        if (before !== 'none' && x.how !== 'right' ? true : before === 'wrong') m.awaitingFirstOff = false;
      }
      break;
    }
    case 'board': {
      const reply = give({ kind: 'board' });
      if (reply.outcome === 'first-off') m.awaitingFirstOff = true;
      if (reply.reason === 'BOARD_WITHOUT_PERMIT') m.unackedCritical = true;
      break;
    }
    case 'verdict': {
      const fo = st.state.firstOff;
      const unit = fo.phase === 'awaiting' && x.right ? fo.unitId : 'NOT-IT';
      const reply = give(host({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: unit, passed: x.pass, inspector: 'QA', reason: x.pass ? 'OK' : 'FIRST_OFF_FAILED', comment: x.pass ? '' : 'NCR-1' } }));
      if (reply.ok) {
        m.awaitingFirstOff = false;
        m.firstOffFailed = !x.pass;
      }
      break;
    }
    case 'restart': {
      const reply = give(host({ type: 'FirstOffRestart', body: { at: 0, operatorIdentifier: 'SV', comment: 'fixed' } }));
      if (reply.ok) m.firstOffFailed = false;
      break;
    }
    case 'sensor':
      r.sensor.reading =
        x.how === 'ok' ? { ok: true, tempC: 24, rhPct: 45 } : x.how === 'humid' ? { ok: true, tempC: 29, rhPct: 80 } : x.how === 'implausible' ? { ok: true, tempC: -40, rhPct: 0 } : { ok: false, detail: 'no ack on I2C' };
      r.clock.advance(61_000);
      give({ kind: 'tick' });
      break;
    case 'wait':
      r.clock.advance(x.ms);
      give({ kind: 'tick' });
      break;
    case 'unload':
      give({ kind: 'unload', position: POSITIONS[x.slot]! });
      break;
    case 'splice':
      give({ kind: 'splice', position: POSITIONS[x.slot]!, data: POOL[x.reel]! });
      break;
    case 'order': {
      const reply =
        x.which === 'clear' ? give(host({ type: 'ClearWorkOrder', body: { workOrderIdentifier: DEMO.header.workOrderIdentifier, comment: '' } })) : give(wo(x.which === 'demo' ? DEMO : REVISED));
      if (reply.ok) {
        m.orderActive = x.which !== 'clear';
        // A new order or revision asks for a first-off again (or none, cleared).
        m.awaitingFirstOff = false;
        m.firstOffFailed = false;
      }
      break;
    }
    case 'sync':
      if (sync(r).ok) m.clockValid = true;
      break;
    case 'cut': {
      r.power.cutAtStep(r.power.steps + x.k);
      give({ kind: 'scan', data: POSITIONS[x.k % 6]! });
      give({ kind: 'scan', data: POOL[x.k % POOL.length]! });
      give({ kind: 'board' });
      const cut = !r.power.powered;
      if (!cut) r.power.cut();
      r.reboot({ rtc: x.rtc });
      if (x.rtc === 'untrusted') m.clockValid = false;
      // The machine reports its program again after a restart; the station forgets the old report.
      m.program = 'none';
      m.awaitingFirstOff = r.station.state.firstOff.phase === 'awaiting';
      m.firstOffFailed = r.station.state.firstOff.phase === 'failed';
      m.unackedCritical = r.station.state.alarms.some((a) => a.severity === 'critical' && !a.acked);
      m.orderActive = r.station.state.setup.order !== undefined;
      m.held = r.station.state.hold !== undefined;
      break;
    }
    case 'ack': {
      // A PLC's acknowledgement never clears a critical alarm: only a technician's (or above) does.
      if (x.by === 'plc') {
        give({ kind: 'plc', write: { kind: 'ack-alarms' } });
        break;
      }
      give({ kind: 'scan', data: 'OP:2001' });
      const reply = give({ kind: 'scan', data: 'CMD:ACK' });
      if (reply.ok) m.unackedCritical = false;
      break;
    }
    case 'hold': {
      const reply = give(host({ type: 'StationHold', body: { at: 0, hold: x.on, lockReason: 'general', requestor: 'QA', comment: '' } }));
      if (reply.ok) m.held = x.on;
      break;
    }
    case 'wet': {
      const s3 = st.state.setup.slots[3];
      if (s3?.status !== 'verified') break;
      give(host({
        type: 'ReelRecord',
        body: {
          uniqueIdentifier: s3.reel.facts.key, internalPartNumber: 'IPN', manufacturerPartNumber: 'TPS548D22RVFR', manufacturer: 'Texas Instruments', manufacturerLotCode: s3.reel.facts.lot ?? '',
          quantity: 100, msdLevel: '5a', thicknessClass: 'thin',
          exposure: { msdState: 'exposed', consumedFraction: 0.9, remainingExposureTime: 3600, bakeTimeTotal: 0 },
        },
      }));
      break;
    }
  }
  // Program changes, order changes, first-off: follow the station's own account of the first-off only where the
  // test cannot know better (a program or order change restarts the cycle at "one board allowed").
  if (st.state.firstOff.phase !== 'awaiting') m.awaitingFirstOff = false;
  if (st.state.firstOff.phase !== 'failed') m.firstOffFailed = false;
  for (const e of r.events.slice(seen)) if (e.kind === 'record') m.journaled.set(e.seq, e.message.type);
}

/** Registers the property with its own seed (each file a different one, so the two halves explore different sequences). */
export function invariants(seed: number): void {
  // Each flash model gets half the runs: the cuts are the same, what they leave differs.
  const runs = Math.ceil(RUNS / FLASH_MODELS.length);
  describe.each(FLASH_MODELS)('station runtime invariants (fast-check, $name)', (model) => {
    it('permit honest, traces complete, journal contiguous, nothing journaled lost — under random inputs and cuts', () => {
      let permitted = 0;
      fc.assert(
        fc.property(fc.array(actionArb, { minLength: 5, maxLength: 40 }), fc.constantFrom(true, true, true, false), (actions, prepared) => {
          const r = rig({ journalKib: 64, flash: model });
          const m: Model = { clockValid: true, program: 'none', awaitingFirstOff: false, firstOffFailed: false, unackedCritical: false, held: false, orderActive: false, journaled: new Map() };
          badges(r);
          if (prepared) {
            // Start from a complete setup half the time, so that production paths are common.
            r.station.input(wo());
            r.station.input({ kind: 'scan', data: 'OP:1001' });
            r.station.input({ kind: 'scan', data: 'CMD:OPEN-DRY' });
            r.station.input({ kind: 'scan', data: REELS['B1.F.4'] });
            for (const p of POSITIONS) {
              r.station.input({ kind: 'scan', data: p });
              r.station.input({ kind: 'scan', data: REELS[p] });
            }
            r.station.input(PROGRAM);
            m.orderActive = true;
            m.program = 'right';
          }
          for (const e of r.events) if (e.kind === 'record') m.journaled.set(e.seq, e.message.type);
          for (const x of actions) {
            act(r, m, x);
            permitHonest(r, m);
            permitted += r.relay.value;
          }
          tracesComplete(r);
          const now = new Map(journal(r).map((x) => [x.seq, x.message.type] as const));
          for (const [seq, type] of m.journaled) expect([seq, now.get(seq)]).toEqual([seq, type]);
        }),
        { numRuns: runs, seed: Number(process.env['WARDEN_SEED'] ?? seed) },
      );
      // Not vacuous: production (permit on) is common among the sequences.
      expect(permitted).toBeGreaterThan(runs / 3);
    });
  });
}

void T0;
