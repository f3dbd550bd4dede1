// Implausible or unread data. A sensor fault code is no sample: it never pauses the clock (policy 4.4, J-STD-033
// 7.1's conditions are physical ones). A dry cabinet's conditions go stale like the floor's. An unread humidity
// indicator card is not a dry card (J-STD-033 4.1: bake unless the spot is blue). Impossible dates are refused.
import fc from 'fast-check';
import { cabinetTempC, classifySample, evaluate, floorLife, HOUR, initialState, MINUTE, parseIsoTime, SHIPPED_TABLES, step, view, type MslEvent, type MslView, type ReelSpec } from '../../core/msl/index';
import { FAULT_READINGS, faultArb, historyArb, specArb } from './arbitrary';
import { at, envWith, h, openDry, openedAt, T0, viewAt } from './helpers';

const MS3: ReelSpec = { level: '3', thicknessClass: 'thick' };

describe('classifySample: what the station runtime calls on every reading', () => {
  it.each(FAULT_READINGS.map((r) => [r.tempC, r.rhPct] as const))('%p °C / %p %%RH is a fault code or impossible', (tempC, rhPct) => {
    expect(classifySample(tempC, rhPct)).toMatchObject({ ok: false, reason: 'MSD_SENSOR_IMPLAUSIBLE' });
  });

  it.each([
    [22, 45],
    [-5, 30],
    [35, 90],
    [45, 20],
    [25, 0.5],
    [25, 100],
    [-20, 10],
    [80, 5],
  ])('%p °C / %p %%RH is a reading the engine uses', (tempC, rhPct) => {
    expect(classifySample(tempC, rhPct)).toEqual({ ok: true });
  });

  it('names the field and says what to check; total on anything', () => {
    expect(classifySample(-40, 45)).toEqual({ ok: false, reason: 'MSD_SENSOR_IMPLAUSIBLE', field: 'tempC', message: expect.stringContaining('check the sensor') });
    expect(classifySample(25, 0)).toMatchObject({ field: 'rhPct' });
    fc.assert(fc.property(fc.anything(), fc.anything(), (t, rh) => expect(typeof classifySample(t as number, rh as number).ok).toBe('boolean')));
  });
});

describe('an implausible floor reading is no valid sample (policy 4.4)', () => {
  it('0 %RH does not pause the clock: the last valid sample holds for the staleness limit, then the worst rated cell', () => {
    const ev = [...openedAt(25, 50), at(1, { type: 'ambient', tempC: 25, rhPct: 0 })];
    expect(viewAt(MS3, ev, 1)).toMatchObject({ state: 'exposed', reasons: ['MSD_SENSOR_IMPLAUSIBLE'], cell: { tempC: 25, rhPct: 50 } });
    const v = viewAt(MS3, ev, 3);
    expect(v).toMatchObject({ state: 'exposed', reasons: ['MSD_SENSOR_STALE', 'MSD_SENSOR_IMPLAUSIBLE'], cell: { tempC: 35, rhPct: 90 } });
    expect(v.consumedFraction).toEqual(expect.closeTo((1 + 1 / 6) / 216 + (2 - 1 / 6) / 72, 12));
  });

  it('-40 °C does not buy the 20 °C row', () => {
    const v = viewAt(MS3, [...openedAt(30, 60), at(1, { type: 'ambient', tempC: -40, rhPct: 45 })], 5);
    expect(v).toMatchObject({ reasons: ['MSD_SENSOR_STALE', 'MSD_SENSOR_IMPLAUSIBLE'], cell: { tempC: 35, rhPct: 90 } });
  });

  it('a reel opened onto a faulty sensor has no sample at all: worst cell at once', () => {
    expect(viewAt(MS3, [openDry(0), at(0, { type: 'ambient', tempC: 130, rhPct: 100 })], 1)).toMatchObject({
      consumedFraction: expect.closeTo(1 / 72, 12),
      reasons: ['MSD_SENSOR_STALE', 'MSD_SENSOR_IMPLAUSIBLE'],
    });
  });

  it('a run of fault readings keeps the first fault time; the next valid reading ends it', () => {
    const ev = [...openedAt(25, 50), at(1, { type: 'ambient', tempC: 25, rhPct: 0 }), at(1.1, { type: 'ambient', tempC: 25, rhPct: 0 }), at(1.15, { type: 'ambient', tempC: 25, rhPct: 0 })];
    expect(viewAt(MS3, ev, 1.17).reasons).toEqual(['MSD_SENSOR_STALE', 'MSD_SENSOR_IMPLAUSIBLE']);
    expect(viewAt(MS3, [...ev, at(1.5, { type: 'ambient', tempC: 25, rhPct: 50 })], 2).reasons).toEqual([]);
  });

  it('a class without a table is blocked while its sensor is faulty past the limit (no worst rated cell)', () => {
    expect(viewAt({ level: '3', thicknessClass: 'thin' }, [...openedAt(25, 50), at(1, { type: 'ambient', tempC: 25, rhPct: 0 })], 2)).toMatchObject({ state: 'blocked-unrated' });
  });

  it('is no malformed event: 150 %RH or -273 °C from a sensor log is a fault, not an error (fields must still be numbers)', () => {
    expect(evaluate({ ...MS3, events: [...openedAt(25, 50), at(1, { type: 'ambient', tempC: -273, rhPct: 150 })] }, h(2))).toMatchObject({ ok: true, value: { reasons: ['MSD_SENSOR_STALE', 'MSD_SENSOR_IMPLAUSIBLE'] } });
    expect(evaluate({ ...MS3, events: [{ type: 'ambient', at: T0, tempC: '25', rhPct: 50 } as unknown as MslEvent] }, h(2))).toMatchObject({ ok: false, error: { reason: 'MSD_EVENT_INVALID', field: 'tempC' } });
  });
});

