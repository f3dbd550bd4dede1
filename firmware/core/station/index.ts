// The station's decision core: every rule of the run permit, as a pure step. See firmware/runtime/README.md.
export { createCore, decide, setupConfigOf } from './station';
export { evaluate, byImportance, msdBlocks, OVERRIDABLE } from './permit';
export { CONFIG_FIELDS, DEFAULT_CONFIG, parseConfig, configDocument, configTable, STATION_KINDS, type StationConfig, type ConfigKey, type ConfigResult } from './config';
export { RIGHTS, ROLE_RANK, mayDo } from './operators';
export { COMMANDS, classify } from './scan';
export { classifyReading } from './sensor';
export { rollForward } from './recover';
export { reelView, remainingMinutes, advanced, broadcast, mslEnv, sharingReelViews } from './msd';
export * as persist from './persist';
export type * from './types';
export { NO_TERMS } from './types';
