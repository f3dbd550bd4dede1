// Invariants of the whole station runtime under random event sequences: scans (good, wrong, garbage), badges,
// program reports, boards, first-off verdicts, sensor readings and faults, time, host records and holds, work-order
// changes, PLC writes, and power cuts at random flash steps with clock loss. Host messages arrive either as real
// frames through the station's host link (a HostSession sealing them over the link, with its handshake, Acks and
// Nacks) or straight at the core; the host also reads and acknowledges the journal, forges frames (a bit of header,
// payload or MAC changed, the CRC made good), replays any frame it sent before (this session or an earlier one),
// and goes away (the link dropped; the station's power cuts drop it too) to come back with a new handshake.
// After every input:
//  - the run permit is never on while a rule says no (checked against the test's own account of what happened);
//  - a forged or replayed frame changes nothing: not the permit, not the journal, not the station's state;
//  - after a host outage the new handshake succeeds (no counter of either side is reused or refused);
//  - every board recorded while the permit was on has a complete trace in the journal (rebuilt from the journal
//    alone: work order, a verified reel on every slot, the approved program);
//  - the journal stays contiguous, nothing the station journaled (and so answered) is ever lost to a cut, a record
//    is freed only once the host acknowledged it, and what the host received under a sequence number is what the
//    journal holds under it (no number is ever used for two records).
// The property, run by properties-a/b.test.ts: `npm test` runs 130 sequences in each, WARDEN_CI_SCALE=1 50,000 in
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
import { connectHost, type Host } from './host';
import { POSITIONS, REELS } from './scans';
import { FLASH_MODELS } from '../../platform/sim/flash';

const RUNS = process.env['WARDEN_CI_SCALE'] === '1' ? 50_000 : 130;
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
  | { a: 'verdict'; pass: boolean; right: boolean; link: boolean }
  | { a: 'restart'; link: boolean }
  | { a: 'sensor'; how: 'ok' | 'humid' | 'implausible' | 'fault' }
  | { a: 'wait'; ms: number }
  | { a: 'unload'; slot: number }
  | { a: 'splice'; slot: number; reel: number }
  | { a: 'order'; which: 'demo' | 'revised' | 'clear'; link: boolean }
  | { a: 'sync'; link: boolean }
  | { a: 'cut'; k: number; rtc: 'survives' | 'untrusted' }
  | { a: 'ack'; by: 'plc' | 'technician' }
  | { a: 'hold'; on: boolean; link: boolean }
  | { a: 'wet'; link: boolean }
  | { a: 'forge'; what: number; bit: number }
  | { a: 'replay'; k: number }
  | { a: 'outage' }
  | { a: 'reconnect' }
  | { a: 'drain'; pages: number };

