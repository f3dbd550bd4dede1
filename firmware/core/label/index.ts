// Reel label parsing: the public surface.
export type { LabelResult, ReelLabel } from './types';
export { parseLabel } from './parse';
export { makeReelIdLabel, parseReelIdLabel, reelIdCheck, REEL_ID_PREFIX } from './reelid';
export { MAX_SCAN_CHARS } from './limits';
