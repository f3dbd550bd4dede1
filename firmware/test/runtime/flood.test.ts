// A station under a bad-MAC flood on its host port (PROTOCOL.md §3.6). The station's one MAC budget holds however
// often the attacker reconnects, the real host still gets a session, and the station goes on deciding scans,
// recording boards and answering Modbus while the flood runs. The runtime on simulated devices, its host port and
// Modbus TCP server on an in-memory network; HMAC verifications are counted where they happen (macMatches).
import { decodeWithoutKeys } from '../../../protocol/src/capture';
import * as frame from '../../../protocol/src/frame';
import type { HostSession } from '../../../protocol/src/host-session';
import type { Message } from '../../../protocol/src/messages';
import { REASONS } from '../../../protocol/src/reasons';
import { DEFAULT_MAC_BUDGET, type SessionEvent } from '../../../protocol/src/session';
import type { ByteStream } from '../../platform/hal';
import type { SimNet } from '../../platform/sim/net';
import { HELLO_RETRY_MS } from '../../runtime/host-link';
import { demoOrder } from '../setup/helpers';
import { floodLine as line, HOST_PORT, MODBUS_PORT } from './flood';
import { hostSession } from './host';
import { PROGRAM, rig, T0, type Rig } from './rig';
import { POSITIONS, REELS } from './scans';

/** The real MES over the network: it answers the station's Hello and talks in the session. */
function realHost(net: SimNet, r: Rig) {
  const session: HostSession = hostSession();
  const events: SessionEvent[] = [];
  let stream: ByteStream | undefined;
  const put = (wire: Uint8Array) => stream?.write(wire);
  stream = net.connect(HOST_PORT, {
    onData: (bytes) => session.receive(bytes, r.clock.monotonicMs(), (e) => {
      events.push(e);
      if (e.kind === 'send') put(e.wire);
    }),
  });
  net.run();
  return {
    session,
    events,
    send(m: Message): void {
      const s = session.send(7, m, { ackRequested: true });
      if (!s.ok) throw new Error(`${s.reason}: ${s.detail}`);
      this.write(s.wire);
    },
    write(wire: Uint8Array): void {
      put(wire);
      net.run();
    },
    /** What the station said back, in order (Acks, Nacks, reports). */
    messages(): Message[] {
      return events.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
    },
  };
}

/** Input registers over Modbus TCP (FC 04), from a fresh connection: the words, or the exception code. */
function readInputs(net: SimNet, start: number, qty: number): number[] | { exception: number } {
  const got: Uint8Array[] = [];
  const c = net.connect(MODBUS_PORT, { onData: (b) => void got.push(b.slice()) });
  if (c === undefined) throw new Error('Modbus not listening');
  c.write(Uint8Array.of(0, 9, 0, 0, 0, 6, 1, 4, start >> 8, start & 0xff, qty >> 8, qty & 0xff));
  net.run();
  c.close();
  net.run();
  const a = Uint8Array.from(got.flatMap((b) => [...b]));
  if (a[7] === 0x84) return { exception: a[8]! };
  return Array.from({ length: a[8]! / 2 }, (_, i) => (a[9 + 2 * i]! << 8) | a[10 + 2 * i]!);
}

/** The header block a PLC polls: permit, primary reason, slots required and verified, boards recorded. */
function plcView(net: SimNet) {
  const w = readInputs(net, 0, 16);
  if (!Array.isArray(w)) throw new Error(`Modbus exception ${w.exception}`);
  return { runPermit: w[2], primaryReason: w[3], slotsRequired: w[5], slotsVerified: w[6], boardsRecorded: (w[12]! << 16) | w[13]! };
}

