// Reel-label parsing: time per scan over the 36 real sample payloads of the reference, per kind of scan and
// for the whole mix. Peers, measured in the same run on the same scans: (1) a naive regex splitter (split on
// GS/RS, one `^\d*[A-Z]` match per field into an object: what many hobby parsers do, with none of the checks),
// and (2) `JSON.parse` of the same label already written as JSON (the floor: reading structured data).
// The setup-verification bench can reuse BENCH_SCANS (sample raw scans) and timePerScan.
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parseLabel } from '../../firmware/core/label';
import { SAMPLE_SCANS, type SampleScan } from '../../firmware/test/label/samples';
import { bundle } from '../src/build/bundle';
import { rate, type Section } from './harness';

/** The sample scans as delivered by scanners (packing slips and damaged captures included). */
export const BENCH_SCANS: readonly string[] = SAMPLE_SCANS.map((s) => s.raw);

/** Microseconds per scan when `op` handles all of `scans` once. */
export function timePerScan(op: (scan: string) => unknown, scans: readonly string[]): number {
  let sink = 0;
  const ops = rate(() => {
    for (const s of scans) if (op(s) !== undefined) sink++;
  });
  if (sink < 0) throw new Error('unreachable');
  return 1e6 / (ops * scans.length);
}

function naiveSplit(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of raw.split(/[\u001d\u001e]/)) {
    const m = /^(\d*[A-Z])(.*)$/.exec(f);
    if (m !== null) out[m[1]!] = m[2]!;
  }
  return out;
}

const groups: readonly { readonly name: string; readonly pick: (s: SampleScan) => boolean }[] = [
  { name: 'ISO 15434 with GS (Digi-Key, Mouser, makers)', pick: (s) => s.raw.includes('\u001d') || s.raw.includes('\u001b') },
  { name: 'visible substitute separators (`]` `|` `.`)', pick: (s) => /^>?\[\)>[\^.]?06[\]|.^]/.test(s.raw) },
  { name: 'separators dropped (field-sequence search)', pick: (s) => s.id.startsWith('kintree') },
  { name: 'TME / LCSC / legacy 1D', pick: (s) => /^(tme|lcsc|digikey-legacy)/.test(s.format) },
  { name: 'manufacturer proprietary (`mfr-*`, Bourns)', pick: (s) => s.format.startsWith('mfr-') || s.id.startsWith('smtnet') },
];

const fmt = (us: number): string => (us < 10 ? us.toFixed(2) : us.toFixed(1));

export async function labelBench(): Promise<Section> {
  const lines: string[] = [
    'Time per scan, `parseLabel` (normalise, recognise the format, split, interpret, validate) against two peers on the',
    'same scans in the same run: a naive regex splitter (split on GS/RS, `^\\d*[A-Z]` per field, no checks, no vendor',
    'rules, wrong on half the formats) and `JSON.parse` of the same label already written as JSON. Scans: the 36 real',
    'payloads of the reference (`firmware/test/label/fixtures/`), packing slips and rejected ones included.',
    '',
    '| scans | n | `parseLabel` µs/scan | naive split µs/scan | `JSON.parse` µs/scan | parseLabel / naive |',
    '|---|---|---|---|---|---|',
  ];
  const rows = [...groups, { name: '**whole sample mix**', pick: () => true }];
  for (const g of rows) {
    const set = SAMPLE_SCANS.filter(g.pick);
    const raws = set.map((s) => s.raw);
    const jsons = set.map((s) => JSON.stringify({ ok: true, format: s.format, ...s.expected }));
    const ours = timePerScan(parseLabel, raws);
    const naive = timePerScan(naiveSplit, raws);
    const json = timePerScan((j) => JSON.parse(j) as unknown, jsons);
    lines.push(`| ${g.name} | ${set.length} | ${fmt(ours)} | ${fmt(naive)} | ${fmt(json)} | ${(ours / naive).toFixed(1)}× |`);
  }
  const b = await bundle(join(__dirname, '..', '..', 'firmware', 'core', 'label', 'index.ts'), { globalName: 'L' });
  lines.push(
    '',
    `Parser bundle (esbuild, \`platform: "neutral"\`, ES2020, minified): **${(b.bytes / 1024).toFixed(1)} KiB** (${(gzipSync(b.code).length / 1024).toFixed(1)} KiB gzipped);`,
    'runs unchanged in QuickJS (`firmware/test/label/engine-neutral.test.ts`).',
    '',
  );
  return { title: 'Reel-label parsing', body: lines.join('\n') };
}
