// The station through its public interface: a whole setup to the run permit, the first-off, and production.
import { demoOrder } from '../setup/helpers';
import { boardTraceOn, whereUsedOn } from '../../runtime/trace';
import { host, recorded, rig, setUp } from './rig';

describe('a station from boot to production', () => {
  it('boots fail-safe: relay off, no work order, clock from the trusted RTC', () => {
    const r = rig();
    expect(r.relay.value).toBe(0);
    const v = r.station.permitView();
    expect(v.on).toBe(false);
    expect(v.reasons).toEqual(['NO_WORK_ORDER']);
    expect(v.state).toBe('no-work-order');
    expect(recorded(r)[0]).toBe('StationBooted');
  });

  it('a complete setup gives the permit; the first board is the first-off and holds the line until it passes', () => {
    const r = rig();
    setUp(r);
    expect(r.station.permitView()).toMatchObject({ on: true, state: 'ready', reasons: [] });
    expect(r.relay.value).toBe(1);
    expect(r.light.green.value).toBe(1);
    const first = r.station.input({ kind: 'board', unitId: 'SN-0001' });
    expect(first).toMatchObject({ ok: true, outcome: 'first-off' });
    expect(r.station.permitView().reasons).toEqual(['FIRST_OFF_PENDING']);
    expect(r.relay.value).toBe(0);
    const pass = r.station.input(host({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: 'SN-0001', passed: true, inspector: 'QA-7', reason: 'OK', comment: '' } }));
    expect(pass.ok).toBe(true);
    expect(r.station.permitView()).toMatchObject({ on: true, state: 'running' });
    expect(r.station.input({ kind: 'board', unitId: 'SN-0002' })).toMatchObject({ ok: true, outcome: 'recorded' });
    expect(r.station.view()).toMatchObject({ runPermit: true, slotsRequired: 6, slotsVerified: 6, msdReels: 1, boardsRecorded: 2, workOrder: { identifier: demoOrder().header.workOrderIdentifier } });
    expect(recorded(r)).toEqual(expect.arrayContaining(['WorkOrderActivated', 'OperatorLogin', 'MsdEvent', 'SlotLoaded', 'SlotVerified', 'ProgramReport', 'BoardTrace', 'FirstOffRequest', 'FirstOffResult', 'InterlockChanged']));
  });
});

describe('traceability on the station journal', () => {
  it('where-used finds the boards built with a lot, and a board shows what it was built from', () => {
    const r = rig();
    setUp(r);
    r.station.input({ kind: 'board', unitId: 'SN-0001' });
    r.station.input(host({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: 'SN-0001', passed: true, inspector: 'QA-7', reason: 'OK', comment: '' } }));
    r.station.input({ kind: 'board', unitId: 'SN-0002' });
    // The CL21 capacitor on B1.F.1 is lot BI1BT6B; B1.F.6 holds lot BI1BT7C.
    expect(whereUsedOn(r.station, 'BI1BT6B').map((b) => b.unitId)).toEqual(['SN-0001', 'SN-0002']);
    expect(whereUsedOn(r.station, 'bi1bt7c', 'CL21A475KAQNNNE').map((b) => b.unitId)).toEqual(['SN-0001', 'SN-0002']);
    expect(whereUsedOn(r.station, 'NO-SUCH-LOT')).toEqual([]);
    const b = boardTraceOn(r.station, 'SN-0002')!;
    expect(b).toMatchObject({ workOrder: 'WO-2026-11873', bomRevision: 'C', operator: 'OP-1', permitOn: true, firstOff: false, missing: [], recipe: { name: 'PCBA-4711-TOP', revision: '12' } });
    expect(b.slots.map((s) => s.position)).toEqual(['B1.F.1', 'B1.F.2', 'B1.F.3', 'B1.F.4', 'B1.F.5', 'B1.F.6']);
    expect(b.slots[3]).toMatchObject({ mpn: 'TPS548D22RVFR', msdRemainingS: expect.any(Number) });
    expect(b.slots[0]).toMatchObject({ lot: 'BI1BT6B', source: 'scanned' });
  });
});