describe('a bad-MAC flood on the host port', () => {
  afterEach(() => jest.restoreAllMocks());

  it('fifty reconnecting connections cost the station at most its budget of HMAC checks in all, and the real host gets its session afterwards', () => {
    const r = rig();
    const l = line(r);
    const verifications = jest.spyOn(frame, 'macMatches');
    // 50 connections of 40 forged frames each (what one fresh budget per connection let through: 2000 checks).
    for (let i = 0; i < 50; i++) l.attack(40);
    expect(l.attacks).toBe(50);
    // All of them together got the budget's burst, less the reserve that only an established session may spend.
    expect(verifications.mock.calls.length).toBe(DEFAULT_MAC_BUDGET.burst - (DEFAULT_MAC_BUDGET.reserve ?? 0));
    expect(verifications.mock.results.every((x) => x.value === false)).toBe(true);
    expect(r.station.macBudget.stats.refused).toBe(2000 - verifications.mock.calls.length);
    // Each connection got the station's Hello, and the fifty Hellos used fifty consecutive counters: a reconnect
    // continues the counter block already reserved, so it writes nothing to the store and burns no counters.
    const hellos = l.heard.map((bytes) => decodeWithoutKeys(Uint8Array.from(bytes.flatMap((b) => [...b]))));
    expect(hellos.every((v) => v.length === 1 && v[0]!.ok && v[0]!.message.type === 'Hello')).toBe(true);
    const counters = hellos.map((v) => v[0]!.header!.counter);
    expect(counters).toEqual(counters.map((_, i) => counters[0]! + i));
    // Time passes as the flood goes on: the station's checks grow with the budget's rate, not with connections.
    for (let i = 0; i < 20; i++) {
      r.clock.advance(100);
      l.attack(40);
    }
    expect(verifications.mock.calls.length).toBeLessThanOrEqual(DEFAULT_MAC_BUDGET.burst + (DEFAULT_MAC_BUDGET.perSecond * 2000) / 1000);

    // The flood is over. The host connects; its HelloAck may meet a spent budget, but the station's Hello retry
    // comes once the budget has refilled, and the handshake succeeds.
    const h = realHost(l.net, r);
    r.clock.advance(HELLO_RETRY_MS);
    r.station.input({ kind: 'tick' });
    l.port.tick();
    l.net.run();
    expect(l.port.current).toBeDefined();
    expect(h.session.peer(7)).toBeDefined();
    h.send({ type: 'TimeSync', body: { utcTime: Math.floor((T0 + r.clock.monotonicMs()) / 1000), millis: 0 } });
    expect(h.messages().at(-1)).toMatchObject({ type: 'Ack' });
    // Every attacker connection is gone once the host authenticated; the station's checks stayed bounded.
    expect(verifications.mock.results.filter((x) => x.value === false).length).toBeLessThanOrEqual(DEFAULT_MAC_BUDGET.burst + (DEFAULT_MAC_BUDGET.perSecond * (2000 + HELLO_RETRY_MS)) / 1000);
  });

  it('while the flood runs the station decides scans, records boards, serves Modbus, and the established host still gets through', () => {
    const r = rig();
    const l = line(r);
    const h = realHost(l.net, r);
    expect(h.session.peer(7)).toBeDefined();
    h.send({ type: 'BadgeRecord', body: { badge: '1001', operatorIdentifier: 'OP-1', role: 'operator', active: true } });
    const wo = h.session.sendWorkOrder(7, demoOrder(), { ackRequested: true });
    if (!wo.ok) throw new Error(wo.detail);
    // Between every step below, an attacker connects and sends 40 forged frames; the clock moves 50 ms.
    const flood = () => {
      r.clock.advance(50);
      l.attack(40);
    };
    // The order's frames go out one by one, each after another attacker's burst.
    for (const f of wo.frames) {
      flood();
      h.write(f);
    }
    expect(h.messages().filter((m) => m.type === 'Ack')).toHaveLength(1 + wo.frames.length);
    expect(r.station.view().workOrder?.identifier).toBe('WO-2026-11873');

    flood();
    expect(r.station.input({ kind: 'scan', data: 'OP:1001' })).toMatchObject({ ok: true });
    flood();
    expect(r.station.input({ kind: 'scan', data: 'CMD:OPEN-DRY' })).toMatchObject({ ok: true });
    expect(r.station.input({ kind: 'scan', data: REELS['B1.F.4'] })).toMatchObject({ ok: true });
    // A wrong reel: B1.F.5's reel into slot B1.F.2 is refused, and the PLC sees why.
    flood();
    r.station.input({ kind: 'scan', data: 'B1.F.2' });
    flood();
    expect(r.station.input({ kind: 'scan', data: REELS['B1.F.5'] })).toMatchObject({ ok: false, reason: 'WRONG_SLOT' });
    flood();
    expect(plcView(l.net)).toMatchObject({ runPermit: 0, slotsRequired: 6, slotsVerified: 0 });
    expect(readInputs(l.net, 16, 16)).toContain(REASONS.WRONG_SLOT.code);
    // The right reels: each verified, and Modbus counts them.
    for (const p of POSITIONS) {
      flood();
      r.station.input({ kind: 'scan', data: p });
      expect(r.station.input({ kind: 'scan', data: REELS[p] })).toMatchObject({ ok: true, outcome: 'verified' });
    }
    flood();
    expect(plcView(l.net)).toMatchObject({ slotsVerified: 6 });
    r.station.input(PROGRAM);
    flood();
    expect(r.station.input({ kind: 'board', unitId: 'FO-1' })).toMatchObject({ ok: true });
    // The first-off verdict comes from the host, in its session, through the flood.
    flood();
    h.send({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: 'FO-1', passed: true, inspector: 'QA', reason: 'OK', comment: '' } });
    expect(h.messages().at(-1)).toMatchObject({ type: 'Ack' });
    expect(r.station.permitView().on).toBe(true);
    flood();
    expect(r.station.input({ kind: 'board', unitId: 'SN-0001' })).toMatchObject({ ok: true });
    flood();
    expect(plcView(l.net)).toEqual({ runPermit: 1, primaryReason: 0, slotsRequired: 6, slotsVerified: 6, boardsRecorded: 2 });
    expect(r.relay.value).toBe(1);
    // The host reads the station's status in the middle of the flood, and it is the PLC's picture.
    flood();
    h.send({ type: 'StatusRequest', body: {} });
    expect(h.messages().at(-1)).toMatchObject({ type: 'StatusReport', body: { runPermit: true, slotsVerified: 6, slotsTotal: 6 } });

    // It was a flood: most forged frames went unchecked, and the checks spent stayed within the budget.
    const b = r.station.macBudget.stats;
    const elapsed = r.clock.monotonicMs();
    expect(b.refused).toBeGreaterThan(l.attacks * 30);
    expect(b.spent).toBeLessThanOrEqual(DEFAULT_MAC_BUDGET.burst + (DEFAULT_MAC_BUDGET.perSecond * elapsed) / 1000);
  });
});
