// The scenario document: total on any JSON (a scenario or every problem, each naming its field), defaults filled
// in, durations read as people write them, and every built-in scenario valid.
import fc from 'fast-check';
import { BUILTIN_SCENARIOS, durationMs, loadScenario, readScenario } from '../scenarios';

const HEAD = { format: 'smt-warden.sim-scenario', version: 1 };

describe('scenario documents', () => {
  it('every built-in scenario is valid and documents what it shows', () => {
    for (const name of BUILTIN_SCENARIOS) {
      const l = loadScenario(name);
      if (!l.ok) throw new Error(l.detail);
      expect(l.scenario.description.length).toBeGreaterThan(40);
    }
  });

  it('a minimal document gets every default', () => {
    const r = readScenario(HEAD);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario).toMatchObject({ hours: 8, seed: 1, line: { stations: 6, slots: 12, msdSlots: 2 }, events: [] });
  });

  it('names every bad field', () => {
    const r = readScenario({
      ...HEAD,
      hours: -1,
      line: { stations: 500, slots: 4, colour: 'red' },
      events: [{ at: '1h', kind: 'power-cut', station: 9, rtc: 'maybe' }, { at: '2x', kind: 'meteor' }, { kind: 'wrong-reel', station: 6 }],
      expect: { stops: [{ station: 1, reason: 'NOT_A_REASON' }] },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const fields = r.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['hours', 'line.stations', 'line.colour', 'events[0].rtc', 'events[1].kind', 'events[2].at', 'expect.stops[0].reason']));
  });

  it('refuses an event on a station the line does not have, and a feeder event on the oven', () => {
    const r = readScenario({ ...HEAD, line: { stations: 3 }, events: [{ at: '1h', kind: 'plc-silent', station: 4, for: '5m' }, { at: '1h', kind: 'wrong-reel', station: 3 }] });
    expect(r.ok ? [] : r.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'events[0].station: 4, but the line has 3 stations (see --stations)',
      'events[1].station: 3 is the reflow oven, which has no feeders',
    ]);
  });

  it('--stations and --hours leave out what falls outside and drop the expectations', () => {
    const l = loadScenario('demo', { stations: 3, hours: 2 });
    if (!l.ok) throw new Error(l.detail);
    expect(l.scenario.line.stations).toBe(3);
    expect(l.scenario.expect).toBeUndefined();
    expect(l.scenario.events.every((e) => e.atMs <= 2 * 3_600_000 && (!('station' in e) || e.station === undefined || e.station <= 3))).toBe(true);
  });

  it('durations', () => {
    expect([durationMs('1h30m'), durationMs('45m'), durationMs('90s'), durationMs('1d'), durationMs(2.5), durationMs('2h 5s')]).toEqual([5_400_000, 2_700_000, 90_000, 86_400_000, 2500, 7_205_000]);
    expect([durationMs(''), durationMs('h'), durationMs('-1m'), durationMs('5 minutes'), durationMs(null)]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('is total on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ format: fc.constant(HEAD.format), version: fc.constant(1), line: fc.jsonValue(), events: fc.array(fc.dictionary(fc.constantFrom('at', 'kind', 'station', 'for', 'rate', 'off'), fc.jsonValue()), { maxLength: 4 }) })), (v) => {
        const r = readScenario(v);
        if (!r.ok) for (const p of r.problems) expect(typeof p.field === 'string' && p.message.length > 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
