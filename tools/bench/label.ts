// Reel-label parsing: time per scan over the real payloads, per kind of scan and for the whole mix, with the
// built-in formats and layouts alone and with a station's maximum of host-loaded layouts. Peers, measured in the
// same run on the same scans: (1) a naive regex splitter (split on GS/RS, one `^\d*[A-Z]` match per field into
// an object: what many hobby parsers do, with none of the checks), and (2) `JSON.parse` of the same label already
// written as JSON (the floor: reading structured data). The setup-verification bench can reuse BENCH_SCANS
// (sample raw scans) and timePerScan.
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { applyLayoutLoad, EMPTY_LAYOUT_SET, MAX_LOADED_LAYOUTS, parseLabel, readLayoutDocument, type LayoutDoc, type LayoutSet } from '../../firmware/core/label';
import { decodeLayoutSet, encodeLayoutSet } from '../../firmware/core/label/layout-store';
import { ALL_SCANS, EXTRA_SCANS, LAYOUT_SCANS, SAMPLE_SCANS, type SampleScan } from '../../firmware/test/label/samples';
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

/**
 * A station's maximum of loaded layouts: the POCONS reel label (a real scan the firmware does not know) and 15
 * layouts of other site labels, each anchored on its own prefix, so every scan is screened by all 16.
 */
function loadedLayouts(): LayoutSet {
  const pocons = {
    layoutId: 'site-pocons',
    cut: 'fixed',
    minLength: 26,
    maxLength: 26,
    fields: [
      { role: 'mpn', start: 0, width: 8, chars: 'A-Z0-9', minLen: 8, maxLen: 8 },
      { role: 'lot', start: 8, width: 12, chars: 'A-Z0-9', minLen: 12, maxLen: 12 },
      { role: 'qty', start: 20, width: 6, chars: '0-9', minLen: 6, maxLen: 6 },
    ],
  };
  const site = (i: number) => ({
    layoutId: `site-label-${i}`,
    cut: 'delimited',
    separator: '$',
    prefix: `S${i.toString(36).toUpperCase()}$`,
    minPieces: 6,
    maxPieces: 6,
    fields: [
      { role: 'mpn', piece: 0, chars: 'A-Z0-9-', minLen: 3, maxLen: 32 },
      { role: 'qty', piece: 1, chars: '0-9', maxLen: 7 },
      { role: 'lot', piece: 2, chars: 'A-Z0-9-', maxLen: 24 },
      { role: 'mpn', piece: 3, chars: 'A-Z0-9-', minLen: 3, maxLen: 32 },
    ],
  });
  let set = EMPTY_LAYOUT_SET;
  for (const d of [pocons, ...Array.from({ length: MAX_LOADED_LAYOUTS - 1 }, (_, i) => site(i))]) {
    const c = readLayoutDocument(d);
    if (!c.ok) throw new Error(c.detail);
    const r = applyLayoutLoad(set, c.layout.doc);
    if (!r.ok) throw new Error(r.detail);
    set = r.set;
  }
  return set;
}

const groups: readonly { readonly name: string; readonly set: readonly SampleScan[]; readonly pick: (s: SampleScan) => boolean }[] = [
  { name: 'reference sample: ISO 15434 with GS (Digi-Key, Mouser, makers)', set: SAMPLE_SCANS, pick: (s) => s.raw.includes('\u001d') || s.raw.includes('\u001b') },
  { name: 'reference sample: visible substitute separators (`]` `|` `.`)', set: SAMPLE_SCANS, pick: (s) => /^>?\[\)>[\^.]?06[\]|.^]/.test(s.raw) },
  { name: 'reference sample: separators dropped (field-sequence search)', set: SAMPLE_SCANS, pick: (s) => s.id.startsWith('kintree') },
  { name: 'reference sample: TME / LCSC / legacy 1D', set: SAMPLE_SCANS, pick: (s) => /^(tme|lcsc|digikey-legacy)/.test(s.format) },
  { name: 'reference sample: manufacturer proprietary (`mfr-*`, Bourns)', set: SAMPLE_SCANS, pick: (s) => s.format.startsWith('mfr-') || s.id.startsWith('smtnet') },
  { name: '**reference sample, whole mix**', set: SAMPLE_SCANS, pick: () => true },
  { name: 'further public payloads (`public-extra.json`)', set: EXTRA_SCANS, pick: () => true },
  { name: 'manufacturer layouts (`layouts.json`: KOA, Seiko, TE, Chemi-Con, Copal, Vishay, …)', set: LAYOUT_SCANS, pick: () => true },
  { name: '**every real payload**', set: ALL_SCANS, pick: () => true },
];

