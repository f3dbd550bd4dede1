// Public surface of the MSL floor-life engine (J-STD-033): tables, floor-life lookup, the incremental tracker,
// the from-history evaluation, and the judgements they rest on (sample plausibility, classes, bakes, the HIC).
export * from './types';
export * from './table';
export * from './floor-life';
export { BAKE_TABLE, BAKE_TEMPS, requiredBakeHours, type BakeTable, type BakeRow } from './tables/bake';
export { THICK_TABLE } from './tables/thick';
export { DEFAULT_ENV, defaultEnv, SHIPPED_TABLES } from './env';
export { createTracker, initialState, step, view, advance, EXPIRY_EPS, NO_SAMPLE, type TrackerState, type Place, type SensorTrack, type BakeInProgress } from './tracker';
export { classifySample, plausible, PLAUSIBLE_TEMP_C, PLAUSIBLE_RH_PCT, type SampleVerdict } from './sample';
export { resolveClasses, THICK_MIN_MM, MEDIUM_MIN_MM, BGA_THICK_MIN_MM, type ClassResolution } from './classes';
export { judgeBake, isHot, tableColumn, LOW_TEMP_CARRIERS, HOT_BAKE_C, MIN_BAKE_C, type BakeRecord, type BakeContext, type BakeVerdict, type BakeRefusal, type SignoffCause } from './bake-acceptance';
export { readCard, type CardReading } from './hic';
export { cabinetTempC, DRY_CABINET_WORST_C, DRY_CABINET_MAX_RH, UNKNOWN_AIR_WORST_C } from './defaults';
export { evaluate, MAX_HISTORY, type MslInput } from './evaluate';
export { checkEvent, checkSpec, MAX_TIME, MIN_TEMP_C, MAX_TEMP_C } from './validate';
export { addMonthsUtc, parseIsoTime, type TimeParse } from './calendar';
export { applyTableBlock, tableBlocks, WIRE_UNLIMITED, WIRE_UNRATED, type TableBlock, type TableLoadResult } from './table-load';
