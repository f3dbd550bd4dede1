// Undoes what scanners and keyboard wedges do to a scan before any format is recognised (reference 3.2).
// Only unambiguous mappings happen here: the documented stand-ins for GS/RS/EOT (pictures, private-use code
// points, CP437 glyphs, function-key sequences, written-out notations) become the real control characters.
// Visible substitutes (`]` `^` `|` `.`) are NOT mapped here: they are also ordinary data, so the envelope
// reader decides about them, and only when the result splits into known data identifiers.
import { frozen } from '../../../protocol/src/frozen';

export const GS = '\u001d';
export const RS = '\u001e';
export const EOT = '\u0004';

export interface Scan {
  /** Separators mapped, AIM prefix and `∠` removed, outer whitespace (spaces, tabs, CR, LF) trimmed. */
  readonly text: string;
  /** The same, but only CR/LF trimmed at the ends: fixed-width layouts keep their space padding. */
  readonly padded: string;
}

// Stand-ins that can only mean one thing: [stand-in, control character].
const MAPPINGS: readonly (readonly [string, string])[] = frozen([
  ['\u001b[19~', GS], // VT F8, keyboard wedge programmed to send GS as a function key
  ['\u001b[20~', RS], // VT F9
  ['\u241d', GS], // ␝ Control Pictures
  ['\u241e', RS], // ␞
  ['\u2404', EOT], // ␄
  ['\uf70b', GS], // private-use code points (Teemi T22)
  ['\uf70c', RS],
  ['\u2194', GS], // ↔ CP437 glyph of 0x1D
  ['\u25b2', RS], // ▲ CP437 glyph of 0x1E
  ['\u2666', EOT], // ♦ CP437 glyph of 0x04
]);

// Separators written out as text, as some scanner configurations and copy-paste from scanner tools deliver
// them (`{GS}`, `<RS>`, `[EOT]`, `\x1d`, `\u001e`). No reel label carries such text as data.
const NOTATION = /\{(GS|RS|EOT)\}|<(GS|RS|EOT)>|\[(GS|RS|EOT)\]|\\x(1d|1e|04)|\\u00(1d|1e|04)/gi;
const NOTATION_HINT = /[{<[][GRE]|\\[xu]/i;
const NOTATED: Readonly<Record<string, string>> = { GS: GS, RS: RS, EOT: EOT, '1D': GS, '1E': RS, '04': EOT };

/** Separator notations replaced by the control characters they name. */
function unnotate(s: string): string {
  if (!NOTATION_HINT.test(s)) return s;
  return s.replace(NOTATION, (...m: string[]) => NOTATED[(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? '').toUpperCase()] ?? m[0]!);
}

// AIM symbology identifier: `]` + symbology letter + modifier digit (]d1 DataMatrix, ]Q1 QR, ]L0 PDF417, ]C0 Code 128…).
const AIM = /^\][ACdEeFGHIkLMQXz][0-9]/;
const OUTER_SPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const OUTER_NEWLINES = /^[\r\n]+|[\r\n]+$/g;

/** Every `from` in `s` replaced by `to`. */
export function replaceAll(s: string, from: string, to: string): string {
  return s.indexOf(from) < 0 ? s : s.split(from).join(to);
}

/** Strips what precedes the payload: BOM, the browser's `∠` marks, and an AIM prefix. */
function stripLead(s: string): string {
  let i = 0;
  while (i < s.length && (s[i] === '\u2220' || s[i] === '\ufeff')) i++;
  return s.slice(i);
}

export function normalizeScan(raw: string): Scan {
  let s = unnotate(raw);
  for (const [from, to] of MAPPINGS) s = replaceAll(s, from, to);
  s = stripLead(s);
  // The AIM prefix comes first in the scanner's output, possibly after leading blank lines.
  let padded = s.replace(OUTER_NEWLINES, '');
  if (AIM.test(padded)) padded = padded.slice(3);
  let text = stripLead(s.replace(OUTER_SPACE, ''));
  if (AIM.test(text)) text = text.slice(3).replace(OUTER_SPACE, '');
  // Keyboard wedges type EOT (Ctrl-D) as the two characters `^D` at the very end.
  if (text.endsWith('^D') || text.endsWith('^d')) text = text.slice(0, -2) + EOT;
  return { text, padded };
}

/** True when every character is printable ASCII (space to tilde). */
export function isPrintableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** True when the string holds a C0 control character or DEL (left-over separators, ESC sequences). */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
