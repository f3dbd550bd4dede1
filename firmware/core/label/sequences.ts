// Vendor field sequences for scans whose separators the scanner dropped entirely (reference 3.2, first row).
// Each field's value pattern is what that vendor really prints; an MPN is free text, so the reader's job is
// to find every segmentation and let `agree` reject the scan if the MPN, quantity or lot is not unique.
import type { DiField } from './di';
import { interpretRecord } from './eigp';
import { country2, digits, digitsOrEmpty, field as f, freeText, partText, partTextOrEmpty, readSequence, type Reading, type SeqField } from './fieldseq';
import { agree, reject } from './result';
import type { LabelResult, ReelLabel } from './types';
import { frozen } from '../../../protocol/src/frozen';

const dateText = (v: string): boolean => /^[0-9./-]*$/.test(v);
const digikeyPn = (v: string): boolean => partText(v) && v.endsWith('-ND');
const labelType = (v: string): boolean => v === '' || v === 'PICK' || v === 'PREPACK';
const zeros = (v: string): boolean => /^0*$/.test(v);

/** Digi-Key PICK label: P 1P 30P K 1K 10K 9D 1T 11K 4L Q 11Z 12Z 13Z 20Z (older labels lack 30P, 9D, 1T; the tail may be cut). */
const DIGIKEY: readonly SeqField[] = [
  f('P', false, partTextOrEmpty),
  f('1P', true, partText),
  f('30P', false, digikeyPn),
  f('K', true, freeText),
  f('1K', true, digits),
  f('10K', true, digits),
  f('9D', false, dateText),
  f('1T', false, partTextOrEmpty),
  f('11K', true, digits),
  f('4L', true, (v) => v === '' || country2(v)),
  f('Q', true, digits),
  f('11Z', false, labelType),
  f('12Z', false, digitsOrEmpty),
  f('13Z', false, digitsOrEmpty),
  f('20Z', false, zeros),
];

/** Mouser: K 14K 1P|P Q 11K 4L 1V. Mouser's line item (14K) is always three digits. */
const mouser = (partTag: '1P' | 'P'): readonly SeqField[] => [
  f('K', true, freeText),
  f('14K', true, (v) => /^[0-9]{3}$/.test(v)),
  f(partTag, true, partText),
  f('Q', true, digits),
  f('11K', true, digits),
  f('4L', true, country2),
  f('1V', false, (v) => v !== '' && freeText(v)),
];

const TEMPLATES: readonly (readonly SeqField[])[] = frozen([DIGIKEY, mouser('1P'), mouser('P')]);

const toFields = (r: Reading): DiField[] => r.map(([di, value]) => ({ di, value }));

/** Reads an envelope body that has no separators left. */
export function readStripped(body: string, mouserHeader: boolean): LabelResult {
  const labels: ReelLabel[] = [];
  let lastRejection: LabelResult | undefined;
  for (const t of TEMPLATES) {
    const r = readSequence(body, t);
    if (r.kind === 'too-many') {
      return reject('LABEL_AMBIGUOUS', 'the scanner dropped the field separators and the fields can be split many ways; enable GS/RS output on the scanner and rescan');
    }
    for (const reading of r.readings) {
      const res = interpretRecord(toFields(reading), { mouserHeader });
      if (res.ok) labels.push(res.label);
      else lastRejection = res;
    }
  }
  if (labels.length === 0) {
    return lastRejection ?? reject('SCAN_UNREADABLE', 'the scanner dropped the field separators and the fields cannot be told apart; enable GS/RS output on the scanner and rescan');
  }
  return agree(labels, 'separator-less scan');
}
