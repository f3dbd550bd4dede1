// One scenario per decision of the station runtime, through its public interface only.
import { demoOrder, order, part, slot } from '../setup/helpers';
import { NO_TERMS } from '../../core/station/types';
import { readLayoutDocument } from '../../core/label';
import { badges, host, must, PROGRAM, recorded, rig, setUp, sync, T0, wo, type Rig } from './rig';
import { POSITIONS, REELS } from './scans';

const HOUR = 3_600_000;

function running(): Rig {
  const r = rig();
  setUp(r);
  must(r.station.input({ kind: 'board', unitId: 'FO-1' }));
  must(r.station.input(host({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: 'FO-1', passed: true, inspector: 'QA', reason: 'OK', comment: '' } })));
  expect(r.station.permitView().on).toBe(true);
  return r;
}

const reasons = (r: Rig) => r.station.permitView().reasons;

describe('reels', () => {
  it('a reel scanned into the wrong slot is refused with WRONG_SLOT, the slot stops vouching and the line holds', () => {
    const r = running();
    must(r.station.input({ kind: 'scan', data: 'B1.F.2' }));
    const reply = r.station.input({ kind: 'scan', data: REELS['B1.F.5'] });
    expect(reply).toMatchObject({ ok: false, reason: 'WRONG_SLOT' });
    expect(reasons(r)).toEqual(['SLOT_NOT_VERIFIED', 'WRONG_SLOT']);
    expect(r.station.permitView().state).toBe('hold');
    expect(r.relay.value).toBe(0);
    expect(r.light.red.value).toBe(1);
    expect(recorded(r)).toContain('ScanEvent');
  });

  it('loading needs a logged-in operator', () => {
    const r = rig();
    must(sync(r));
    badges(r);
    must(r.station.input(wo()));
    expect(r.station.input({ kind: 'scan', data: 'B1.F.1' })).toMatchObject({ ok: false, reason: 'OPERATOR_REQUIRED' });
    expect(r.station.input({ kind: 'scan', data: 'OP:9999' })).toMatchObject({ ok: false, reason: 'OPERATOR_UNKNOWN' });
  });

  it('a late host record that contradicts the label takes the slot away (late facts re-check the slot)', () => {
    const r = running();
    const v = r.station.state.setup.slots[0];
    if (v?.status !== 'verified') throw new Error('B1.F.1 not verified');
    const rec = { uniqueIdentifier: v.reel.facts.key, internalPartNumber: 'IPN', manufacturerPartNumber: 'CL21A475KAQNNNE', manufacturer: 'Samsung', manufacturerLotCode: 'NOT-THE-LOT', quantity: 60, thicknessClass: 'unknown' as const };
    must(r.station.input(host({ type: 'ReelRecord', body: rec })));
    expect(reasons(r)).toContain('REEL_RECORD_MISMATCH');
    expect(r.relay.value).toBe(0);
  });

  it('a prototype order assigns a reel to its BOM line by its first scan, and marks the trace', () => {
    const r = rig();
    must(sync(r));
    badges(r);
    must(r.station.input(wo(demoOrder(), { ...NO_TERMS, prototype: true, maxBoards: 2 })));
    must(r.station.input({ kind: 'scan', data: 'OP:1001' }));
    const reply = r.station.input({ kind: 'scan', data: REELS['B1.F.2'] });
    expect(reply).toMatchObject({ ok: true, outcome: 'verified', position: 'B1.F.2' });
    expect(recorded(r)).toContain('QuickAssigned');
    // A part two open lines take (CL21 fits B1.F.1 and B1.F.6) is not guessed: the slot must be scanned.
    const two = r.station.input({ kind: 'scan', data: REELS['B1.F.1'] });
    expect(two).toMatchObject({ ok: true, outcome: 'pending' });
    expect(two.detail).toContain('2 open lines');
  });

  it('a technician enters a lot by hand; an operator may not; the reel is marked manual', () => {
    const r = rig();
    must(sync(r));
    badges(r);
    must(r.station.input(wo()));
    must(r.station.input({ kind: 'scan', data: 'OP:1001' }));
    const entry = { position: 'B1.F.2', mpn: '885012207041', manufacturer: 'Würth Elektronik', lot: 'L2331', quantity: 400, reason: 'label faded', customerSupplied: true };
    expect(r.station.input({ kind: 'manual-lot', entry })).toMatchObject({ ok: false, reason: 'RIGHTS_INSUFFICIENT' });
    must(r.station.input({ kind: 'scan', data: 'OP:2001' }));
    const ok = r.station.input({ kind: 'manual-lot', entry });
    expect(ok).toMatchObject({ ok: true, outcome: 'verified', reelKey: 'MAN-7-1' });
    const recs = r.events.flatMap((e) => (e.kind === 'record' ? [e.message] : []));
    const i = recs.findIndex((m) => m.type === 'ManualLotEntry');
    expect(recs[i]).toMatchObject({ body: { operatorIdentifier: 'TE-1', customerSupplied: true, uniqueIdentifier: 'MAN-7-1', reason: 'label faded' } });
    expect(recs.slice(i + 1).map((m) => m.type)).toEqual(expect.arrayContaining(['SlotLoaded', 'SlotVerified']));
    expect(r.station.input({ kind: 'manual-lot', entry: { ...entry, position: 'B1.F.1', mpn: 'WRONG-PART' } })).toMatchObject({ ok: false, reason: 'WRONG_PART' });
    expect(r.station.input({ kind: 'manual-lot', entry: { ...entry, reason: ' ' } })).toMatchObject({ ok: false, reason: 'MANUAL_ENTRY_REFUSED' });
  });
});

