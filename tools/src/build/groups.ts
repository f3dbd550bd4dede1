// Where the bytes of a bundle come from, by module group. The minified bytes per group are esbuild's own
// accounting (metafile `bytesInOutput`); the gzipped figure compresses each group's share of the output on its
// own (cut out of the bundle through its source map), so it is what that group would cost alone.
import { gzipSync } from 'node:zlib';

export const GROUPS = ['core', 'protocol', 'Modbus', 'storage', 'runtime', 'platform', 'third-party'] as const;
export type Group = (typeof GROUPS)[number];

/** The group of a module, by its path from the repository root (as esbuild's metafile names it). */
export function groupOf(path: string): Group {
  if (path.includes('node_modules/')) return 'third-party';
  if (path.startsWith('protocol/')) return 'protocol';
  if (path.startsWith('firmware/core/')) return 'core';
  if (path.startsWith('firmware/modbus/')) return 'Modbus';
  if (path.startsWith('firmware/storage/')) return 'storage';
  if (path.startsWith('firmware/runtime/') || path.startsWith('firmware/main/')) return 'runtime';
  return 'platform';
}

export interface GroupSize {
  readonly group: Group;
  readonly minified: number;
  readonly gzip: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one source-map `mappings` line into segments [generated column, source index] (other fields skipped). */
function segments(line: string, state: { source: number }): [number, number][] {
  const out: [number, number][] = [];
  let col = 0;
  for (const seg of line.split(',')) {
    if (seg === '') continue;
    const values: number[] = [];
    let v = 0;
    let shift = 0;
    for (const ch of seg) {
      const d = B64.indexOf(ch);
      v += (d & 31) << shift;
      if (d & 32) shift += 5;
      else {
        values.push(v & 1 ? -(v >>> 1) : v >>> 1);
        v = 0;
        shift = 0;
      }
    }
    col += values[0] ?? 0;
    if (values.length >= 4) state.source += values[1]!;
    out.push([col, state.source]);
  }
  return out;
}

/** Each group's share of `code`, cut out through the source map. */
export function splitByGroup(code: string, map: { sources: string[]; mappings: string }, rel: (source: string) => string): Map<Group, string> {
  const parts = new Map<Group, string[]>();
  const lines = code.split('\n');
  const state = { source: 0 };
  map.mappings.split(';').forEach((m, li) => {
    const text = lines[li] ?? '';
    const segs = segments(m, state);
    segs.forEach(([col, src], i) => {
      const end = i + 1 < segs.length ? segs[i + 1]![0] : text.length;
      const g = groupOf(rel(map.sources[src] ?? ''));
      let list = parts.get(g);
      if (list === undefined) parts.set(g, (list = []));
      list.push(text.slice(col, end));
    });
  });
  return new Map([...parts].map(([g, l]) => [g, l.join('')]));
}

/** Minified bytes by group (from esbuild's metafile) with each group's gzipped size alone. */
export function groupSizes(inputs: Record<string, { bytesInOutput: number }>, split: Map<Group, string>): GroupSize[] {
  const min = new Map<Group, number>();
  for (const [path, x] of Object.entries(inputs)) min.set(groupOf(path), (min.get(groupOf(path)) ?? 0) + x.bytesInOutput);
  return GROUPS.filter((g) => (min.get(g) ?? 0) > 0).map((g) => ({ group: g, minified: min.get(g)!, gzip: gzipSync(split.get(g) ?? '').length }));
}
