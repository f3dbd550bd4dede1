// The station through its public interface: a whole setup to the run permit, the first-off, and production.
import { demoOrder } from '../setup/helpers';
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