const fmt = (us: number): string => (us < 10 ? us.toFixed(2) : us.toFixed(1));

export async function labelBench(): Promise<Section> {
  const loaded = loadedLayouts();
  const withLoaded = (raw: string) => parseLabel(raw, { layouts: loaded });
  const lines: string[] = [
    'Time per scan, `parseLabel` (normalise, recognise the format, split, interpret, validate) with the built-in formats and',
    `layouts, and with ${MAX_LOADED_LAYOUTS} host-loaded layouts (a station's maximum: the POCONS reel layout and 15 site layouts, each`,
    'screening every scan), against two peers on the same scans in the same run: a naive regex splitter (split on GS/RS,',
    '`^\\d*[A-Z]` per field, no checks, no vendor rules, wrong on half the formats) and `JSON.parse` of the same label already',
    'written as JSON. Scans: the real payloads of `firmware/test/label/fixtures/`, packing slips and rejected ones included.',
    '',
    `| scans | n | \`parseLabel\` µs/scan | with ${MAX_LOADED_LAYOUTS} loaded layouts µs/scan | naive split µs/scan | \`JSON.parse\` µs/scan | parseLabel / naive |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const g of groups) {
    const set = g.set.filter(g.pick);
    const raws = set.map((s) => s.raw);
    const jsons = set.map((s) => JSON.stringify({ ok: true, format: s.format, ...s.expected }));
    const ours = timePerScan(parseLabel, raws);
    const loadedUs = timePerScan(withLoaded, raws);
    const naive = timePerScan(naiveSplit, raws);
    const json = timePerScan((j) => JSON.parse(j) as unknown, jsons);
    lines.push(`| ${g.name} | ${set.length} | ${fmt(ours)} | ${fmt(loadedUs)} | ${fmt(naive)} | ${fmt(json)} | ${(ours / naive).toFixed(1)}× |`);
  }

  // Loading: what a LabelLayoutLoad costs the station (check and compile), and the state-store round trip.
  const doc = loaded.layouts[1]!.doc;
  const docText = JSON.stringify(doc);
  const stored = encodeLayoutSet(loaded);
  const loadUs = 1e6 / rate(() => void applyLayoutLoad(EMPTY_LAYOUT_SET, doc as LayoutDoc));
  const parseDocUs = 1e6 / rate(() => void JSON.parse(docText));
  const storeUs = 1e6 / rate(() => void decodeLayoutSet(encodeLayoutSet(loaded)));
  lines.push(
    '',
    `Loading a layout (\`applyLayoutLoad\`: check the whole body, compile it, place it in the set): **${fmt(loadUs)} µs**, against ${fmt(parseDocUs)} µs for \`JSON.parse\` of the same`,
    `layout as JSON text. Writing and reading back the state-store value of ${MAX_LOADED_LAYOUTS} loaded layouts (${stored.length} bytes; every body decoded and checked again): ${fmt(storeUs)} µs.`,
  );
  const b = await bundle(join(__dirname, '..', '..', 'firmware', 'core', 'label', 'index.ts'), { globalName: 'L' });
  lines.push(
    '',
    `Parser bundle (esbuild, \`platform: "neutral"\`, ES2020, minified, built-in and loaded layouts included): **${(b.bytes / 1024).toFixed(1)} KiB** (${(gzipSync(b.code).length / 1024).toFixed(1)} KiB gzipped);`,
    'runs unchanged in QuickJS (`firmware/test/label/engine-neutral.test.ts`).',
    '',
  );
  return { title: 'Reel-label parsing', body: lines.join('\n') };
}
