// The JSON form of a layout, as engineers write it and `warden label learn` prints it: the LabelLayoutLoad body
// with every field that has its default left out. Reading is total on any JSON value: every problem is a
// LABEL_LAYOUT_INVALID naming the field, and the result is the body the wire would carry (host tools also check
// that it fits one message: layoutWireSize in layout-store.ts).
import { LABEL_FIELD_CODINGS, LABEL_FIELD_ROLES, LABEL_FIELD_TRIMS, LABEL_LAYOUT_CUTS } from '../../../protocol/src/vocabulary';
import { compileLayout, MAX_LAYOUT_FIELDS, type FieldRole, type LayoutCheck, type LayoutCut, type LayoutDoc, type LayoutFieldDoc } from './layout';
import { MAX_FIELDS, MAX_SCAN_CHARS } from './limits';

type Json = Record<string, unknown>;

class DocError {
  constructor(readonly detail: string) {}
}

const fail = (detail: string): never => {
  throw new DocError(detail);
};

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Json, where: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail(`${where}${k}: unknown field (known: ${allowed.join(', ')})`);
}

function str(o: Json, key: string, where: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  return typeof v === 'string' ? v : fail(`${where}${key}: a string${fallback === undefined ? ' is required' : ''}`);
}

function int(o: Json, key: string, where: string, max: number, fallback: number): number {
  const v = o[key];
  if (v === undefined) return fallback;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : fail(`${where}${key}: a whole number 0..${max}`);
}

function bool(o: Json, key: string, where: string): boolean {
  const v = o[key];
  if (v === undefined) return false;
  return typeof v === 'boolean' ? v : fail(`${where}${key}: true or false`);
}

function oneOf<T extends string>(o: Json, key: string, where: string, values: readonly T[], fallback?: T): T {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  const found = values.find((x) => x === v);
  return found ?? fail(`${where}${key}: one of ${values.join(', ')}`);
}

const FIELD_KEYS = ['role', 'piece', 'start', 'width', 'tag', 'coding', 'trim', 'chars', 'minLen', 'maxLen', 'equals', 'optional', 'plain'] as const;
const LAYOUT_KEYS = ['layoutId', 'revision', 'provenance', 'cut', 'separator', 'prefix', 'minLength', 'maxLength', 'minPieces', 'maxPieces', 'fields'] as const;

const defaultCoding = (role: FieldRole): LayoutFieldDoc['coding'] => (role === 'qty' ? 'integer' : role === 'msl' ? 'msl' : 'text');

function readField(v: unknown, i: number, cut: LayoutCut): LayoutFieldDoc {
  const where = `fields[${i}].`;
  if (!isObject(v)) return fail(`fields[${i}]: an object`);
  onlyKeys(v, where, FIELD_KEYS);
  const role = oneOf(v, 'role', where, LABEL_FIELD_ROLES);
  const optional = bool(v, 'optional', where);
  return {
    role,
    piece: int(v, 'piece', where, 0xff, 0),
    start: int(v, 'start', where, 0xffff, 0),
    width: int(v, 'width', where, 0xffff, 0),
    tag: str(v, 'tag', where, ''),
    coding: oneOf(v, 'coding', where, LABEL_FIELD_CODINGS, defaultCoding(role)),
    trim: oneOf(v, 'trim', where, LABEL_FIELD_TRIMS, cut === 'fixed' ? 'both' : 'none'),
    chars: str(v, 'chars', where, ''),
    minLen: int(v, 'minLen', where, 0xff, optional ? 0 : 1),
    maxLen: int(v, 'maxLen', where, 0xff, 64),
    equals: str(v, 'equals', where, ''),
    optional,
    plain: bool(v, 'plain', where),
  };
}

function readDoc(json: unknown): LayoutDoc {
  if (!isObject(json)) return fail('layout: a JSON object');
  onlyKeys(json, '', LAYOUT_KEYS);
  const cut = oneOf(json, 'cut', '', LABEL_LAYOUT_CUTS);
  const pieced = cut !== 'fixed';
  const fields = json['fields'];
  if (!Array.isArray(fields)) return fail('fields: a list of fields is required');
  if (fields.length < 1 || fields.length > MAX_LAYOUT_FIELDS) return fail(`fields: 1 to ${MAX_LAYOUT_FIELDS} fields, not ${fields.length}`);
  return {
    layoutId: str(json, 'layoutId', ''),
    revision: int(json, 'revision', '', 0xffff, 1),
    provenance: str(json, 'provenance', '', ''),
    cut,
    separator: str(json, 'separator', '', ''),
    prefix: str(json, 'prefix', '', ''),
    minLength: int(json, 'minLength', '', 0xffff, 1),
    maxLength: int(json, 'maxLength', '', 0xffff, MAX_SCAN_CHARS),
    minPieces: int(json, 'minPieces', '', 0xff, pieced ? 1 : 0),
    maxPieces: int(json, 'maxPieces', '', 0xff, pieced ? MAX_FIELDS : 0),
    fields: fields.map((f, i) => readField(f, i, cut)),
  };
}

/** Reads a layout document (any JSON value) into a checked, compiled layout. Total: never throws. */
export function readLayoutDocument(json: unknown): LayoutCheck {
  let doc: LayoutDoc;
  try {
    doc = readDoc(json);
  } catch (e) {
    if (e instanceof DocError) return { ok: false, reason: 'LABEL_LAYOUT_INVALID', detail: e.detail };
    return { ok: false, reason: 'LABEL_LAYOUT_INVALID', detail: 'layout: not a readable document' };
  }
  return compileLayout(doc);
}

/** The document form of a layout: the wire body with default values left out (what `learn` prints). */
export function layoutDocumentJson(doc: LayoutDoc): Json {
  const pieced = doc.cut !== 'fixed';
  const out: Json = { layoutId: doc.layoutId };
  if (doc.revision !== 1) out['revision'] = doc.revision;
  if (doc.provenance !== '') out['provenance'] = doc.provenance;
  out['cut'] = doc.cut;
  if (doc.separator !== '') out['separator'] = doc.separator;
  if (doc.prefix !== '') out['prefix'] = doc.prefix;
  if (doc.minLength !== 1) out['minLength'] = doc.minLength;
  if (doc.maxLength !== MAX_SCAN_CHARS) out['maxLength'] = doc.maxLength;
  if (doc.minPieces !== (pieced ? 1 : 0)) out['minPieces'] = doc.minPieces;
  if (doc.maxPieces !== (pieced ? MAX_FIELDS : 0)) out['maxPieces'] = doc.maxPieces;
  out['fields'] = doc.fields.map((f) => {
    const o: Json = { role: f.role };
    if (f.piece !== 0 || doc.cut === 'delimited') o['piece'] = f.piece;
    if (f.start !== 0 || doc.cut === 'fixed') o['start'] = f.start;
    if (f.width !== 0) o['width'] = f.width;
    if (f.tag !== '') o['tag'] = f.tag;
    if (f.coding !== defaultCoding(f.role)) o['coding'] = f.coding;
    if (f.trim !== (doc.cut === 'fixed' ? 'both' : 'none')) o['trim'] = f.trim;
    if (f.chars !== '') o['chars'] = f.chars;
    if (f.minLen !== (f.optional ? 0 : 1)) o['minLen'] = f.minLen;
    if (f.maxLen !== 64) o['maxLen'] = f.maxLen;
    if (f.equals !== '') o['equals'] = f.equals;
    if (f.optional) o['optional'] = true;
    if (f.plain) o['plain'] = true;
    return o;
  });
  return out;
}
