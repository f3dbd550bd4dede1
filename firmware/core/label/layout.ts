// Reel-label layouts as data: the document a process engineer writes (or `warden label learn` proposes), which
// is also the body of the LabelLayoutLoad message, and its checked, compiled form. A layout says how a label is
// recognised (prefix, length, piece count, field shapes and literals: anchors that make it claim only its own
// labels), how the scan is cut (delimiter, fixed columns, tags, ISO/IEC 15434 envelope) and what each field
// means (part number, quantity and its coding, lot, …). Everything is bounded and checked whole; every error
// names the field. (Whether a layout also fits one message, 476 bytes, is checked where the codec is: layout-store.ts.)
import type { MessageBody } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import { LABEL_FIELD_CODINGS, LABEL_FIELD_ROLES, LABEL_FIELD_TRIMS, LABEL_LAYOUT_CUTS, LABEL_LAYOUT_MAX } from '../../../protocol/src/vocabulary';
import { MAX_FIELDS, MAX_SCAN_CHARS } from './limits';

/** A layout, exactly as LabelLayoutLoad carries it. */
export type LayoutDoc = MessageBody<'LabelLayoutLoad'>;
export type LayoutFieldDoc = LayoutDoc['fields'][number];
export type LayoutCut = (typeof LABEL_LAYOUT_CUTS)[number];
export type FieldRole = (typeof LABEL_FIELD_ROLES)[number];
export type FieldCoding = (typeof LABEL_FIELD_CODINGS)[number];
export type FieldTrim = (typeof LABEL_FIELD_TRIMS)[number];

/** Most fields in one layout (the wire list bound). */
export const MAX_LAYOUT_FIELDS = LABEL_LAYOUT_MAX.fields;
/** Roles whose value is reported; `check` and `ignore` are not. */
export const OUTPUT_ROLES: readonly FieldRole[] = LABEL_FIELD_ROLES.filter((r) => r !== 'check' && r !== 'ignore');
/** The reel's identity: a layout must read at least one of these, always. */
const IDENTITY_ROLES: readonly FieldRole[] = ['mpn', 'qty', 'lot'];
/** Ids that belong to the firmware's own formats: a loaded layout may not take them. */
export const RESERVED_ID_PREFIXES = ['eigp114', 'mfr-', 'tme-', 'lcsc-', 'digikey-', 'warden-'] as const;

export interface CompiledField {
  readonly role: FieldRole;
  readonly piece: number;
  readonly start: number;
  readonly width: number;
  readonly tag: string;
  readonly coding: FieldCoding;
  readonly trim: FieldTrim;
  /** The character class as written, and compiled (index = code, 0x00–0x7f; undefined = any printable ASCII). */
  readonly chars: string;
  readonly allowed: Uint8Array | undefined;
  readonly minLen: number;
  readonly maxLen: number;
  readonly equals: string;
  readonly optional: boolean;
  readonly plain: boolean;
  /** Where the field is, for messages: `piece 3`, `columns 99–112`, `tag QT`. */
  readonly where: string;
}

export interface CompiledLayout {
  readonly doc: LayoutDoc;
  readonly id: string;
  readonly cut: LayoutCut;
  readonly fields: readonly CompiledField[];
  /** Tagged and envelope cuts: the declared tags, longest first (so `1P` is tried before `P`). */
  readonly tags: readonly string[];
}

export type LayoutCheck =
  | { readonly ok: true; readonly layout: CompiledLayout }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

const invalid = (detail: string): LayoutCheck => ({ ok: false, reason: 'LABEL_LAYOUT_INVALID', detail });

/** Printable ASCII, plus the separators a scan may carry (HT, LF, CR, EOT, GS, RS). */
function isLayoutText(s: string, controls: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    if (controls && (c === 0x09 || c === 0x0a || c === 0x0d || c === 0x04 || c === 0x1d || c === 0x1e)) continue;
    return false;
  }
  return true;
}

/**
 * Compiles a character class written like a regular-expression class without brackets (`A-Z0-9-/.`): `X-Y` is a
 * range, any other character stands for itself (a `-` first or last is literal). Empty = undefined (any printable).
 */
export function compileChars(chars: string): Uint8Array | string | undefined {
  if (chars === '') return undefined;
  if (!isLayoutText(chars, false)) return 'only printable ASCII characters may be listed';
  const set = new Uint8Array(128);
  for (let i = 0; i < chars.length; ) {
    const a = chars.charCodeAt(i);
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      const b = chars.charCodeAt(i + 2);
      if (b < a) return `"${chars.slice(i, i + 3)}" is not a range: ${chars[i + 2]!} comes before ${chars[i]!}`;
      for (let c = a; c <= b; c++) set[c] = 1;
      i += 3;
    } else {
      set[a] = 1;
      i += 1;
    }
  }
  return set;
}

