// Every rule of the MSL policy, at its boundaries: integration over conditions, dry storage, short-exposure resets,
// stale sensor, clock loss, unrated conditions, MSL 1 and 6, bakes, HIC, shelf life, margin, scrap, and event errors.
import { addMonthsUtc, evaluate, HOUR, MINUTE, type MslEvent, type ReelSpec } from '../../core/msl/index';
import { at, envWith, h, openDry, openedAt, T0, viewAt } from './helpers';

const MS3: ReelSpec = { level: '3', thicknessClass: 'thick' };
const close = (x: number) => expect.closeTo(x, 12);

describe('integration over conditions (Σ Δt / FL)', () => {
  it('MSL 3 at 30 °C/60 %RH: half used after 84 h, expiry projected at 168 h', () => {
    const v = viewAt(MS3, openedAt(30, 60), 84);
    expect(v).toMatchObject({ state: 'exposed', consumedFraction: 0.5, remainingHours: 84, expiresAt: h(168), reasons: [], cell: { tempC: 30, rhPct: 60 } });
  });

  it('an ambient sample holds until the next one (step function)', () => {
    const v = viewAt(MS3, [...openedAt(35, 90), at(24, { type: 'ambient', tempC: 20, rhPct: 40 })], 48);
    const c = 24 / 72 + 24 / 312;
    expect(v.consumedFraction).toEqual(close(c));
    expect(v.remainingHours).toEqual(close((1 - c) * 312));
    expect(v.cell).toEqual({ tempC: 20, rhPct: 40 });
  });

  it('expires exactly when the floor life is used: MSD_EXPIRED, remaining 0, the expiry time reported', () => {
    expect(viewAt(MS3, openedAt(30, 60), 168)).toMatchObject({ state: 'expired', consumedFraction: 1, remainingHours: 0, expiresAt: h(168), reasons: ['MSD_EXPIRED'] });
    expect(viewAt(MS3, openedAt(30, 60), 167.99).state).toBe('exposed');
  });

  it('reports the real consumed fraction when overrun', () => {
    expect(viewAt(MS3, openedAt(30, 60), 336).consumedFraction).toBe(2);
  });

  it('warns MSD_REMAINING_LOW below time to reflow + margin (4 h + 1 h), and the state stays exposed', () => {
    expect(viewAt(MS3, openedAt(30, 60), 162.9).reasons).toEqual([]);
    expect(viewAt(MS3, openedAt(30, 60), 163.1)).toMatchObject({ state: 'exposed', reasons: ['MSD_REMAINING_LOW'] });
    expect(viewAt(MS3, openedAt(30, 60), 150, envWith({ timeToReflowMs: 20 * HOUR })).reasons).toEqual(['MSD_REMAINING_LOW']);
  });
});

describe('dry storage and bags', () => {
  it('sealing pauses: nothing is consumed in the bag', () => {
    const v = viewAt({ level: '4', thicknessClass: 'thick' }, [...openedAt(30, 60), at(9, { type: 'seal' })], 500);
    expect(v).toMatchObject({ state: 'sealed', consumedFraction: 9 / 72, remainingHours: 63, expiresAt: null });
  });

  it('a ≤5 %RH cabinet pauses every level', () => {
    const events = [...openedAt(30, 60), at(2, { type: 'dry-in', rhPct: 5 })];
    expect(viewAt({ level: '5a', thicknessClass: 'thick' }, events, 21.9)).toMatchObject({ state: 'paused', consumedFraction: 2 / 24, remainingHours: 22 });
  });

  it('a ≤10 %RH cabinet uses the 10 %RH column (7.3): MSL 4 keeps consuming, at 30 °C when the cabinet does not say (120 h)', () => {
    const v = viewAt({ level: '4', thicknessClass: 'thick' }, [...openedAt(30, 60), at(1, { type: 'dry-in', rhPct: 10 })], 73);
    expect(v).toMatchObject({ state: 'exposed', cell: { tempC: 30, rhPct: 10 } });
    expect(v.consumedFraction).toEqual(close(1 / 72 + 72 / 120));
    // A stated cabinet temperature is used as it is.
    const cool = viewAt({ level: '4', thicknessClass: 'thick' }, [...openedAt(30, 60), at(1, { type: 'dry-in', rhPct: 10, tempC: 24 })], 73);
    expect(cool.consumedFraction).toEqual(close(1 / 72 + 72 / 144));
  });

  it('a ≤10 %RH cabinet pauses MSL 3 (no limit in that column); above 10 %RH it is just ambient', () => {
    expect(viewAt(MS3, [...openedAt(30, 60), at(1, { type: 'dry-in', rhPct: 10, tempC: 30 })], 3)).toMatchObject({ state: 'paused', consumedFraction: close(1 / 168) });
    const v = viewAt(MS3, [...openedAt(30, 60), at(1, { type: 'dry-in', rhPct: 10.5, tempC: 30 })], 3);
    expect(v).toMatchObject({ state: 'exposed', cell: { tempC: 30, rhPct: 20 } });
    expect(v.consumedFraction).toEqual(close(1 / 168 + 2 / 240));
  });

  it('on the floor, a no-limit cell (MSL 2a/3 at ≤10 %RH) is paused like ≤5 %RH, not exposed without an expiry', () => {
    // Regression: the view said `exposed` (with expiresAt null) for MSL 3 at 25 °C/8 %RH while nothing was consumed.
    for (const level of ['2a', '3'] as const) {
      const v = viewAt({ level, thicknessClass: 'thick' }, [...openedAt(30, 60), at(1, { type: 'ambient', tempC: 25, rhPct: 8 })], 100);
      expect(v).toMatchObject({ state: 'paused', expiresAt: null, cell: null });
    }
    // MSL 4 at the same air keeps consuming (25 °C/10 %RH: 144 h), and MSL 1 out of the bag is exposed, not paused.
    expect(viewAt({ level: '4', thicknessClass: 'thick' }, [...openedAt(25, 8)], 10)).toMatchObject({ state: 'exposed', cell: { tempC: 25, rhPct: 10 } });
    expect(viewAt({ level: '1', thicknessClass: 'thick' }, [...openedAt(25, 50)], 10)).toMatchObject({ state: 'exposed', remainingHours: null });
  });
});

