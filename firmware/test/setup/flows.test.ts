// The flows operators use: scan pairing with its timeout, unload, feeder moves, splices, BOM revisions,
// work-order changes, overrides and the run-permit contribution.
import { decodePayload, encodePayload } from '../../../protocol/src/frame';
import { MESSAGES } from '../../../protocol/src/messages';
import { createSetup, permit, reelAt, reelIndexKey, step } from '../../core/setup';
import { cachedIds } from '../../core/setup/reel-cache';
import { historyEntries } from '../../core/setup/history';
import type { SetupState } from '../../core/setup';
import { cl21, config, demoOrder, encodable, liteon, mcp, ok, order, pair, part, READY, record, run, slot, started, T0, ti, wurth } from './helpers';

function verifiedAll(s: SetupState, now = T0): SetupState {
  let st = s;
  for (const [pos, label] of [['B1.F.1', cl21], ['B1.F.2', wurth], ['B1.F.3', liteon], ['B1.F.4', ti], ['B1.F.5', mcp], ['B1.F.6', { ...cl21, lot: 'BI1BT6X' }]] as const) {
    const r = pair(st, pos, label, now);
    if (!r.verdict.ok) throw new Error(`${pos}: ${r.verdict.reason}`);
    st = r.state;
  }
  return st;
}

describe('scan pairing', () => {
  it('slot then reel, and reel then slot, give the same verdict and state', () => {
    const a = pair(started(), 'B1.F.2', wurth);
    const s = run(started(), [{ kind: 'scan-reel', scan: ok(wurth) }]).state;
    const b = step(s, { kind: 'scan-slot', position: 'B1.F.2' }, T0 + 1000, READY);
    expect(b.verdict).toEqual(a.verdict);
    expect(b.state.slots).toEqual(a.state.slots);
  });

  it('a first scan is pending; a reel-first scan says where the reel belongs', () => {
    const r = run(started(), [{ kind: 'scan-reel', scan: ok(liteon) }]);
    expect(r.verdict).toMatchObject({ ok: true, outcome: 'pending', slots: ['B1.F.3'] });
    expect(r.verdict.detail).toContain('B1.F.3');
    expect(run(started(), [{ kind: 'scan-reel', scan: ok({ format: 'x', mpn: 'NOPE' }) }]).verdict.detail).toContain('not in this work order');
  });

  it('the second scan at exactly the timeout pairs; one millisecond later it is SCAN_TIMEOUT and the pair is dropped', () => {
    const s = run(started(), [{ kind: 'scan-slot', position: 'B1.F.2' }]).state;
    expect(step(s, { kind: 'scan-reel', scan: ok(wurth) }, T0 + 30_000, READY).verdict.ok).toBe(true);
    const late = step(s, { kind: 'scan-reel', scan: ok(wurth) }, T0 + 30_001, READY);
    expect(late.verdict).toMatchObject({ ok: false, reason: 'SCAN_TIMEOUT', position: 'B1.F.2' });
    expect(late.state.pending).toBeUndefined();
    expect(late.state.slots).toBe(s.slots);
    // The late scan did not start a new pair either: the next slot scan is a first scan.
    expect(step(late.state, { kind: 'scan-slot', position: 'B1.F.2' }, T0 + 31_000, READY).verdict).toMatchObject({ ok: true, outcome: 'pending' });
  });

  it('the timeout is configurable', () => {
    const s = run(started({ pairingTimeoutMs: 5000 }), [{ kind: 'scan-reel', scan: ok(wurth) }]).state;
    expect(step(s, { kind: 'scan-slot', position: 'B1.F.2' }, T0 + 5001, READY).verdict.reason).toBe('SCAN_TIMEOUT');
  });

  it('a tick after the timeout drops the pending scan with SCAN_TIMEOUT; before it, nothing happens', () => {
    const s = run(started(), [{ kind: 'scan-slot', position: 'B1.F.2' }]).state;
    expect(step(s, { kind: 'tick' }, T0 + 30_000, READY)).toMatchObject({ state: s, verdict: { ok: true, outcome: 'idle', changed: false } });
    const t = step(s, { kind: 'tick' }, T0 + 30_001, READY);
    expect(t.verdict.reason).toBe('SCAN_TIMEOUT');
    expect(t.state.pending).toBeUndefined();
  });

  it('a clock set back while a scan is pending counts as a timeout', () => {
    const s = run(started(), [{ kind: 'scan-slot', position: 'B1.F.2' }], T0 + 10_000).state;
    expect(step(s, { kind: 'scan-reel', scan: ok(wurth) }, T0, READY).verdict.reason).toBe('SCAN_TIMEOUT');
  });

  it('a new first scan replaces the pending one (slot after slot, reel after reel)', () => {
    const s = run(started(), [{ kind: 'scan-slot', position: 'B1.F.1' }, { kind: 'scan-slot', position: 'B1.F.2' }]);
    expect(s.verdict.detail).toContain('replaces B1.F.1');
    expect(step(s.state, { kind: 'scan-reel', scan: ok(wurth) }, T0 + 1000, READY).verdict).toMatchObject({ ok: true, position: 'B1.F.2' });
    const r = run(started(), [{ kind: 'scan-reel', scan: ok(cl21) }, { kind: 'scan-reel', scan: ok(wurth) }]).state;
    expect(step(r, { kind: 'scan-slot', position: 'B1.F.2' }, T0 + 1000, READY).verdict.ok).toBe(true);
  });

  it('a rescan of the verified reel into its slot gives the same verdict, no effects and no state change', () => {
    const first = pair(started(), 'B1.F.3', liteon);
    const again = pair(first.state, 'B1.F.3', liteon, T0 + 5000);
    expect(again.verdict).toMatchObject({ ok: true, outcome: 'verified', changed: false });
    expect(again.effects).toEqual([]);
    expect(again.state.slots).toEqual(first.state.slots);
    expect(again.state.generation).toBe(first.state.generation);
  });

  it('a rescan of a refused reel gives the same refusal and changes nothing more', () => {
    const first = pair(started(), 'B1.F.2', liteon);
    const again = pair(first.state, 'B1.F.2', liteon, T0 + 5000);
    expect(again.verdict).toMatchObject({ reason: 'WRONG_SLOT', changed: false });
    expect(again.effects).toEqual([]);
    expect(again.state.generation).toBe(first.state.generation);
  });
});

