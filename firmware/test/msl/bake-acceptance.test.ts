// Bake acceptance (J-STD-033 4.2, Table 4-1): a bake resets floor life only if it meets the table as performed.
// Interruptions never count as bake time (their total, so that short breaks cannot add up unseen); a temperature
// that is not a table column is never moved to one; carriers that cannot take a hot bake are refused; an unstated
// oven temperature or carrier is taken as anything it could have been.
import fc from 'fast-check';
import { HOUR, MINUTE, type Carrier, type MslEvent, type ReelSpec } from '../../core/msl/index';
import { at, h, openedAt, viewAt } from './helpers';
import { REF_BAKE_HOURS } from './reference';

// Body 1.0 mm BGA: the ≤1.4 mm row, rated with the thick class. MSL 3: 125 °C 9 h / 7 h; 90 °C 33 h / 23 h; 40 °C 13 d / 9 d.
const REEL: ReelSpec = { level: '3', thicknessClass: 'thick', bodyThicknessMm: 1.0, packageType: 'bga' };
const EXPIRED = openedAt(30, 60); // expires at 168 h; a bake at 200 h is within 72 h of it
const OVEN = 200;

type BakeStart = Omit<Extract<MslEvent, { type: 'bake-start' }>, 'type' | 'at'>;
/** A bake from OVEN h: `breaks` are [offset from start, length] in minutes, `total` the elapsed time in minutes. */
function bake(total: number, start: BakeStart = { tempC: 125, carrier: 'tray' }, breaks: readonly (readonly [number, number])[] = []): MslEvent[] {
  const t0 = h(OVEN);
  const out: MslEvent[] = [{ type: 'bake-start', at: t0, ...start } as MslEvent];
  for (const [off, len] of breaks) out.push({ type: 'bake-interrupt', at: t0 + off * MINUTE }, { type: 'bake-resume', at: t0 + (off + len) * MINUTE });
  out.push({ type: 'bake-end', at: t0 + total * MINUTE });
  return out;
}
const afterBake = (events: MslEvent[], spec: ReelSpec = REEL) => viewAt(spec, [...EXPIRED, ...events], (events[events.length - 1]!.at - h(0)) / HOUR);
const release = (events: MslEvent[], spec?: string): MslEvent[] => [
  ...events,
  { type: 'disposition', at: events[events.length - 1]!.at, action: 'release', by: 'sup-1', ...(spec === undefined ? {} : { spec }) } as MslEvent,
];

describe('4.2: time out of temperature never counts as bake time', () => {
  it('three 10-minute breaks in a 7 h 125 °C bake (30 min in total) leave it short; 7 h 30 min elapsed resets', () => {
    const breaks = [[60, 10], [180, 10], [300, 10]] as const;
    expect(afterBake(bake(7 * 60, undefined, breaks))).toMatchObject({ state: 'expired', reasons: ['MSD_EXPIRED', 'MSD_BAKE_REJECTED', 'MSD_BAKE_SHORT'] });
    expect(afterBake(bake(7 * 60 + 29, undefined, breaks)).reasons).toContain('MSD_BAKE_SHORT');
    expect(afterBake(bake(7 * 60 + 30, undefined, breaks))).toMatchObject({ state: 'exposed', consumedFraction: 0, reasons: [] });
  });

  it('even one short break (5 min, under the 15 min of 4.2) is not bake time', () => {
    expect(afterBake(bake(7 * 60, undefined, [[100, 5]])).reasons).toContain('MSD_BAKE_SHORT');
    expect(afterBake(bake(7 * 60 + 5, undefined, [[100, 5]])).consumedFraction).toBe(0);
  });

  it('a bake that ends while interrupted counts the open break as out of temperature', () => {
    // 7 h 30 min elapsed, but 6 h at temperature.
    const events: MslEvent[] = [{ type: 'bake-start', at: h(OVEN), tempC: 125, carrier: 'tray' }, { type: 'bake-interrupt', at: h(OVEN + 6) }, { type: 'bake-end', at: h(OVEN + 7.5) }];
    expect(afterBake(events).reasons).toContain('MSD_BAKE_SHORT');
  });
});

