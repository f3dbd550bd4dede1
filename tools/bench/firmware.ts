// Size of the firmware core as it would be flashed: one esbuild neutral bundle per capability and the whole
// core, against the protocol bundle it builds on (the peer: what the station needs just to talk).
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { bundle } from '../src/build/bundle';
import type { Section } from './harness';

const ROOT = join(__dirname, '..', '..');

export async function firmwareBench(): Promise<Section> {
  const entries: [string, string][] = [
    ['protocol (peer)', join(ROOT, 'protocol', 'src', 'index.ts')],
    ['label parser', join(ROOT, 'firmware', 'core', 'label', 'index.ts')],
    ['MSL engine', join(ROOT, 'firmware', 'core', 'msl', 'index.ts')],
    ['setup verification', join(ROOT, 'firmware', 'core', 'setup', 'index.ts')],
    ['storage (journal, store)', join(ROOT, 'firmware', 'storage', 'index.ts')],
    ['whole core', join(ROOT, 'firmware', 'core', 'index.ts')],
  ];
  const rows: string[] = [];
  let peer = 0;
  for (const [name, entry] of entries) {
    const b = await bundle(entry, { globalName: 'W' });
    const gz = gzipSync(b.code).length;
    if (peer === 0) peer = b.bytes;
    rows.push(`| ${name} | ${(b.bytes / 1024).toFixed(1)} KiB | ${(gz / 1024).toFixed(1)} KiB | ${(b.bytes / peer).toFixed(2)}× |`);
  }
  return {
    title: 'Firmware core bundle size',
    body: [
      'Each entry bundled on its own with esbuild (`platform: "neutral"`, ES2020, minified), so each row includes the protocol modules it',
      'imports. Peer: the protocol bundle alone.',
      '',
      '| bundle | minified | gzipped | vs protocol |',
      '|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  };
}
