// The 36 real payloads of the reference (copied so CI needs no /work/shared), the further public payloads, and
// those of the manufacturer layouts; shared by the label tests, the setup-verification tests and the benchmark.
// `expected` holds what each payload's source says the label means.
import type { LabelResult } from '../../core/label';
import samples from './fixtures/reel-labels-sample.json';
import extra from './fixtures/public-extra.json';
import layouts from './fixtures/layouts.json';

export interface SampleScan {
  readonly id: string;
  readonly format: string;
  readonly raw: string;
  readonly expected: Readonly<Record<string, unknown>>;
  readonly notes?: string;
}

export const SAMPLE_SCANS: readonly SampleScan[] = samples as SampleScan[];

/** Further real payloads found in public repositories and issues after the parser was built (same shape). */
export const EXTRA_SCANS: readonly SampleScan[] = extra as SampleScan[];

/** Real payloads of the manufacturer layouts added with layouts as data (issue 18): KOA, Seiko/ABLIC, TE, Chemi-Con, Copal, Vishay, … */
export const LAYOUT_SCANS: readonly SampleScan[] = layouts as SampleScan[];

/** Every real payload the label tests hold. */
export const ALL_SCANS: readonly SampleScan[] = [...SAMPLE_SCANS, ...EXTRA_SCANS, ...LAYOUT_SCANS];

/** Packing-slip codes: valid envelopes that must be rejected as reel labels. */
export const isPackingSlip = (s: SampleScan): boolean => s.format.endsWith('-packlist');

export type Score = 'exact' | 'wrong' | 'rejected' | 'missing';

/**
 * How a parse compares with a sample on the fields that decide a reel's identity (mpn, qty, lot):
 * exact = every expected one equal; wrong = ok:true with one of them different (the outcome that must never
 * happen); missing = ok:true but an expected one absent; rejected = ok:false. A packing slip is exact when
 * rejected as NOT_A_REEL_LABEL and wrong when accepted.
 */
export function score(s: SampleScan, r: LabelResult): Score {
  if (isPackingSlip(s)) return r.ok ? 'wrong' : r.reason === 'NOT_A_REEL_LABEL' ? 'exact' : 'rejected';
  if (!r.ok) return 'rejected';
  let missing = false;
  for (const k of ['mpn', 'qty', 'lot'] as const) {
    if (!(k in s.expected)) continue;
    const got = r.label[k];
    if (got === undefined) missing = true;
    else if (got !== s.expected[k]) return 'wrong';
  }
  return missing ? 'missing' : 'exact';
}
