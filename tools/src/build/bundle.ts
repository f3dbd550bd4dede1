// Bundles engine-neutral code with esbuild the way the firmware is bundled: platform "neutral", so any Node
// built-in import fails the build instead of failing on the device.
import { build, type BuildOptions } from 'esbuild';

export interface Bundle {
  readonly code: string;
  readonly bytes: number;
}

export async function bundle(entry: string, extra: Partial<BuildOptions> = {}): Promise<Bundle> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    format: 'iife',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
    ...extra,
  });
  const code = r.outputFiles![0]!.text;
  return { code, bytes: Buffer.byteLength(code) };
}