describe('short-exposure reset', () => {
  it('MSL 3: exactly 12 h exposed then exactly 5× (60 h) sealed resets to zero; a millisecond less does not', () => {
    const events = [...openedAt(30, 60), at(12, { type: 'seal' })];
    expect(viewAt(MS3, events, 72)).toMatchObject({ consumedFraction: 0, exposureMs: 0 });
    expect(evaluate({ ...MS3, events }, h(72) - 1)).toMatchObject({ ok: true, value: { consumedFraction: 12 / 168 } });
  });

  it('MSL 3: 12 h + 1 ms of exposure needs a bake: no reset however long it is sealed', () => {
    const events = [...openedAt(30, 60), { type: 'seal', at: h(12) + 1 } as MslEvent];
    expect(viewAt(MS3, events, 1000).consumedFraction).toEqual(close((12 * HOUR + 1) / (168 * HOUR)));
  });

  it('MSL 2a: a ≤10 %RH cabinet counts as drying like the bag', () => {
    const events = [...openedAt(30, 60), at(4, { type: 'dry-in', rhPct: 10 })];
    expect(viewAt({ level: '2a', thicknessClass: 'thick' }, events, 24).consumedFraction).toBe(0);
  });

  it('exposure adds up across openings since the last reset', () => {
    const events = [...openedAt(30, 60), at(6, { type: 'seal' }), at(20, { type: 'open' }), at(27, { type: 'seal' })];
    // 6 h, then 14 h sealed (< 30 h), then 7 h more: 13 h > 12 h, so no reset ever.
    expect(viewAt(MS3, events, 1000).consumedFraction).toEqual(close(13 / 168));
  });

  it('MSL 4: exactly 8 h then exactly 10× (80 h) at ≤5 %RH resets; a millisecond less does not', () => {
    const ms4: ReelSpec = { level: '4', thicknessClass: 'thick' };
    const events = [...openedAt(30, 60), at(8, { type: 'dry-in', rhPct: 5 })];
    expect(viewAt(ms4, events, 88).consumedFraction).toBe(0);
    expect(evaluate({ ...ms4, events }, h(88) - 1)).toMatchObject({ ok: true, value: { consumedFraction: close(8 / 72) } });
  });

  it('MSL 5: 8 h + 1 ms needs a bake, in a ≤5 %RH cabinet or a dry bag alike', () => {
    const ms5: ReelSpec = { level: '5', thicknessClass: 'thick' };
    expect(viewAt(ms5, [...openedAt(25, 40), { type: 'dry-in', at: h(8) + 1, rhPct: 2 }], 1000).consumedFraction).toEqual(close((8 * HOUR + 1) / (96 * HOUR)));
    expect(viewAt(ms5, [...openedAt(25, 40), { type: 'seal', at: h(8) + 1 }], 1000).consumedFraction).toEqual(close((8 * HOUR + 1) / (96 * HOUR)));
  });
});