describe('MSD', () => {
  it('a reel still in its bag cannot be loaded onto an MSD slot', () => {
    const r = rig();
    must(sync(r));
    badges(r);
    must(r.station.input(wo()));
    must(r.station.input({ kind: 'scan', data: 'OP:1001' }));
    must(r.station.input({ kind: 'scan', data: 'B1.F.4' }));
    const reply = r.station.input({ kind: 'scan', data: REELS['B1.F.4'] });
    expect(reply).toMatchObject({ ok: false, reason: 'MSD_NOT_READY' });
    expect(reply.detail).toMatch(/no MSD status|dry bag/);
  });

  it('an MSD reel running out of floor life stops the line at its margin, then as expired', () => {
    const r = running();
    const v = r.station.state.setup.slots[3];
    if (v?.status !== 'verified') throw new Error('B1.F.4 not verified');
    // The host's part master knows better: MSL 5a (24 h), and 80 % already used elsewhere.
    const rec = {
      uniqueIdentifier: v.reel.facts.key, internalPartNumber: 'IPN', manufacturerPartNumber: 'TPS548D22RVFR', manufacturer: 'Texas Instruments', manufacturerLotCode: v.reel.facts.lot ?? '',
      quantity: 2500, msdLevel: '5a' as const, thicknessClass: 'thin' as const,
      exposure: { msdState: 'exposed' as const, consumedFraction: 0.75, remainingExposureTime: 6 * 3600, lastExposureDateTime: Math.floor(T0 / 1000), bakeTimeTotal: 0 },
    };
    must(r.station.input(host({ type: 'ReelRecord', body: rec })));
    // 6 h left (a quarter of 24 h): above 4 h to reflow + 1 h margin, inside the 2 h warning lead.
    expect(r.station.permitView()).toMatchObject({ on: true, warnings: expect.arrayContaining(['MSD_REMAINING_LOW']) });
    r.clock.advance(1.5 * HOUR);
    r.station.input({ kind: 'tick' });
    expect(reasons(r)).toEqual(['MSD_REMAINING_LOW']);
    r.clock.advance(5 * HOUR);
    r.station.input({ kind: 'tick' });
    expect(reasons(r)).toEqual(['MSD_EXPIRED']);
    expect(r.station.view().slots[3]).toMatchObject({ reason: 'MSD_EXPIRED', msdRemainingMin: 0 });
  });

  it("a host reel record's consumed share covers the past: the station charges only the time after it", () => {
    const r = running();
    const v = r.station.state.setup.slots[3];
    if (v?.status !== 'verified') throw new Error('B1.F.4 not verified');
    // Opened 3 h ago; the host has charged those hours already: half of MSL 5a's 24 h is used.
    const rec = {
      uniqueIdentifier: v.reel.facts.key, internalPartNumber: 'IPN', manufacturerPartNumber: 'TPS548D22RVFR', manufacturer: 'Texas Instruments', manufacturerLotCode: v.reel.facts.lot ?? '',
      quantity: 2500, msdLevel: '5a' as const, thicknessClass: 'thin' as const,
      exposure: { msdState: 'exposed' as const, consumedFraction: 0.5, remainingExposureTime: 12 * 3600, lastExposureDateTime: Math.floor(T0 / 1000) - 3 * 3600, bakeTimeTotal: 0 },
    };
    must(r.station.input(host({ type: 'ReelRecord', body: rec })));
    expect(r.station.view().slots[3]?.msdRemainingMin).toBe(12 * 60);
    r.clock.advance(HOUR);
    r.station.input({ kind: 'tick' });
    // The floor's 24 °C / 45 %RH is within the rated conditions: an hour costs an hour, never the 3 h again.
    expect(r.station.view().slots[3]?.msdRemainingMin).toBe(11 * 60);
  });

  it('implausible sensor readings raise an alarm at once and stop MSD slots after the staleness limit', () => {
    const r = running();
    r.sensor.reading = { ok: true, tempC: -40, rhPct: 0 };
    r.clock.advance(61_000);
    r.station.input({ kind: 'tick' });
    expect(r.station.state.alarms.map((a) => a.reason)).toContain('SENSOR_FAULT');
    expect(r.station.permitView().on).toBe(true);
    r.clock.advance(11 * 60_000);
    r.station.input({ kind: 'tick' });
    expect(reasons(r)).toContain('SENSOR_FAULT');
    r.sensor.reading = { ok: true, tempC: 24, rhPct: 45 };
    r.clock.advance(61_000);
    r.station.input({ kind: 'tick' });
    expect(reasons(r)).not.toContain('SENSOR_FAULT');
  });
});

