// Reads one scan with one compiled layout. A layout claims a scan only when every anchor holds: length,
// prefix, piece count, tags, and the shape (characters, length, literal) of every field it declares. Anything
// else is "not mine" (undefined), so a layout never claims another family's label. Once it has claimed, a field
// that cannot be decoded, or two fields of one role that disagree, is a refusal naming the fields.
import { swallowedDi } from './eigp';
import { envelopePieces } from './envelope';
import type { CompiledField, CompiledLayout, FieldRole } from './layout';
import { charsAllow } from './layout';
import type { Scan } from './normalize';
import { accept, reject, type LabelDraft } from './result';
import type { LabelResult } from './types';
import { mslLevel, parseQuantity } from './values';

const MAX_QUANTITY = 0xffffffff;

/** What several layouts would each work out again for one scan: its ISO/IEC 15434 pieces. */
export interface ScanMemo {
  envelope?: string[] | null;
}

/** True when `s` holds between min - 1 and max - 1 separators: counted without splitting, stopping early. */
function pieceCountFits(s: string, sep: string, min: number, max: number): boolean {
  let n = 1;
  for (let i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, i + sep.length)) if (++n > max) return false;
  return n >= min;
}

/** The raw piece of text each field reads, or undefined when the scan is not this layout's. */
function pieces(l: CompiledLayout, scan: Scan, memo: ScanMemo): { readonly text: string; readonly list: readonly string[]; readonly tagged: ReadonlyMap<string, string> | string } | undefined {
  const d = l.doc;
  const text = l.cut === 'fixed' ? scan.padded : scan.text;
  if (text.length < d.minLength || text.length > d.maxLength || !text.startsWith(d.prefix)) return undefined;
  const body = text.slice(d.prefix.length);
  if (l.cut === 'fixed') return { text, list: [], tagged: new Map() };
  if (l.cut === 'delimited' && !pieceCountFits(body, d.separator, d.minPieces, d.maxPieces)) return undefined;
  if (l.cut === 'envelope' && memo.envelope === undefined) memo.envelope = envelopePieces(text) ?? null;
  const list = l.cut === 'envelope' ? memo.envelope ?? undefined : l.cut === 'tagged' ? body.split(d.separator).filter((p) => p !== '') : body.split(d.separator);
  if (list === undefined || list.length < d.minPieces || list.length > d.maxPieces) return undefined;
  if (l.cut === 'delimited') return { text, list, tagged: new Map() };
  const tagged = new Map<string, string>();
  for (const p of list) {
    const tag = l.tags.find((t) => p.startsWith(t));
    if (tag === undefined) return undefined; // a piece this layout does not declare: not its label
    const value = p.slice(tag.length);
    const prev = tagged.get(tag);
    if (prev !== undefined && prev !== value) return { text, list, tagged: tag };
    tagged.set(tag, value);
  }
  return { text, list, tagged };
}

function rawValue(l: CompiledLayout, f: CompiledField, text: string, list: readonly string[], tagged: ReadonlyMap<string, string>): string | undefined {
  if (l.cut === 'fixed') return f.start + f.width <= text.length ? text.slice(f.start, f.start + f.width) : f.start < text.length ? text.slice(f.start) : undefined;
  if (l.cut === 'delimited') {
    const p = list[f.piece];
    if (p === undefined || !p.startsWith(f.tag)) return undefined;
    return p.slice(f.tag.length);
  }
  return tagged.get(f.tag);
}

function trimmed(v: string, f: CompiledField): string {
  if (f.trim === 'both') return v.replace(/^ +| +$/g, '');
  if (f.trim === 'start') return v.replace(/^ +/, '');
  if (f.trim === 'end') return v.replace(/ +$/, '');
  return v;
}

/** True when the value has the shape the field declares (an anchor: a mismatch means "not this layout"). */
function fits(f: CompiledField, v: string): boolean {
  return v.length >= f.minLen && v.length <= f.maxLen && charsAllow(f.allowed, v) && (f.equals === '' || v === f.equals);
}

