// Proprietary fixed-width and all-digit codes (reference 2) that are written as code. Positions are those the
// layouts print; each parser also checks the padding. (Vishay, Copal and Chemi-Con are layouts: builtin-layouts.ts.)
import { accept, reject } from './result';
import type { LabelResult } from './types';
import { parseQuantity } from './values';

const PN = /^[A-Z0-9][\x21-\x7e]*$/;

/**
 * Rohm QR, fixed width: PN left-aligned in 19, qty 6 (zero-padded), date code 4, lot 6, 3 more, then spaces
 * (`RK7002BMT116       0030001752E1019K017      …`).
 */
export function parseRohm(padded: string): LabelResult | undefined {
  if (padded.length < 38 || padded.length > 160) return undefined;
  const pn = padded.slice(0, 19).replace(/ +$/, '');
  const m = /^([0-9]{6})([0-9]{4})([A-Z0-9]{6})([A-Z0-9]{3}) *$/.exec(padded.slice(19));
  if (m === null || !PN.test(pn) || pn.includes(' ')) return undefined;
  const qty = parseQuantity(m[1]!);
  if (qty === undefined) return reject('LABEL_BAD_QUANTITY', `quantity "${m[1]!}" is not a plain whole number`);
  return accept('mfr-rohm-fixed', { mpn: pn, qty, dateCode: m[2]!, lot: m[3]! });
}

/** Walsin Code 128: PN left-aligned in 16, then a 5-digit quantity (`WR04X4751FTL    10000`). */
export function parseWalsin1d(text: string): LabelResult | undefined {
  if (text.length !== 21) return undefined;
  const pn = text.slice(0, 16).replace(/ +$/, '');
  const q = text.slice(16);
  if (pn.length === 16 || !PN.test(pn) || pn.includes(' ') || !/^[0-9]{5}$/.test(q)) return undefined;
  return accept('mfr-walsin-1d', { mpn: pn, qty: Number(q) });
}

/** Digi-Key legacy bag barcode: 22 digits = 7-digit product id + 9-digit quantity + 6 digits. No part number. */
export function parseDigikeyLegacy(text: string): LabelResult | undefined {
  if (!/^[0-9]{22}$/.test(text)) return undefined;
  return accept('digikey-legacy-1d', { qty: Number(text.slice(7, 16)) });
}