describe('sensor staleness', () => {
  const events = [...openedAt(20, 40), at(1, { type: 'sensor-lost' })];
  const limit = h(1) + 10 * MINUTE;

  it('the last sample holds for exactly the limit; strictly after it, the worst rated cell (35 °C/90 %RH) applies', () => {
    const atLimit = evaluate({ ...MS3, events }, limit);
    expect(atLimit).toMatchObject({ ok: true, value: { reasons: [], cell: { tempC: 20, rhPct: 40 } } });
    if (atLimit.ok) expect(atLimit.value.consumedFraction).toEqual(close((70 * MINUTE) / (312 * HOUR)));
    const after = evaluate({ ...MS3, events }, limit + 1);
    expect(after).toMatchObject({ ok: true, value: { state: 'exposed', reasons: ['MSD_SENSOR_STALE'], cell: { tempC: 35, rhPct: 90 } } });
    const later = viewAt(MS3, events, 3 + 1 / 6);
    expect(later.consumedFraction).toEqual(close((70 * MINUTE) / (312 * HOUR) + 2 / 72));
  });

  it('a repeated sensor-lost keeps the first loss time; a new sample ends staleness', () => {
    const v = viewAt(MS3, [...events, at(1.1, { type: 'sensor-lost' })], 1.2);
    expect(v.reasons).toEqual(['MSD_SENSOR_STALE']);
    expect(viewAt(MS3, [...events, at(2, { type: 'ambient', tempC: 20, rhPct: 40 })], 3).reasons).toEqual([]);
  });

  it('a class without a table blocks while stale (charged at nominal) and resumes on sensor-ok', () => {
    const medium: ReelSpec = { level: '3', thicknessClass: 'medium' };
    const ev = [...openedAt(25, 50), at(1, { type: 'sensor-lost' })];
    expect(viewAt(medium, ev, 1 + 1 / 6).state).toBe('exposed');
    expect(evaluate({ ...medium, events: ev }, limit + 1)).toMatchObject({ ok: true, value: { state: 'blocked-unrated', remainingHours: 0, reasons: ['MSD_SENSOR_STALE'] } });
    const back = viewAt(medium, [...ev, at(2, { type: 'sensor-ok' })], 2);
    expect(back).toMatchObject({ state: 'exposed', reasons: [] });
    expect(back.consumedFraction).toEqual(close(2 / 168));
  });

  it('a reel opened with no sample yet is charged at the worst rated cell', () => {
    expect(viewAt(MS3, [openDry(0)], 1)).toMatchObject({ state: 'exposed', consumedFraction: close(1 / 72), reasons: ['MSD_SENSOR_STALE'] });
  });

  it('does not matter to a sealed reel', () => {
    expect(viewAt(MS3, [at(0, { type: 'sensor-lost' })], 100)).toMatchObject({ state: 'sealed', reasons: [] });
  });
});

describe('clock loss', () => {
  const base = [...openedAt(20, 40), at(1, { type: 'seal' }), at(2, { type: 'clock-lost' })];

  it('blocks while lost (MSD_CLOCK_LOST), then charges the whole gap as exposure even though the reel was sealed', () => {
    expect(viewAt(MS3, base, 5)).toMatchObject({ state: 'blocked-unrated', remainingHours: 0, reasons: ['MSD_CLOCK_LOST'] });
    const v = viewAt(MS3, [...base, at(12, { type: 'time-sync' })], 12);
    // The gap is charged at the worse of the last conditions (20/40: 312 h) and the nominal 168 h.
    expect(v).toMatchObject({ state: 'sealed', reasons: [], exposureMs: 11 * HOUR });
    expect(v.consumedFraction).toEqual(close(1 / 312 + 10 / 168));
  });

  it('charges the gap at the last conditions when they were worse than nominal', () => {
    const ev = [...openedAt(30, 80), at(1, { type: 'clock-lost' }), at(3, { type: 'time-sync' })];
    expect(viewAt(MS3, ev, 3).consumedFraction).toEqual(close(3 / 96));
  });

  it('the gap counts toward the short-exposure limit: 1 h + 12 h gap is too long for a reset', () => {
    const ev = [...base, at(14, { type: 'time-sync' })];
    expect(viewAt(MS3, ev, 1000).consumedFraction).toEqual(close(1 / 312 + 12 / 168));
    // while 1 h + 10 h still resets after 55 h sealed
    expect(viewAt(MS3, [...base, at(12, { type: 'time-sync' })], 67).consumedFraction).toBe(0);
  });

  it('repeated clock-lost and a time-sync without a loss are harmless', () => {
    const v = viewAt(MS3, [...openedAt(30, 60), at(1, { type: 'time-sync' }), at(2, { type: 'clock-lost' }), at(3, { type: 'clock-lost' }), at(4, { type: 'time-sync' })], 4);
    expect(v).toMatchObject({ state: 'exposed', consumedFraction: close(4 / 168) });
  });
});