describe('loading over a verified slot', () => {
  it('a good new reel replaces the old one: SlotUnloaded, SlotLoaded, SlotVerified', () => {
    const s = pair(started(), 'B1.F.1', cl21).state;
    const r = pair(s, 'B1.F.1', { ...cl21, lot: 'NEW' });
    expect(r.effects.map((e) => e.message.type)).toEqual(['SlotUnloaded', 'SlotLoaded', 'ReelIdentified', 'SlotVerified']);
    expect(r.state.held.size).toBe(1);
  });

  it('a refused reel on a verified slot takes its verification away (fail-safe): the permit goes off', () => {
    const s = verifiedAll(started());
    expect(permit(s, T0).ok).toBe(true);
    const r = pair(s, 'B1.F.2', liteon);
    expect(r.effects.map((e) => e.message.type)).toEqual(['SlotUnloaded', 'SlotRejected']);
    expect(permit(r.state, T0)).toMatchObject({ ok: false, reasons: ['WRONG_SLOT', 'SLOT_NOT_VERIFIED'], slotsVerified: 5 });
    // Scanning the right reel again restores it.
    expect(permit(pair(r.state, 'B1.F.2', wurth).state, T0).ok).toBe(true);
  });
});

describe('unload', () => {
  it('unloading sends SlotUnloaded with the count and frees the reel for another slot', () => {
    const s = pair(started(), 'B1.F.1', cl21).state;
    const r = run(s, [{ kind: 'unload', position: 'B1.F.1', remainingQuantity: 12 }]);
    expect(r.verdict).toMatchObject({ ok: true, outcome: 'unloaded' });
    expect(r.effects[0]!.message).toMatchObject({ type: 'SlotUnloaded', body: { remainingQuantity: 12, uniqueIdentifier: r.verdict.reelKey } });
    expect(pair(r.state, 'B1.F.6', cl21).verdict.ok).toBe(true);
  });

  it('unloading an empty slot is SLOT_EMPTY and changes nothing; a bad count is refused', () => {
    const s = started();
    expect(run(s, [{ kind: 'unload', position: 'B1.F.1' }])).toMatchObject({ state: s, verdict: { reason: 'SLOT_EMPTY' } });
    const v = pair(s, 'B1.F.1', cl21).state;
    expect(run(v, [{ kind: 'unload', position: 'B1.F.1', remainingQuantity: -1 }]).verdict.reason).toBe('FIELD_OUT_OF_RANGE');
    expect(run(v, [{ kind: 'unload', position: 'X9' }]).verdict.reason).toBe('SLOT_UNKNOWN');
  });

  it('unloading a refused slot clears it back to empty', () => {
    const s = pair(started(), 'B1.F.2', liteon).state;
    const r = run(s, [{ kind: 'unload', position: 'B1.F.2' }]);
    expect(r.verdict.ok).toBe(true);
    expect(r.effects).toEqual([]);
    expect(permit(r.state, T0).blocked).toContainEqual({ position: 'B1.F.2', reason: 'SLOT_NOT_VERIFIED' });
  });
});

