// The station's host link through the real protocol: the host's HostSession talks to the station's HostLink
// over a byte stream. Handshake, time sync, badges, an atomic work order with its terms, status, the journal
// read and acknowledged, records pushed live, and the attacks of issue 9 against a running station.
import type { Message } from '../../../protocol/src/messages';
import { demoOrder } from '../setup/helpers';
import { connectHost } from './host';
import { PROGRAM, rig, T0 } from './rig';
import { POSITIONS, REELS } from './scans';

const at = (ms: number) => ({ utcTime: Math.floor(ms / 1000), millis: ms % 1000 });
const acks = (h: ReturnType<typeof connectHost>) => h.messages().filter((m) => m.type === 'Ack' || m.type === 'Nack');

describe('the host link', () => {
  it('a host sets the clock, pushes badges and a work order with its terms, and reads and acknowledges the journal', () => {
    const r = rig({ rtc: 'untrusted' });
    const h = connectHost(r);
    expect(h.link.established).toBe(true);
    expect(h.events.some((e) => e.kind === 'established')).toBe(true);
    h.send({ type: 'TimeSync', body: at(T0) });
    expect(r.station.permitView().reasons).not.toContain('CLOCK_INVALID');
    h.send({ type: 'BadgeRecord', body: { badge: '1001', operatorIdentifier: 'OP-1', role: 'operator', active: true } });
    h.workOrder({ ...demoOrder(), terms: { prototype: false, plannedQuantity: 25, maxBoards: 0 } });
    expect(r.station.view().workOrder?.identifier).toBe('WO-2026-11873');
    expect(r.station.state.order?.terms.plannedQuantity).toBe(25);
    // Every acceptance was acknowledged, nothing refused.
    expect(acks(h).map((m) => m.type)).not.toContain('Nack');
    h.send({ type: 'StatusRequest', body: {} }, false);
    const status = h.messages().find((m) => m.type === 'StatusReport') as Extract<Message, { type: 'StatusReport' }>;
    expect(status.body).toMatchObject({ runPermit: false, workOrderIdentifier: 'WO-2026-11873', slotsTotal: 6, clockValid: true });
    // The work order's records were pushed live; the host reads the whole journal and acknowledges it.
    const pushed = h.messages().filter((m) => m.type === 'JournalRecords');
    expect(pushed.length).toBeGreaterThan(0);
    const seqs: number[] = [];
    for (let from = 1, more = true; more; ) {
      h.send({ type: 'JournalRead', body: { fromSequence: from, maxRecords: 16 } }, false);
      const last = h.messages().filter((m) => m.type === 'JournalRecords').at(-1) as Extract<Message, { type: 'JournalRecords' }>;
      for (const x of last.body.records) seqs.push(x.sequence);
      more = last.body.moreAvailable;
      from = (seqs.at(-1) ?? 0) + 1;
    }
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    h.send({ type: 'JournalAck', body: { upToSequence: seqs.at(-1)! } });
    expect(r.station.view().journalPending).toBe(0);
    expect(acks(h).at(-1)?.type).toBe('Ack');
  });

  it('frames recorded before a reboot are refused after it, before and after the new handshake; nothing changes', () => {
    const r = rig();
    let h = connectHost(r);
    h.send({ type: 'StationHold', body: { at: 0, hold: true, lockReason: 'quality-issue', requestor: 'QA', comment: '' } });
    h.send({ type: 'StationHold', body: { at: 0, hold: false, lockReason: 'general', requestor: 'QA', comment: '' } });
    const recorded = [...h.sent];
    r.reboot();
    h = connectHost(r);
    const before = r.station.state.hold;
    // The old lock replayed at the new station, raw on the wire: a replay, refused, the station stays unlocked.
    for (const f of recorded) h.inject(f);
    expect(r.station.state.hold).toBe(before);
    expect(r.station.state.hold).toBeUndefined();
  });

  it('a mixed transfer (the Begin of one order with the chunks of another) never commits', () => {
    const r = rig();
    const h = connectHost(r);
    const a = h.session.sendWorkOrder(7, demoOrder());
    const other = { ...demoOrder(), header: { ...demoOrder().header, workOrderIdentifier: 'WO-OTHER', recipeRevision: '99' } };
    const b = h.session.sendWorkOrder(7, other);
    if (!a.ok || !b.ok) throw new Error('order did not seal');
    h.inject(a.frames[0]!);
    for (const f of b.frames.slice(1)) h.inject(f);
    expect(r.station.view().workOrder).toBeUndefined();
  });

  it('a station without a provisioned secret refuses every host frame', () => {
    const r = rig({ secret: null });
    const h = connectHost(r);
    expect(h.link.unusable).toMatch(/no secret/);
    expect(h.link.established).toBe(false);
    expect(() => h.send({ type: 'TimeSync', body: at(T0) })).toThrow(/NO_SESSION/);
  });

  it('a host holding another secret never gets a session', () => {
    const r = rig();
    const h = connectHost(r, { secret: new Uint8Array(32).fill(1) });
    expect(h.link.established).toBe(false);
    expect(h.events).toContainEqual(expect.objectContaining({ kind: 'refused', reason: 'BAD_MAC' }));
    expect(() => h.send({ type: 'TimeSync', body: at(T0) })).toThrow(/NO_SESSION/);
  });

  it('counters continue across a reboot: no frame the station sends after it reuses one', () => {
    const r = rig();
    let h = connectHost(r);
    const counters: number[] = [];
    const note = () => {
      for (const e of h.events) if (e.kind === 'message' || e.kind === 'established') counters.push(e.header.counter);
    };
    h.send({ type: 'StatusRequest', body: {} }, false);
    note();
    r.reboot();
    h = connectHost(r);
    h.send({ type: 'StatusRequest', body: {} }, false);
    const after: number[] = [];
    for (const e of h.events) if (e.kind === 'message' || e.kind === 'established') after.push(e.header.counter);
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...counters));
  });

  it('a full setup and production through the host link: what the station journals reaches the host', () => {
    const r = rig();
    const first = r.station.journalRef!.nextSequence;
    const h = connectHost(r);
    h.send({ type: 'BadgeRecord', body: { badge: '1001', operatorIdentifier: 'OP-1', role: 'operator', active: true } });
    h.workOrder(demoOrder());
    r.station.input({ kind: 'scan', data: 'OP:1001' });
    r.station.input({ kind: 'scan', data: 'CMD:OPEN-DRY' });
    r.station.input({ kind: 'scan', data: REELS['B1.F.4'] });
    for (const p of POSITIONS) {
      r.station.input({ kind: 'scan', data: p });
      r.station.input({ kind: 'scan', data: REELS[p] });
    }
    r.station.input(PROGRAM);
    r.station.input({ kind: 'board', unitId: 'FO-1' });
    h.send({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: 'FO-1', passed: true, inspector: 'QA', reason: 'OK', comment: '' } });
    expect(r.station.permitView().on).toBe(true);
    const got = new Set<number>();
    for (const m of h.messages()) if (m.type === 'JournalRecords') for (const x of m.body.records) got.add(x.sequence);
    const last = r.station.journalRef!.nextSequence - 1;
    // Everything journaled after the host connected came live.
    expect(last).toBeGreaterThan(first + 10);
    for (let s = first; s <= last; s++) expect([s, got.has(s)]).toEqual([s, true]);
  });
});