describe('unrated conditions', () => {
  it('latch blocked-unrated until a supervisor releases, charging the worst rated cell meanwhile', () => {
    const ev = [...openedAt(30, 60), at(1, { type: 'ambient', tempC: 36, rhPct: 50 }), at(2, { type: 'ambient', tempC: 25, rhPct: 50 })];
    const v = viewAt(MS3, ev, 3);
    expect(v).toMatchObject({ state: 'blocked-unrated', remainingHours: 0, reasons: ['MSD_CONDITIONS_UNRATED'] });
    expect(v.consumedFraction).toEqual(close(1 / 168 + 1 / 72 + 1 / 216));
    const released = viewAt(MS3, [...ev, at(3, { type: 'disposition', action: 'release', by: 'sup-1' })], 4);
    expect(released).toMatchObject({ state: 'exposed', reasons: [] });
  });

  it('a class without a table is unrated outside 30 °C/60 %RH', () => {
    expect(viewAt({ level: '3', thicknessClass: 'thin' }, openedAt(31, 50), 1).state).toBe('blocked-unrated');
  });

  it('unrated air does not touch a sealed reel, but opening into it does', () => {
    const ev = [at(0, { type: 'ambient', tempC: 40, rhPct: 50 })];
    expect(viewAt(MS3, ev, 1).state).toBe('sealed');
    expect(viewAt(MS3, [...ev, openDry(1)], 1).state).toBe('blocked-unrated');
  });
});

describe('MSL 1 and MSL 6', () => {
  const ms1: ReelSpec = { level: '1', thicknessClass: 'thin' };
  it('MSL 1 never expires within 30 °C/85 %RH: remaining is null (unlimited)', () => {
    expect(viewAt(ms1, openedAt(30, 85), 100000)).toMatchObject({ state: 'exposed', consumedFraction: 0, remainingHours: null, expiresAt: null, reasons: [] });
    expect(viewAt(ms1, [...openedAt(30, 85), at(5, { type: 'ambient', tempC: 30, rhPct: 86 })], 6).state).toBe('blocked-unrated');
  });

  const bake = (hours: number): MslEvent[] => [at(hours, { type: 'bake-start', tempC: 125, carrier: 'tray' }), at(hours + 48, { type: 'bake-end' })];
  it('MSL 6 needs a bake first; the bake has no table value, so a supervisor releases it; then the TOL runs', () => {
    const ms6: ReelSpec = { level: '6', thicknessClass: 'thick', floorLifeHours: 8, bodyThicknessMm: 1.0, packageType: 'bga' };
    expect(viewAt(ms6, [], 0)).toMatchObject({ state: 'needs-bake', reasons: ['MSD_NEEDS_BAKE'] });
    const baked = [...bake(0), at(48, { type: 'ambient', tempC: 25, rhPct: 50 })];
    expect(viewAt(ms6, baked, 48)).toMatchObject({ state: 'needs-bake', reasons: ['MSD_NEEDS_BAKE', 'MSD_BAKE_SIGNOFF'] });
    const released = [...baked, at(48, { type: 'disposition', action: 'release', by: 'sup-1', spec: 'label: 125C 48h' })];
    expect(viewAt(ms6, released, 50)).toMatchObject({ state: 'exposed', consumedFraction: 0.25, remainingHours: 6, cell: { tempC: 30, rhPct: 60 } });
  });

  it('MSL 6 without a TOL: MSD_TOL_UNKNOWN, and still blocked after the bake', () => {
    const ms6: ReelSpec = { level: '6', thicknessClass: 'thick' };
    expect(viewAt(ms6, [], 0)).toMatchObject({ state: 'needs-bake', reasons: ['MSD_NEEDS_BAKE', 'MSD_TOL_UNKNOWN'] });
    const ev = [...bake(0), at(48, { type: 'ambient', tempC: 25, rhPct: 50 }), at(48, { type: 'disposition', action: 'release', by: 'sup-1', spec: 'label' })];
    expect(viewAt(ms6, ev, 49)).toMatchObject({ state: 'blocked-unrated', reasons: ['MSD_TOL_UNKNOWN'] });
  });

  it('a release without `spec` is accepted (no error) but signs no bake off: the sign-off must name the specification', () => {
    const ms6: ReelSpec = { level: '6', thicknessClass: 'thick', floorLifeHours: 8 };
    const ev = [...bake(0), at(48, { type: 'ambient', tempC: 30, rhPct: 60 }), at(49, { type: 'disposition', action: 'release', by: 'sup-1' })];
    expect(viewAt(ms6, ev, 50)).toMatchObject({ state: 'needs-bake', remainingHours: 0, reasons: ['MSD_NEEDS_BAKE', 'MSD_BAKE_SIGNOFF'] });
    // Naming it completes the sign-off, as of the bake's end: 2 h at the 8 h TOL.
    const named = [...ev, at(49.5, { type: 'disposition', action: 'release', by: 'sup-1', spec: 'label: 125C 48h' })];
    expect(viewAt(ms6, named, 50)).toMatchObject({ state: 'exposed', consumedFraction: 0.25, remainingHours: 6, reasons: [] });
  });
});

