// Proprietary fixed-width and all-digit codes (reference 2). Positions are those the layouts print; each parser
// also checks the padding and, where the layout repeats a value, that both copies agree.
import { accept, reject, type LabelDraft } from './result';
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

/**
 * Vishay PDF417, fixed width (325 characters): PN right-aligned in 0–18, quantity as a decimal right-aligned
 * in 99–112 (`4000.000`), quantity again in 221–227 and PN again in 227–272. Both copies must agree. Of the
 * several lot-like fields none is reported as the lot: which one Vishay means by "lot" is not confirmed.
 */
export function parseVishay(padded: string): LabelResult | undefined {
  if (padded.length < 272 || padded.length > 340) return undefined;
  const pn = padded.slice(0, 18).replace(/^ +/, '');
  const pnAgain = padded.slice(227, 272).replace(/^ +/, '');
  const qtyText = padded.slice(99, 112).replace(/^ +/, '');
  const qtyAgain = padded.slice(221, 227).replace(/^ +/, '');
  const dec = /^([0-9]+)(?:\.0+)?$/.exec(qtyText);
  if (!PN.test(pn) || pn.includes(' ') || pn !== pnAgain || dec === null) return undefined;
  // The decimal form is the layout's way of writing a whole count; a fraction other than zero is not a count.
  const qty = parseQuantity(dec[1]!);
  if (qty === undefined || parseQuantity(qtyAgain) !== qty) {
    return reject('LABEL_BAD_QUANTITY', `the two quantities on this Vishay label ("${qtyText}", "${qtyAgain}") do not agree; count the reel`);
  }
  const d: LabelDraft = { mpn: pn, qty };
  return accept('mfr-vishay-fixed', d);
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
