// A simulated station's clock across a power cut, and the station-clock invariant that watches it. The RTC models a
// real one: battery-backed (`survives`), it comes back at the true time, trusted; `untrusted`, at its time but not
// trusted; `lost`, with none. The invariant must catch the old fault on a doctored run: a station whose clock kept
// running while it was off (the PLC's turn brought it to line time), so that the restart added the off time again
// and it came back fast by the length of the cut, with its clock valid.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimClock } from '../../firmware/platform/sim/clock';
import { SimNet } from '../../firmware/platform/sim/net';
import { SimStation, type RtcAfterCut } from '../line/station';
import { simulate } from '../run';
import { loadScenario } from '../scenarios';

/** Whether the doctored copy of SimStation runs its clock while the station is off (the old behaviour). */
let mockClockRunsWhileOff = false;

jest.mock('../line/station', () => {
  const real = jest.requireActual<typeof import('../line/station')>('../line/station');
  class Doctored extends real.SimStation {
    override sync(now: number): void {
      if (!mockClockRunsWhileOff) return super.sync(now);
      const self = this as unknown as { clockAt: number; clock: SimClock };
      if (now > self.clockAt) {
        self.clock.advance(now - self.clockAt);
        self.clockAt = now;
      }
    }
  }
  return { ...real, SimStation: Doctored };
});

jest.setTimeout(120_000);
afterEach(() => (mockClockRunsWhileOff = false));

const START = Date.UTC(2026, 11, 1, 7, 0, 0);

function station(): SimStation {
  const net = new SimNet({ seed: 1 });
  return new SimStation({
    id: 1,
    name: 'P1',
    role: 'placement',
    config: { stationId: 1, role: 'placement', name: 'P1', maxSlots: 4, journal: { kib: 64 }, store: { kib: 64 } },
    secret: new Uint8Array(32).fill(3),
    journalKib: 64,
    storeKib: 64,
    startEpochMs: START,
    seedFor: () => 5,
    hostListen: net.listen,
    hostPort: 4840,
    modbusListen: [{ listen: net.listen }],
    modbusPort: 502,
    now: () => 0,
    onEvent: () => undefined,
    onPowerLost: () => undefined,
    onBoot: () => undefined,
  });
}

describe("a simulated station's RTC across a power cut", () => {
  it.each([
    ['survives', { epochMs: START + 11 * 60_000, trusted: true }],
    ['untrusted', { epochMs: START + 11 * 60_000, trusted: false }],
    ['lost', undefined],
  ] as const)('%s: it comes back at the true time, as the fault says, however often the line looked at it while it was off', (rtc: RtcAfterCut, want) => {
    const s = station();
    s.boot(0);
    s.sync(5 * 60_000);
    s.cutNow(6 * 60_000);
    // The PLC's turns and the hourly checks bring every station to line time, the one without power too.
    for (let t = 6 * 60_000; t <= 11 * 60_000; t += 10_000) s.sync(t);
    expect(s.clock.readRtc()).toEqual({ epochMs: START + 6 * 60_000, trusted: true });
    s.restore(11 * 60_000, rtc);
    expect(s.up).toBe(true);
    expect(s.clock.readRtc()).toEqual(want);
    // And it runs on with line time from there.
    s.sync(12 * 60_000);
    if (want !== undefined) expect(s.clock.readRtc()).toEqual({ ...want, epochMs: START + 12 * 60_000 });
  });
});

/** One station of a two-station line loses power for two minutes, its RTC on its battery. */
function cutScenario(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-sim-')), 'clock-cut.json');
  const events = [{ at: '30m', kind: 'power-cut', station: 2, off: '2m', rtc: 'survives', duringWrite: false }];
  writeFileSync(file, JSON.stringify({ format: 'smt-warden.sim-scenario', version: 1, name: 'clock-cut', hours: 1.5, line: { stations: 2, slots: 4, msdSlots: 0 }, events }));
  return file;
}

async function run(file: string, seed: number) {
  const l = loadScenario(file);
  if (!l.ok) throw new Error(l.detail);
  const cmd = `npx warden sim --scenario ${file} --seed ${seed} --hours ${l.scenario.hours} --stations ${l.scenario.line.stations}`;
  return (await simulate({ scenario: l.scenario, seed, replay: cmd })).summary;
}

describe('the station-clock invariant', () => {
  it('holds across a power cut with the RTC on its battery', async () => {
    const s = await run(cutScenario(), 3);
    expect(s.faults.powerCuts).toBe(1);
    expect([s.violation, s.invariants.find((i) => i.name === 'station-clock')]).toEqual([null, { name: 'station-clock', ok: true, violations: 0 }]);
  });

  it('catches a clock that ran on while its station was off: fast by the cut, with the replay command', async () => {
    mockClockRunsWhileOff = true;
    const file = cutScenario();
    const s = await run(file, 3);
    expect(s.violation).toMatchObject({ invariant: 'station-clock', station: 2 });
    // The StationBooted of the restart: two minutes (less the moment to the PLC's last turn) ahead, clock trusted.
    expect(s.violation?.detail).toMatch(/^record \d+ \(StationBooted\) is stamped \S+:3\d:\d\dZ, 1[01]\d s ahead of the true time \S+:32:00Z, with its clock valid \(a trusted RTC at boot\)/);
    expect(s.completed).toBe(false);
    expect(s.replay).toContain('--seed 3');
    // The same seed gives the same failure, at the same moment.
    const again = await run(file, 3);
    expect([again.violation, again.end]).toEqual([s.violation, s.end]);
  });
});