describe('program and first-off', () => {
  it('a program that is not the approved revision holds the line', () => {
    const r = running();
    r.station.input({ ...PROGRAM, revision: '13' });
    expect(reasons(r)).toEqual(['PROGRAM_MISMATCH']);
  });

  it('a program change mid-run needs a new first-off, even back to the approved one', () => {
    const r = running();
    r.station.input({ ...PROGRAM, checksum: 1 });
    expect(reasons(r)).toEqual(['PROGRAM_CHECKSUM']);
    r.station.input(PROGRAM);
    expect(r.station.permitView()).toMatchObject({ on: true, state: 'ready' });
    must(r.station.input({ kind: 'board', unitId: 'FO-2' }));
    expect(reasons(r)).toEqual(['FIRST_OFF_PENDING']);
  });

  it('a failed first-off holds with its NCR until a supervisor allows another', () => {
    const r = rig();
    setUp(r);
    must(r.station.input({ kind: 'board', unitId: 'FO-1' }));
    must(r.station.input({ kind: 'scan', data: 'OP:3001' }));
    must(r.station.input({ kind: 'scan', data: 'CMD:FIRSTOFF-FAIL:NCR-77' }));
    expect(reasons(r)).toEqual(['FIRST_OFF_FAILED']);
    expect(r.station.state.firstOff).toMatchObject({ phase: 'failed', ncr: 'NCR-77', by: 'SV-1' });
    must(r.station.input({ kind: 'first-off-restart', comment: 'nozzle replaced' }));
    expect(r.station.permitView()).toMatchObject({ on: true, state: 'ready' });
  });
});

