// Power-loss-safe storage on NOR flash: the traceability journal and the state store.
export { Journal, JournalCursor, DEFAULT_MAX_PAYLOAD, DEFAULT_HIGH_WATER, DEFAULT_TYPICAL_PAYLOAD } from './journal';
export type {
  JournalOptions,
  JournalStatus,
  JournalMountReport,
  JournalVerifyReport,
  CursorItem,
  AppendResult,
  AckResult,
  MountResult,
  SeqRange,
} from './journal';
export { StateStore, DEFAULT_MAX_KEYS, DEFAULT_MAX_VALUE } from './store';
export type { StoreOptions, StoreStatus, StoreMountReport, GetResult, SetResult, StoreMountResult } from './store';
export { FORMAT_VERSION, entrySize, regionHeaderBytes } from './log';
export type { Failure } from './log';
