// Public surface of the MSL floor-life engine (J-STD-033): tables, floor-life lookup, the incremental tracker
// and the from-history evaluation.
export * from './types';
export * from './table';
export * from './floor-life';
export { BAKE_TABLE, BAKE_TEMPS, bakeColumn, requiredBakeHours, type BakeTable, type BakeRow } from './tables/bake';
export { THICK_TABLE } from './tables/thick';
export { DEFAULT_ENV, defaultEnv, SHIPPED_TABLES } from './env';
export { createTracker, initialState, step, view, advance, EXPIRY_EPS, type TrackerState, type Place } from './tracker';
export { evaluate, MAX_HISTORY, type MslInput } from './evaluate';
export { checkEvent, checkSpec, MAX_TIME, MIN_TEMP_C, MAX_TEMP_C } from './validate';
export { addMonthsUtc } from './calendar';
export { applyTableBlock, tableBlocks, WIRE_UNLIMITED, WIRE_UNRATED, type TableBlock, type TableLoadResult } from './table-load';