describe('feeder moved', () => {
  it('to a slot that takes the same part: verified there, the old slot empty', () => {
    const s = pair(started(), 'B1.F.1', cl21).state;
    const r = run(s, [{ kind: 'feeder-moved', from: 'B1.F.1', to: 'B1.F.6' }]);
    expect(r.verdict).toMatchObject({ ok: true, outcome: 'verified', position: 'B1.F.6' });
    expect(r.verdict.detail).toContain('moved from B1.F.1');
    expect(r.effects.map((e) => e.message.type)).toEqual(['SlotUnloaded', 'SlotLoaded', 'ReelIdentified', 'SlotVerified']);
    expect(r.state.slots[0]).toEqual({ status: 'empty' });
  });

  it("the new slot's requirement decides: moved to a slot of another part it is WRONG_SLOT", () => {
    const s = pair(started(), 'B1.F.1', cl21).state;
    const r = run(s, [{ kind: 'feeder-moved', from: 'B1.F.1', to: 'B1.F.2' }]);
    expect(r.verdict).toMatchObject({ ok: false, reason: 'WRONG_SLOT', position: 'B1.F.2', changed: true });
    expect(permit(r.state, T0).blocked).toEqual(expect.arrayContaining([{ position: 'B1.F.1', reason: 'SLOT_NOT_VERIFIED' }, { position: 'B1.F.2', reason: 'WRONG_SLOT' }]));
  });

  it('the reel that stood on the destination is unloaded', () => {
    const s = pair(pair(started(), 'B1.F.1', cl21).state, 'B1.F.6', { ...cl21, lot: 'L2' }).state;
    const r = run(s, [{ kind: 'feeder-moved', from: 'B1.F.1', to: 'B1.F.6' }]);
    expect(r.effects.filter((e) => e.message.type === 'SlotUnloaded')).toHaveLength(2);
    expect(r.state.held.size).toBe(1);
  });

  it('moving an empty slot is SLOT_EMPTY; to a position outside the order empties the source', () => {
    expect(run(started(), [{ kind: 'feeder-moved', from: 'B1.F.1', to: 'B1.F.6' }]).verdict.reason).toBe('SLOT_EMPTY');
    const s = pair(started(), 'B1.F.1', cl21).state;
    const r = run(s, [{ kind: 'feeder-moved', from: 'B1.F.1', to: 'B7.F.7' }]);
    expect(r.verdict).toMatchObject({ reason: 'SLOT_UNKNOWN', changed: true });
    expect(r.state.held.size).toBe(0);
  });
});