describe('bakes', () => {
  // Body 1.0 mm: the ≤1.4 mm row. MSL 3: 125 °C 9 h (>72 h overtime) / 7 h (≤72 h); 90 °C 33 h / 23 h.
  const reel: ReelSpec = { level: '3', thicknessClass: 'thick', bodyThicknessMm: 1.0, packageType: 'bga' };
  const expired = openedAt(30, 60); // expires at 168 h
  const bakeAt = (start: number, ms: number, e: Partial<Extract<MslEvent, { type: 'bake-start' }>> = {}): MslEvent[] => [
    { type: 'bake-start', at: h(start), tempC: 125, carrier: 'tray', ...e } as MslEvent,
    { type: 'bake-end', at: h(start) + ms },
  ];

  it('a bake that meets the table resets the clock to zero', () => {
    expect(viewAt(reel, [...expired, ...bakeAt(200, 7 * HOUR)], 207)).toMatchObject({ state: 'exposed', consumedFraction: 0, reasons: [] });
  });

  it('a bake one minute short is MSD_BAKE_REJECTED and resets nothing', () => {
    expect(viewAt(reel, [...expired, ...bakeAt(200, 7 * HOUR - MINUTE)], 207)).toMatchObject({ state: 'expired', reasons: ['MSD_EXPIRED', 'MSD_BAKE_REJECTED', 'MSD_BAKE_SHORT'] });
  });

  it('overtime: exactly 72 h past expiry uses the ≤72 h column, a minute more the >72 h column', () => {
    expect(viewAt(reel, [...expired, ...bakeAt(240, 7 * HOUR)], 247).consumedFraction).toBe(0);
    expect(viewAt(reel, [...expired, ...bakeAt(240 + 1 / 60, 7 * HOUR)], 248).state).toBe('expired');
    expect(viewAt(reel, [...expired, ...bakeAt(240 + 1 / 60, 9 * HOUR)], 249 + 1 / 60).consumedFraction).toBe(0);
  });

  it('90 °C and 40 °C bakes count only at ≤5 %RH shown (MSD_BAKE_RH); a temperature between columns is not rounded to one', () => {
    expect(viewAt(reel, [...expired, ...bakeAt(200, 23 * HOUR, { tempC: 90, rhPct: 5 })], 223).consumedFraction).toBe(0);
    expect(viewAt(reel, [...expired, ...bakeAt(200, 23 * HOUR, { tempC: 124, rhPct: 3 })], 223)).toMatchObject({ state: 'expired', reasons: ['MSD_EXPIRED', 'MSD_BAKE_SIGNOFF', 'MSD_BAKE_OFF_TABLE'] });
    expect(viewAt(reel, [...expired, ...bakeAt(200, 23 * HOUR, { tempC: 90 })], 223).reasons).toEqual(['MSD_EXPIRED', 'MSD_BAKE_REJECTED', 'MSD_BAKE_RH']);
    expect(viewAt(reel, [...expired, ...bakeAt(200, 23 * HOUR, { tempC: 90, rhPct: 6 })], 223).reasons).toEqual(['MSD_EXPIRED', 'MSD_BAKE_REJECTED', 'MSD_BAKE_RH']);
    expect(viewAt(reel, [...expired, ...bakeAt(200, 9 * 24 * HOUR, { tempC: 40, rhPct: 5 })], 416).consumedFraction).toBe(0);
    expect(viewAt(reel, [...expired, ...bakeAt(200, 500 * HOUR, { tempC: 39.9, rhPct: 5 })], 700).reasons).toContain('MSD_BAKE_REJECTED');
  });

  it('tape and reel cannot go to 125 °C', () => {
    expect(viewAt(reel, [...expired, ...bakeAt(200, 9 * HOUR, { carrier: 'tape-reel' })], 210).reasons).toContain('MSD_BAKE_REJECTED');
  });

  it('an interruption never counts as bake time (4.2): the bake must run its table time at temperature', () => {
    const withBreak = (len: number, total: number): MslEvent[] => [
      at(200, { type: 'bake-start', tempC: 125, carrier: 'tray' }),
      at(201, { type: 'bake-interrupt' }),
      { type: 'bake-resume', at: h(201) + len },
      { type: 'bake-end', at: h(200) + total },
    ];
    expect(viewAt(reel, [...expired, ...withBreak(15 * MINUTE, 7 * HOUR)], 207).reasons).toContain('MSD_BAKE_SHORT');
    expect(viewAt(reel, [...expired, ...withBreak(15 * MINUTE, 7 * HOUR + 15 * MINUTE)], 207.25).consumedFraction).toBe(0);
    expect(viewAt(reel, [...expired, ...withBreak(15 * MINUTE + 1, 7 * HOUR)], 210).state).toBe('expired');
    expect(evaluate({ ...reel, events: [...expired, ...withBreak(15 * MINUTE + 1, 7 * HOUR + 15 * MINUTE + 1)] }, h(207.25) + 1)).toMatchObject({ ok: true, value: { consumedFraction: 0 } });
  });

  it('cumulative bake time above 90 °C: exactly 96 h is allowed, past it MSD_BAKE_LIMIT and no reset', () => {
    const two = [...bakeAt(0, 48 * HOUR), ...bakeAt(48, 48 * HOUR)];
    const ok = viewAt(reel, [...two, at(96, { type: 'ambient', tempC: 30, rhPct: 60 })], 106);
    expect(ok).toMatchObject({ bakeMsOver90: 96 * HOUR, reasons: [] });
    const third = [...two, at(96, { type: 'ambient', tempC: 30, rhPct: 60 }), ...bakeAt(106, 7 * HOUR)];
    const v = viewAt(reel, third, 113);
    expect(v.reasons).toContain('MSD_BAKE_LIMIT');
    expect(v.consumedFraction).toEqual(close(10 / 168));
    // The running bake already shows the limit, and a 90 °C bake is outside the cap.
    expect(viewAt(reel, third.slice(0, -1), 107).reasons).toContain('MSD_BAKE_LIMIT');
    expect(viewAt(reel, [...third, ...bakeAt(113, 23 * HOUR, { tempC: 90, rhPct: 5 })], 136).consumedFraction).toBe(0);
  });

  it('where the table has no value (body > 2.0 mm), the reset needs a release naming the spec, as of the bake end', () => {
    const thick: ReelSpec = { ...reel, bodyThicknessMm: 2.5 };
    const ev = [...expired, ...bakeAt(200, 24 * HOUR)];
    expect(viewAt(thick, ev, 226)).toMatchObject({ state: 'expired', reasons: ['MSD_EXPIRED', 'MSD_BAKE_SIGNOFF'] });
    // Not expired before the bake: a bake adds no moisture, so until the sign-off the reel goes on as it was.
    expect(viewAt(thick, [...openedAt(30, 60), ...bakeAt(10, 24 * HOUR)], 34)).toMatchObject({ state: 'exposed', consumedFraction: close(10 / 168), reasons: ['MSD_BAKE_SIGNOFF'] });
    const v = viewAt(thick, [...ev, at(226, { type: 'disposition', action: 'release', by: 'sup-1', spec: 'IPC J-STD-033D 4-1 125C 48h' })], 226);
    expect(v.state).toBe('exposed');
    expect(v.consumedFraction).toEqual(close(2 / 168));
  });

  it('a clock loss during the bake voids it', () => {
    const ev = [...expired, at(200, { type: 'bake-start', tempC: 125, carrier: 'tray' }), at(201, { type: 'clock-lost' }), at(202, { type: 'time-sync' }), at(210, { type: 'bake-end' })];
    expect(viewAt(reel, ev, 210).reasons).toEqual(['MSD_EXPIRED', 'MSD_BAKE_REJECTED', 'MSD_BAKE_UNTIMED']);
  });
});

