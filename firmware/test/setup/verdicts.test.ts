// Every verdict of a reel-at-slot check, with the reason the operator sees, and the order checks apply in.
import { createSetup, permit, step } from '../../core/setup';
import { cl21, config, demoOrder, liteon, mcp, msdEnv, ok, order, pair, part, READY, record, run, slot, started, T0, ti, wurth } from './helpers';

describe('approved', () => {
  it('a primary part on its slot is verified as primary, with SlotLoaded, ReelIdentified and SlotVerified', () => {
    const r = pair(started(), 'B1.F.1', cl21);
    expect(r.verdict).toMatchObject({ ok: true, reason: 'OK', outcome: 'verified', position: 'B1.F.1', permission: 'primary', changed: true });
    expect(r.effects.map((e) => e.message.type)).toEqual(['SlotLoaded', 'ReelIdentified', 'SlotVerified']);
    expect(r.effects[2]!.message.body).toMatchObject({ manufacturerPartNumber: 'CL21A475KAQNNNE', manufacturerLotCode: 'BI1BT6B', permission: 'primary' });
  });

  it('MPNs compare case-insensitively after trimming (scanners and QR upper-case them)', () => {
    const r = pair(started(), 'B1.F.5', { ...mcp, mpn: '  mcp2515-i/so ' });
    expect(r.verdict).toMatchObject({ ok: true, permission: 'primary' });
  });

  it('a plain alternate is verified as alternate', () => {
    const r = pair(started(), 'B1.F.1', { format: 'eigp114-mouser', mpn: 'GRM21BR61C475KA88L', qty: 3000, manufacturer: 'Murata Electronics' });
    expect(r.verdict).toMatchObject({ ok: true, permission: 'alternate' });
  });

  it('the SlotVerified message carries the AVL spelling of the MPN, not the scanned one', () => {
    const r = pair(started(), 'B1.F.5', { ...mcp, mpn: 'mcp2515-i/so' });
    expect(r.effects.find((e) => e.message.type === 'SlotVerified')!.message.body).toMatchObject({ manufacturerPartNumber: 'MCP2515-I/SO' });
  });
});

describe('WRONG_PART and WRONG_SLOT', () => {
  it('a part of no slot of the order is WRONG_PART, listing what the slot takes', () => {
    const r = pair(started(), 'B1.F.2', { format: 'tme-qr', mpn: 'RC0402FR-071ML', qty: 100 });
    expect(r.verdict).toMatchObject({ ok: false, reason: 'WRONG_PART', position: 'B1.F.2' });
    expect(r.verdict.detail).toContain('885012207041');
  });

  it('a part approved on another slot is WRONG_SLOT, naming that slot', () => {
    const r = pair(started(), 'B1.F.2', liteon);
    expect(r.verdict).toMatchObject({ ok: false, reason: 'WRONG_SLOT', slots: ['B1.F.3'] });
    expect(r.verdict.detail).toContain('B1.F.3');
  });

  it('WRONG_SLOT names every slot the part feeds', () => {
    const r = pair(started(), 'B1.F.2', cl21);
    expect(r.verdict).toMatchObject({ reason: 'WRONG_SLOT', slots: ['B1.F.1', 'B1.F.6'] });
  });

  it('an MPN that only shares a prefix with an approved one is WRONG_PART', () => {
    const r = pair(started(), 'B1.F.1', { ...cl21, mpn: 'CL21A475KAQNNN' });
    expect(r.verdict.reason).toBe('WRONG_PART');
  });

  it('the refusal is sent as SlotRejected and leaves the slot unverified', () => {
    const r = pair(started(), 'B1.F.2', liteon);
    expect(r.effects.map((e) => e.message.type)).toEqual(['SlotRejected']);
    expect(r.effects[0]!.message.body).toMatchObject({ reason: 'WRONG_SLOT', uniqueIdentifier: 'RLC21032787551' });
    expect(permit(r.state, T0).blocked).toContainEqual({ position: 'B1.F.2', reason: 'WRONG_SLOT' });
  });
});

