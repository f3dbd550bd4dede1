// The label parser's entry point: normalise the scan, then let exactly one format claim it.
// Prime directive: never a wrong MPN, quantity or lot with ok:true. Every format parser returns undefined
// when the layout is not its own; if two claim a scan and disagree, the scan is rejected as ambiguous.
import { parseEnvelope } from './envelope';
import { MAX_SCAN_CHARS } from './limits';
import { parseLcsc } from './lcsc';
import { parseDigikeyLegacy, parseRohm, parseVishay, parseWalsin1d } from './mfr-fixed';
import {
  parseBourns,
  parseKemet,
  parseKoa,
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
import { reject, sameLabel } from './result';
import { parseTmeDataMatrix, parseTmeQr } from './tme';
import type { LabelResult, ReelLabel } from './types';

type FormatParser = (scan: Scan) => LabelResult | undefined;

// Formats without an ISO/IEC 15434 envelope. Order does not matter: all are tried.
const FORMATS: readonly FormatParser[] = [
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
  (s) => parseKoa(s.text),
  (s) => parseKemet(s.text),
  (s) => parseRohm(s.padded),
  (s) => parseVishay(s.padded),
  (s) => parseWalsin1d(s.text),
  (s) => parseWalsinTagged(s.text),
  (s) => parseYageoTokens(s.text),
  (s) => parseYageoLines(s.text),
];

function claim(scan: Scan): LabelResult {
  if (isReelIdLabel(scan.text)) return parseReelIdLabel(scan.text);
  const env = parseEnvelope(scan.text);
  if (env !== undefined) return env;
  const results = FORMATS.map((p) => p(scan)).filter((r): r is LabelResult => r !== undefined);
  const [head, ...rest] = results;
  if (head === undefined) {
    return reject('SCAN_UNREADABLE', 'not a reel label format this station knows; scan the 2D code on the reel label, or enter the part by hand');
  }
  if (rest.length === 0) return head;
  const oks = results.filter((r): r is { ok: true; label: ReelLabel } => r.ok);
  if (oks.length === results.length && oks.every((r) => sameLabel(r.label, oks[0]!.label))) return head;
  return reject('LABEL_AMBIGUOUS', 'the code fits more than one label layout with different contents; enter the part by hand');
}

/** Parses one raw scan, exactly as the scanner delivered it. Total: never throws. */
export function parseLabel(raw: string): LabelResult {
  if (typeof raw !== 'string') return reject('SCAN_UNREADABLE', 'a scan must be text');
  if (raw.length > MAX_SCAN_CHARS) return reject('LABEL_TOO_LONG', `the scan is longer than ${MAX_SCAN_CHARS} characters; it is not a reel label`);
  try {
    const scan = normalizeScan(raw);
    if (scan.text === '') return reject('SCAN_UNREADABLE', 'the scan is empty');
    return claim(scan);
  } catch {
    // A parser bug must not take the station down or let a scan through: reject and report it.
    return reject('INTERNAL_ERROR', 'the label parser failed on this scan; enter the part by hand and report the scan');
  }
}