describe('dry cabinets: their conditions go stale like floor samples', () => {
  const ms4: ReelSpec = { level: '4', thicknessClass: 'thick' };
  const inCabinet = [...openedAt(25, 50), at(1, { type: 'dry-in', rhPct: 3 })];

  it('a cabinet sensor lost: the last cabinet sample holds for the limit, then the worst rated cell (MSD_CABINET_STALE)', () => {
    const ev = [...inCabinet, at(2, { type: 'sensor-lost', sensor: 'cabinet' })];
    expect(viewAt(ms4, ev, 2 + 1 / 6)).toMatchObject({ state: 'paused', reasons: [] });
    const v = viewAt(ms4, ev, 3);
    expect(v).toMatchObject({ state: 'exposed', reasons: ['MSD_CABINET_STALE'], cell: { tempC: 35, rhPct: 90 } });
    expect(v.consumedFraction).toEqual(expect.closeTo(1 / 120 + (1 - 1 / 6) / 24, 12));
    // A new cabinet sample ends it.
    expect(viewAt(ms4, [...ev, at(3, { type: 'cabinet', rhPct: 2 })], 4)).toMatchObject({ state: 'paused', reasons: [] });
  });

  it('a loss that names no sensor concerns the cabinet holding the reel too', () => {
    expect(viewAt(ms4, [...inCabinet, at(2, { type: 'sensor-lost' })], 3).reasons).toEqual(['MSD_CABINET_STALE']);
    // …and a floor-sensor loss does not.
    expect(viewAt(ms4, [...inCabinet, at(2, { type: 'sensor-lost', sensor: 'floor' })], 3)).toMatchObject({ state: 'paused', reasons: [] });
  });

  it('a cabinet whose reading is a fault code has no valid conditions: worst cell from the moment it took the reel', () => {
    const v = viewAt(ms4, [...openedAt(25, 50), at(1, { type: 'dry-in', rhPct: 0 })], 2);
    expect(v).toMatchObject({ state: 'exposed', reasons: ['MSD_SENSOR_IMPLAUSIBLE', 'MSD_CABINET_STALE'], cell: { tempC: 35, rhPct: 90 } });
    expect(v.consumedFraction).toEqual(expect.closeTo(1 / 120 + 1 / 24, 12));
  });

  it('a stale cabinet gives no drying credit: the short-exposure reset needs valid dry conditions', () => {
    const ev = [...openedAt(25, 50), at(4, { type: 'dry-in', rhPct: 3 }), at(5, { type: 'sensor-lost', sensor: 'cabinet' })];
    expect(viewAt(ms4, ev, 100).consumedFraction).toBeGreaterThan(0.9);
    expect(viewAt(ms4, [...openedAt(25, 50), at(4, { type: 'dry-in', rhPct: 3 })], 44).consumedFraction).toBe(0);
  });

  it('the cabinet limit is its own setting', () => {
    const ev = [...inCabinet, at(2, { type: 'sensor-lost', sensor: 'cabinet' })];
    expect(viewAt(ms4, ev, 2.9, envWith({ cabinetStaleAfterMs: HOUR })).reasons).toEqual([]);
  });

  it('a cabinet sample outside a cabinet is ignored, not an error', () => {
    expect(viewAt(MS3, [...openedAt(25, 50), at(1, { type: 'cabinet', rhPct: 2 })], 2)).toMatchObject({ state: 'exposed', cell: { tempC: 25, rhPct: 50 } });
  });
});