/** True when every character of `v` is allowed (any printable ASCII when `allowed` is undefined). */
export function charsAllow(allowed: Uint8Array | undefined, v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (allowed === undefined ? c < 0x20 || c > 0x7e : c > 0x7f || allowed[c] !== 1) return false;
  }
  return true;
}

const ID = /^[a-z][a-z0-9-]{0,23}$/;
const TAG = /^[\x21-\x7e]{1,6}$/;

function codingFits(role: FieldRole, coding: FieldCoding): boolean {
  if (role === 'qty') return coding === 'integer' || coding === 'decimal' || coding === 'sig-zeros';
  if (role === 'msl') return coding === 'msl';
  return coding === 'text';
}

function compileField(doc: LayoutDoc, f: LayoutFieldDoc, i: number): CompiledField | string {
  const at = `fields[${i}]`;
  const where =
    doc.cut === 'delimited' ? `piece ${f.piece}` : doc.cut === 'fixed' ? `columns ${f.start}–${f.start + f.width}` : `tag ${f.tag}`;
  if (!codingFits(f.role, f.coding)) {
    return `${at}.coding: a ${f.role} field cannot be coded ${f.coding} (qty: integer, decimal or sig-zeros; msl: msl; others: text)`;
  }
  if (doc.cut === 'delimited') {
    if (f.piece >= doc.maxPieces) return `${at}.piece: ${f.piece} is beyond maxPieces ${doc.maxPieces}`;
    if (f.start !== 0 || f.width !== 0) return `${at}: start and width are for the fixed cut; a delimited field has a piece`;
    if (f.tag !== '' && !TAG.test(f.tag)) return `${at}.tag: 1 to 6 printable characters, no spaces`;
  } else if (doc.cut === 'fixed') {
    if (f.width < 1) return `${at}.width: a fixed column is at least 1 character wide`;
    if (f.start + f.width > doc.maxLength) return `${at}: columns ${f.start}–${f.start + f.width} reach beyond maxLength ${doc.maxLength}`;
    if (f.piece !== 0 || f.tag !== '') return `${at}: piece and tag are not used by the fixed cut`;
  } else {
    if (!TAG.test(f.tag)) return `${at}.tag: a ${doc.cut} field needs its tag (1 to 6 printable characters, no spaces)`;
    if (f.piece !== 0 || f.start !== 0 || f.width !== 0) return `${at}: piece, start and width are not used by the ${doc.cut} cut`;
  }
  if (f.maxLen < 1 || f.minLen > f.maxLen) return `${at}: minLen ${f.minLen} and maxLen ${f.maxLen} allow no value`;
  const allowed = compileChars(f.chars);
  if (typeof allowed === 'string') return `${at}.chars: ${allowed}`;
  if (f.equals !== '' && (!charsAllow(allowed, f.equals) || f.equals.length < f.minLen || f.equals.length > f.maxLen)) {
    return `${at}.equals: "${f.equals}" does not fit the field's own chars and length, so the layout could never claim a scan`;
  }
  if (f.plain && f.coding !== 'text') return `${at}.plain: only text fields can be checked for merged data identifiers`;
  return {
    role: f.role,
    piece: f.piece,
    start: f.start,
    width: f.width,
    tag: f.tag,
    coding: f.coding,
    trim: f.trim,
    chars: f.chars,
    allowed,
    minLen: f.minLen,
    maxLen: f.maxLen,
    equals: f.equals,
    optional: f.optional,
    plain: f.plain,
    where,
  };
}

/** The text fields of a layout within the message's bounds (layouts are ASCII, so characters are bytes). */
function checkBounds(doc: LayoutDoc): string | undefined {
  const top = [['provenance', doc.provenance], ['separator', doc.separator], ['prefix', doc.prefix]] as const;
  for (const [k, v] of top) if (v.length > LABEL_LAYOUT_MAX[k]) return `${k}: ${v.length} characters, at most ${LABEL_LAYOUT_MAX[k]}`;
  for (let i = 0; i < doc.fields.length; i++) {
    const f = doc.fields[i]!;
    for (const k of ['tag', 'chars', 'equals'] as const) {
      if (f[k].length > LABEL_LAYOUT_MAX[k]) return `fields[${i}].${k}: ${f[k].length} characters, at most ${LABEL_LAYOUT_MAX[k]}`;
    }
    if (!isLayoutText(f.equals, false)) return `fields[${i}].equals: printable ASCII only`;
  }
  return undefined;
}

