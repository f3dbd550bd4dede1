// Setup verification settings: defaults, and a checked way to change them.
import type { ReasonName } from '../../../protocol/src/reasons';
import type { SetupConfig } from './types';
import { frozen } from '../../../protocol/src/frozen';

export const DEFAULT_SETUP_CONFIG: SetupConfig = {
  pairingTimeoutMs: 30_000,
  minQuantity: 0,
  requireHostRecord: false,
  requireManufacturer: false,
  primaryOnly: false,
  maxSlots: 256,
  maxReelRecords: 512,
  maxHistory: 8,
  maxObsoleteLots: 1024,
};

const LIMITS: { readonly [K in keyof SetupConfig]: SetupConfig[K] extends number ? readonly [number, number] : null } = {
  pairingTimeoutMs: [0, 24 * 3_600_000],
  minQuantity: [0, 0xffffffff],
  requireHostRecord: null,
  requireManufacturer: null,
  primaryOnly: null,
  maxSlots: [1, 0xffff],
  maxReelRecords: [1, 0xffff],
  maxHistory: [1, 1024],
  maxObsoleteLots: [1, 0xffff],
};

frozen(DEFAULT_SETUP_CONFIG);
frozen(LIMITS);

export type ConfigResult =
  | { readonly ok: true; readonly config: SetupConfig }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/** The defaults with `changes` applied, each checked against its range. */
export function setupConfig(changes: Partial<SetupConfig> = {}): ConfigResult {
  const config = { ...DEFAULT_SETUP_CONFIG, ...changes };
  for (const k of Object.keys(LIMITS) as (keyof SetupConfig)[]) {
    const v: unknown = config[k];
    const range = LIMITS[k];
    if (range === null) {
      if (typeof v !== 'boolean') return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `${k} must be true or false` };
    } else if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) {
      return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `${k} must be an integer ${range[0]}..${range[1]}` };
    }
  }
  return { ok: true, config };
}