describe('property: a sensor fault never pauses or slows the clock', () => {
  /** How far the reel is from use: a blocking state is the end; otherwise the floor life it has used. */
  const used = (v: MslView) => (['expired', 'needs-bake', 'blocked-unrated'].includes(v.state) ? Infinity : v.consumedFraction);

  // A rated reading, replaced by a fault code.
  const ratedReading = (spec: ReelSpec, e: MslEvent) =>
    (e.type === 'ambient' || e.type === 'dry-in' || e.type === 'cabinet') &&
    classifySample(e.type === 'ambient' ? e.tempC : cabinetTempC(e.tempC, e.rhPct), e.rhPct).ok &&
    floorLife(spec, SHIPPED_TABLES, { tempC: e.type === 'ambient' ? e.tempC : cabinetTempC(e.tempC, e.rhPct), rhPct: e.rhPct }).rated;
  const withFault = (events: readonly MslEvent[], i: number, fault: { tempC: number; rhPct: number }) => events.map((e, k) => (k === i ? ({ ...e, tempC: fault.tempC, rhPct: fault.rhPct } as MslEvent) : e));
  const pickIndex = (events: readonly MslEvent[], pick: number, ok: (e: MslEvent) => boolean) => {
    const idx = events.map((e, i) => (ok(e) ? i : -1)).filter((i) => i >= 0);
    return idx.length === 0 ? undefined : idx[pick % idx.length]!;
  };
  const without = (reasons: readonly string[]) => reasons.filter((r) => r !== 'MSD_SENSOR_IMPLAUSIBLE');

  it('a fault reading counts exactly as no valid sample: the same as that sensor reported lost at that moment', () => {
    let exercised = 0;
    fc.assert(
      fc.property(specArb, historyArb(30), fc.nat(), faultArb, fc.integer({ min: 0, max: 2000 }), (spec, events, pick, fault, extraMin) => {
        const i = pickIndex(events, pick, (e) => e.type === 'ambient' || e.type === 'cabinet');
        if (i === undefined) return true;
        const e = events[i]!;
        const lost: MslEvent = { type: 'sensor-lost', at: e.at, sensor: e.type === 'ambient' ? 'floor' : 'cabinet' };
        const t = events[events.length - 1]!.at + extraMin * MINUTE;
        const a = evaluate({ ...spec, events: withFault(events, i, fault) }, t);
        const b = evaluate({ ...spec, events: events.map((x, k) => (k === i ? lost : x)) }, t);
        if (!a.ok || !b.ok) return expect(a.ok).toBe(b.ok);
        exercised++;
        expect({ ...a.value, reasons: without(a.value.reasons) }).toStrictEqual({ ...b.value, reasons: without(b.value.reasons) });
        return true;
      }),
      { numRuns: 1000 },
    );
    expect(exercised).toBeGreaterThan(300);
  });

  it('a cabinet that reads a fault code when it takes the reel never does better than any rated reading would', () => {
    fc.assert(
      fc.property(specArb, historyArb(30), fc.nat(), faultArb, fc.integer({ min: 0, max: 2000 }), (spec, events, pick, fault, extraMin) => {
        const i = pickIndex(events, pick, (e) => e.type === 'dry-in' && ratedReading(spec, e));
        if (i === undefined) return true;
        const t = events[events.length - 1]!.at + extraMin * MINUTE;
        const a = evaluate({ ...spec, events }, t);
        const b = evaluate({ ...spec, events: withFault(events, i, fault) }, t);
        if (!a.ok || !b.ok) return expect(a.ok).toBe(b.ok);
        expect(used(b.value)).toBeGreaterThanOrEqual(used(a.value) - 1e-9);
        return true;
      }),
      { numRuns: 1000 },
    );
  });

  it('right after a fault reading the reel is paused only if it already was (the last valid sample holds)', () => {
    fc.assert(
      fc.property(specArb, historyArb(30), faultArb, fc.integer({ min: 0, max: 600 }), (spec, events, fault, afterMin) => {
        const t = (events.length === 0 ? T0 : events[events.length - 1]!.at) + MINUTE;
        const before = evaluate({ ...spec, events }, t);
        const withFault = evaluate({ ...spec, events: [...events, { type: 'ambient', at: t, tempC: fault.tempC, rhPct: fault.rhPct }] }, t + afterMin * MINUTE);
        if (!before.ok || !withFault.ok) return true;
        const floorPaused = (v: MslView) => v.state === 'paused' && v.cell === null;
        if (floorPaused(withFault.value) && !floorPaused(before.value)) expect(withFault.value.state).not.toBe('paused');
        // Past the staleness limit, a reel on the floor is never paused by a fault reading.
        if (afterMin > 10 && withFault.value.reasons.includes('MSD_SENSOR_STALE')) expect(withFault.value.state).not.toBe('paused');
        return true;
      }),
      { numRuns: 800 },
    );
  });
});