describe('ALTERNATE_NOT_PERMITTED', () => {
  const kingbright = { format: 'eigp114-digikey', mpn: 'APTD1608LSURCK', qty: 2000, lot: 'K1' } as const;

  it('an alternate-with-approval is refused without a supervisor override', () => {
    expect(pair(started(), 'B1.F.3', kingbright).verdict).toMatchObject({ ok: false, reason: 'ALTERNATE_NOT_PERMITTED' });
  });

  it('with an override for the slot it is verified as override, until the override lapses', () => {
    const s = run(started(), [{ kind: 'override', position: 'B1.F.3', expiresAt: T0 + 3_600_000 }]).state;
    const r = pair(s, 'B1.F.3', kingbright);
    expect(r.verdict).toMatchObject({ ok: true, permission: 'override' });
    expect(permit(r.state, T0 + 3_599_999).blocked).not.toContainEqual(expect.objectContaining({ position: 'B1.F.3' }));
    expect(permit(r.state, T0 + 3_600_000).blocked).toContainEqual({ position: 'B1.F.3', reason: 'OVERRIDE_EXPIRED' });
  });

  it('an override for another slot does not help', () => {
    const s = run(started(), [{ kind: 'override', position: 'B1.F.1', expiresAt: T0 + 3_600_000 }]).state;
    expect(pair(s, 'B1.F.3', kingbright).verdict.reason).toBe('ALTERNATE_NOT_PERMITTED');
  });

  it('an override that has lapsed is refused and does not count', () => {
    const r = run(started(), [{ kind: 'override', position: 'B1.F.3', expiresAt: T0 }]);
    expect(r.verdict.reason).toBe('OVERRIDE_EXPIRED');
    const s = run(started(), [{ kind: 'override', position: 'B1.F.3', expiresAt: T0 + 500 }]).state;
    expect(pair(s, 'B1.F.3', kingbright, T0 + 1000).verdict.reason).toBe('ALTERNATE_NOT_PERMITTED');
  });

  it('with primaryOnly, a plain alternate needs an override too', () => {
    const grm = { format: 'eigp114-mouser', mpn: 'GRM21BR61C475KA88L', qty: 3000 };
    expect(pair(started({ primaryOnly: true }), 'B1.F.1', grm).verdict.reason).toBe('ALTERNATE_NOT_PERMITTED');
    expect(pair(started({ primaryOnly: true }), 'B1.F.1', cl21).verdict.ok).toBe(true);
  });
});

