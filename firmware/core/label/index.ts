// Reel label parsing: the public surface.
export type { LabelResult, ReelLabel } from './types';
export { parseLabel, type ParseOptions } from './parse';
export { makeReelIdLabel, parseReelIdLabel, reelIdCheck, REEL_ID_PREFIX } from './reelid';
export { MAX_SCAN_CHARS } from './limits';
export type { CompiledLayout, LayoutCheck, LayoutDoc } from './layout';
export { layoutDocumentJson, layoutWireSize, readLayoutDocument } from './layout-doc';
export {
  applyLayoutLoad,
  applyLayoutRemove,
  decodeLayoutSet,
  EMPTY_LAYOUT_SET,
  encodeLayoutSet,
  MAX_LOADED_LAYOUTS,
  type LayoutSet,
  type LayoutSetDecode,
  type LayoutSetResult,
} from './layout-set';