describe('property: a dry cabinet whose sensor is lost never keeps a reel paused past the limit', () => {
  it('in a cabinet, after a cabinet loss and the staleness limit, the reel consumes at the worst case or is blocked', () => {
    let exercised = 0;
    fc.assert(
      fc.property(specArb, historyArb(30), fc.boolean(), fc.integer({ min: 11, max: 5000 }), (spec, events, named, afterMin) => {
        const t = (events.length === 0 ? T0 : events[events.length - 1]!.at) + MINUTE;
        const lost: MslEvent = { type: 'sensor-lost', at: t, ...(named ? { sensor: 'cabinet' as const } : {}) };
        let s = initialState(spec);
        for (const e of [...events, lost]) {
          const r = step(s, e);
          if (!r.ok) return true;
          s = r.value;
        }
        if (s.place !== 'cabinet' || s.scrapped || s.clockLost !== null) return true;
        exercised++;
        const v = view(s, t + afterMin * MINUTE);
        expect(v.ok && v.value.state !== 'paused' && v.value.reasons.includes('MSD_CABINET_STALE')).toBe(true);
        return true;
      }),
      { numRuns: 1500 },
    );
    expect(exercised).toBeGreaterThan(30);
  });
});

describe('an unread humidity indicator card is not a dry card (4.1)', () => {
  it.each(['2a', '3', '4', '5', '5a'] as const)('MSL %s opened without the 10 %% spot read needs a bake (MSD_HIC_UNREAD)', (level) => {
    for (const open of [at(0, { type: 'open' }), at(0, { type: 'open', hic60: 'blue' })]) {
      expect(viewAt({ level, thicknessClass: 'thick' }, [open, at(0, { type: 'ambient', tempC: 25, rhPct: 40 })], 1)).toMatchObject({
        state: 'needs-bake',
        remainingHours: 0,
        reasons: ['MSD_NEEDS_BAKE', 'MSD_HIC_UNREAD'],
      });
    }
  });

  it('MSL 2 needs its 60 % spot shown blue (a blue 10 % spot shows it too)', () => {
    const open = (spots: { hic10?: 'blue' | 'pink'; hic60?: 'blue' | 'pink' }) => viewAt({ level: '2', thicknessClass: 'thick' }, [at(0, { type: 'open', ...spots }), at(0, { type: 'ambient', tempC: 25, rhPct: 40 })], 1).state;
    expect(open({})).toBe('needs-bake');
    expect(open({ hic10: 'pink' })).toBe('needs-bake');
    expect(open({ hic10: 'pink', hic60: 'blue' })).toBe('exposed');
    expect(open({ hic10: 'blue' })).toBe('exposed');
  });

  it('no supervisor release makes it dry; an accepted bake (from the >72 h column) does', () => {
    const reel: ReelSpec = { level: '3', thicknessClass: 'thick', bodyThicknessMm: 1.0, packageType: 'bga' };
    const unread = [at(0, { type: 'open' }), at(0, { type: 'ambient', tempC: 25, rhPct: 40 })];
    expect(viewAt(reel, [...unread, at(1, { type: 'disposition', action: 'release', by: 'sup-1', spec: 'looked at it' })], 2).state).toBe('needs-bake');
    const bake = (hours: number): MslEvent[] => [at(1, { type: 'bake-start', tempC: 125, carrier: 'tray' }), at(1 + hours, { type: 'bake-end' })];
    expect(viewAt(reel, [...unread, ...bake(7)], 8).reasons).toContain('MSD_BAKE_SHORT');
    expect(viewAt(reel, [...unread, ...bake(9)], 10)).toMatchObject({ state: 'exposed', reasons: [] });
  });

  it('no short-exposure reset for a reel whose card was not read', () => {
    const ev = [at(0, { type: 'open' }), at(0, { type: 'ambient', tempC: 30, rhPct: 60 }), at(2, { type: 'seal' })];
    expect(viewAt(MS3, ev, 100).consumedFraction).toEqual(expect.closeTo(2 / 168, 12));
  });
});

