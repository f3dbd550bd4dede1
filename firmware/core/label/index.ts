// Reel label parsing: the public surface. (The stored form of loaded layouts and their wire size, which need the
// protocol codec, are in layout-store.ts; the learner, used by tools, is learn.ts.)
export type { LabelResult, ReelLabel } from './types';
export { parseLabel, type ParseOptions } from './parse';
export { makeReelIdLabel, parseReelIdLabel, reelIdCheck, REEL_ID_PREFIX } from './reelid';
export { MAX_SCAN_CHARS } from './limits';
export type { CompiledLayout, LayoutCheck, LayoutDoc } from './layout';
export { layoutDocumentJson, readLayoutDocument } from './layout-doc';
export { applyLayoutLoad, applyLayoutRemove, EMPTY_LAYOUT_SET, MAX_LOADED_LAYOUTS, type LayoutSet, type LayoutSetResult } from './layout-set';