describe('humidity indicator card at opening', () => {
  const open = (level: ReelSpec['level'], spots: { hic10?: 'blue' | 'pink'; hic60?: 'blue' | 'pink' }) =>
    viewAt({ level, thicknessClass: 'thick' }, [at(0, { type: 'open', ...spots }), at(0, { type: 'ambient', tempC: 25, rhPct: 40 })], 1);

  it.each(['2a', '3', '4', '5', '5a'] as const)('MSL %s with the 10 %% spot pink needs a bake (MSD_HIC_WET)', (level) => {
    expect(open(level, { hic10: 'pink', hic60: 'blue' })).toMatchObject({ state: 'needs-bake', remainingHours: 0, reasons: ['MSD_NEEDS_BAKE', 'MSD_HIC_WET'] });
  });

  it('MSL 2 may be used with the 10 % spot pink, not with the 60 % spot pink', () => {
    expect(open('2', { hic10: 'pink', hic60: 'blue' }).state).toBe('exposed');
    expect(open('2', { hic60: 'pink' }).state).toBe('needs-bake');
  });

  it('blue spots change nothing; MSL 1 ignores the card', () => {
    expect(open('3', { hic10: 'blue', hic60: 'blue' }).state).toBe('exposed');
    expect(open('3', { hic10: 'blue' }).state).toBe('exposed');
    expect(viewAt({ level: '1', thicknessClass: 'thick' }, [at(0, { type: 'open', hic60: 'pink' }), at(0, { type: 'ambient', tempC: 25, rhPct: 40 })], 1).state).toBe('exposed');
  });

  it('a wet card means the >72 h bake column, and an accepted bake clears it', () => {
    const reel: ReelSpec = { level: '3', thicknessClass: 'thick', bodyThicknessMm: 1.0, packageType: 'bga' };
    const wet = [at(0, { type: 'open', hic10: 'pink' }), at(0, { type: 'ambient', tempC: 25, rhPct: 40 })];
    expect(viewAt(reel, [...wet, at(1, { type: 'bake-start', tempC: 125, carrier: 'tray' }), at(8, { type: 'bake-end' })], 8).state).toBe('needs-bake');
    expect(viewAt(reel, [...wet, at(1, { type: 'bake-start', tempC: 125, carrier: 'tray' }), at(10, { type: 'bake-end' })], 10)).toMatchObject({ state: 'exposed', reasons: [] });
  });
});

