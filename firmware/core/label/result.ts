// Small helpers to build verdicts; every rejection carries a reason name and a message an operator can act on.
import type { ReasonName } from '../../../protocol/src/reasons';
import type { LabelResult, ReelLabel } from './types';
import { parseQuantity } from './values';

export type Rejection = Extract<LabelResult, { ok: false }>;
export type Accepted = Extract<LabelResult, { ok: true }>;

/** A label under construction: every field optional and writable. */
export type LabelDraft = { -readonly [K in keyof ReelLabel]?: ReelLabel[K] };

export function reject(reason: ReasonName, message: string): Rejection {
  return { ok: false, reason, message };
}

/** Copies the defined fields of a draft into a label (exactOptionalPropertyTypes: never store undefined). */
export function accept(format: string, draft: LabelDraft): Accepted {
  const label: LabelDraft = { format };
  for (const k of Object.keys(draft) as (keyof ReelLabel)[]) {
    const v = draft[k];
    if (v !== undefined && k !== 'format') (label as Record<string, unknown>)[k] = v;
  }
  return { ok: true, label: label as ReelLabel };
}

/** Sets `key` on the draft only when the value is defined. */
export function put<K extends keyof LabelDraft>(draft: LabelDraft, key: K, value: LabelDraft[K] | undefined): void {
  if (value !== undefined) draft[key] = value;
}

/** Sets the draft's quantity, or returns the rejection of a quantity that is not a plain whole number. */
export function putQty(draft: LabelDraft, q: string): Rejection | undefined {
  const n = parseQuantity(q);
  if (n === undefined) return reject('LABEL_BAD_QUANTITY', `quantity "${q}" is not a plain whole number; enter the quantity by hand`);
  draft.qty = n;
  return undefined;
}

/** The three fields a wrong value of which would let a wrong reel through. */
export const CRITICAL: readonly (keyof ReelLabel)[] = ['mpn', 'qty', 'lot'];

/** True when two labels say exactly the same thing. */
export function sameLabel(a: ReelLabel, b: ReelLabel): boolean {
  const ka = Object.keys(a) as (keyof ReelLabel)[];
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => a[k] === b[k]);
}

/**
 * Merges the labels of several equally valid readings of one scan. A field they disagree on is dropped,
 * unless it is critical (mpn, qty, lot): then the scan is ambiguous and rejected.
 */
export function agree(labels: readonly ReelLabel[], what: string): LabelResult {
  const [head, ...rest] = labels;
  if (head === undefined) return reject('SCAN_UNREADABLE', `${what}: no reading fits`);
  if (rest.length === 0) return { ok: true, label: head };
  const keys = new Set<keyof ReelLabel>();
  for (const l of labels) for (const k of Object.keys(l) as (keyof ReelLabel)[]) keys.add(k);
  const draft: LabelDraft = {};
  for (const k of keys) {
    const v = head[k];
    const same = labels.every((l) => l[k] === v);
    if (same) (draft as Record<string, unknown>)[k] = v;
    else if (CRITICAL.includes(k)) {
      return reject('LABEL_AMBIGUOUS', `${what}: the ${k === 'qty' ? 'quantity' : k === 'mpn' ? 'part number' : 'lot'} can be read more than one way; rescan with GS/RS separators enabled or enter it by hand`);
    }
  }
  return accept(draft.format ?? head.format, draft);
}
