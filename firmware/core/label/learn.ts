// Learning a layout from a few sample scans of one label and the fields a person reads off each of them
// (`warden label learn`). Pure and bounded. The learner tries each way of cutting the scans (ISO/IEC 15434
// envelope with its own tags, a delimiter, fixed columns), finds every place each given field could come from,
// and proposes a layout only when the samples leave exactly one reading: a field that fits two places that
// could differ on another label, or no place, is a refusal that says which samples to add. The proposal is then
// checked: it must read every sample back exactly, claim none of the `avoid` scans (labels of other families),
// and not make the samples ambiguous with a built-in format.
import type { ReasonName } from '../../../protocol/src/reasons';
import { envelopePieces } from './envelope';
import { compileLayout, isReservedId, type CompiledLayout, type FieldRole, type LayoutDoc, type LayoutFieldDoc } from './layout';
import { layoutWireSize } from './layout-store';
import { runLayout } from './layout-run';
import { MAX_FIELDS, MAX_SCAN_CHARS } from './limits';
import { GS, normalizeScan, type Scan } from './normalize';
import { parseLabel } from './parse';
import type { LabelResult, ReelLabel } from './types';
import { mslLevel, parseQuantity } from './values';

export type LearnRole = Exclude<FieldRole, 'check' | 'ignore'>;

export interface LearnSample {
  /** The raw scan, exactly as the scanner delivered it. */
  readonly scan: string;
  /** What the label says, read off it by a person: at least one of mpn, qty, lot. */
  readonly fields: Readonly<Partial<Record<LearnRole, string | number>>>;
}

export interface LearnOptions {
  readonly layoutId: string;
  readonly provenance?: string;
  /** Scans of other labels the layout must not claim (the real-payload fixtures of every other family). */
  readonly avoid?: readonly { readonly id: string; readonly scan: string }[];
}