describe('overrides', () => {
  it('a supervisor may waive a pending first-off for a while; it lapses by itself and is journaled', () => {
    const r = rig();
    setUp(r);
    must(r.station.input({ kind: 'board', unitId: 'FO-1' }));
    expect(r.station.input({ kind: 'override', reason: 'FIRST_OFF_PENDING', durationMs: HOUR, comment: 'AOI down' })).toMatchObject({ ok: false, reason: 'RIGHTS_INSUFFICIENT' });
    must(r.station.input({ kind: 'scan', data: 'OP:3001' }));
    must(r.station.input({ kind: 'override', reason: 'FIRST_OFF_PENDING', durationMs: HOUR, comment: 'AOI down' }));
    expect(r.station.permitView().on).toBe(true);
    r.clock.advance(HOUR + 1000);
    r.station.input({ kind: 'tick' });
    expect(reasons(r)).toEqual(['FIRST_OFF_PENDING']);
    expect(recorded(r)).toEqual(expect.arrayContaining(['OverrideRequest', 'OverrideGrant', 'OverrideExpired']));
  });

  it('can never approve a wrong part or a wrong program, even from the host', () => {
    const r = rig();
    setUp(r);
    must(r.station.input({ kind: 'scan', data: 'OP:3001' }));
    for (const reason of ['WRONG_PART', 'PROGRAM_MISMATCH', 'MSD_EXPIRED', 'JOURNAL_FULL', 'CLOCK_INVALID'] as const) {
      expect(r.station.input({ kind: 'override', reason, durationMs: HOUR, comment: 'x' })).toMatchObject({ ok: false, reason: 'OVERRIDE_NOT_ALLOWED' });
      expect(r.station.input({ kind: 'override-request', reason, durationMs: HOUR, comment: 'x' })).toMatchObject({ ok: false, reason: 'OVERRIDE_NOT_ALLOWED' });
    }
    expect(r.station.input({ kind: 'override', reason: 'FIRST_OFF_PENDING', durationMs: 0, comment: 'x' })).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(r.station.input({ kind: 'override', reason: 'FIRST_OFF_PENDING', durationMs: HOUR, comment: '' })).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    // A grant for a request that was never made changes nothing.
    expect(r.station.input(host({ type: 'OverrideGrant', body: { requestId: 999, granted: true, grantedBy: 'SV', expiresAt: Math.floor(T0 / 1000) + 3600, reason: 'OK' } }))).toMatchObject({ ok: false, reason: 'UNEXPECTED_MESSAGE' });
  });
});

describe('alarms, holds, the PLC', () => {
  it('a board finished after a rule lapsed between ticks is judged by the relay that let it be built, and the relay then drops', () => {
    const r = running();
    // The sensor goes unread past its staleness limit: the rules say no now, but no input has driven the relay yet.
    r.clock.advance(12 * 60_000);
    expect(r.relay.value).toBe(1);
    expect(r.station.input({ kind: 'board', unitId: 'LATE-1' })).toMatchObject({ ok: true, outcome: 'recorded' });
    expect(r.station.state.alarms.map((a) => a.reason)).not.toContain('BOARD_WITHOUT_PERMIT');
    expect(r.relay.value).toBe(0);
    expect(reasons(r)).toContain('SENSOR_FAULT');
    // The next board comes after the relay dropped: that one the machine built against the interlock.
    expect(r.station.input({ kind: 'board', unitId: 'LATE-2' })).toMatchObject({ ok: false, reason: 'BOARD_WITHOUT_PERMIT' });
  });

  it('a board reported while the permit is off raises a critical alarm that holds the line until acknowledged', () => {
    const r = running();
    r.station.input({ ...PROGRAM, revision: '99' });
    expect(r.station.input({ kind: 'board', unitId: 'ROGUE-1' })).toMatchObject({ ok: false, reason: 'BOARD_WITHOUT_PERMIT' });
    r.station.input(PROGRAM);
    // The program is right again, but the critical alarm still holds the line.
    expect(reasons(r)).toEqual(['ALARM_UNACKNOWLEDGED']);
    expect(r.station.input({ kind: 'board', unitId: 'ROGUE-2' })).toMatchObject({ ok: false, reason: 'BOARD_WITHOUT_PERMIT' });
    expect(r.station.input({ kind: 'ack-alarms' })).toMatchObject({ ok: false, reason: 'RIGHTS_INSUFFICIENT' });
    // A PLC's acknowledgement (coil 0: anyone on the Modbus network) does not clear what holds the permit.
    expect(r.station.input({ kind: 'plc', write: { kind: 'ack-alarms' } })).toMatchObject({ ok: true, detail: expect.stringContaining('1 critical alarm holds the permit') });
    expect(reasons(r)).toEqual(['ALARM_UNACKNOWLEDGED']);
    expect(r.station.state.alarms.find((a) => a.reason === 'BOARD_WITHOUT_PERMIT')).toMatchObject({ acked: false });
    must(r.station.input({ kind: 'scan', data: 'OP:2001' }));
    must(r.station.input({ kind: 'scan', data: 'CMD:ACK' }));
    // Acknowledged by the technician; the program change still wants its first-off board.
    expect(r.station.permitView()).toMatchObject({ on: true, state: 'ready' });
    expect(recorded(r)).toContain('AlarmAck');
  });

  it('a PLC acknowledges the warnings, never a critical alarm', () => {
    const r = running();
    r.station.input({ ...PROGRAM, revision: '99' });
    r.station.input({ kind: 'board', unitId: 'ROGUE-1' });
    r.station.input(PROGRAM);
    for (let i = 0; i < 3; i++) r.station.input({ kind: 'plc', write: { kind: 'ack-alarms' } });
    expect(r.station.state.alarms.filter((a) => a.severity === 'critical').map((a) => [a.reason, a.acked])).toEqual([['BOARD_WITHOUT_PERMIT', false]]);
    expect(r.station.permitView().on).toBe(false);
  });

  it('the host may lock the station; only its unlock lifts it', () => {
    const r = running();
    must(r.station.input(host({ type: 'StationHold', body: { at: 0, hold: true, lockReason: 'quality-issue', requestor: 'QA', comment: '' } })));
    expect(reasons(r)).toEqual(['LOCKED_BY_HOST']);
    must(r.station.input(host({ type: 'StationHold', body: { at: 0, hold: false, lockReason: 'general', requestor: 'QA', comment: '' } })));
    expect(r.station.permitView().on).toBe(true);
  });

  it('a PLC that stops its heartbeat is reported, and drops the permit when configured to', () => {
    const r = rig({ config: { timeouts: { plcHeartbeatMs: 5000, checkpointMs: 60_000 }, plc: { heartbeatDropsPermit: true } } });
    setUp(r);
    must(r.station.input({ kind: 'plc', write: { kind: 'heartbeat', value: 1 } }));
    r.clock.advance(4000);
    must(r.station.input({ kind: 'plc', write: { kind: 'heartbeat', value: 2 } }));
    r.station.input({ kind: 'tick' });
    expect(r.station.permitView().on).toBe(true);
    r.clock.advance(6000);
    r.station.input({ kind: 'tick' });
    expect(reasons(r)).toEqual(['PLC_HEARTBEAT_LOST']);
    must(r.station.input({ kind: 'plc', write: { kind: 'heartbeat', value: 3 } }));
    expect(r.station.permitView().on).toBe(true);
  });

  it('a PLC re-verification request takes verification away until the reels are scanned again', () => {
    const r = running();
    must(r.station.input({ kind: 'plc', write: { kind: 'reverify', slot: 1 } }));
    expect(r.station.view().slotsVerified).toBe(5);
    expect(r.station.permitView().on).toBe(false);
    must(r.station.input({ kind: 'plc', write: { kind: 'reverify' } }));
    expect(r.station.view().slotsVerified).toBe(0);
    expect(r.station.input({ kind: 'plc', write: { kind: 'reverify', slot: 99 } })).toMatchObject({ ok: false, reason: 'SLOT_UNKNOWN' });
    for (const p of POSITIONS) {
      must(r.station.input({ kind: 'scan', data: p }));
      must(r.station.input({ kind: 'scan', data: REELS[p] }));
    }
    expect(r.station.view().slotsVerified).toBe(6);
    expect(r.station.permitView().on).toBe(true);
  });
});

