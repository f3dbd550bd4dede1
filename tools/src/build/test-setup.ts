// Jest's global setup: the engine bundles the suites run (hw-tests on qjs and xs, the engine tests), built once
// before any suite starts, exactly as `warden build --target qjs|xs` builds them.
import { buildFirmware } from './firmware';
import { engineBundlePath } from '../../../host-sim/bench/bench';
import { dirname } from 'node:path';

export default async function setup(): Promise<void> {
  for (const t of ['qjs', 'xs'] as const) await buildFirmware(t, { outDir: dirname(engineBundlePath(t)) });
}