export type LearnResult =
  | {
      readonly ok: true;
      readonly doc: LayoutDoc;
      readonly layout: CompiledLayout;
      /** How the station reads each sample with the layout loaded (built-in formats included). */
      readonly readings: readonly LabelResult[];
      /** What a person should know about the proposal (fields read twice, built-ins that read the samples too). */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

export const MIN_SAMPLES = 2;
export const MAX_SAMPLES = 32;
const MAX_CANDIDATES = 64;

const ROLES: readonly LearnRole[] = ['mpn', 'qty', 'lot', 'dateCode', 'customerPn', 'supplierPn', 'customerPo', 'salesOrder', 'countryOfOrigin', 'manufacturer', 'msl', 'reelId', 'expiryDate'];
/** Candidate delimiters, in order of preference. */
const SEPARATORS = [GS, '$', ':', ';', '|', '!', '/', ',', '&', '@', '*', '+', '#', '~', '^', '\t', '\r', ' '];

type Value = string | number;
interface Prepared {
  readonly scan: Scan;
  readonly values: ReadonlyMap<LearnRole, Value>;
}

/** A cut that failed: how far it got, and why. UNDETERMINED beats "no place", more mapped fields beat fewer. */
interface Failure {
  readonly detail: string;
  readonly mapped: number;
  readonly undetermined: boolean;
}
type Built = { readonly doc: LayoutDoc; readonly notes: readonly string[] } | Failure;
const isFailure = (b: Built): b is Failure => 'detail' in b;

const show = (v: Value): string => (typeof v === 'number' ? String(v) : JSON.stringify(v));

// ------------------------------------------------------------------------------------------------------------
// Shapes generalised from the samples

/** The character class of some values: letter and digit classes as ranges, anything else listed ('-' last). */
export function classOf(values: readonly string[]): string | undefined {
  let upper = false;
  let lower = false;
  let digit = false;
  const lit = new Set<string>();
  for (const v of values) {
    for (const ch of v) {
      const c = ch.charCodeAt(0);
      if (c < 0x20 || c > 0x7e) return undefined;
      if (c >= 0x41 && c <= 0x5a) upper = true;
      else if (c >= 0x61 && c <= 0x7a) lower = true;
      else if (c >= 0x30 && c <= 0x39) digit = true;
      else lit.add(ch);
    }
  }
  const others = [...lit].filter((c) => c !== '-').sort().join('');
  const s = `${upper ? 'A-Z' : ''}${lower ? 'a-z' : ''}${digit ? '0-9' : ''}${others}${lit.has('-') ? '-' : ''}`;
  return s.length > 32 ? undefined : s;
}

/** Length bounds for a reported text field: what was seen, with room for longer values of the same kind. */
function textBounds(values: readonly string[]): { minLen: number; maxLen: number } {
  const lens = values.map((v) => v.length);
  const min = Math.min(...lens);
  const max = Math.max(...lens);
  return { minLen: min === 0 ? 0 : Math.max(1, Math.floor(min / 2)), maxLen: Math.min(255, max + Math.max(4, Math.ceil(max / 2))) };
}

function fieldDoc(role: FieldRole, at: Partial<LayoutFieldDoc>): LayoutFieldDoc {
  return {
    role,
    piece: 0,
    start: 0,
    width: 0,
    tag: '',
    coding: role === 'qty' ? 'integer' : role === 'msl' ? 'msl' : 'text',
    trim: 'none',
    chars: '',
    minLen: 1,
    maxLen: 64,
    equals: '',
    optional: false,
    plain: false,
    ...at,
  };
}

/** A field that reports `role` from the given raw texts (after tag and trim). */
function reportField(role: LearnRole, raws: readonly string[], at: Partial<LayoutFieldDoc>): LayoutFieldDoc | undefined {
  const coding = at.coding ?? (role === 'qty' ? 'integer' : role === 'msl' ? 'msl' : 'text');
  if (coding !== 'text' && coding !== 'msl') {
    const maxLen = Math.min(13, Math.max(...raws.map((r) => r.length)) + 2);
    return fieldDoc(role, { ...at, coding, chars: coding === 'decimal' ? '0-9.' : '0-9', minLen: coding === 'sig-zeros' ? 2 : 1, maxLen });
  }
  const chars = classOf(raws);
  if (chars === undefined) return undefined;
  return fieldDoc(role, { ...at, coding, chars, ...textBounds(raws) });
}

/** An anchor over texts that are not reported: a literal when they are all the same, else their shape. */
function checkField(raws: readonly string[], at: Partial<LayoutFieldDoc>): LayoutFieldDoc | undefined {
  const chars = classOf(raws);
  if (chars === undefined) return undefined;
  const first = raws[0] ?? '';
  if (first !== '' && first.length <= 24 && raws.every((r) => r === first)) {
    return fieldDoc('check', { ...at, chars, equals: first, minLen: first.length, maxLen: first.length });
  }
  // A length that varies between the samples varies on other labels too; a constant one is an anchor.
  const lens = raws.map((r) => r.length);
  const exact = lens.every((n) => n === lens[0]);
  return fieldDoc('check', { ...at, chars, ...(exact ? { minLen: lens[0]!, maxLen: Math.max(1, lens[0]!) } : textBounds(raws)) });
}

// ------------------------------------------------------------------------------------------------------------
// How a value may be written

function decimalValue(x: string): number | undefined {
  const m = /^([0-9]{1,12})\.([0-9]{1,6})$/.exec(x);
  return m === null || /[1-9]/.test(m[2]!) ? undefined : parseQuantity(m[1]!);
}

function sigZerosValue(x: string): number | undefined {
  return /^[0-9]{2,12}$/.test(x) ? Number(x.slice(0, -1)) * 10 ** Number(x[x.length - 1]) : undefined;
}

const QTY_CODINGS = [
  ['integer', parseQuantity],
  ['decimal', decimalValue],
  ['sig-zeros', sigZerosValue],
] as const;

/** The value a field text stands for under a coding (text and msl compare as printed / as a level). */
function sameValue(role: LearnRole, coding: string, text: string, want: Value): boolean {
  if (role === 'qty') {
    const c = QTY_CODINGS.find(([name]) => name === coding);
    return c !== undefined && c[1](text) === want;
  }
  if (role === 'msl') return mslLevel(text) === want;
  return text === want;
}

/** The text a piece holds after a tag, or undefined when the piece does not start with it. */
const afterTag = (piece: string, tag: string): string | undefined => (piece.startsWith(tag) ? piece.slice(tag.length) : undefined);

/** Tags a piece of sample 0 may start with for `want`: none, or the text before the value (1–6 characters). */
function tagCandidates(role: LearnRole, piece: string, want: Value): string[] {
  const out = [''];
  if (role === 'qty') {
    const m = /^[^0-9]{1,6}/.exec(piece);
    if (m !== null) out.push(m[0]);
  } else if (role !== 'msl') {
    const w = String(want);
    if (piece.endsWith(w) && piece.length > w.length && piece.length - w.length <= 6) out.push(piece.slice(0, piece.length - w.length));
  }
  return out.filter((t) => t === '' || /^[\x21-\x7e]+$/.test(t));
}

// ------------------------------------------------------------------------------------------------------------
// Delimited and envelope cuts: a field is one piece (by index, or by tag)

interface PieceCandidate {
  readonly piece: number;
  readonly tag: string;
  readonly coding: LayoutFieldDoc['coding'];
  readonly trim: LayoutFieldDoc['trim'];
}

function codingsFor(role: LearnRole): readonly LayoutFieldDoc['coding'][] {
  return role === 'qty' ? ['integer', 'decimal', 'sig-zeros'] : role === 'msl' ? ['msl'] : ['text'];
}

/** Every (piece, tag, coding, trim) that holds the role's value in every sample. */
function pieceCandidates(role: LearnRole, split: readonly (readonly string[])[], samples: readonly Prepared[], count: number): PieceCandidate[] {
  const out: PieceCandidate[] = [];
  const want = samples.map((s) => s.values.get(role)!);
  for (let k = 0; k < count; k++) {
    const p0 = split[0]![k]!;
    for (const tag of tagCandidates(role, p0, want[0]!)) {
      for (const coding of codingsFor(role)) {
        for (const trim of ['none', 'both'] as const) {
          const all = split.every((p, i) => {
            const t = afterTag(p[k]!, tag);
            return t !== undefined && sameValue(role, coding, trim === 'both' ? t.trim() : t, want[i]!);
          });
          // Trimming is only proposed when it is needed.
          if (all && !(trim === 'both' && out.some((c) => c.piece === k && c.tag === tag && c.coding === coding))) out.push({ piece: k, tag, coding, trim });
        }
      }
    }
  }
  return out;
}

/** The fields reporting `role`, or why the samples do not determine them. */
function placeRole(role: LearnRole, cands: readonly PieceCandidate[], where: (k: number) => string, mapped: number): PieceCandidate[] | Failure {
  if (cands.length === 0) return { detail: `${role}: no ${where(-1)} holds the given value in every sample`, mapped, undetermined: false };
  const byPiece = new Map<number, PieceCandidate[]>();
  for (const c of cands) byPiece.set(c.piece, [...(byPiece.get(c.piece) ?? []), c]);
  const chosen: PieceCandidate[] = [];
  for (const [k, list] of byPiece) {
    const readings = new Set(list.map((c) => `${c.tag}|${c.coding}`));
    if (readings.size > 1) {
      return {
        detail: `${role}: ${where(k)} reads as ${list.map((c) => `${c.tag === '' ? '' : `tag ${c.tag} + `}${c.coding}`).join(' or ')} in every sample; add a sample where they differ`,
        mapped,
        undetermined: true,
      };
    }
    chosen.push(list[0]!);
  }
  return chosen;
}

function lengthBounds(samples: readonly Prepared[], text: (s: Prepared) => string): { minLength: number; maxLength: number } {
  const lens = samples.map((s) => text(s).length);
  return { minLength: Math.max(1, Math.floor(Math.min(...lens) / 2)), maxLength: Math.min(MAX_SCAN_CHARS, Math.max(Math.max(...lens) * 2, Math.max(...lens) + 32)) };
}

/** Mapped fields first, then anchors (literals before shapes), at most the wire's 16. */
function capFields(reported: readonly LayoutFieldDoc[], checks: readonly LayoutFieldDoc[]): LayoutFieldDoc[] {
  const ranked = [...checks].sort((a, b) => Number(b.equals !== '') - Number(a.equals !== '') || Number(b.minLen === b.maxLen) - Number(a.minLen === a.maxLen));
  return [...reported, ...ranked].slice(0, 16);
}

function learnDelimited(samples: readonly Prepared[], roles: readonly LearnRole[], sep: string, head: Omit<LayoutDoc, 'cut' | 'separator' | 'prefix' | 'minLength' | 'maxLength' | 'minPieces' | 'maxPieces' | 'fields'>): Built {
  let split = samples.map((s) => s.scan.text.split(sep));
  // A first piece that is the same in every sample (`:` at the start, `1$`, `KHK:`) is the prefix: an anchor.
  let prefix = '';
  const p0 = split[0]![0]!;
  const givenText = samples.flatMap((s) => [...s.values.values()].map(String));
  if (p0.length <= 20 && split.every((p) => p[0] === p0) && (p0 !== '' || sep !== ' ') && !givenText.some((v) => p0.includes(v))) {
    prefix = p0 + sep;
    split = split.map((p) => p.slice(1));
  }
  const counts = split.map((p) => p.length);
  const minPieces = Math.min(...counts);
  const maxPieces = Math.max(...counts);
  if (minPieces < 1 || maxPieces > MAX_FIELDS) return { detail: `separator ${JSON.stringify(sep)}: ${maxPieces} pieces, more than ${MAX_FIELDS}`, mapped: 0, undetermined: false };
  const reported: LayoutFieldDoc[] = [];
  const notes: string[] = [];
  const used = new Set<number>();
  for (const role of roles) {
    const placed = placeRole(role, pieceCandidates(role, split, samples, minPieces), (k) => (k < 0 ? `piece (cut at ${JSON.stringify(sep)})` : `piece ${k}`), reported.length);
    if ('detail' in placed) return placed;
    if (placed.length > 1) notes.push(`${role} is read from pieces ${placed.map((c) => c.piece).join(' and ')}, which must agree on every label`);
    for (const c of placed) {
      const raws = split.map((p) => {
        const t = afterTag(p[c.piece]!, c.tag)!;
        return c.trim === 'both' ? t.trim() : t;
      });
      const f = reportField(role, raws, { piece: c.piece, tag: c.tag, coding: c.coding, trim: c.trim });
      if (f === undefined) return { detail: `${role}: the values hold characters a layout cannot list`, mapped: reported.length, undetermined: false };
      reported.push(f);
      used.add(c.piece);
    }
  }
  const checks: LayoutFieldDoc[] = [];
  for (let k = 0; k < maxPieces; k++) {
    if (used.has(k)) continue;
    const present = split.filter((p) => k < p.length).map((p) => p[k]!);
    const f = checkField(present, { piece: k, optional: present.length < split.length });
    if (f !== undefined) checks.push(f);
  }
  const doc: LayoutDoc = {
    ...head,
    cut: 'delimited',
    separator: sep,
    prefix,
    ...lengthBounds(samples, (s) => s.scan.text),
    minPieces,
    maxPieces,
    fields: capFields(reported, checks),
  };
  return { doc, notes };
}

/** The tag of pieces that carry no given value: their common start, cut like a data identifier (`RV` of `RVA`). */
function commonTag(pieces: readonly string[]): string | undefined {
  let common = pieces[0]!;
  for (const p of pieces) while (!p.startsWith(common)) common = common.slice(0, -1);
  const m = /^[0-9]{0,2}[A-Z]{1,3}/.exec(common);
  return m === null ? undefined : m[0];
}

function learnEnvelope(samples: readonly Prepared[], roles: readonly LearnRole[], head: Omit<LayoutDoc, 'cut' | 'separator' | 'prefix' | 'minLength' | 'maxLength' | 'minPieces' | 'maxPieces' | 'fields'>): Built {
  const split = samples.map((s) => envelopePieces(s.scan.text)!);
  const n = split[0]!.length;
  if (split.some((p) => p.length !== n)) return { detail: 'envelope: the samples have different numbers of fields; give samples of one layout', mapped: 0, undetermined: false };
  const reported: LayoutFieldDoc[] = [];
  const notes: string[] = [];
  const byPiece = new Map<number, string>();
  for (const role of roles) {
    const cands = pieceCandidates(role, split, samples, n).filter((c) => c.tag !== '' && c.trim === 'none');
    const placed = placeRole(role, cands, (k) => (k < 0 ? 'tagged field' : `field ${k + 1}`), reported.length);
    if ('detail' in placed) return placed;
    for (const c of placed) {
      if (byPiece.has(c.piece)) return { detail: `${role}: field ${c.piece + 1} is already read as ${byPiece.get(c.piece)!}; give values that tell them apart`, mapped: reported.length, undetermined: true };
      byPiece.set(c.piece, role);
      const f = reportField(role, split.map((p) => afterTag(p[c.piece]!, c.tag)!), { tag: c.tag, coding: c.coding });
      if (f === undefined) return { detail: `${role}: the values hold characters a layout cannot list`, mapped: reported.length, undetermined: false };
      reported.push(f);
    }
    if (placed.length > 1) notes.push(`${role} is read from tags ${placed.map((c) => c.tag).join(' and ')}, which must agree on every label`);
  }
  const checks: LayoutFieldDoc[] = [];
  for (let k = 0; k < n; k++) {
    if (byPiece.has(k)) continue;
    const tag = commonTag(split.map((p) => p[k]!));
    if (tag === undefined) return { detail: `envelope: field ${k + 1} starts differently in the samples, so its tag is unknown`, mapped: reported.length, undetermined: true };
    const f = checkField(split.map((p) => p[k]!.slice(tag.length)), { tag });
    if (f === undefined) return { detail: `envelope: field ${k + 1} holds characters a layout cannot list`, mapped: reported.length, undetermined: false };
    checks.push(f);
  }
  const all = [...reported, ...checks];
  if (all.length > 16) return { detail: `envelope: ${all.length} fields, more than the 16 a layout holds`, mapped: reported.length, undetermined: false };
  return { doc: { ...head, cut: 'envelope', separator: '', prefix: '', ...lengthBounds(samples, (s) => s.scan.text), minPieces: n, maxPieces: n, fields: all }, notes };
}

// ------------------------------------------------------------------------------------------------------------
// Fixed columns: a field is a column the value fills, padded with spaces

interface Column {
  readonly sLo: number;
  readonly sHi: number;
  readonly eLo: number;
  readonly eHi: number;
  readonly coding: LayoutFieldDoc['coding'];
}

/** Where a value is written in one text: every span, with the spaces around it it may be padded with. */
function spans(text: string, role: LearnRole, want: Value): Column[] {
  const out: Column[] = [];
  const pad = (a: number, b: number, coding: LayoutFieldDoc['coding']): Column => {
    let l = a;
    while (l > 0 && text[l - 1] === ' ') l--;
    let r = b;
    while (r < text.length && text[r] === ' ') r++;
    return { sLo: l, sHi: a, eLo: b, eHi: r, coding };
  };
  if (role === 'qty') {
    // Windows of digits (and a decimal point) that read as the quantity, zero padding included.
    for (let a = 0; a < text.length; a++) {
      for (let b = a + 1; b <= Math.min(text.length, a + 13); b++) {
        const w = text.slice(a, b);
        if (!/^[0-9.]+$/.test(w)) break;
        for (const [coding, read] of QTY_CODINGS) if (coding !== 'sig-zeros' && read(w) === want) out.push(pad(a, b, coding));
      }
    }
    return out;
  }
  const w = String(want);
  if (w === '') return out;
  for (let a = text.indexOf(w); a >= 0 && out.length < MAX_CANDIDATES; a = text.indexOf(w, a + 1)) out.push(pad(a, a + w.length, role === 'msl' ? 'msl' : 'text'));
  return out;
}

function learnFixed(samples: readonly Prepared[], roles: readonly LearnRole[], head: Omit<LayoutDoc, 'cut' | 'separator' | 'prefix' | 'minLength' | 'maxLength' | 'minPieces' | 'maxPieces' | 'fields'>): Built {
  const texts = samples.map((s) => s.scan.padded);
  const minL = Math.min(...texts.map((t) => t.length));
  const maxL = Math.max(...texts.map((t) => t.length));
  const reported: LayoutFieldDoc[] = [];
  const notes: string[] = [];
  const taken: (readonly [number, number])[] = [];
  for (const role of roles) {
    let cols = spans(texts[0]!, role, samples[0]!.values.get(role)!);
    for (let i = 1; i < texts.length && cols.length > 0; i++) {
      const next: Column[] = [];
      for (const c of cols) {
        for (const o of spans(texts[i]!, role, samples[i]!.values.get(role)!)) {
          if (o.coding !== c.coding) continue;
          const j = { sLo: Math.max(c.sLo, o.sLo), sHi: Math.min(c.sHi, o.sHi), eLo: Math.max(c.eLo, o.eLo), eHi: Math.min(c.eHi, o.eHi), coding: c.coding };
          if (j.sLo <= j.sHi && j.eLo <= j.eHi && next.length < MAX_CANDIDATES) next.push(j);
        }
      }
      cols = next;
    }
    // The widest column each span allows: values grow into their padding.
    const found = cols.map((c) => [c.sLo, c.eHi, c.coding] as const).filter((c, i, all) => all.findIndex((d) => d[0] === c[0] && d[1] === c[1]) === i);
    if (found.length === 0) return { detail: `${role}: no column holds the given value in every sample`, mapped: reported.length, undetermined: false };
    for (let a = 0; a < found.length; a++) {
      for (let b = a + 1; b < found.length; b++) {
        if (found[a]![0] < found[b]![1] && found[b]![0] < found[a]![1]) {
          return {
            detail: `${role}: columns ${found[a]![0]}–${found[a]![1]} and ${found[b]![0]}–${found[b]![1]} both fit every sample; add a sample where they differ (a longer or shorter value)`,
            mapped: reported.length,
            undetermined: true,
          };
        }
      }
    }
    if (found.length > 1) notes.push(`${role} is read from columns ${found.map(([s, e]) => `${s}–${e}`).join(' and ')}, which must agree on every label`);
    for (const [s, e, coding] of found) {
      const f = reportField(role, texts.map((t) => t.slice(s, e).trim()), { start: s, width: e - s, trim: 'both', coding });
      if (f === undefined) return { detail: `${role}: the values hold characters a layout cannot list`, mapped: reported.length, undetermined: false };
      reported.push(f);
      taken.push([s, e]);
    }
  }
  // Anchors: every stretch of columns no field reads, with the shape it has in all samples.
  const checks: LayoutFieldDoc[] = [];
  const free = (x: number): boolean => !taken.some(([s, e]) => x >= s && x < e);
  for (let x = 0; x < minL; ) {
    if (!free(x)) {
      x++;
      continue;
    }
    let y = x;
    while (y < minL && free(y)) y++;
    const f = checkField(texts.map((t) => t.slice(x, y)), { start: x, width: y - x, trim: 'none' });
    if (f !== undefined) checks.push({ ...f, minLen: y - x, maxLen: y - x });
    x = y;
  }
  return { doc: { ...head, cut: 'fixed', separator: '', prefix: '', minLength: minL, maxLength: maxL, minPieces: 0, maxPieces: 0, fields: capFields(reported, checks) }, notes };
}

// ------------------------------------------------------------------------------------------------------------

function prepare(samples: readonly LearnSample[]): { prepared: Prepared[]; roles: LearnRole[] } | string {
  if (!Array.isArray(samples) || samples.length < MIN_SAMPLES) return `give at least ${MIN_SAMPLES} sample scans of the label (3 or more, of different reels, is better)`;
  if (samples.length > MAX_SAMPLES) return `at most ${MAX_SAMPLES} samples`;
  const roles = ROLES.filter((r) => samples[0]!.fields[r] !== undefined);
  if (!roles.some((r) => r === 'mpn' || r === 'qty' || r === 'lot')) return 'samples[0].fields: give at least the part number (mpn), the quantity (qty) or the lot';
  const prepared: Prepared[] = [];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (typeof s.scan !== 'string' || s.scan.trim() === '' || s.scan.length > MAX_SCAN_CHARS) return `samples[${i}].scan: a scan of 1 to ${MAX_SCAN_CHARS} characters`;
    const given = Object.keys(s.fields).filter((k) => s.fields[k as LearnRole] !== undefined);
    for (const k of given) if (!ROLES.includes(k as LearnRole)) return `samples[${i}].fields.${k}: not a label field (${ROLES.join(', ')})`;
    if (given.length !== roles.length || roles.some((r) => s.fields[r] === undefined)) return `samples[${i}].fields: give the same fields for every sample (${roles.join(', ')})`;
    const values = new Map<LearnRole, Value>();
    for (const r of roles) {
      const v = s.fields[r]!;
      if (r === 'qty') {
        const n = typeof v === 'number' ? v : parseQuantity(String(v));
        if (n === undefined || !Number.isInteger(n) || n < 0 || n > 0xffffffff) return `samples[${i}].fields.qty: a whole number`;
        values.set(r, n);
      } else if (r === 'msl') {
        const level = mslLevel(String(v));
        if (level === undefined) return `samples[${i}].fields.msl: a J-STD-020 level (1, 2, 2a, 3, 4, 5, 5a, 6)`;
        values.set(r, level);
      } else {
        if (typeof v !== 'string' || v === '' || v.length > 64) return `samples[${i}].fields.${r}: text of 1 to 64 characters`;
        values.set(r, v);
      }
    }
    prepared.push({ scan: normalizeScan(s.scan), values });
  }
  return { prepared, roles };
}

