// LCSC bag QR: `{pbn:PICK…,on:SO…,pc:C…,pm:<MPN>,qty:n,mc:<note>,cc:1,pdi:n,hp:0,wc:ZH}`. Not JSON: keys and
// values are bare, and `mc` (the buyer's note) may contain commas, so a comma splits only before `key:`.
import { MAX_FIELDS } from './limits';
import { accept, put, putQty, reject, type LabelDraft } from './result';
import type { LabelResult } from './types';

const SPLIT = /,(?=[A-Za-z]{1,8}:)/;

export function parseLcsc(text: string): LabelResult | undefined {
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  const inner = text.slice(1, -1);
  const parts = inner.split(SPLIT);
  if (parts.length > MAX_FIELDS) return reject('LABEL_TOO_LONG', `more than ${MAX_FIELDS} fields in one code`);
  const m = new Map<string, string>();
  for (const part of parts) {
    const kv = /^([A-Za-z]{1,8}):(.*)$/.exec(part);
    if (kv === null) return undefined;
    const key = kv[1]!.toLowerCase();
    if (m.has(key) && m.get(key) !== kv[2]) return reject('LABEL_CONFLICT', `the LCSC code carries ${key} twice with different values`);
    m.set(key, kv[2]!);
  }
  if (!(m.has('pm') || m.has('pc')) || !m.has('qty')) return undefined;
  const d: LabelDraft = {};
  const badQty = putQty(d, m.get('qty')!);
  if (badQty !== undefined) return badQty;
  put(d, 'mpn', m.get('pm'));
  put(d, 'supplierPn', m.get('pc'));
  put(d, 'salesOrder', m.get('on'));
  put(d, 'customerPn', m.get('mc'));
  return accept('lcsc-qr', d);
}