describe('MANUFACTURER_NOT_APPROVED', () => {
  it('a label maker other than the AVL maker is refused', () => {
    const r = pair(started(), 'B1.F.4', { ...ti, manufacturer: 'Rochester Electronics' });
    expect(r.verdict).toMatchObject({ ok: false, reason: 'MANUFACTURER_NOT_APPROVED' });
  });

  it('a host-record maker other than the AVL maker is refused when the label names none', () => {
    const s = run(started(), [{ kind: 'reel-record', record: record({ uniqueIdentifier: 'R-1', manufacturerPartNumber: 'MCP2515-I/SO', manufacturer: 'Generic Co' }) }]).state;
    expect(pair(s, 'B1.F.5', { format: 'warden-reel', reelId: 'R-1' }).verdict.reason).toBe('MANUFACTURER_NOT_APPROVED');
  });

  it('maker names match across punctuation, legal form and squashing', () => {
    const wo = order([slot('S1', [part('PESD3V3S2UT,215', 'Nexperia B.V.')]), slot('S2', [part('LAN8720A-CP', 'Microchip Technology Inc.')]), slot('S3', [part('B82496C3', 'TDK')])]);
    const s = started({}, wo);
    expect(pair(s, 'S1', { format: 'eigp114-mouser', mpn: 'PESD3V3S2UT,215', manufacturer: 'NEXPERIA' }).verdict.ok).toBe(true);
    expect(pair(s, 'S2', { format: 'tme-qr', mpn: 'LAN8720A-CP', manufacturer: 'MICROCHIPTECHNOLOGY' }).verdict.ok).toBe(true);
    expect(pair(s, 'S3', { format: 'eigp114-mouser', mpn: 'B82496C3', manufacturer: 'EPCOS / TDK' }).verdict.ok).toBe(true);
    expect(pair(s, 'S3', { format: 'eigp114-mouser', mpn: 'B82496C3', manufacturer: 'Vishay' }).verdict.reason).toBe('MANUFACTURER_NOT_APPROVED');
  });

  it('diacritics fold (Würth = Wurth); label and host must each name an AVL maker of the MPN', () => {
    const wo = order([slot('S1', [part('744228S', 'Würth Elektronik'), part('744228S', 'Wurth Electronics Inc')])]);
    const s = run(started({}, wo), [
      { kind: 'reel-record', record: record({ uniqueIdentifier: 'R-7', manufacturerPartNumber: '744228S', manufacturer: 'WURTH ELEKTRONIK' }) },
    ]).state;
    expect(pair(s, 'S1', { format: 'eigp114-mouser', reelId: 'R-7', manufacturer: 'Wurth Electronics' }).verdict.ok).toBe(true);
    expect(pair(s, 'S1', { format: 'eigp114-mouser', reelId: 'R-7', manufacturer: 'Vishay' }).verdict.reason).toBe('MANUFACTURER_NOT_APPROVED');
  });

  it('with no maker known, the MPN decides under the most restrictive AVL entry for it', () => {
    const wo = order([slot('S1', [part('2N7002', 'onsemi'), part('2N7002', 'Diodes Inc', 'alternate-with-approval')])]);
    expect(pair(started({}, wo), 'S1', { format: 'eigp114-digikey', mpn: '2N7002', qty: 3000 }).verdict.reason).toBe('ALTERNATE_NOT_PERMITTED');
    expect(pair(started({}, wo), 'S1', { format: 'eigp114-mouser', mpn: '2N7002', qty: 3000, manufacturer: 'ON Semiconductor' }).verdict).toMatchObject({ ok: true, permission: 'primary' });
  });

  it('with requireManufacturer, a reel with no maker anywhere is refused', () => {
    expect(pair(started({ requireManufacturer: true }), 'B1.F.1', cl21).verdict.reason).toBe('MANUFACTURER_NOT_APPROVED');
  });
});

describe('UNKNOWN_REEL and REEL_RECORD_MISMATCH', () => {
  it('with requireHostRecord, a reel the host never pushed is UNKNOWN_REEL', () => {
    expect(pair(started({ requireHostRecord: true }), 'B1.F.3', liteon).verdict.reason).toBe('UNKNOWN_REEL');
  });

  it('a station reel-ID label resolves through the host record', () => {
    const s = run(started({ requireHostRecord: true }), [
      { kind: 'reel-record', record: record({ uniqueIdentifier: 'R-2026-000471', manufacturerPartNumber: 'LTST-C191KGKT', manufacturer: 'Lite-On', manufacturerLotCode: 'L7', quantity: 4000 }) },
    ]).state;
    const r = pair(s, 'B1.F.3', { format: 'warden-reel', reelId: 'R-2026-000471' });
    expect(r.verdict).toMatchObject({ ok: true, reelKey: 'R-2026-000471' });
    expect(r.effects[0]!.message.body).toMatchObject({ quantity: 4000, uniqueIdentifier: 'R-2026-000471' });
  });

  it('a reel-ID label the host knows nothing of is UNKNOWN_REEL', () => {
    expect(pair(started(), 'B1.F.3', { format: 'warden-reel', reelId: 'R-404' }).verdict.reason).toBe('UNKNOWN_REEL');
  });

  it('a label with neither reel id nor MPN is UNKNOWN_REEL', () => {
    expect(pair(started(), 'B1.F.3', { format: 'eigp114-mouser', customerPn: 'C1', qty: 10 }).verdict.reason).toBe('UNKNOWN_REEL');
  });

  it('label and host record disagreeing on MPN or lot is REEL_RECORD_MISMATCH', () => {
    const s = run(started(), [{ kind: 'reel-record', record: record({ uniqueIdentifier: 'RLC21032787551', manufacturerPartNumber: 'LTST-C191TBKT', manufacturerLotCode: '2108404746' }) }]).state;
    expect(pair(s, 'B1.F.3', liteon).verdict.reason).toBe('REEL_RECORD_MISMATCH');
    const s2 = run(started(), [{ kind: 'reel-record', record: record({ uniqueIdentifier: 'RLC21032787551', manufacturerPartNumber: 'ltst-c191kgkt', manufacturerLotCode: 'OTHER' }) }]).state;
    expect(pair(s2, 'B1.F.3', liteon).verdict.reason).toBe('REEL_RECORD_MISMATCH');
  });

  it('an order with two MPNs differing only by case needs the host spelling, compared exactly', () => {
    const wo = order([slot('S1', [part('ABC-1x', 'Maker')]), slot('S2', [part('ABC-1X', 'Maker')])]);
    const s = started({}, wo);
    expect(pair(s, 'S1', { format: 'tme-qr', mpn: 'ABC-1X', qty: 5 }).verdict.reason).toBe('UNKNOWN_REEL');
    const s2 = run(s, [{ kind: 'reel-record', record: record({ uniqueIdentifier: 'R-9', manufacturerPartNumber: 'ABC-1X' }) }]).state;
    expect(pair(s2, 'S2', { format: 'warden-reel', reelId: 'R-9' }).verdict.ok).toBe(true);
    expect(pair(s2, 'S1', { format: 'warden-reel', reelId: 'R-9' }).verdict.reason).toBe('WRONG_SLOT');
  });
});