describe('Table 4-1 conditions only: a temperature between columns is never rounded to one', () => {
  it.each([124, 126, 130, 150, 100, 60])('%d °C waits for a supervisor release naming the spec (MSD_BAKE_OFF_TABLE)', (tempC) => {
    const events = bake(48 * 60, { tempC, rhPct: 3, carrier: 'tray' });
    expect(afterBake(events)).toMatchObject({ state: 'expired', remainingHours: 0, reasons: ['MSD_EXPIRED', 'MSD_BAKE_SIGNOFF', 'MSD_BAKE_OFF_TABLE'] });
    // A release that does not name the specification signs nothing off.
    expect(afterBake(release(events))).toMatchObject({ state: 'expired', reasons: ['MSD_EXPIRED', 'MSD_BAKE_SIGNOFF', 'MSD_BAKE_OFF_TABLE'] });
    expect(afterBake(release(events, 'supplier note 17: 150C 4h equivalent'))).toMatchObject({ state: 'exposed', consumedFraction: 0, reasons: [] });
  });

  it('below 40 °C it is no bake at all: refused, and no release turns it into one', () => {
    const events = bake(30 * 24 * 60, { tempC: 39.9, rhPct: 3 });
    expect(afterBake(events).reasons).toEqual(['MSD_EXPIRED', 'MSD_BAKE_REJECTED', 'MSD_BAKE_OFF_TABLE']);
    expect(afterBake(release(events, 'spec')).state).toBe('expired');
  });

  it('exactly 125, 90 and 40 °C are judged by their columns', () => {
    expect(afterBake(bake(7 * 60)).consumedFraction).toBe(0);
    expect(afterBake(bake(23 * 60, { tempC: 90, rhPct: 5 })).consumedFraction).toBe(0);
    expect(afterBake(bake(9 * 24 * 60, { tempC: 40, rhPct: 5 })).consumedFraction).toBe(0);
    expect(afterBake(bake(9 * 24 * 60 - 1, { tempC: 40, rhPct: 5 })).reasons).toContain('MSD_BAKE_SHORT');
  });
});

describe('carriers (4.2: tape and reel and most tubes cannot go to 125 °C)', () => {
  it.each<[Carrier, boolean]>([
    ['tape-reel', false],
    ['tube', false],
    ['tube-high-temp', true],
    ['tray', true],
    ['bulk', true],
  ])('%s at 125 °C resets: %p', (carrier, ok) => {
    const v = afterBake(bake(7 * 60, { tempC: 125, carrier }));
    if (ok) expect(v).toMatchObject({ consumedFraction: 0, reasons: [] });
    else expect(v.reasons).toEqual(['MSD_EXPIRED', 'MSD_BAKE_REJECTED', 'MSD_BAKE_CARRIER']);
  });

  it('tape and reel is fine at 40 °C and 90 °C', () => {
    expect(afterBake(bake(9 * 24 * 60, { tempC: 40, rhPct: 4, carrier: 'tape-reel' })).consumedFraction).toBe(0);
    expect(afterBake(bake(23 * 60, { tempC: 90, rhPct: 4, carrier: 'tape-reel' })).consumedFraction).toBe(0);
  });

  it('a 125 °C bake with no carrier stated may have been tape and reel: it needs a release naming the spec', () => {
    const events = bake(7 * 60, { tempC: 125 });
    expect(afterBake(events).reasons).toEqual(['MSD_EXPIRED', 'MSD_BAKE_SIGNOFF', 'MSD_BAKE_CARRIER']);
    expect(afterBake(release(events, 'parts moved to JEDEC trays'))).toMatchObject({ consumedFraction: 0, reasons: [] });
  });
});

