// The label parser's entry point: normalise the scan, then let exactly one reading stand.
// Prime directive: never a wrong MPN, quantity or lot with ok:true. Every format parser and every layout returns
// undefined when the label is not its own; when two claim a scan with different answers, the scan is refused as
// ambiguous.
import { builtinLayouts } from './builtin-layouts';
import { checkLabelCodePage, checkScanCodePage } from './codepage';
import { parseEnvelope } from './envelope';
import type { CompiledLayout } from './layout';
import { runLayout } from './layout-run';
import { MAX_SCAN_CHARS } from './limits';
import { parseLcsc } from './lcsc';
import { parseDigikeyLegacy, parseRohm, parseWalsin1d } from './mfr-fixed';
import {
  parseBourns,
  parseKemet,
  parseLiteOn,
  parsePanasonic,
  parseSamsung1d,
  parseSamsungSlash,
  parseStackpole,
  parseWalsinTagged,
  parseYageoLines,
  parseYageoTokens,
} from './mfr-delimited';
import { normalizeScan, type Scan } from './normalize';
import { isReelIdLabel, parseReelIdLabel } from './reelid';
import { CRITICAL, reject, sameLabel } from './result';
import { parseTmeDataMatrix, parseTmeQr } from './tme';
import type { LabelResult, ReelLabel } from './types';

export type FormatParser = (scan: Scan) => LabelResult | undefined;

// Formats without an ISO/IEC 15434 envelope that are written as code (their rules go beyond the layout
// language: field-sequence searches, vendor interpretation). Order does not matter: all are tried.
export const FORMAT_PARSERS: readonly FormatParser[] = [
  (s) => parseLcsc(s.text),
  (s) => parseTmeQr(s.text),
  (s) => parseTmeDataMatrix(s.text),
  (s) => parseBourns(s.text),
  (s) => parseStackpole(s.text),
  (s) => parseDigikeyLegacy(s.text),
  (s) => parsePanasonic(s.text),
  (s) => parseSamsungSlash(s.text),
  (s) => parseSamsung1d(s.text),
  (s) => parseLiteOn(s.text),
  (s) => parseKemet(s.text),
  (s) => parseRohm(s.padded),
  (s) => parseWalsin1d(s.text),
  (s) => parseWalsinTagged(s.text),
  (s) => parseYageoTokens(s.text),
  (s) => parseYageoLines(s.text),
];

/** The layouts a station holds beyond the built-in ones (loaded by the host: layout-set.ts). */
export interface ParseOptions {
  readonly layouts?: { readonly layouts: readonly CompiledLayout[] };
}

type Ok = Extract<LabelResult, { ok: true }>;
const isOk = (r: LabelResult): r is Ok => r.ok;

/**
 * True when two readings do not contradict each other on the fields a wrong value of which would let a wrong
 * reel through: where both give one, they give the same (a field one reading leaves out is not a contradiction).
 */
function sameIdentity(a: ReelLabel, b: ReelLabel): boolean {
  return CRITICAL.every((k) => a[k] === undefined || b[k] === undefined || a[k] === b[k]);
}

/** The reading of the code-written formats: the envelope reader, else every other format (two that disagree: ambiguous). */
function formatReading(scan: Scan): LabelResult | undefined {
  const env = parseEnvelope(scan.text);
  if (env !== undefined) return env;
  const results = FORMAT_PARSERS.map((p) => p(scan)).filter((r): r is LabelResult => r !== undefined);
  const [head, ...rest] = results;
  if (head === undefined || rest.length === 0) return head;
  const oks = results.filter(isOk);
  if (oks.length === results.length && oks.every((r) => sameLabel(r.label, oks[0]!.label))) return head;
  return reject('LABEL_AMBIGUOUS', 'the code fits more than one label layout with different contents; enter the part by hand');
}

/**
 * Layouts are anchored on their own label (prefix, length, pieces, tags, shapes), so a layout that accepts a scan
 * overrides a refusal by the generic readers (TE's `PN`/`QT` tags read as data identifiers P and Q conflict);
 * but it never overrides another reading that accepts with a different part, quantity or lot, nor a refusal by
 * another layout.
 */
function combine(formats: LabelResult | undefined, layouts: readonly LabelResult[]): LabelResult {
  if (layouts.length === 0) {
    return formats ?? reject('SCAN_UNREADABLE', 'not a reel label format this station knows; scan the 2D code on the reel label, or enter the part by hand');
  }
  const oks = layouts.filter(isOk);
  const refusal = layouts.find((r) => !r.ok);
  if (refusal !== undefined) {
    return oks.length === 0 ? refusal : reject('LABEL_AMBIGUOUS', 'one label layout reads this code and another refuses it; enter the part by hand');
  }
  const head = oks[0]!;
  if (oks.some((r) => !sameIdentity(r.label, head.label)) || (formats !== undefined && formats.ok && !sameIdentity(formats.label, head.label))) {
    return reject('LABEL_AMBIGUOUS', 'the code fits more than one label layout with different contents; enter the part by hand');
  }
  return head;
}

function claim(scan: Scan, loaded: readonly CompiledLayout[]): LabelResult {
  if (isReelIdLabel(scan.text)) return parseReelIdLabel(scan.text);
  const layouts: LabelResult[] = [];
  const memo = {};
  for (const list of [builtinLayouts(), loaded]) {
    for (const l of list) {
      const r = runLayout(l, scan, memo);
      if (r !== undefined) layouts.push(r);
    }
  }
  return combine(formatReading(scan), layouts);
}

/**
 * Parses one raw scan, exactly as the scanner delivered it, with the built-in formats and layouts and any
 * layouts the host loaded. Total: never throws.
 */
export function parseLabel(raw: string, options: ParseOptions = {}): LabelResult {
  if (typeof raw !== 'string') return reject('SCAN_UNREADABLE', 'a scan must be text');
  if (raw.length > MAX_SCAN_CHARS) return reject('LABEL_TOO_LONG', `the scan is longer than ${MAX_SCAN_CHARS} characters; it is not a reel label`);
  try {
    const codePage = checkScanCodePage(raw);
    if (codePage !== undefined) return codePage;
    const scan = normalizeScan(raw);
    if (scan.text === '') return reject('SCAN_UNREADABLE', 'the scan is empty');
    const r = claim(scan, options.layouts?.layouts ?? []);
    return (r.ok ? checkLabelCodePage(r.label) : undefined) ?? r;
  } catch {
    // A parser bug must not take the station down or let a scan through: reject and report it.
    return reject('INTERNAL_ERROR', 'the label parser failed on this scan; enter the part by hand and report the scan');
  }
}