describe('DUPLICATE_REEL', () => {
  it('the same reel id on a second slot is refused, naming the first', () => {
    const s = pair(started(), 'B1.F.1', cl21).state;
    const r = pair(s, 'B1.F.6', cl21);
    expect(r.verdict).toMatchObject({ ok: false, reason: 'DUPLICATE_REEL', slots: ['B1.F.1'] });
  });

  it('two reels that cannot be told apart (same derived key) are flagged as duplicates', () => {
    const twin = { ...cl21 }; // same part, lot, quantity and order, no reel id
    const s = pair(started(), 'B1.F.1', cl21).state;
    expect(pair(s, 'B1.F.6', twin).verdict.reason).toBe('DUPLICATE_REEL');
  });

  it('a different lot or quantity gives a different derived key, so no duplicate', () => {
    const s = pair(started(), 'B1.F.1', cl21).state;
    expect(pair(s, 'B1.F.6', { ...cl21, qty: 62 }).verdict.ok).toBe(true);
    expect(pair(s, 'B1.F.6', { ...cl21, lot: 'BI1BT6C' }).verdict.ok).toBe(true);
  });
});

describe('QUANTITY_EMPTY and QUANTITY_LOW', () => {
  it('zero parts is QUANTITY_EMPTY; below the minimum is QUANTITY_LOW; at the minimum is fine', () => {
    expect(pair(started(), 'B1.F.2', { ...wurth, qty: 0 }).verdict.reason).toBe('QUANTITY_EMPTY');
    expect(pair(started({ minQuantity: 100 }), 'B1.F.2', { ...wurth, qty: 99 }).verdict.reason).toBe('QUANTITY_LOW');
    expect(pair(started({ minQuantity: 100 }), 'B1.F.2', { ...wurth, qty: 100 }).verdict.ok).toBe(true);
  });

  it('the host count (kept current) wins over the label count', () => {
    const s = run(started({ minQuantity: 100 }), [{ kind: 'reel-record', record: record({ uniqueIdentifier: 'RLC21032787551', manufacturerPartNumber: 'LTST-C191KGKT', quantity: 40 }) }]).state;
    expect(pair(s, 'B1.F.3', liteon).verdict.reason).toBe('QUANTITY_LOW');
  });

  it('a label without a quantity is not refused for it', () => {
    const { qty: _q, ...noQty } = liteon;
    expect(pair(started({ minQuantity: 100 }), 'B1.F.3', noQty).verdict.ok).toBe(true);
  });
});

