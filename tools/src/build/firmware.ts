// `warden build`: the firmware bundles that go onto a controller or into an embedded engine, built the one way
// the tests use them. esbuild, platform "neutral" (a Node import fails the build), minified, with a source map,
// documentation texts taken out (./docs.ts). Sizes by module group (./groups.ts) and the budget checked.
import { gzipSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { stripDocsPlugin } from './docs';
import { groupSizes, splitByGroup, type GroupSize } from './groups';
import { moddableProject, type ModdableProjectOptions } from './moddable';

export const ROOT = resolve(__dirname, '..', '..', '..');

export const TARGETS = ['moddable', 'qjs', 'xs'] as const;
export type Target = (typeof TARGETS)[number];

/** The controller's budget for the bundle, minified (issue 14): a classic ESP32 module's share for the firmware. */
export const BUDGET: Readonly<Record<Target, number | undefined>> = { moddable: 128 * 1024, qjs: undefined, xs: undefined };

/** SDK modules the Moddable main imports; they are resolved by mcconfig, not bundled. */
const MODDABLE_EXTERNALS = ['embedded:*', 'timer', 'time', 'microseconds', 'mc/config'];

interface Output {
  /** File name in the output directory. */
  readonly file: string;
  readonly entry: string;
  readonly format: 'esm' | 'iife';
  readonly external?: readonly string[];
  readonly plugins?: readonly Plugin[];
}

/** The Moddable main imports the firmware as the separate module `warden`, preloaded on its own. */
const appAsModule: Plugin = {
  name: 'warden-app-module',
  setup(b) {
    b.onResolve({ filter: /^\.\/app$/ }, (args) => (args.importer.endsWith(join('moddable', 'main.ts')) ? { path: 'warden', external: true } : undefined));
  },
};

function outputs(target: Target): Output[] {
  const platform = join(ROOT, 'firmware', 'platform');
  if (target === 'moddable') {
    return [
      { file: 'warden.js', entry: join(platform, 'moddable', 'app.ts'), format: 'esm' },
      { file: 'main.js', entry: join(platform, 'moddable', 'main.ts'), format: 'esm', external: MODDABLE_EXTERNALS, plugins: [appAsModule] },
    ];
  }
  return [{ file: `warden-${target}.js`, entry: join(platform, 'bridge', 'main.ts'), format: 'iife' }];
}

export interface BuiltFile {
  readonly file: string;
  readonly code: string;
  readonly map: string;
  readonly bytes: number;
  readonly gzip: number;
}

export interface FirmwareBuild {
  readonly target: Target;
  readonly files: readonly BuiltFile[];
  /** Minified and gzipped bytes of all JavaScript files together. */
  readonly bytes: number;
  readonly gzip: number;
  readonly groups: readonly GroupSize[];
  /** Doc texts taken out, and their bytes in the source. */
  readonly docs: { readonly texts: number; readonly bytes: number };
  readonly budget: { readonly limit: number; readonly ok: boolean } | undefined;
  /** Extra project files (the Moddable manifest and partition table), by name. */
  readonly project: Readonly<Record<string, string>>;
}

export interface BuildOptions {
  /** Writes the files there when given. */
  readonly outDir?: string;
  /** The Moddable project's settings (station document, secret, wiring). */
  readonly moddable?: ModdableProjectOptions;
  /** Keeps the documentation texts in (the bench's peer: what stripping them saves). */
  readonly keepDocs?: boolean;
}

function rel(p: string): string {
  return relative(ROOT, p).split(sep).join('/');
}

export async function buildFirmware(target: Target, o: BuildOptions = {}): Promise<FirmwareBuild> {
  const files: BuiltFile[] = [];
  const inputs: Metafile['outputs'][string]['inputs'] = {};
  const parts = new Map<string, string[]>();
  const docs = { texts: 0, bytes: 0, seen: new Set<string>() };
  for (const out of outputs(target)) {
    const outfile = join(ROOT, 'dist', target, out.file);
    const r = await build({
      entryPoints: [out.entry],
      bundle: true,
      platform: 'neutral',
      mainFields: ['module', 'main'],
      format: out.format,
      target: 'es2022',
      minify: true,
      sourcemap: 'external',
      sourcesContent: false,
      metafile: true,
      write: false,
      outfile,
      logLevel: 'silent',
      external: [...(out.external ?? [])],
      plugins: [
        ...(o.keepDocs === true
          ? []
          : [
              stripDocsPlugin(ROOT, (module, s) => {
                if (docs.seen.has(module)) return;
                docs.seen.add(module);
                docs.texts += s.texts;
                docs.bytes += s.bytes;
              }),
            ]),
        ...(out.plugins ?? []),
      ],
    });
    const js = r.outputFiles.find((f) => f.path.endsWith('.js'))!;
    const mapFile = r.outputFiles.find((f) => f.path.endsWith('.map'))!;
    const code = js.text;
    const meta = r.metafile.outputs[rel(outfile)] ?? Object.values(r.metafile.outputs).find((x) => x.entryPoint !== undefined)!;
    for (const [path, x] of Object.entries(meta.inputs)) inputs[`${out.file}:${path}`] = x;
    const map = JSON.parse(mapFile.text) as { sources: string[]; mappings: string };
    for (const [g, text] of splitByGroup(code, map, (s) => rel(resolve(join(ROOT, 'dist', target), s)))) {
      let l = parts.get(g);
      if (l === undefined) parts.set(g, (l = []));
      l.push(text);
    }
    files.push({ file: out.file, code, map: mapFile.text, bytes: Buffer.byteLength(code), gzip: gzipSync(code).length });
  }
  // Group by the module path (the `file:` prefix only keeps the two outputs' inputs apart).
  const byPath: Record<string, { bytesInOutput: number }> = {};
  for (const [k, x] of Object.entries(inputs)) {
    const path = k.slice(k.indexOf(':') + 1);
    byPath[path] = { bytesInOutput: (byPath[path]?.bytesInOutput ?? 0) + x.bytesInOutput };
  }
  const groups = groupSizes(byPath, new Map([...parts].map(([g, l]) => [g as GroupSize['group'], l.join('')])));
  const bytes = files.reduce((a, f) => a + f.bytes, 0);
  const gzip = gzipSync(files.map((f) => f.code).join('\n')).length;
  const limit = BUDGET[target];
  const project = target === 'moddable' ? moddableProject(o.moddable ?? {}) : {};
  const result: FirmwareBuild = {
    target,
    files,
    bytes,
    gzip,
    groups,
    docs: { texts: docs.texts, bytes: docs.bytes },
    budget: limit === undefined ? undefined : { limit, ok: bytes <= limit },
    project,
  };
  if (o.outDir !== undefined) writeBuild(result, o.outDir);
  return result;
}

export function writeBuild(b: FirmwareBuild, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of b.files) {
    writeFileSync(join(dir, f.file), f.code);
    writeFileSync(join(dir, `${f.file}.map`), f.map);
  }
  for (const [name, text] of Object.entries(b.project)) writeFileSync(join(dir, name), text);
}