describe('time', () => {
  it('with an RTC that lost its time the clock is invalid and MSD slots are blocked until the host syncs', () => {
    const r = rig({ rtc: 'untrusted' });
    expect(reasons(r)).toEqual(['CLOCK_INVALID', 'NO_WORK_ORDER']);
    must(sync(r));
    expect(reasons(r)).toEqual(['NO_WORK_ORDER']);
  });

  it('a reflow station has no slots: program, first-off, clock and journal rules only', () => {
    const r = rig({ config: { role: 'reflow', maxSlots: 0 } });
    must(sync(r));
    const oven = order([], 'WO-2026-11873');
    must(r.station.input(wo(oven)));
    expect(reasons(r)).toEqual(['PROGRAM_UNKNOWN']);
    must(r.station.input(PROGRAM));
    expect(r.station.permitView().on).toBe(true);
    expect(r.station.input(wo(order([slot('B1.F.1', [part('X', 'Y')])])))).toMatchObject({ ok: false, reason: 'LIMIT_EXCEEDED' });
  });
});

describe('configuration', () => {
  it('a bad provisioning document leaves the station in fault with the field named', () => {
    const r = rig({ config: { timeouts: { pairingMs: 5 } } });
    expect(r.station.failure).toMatchObject({ reason: 'CONFIG_INVALID' });
    expect(r.station.failure?.detail).toContain('timeouts.pairingMs');
    expect(r.station.permitView()).toMatchObject({ on: false, state: 'fault' });
    expect(r.station.input({ kind: 'scan', data: 'OP:1' })).toMatchObject({ ok: false, reason: 'CONFIG_INVALID' });
    expect(r.relay.value).toBe(0);
  });
});