describe('SHELF_LIFE_EXPIRED', () => {
  const day = Date.UTC(2026, 10, 22);
  it('a label expiry date (14D, YYYYMMDD) is usable through that day, expired from the next', () => {
    expect(pair(started(), 'B1.F.2', { ...wurth, expiryDate: '20261122' }, day + 86_400_000 - 2000).verdict.ok).toBe(true);
    expect(pair(started(), 'B1.F.2', { ...wurth, expiryDate: '20261122' }, day + 86_400_000).verdict.reason).toBe('SHELF_LIFE_EXPIRED');
  });

  it('a host expiry applies, and the earlier of label and host wins', () => {
    const s = run(started(), [{ kind: 'reel-record', record: record({ uniqueIdentifier: 'RLC21032787551', manufacturerPartNumber: 'LTST-C191KGKT', expiryDate: T0 / 1000 }) }]).state;
    expect(pair(s, 'B1.F.3', liteon).verdict.reason).toBe('SHELF_LIFE_EXPIRED');
    const s2 = run(started(), [{ kind: 'reel-record', record: record({ uniqueIdentifier: 'RLC21032787551', manufacturerPartNumber: 'LTST-C191KGKT', expiryDate: T0 / 1000 + 864_000 }) }]).state;
    expect(pair(s2, 'B1.F.3', { ...liteon, expiryDate: '20261101' }).verdict.reason).toBe('SHELF_LIFE_EXPIRED');
  });

  it('an expiry date the station cannot read is refused unless the host gives one', () => {
    expect(pair(started(), 'B1.F.2', { ...wurth, expiryDate: '31/02/27' }).verdict.reason).toBe('SHELF_LIFE_EXPIRED');
    expect(pair(started(), 'B1.F.2', { ...wurth, expiryDate: '20270231' }).verdict.reason).toBe('SHELF_LIFE_EXPIRED');
    const s = run(started(), [{ kind: 'reel-record', record: record({ uniqueIdentifier: 'RLC21032787551', manufacturerPartNumber: 'LTST-C191KGKT', expiryDate: T0 / 1000 + 864_000 }) }]).state;
    expect(pair(s, 'B1.F.3', { ...liteon, expiryDate: '27-?' }).verdict.ok).toBe(true);
  });
});

describe('MSD_NOT_READY', () => {
  it.each(['expired', 'needs-bake', 'blocked-unrated'] as const)('an MSD slot refuses a reel in state %s, carrying the MSD reasons', (state) => {
    const r = pair(started(), 'B1.F.4', ti, T0, msdEnv({ state, reasons: ['MSD_EXPIRED'] }));
    expect(r.verdict).toMatchObject({ ok: false, reason: 'MSD_NOT_READY' });
    expect(r.verdict.detail).toContain('MSD_EXPIRED');
  });

  it.each(['sealed', 'exposed', 'paused'] as const)('an MSD slot takes a reel in state %s', (state) => {
    expect(pair(started(), 'B1.F.4', ti, T0, msdEnv({ state, reasons: [] })).verdict.ok).toBe(true);
  });

  it('an MSD slot refuses a reel the MSL engine knows nothing of, or when the engine fails', () => {
    expect(pair(started(), 'B1.F.4', ti, T0, msdEnv(undefined)).verdict.reason).toBe('MSD_NOT_READY');
    const broken = { msdStatus: () => { throw new Error('boom'); } };
    expect(pair(started(), 'B1.F.4', ti, T0, broken).verdict.reason).toBe('MSD_NOT_READY');
  });

  it('a non-MSD slot needs no MSD status', () => {
    expect(pair(started(), 'B1.F.2', wurth, T0, msdEnv(undefined)).verdict.ok).toBe(true);
  });
});

describe('check order: the most specific, most actionable reason first', () => {
  const bad = { ...ti, qty: 0, expiryDate: '20200101', manufacturer: 'Rochester' };
  it('part before everything: an expired, empty reel of another slot is WRONG_SLOT', () => {
    expect(pair(started(), 'B1.F.2', bad, T0, msdEnv({ state: 'expired', reasons: [] })).verdict.reason).toBe('WRONG_SLOT');
  });
  it('maker before fitness', () => {
    expect(pair(started(), 'B1.F.4', bad, T0, msdEnv({ state: 'expired', reasons: [] })).verdict.reason).toBe('MANUFACTURER_NOT_APPROVED');
  });
  it('shelf life before MSD before quantity', () => {
    const { manufacturer: _m, ...b } = bad;
    expect(pair(started(), 'B1.F.4', b, T0, msdEnv({ state: 'expired', reasons: [] })).verdict.reason).toBe('SHELF_LIFE_EXPIRED');
    const { expiryDate: _e, ...c } = b;
    expect(pair(started(), 'B1.F.4', c, T0, msdEnv({ state: 'expired', reasons: [] })).verdict.reason).toBe('MSD_NOT_READY');
    expect(pair(started(), 'B1.F.4', c, T0, READY).verdict.reason).toBe('QUANTITY_EMPTY');
  });
  it('duplicate before the approval', () => {
    const wo = order([slot('S1', [part('X1', 'M')]), slot('S2', [part('X1', 'M', 'alternate-with-approval')])]);
    const s = pair(started({}, wo), 'S1', { format: 'warden-reel', mpn: 'X1', reelId: 'R1' }).state;
    expect(pair(s, 'S2', { format: 'warden-reel', mpn: 'X1', reelId: 'R1' }).verdict.reason).toBe('DUPLICATE_REEL');
  });
});

