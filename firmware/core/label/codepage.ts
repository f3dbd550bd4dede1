// Keyboard-wedge output in the wrong code page or input mode. A wedge types the scan as key presses; when the
// host's keyboard layout, IME or code page does not match, letters arrive as half-width katakana, full-width
// forms or mojibake, and a parser that only splits text would pass them on as a part number. No reel label
// carries such characters, so their presence is flagged, never repaired by guessing.
import { reject, type Rejection } from './result';
import type { ReelLabel } from './types';

/** What Windows-1252 shows for the bytes 0x80–0x9F (the five it leaves undefined stay C1 controls, flagged below). */
const CP1252_HIGH = '\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178';

/** A UTF-8 continuation byte (0x80–0xBF) as Latin-1 or Windows-1252 shows it. */
const isContinuation = (c: number): boolean => (c >= 0x80 && c <= 0xbf) || CP1252_HIGH.indexOf(String.fromCharCode(c)) >= 0;

/** The first character (with a name for the operator) that only a wrong code page produces, if any. */
function offender(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c >= 0xff61 && c <= 0xff9f) return `half-width katakana "${s[i]!}"`;
    if (c >= 0xff01 && c <= 0xff5e) return `full-width "${s[i]!}"`;
    if (c === 0x3000) return 'an ideographic space';
    if (c === 0xfffd) return 'a replacement character (undecodable byte)';
    if (c >= 0x80 && c <= 0x9f) return `control character U+00${c.toString(16).toUpperCase()}`;
    // UTF-8 read as Latin-1 / Windows-1252: a lead byte shown as Ã or Â followed by a continuation byte, which
    // Windows-1252 shows as its own character for 0x80–0x9F (`Ã‰` is É, `Ã©` é).
    const next = s.charCodeAt(i + 1);
    if ((c === 0xc3 || c === 0xc2) && isContinuation(next)) return `mojibake "${s.slice(i, i + 2)}"`;
    if (c === 0xe2 && next === 0x20ac) return `mojibake "${s.slice(i, i + 2)}"`;
  }
  return undefined;
}

const advice = 'set the scanner (or keyboard wedge) to the host\'s keyboard layout with the IME off, and rescan';

/** A rejection when the raw scan holds characters only a wrong code page or input mode produces. */
export function checkScanCodePage(raw: string): Rejection | undefined {
  const bad = offender(raw);
  return bad === undefined ? undefined : reject('LABEL_WRONG_CODE_PAGE', `the scan holds ${bad}: ${advice}`);
}

/** Fields that identify the reel: they must be printable ASCII on every label this station reads. */
const ASCII_FIELDS = ['mpn', 'lot', 'supplierPn', 'reelId'] as const;

/** A rejection when a label's part number, lot or reel id holds a character outside printable ASCII. */
export function checkLabelCodePage(label: ReelLabel): Rejection | undefined {
  for (const k of ASCII_FIELDS) {
    const v = label[k];
    if (v === undefined) continue;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) {
        return reject('LABEL_WRONG_CODE_PAGE', `the ${k === 'mpn' ? 'part number' : k} "${v.slice(0, 40)}" holds "${v[i]!}", which no label prints: ${advice}`);
      }
    }
  }
  return undefined;
}