describe('splice', () => {
  it('a new reel satisfying the running slot is spliced: Splice + ReelIdentified + SlotVerified, the splice time traced', () => {
    const s = pair(started(), 'B1.F.2', wurth).state;
    const next = { ...wurth, invoice: '88794999' };
    const r = step(s, { kind: 'splice', position: 'B1.F.2', scan: ok(next) }, T0 + 60_000, READY);
    expect(r.verdict).toMatchObject({ ok: true, outcome: 'spliced' });
    expect(r.effects.map((e) => e.message.type)).toEqual(['Splice', 'ReelIdentified', 'SlotVerified']);
    const st = s.slots[1]!;
    const old = st.status === 'verified' ? st.reel.facts.key : '';
    expect(r.effects[0]!.message.body).toMatchObject({ depletedUniqueIdentifier: old, newlyActiveUniqueIdentifier: r.verdict.reelKey, result: 'OK', at: (T0 + 60_000) / 1000 });
    expect(reelAt(r.state, 'B1.F.2', T0 + 59_999)).toBe(old);
    expect(reelAt(r.state, 'B1.F.2', T0 + 60_000)).toBe(r.verdict.reelKey);
    expect(r.state.held.has(reelIndexKey(old))).toBe(false);
  });

  it('the per-slot trace keeps the latest maxHistory entries', () => {
    let s = pair(started({ maxHistory: 3 }), 'B1.F.2', wurth).state;
    for (let k = 1; k <= 5; k++) s = step(s, { kind: 'splice', position: 'B1.F.2', scan: ok({ ...wurth, lot: `L${k}` }) }, T0 + k * 1000, READY).state;
    const st = s.slots[1]!;
    expect(st.status === 'verified' && historyEntries(st.reel.history).map((h) => h.from)).toEqual([T0 + 3000, T0 + 4000, T0 + 5000]);
  });

  it('a reel that does not satisfy the slot is SPLICE_MISMATCH with the cause, and the slot stops', () => {
    const s = verifiedAll(started());
    const r = step(s, { kind: 'splice', position: 'B1.F.1', scan: ok({ ...cl21, lot: 'BI1BT6X' }) }, T0 + 1000, READY);
    expect(r.verdict).toMatchObject({ ok: false, reason: 'SPLICE_MISMATCH', cause: 'DUPLICATE_REEL', slots: ['B1.F.6'] });
    const r2 = step(s, { kind: 'splice', position: 'B1.F.2', scan: ok({ ...liteon, reelId: 'OTHER' }) }, T0 + 1000, READY);
    expect(r2.verdict).toMatchObject({ reason: 'SPLICE_MISMATCH', cause: 'WRONG_SLOT' });
    expect(r2.effects.map((e) => e.message.type)).toEqual(['Splice', 'SlotUnloaded', 'SlotRejected']);
    expect(r2.effects[0]!.message.body).toMatchObject({ result: 'SPLICE_MISMATCH' });
    expect(permit(r2.state, T0).reasons).toContain('SPLICE_MISMATCH');
    // The same wrong splice scanned again: the same answer, nothing new.
    const again = step(r2.state, { kind: 'splice', position: 'B1.F.2', scan: ok({ ...liteon, reelId: 'OTHER' }) }, T0 + 2000, READY);
    expect(again).toMatchObject({ state: r2.state, verdict: { reason: 'SPLICE_MISMATCH', cause: 'WRONG_SLOT', changed: false }, effects: [] });
  });

  it('splicing needs a verified running reel; a repeated splice scan changes nothing', () => {
    expect(step(started(), { kind: 'splice', position: 'B1.F.2', scan: ok(wurth) }, T0, READY).verdict.reason).toBe('SLOT_NOT_VERIFIED');
    const s = pair(started(), 'B1.F.2', wurth).state;
    const once = step(s, { kind: 'splice', position: 'B1.F.2', scan: ok({ ...wurth, lot: 'N' }) }, T0 + 1000, READY);
    const twice = step(once.state, { kind: 'splice', position: 'B1.F.2', scan: ok({ ...wurth, lot: 'N' }) }, T0 + 2000, READY);
    expect(twice.verdict).toMatchObject({ ok: true, outcome: 'spliced', changed: false });
    expect(twice.effects).toEqual([]);
    expect(twice.state.slots).toEqual(once.state.slots);
  });
});