const undetermined = (detail: string): LearnResult => ({ ok: false, reason: 'LABEL_LAYOUT_UNDETERMINED', detail });

/** Checks a proposal: it reads every sample back, claims no avoided scan, and fits the wire. */
function verify(doc: LayoutDoc, samples: readonly Prepared[], roles: readonly LearnRole[], avoid: LearnOptions['avoid']): { layout: CompiledLayout } | string {
  const size = layoutWireSize(doc);
  if (!size.ok) return size.detail;
  const c = compileLayout(doc);
  if (!c.ok) return c.detail;
  for (let i = 0; i < samples.length; i++) {
    const r = runLayout(c.layout, samples[i]!.scan);
    if (r === undefined) return `sample ${i + 1} is not claimed by the proposal`;
    if (!r.ok) return `sample ${i + 1}: ${r.message}`;
    for (const role of roles) {
      const got = r.label[role as keyof ReelLabel];
      if (got !== samples[i]!.values.get(role)) return `sample ${i + 1}: ${role} reads ${show(got ?? '(nothing)')}, not ${show(samples[i]!.values.get(role)!)}`;
    }
  }
  const claimed = (avoid ?? []).filter((a) => runLayout(c.layout, normalizeScan(a.scan)) !== undefined);
  if (claimed.length > 0) {
    return `the proposal would also claim ${claimed.length} label(s) of other families (${claimed.slice(0, 3).map((a) => a.id).join(', ')}); give samples that tell this label apart`;
  }
  return { layout: c.layout };
}

