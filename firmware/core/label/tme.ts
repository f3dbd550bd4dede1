// TME (Transfer Multisort Elektronik) bag codes: the QR (`KEY:value` tokens) and the DataMatrix (DIs separated
// by spaces, or by nothing at all on newer bags). Reference 2 and 3.3.
import { exactDiTokens } from './di';
import { country2, digits, field as f, partText, readSequence, type SeqField } from './fieldseq';
import { MAX_FIELDS } from './limits';
import { accept, agree, put, putQty, reject, type LabelDraft } from './result';
import type { LabelResult, ReelLabel } from './types';
import { frozen } from '../../../protocol/src/frozen';

const QR_KEYS = new Set(['QTY', 'PN', 'PO', 'CPO', 'MFR', 'MPN', 'COO']);

/** Splits `order/line`. */
function orderAndLine(d: LabelDraft, v: string): void {
  const i = v.indexOf('/');
  if (i < 0) d.salesOrder = v;
  else {
    d.salesOrder = v.slice(0, i);
    d.orderLine = v.slice(i + 1);
  }
}

/**
 * TME QR: `QTY:5 PN:x PO:order/line [CPO:x] [MFR:x] [MPN:x] [CoO:xx] [RoHS] <url>` in any order. Keys are
 * matched at the start of a space-separated token only, so `PN:` is never found inside `MPN:`. The MPN
 * comes from `MPN:` alone: `PN:` is TME's own symbol and often differs.
 */
export function parseTmeQr(text: string): LabelResult | undefined {
  const tokens = text.split(' ').filter((t) => t !== '');
  const values = new Map<string, string>();
  for (const t of tokens) {
    const m = /^([A-Za-z]{2,3}):(.*)$/.exec(t);
    if (m === null) continue; // RoHS flag, the URL (its scheme has more letters), anything else
    const key = m[1]!.toUpperCase();
    if (!QR_KEYS.has(key)) continue;
    const prev = values.get(key);
    if (prev !== undefined && prev !== m[2]) return reject('LABEL_CONFLICT', `the TME code carries ${key} twice with different values`);
    values.set(key, m[2]!);
  }
  if (!values.has('QTY') || !(values.has('PN') || values.has('MPN'))) return undefined;
  if (tokens.length > MAX_FIELDS) return reject('LABEL_TOO_LONG', `more than ${MAX_FIELDS} tokens in one code`);
  const d: LabelDraft = {};
  const badQty = putQty(d, values.get('QTY')!);
  if (badQty !== undefined) return badQty;
  put(d, 'mpn', values.get('MPN'));
  put(d, 'supplierPn', values.get('PN'));
  put(d, 'manufacturer', values.get('MFR'));
  put(d, 'customerPo', values.get('CPO'));
  put(d, 'countryOfOrigin', values.get('COO'));
  const po = values.get('PO');
  if (po !== undefined) orderAndLine(d, po);
  return accept('tme-qr', d);
}

const ORDER = /^[0-9]+\/[0-9]+$/;
const DM_DIS = new Set(['P', '1P', 'Q', '4L', 'K']);

function tmeDraft(p: string, p1: string, q: string, k: string, country: string | undefined): LabelResult {
  const d: LabelDraft = {};
  const badQty = putQty(d, q);
  if (badQty !== undefined) return badQty;
  d.supplierPn = p;
  // InvenTree's newer fixture shows `1PMPN<mpn>`: the word MPN before the number. Strip it only when what is
  // left is exactly TME's own symbol for the part; otherwise the true MPN cannot be told.
  if (p1.startsWith('MPN')) {
    if (p1.slice(3) !== p) return reject('LABEL_AMBIGUOUS', `the part number "${p1}" may or may not start with the word MPN; enter the part number by hand`);
    d.mpn = p;
  } else d.mpn = p1;
  orderAndLine(d, k);
  put(d, 'countryOfOrigin', country);
  return accept('tme-datamatrix', d);
}

/** TME DataMatrix with spaces: `P<tme> 1P<mpn> Q<n> [4L<cc>] K<order>/<line>`, no envelope. */
export function parseTmeDataMatrix(text: string): LabelResult | undefined {
  if (!text.includes(' ')) return parseTmeDataMatrixPacked(text);
  const tokens = text.split(' ');
  if (tokens.length < 4 || tokens.length > 5) return undefined;
  const m = exactDiTokens(tokens, DM_DIS);
  if (m === undefined) return undefined;
  const p = m.get('P');
  const p1 = m.get('1P');
  const q = m.get('Q');
  const k = m.get('K');
  if (p === undefined || p1 === undefined || q === undefined || k === undefined || !ORDER.test(k)) return undefined;
  return tmeDraft(p, p1, q, k, m.get('4L'));
}

// Newer TME codes have no separators at all. `4L` follows a digit-only quantity, so `Q14LCN` is Q1 + 4LCN to
// us but Q14 + "LCN" to at least one public decoder (partmanager reads the country tag as `L`). Both tags are
// in the sequence so that such a scan has two readings with different quantities and is rejected.
const PACKED: readonly SeqField[] = frozen([
  f('P', true, partText),
  f('1P', true, partText),
  f('Q', true, digits),
  f('4L', false, country2),
  f('L', false, country2),
  f('K', true, (v) => ORDER.test(v)),
]);

function parseTmeDataMatrixPacked(text: string): LabelResult | undefined {
  if (!/^P[\x21-\x7e]+1P[\x21-\x7e]+Q[0-9][\x21-\x7e]*K[0-9]+\/[0-9]+$/.test(text)) return undefined;
  const r = readSequence(text, PACKED);
  if (r.kind === 'too-many') return reject('LABEL_AMBIGUOUS', 'this separator-less TME code can be split many ways; enter the part by hand');
  const labels: ReelLabel[] = [];
  for (const reading of r.readings) {
    const m = new Map(reading);
    const res = tmeDraft(m.get('P')!, m.get('1P')!, m.get('Q')!, m.get('K')!, m.get('4L') ?? m.get('L'));
    if (res.ok) labels.push(res.label);
  }
  return labels.length === 0 ? undefined : agree(labels, 'separator-less TME code');
}
