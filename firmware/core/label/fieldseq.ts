// Reads a separator-less string against a known field sequence (a vendor's fixed DI order), the way
// Ki-nTree does for scanners that drop GS/RS, but without guessing: it enumerates EVERY segmentation that
// fits the sequence and each field's value pattern, and the caller accepts only what all readings agree on.
import { MAX_READINGS } from './limits';

export interface SeqField {
  /** Literal tag that starts the field (a DI such as `1P`, or a token such as `QTY`). */
  readonly tag: string;
  readonly required: boolean;
  /** Whether a candidate value fits this field. */
  readonly valid: (value: string) => boolean;
}

/** A field of a sequence template. */
export const field = (tag: string, required: boolean, valid: (value: string) => boolean): SeqField => ({ tag, required, valid });

/** One segmentation: [tag, value] pairs in order. */
export type Reading = readonly (readonly [string, string])[];

export type SeqResult = { readonly kind: 'readings'; readonly readings: readonly Reading[] } | { readonly kind: 'too-many' };

const TOO_MANY = 'too-many' as const;

/** All readings of `s` as the fields of `template` in order (optional fields may be absent). */
export function readSequence(s: string, template: readonly SeqField[]): SeqResult {
  const n = Math.min(template.length, 30); // bit masks below
  const memo = new Map<number, Reading[] | typeof TOO_MANY>();

  // starts[pos]: bit k set when field k's tag starts at pos. reach[i]: fields k >= i reachable by skipping only
  // optional ones. Both precomputed, so testing a candidate value end is O(1).
  const starts: number[] = [];
  for (let pos = 0; pos < s.length; pos++) {
    let bits = 0;
    for (let k = 0; k < n; k++) if (s.startsWith(template[k]!.tag, pos)) bits |= 1 << k;
    starts.push(bits);
  }
  const reach: number[] = [];
  const tailOptional: boolean[] = [];
  for (let i = 0; i <= n; i++) {
    let bits = 0;
    let k = i;
    for (; k < n; k++) {
      bits |= 1 << k;
      if (template[k]!.required) break;
    }
    reach.push(bits);
    tailOptional.push(k >= n);
  }
  const canStartAt = (pos: number, i: number): boolean => (pos === s.length ? tailOptional[i]! : (starts[pos]! & reach[i]!) !== 0);

  const from = (pos: number, i: number): Reading[] | typeof TOO_MANY => {
    const key = pos * (n + 1) + i;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let out: Reading[] | typeof TOO_MANY = [];
    if (pos === s.length) {
      out = canStartAt(pos, i) ? [[]] : [];
    } else {
      search: for (let j = i; j < n; j++) {
        const f = template[j]!;
        if ((starts[pos]! & (1 << j)) !== 0) {
          const start = pos + f.tag.length;
          for (let end = start; end <= s.length; end++) {
            if (!canStartAt(end, j + 1)) continue;
            const value = s.slice(start, end);
            if (!f.valid(value)) continue;
            const rest = from(end, j + 1);
            if (rest === TOO_MANY) {
              out = TOO_MANY;
              break search;
            }
            for (const r of rest) {
              out.push([[f.tag, value], ...r]);
              if (out.length > MAX_READINGS) {
                out = TOO_MANY;
                break search;
              }
            }
          }
        }
        if (f.required) break;
      }
    }
    memo.set(key, out);
    return out;
  };

  const all = from(0, 0);
  return all === TOO_MANY ? { kind: 'too-many' } : { kind: 'readings', readings: all };
}

// Value patterns shared by the vendor sequences.
export const digits = (v: string): boolean => /^[0-9]+$/.test(v);
export const digitsOrEmpty = (v: string): boolean => /^[0-9]*$/.test(v);
/** Part numbers and lots in a separator-less scan: printable, no spaces, no lower case (lower case there is scanner garbage). */
export const partText = (v: string): boolean => /^[\x21-\x60\x7b-\x7e]+$/.test(v);
export const partTextOrEmpty = (v: string): boolean => v === '' || partText(v);
/** Free text (customer references, PO strings, manufacturer names). */
export const freeText = (v: string): boolean => /^[\x20-\x7e]*$/.test(v);
export const country2 = (v: string): boolean => /^[A-Z]{2}$/.test(v);