describe('BOM revision change mid-run', () => {
  const revD = () =>
    order(
      [
        // B1.F.2 changes part; B1.F.3 only gains an alternate; B1.F.6 is removed; B1.F.7 is new; B1.F.1's find number is renumbered.
        { ...demoOrder().slots[0]!, bomLine: '99' },
        slot('B1.F.2', [part('885012207042', 'Würth Elektronik')]),
        slot('B1.F.3', [part('LTST-C191KGKT', 'Lite-On Inc.'), part('APTD1608LSURCK', 'Kingbright', 'alternate-with-approval'), part('LTST-C191KRKT', 'Lite-On', 'alternate')]),
        demoOrder().slots[3]!,
        demoOrder().slots[4]!,
        slot('B1.F.7', [part('RC0402FR-071ML', 'Yageo')]),
      ],
      'WO-2026-11873',
      'D',
    );

  it('changed slots need re-verification (BOM_CHANGED), unchanged ones stay verified, removed ones are unloaded', () => {
    const s = verifiedAll(started());
    const r = step(s, { kind: 'work-order', order: revD() }, T0 + 1000, READY);
    expect(r.verdict).toMatchObject({ ok: true, outcome: 'activated', slots: ['B1.F.2', 'B1.F.3'] });
    expect(r.verdict.detail).toBe('BOM C → D: 2 slots changed, 1 added, 1 removed');
    expect(r.effects.map((e) => e.message.type)).toEqual(['SlotUnloaded']);
    const p = permit(r.state, T0 + 1000);
    expect(p.blocked).toEqual([
      { position: 'B1.F.2', reason: 'BOM_CHANGED' },
      { position: 'B1.F.3', reason: 'BOM_CHANGED' },
      { position: 'B1.F.7', reason: 'SLOT_NOT_VERIFIED' },
    ]);
    expect(p.slotsVerified).toBe(3);
    expect(r.state.generation).toBe(s.generation + 1);
  });

  it('the old lots of changed slots are obsolete when rescanned there; a fresh lot verifies', () => {
    const s = step(verifiedAll(started()), { kind: 'work-order', order: revD() }, T0 + 1000, READY).state;
    expect(pair(s, 'B1.F.3', liteon, T0 + 2000).verdict.reason).toBe('LOT_OBSOLETE');
    // Another reel of the same lot is just as obsolete.
    expect(pair(s, 'B1.F.3', { ...liteon, reelId: 'RLC-OTHER' }, T0 + 2000).verdict.reason).toBe('LOT_OBSOLETE');
    const fresh = pair(s, 'B1.F.3', { ...liteon, reelId: 'RLC-NEW', lot: '2201' }, T0 + 2000);
    expect(fresh.verdict.ok).toBe(true);
    expect(fresh.effects.map((e) => e.message.type)).toEqual(['SlotUnloaded', 'SlotLoaded', 'ReelIdentified', 'SlotVerified']);
  });

  it('the same order sent again is no change at all', () => {
    const s = verifiedAll(started());
    const r = step(s, { kind: 'work-order', order: demoOrder() }, T0 + 1000, READY);
    expect(r).toMatchObject({ state: s, verdict: { ok: true, changed: false }, effects: [] });
  });

  it('obsolete lots are bounded: the oldest are forgotten with a LIMIT_EXCEEDED alarm', () => {
    const s = step(verifiedAll(started({ maxObsoleteLots: 1 })), { kind: 'work-order', order: revD() }, T0 + 1000, READY);
    expect(s.state.obsolete.size).toBe(1);
    expect(s.effects.some((e) => e.message.type === 'Alarm' && e.message.body.reason === 'LIMIT_EXCEEDED')).toBe(true);
  });
});