describe('shelf life of the sealed bag', () => {
  const sealed = Date.UTC(2025, 0, 31);
  const openAt = (ms: number, spots: { hic10?: 'blue' | 'pink' } = {}) =>
    evaluate({ ...MS3, events: [{ type: 'seal', at: sealed }, { type: 'open', at: ms, ...spots }, { type: 'ambient', at: ms, tempC: 25, rhPct: 40 }] }, ms);
  const m12 = Date.UTC(2026, 0, 31);
  const m24 = Date.UTC(2027, 0, 31);

  it('counts calendar months in UTC, clamping to the month end', () => {
    expect(addMonthsUtc(sealed, 12)).toBe(m12);
    expect(addMonthsUtc(sealed, 1)).toBe(Date.UTC(2025, 1, 28));
    expect(addMonthsUtc(Date.UTC(2024, 1, 29, 13, 5), 12)).toBe(Date.UTC(2025, 1, 28, 13, 5));
  });

  it('up to exactly 12 months: usable with a dry card', () => {
    expect(openAt(m12, { hic10: 'blue' })).toMatchObject({ ok: true, value: { state: 'exposed', reasons: [] } });
  });

  it('12 to 24 months: usable only if the card reads dry; no reading means bake', () => {
    expect(openAt(m12 + 1)).toMatchObject({ ok: true, value: { state: 'needs-bake', reasons: ['MSD_NEEDS_BAKE', 'MSD_SHELF_LIFE', 'MSD_HIC_UNREAD'] } });
    expect(openAt(m12 + 1, { hic10: 'blue' })).toMatchObject({ ok: true, value: { state: 'exposed' } });
    expect(openAt(m24, { hic10: 'blue' })).toMatchObject({ ok: true, value: { state: 'exposed' } });
  });

  it('beyond 24 months: bake, whatever the card says', () => {
    expect(openAt(m24 + 1, { hic10: 'blue' })).toMatchObject({ ok: true, value: { state: 'needs-bake', reasons: ['MSD_NEEDS_BAKE', 'MSD_SHELF_LIFE'] } });
  });

  it('a sealed bag warns after 12 months and needs a bake after 24; a seal date from the label counts too', () => {
    const spec: ReelSpec = { ...MS3, sealedAt: sealed };
    expect(evaluate({ ...spec, events: [] }, m12 + 1)).toMatchObject({ ok: true, value: { state: 'sealed', reasons: ['MSD_SHELF_LIFE'] } });
    expect(evaluate({ ...spec, events: [] }, m24 + 1)).toMatchObject({ ok: true, value: { state: 'needs-bake', reasons: ['MSD_NEEDS_BAKE', 'MSD_SHELF_LIFE'] } });
  });
});