type Decoded = { readonly value: string | number } | { readonly refusal: LabelResult };

function decode(l: CompiledLayout, f: CompiledField, v: string): Decoded {
  const bad = (why: string): Decoded => ({ refusal: reject('LABEL_BAD_QUANTITY', `${l.id} label, ${f.where}: quantity "${v}" ${why}; count the reel or enter the quantity by hand`) });
  switch (f.coding) {
    case 'integer': {
      const n = parseQuantity(v);
      return n === undefined ? bad('is not a plain whole number') : { value: n };
    }
    case 'decimal': {
      const m = /^([0-9]{1,12})(?:\.([0-9]{0,6}))?$/.exec(v);
      if (m === null || (m[2] !== undefined && /[1-9]/.test(m[2]))) return bad('is not a whole number written as a decimal');
      const n = parseQuantity(m[1]!);
      return n === undefined ? bad('is too large') : { value: n };
    }
    case 'sig-zeros': {
      // Significant digits followed by the count of zeros that follow them: `253` = 25 × 10³ = 25000.
      if (!/^[0-9]{2,12}$/.test(v)) return bad('is not significant digits followed by a zero count');
      const n = Number(v.slice(0, -1)) * 10 ** Number(v[v.length - 1]);
      return n > MAX_QUANTITY ? bad('is too large') : { value: n };
    }
    case 'msl': {
      const level = mslLevel(v);
      return level === undefined
        ? { refusal: reject('SCAN_UNREADABLE', `${l.id} label, ${f.where}: "${v}" is not a J-STD-020 moisture level; check the label and enter the MSL by hand`) }
        : { value: level };
    }
    default:
      return { value: v };
  }
}

const NAMES: Partial<Record<FieldRole, string>> = { mpn: 'part number', qty: 'quantity', lot: 'lot', msl: 'MSL' };

/** Reads a scan with a layout: undefined when it is not the layout's, else the label or a refusal. Total. */
export function runLayout(l: CompiledLayout, scan: Scan, memo: ScanMemo = {}): LabelResult | undefined {
  const cut = pieces(l, scan, memo);
  if (cut === undefined) return undefined;
  if (typeof cut.tagged === 'string') {
    return reject('LABEL_CONFLICT', `${l.id} label: tag ${cut.tagged} appears twice with different values; rescan or enter the part by hand`);
  }
  const values: (readonly [CompiledField, string | number])[] = [];
  const refusals: LabelResult[] = [];
  for (const f of l.fields) {
    const raw = rawValue(l, f, cut.text, cut.list, cut.tagged);
    const v = raw === undefined ? undefined : trimmed(raw, f);
    if (v === undefined || v === '') {
      if (f.optional) continue;
      if (v === undefined) return undefined;
    }
    if (!fits(f, v)) return undefined;
    if (f.role === 'ignore' || f.role === 'check') continue;
    if (f.plain) {
      const lost = swallowedDi(v);
      if (lost !== undefined) {
        refusals.push(reject('LABEL_AMBIGUOUS', `${l.id} label, ${f.where}: "${v}" ends like a ${lost} field, so a separator was probably lost; rescan`));
        continue;
      }
    }
    const d = decode(l, f, v);
    if ('refusal' in d) refusals.push(d.refusal);
    else values.push([f, d.value]);
  }
  if (refusals.length > 0) return refusals[0];
  const draft: LabelDraft = {};
  const from: Partial<Record<FieldRole, CompiledField>> = {};
  for (const [f, v] of values) {
    const prev = (draft as Record<string, unknown>)[f.role];
    if (prev !== undefined && prev !== v) {
      const name = NAMES[f.role] ?? f.role;
      return reject('LABEL_CONFLICT', `${l.id} label: two ${name}s that disagree, "${String(prev)}" (${from[f.role]!.where}) and "${String(v)}" (${f.where}); scan another label of the reel or enter it by hand`);
    }
    (draft as Record<string, unknown>)[f.role] = v;
    from[f.role] = f;
  }
  return accept(l.id, draft);
}