describe('impossible calendar dates are refused, never shifted', () => {
  it.each([
    ['2026-02-30T00:00:00Z', 'February 2026 has no day 30'],
    ['2026-02-29T08:00:00Z', 'February 2026 has no day 29'],
    ['2026-04-31T10:00:00Z', 'April 2026 has no day 31'],
    ['2026-13-01T00:00:00Z', 'month 13'],
    ['2026-00-10T00:00:00Z', 'month 00'],
    ['2026-03-00T00:00:00Z', 'no day 00'],
    ['2026-03-01T24:00:00Z', 'hour 24'],
    ['2026-03-01T10:60:00Z', 'minute 60'],
    ['2026-03-01T23:59:60Z', 'second 60'],
    ['2026-03-01T10:00:00+15:00', '±14:00'],
    ['2026-03-01T10:00:00+05:75', 'minute 75'],
    ['2026-03-01 10:00:00Z', 'ISO-8601'],
    ['2026-03-01T10:00:00', 'ISO-8601'],
  ])('%s: %s', (text, says) => {
    const r = parseIsoTime(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(says);
  });

  it('real dates, leap days, zones and fractions read exactly', () => {
    expect(parseIsoTime('2024-02-29T08:00:00Z')).toEqual({ ok: true, ms: Date.UTC(2024, 1, 29, 8) });
    expect(parseIsoTime('2026-03-01T10:00:00+02:00')).toEqual({ ok: true, ms: Date.UTC(2026, 2, 1, 8) });
    expect(parseIsoTime('2026-03-01T10:00-09:30')).toEqual({ ok: true, ms: Date.UTC(2026, 2, 1, 19, 30) });
    expect(parseIsoTime('2026-03-01T10:00:00.123456Z')).toEqual({ ok: true, ms: Date.UTC(2026, 2, 1, 10, 0, 0, 123) });
    expect(parseIsoTime('2000-02-29T00:00:00z')).toEqual({ ok: true, ms: Date.UTC(2000, 1, 29) });
    expect(parseIsoTime('1900-02-29T00:00:00Z').ok).toBe(false);
  });

  it('property: a time is read as written or refused: its UTC fields are the ones in the text', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 1970, max: 2100 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        (y, mo, d, hh, mi, ss) => {
          const r = parseIsoTime(`${y}-${two(mo)}-${two(d)}T${two(hh)}:${two(mi)}:${two(ss)}Z`);
          const real = mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() && hh <= 23 && mi <= 59 && ss <= 59;
          expect(r.ok).toBe(real);
          if (r.ok) {
            const t = new Date(r.ms);
            expect([t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()]).toEqual([y, mo, d, hh, mi, ss]);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