/** Host messages a forger would most like the station to take. */
const FORGED = 8;

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ a: fc.constant('pair' as const), slot: fc.nat({ max: 5 }), reel: fc.nat({ max: POOL.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('reel' as const), reel: fc.nat({ max: POOL.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('badge' as const), which: fc.nat({ max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('open' as const), reel: fc.constantFrom(3, 3, 0, 9), dry: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ a: fc.constant('program' as const), how: fc.constantFrom('right' as const, 'right' as const, 'rev' as const, 'sum' as const) }) },
  { weight: 12, arbitrary: fc.constant({ a: 'board' as const }) },
  { weight: 5, arbitrary: fc.record({ a: fc.constant('verdict' as const), pass: fc.constantFrom(true, true, true, false), right: fc.constantFrom(true, true, false), link: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('restart' as const), link: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('sensor' as const), how: fc.constantFrom('ok' as const, 'humid' as const, 'implausible' as const, 'fault' as const) }) },
  { weight: 3, arbitrary: fc.record({ a: fc.constant('wait' as const), ms: fc.constantFrom(1000, 61_000, 11 * 60_000, 3 * 3_600_000) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('unload' as const), slot: fc.nat({ max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('splice' as const), slot: fc.nat({ max: 5 }), reel: fc.nat({ max: POOL.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('order' as const), which: fc.constantFrom('demo' as const, 'revised' as const, 'clear' as const), link: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('sync' as const), link: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('cut' as const), k: fc.nat({ max: 400 }), rtc: fc.constantFrom('survives' as const, 'untrusted' as const) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('ack' as const), by: fc.constantFrom('plc' as const, 'technician' as const) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('hold' as const), on: fc.boolean(), link: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('wet' as const), link: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('forge' as const), what: fc.nat({ max: FORGED - 1 }), bit: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('replay' as const), k: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ a: 'outage' as const }) },
  { weight: 3, arbitrary: fc.constant({ a: 'reconnect' as const }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('drain' as const), pages: fc.integer({ min: 1, max: 4 }) }) },
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
  /** The host end: its session over the station's host link, and whether the link is up. */
  host: Host;
  linkUp: boolean;
  /** The host acknowledged the journal up to here (records at or below it may be freed). */
  acked: number;
  /** The records the host received so far, and how far into its events they were read. */
  received: Map<number, Message>;
  eventsRead: number;
  /** How often each host path ran, over all sequences (so that the property is seen not to be vacuous). */
  tally: Tally;
}

interface Tally {
  framesAcked: number;
  forged: number;
  replayed: number;
  reconnects: number;
  acksTaken: number;
}

/** What is on the journal's flash, acknowledged sectors included: seq → record. */
function onFlash(r: Rig): Map<number, Message> {
  const j = r.station.journalRef!;
  const out = new Map<number, Message>();
  const c = j.cursor(j.oldestSequence(true), undefined, true);
  if (!('next' in c)) throw new Error(c.detail);
  for (let it = c.next(); 'kind' in it && it.kind !== 'end'; it = c.next()) {
    if (it.kind !== 'record') throw new Error(`journal lost ${it.from}..${it.to}`);
    const m = decodePayload(it.type, it.payload);
    if (!m.ok) throw new Error(`record ${it.seq}: ${m.detail}`);
    out.set(it.seq, m.message);
  }
  return out;
}

/** Every record the host received (pushed live or read), by sequence number; one number never carries two records. */
function received(m: Model): Map<number, Message> {
  const out = m.received;
  const events = m.host.events;
  for (; m.eventsRead < events.length; m.eventsRead++) {
    const e = events[m.eventsRead]!;
    if (e.kind !== 'message' || e.message.type !== 'JournalRecords') continue;
    for (const x of e.message.body.records) {
      const d = decodePayload(x.recordType, x.data);
      if (!d.ok) throw new Error(`record ${x.sequence} as received: ${d.detail}`);
      const seen = out.get(x.sequence);
      if (seen !== undefined) expect([x.sequence, d.message]).toEqual([x.sequence, seen]);
      out.set(x.sequence, d.message);
    }
  }
  return out;
}

/**
 * The station's whole history from record 1: each record from flash or, once its sector is freed, the host's copy,
 * which it may be only after the host acknowledged it. What the host received is what the journal holds.
 */
function journal(r: Rig, m: Model): { seq: number; message: Message }[] {
  const flash = onFlash(r);
  const host = received(m);
  for (const [seq, msg] of host) if (flash.has(seq)) expect([seq, msg]).toEqual([seq, flash.get(seq)]);
  const out: { seq: number; message: Message }[] = [];
  for (let seq = 1; seq < r.station.journalRef!.nextSequence; seq++) {
    const msg = flash.get(seq) ?? (seq <= m.acked ? host.get(seq) : undefined);
    expect([seq, msg === undefined ? 'missing' : 'held']).toEqual([seq, 'held']);
    out.push({ seq, message: msg! });
  }
  return out;
}

/** A frame the station must refuse: nothing it holds may change (permit, journal, state). */
function untouched(r: Rig, inject: () => void): void {
  const st = r.station;
  const before = { relay: r.relay.value, permit: st.permitView(), next: st.journalRef!.nextSequence };
  const state = st.state;
  const seen = r.events.length;
  inject();
  expect({ relay: r.relay.value, permit: st.permitView(), next: st.journalRef!.nextSequence }).toEqual(before);
  expect(st.state).toBe(state);
  expect(r.events.slice(seen).filter((e) => e.kind !== 'reply')).toEqual([]);
}

function forgery(r: Rig, what: number): Message {
  const st = r.station.state;
  const fo = st.firstOff;
  switch (what) {
    case 0:
      return { type: 'StationHold', body: { at: 0, hold: false, lockReason: 'general', requestor: 'X', comment: '' } };
    case 1:
      return { type: 'StationHold', body: { at: 0, hold: true, lockReason: 'general', requestor: 'X', comment: '' } };
    case 2:
      return { type: 'ClearWorkOrder', body: { workOrderIdentifier: DEMO.header.workOrderIdentifier, comment: '' } };
    case 3:
      return { type: 'FirstOffResult', body: { at: 0, unitIdentifier: fo.phase === 'awaiting' ? fo.unitId : 'X', passed: true, inspector: 'X', reason: 'OK', comment: '' } };
    case 4:
      return { type: 'FirstOffRestart', body: { at: 0, operatorIdentifier: 'X', comment: '' } };
    case 5:
      return { type: 'JournalAck', body: { upToSequence: r.station.journalRef!.nextSequence - 1 } };
    case 6: {
      const t = T0 + r.clock.monotonicMs() + 86_400_000;
      return { type: 'TimeSync', body: { utcTime: Math.floor(t / 1000), millis: 0 } };
    }
    default:
      return { type: 'BadgeRecord', body: { badge: '4001', operatorIdentifier: 'X', role: 'supervisor', active: true } };
  }
}

/** The permit may be on only if every rule the test can see says yes. */
function permitHonest(r: Rig, m: Model): void {
  if (r.relay.value === 0) return;
  const s = r.station.state;
  const ctx = JSON.stringify({ model: { ...m, journaled: m.journaled.size, host: undefined, tally: undefined }, reasons: r.station.permitView().reasons });
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
function tracesComplete(r: Rig, m: Model): void {
  const recs = journal(r, m);
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
  // A host message as a real frame over the link (nothing arrives while the link is down), or straight at the core.
  const fromHost = (msg: Message, link: boolean): { ok: boolean } => {
    if (!link) return give(host(msg));
    if (!m.linkUp) return { ok: false };
    const ok = m.host.request(msg)?.type === 'Ack';
    if (ok) m.tally.framesAcked++;
    return { ok };
  };
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
      const reply = fromHost({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: unit, passed: x.pass, inspector: 'QA', reason: x.pass ? 'OK' : 'FIRST_OFF_FAILED', comment: x.pass ? '' : 'NCR-1' } }, x.link);
      if (reply.ok) {
        m.awaitingFirstOff = false;
        m.firstOffFailed = !x.pass;
      }
      break;
    }
    case 'restart': {
      const reply = fromHost({ type: 'FirstOffRestart', body: { at: 0, operatorIdentifier: 'SV', comment: 'fixed' } }, x.link);
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
      const order = x.which === 'demo' ? DEMO : REVISED;
      const reply =
        x.which === 'clear'
          ? fromHost({ type: 'ClearWorkOrder', body: { workOrderIdentifier: DEMO.header.workOrderIdentifier, comment: '' } }, x.link)
          : !x.link
            ? give(wo(order))
            : { ok: m.linkUp && m.host.requestWorkOrder(order)?.type === 'Ack' };
      if (reply.ok) {
        m.orderActive = x.which !== 'clear';
        // A new order or revision asks for a first-off again (or none, cleared).
        m.awaitingFirstOff = false;
        m.firstOffFailed = false;
      }
      break;
    }
    case 'sync': {
      const t = T0 + r.clock.monotonicMs();
      if (x.link ? fromHost({ type: 'TimeSync', body: { utcTime: Math.floor(t / 1000), millis: t % 1000 } }, true).ok : sync(r).ok) m.clockValid = true;
      break;
    }
    case 'cut': {
      r.power.cutAtStep(r.power.steps + x.k);
      give({ kind: 'scan', data: POSITIONS[x.k % 6]! });
      give({ kind: 'scan', data: POOL[x.k % POOL.length]! });
      give({ kind: 'board' });
      const cut = !r.power.powered;
      if (!cut) r.power.cut();
      r.reboot({ rtc: x.rtc });
      // The cut dropped the link with the station; the host comes back (a new handshake) when it next connects.
      m.host.link.close();
      m.linkUp = false;
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
      const reply = fromHost({ type: 'StationHold', body: { at: 0, hold: x.on, lockReason: 'general', requestor: 'QA', comment: '' } }, x.link);
      if (reply.ok) m.held = x.on;
      break;
    }
    case 'wet': {
      const s3 = st.state.setup.slots[3];
      if (s3?.status !== 'verified') break;
      fromHost({
        type: 'ReelRecord',
        body: {
          uniqueIdentifier: s3.reel.facts.key, internalPartNumber: 'IPN', manufacturerPartNumber: 'TPS548D22RVFR', manufacturer: 'Texas Instruments', manufacturerLotCode: s3.reel.facts.lot ?? '',
          quantity: 100, msdLevel: '5a', thicknessClass: 'thin',
          exposure: { msdState: 'exposed', consumedFraction: 0.9, remainingExposureTime: 3600, bakeTimeTotal: 0 },
        },
      }, x.link);
      break;
    }
    case 'forge':
      if (!m.linkUp) break;
      untouched(r, () => m.host.forge(forgery(r, x.what), x.bit));
      m.tally.forged++;
      break;
    case 'replay':
      // Any frame the host sent, in this session or an earlier one (before an outage or a reboot): refused.
      if (!m.linkUp || m.host.sent.length === 0) break;
      untouched(r, () => m.host.inject(m.host.sent[x.k % m.host.sent.length]!));
      m.tally.replayed++;
      break;
    case 'outage':
      m.host.link.close();
      m.linkUp = false;
      break;
    case 'reconnect':
      if (m.linkUp) break;
      m.host.reconnect(r);
      // A new handshake after an outage or a reboot always succeeds: neither side reuses or refuses a counter.
      expect(m.host.link.established).toBe(true);
      m.linkUp = true;
      m.tally.reconnects++;
      break;
    case 'drain': {
      if (!m.linkUp) break;
      // The host reads from the first record it has not acknowledged, and acknowledges what it holds without a gap.
      for (let p = 0; p < x.pages; p++) {
        const got = received(m);
        let upTo = m.acked;
        while (got.has(upTo + 1)) upTo++;
        if (upTo + 1 >= st.journalRef!.nextSequence) break;
        m.host.send({ type: 'JournalRead', body: { fromSequence: upTo + 1, maxRecords: 16 } }, false);
      }
      const got = received(m);
      let upTo = m.acked;
      while (got.has(upTo + 1)) upTo++;
      if (upTo > m.acked && m.host.request({ type: 'JournalAck', body: { upToSequence: upTo } })?.type === 'Ack') {
        m.acked = upTo;
        m.tally.acksTaken++;
      }
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
      const tally: Tally = { framesAcked: 0, forged: 0, replayed: 0, reconnects: 0, acksTaken: 0 };
      fc.assert(
        fc.property(fc.array(actionArb, { minLength: 5, maxLength: 40 }), fc.constantFrom(true, true, true, false), (actions, prepared) => {
          const r = rig({ journalKib: 64, flash: model });
          const h = connectHost(r);
          const m: Model = { clockValid: true, program: 'none', awaitingFirstOff: false, firstOffFailed: false, unackedCritical: false, held: false, orderActive: false, journaled: new Map(), host: h, linkUp: h.link.established, acked: 0, received: new Map(), eventsRead: 0, tally };
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
          tracesComplete(r, m);
          const now = new Map(journal(r, m).map((x) => [x.seq, x.message.type] as const));
          for (const [seq, type] of m.journaled) expect([seq, now.get(seq)]).toEqual([seq, type]);
        }),
        { numRuns: runs, seed: Number(process.env['WARDEN_SEED'] ?? seed) },
      );
      // Not vacuous: production (permit on) is common among the sequences.
      expect(permitted).toBeGreaterThan(runs / 3);
      // … and so are the host's paths: frames taken, forgeries and replays refused, outages survived, the journal drained.
      for (const [k, n] of Object.entries(tally)) expect([k, n, n > runs / 10]).toEqual([k, n, true]);
    });
  });
}

void T0;