describe('reel-label layouts loaded by the host', () => {
  // POCONS thermistor reels (a real fixed-width scan kept in the Yujin MES code): no built-in layout reads them.
  const SCAN = 'PTC4944HEX2038V0314K001700';
  const layout = readLayoutDocument({
    layoutId: 'site-pocons',
    revision: 1,
    provenance: 'Yujin MES BarcodeSplit.java, case POCONS',
    cut: 'fixed',
    minLength: 26,
    maxLength: 26,
    fields: [
      { role: 'mpn', start: 0, width: 8, chars: 'A-Z0-9', minLen: 8, maxLen: 8 },
      { role: 'lot', start: 8, width: 12, chars: 'A-Z0-9', minLen: 12, maxLen: 12 },
      { role: 'qty', start: 20, width: 6, chars: '0-9', minLen: 6, maxLen: 6 },
    ],
  });
  const thermistorOrder = order([slot('B2.F.1', [part('PTC4944H', 'POCONS')])], 'WO-TH-1');

  it('a supplier label the station could not read verifies once the host loads its layout, and after a reboot', () => {
    if (!layout.ok) throw new Error(layout.detail);
    const r = rig();
    must(sync(r));
    badges(r);
    must(r.station.input(wo(thermistorOrder)));
    must(r.station.input({ kind: 'scan', data: 'OP:1001' }));
    must(r.station.input({ kind: 'scan', data: 'B2.F.1' }));
    expect(r.station.input({ kind: 'scan', data: SCAN }).ok).toBe(false);
    must(r.station.input(host({ type: 'LabelLayoutLoad', body: layout.layout.doc })));
    must(r.station.input({ kind: 'scan', data: 'B2.F.1' }));
    expect(r.station.input({ kind: 'scan', data: SCAN })).toMatchObject({ ok: true, outcome: 'verified' });
    r.reboot();
    must(r.station.input({ kind: 'scan', data: 'OP:1001' }));
    must(r.station.input({ kind: 'unload', position: 'B2.F.1' }));
    must(r.station.input({ kind: 'scan', data: 'B2.F.1' }));
    expect(r.station.input({ kind: 'scan', data: SCAN })).toMatchObject({ ok: true, outcome: 'verified' });
    must(r.station.input(host({ type: 'LabelLayoutRemove', body: { layoutId: 'site-pocons' } })));
    expect(r.station.input(host({ type: 'LabelLayoutRemove', body: { layoutId: 'site-pocons' } }))).toMatchObject({ ok: false, reason: 'LABEL_LAYOUT_UNKNOWN' });
  });
});

describe('the journal', () => {
  it('warns near full, stops the line (JOURNAL_FULL) rather than lose a record, and runs again once the host acknowledges', () => {
    const r = rig({ journalKib: 16 });
    setUp(r);
    must(r.station.input({ kind: 'board', unitId: 'FO-1' }));
    must(r.station.input(host({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: 'FO-1', passed: true, inspector: 'QA', reason: 'OK', comment: '' } })));
    let warned = false;
    let n = 0;
    for (;;) {
      r.clock.advance(20_000);
      r.station.input({ kind: 'tick' });
      if (!r.station.permitView().on || n > 10_000) break;
      const reply = r.station.input({ kind: 'board', unitId: `SN-${n++}` });
      if (!reply.ok) throw new Error(`board ${n}: ${reply.reason} ${reply.detail} ${JSON.stringify(r.station.permitView())}`);
      if (r.station.permitView().warnings.includes('JOURNAL_HIGH_WATER')) warned = true;
    }
    expect(warned).toBe(true);
    expect(r.station.permitView().reasons).toContain('JOURNAL_FULL');
    expect(r.relay.value).toBe(0);
    const boards = r.station.state.boards;
    // Every board the station answered is in its journal.
    const traced = [...r.station.entries()].filter((e) => e.message.type === 'BoardTrace').length;
    expect(traced).toBe(boards);
    // The host collects and acknowledges: room again, the permit comes back.
    expect(r.station.ackJournal(r.station.journalRef!.nextSequence - 1)).toEqual({ ok: true });
    r.station.input({ kind: 'tick' });
    expect(r.station.permitView().on).toBe(true);
  });
});