function checkShape(doc: LayoutDoc): string | undefined {
  if (!ID.test(doc.layoutId)) return 'layoutId: a lower-case letter, then up to 23 of a-z 0-9 -';
  if (!isLayoutText(doc.provenance, false)) return 'provenance: printable ASCII only';
  if (!isLayoutText(doc.prefix, true)) return 'prefix: printable ASCII and GS/RS/EOT/CR/LF/TAB only';
  if (!isLayoutText(doc.separator, true)) return 'separator: printable ASCII and GS/RS/EOT/CR/LF/TAB only';
  if (doc.minLength < 1 || doc.minLength > doc.maxLength || doc.maxLength > MAX_SCAN_CHARS) {
    return `minLength/maxLength: 1 ≤ minLength ≤ maxLength ≤ ${MAX_SCAN_CHARS}`;
  }
  if (doc.prefix.length > doc.maxLength) return 'prefix: longer than maxLength';
  const pieced = doc.cut !== 'fixed';
  if (pieced && (doc.minPieces < 1 || doc.minPieces > doc.maxPieces || doc.maxPieces > MAX_FIELDS)) {
    return `minPieces/maxPieces: 1 ≤ minPieces ≤ maxPieces ≤ ${MAX_FIELDS}`;
  }
  if (!pieced && (doc.minPieces !== 0 || doc.maxPieces !== 0)) return 'minPieces/maxPieces: not used by the fixed cut (0)';
  if ((doc.cut === 'delimited' || doc.cut === 'tagged') && doc.separator === '') return `separator: the ${doc.cut} cut needs one`;
  if ((doc.cut === 'fixed' || doc.cut === 'envelope') && doc.separator !== '') return `separator: not used by the ${doc.cut} cut (GS is the envelope's own)`;
  if (doc.cut === 'envelope' && doc.prefix !== '') return 'prefix: the envelope cut finds the ISO/IEC 15434 header itself';
  if (doc.fields.length < 1 || doc.fields.length > MAX_LAYOUT_FIELDS) return `fields: 1 to ${MAX_LAYOUT_FIELDS}`;
  return checkBounds(doc);
}

/** Enough anchors that the layout claims its own labels, not any text that happens to split the same way. */
function anchored(doc: LayoutDoc): boolean {
  return (
    doc.prefix.length > 0 ||
    doc.cut === 'tagged' ||
    doc.cut === 'envelope' ||
    doc.fields.some((f) => f.equals !== '') ||
    (doc.cut === 'fixed' && doc.minLength === doc.maxLength) ||
    (doc.cut === 'delimited' && doc.minPieces === doc.maxPieces && doc.minPieces >= 3) ||
    // A field of exact length and a restricted alphabet (Vishay's `03/29/13` date column).
    doc.fields.some((f) => !f.optional && f.chars !== '' && f.minLen === f.maxLen && f.minLen >= 4)
  );
}

/** Checks a layout whole and compiles it. Never throws; the first problem found is named. */
export function compileLayout(doc: LayoutDoc): LayoutCheck {
  const shape = checkShape(doc);
  if (shape !== undefined) return invalid(shape);
  const fields: CompiledField[] = [];
  for (let i = 0; i < doc.fields.length; i++) {
    const f = compileField(doc, doc.fields[i]!, i);
    if (typeof f === 'string') return invalid(f);
    fields.push(f);
  }
  if (doc.cut === 'tagged' || doc.cut === 'envelope') {
    const seen = new Set<string>();
    for (let i = 0; i < fields.length; i++) {
      if (seen.has(fields[i]!.tag)) return invalid(`fields[${i}].tag: ${fields[i]!.tag} is declared twice; a tag is one field`);
      seen.add(fields[i]!.tag);
    }
  }
  if (!fields.some((f) => IDENTITY_ROLES.includes(f.role) && !f.optional)) {
    return invalid('fields: a layout must always read the part number, the quantity or the lot (one of them not optional)');
  }
  if (!anchored(doc)) {
    return invalid('anchors: the layout would claim too many scans; give it a prefix, a fixed length, an exact piece count of 3 or more, a field with equals, or a field of exact length (4 or more) and listed chars');
  }
  const tags = fields.map((f) => f.tag).filter((t) => t !== '').sort((a, b) => b.length - a.length);
  return { ok: true, layout: { doc, id: doc.layoutId, cut: doc.cut, fields, tags: doc.cut === 'tagged' || doc.cut === 'envelope' ? tags : [] } };
}

/** True when a loaded layout may use this id (the firmware's own format names are reserved). */
export function isReservedId(id: string): boolean {
  return RESERVED_ID_PREFIXES.some((p) => id.startsWith(p));
}