describe('supervisor scrap', () => {
  it('a scrapped reel stays expired with MSD_SCRAPPED forever, whatever follows', () => {
    const reel: ReelSpec = { level: '3', thicknessClass: 'thick', bodyThicknessMm: 1.0, packageType: 'bga' };
    const ev = [...openedAt(25, 40), at(1, { type: 'disposition', action: 'scrap', by: 'sup-1' }), at(2, { type: 'bake-end' }), at(3, { type: 'bake-start', tempC: 125, carrier: 'tray' }), at(20, { type: 'bake-end' })];
    expect(viewAt(reel, ev, 1000)).toMatchObject({ state: 'expired', remainingHours: 0, expiresAt: null, reasons: ['MSD_SCRAPPED'] });
  });
});

describe('history shape: initial state, errors and tolerance', () => {
  it('no events: the reel is in its dry bag as received', () => {
    expect(viewAt(MS3, [], 0)).toMatchObject({ state: 'sealed', consumedFraction: 0, remainingHours: 168, expiresAt: null, reasons: [] });
  });

  it('the first event may be seal (recording the seal date) or open', () => {
    expect(viewAt(MS3, [at(0, { type: 'seal' })], 1).state).toBe('sealed');
    expect(viewAt(MS3, [openDry(0)], 0).state).toBe('exposed');
  });

  it('events at the same instant apply in list order', () => {
    expect(viewAt(MS3, [...openedAt(30, 60), at(0, { type: 'seal' })], 10).consumedFraction).toBe(0);
  });

  it.each<[string, MslEvent[], object]>([
    ['dated before the previous event', [at(2, { type: 'open' }), at(1, { type: 'seal' })], { reason: 'MSD_EVENT_ORDER', index: 1, field: 'at' }],
    ['open when already open', [at(0, { type: 'open' }), at(1, { type: 'open' })], { reason: 'MSD_EVENT_UNEXPECTED', index: 1 }],
    ['seal when already sealed', [at(0, { type: 'seal' }), at(1, { type: 'seal' })], { reason: 'MSD_EVENT_UNEXPECTED', index: 1 }],
    ['bake-end without bake-start', [at(0, { type: 'open' }), at(1, { type: 'bake-end' })], { reason: 'MSD_EVENT_UNEXPECTED', index: 1 }],
    ['bake-start during a bake', [at(0, { type: 'bake-start', tempC: 125 }), at(1, { type: 'bake-start', tempC: 125 })], { reason: 'MSD_EVENT_UNEXPECTED', index: 1 }],
    ['bake-resume without an interruption', [at(0, { type: 'bake-start', tempC: 125 }), at(1, { type: 'bake-resume' })], { reason: 'MSD_EVENT_UNEXPECTED', index: 1 }],
    ['dry-out outside a cabinet', [at(0, { type: 'open' }), at(1, { type: 'dry-out' })], { reason: 'MSD_EVENT_UNEXPECTED', index: 1 }],
    ['dry-in of a sealed bag', [at(0, { type: 'dry-in', rhPct: 5 })], { reason: 'MSD_EVENT_UNEXPECTED', index: 0 }],
    ['a temperature that is not a number', [{ type: 'ambient', at: T0, tempC: '20', rhPct: 50 } as unknown as MslEvent], { reason: 'MSD_EVENT_INVALID', index: 0, field: 'tempC' }],
    ['a bake above 400 °C', [at(0, { type: 'bake-start', tempC: 401 })], { reason: 'MSD_EVENT_INVALID', index: 0, field: 'tempC' }],
    ['an unknown event type', [{ type: 'teleport', at: T0 } as unknown as MslEvent], { reason: 'MSD_EVENT_INVALID', index: 0, field: 'type' }],
  ])('%s is a typed error naming the event', (_, events, error) => {
    expect(evaluate({ ...MS3, events }, h(10))).toEqual({ ok: false, error: expect.objectContaining(error) });
  });

  it('evaluating before the last event, or an unknown level, is a typed error', () => {
    expect(evaluate({ ...MS3, events: [at(5, { type: 'open' })] }, h(4))).toMatchObject({ ok: false, error: { reason: 'MSD_EVENT_ORDER', field: 'at' } });
    expect(evaluate({ level: '7' as '1', thicknessClass: 'thick', events: [] }, h(4))).toMatchObject({ ok: false, error: { reason: 'MSD_LEVEL_UNKNOWN' } });
  });

  it('counts reflow passes per board side', () => {
    const v = viewAt(MS3, [...openedAt(25, 40), at(1, { type: 'reflow', side: 'top' }), at(2, { type: 'reflow', side: 'bottom' }), at(3, { type: 'reflow' })], 4);
    expect(v.reflowPasses).toEqual({ top: 1, bottom: 1, unspecified: 1 });
  });
});
