// Setup verification (reel ↔ slot ↔ work order): the public surface.
export { createSetup, heldReel, step } from './setup';
export { permit, reelAt, type PermitContribution, type SlotBlock } from './permit';
export { DEFAULT_SETUP_CONFIG, setupConfig, type ConfigResult } from './config';
export { identify, reelKeyOf } from './identify';
export { makerMatches, normMpn, reelIndexKey } from './normalize';
export type * from './types';
