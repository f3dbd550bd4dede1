// Proprietary manufacturer codes with delimiters (reference 2, `mfr-*`). Each parser recognises one layout
// only when every positional field has the shape that layout prints, and returns undefined otherwise.
import { exactDiTokens } from './di';
import { digits, digitsOrEmpty, field, freeText, partText, partTextOrEmpty, readSequence, type SeqField } from './fieldseq';
import { accept, agree, put, putQty, reject, type LabelDraft } from './result';
import type { LabelResult, ReelLabel } from './types';
import { frozen } from '../../../protocol/src/frozen';

const PART = /^[A-Z0-9][\x21-\x7e]*$/;

/** Panasonic Code 128: `3N1` + PN + space + quantity (`3N1ERJ-3EKF1502V 5000`). `3N2` codes are serials, not reel labels. */
export function parsePanasonic(text: string): LabelResult | undefined {
  const m = /^3N1 ?([A-Z0-9][\x21-\x7e]{2,}) +([0-9]+)$/.exec(text);
  if (m === null) return undefined;
  const d: LabelDraft = { mpn: m[1]! };
  return putQty(d, m[2]!) ?? accept('mfr-panasonic-1d', d);
}

/** Samsung Electro-Mechanics QR: `lot/PN/datecode/qty`, lot 7 characters, date 4 digits, qty 7 digits. */
export function parseSamsungSlash(text: string): LabelResult | undefined {
  const m = /^([A-Z0-9]{7})\/([A-Z0-9][\x21-\x7e]*)\/([0-9]{4})\/([0-9]{7})$/.exec(text);
  if (m === null || m[2]!.includes('/')) return undefined;
  const d: LabelDraft = { lot: m[1]!, mpn: m[2]!, dateCode: m[3]! };
  return putQty(d, m[4]!) ?? accept('mfr-samsung-slash', d);
}

/** Samsung Code 128 without a part number: lot (7, with a letter) + date code (4) + quantity (7). */
export function parseSamsung1d(text: string): LabelResult | undefined {
  const m = /^([A-Z0-9]{7})([0-9]{4})([0-9]{7})$/.exec(text);
  if (m === null || !/[A-Z]/.test(m[1]!)) return undefined;
  const d: LabelDraft = { lot: m[1]!, dateCode: m[2]! };
  return putQty(d, m[3]!) ?? accept('mfr-samsung-1d', d);
}

/** Lite-On: 9 `;` fields: customer; customer PN; PN; lot; qty; bin; reel id (LPN); date code; origin text. */
export function parseLiteOn(text: string): LabelResult | undefined {
  const f = text.split(';');
  if (f.length !== 9) return undefined;
  const [, cpn, pn, lot, qty, , reel, dc, origin] = f as [string, string, string, string, string, string, string, string, string];
  if (!PART.test(pn) || !/^[0-9]+$/.test(qty) || !/^[0-9]{4}$/.test(dc) || !/^[A-Z0-9]+$/.test(lot)) return undefined;
  const d: LabelDraft = { mpn: pn, lot, dateCode: dc, customerPn: cpn };
  if (reel !== '') d.reelId = reel;
  if (origin !== '') d.countryOfOrigin = origin;
  return putQty(d, qty) ?? accept('mfr-liteon-semicolon', d);
}

/**
 * Kemet PDF417, space-separated with runs of spaces: `batch(9) <station(2)><package(3)><PN> qty(7)[origin  cc]`
 * (`232802636 B1008C1206C103K1RAC7800    0004000MEXICO    MX`).
 */
export function parseKemet(text: string): LabelResult | undefined {
  const m = /^([0-9]{9}) +[A-Z][0-9][0-9]{3}([A-Z][A-Z0-9-]{5,}) +([0-9]{7})(?:([A-Z][A-Z ]*[A-Z]) +([A-Z]{2}))?$/.exec(text);
  if (m === null) return undefined;
  const d: LabelDraft = { mpn: m[2]! };
  put(d, 'countryOfOrigin', m[5]);
  return putQty(d, m[3]!) ?? accept('mfr-kemet-space', d);
}

/** Stackpole PDF417: `1P<PN>,Q<qty>,1T<lot>[,<date>[,<cc>]]`; the last two fields carry no DI. */
export function parseStackpole(text: string): LabelResult | undefined {
  const f = text.split(',');
  if (f.length < 3 || f.length > 5) return undefined;
  if (!f[0]!.startsWith('1P') || !f[1]!.startsWith('Q') || !f[2]!.startsWith('1T')) return undefined;
  const pn = f[0]!.slice(2);
  const lot = f[2]!.slice(2);
  if (!PART.test(pn) || !/^[A-Z0-9-]*$/.test(lot)) return undefined;
  const date = f[3];
  const cc = f[4];
  if (date !== undefined && !/^[0-9/]+$/.test(date)) return undefined;
  if (cc !== undefined && !/^[A-Z]{2}$/.test(cc)) return undefined;
  const d: LabelDraft = { mpn: pn, lot };
  put(d, 'dateCode', date);
  put(d, 'countryOfOrigin', cc);
  return putQty(d, f[1]!.slice(1)) ?? accept('mfr-stackpole-comma', d);
}

const BOURNS_DIS = new Set(['P', '1P', 'Q', '9D', '10D', '1T', '4L']);

/**
 * Bourns reel DataMatrix: MH10 DIs separated by `+` with no envelope (`PSRU8043-470Y+Q1000+9D1602+1TCA164778M`).
 * Here P is the Bourns part number; if a 1P is present it wins and P is the customer's.
 */
