// The built-in scenarios (the JSON files beside this one) and the loader for any scenario file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReasonName } from '../../protocol/src/reasons';
import { describeScenarioProblems, readScenario, type Scenario, type ScenarioOverrides } from './scenario';

export * from './scenario';

/** Built-in scenarios by name, in the order `warden sim --help` lists them. */
export const BUILTIN_SCENARIOS = [
  'demo',
  'wrong-reel',
  'unapproved-alternate',
  'msd-expiry',
  'wrong-program',
  'first-off-fail',
  'power-cuts',
  'clock-loss',
  'host-outage',
  'link-noise',
  'garbage-scans',
  'sensor-loss',
  'plc-silent',
  'dry-cabinet',
  'large-line',
] as const;

export type LoadedScenario =
  | { readonly ok: true; readonly scenario: Scenario; readonly source: string; readonly builtin: boolean }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/** A built-in scenario by name, or a scenario file by path; overrides (`--stations`, `--hours`) applied and checked. */
export function loadScenario(nameOrFile: string, over: ScenarioOverrides = {}): LoadedScenario {
  const builtin = (BUILTIN_SCENARIOS as readonly string[]).includes(nameOrFile);
  const path = builtin ? join(__dirname, `${nameOrFile}.json`) : nameOrFile;
  if (!builtin && !existsSync(path)) {
    return { ok: false, reason: 'SCENARIO_UNKNOWN', detail: `${nameOrFile}: neither a built-in scenario (${BUILTIN_SCENARIOS.join(', ')}) nor a file` };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, reason: 'IO_ERROR', detail: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: 'SCENARIO_INVALID', detail: `${path} is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const r = readScenario(doc, over);
  if (!r.ok) return { ok: false, reason: 'SCENARIO_INVALID', detail: `${builtin ? nameOrFile : path}: ${describeScenarioProblems(r.problems)}` };
  return { ok: true, scenario: r.scenario, source: builtin ? nameOrFile : path, builtin };
}