describe('an oven of unstated temperature: it may have been anything the oven can do', () => {
  it('is no Table 4-1 condition: a supervisor who knows it releases the bake naming the spec', () => {
    const events = bake(48 * 60, { rhPct: 5, carrier: 'tray' });
    expect(afterBake(events)).toMatchObject({ state: 'expired', reasons: ['MSD_EXPIRED', 'MSD_BAKE_SIGNOFF', 'MSD_BAKE_OFF_TABLE'] });
    expect(afterBake(release(events, 'oven log 2026-03-09: 90C 3 %RH 48 h'))).toMatchObject({ consumedFraction: 0, reasons: [] });
  });

  it('counts toward the 96 h cap above 90 °C (it may have been 125 °C), and a long one is over it', () => {
    expect(afterBake(bake(48 * 60, { carrier: 'tray' }))).toMatchObject({ bakeMsOver90: 48 * HOUR, reasons: ['MSD_EXPIRED', 'MSD_BAKE_SIGNOFF', 'MSD_BAKE_OFF_TABLE'] });
    expect(afterBake(bake(9 * 24 * 60, { rhPct: 5, carrier: 'tray' }), REEL).bakeMsOver90).toBe(9 * 24 * HOUR);
    expect(afterBake(bake(97 * 60, { carrier: 'tray' })).reasons).toEqual(['MSD_EXPIRED', 'MSD_BAKE_LIMIT']);
  });

  it('refuses a carrier that cannot take 125 °C', () => {
    expect(afterBake(bake(9 * 24 * 60, { rhPct: 5, carrier: 'tape-reel' })).reasons).toEqual(['MSD_EXPIRED', 'MSD_BAKE_REJECTED', 'MSD_BAKE_CARRIER']);
  });
});

describe('a bag opened straight into the oven', () => {
  it('had its card unread: the >72 h column applies, and a bake that falls short leaves a bake due', () => {
    const bagged = [at(0, { type: 'bake-start', tempC: 125, carrier: 'tray' })];
    expect(viewAt(REEL, [...bagged, at(7, { type: 'bake-end' })], 7)).toMatchObject({ state: 'needs-bake', reasons: ['MSD_NEEDS_BAKE', 'MSD_SENSOR_STALE', 'MSD_BAKE_REJECTED', 'MSD_HIC_UNREAD', 'MSD_BAKE_SHORT'] });
    expect(viewAt(REEL, [...bagged, at(9, { type: 'bake-end' })], 9)).toMatchObject({ state: 'exposed', consumedFraction: 0, reasons: ['MSD_SENSOR_STALE'] });
  });
});