/**
 * Proposes a layout for the samples, or refuses: LABEL_LAYOUT_INVALID for bad input, LABEL_LAYOUT_UNDETERMINED
 * when the samples leave more than one reading or none. Total: never throws.
 */
export function learnLayout(samples: readonly LearnSample[], options: LearnOptions): LearnResult {
  try {
    if (typeof options.layoutId !== 'string' || isReservedId(options.layoutId)) {
      return { ok: false, reason: 'LABEL_LAYOUT_INVALID', detail: 'layoutId: choose an id that does not start like a built-in format (eigp114, mfr-, tme-, lcsc-, digikey-, warden-)' };
    }
    const p = prepare(samples);
    if (typeof p === 'string') return { ok: false, reason: 'LABEL_LAYOUT_INVALID', detail: p };
    const { prepared, roles } = p;
    const head = { layoutId: options.layoutId, revision: 1, provenance: (options.provenance ?? `learned from ${prepared.length} samples`).slice(0, 64) };
    const attempts: Built[] = [];
    if (prepared.every((s) => envelopePieces(s.scan.text) !== undefined)) attempts.push(learnEnvelope(prepared, roles, head));
    for (const sep of SEPARATORS) if (prepared.every((s) => s.scan.text.includes(sep))) attempts.push(learnDelimited(prepared, roles, sep, head));
    attempts.push(learnFixed(prepared, roles, head));
    const failures: Failure[] = [];
    for (const a of attempts) {
      if (isFailure(a)) {
        failures.push(a);
        continue;
      }
      const v = verify(a.doc, prepared, roles, options.avoid);
      if (typeof v === 'string') {
        failures.push({ detail: `${a.doc.cut}${a.doc.separator === '' ? '' : ` by ${JSON.stringify(a.doc.separator)}`}: ${v}`, mapped: roles.length, undetermined: true });
        continue;
      }
      const readings = samples.map((s) => parseLabel(s.scan, { layouts: { layouts: [v.layout] } }));
      const clash = readings.findIndex((r) => !r.ok || r.label.format !== v.layout.id);
      if (clash >= 0 && !readings[clash]!.ok) {
        failures.push({ detail: `sample ${clash + 1}: with this layout loaded the station answers ${(readings[clash] as { reason: string }).reason} (a built-in format reads it differently)`, mapped: roles.length, undetermined: true });
        continue;
      }
      const notes = [...a.notes];
      if (clash >= 0) notes.push(`a built-in format already reads these samples the same way (${(readings[clash] as { label: ReelLabel }).label.format})`);
      return { ok: true, doc: a.doc, layout: v.layout, readings, notes };
    }
    const best = [...failures].sort((x, y) => Number(y.undetermined) - Number(x.undetermined) || y.mapped - x.mapped)[0];
    return undetermined(best?.detail ?? 'no way of cutting the samples reads the given fields');
  } catch {
    return { ok: false, reason: 'INTERNAL_ERROR', detail: 'the learner failed on these samples; report them' };
  }
}
