// Shared helpers for the MSL suites: histories written in hours from a fixed origin, and an evaluate that fails loudly.
import { defaultEnv, evaluate, HOUR, type MslConfig, type MslEnv, type MslEvent, type MslView, type ReelSpec } from '../../core/msl/index';

export const T0 = Date.UTC(2026, 2, 1, 8, 0, 0);
export const h = (hours: number): number => T0 + hours * HOUR;

type NoAt<E> = E extends MslEvent ? Omit<E, 'at'> : never;
/** An event `hours` after T0. */
export const at = (hours: number, e: NoAt<MslEvent>): MslEvent => ({ ...e, at: h(hours) }) as MslEvent;

export function viewAt(spec: ReelSpec, events: readonly MslEvent[], hours: number, env: MslEnv = defaultEnv()): MslView {
  const r = evaluate({ ...spec, events }, h(hours), env);
  if (!r.ok) throw new Error(`unexpected error: ${JSON.stringify(r.error)}`);
  return r.value;
}

export function envWith(config: Partial<MslConfig>): MslEnv {
  return defaultEnv(config);
}

/** Opened at T0 (the card read dry) into the given floor conditions. */
export const openedAt = (tempC: number, rhPct: number, hours = 0): MslEvent[] => [
  at(hours, { type: 'open', hic10: 'blue', hic60: 'blue' }),
  at(hours, { type: 'ambient', tempC, rhPct }),
];

/** A bag opened with its card read dry. */
export const openDry = (hours: number): MslEvent => at(hours, { type: 'open', hic10: 'blue', hic60: 'blue' });