describe('property: no bake that falls short of Table 4-1 as performed ever resets', () => {
  // The reel is out of its bag long enough to have used some life; a bake follows (any temperature, humidity,
  // carrier, breaks, duration), possibly a release that does not name a spec. A reset shows as nothing consumed.
  const levels = ['2a', '3', '4', '5', '5a'] as const;
  const bakeArb = fc.record({
    level: fc.constantFrom(...levels),
    body: fc.constantFrom(0.8, 1.2, 1.4, 1.6, 2.0),
    floorHours: fc.constantFrom(2, 10, 30, 200),
    tempC: fc.oneof(fc.constantFrom(125, 90, 40, undefined), fc.integer({ min: 300, max: 2000 }).map((x) => x / 10)),
    rhPct: fc.constantFrom(undefined, 2, 5, 5.5, 10),
    carrier: fc.constantFrom<Carrier | undefined>(undefined, 'tape-reel', 'tube', 'tube-high-temp', 'tray', 'bulk'),
    breaks: fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 })), { maxLength: 5 }),
    extraMin: fc.integer({ min: -120, max: 24 * 60 }),
    tableMin: fc.boolean(),
    releaseNoSpec: fc.boolean(),
  });

  it('a reset implies an exact table column, a fit carrier, ≤5 %RH shown below 125 °C, and the table time at temperature', () => {
    fc.assert(
      fc.property(bakeArb, (b) => {
        const spec: ReelSpec = { level: b.level, thicknessClass: b.body >= 1 ? 'thick' : 'thin', bodyThicknessMm: b.body, packageType: 'bga' };
        const opened = [at(0, { type: 'open', hic10: 'blue', hic60: 'blue' }), at(0, { type: 'ambient', tempC: 30, rhPct: 60 })];
        const nominal = { '2a': 672, '3': 168, '4': 72, '5': 48, '5a': 24 }[b.level];
        const over72 = b.floorHours > nominal + 72;
        const column = b.tempC;
        const table = REF_BAKE_HOURS[`${b.body <= 1.4 ? 1.4 : 2}/${b.level}`];
        const requiredMin = column === undefined ? undefined : table?.[column as 125 | 90 | 40]?.[over72 ? 0 : 1];
        // Breaks laid end to end from the start; the elapsed time around the table time so both sides get tried.
        const out: MslEvent[] = [];
        let t = h(b.floorHours);
        const start: MslEvent = { type: 'bake-start', at: t, ...(b.tempC === undefined ? {} : { tempC: b.tempC }), ...(b.rhPct === undefined ? {} : { rhPct: b.rhPct }), ...(b.carrier === undefined ? {} : { carrier: b.carrier }) } as MslEvent;
        let outMin = 0;
        for (const [gap, len] of b.breaks) {
          t += gap * MINUTE;
          out.push({ type: 'bake-interrupt', at: t });
          t += len * MINUTE;
          outMin += len;
          out.push({ type: 'bake-resume', at: t });
        }
        const base = b.tableMin && requiredMin !== undefined ? requiredMin * 60 : 7 * 60;
        const end = Math.max(t, h(b.floorHours) + (base + b.extraMin) * MINUTE);
        out.push({ type: 'bake-end', at: end });
        if (b.releaseNoSpec) out.push({ type: 'disposition', at: end, action: 'release', by: 'sup' });
        const v = viewAt(spec, [...opened, start, ...out], (end - h(0)) / HOUR);
        if (v.consumedFraction !== 0) return true;
        // It reset: every condition of Table 4-1 held.
        const atTemperatureMin = (end - h(b.floorHours)) / MINUTE - outMin;
        const hot = b.tempC! > 90;
        expect(b.tempC !== undefined && [125, 90, 40].includes(b.tempC)).toBe(true);
        expect(requiredMin).toBeDefined();
        expect(atTemperatureMin).toBeGreaterThanOrEqual(requiredMin! * 60);
        if (column !== 125) expect(b.rhPct !== undefined && b.rhPct <= 5).toBe(true);
        if (hot) expect(b.carrier !== undefined && !['tape-reel', 'tube'].includes(b.carrier)).toBe(true);
        return true;
      }),
      { numRuns: 1500 },
    );
  });

  it('and one that meets every condition always resets (the engine does not throw good bakes away)', () => {
    fc.assert(
      fc.property(bakeArb, (b) => {
        const spec: ReelSpec = { level: b.level, thicknessClass: b.body >= 1 ? 'thick' : 'thin', bodyThicknessMm: b.body, packageType: 'bga' };
        const column = ([125, 90, 40] as const)[Math.abs(b.breaks.length) % 3]!;
        const table = REF_BAKE_HOURS[`${b.body <= 1.4 ? 1.4 : 2}/${b.level}`];
        const nominal = { '2a': 672, '3': 168, '4': 72, '5': 48, '5a': 24 }[b.level];
        const requiredMin = table?.[column]?.[b.floorHours > nominal + 72 ? 0 : 1];
        if (requiredMin === undefined) return true;
        const outMin = b.breaks.reduce((n, [, len]) => n + len, 0);
        const startAt = h(b.floorHours);
        const events: MslEvent[] = [
          at(0, { type: 'open', hic10: 'blue', hic60: 'blue' }),
          at(0, { type: 'ambient', tempC: 30, rhPct: 60 }),
          { type: 'bake-start', at: startAt, tempC: column, rhPct: 4, carrier: 'tray' },
          { type: 'bake-interrupt', at: startAt + 10 * MINUTE },
          { type: 'bake-resume', at: startAt + (10 + outMin) * MINUTE },
          { type: 'bake-end', at: startAt + (requiredMin * 60 + outMin + Math.max(0, b.extraMin)) * MINUTE },
        ];
        const end = events[events.length - 1]!.at;
        if (column === 125 && (end - startAt) / HOUR > 96) return true; // beyond the cumulative cap
        expect(viewAt(spec, events, (end - h(0)) / HOUR)).toMatchObject({ consumedFraction: 0, reasons: [] });
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