export function parseBourns(text: string): LabelResult | undefined {
  const tokens = text.split('+');
  if (tokens.length < 2 || tokens.length > 8 || !tokens[0]!.startsWith('P')) return undefined;
  const m = exactDiTokens(tokens, BOURNS_DIS);
  if (m === undefined) return undefined;
  const q = m.get('Q');
  const p = m.get('P')!;
  if (q === undefined || !PART.test(p)) return undefined;
  const p1 = m.get('1P');
  const d: LabelDraft = {};
  if (p1 !== undefined) {
    d.mpn = p1;
    d.customerPn = p;
  } else d.mpn = p;
  put(d, 'lot', m.get('1T'));
  put(d, 'dateCode', m.get('9D') ?? m.get('10D'));
  put(d, 'countryOfOrigin', m.get('4L'));
  return putQty(d, q) ?? accept('eigp114-manufacturer', d);
}

/**
 * Yageo, DIs separated by CR (one per line): `31P<PN>`, `32P<internal>`, `1T<lot>`, `Q<qty>`, `9D<date>`,
 * then untagged lines. Recognised only with those five lines in that order.
 */
export function parseYageoLines(text: string): LabelResult | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length < 5 || lines.length > 12) return undefined;
  const tags = ['31P', '32P', '1T', 'Q', '9D'];
  const v: string[] = [];
  for (let i = 0; i < tags.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith(tags[i]!)) return undefined;
    v.push(line.slice(tags[i]!.length));
  }
  const [pn, , lot, qty, dc] = v as [string, string, string, string, string];
  if (!PART.test(pn) || !/^[A-Z0-9-]*$/.test(lot)) return undefined;
  const d: LabelDraft = { mpn: pn, lot, dateCode: dc };
  return putQty(d, qty) ?? accept('mfr-yageo-lines', d);
}

const seq = (tag: string, valid: (v: string) => boolean): SeqField => field(tag, true, valid);

// Yageo "private assembly label": 3-letter tags run together with no separators. TIM holds a date with spaces.
const YAGEO_TOKENS: readonly SeqField[] = frozen([
  seq('UID', digits),
  seq('PID', digits),
  seq('TIM', freeText),
  seq('SPL', partText),
  seq('LID', partTextOrEmpty),
  seq('SPN', partText),
  seq('QTY', digits),
  seq('DCD', digitsOrEmpty),
  seq('MSD', partTextOrEmpty),
  seq('COO', (v) => /^([A-Z]{2})?$/.test(v)),
  seq('ESD', freeText),
  seq('SER', digits),
]);

/**
 * Yageo tokenised label. The LID ("lot id") field is not reported as the lot: its relation to the reel's lot
 * is not confirmed, and the MSD token's scale (`0`) is not J-STD-020, so neither is reported.
 */
export function parseYageoTokens(text: string): LabelResult | undefined {
  if (!text.startsWith('UID') || text.length > 400) return undefined;
  const r = readSequence(text, YAGEO_TOKENS);
  if (r.kind === 'too-many') return reject('LABEL_AMBIGUOUS', 'this Yageo code can be split many ways; enter the part by hand');
  const labels: ReelLabel[] = [];
  for (const reading of r.readings) {
    const m = new Map(reading);
    const d: LabelDraft = { mpn: m.get('SPN')!, dateCode: m.get('DCD')!, reelId: m.get('SER')! };
    const coo = m.get('COO')!;
    if (coo !== '') d.countryOfOrigin = coo;
    const res = putQty(d, m.get('QTY')!) ?? accept('mfr-yageo-tokenized', d);
    if (res.ok) labels.push(res.label);
  }
  return labels.length === 0 ? undefined : agree(labels, 'Yageo code');
}

// Walsin QR: single-letter tags P, Q, L, D run together (`P1206B473K501CTQ2000L130I263678D181029`). Every split
// is tried. Walsin part numbers may themselves end in Q, and Binner reads this very code as PN `…CTQ` with the
// quantity tag absorbed, so for each reading the PN-with-the-Q reading is added too: the MPN then always has
// two readings and the scan is rejected, while quantity and lot (the same in both) could not be wrong.
const WALSIN: readonly SeqField[] = frozen([
  seq('P', partText),
  seq('Q', digits),
  seq('L', (v) => /^[A-Z0-9]+$/.test(v)),
  seq('D', (v) => /^[0-9]{6}$/.test(v)),
]);

export function parseWalsinTagged(text: string): LabelResult | undefined {
  if (!/^P[A-Z0-9][\x21-\x7e]*Q[0-9]+L[A-Z0-9]+D[0-9]{6}$/.test(text) || text.length > 120) return undefined;
  const r = readSequence(text, WALSIN);
  if (r.kind === 'too-many') return reject('LABEL_AMBIGUOUS', 'this Walsin code can be split many ways; enter the part by hand');
  const labels: ReelLabel[] = [];
  for (const reading of r.readings) {
    const m = new Map(reading);
    for (const mpn of [m.get('P')!, m.get('P')! + 'Q']) {
      const d: LabelDraft = { mpn, lot: m.get('L')!, dateCode: m.get('D')! };
      const res = putQty(d, m.get('Q')!) ?? accept('mfr-walsin-tagged', d);
      if (res.ok) labels.push(res.label);
    }
  }
  return labels.length === 0 ? undefined : agree(labels, 'Walsin code');
}
