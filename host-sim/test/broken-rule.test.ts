// The invariant checker catches a deliberately broken rule. The station's run-permit rules are replaced by a copy
// with one check disabled (the MSD floor-life check, or the program check); the checker, which never asks the
// station's rules, must stop the run with the violation, the seed and the command that replays it, and that
// command, run again, must give the same failure at the same moment.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreState, Facts, PermitView } from '../../firmware/core/station/types';
import { simulate } from '../run';
import { loadScenario } from '../scenarios';

/** Reasons the copy of the rules no longer gives (empty: the real rules). */
const mockDisabled = new Set<string>();

jest.mock('../../firmware/core/station/permit', () => {
  const real = jest.requireActual<typeof import('../../firmware/core/station/permit')>('../../firmware/core/station/permit');
  return {
    ...real,
    evaluate: (s: CoreState, f: Facts): PermitView => {
      const v = real.evaluate(s, f);
      if (mockDisabled.size === 0) return v;
      const reasons = v.reasons.filter((r) => !mockDisabled.has(r));
      if (reasons.length === v.reasons.length) return v;
      const on = reasons.length === 0;
      return { ...v, reasons, on, state: on ? 'running' : v.state, light: { green: on, red: !on, amber: v.light.amber } };
    },
  };
});

jest.setTimeout(120_000);

const MSD = ['MSD_EXPIRED', 'MSD_REMAINING_LOW', 'MSD_NEEDS_BAKE', 'MSD_NOT_READY', 'MSD_CONDITIONS_UNRATED'];
const PROGRAM = ['PROGRAM_MISMATCH', 'PROGRAM_CHECKSUM'];

/** A small line's scenario, as a file (the replay command names it). */
function scenarioFile(name: string, hours: number, line: object, events: object[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'warden-sim-')), `${name}.json`);
  writeFileSync(file, JSON.stringify({ format: 'smt-warden.sim-scenario', version: 1, name, hours, line, events }));
  return file;
}

/** Runs what a printed replay command says (scenario, seed, hours, stations), in this process. */
async function replay(command: string) {
  const arg = (name: string): string => {
    const m = new RegExp(`--${name} (\\S+)`).exec(command);
    if (m === null) throw new Error(`the replay command has no --${name}: ${command}`);
    return m[1]!;
  };
  const l = loadScenario(arg('scenario'), { hours: Number(arg('hours')), stations: Number(arg('stations')) });
  if (!l.ok) throw new Error(l.detail);
  return (await simulate({ scenario: l.scenario, seed: Number(arg('seed')), replay: command })).summary;
}

async function runFile(file: string, seed: number) {
  const l = loadScenario(file);
  if (!l.ok) throw new Error(l.detail);
  const replayCmd = `npx warden sim --scenario ${file} --seed ${seed} --hours ${l.scenario.hours} --stations ${l.scenario.line.stations}`;
  return (await simulate({ scenario: l.scenario, seed, replay: replayCmd })).summary;
}

afterEach(() => mockDisabled.clear());

describe('the invariant checker against a broken rule', () => {
  it('an MSD reel past its floor life keeps feeding when the floor-life check is disabled: msd-floor-life, with the replay command', async () => {
    const file = scenarioFile('broken-msd', 4, { stations: 3, slots: 6, msdSlots: 1 }, [{ at: '0m', kind: 'msd-expiry', station: 1, remainingHours: 1.5 }]);
    // With the real rules the station stops the line before the reel runs out, and nothing is violated.
    const honest = await runFile(file, 42);
    expect(honest.violation).toBeNull();
    expect(honest.stops.byReason.map((r) => r.reason)).toContain('MSD_REMAINING_LOW');

    for (const r of MSD) mockDisabled.add(r);
    const broken = await runFile(file, 42);
    expect(broken.violation).toMatchObject({ invariant: 'msd-floor-life', station: 1 });
    expect(broken.completed).toBe(false);
    expect(broken.replay).toContain('--seed 42');
    expect(broken.invariants.find((i) => i.name === 'msd-floor-life')).toMatchObject({ ok: false });

    // The printed command replays the same failure, at the same moment, with the same words.
    const again = await replay(broken.replay);
    expect(again.violation).toEqual(broken.violation);
    expect(again.end).toBe(broken.end);
  });

  it('a machine runs a wrong program when the program check is disabled: right-parts', async () => {
    const file = scenarioFile('broken-program', 2, { stations: 3, slots: 4, msdSlots: 0 }, [{ at: '1h', kind: 'wrong-program', station: 2, for: '20m' }]);
    for (const r of PROGRAM) mockDisabled.add(r);
    const broken = await runFile(file, 9);
    expect(broken.violation).toMatchObject({ invariant: 'right-parts', station: 2 });
    expect(broken.violation?.detail).toMatch(/program .*-T/);
    const again = await replay(broken.replay);
    expect(again.violation).toEqual(broken.violation);
  });
});
