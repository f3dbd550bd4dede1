// Late facts and re-verification: a host record or an MSD status that arrives after a slot was verified is
// checked against the reel on the slot, and can only keep or take away its verification. Quick assign and
// manual entry load a slot in one step with the same checks as a scanned pair.
import { permit, reelKeyOf, step } from '../../core/setup';
import { cl21, demoOrder, encodable, liteon, msdEnv, ok, pair, READY, record, started, T0, ti } from './helpers';

describe('recheck', () => {
  it('a late host record whose lot disagrees with the label takes the slot away (REEL_RECORD_MISMATCH)', () => {
    const s = pair(started(), 'B1.F.1', cl21).state;
    const key = reelKeyOf(cl21)!;
    const withRecord = step(s, { kind: 'reel-record', record: record({ uniqueIdentifier: key, manufacturerPartNumber: 'CL21A475KAQNNNE', manufacturerLotCode: 'OTHERLOT' }) }, T0 + 5000, READY).state;
    const r = step(withRecord, { kind: 'recheck', position: 'B1.F.1' }, T0 + 5000, READY);
    expect(r.verdict).toMatchObject({ ok: false, reason: 'REEL_RECORD_MISMATCH', slots: ['B1.F.1'] });
    expect(r.effects.map((e) => e.message.type)).toEqual(['SlotUnloaded', 'SlotRejected']);
    expect(permit(r.state, T0).blocked).toContainEqual({ position: 'B1.F.1', reason: 'REEL_RECORD_MISMATCH' });
    expect(encodable(r)).toBe(true);
  });

  it('an MSD reel that expired since it was verified is refused on recheck (MSD_NOT_READY)', () => {
    const s = pair(started(), 'B1.F.4', ti).state;
    const r = step(s, { kind: 'recheck' }, T0 + 5000, msdEnv({ state: 'expired', reasons: ['MSD_EXPIRED'] }));
    expect(r.verdict).toMatchObject({ ok: false, reason: 'MSD_NOT_READY', slots: ['B1.F.4'] });
    expect(r.state.slots[3]).toMatchObject({ status: 'rejected', reason: 'MSD_NOT_READY' });
  });

  it('a recheck that finds nothing new changes nothing: same state, same generation, no messages', () => {
    let s = pair(started(), 'B1.F.1', cl21).state;
    s = pair(s, 'B1.F.3', liteon, T0 + 2000).state;
    const r = step(s, { kind: 'recheck' }, T0 + 9000, READY);
    expect(r.verdict).toMatchObject({ ok: true, outcome: 'rechecked', changed: false });
    expect(r.effects).toEqual([]);
    expect(r.state.generation).toBe(s.generation);
    expect(r.state.slots).toEqual(s.slots);
  });

  it('a recheck never verifies a slot that was not verified', () => {
    const s = started();
    const r = step(s, { kind: 'recheck' }, T0, READY);
    expect(permit(r.state, T0).slotsVerified).toBe(0);
  });
});

describe('assign (slot and reel in one step)', () => {
  it('verifies exactly as a scanned pair does', () => {
    const byPair = pair(started(), 'B1.F.1', cl21);
    const byAssign = step(started(), { kind: 'assign', position: 'B1.F.1', scan: ok(cl21) }, T0 + 1000, READY);
    expect(byAssign.verdict).toMatchObject({ ok: true, outcome: 'verified', position: 'B1.F.1' });
    expect(byAssign.effects.map((e) => e.message)).toEqual(byPair.effects.map((e) => e.message));
  });

  it('refuses a wrong part with the same reason as a pair', () => {
    const r = step(started(), { kind: 'assign', position: 'B1.F.2', scan: ok(cl21) }, T0, READY);
    expect(r.verdict).toMatchObject({ ok: false, reason: 'WRONG_SLOT' });
  });

  it('refuses an unknown slot without changing anything', () => {
    const s = started();
    const r = step(s, { kind: 'assign', position: 'Z9', scan: ok(cl21) }, T0, READY);
    expect(r.verdict.reason).toBe('SLOT_UNKNOWN');
    expect(r.state).toBe(s);
    expect(demoOrder().slots.some((x) => x.position === 'Z9')).toBe(false);
  });
});