describe('input that is not a verdict on a reel', () => {
  it('no work order: NO_WORK_ORDER, nothing changes', () => {
    const s = createSetup(config());
    const r = step(s, { kind: 'scan-slot', position: 'B1.F.1' }, T0, READY);
    expect(r).toMatchObject({ state: s, verdict: { ok: false, reason: 'NO_WORK_ORDER', changed: false }, effects: [] });
    expect(permit(s, T0)).toMatchObject({ ok: false, reasons: ['NO_WORK_ORDER'] });
  });

  it('a slot barcode not in the order is SLOT_UNKNOWN and keeps a pending reel scan', () => {
    const s = run(started(), [{ kind: 'scan-reel', scan: ok(cl21) }]).state;
    const r = step(s, { kind: 'scan-slot', position: 'B9.F.99' }, T0, READY);
    expect(r.verdict.reason).toBe('SLOT_UNKNOWN');
    expect(r.state).toBe(s);
    expect(step(r.state, { kind: 'scan-slot', position: 'b1.f.1' }, T0 + 2000, READY).verdict).toMatchObject({ ok: true, outcome: 'verified' });
  });

  it("a label the parser refused gives the parser's reason and keeps a pending slot scan", () => {
    const s = run(started(), [{ kind: 'scan-slot', position: 'B1.F.1' }]).state;
    const r = step(s, { kind: 'scan-reel', scan: { ok: false, reason: 'NOT_A_REEL_LABEL', message: 'packing slip' } }, T0, READY);
    expect(r).toMatchObject({ state: s, verdict: { reason: 'NOT_A_REEL_LABEL', detail: 'packing slip' } });
    expect(step(s, { kind: 'scan-reel', scan: ok(cl21) }, T0 + 1000, READY).verdict.ok).toBe(true);
  });

  it('an invalid station time is CLOCK_INVALID with nothing changed', () => {
    const s = started();
    for (const t of [Number.NaN, -1, Infinity, 2 ** 53]) {
      expect(step(s, { kind: 'scan-slot', position: 'B1.F.1' }, t, READY)).toMatchObject({ state: s, verdict: { reason: 'CLOCK_INVALID' } });
    }
  });

  it('a work order over the slot limit, with a repeated position, or a slot with no part is refused', () => {
    const s = createSetup(config({ maxSlots: 2 }));
    const three = order([slot('A', [part('X', 'M')]), slot('B', [part('Y', 'M')]), slot('C', [part('Z', 'M')])]);
    expect(step(s, { kind: 'work-order', order: three }, T0, READY).verdict.reason).toBe('LIMIT_EXCEEDED');
    const twice = order([slot('A', [part('X', 'M')]), slot('a ', [part('Y', 'M')])]);
    expect(step(createSetup(), { kind: 'work-order', order: twice }, T0, READY).verdict.reason).toBe('FIELD_OUT_OF_RANGE');
    const none = order([slot('A', [])]);
    expect(step(createSetup(), { kind: 'work-order', order: none }, T0, READY).verdict.reason).toBe('FIELD_OUT_OF_RANGE');
  });

  it('demo order sanity: six slots to verify', () => {
    expect(permit(started(), T0)).toMatchObject({ ok: false, slotsTotal: demoOrder().slots.length, slotsVerified: 0 });
  });
});