describe('work orders and overrides', () => {
  it('a different work order starts a full setup check: every reel unloaded, every slot unverified', () => {
    const s = verifiedAll(started());
    const r = step(s, { kind: 'work-order', order: order(demoOrder().slots, 'WO-2', 'A') }, T0, READY);
    expect(r.effects.filter((e) => e.message.type === 'SlotUnloaded')).toHaveLength(6);
    expect(permit(r.state, T0)).toMatchObject({ ok: false, slotsVerified: 0 });
    expect(r.state.held.size).toBe(0);
  });

  it('clearing the work order unloads all and leaves NO_WORK_ORDER; host records stay cached', () => {
    const s = run(verifiedAll(started()), [{ kind: 'reel-record', record: record({ uniqueIdentifier: 'R-1' }) }]).state;
    const r = step(s, { kind: 'clear-work-order' }, T0, READY);
    expect(permit(r.state, T0).reasons).toEqual(['NO_WORK_ORDER']);
    expect(cachedIds(r.state.reels)).toContain('R-1');
    expect(r.effects).toHaveLength(6);
  });

  it('the reel cache is bounded; the oldest record is dropped first', () => {
    let s = started({ maxReelRecords: 2 });
    for (const id of ['R-1', 'R-2', 'R-1', 'R-3']) s = run(s, [{ kind: 'reel-record', record: record({ uniqueIdentifier: id }) }]).state;
    expect(cachedIds(s.reels)).toEqual(['R-1', 'R-3']);
  });

  it('the permit is on only when every slot is verified', () => {
    const s = verifiedAll(started());
    expect(permit(s, T0)).toEqual({ ok: true, reasons: [], blocked: [], slotsTotal: 6, slotsVerified: 6 });
    const u = run(s, [{ kind: 'unload', position: 'B1.F.4' }]).state;
    expect(permit(u, T0)).toMatchObject({ ok: false, reasons: ['SLOT_NOT_VERIFIED'], blocked: [{ position: 'B1.F.4', reason: 'SLOT_NOT_VERIFIED' }] });
  });
});

describe('effects', () => {
  it('every effect encodes as its protocol message, with long details fitted to the wire', () => {
    const s = started();
    const long = { format: 'x', mpn: 'Ü'.repeat(40), qty: 1 };
    const results = [pair(s, 'B1.F.1', cl21), pair(s, 'B1.F.1', long), run(verifiedAll(s), [{ kind: 'work-order', order: order(demoOrder().slots, 'WO-9') }])];
    for (const r of results) {
      expect(r.effects.length).toBeGreaterThan(0);
      expect(encodable(r)).toBe(true);
      for (const e of r.effects) {
        const p = encodePayload(e.message);
        if (p.ok) expect(decodePayload(MESSAGES[e.message.type].type, p.payload)).toEqual({ ok: true, message: e.message });
      }
    }
  });

  it('messages carry the setup generation after the change', () => {
    const a = pair(started(), 'B1.F.1', cl21);
    expect(a.effects[2]!.message.body).toMatchObject({ setupGeneration: a.state.generation });
  });

  it('ReelIdentified carries what the label said: its format, maker, date code verbatim and MSL', () => {
    const body = (r: ReturnType<typeof pair>) => r.effects.find((e) => e.message.type === 'ReelIdentified')?.message.body;
    const a = pair(started(), 'B1.F.1', cl21);
    expect(body(a)).toEqual({ at: Math.floor((T0 + 1000) / 1000), locationIdentifier: 'B1.F.1', uniqueIdentifier: a.verdict.reelKey, labelFormat: 'eigp114-digikey', manufacturer: '', dateCode: '220309' });
    const t = pair(started(), 'B1.F.4', { ...ti, dateCode: ' 2331 ' });
    expect(body(t)).toMatchObject({ manufacturer: 'Texas Instruments', dateCode: '2331', msdLevel: '2', labelFormat: 'eigp114-manufacturer' });
    // A date code longer than the wire field is cut visibly, never silently.
    const long = pair(started(), 'B1.F.1', { ...cl21, dateCode: '9'.repeat(40) });
    expect(body(long)).toMatchObject({ dateCode: `${'9'.repeat(29)}…` });
    expect(encodable(long)).toBe(true);
  });

  it('ReelIdentified comes only when a reel starts to feed a slot: not for a rescan or a re-verification in place', () => {
    const a = pair(started(), 'B1.F.1', cl21);
    const again = pair(a.state, 'B1.F.1', cl21, T0 + 5000);
    expect(again.effects).toEqual([]);
    const re = step(a.state, { kind: 'recheck' }, T0 + 6000, READY);
    expect(re.effects.map((e) => e.message.type)).not.toContain('ReelIdentified');
  });

  it('a lot longer than the wire allows is refused, not truncated', () => {
    expect(pair(started(), 'B1.F.1', { ...cl21, lot: 'L'.repeat(33) }).verdict.reason).toBe('FIELD_OUT_OF_RANGE');
  });

  it('createSetup with defaults holds nothing', () => {
    expect(permit(createSetup(config()), T0).ok).toBe(false);
  });
});
