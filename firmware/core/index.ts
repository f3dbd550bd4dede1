// The station's domain core, one namespace per capability (their names overlap: both the MSL tracker and
// setup verification have a `step`). Everything here is pure and engine-neutral.
export * as label from './label';
export * as msl from './msl';
export * as setup from './setup';
