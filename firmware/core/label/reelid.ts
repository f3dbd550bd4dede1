// The station's own reel-ID label: `WR1:` + id + one ISO/IEC 7064 MOD 37-2 check character.
// The id is what receiving assigned to the reel (1–24 of 0-9 A-Z); the host's reel record carries the rest.
// MOD 37-2 (pure system, modulus 37 prime, weights powers of 2) detects every single-character substitution and
// every adjacent transposition, the check character included; its check character may be `*` (value 36).
// (The hybrid MOD 37,36 was tried first: it misses about 0.2 % of adjacent transpositions.)
import { accept, reject } from './result';
import type { LabelResult } from './types';

export const REEL_ID_PREFIX = 'WR1:';
export const REEL_ID_MAX = 24;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*';
const ID_CHARS = 36;

/** The check character for an id, or undefined when the id has a character outside 0-9 A-Z. */
export function reelIdCheck(id: string): string | undefined {
  let p = 0;
  for (const ch of id) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0 || v >= ID_CHARS) return undefined;
    p = ((p + v) * 2) % 37;
  }
  // The check value c makes (p + c) ≡ 1 (mod 37).
  return ALPHABET[(38 - p) % 37];
}

export type ReelIdLabelResult = { readonly ok: true; readonly text: string } | Extract<LabelResult, { ok: false }>;

/** The text to print as a barcode for a reel id. */
export function makeReelIdLabel(id: string): ReelIdLabelResult {
  if (id.length < 1 || id.length > REEL_ID_MAX) return reject('BAD_ARGUMENT', `a reel id has 1 to ${REEL_ID_MAX} characters`);
  const c = reelIdCheck(id);
  if (c === undefined) return reject('BAD_ARGUMENT', 'a reel id uses only 0-9 and A-Z');
  return { ok: true, text: REEL_ID_PREFIX + id + c };
}

/** True when the text looks like a station reel-ID label (so no other format may claim it). */
export function isReelIdLabel(text: string): boolean {
  return text.slice(0, REEL_ID_PREFIX.length).toUpperCase() === REEL_ID_PREFIX;
}

/** Validates a scanned reel-ID label. Case is folded: the alphabet has upper case only. */
export function parseReelIdLabel(text: string): LabelResult {
  const body = text.slice(REEL_ID_PREFIX.length).toUpperCase();
  const id = body.slice(0, -1);
  if (id.length < 1 || id.length > REEL_ID_MAX || !/^[0-9A-Z]+[0-9A-Z*]$/.test(body)) {
    return reject('REEL_ID_CHECK_FAILED', `"${text.slice(0, 40)}" is not a station reel-ID label (WR1: + 1–${REEL_ID_MAX} of 0-9 A-Z + check); reprint the label`);
  }
  if (reelIdCheck(id) !== body.slice(-1)) {
    return reject('REEL_ID_CHECK_FAILED', `reel-ID label ${text.slice(0, 40)} fails its check character: misread or damaged; rescan or reprint`);
  }
  return accept('warden-reel', { reelId: id });
}
