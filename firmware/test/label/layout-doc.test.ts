// Layout documents as engineers write them: every problem is a typed LABEL_LAYOUT_INVALID naming the field, the
// reader is total on any JSON, and what it accepts is exactly what LabelLayoutLoad carries.
import fc from 'fast-check';
import { decodePayload, encodePayload } from '../../../protocol/src/frame';
import { MESSAGES } from '../../../protocol/src/messages';
import { BUILTIN_LAYOUT_DOCS } from '../../core/label/builtin-layouts';
import { compileChars } from '../../core/label/layout';
import { layoutDocumentJson, readLayoutDocument } from '../../core/label/layout-doc';
import { layoutWireSize } from '../../core/label/layout-store';
import { runLayout } from '../../core/label/layout-run';
import { normalizeScan } from '../../core/label/normalize';

const example = require('../../../protocol/vectors/ok/LabelLayoutLoad.json') as { decoded: { body: Record<string, unknown> } };

/** A small valid document: Seiko/ABLIC's `$` QR under a site id. */
const SII: Record<string, unknown> = {
  layoutId: 'site-sii',
  cut: 'delimited',
  separator: '$',
  prefix: '1$',
  minPieces: 6,
  maxPieces: 6,
  fields: [
    { role: 'mpn', piece: 0, chars: 'A-Z0-9-', minLen: 3, maxLen: 32 },
    { role: 'qty', piece: 1, chars: '0-9', maxLen: 7 },
    { role: 'lot', piece: 2, chars: 'A-Z0-9-', maxLen: 24 },
    { role: 'mpn', piece: 3, chars: 'A-Z0-9-', minLen: 3, maxLen: 32 },
  ],
};
const SII_SCAN = '1$S-8252AAX-M6T1U$15000$VM6F7XA1979-0338$S-8252AAX-M6T1U$202607$67VG1708029';

const withField = (i: number, patch: Record<string, unknown>): Record<string, unknown> => ({
  ...SII,
  fields: (SII['fields'] as Record<string, unknown>[]).map((f, j) => (j === i ? { ...f, ...patch } : f)),
});

function detail(doc: unknown): string {
  const r = readLayoutDocument(doc);
  if (r.ok) throw new Error('accepted');
  expect(r.reason).toBe('LABEL_LAYOUT_INVALID');
  return r.detail;
}

describe('reading a layout document', () => {
  it('reads a minimal document, fills the defaults, and the layout reads its label', () => {
    const r = readLayoutDocument(SII);
    if (!r.ok) throw new Error(r.detail);
    expect(r.layout.doc).toMatchObject({ revision: 1, provenance: '', minLength: 1, maxLength: 4096 });
    expect(r.layout.doc.fields[1]).toMatchObject({ coding: 'integer', trim: 'none', minLen: 1, optional: false, plain: false });
    expect(runLayout(r.layout, normalizeScan(SII_SCAN))).toEqual({ ok: true, label: { format: 'site-sii', mpn: 'S-8252AAX-M6T1U', qty: 15000, lot: 'VM6F7XA1979-0338' } });
  });

  it('the conformance vector of LabelLayoutLoad is a valid layout', () => {
    expect(readLayoutDocument(example.decoded.body)).toMatchObject({ ok: true });
  });

  it.each([
    ['not an object', [], 'layout: a JSON object'],
    ['an unknown key', { ...SII, colour: 'red' }, 'colour: unknown field'],
    ['no cut', { ...SII, cut: undefined }, 'cut: one of delimited, fixed, tagged, envelope'],
    ['a bad id', { ...SII, layoutId: 'Site SII' }, 'layoutId:'],
    ['no fields', { ...SII, fields: [] }, 'fields: 1 to 16'],
    ['17 fields', { ...SII, fields: Array.from({ length: 17 }, () => ({ role: 'ignore', piece: 0 })) }, 'fields: 1 to 16'],
    ['a field that is not an object', { ...SII, fields: ['mpn'] }, 'fields[0]: an object'],
    ['an unknown role', withField(0, { role: 'partNumber' }), 'fields[0].role: one of'],
    ['a negative piece', withField(1, { piece: -1 }), 'fields[1].piece: a whole number 0..255'],
    ['a piece past maxPieces', withField(2, { piece: 9 }), 'fields[2].piece: 9 is beyond maxPieces 6'],
    ['a quantity coded as text', withField(1, { coding: 'text' }), 'fields[1].coding: a qty field cannot be coded text'],
    ['a reversed range', withField(0, { chars: 'Z-A' }), 'fields[0].chars: "Z-A" is not a range'],
    ['non-ASCII chars', withField(0, { chars: 'Ä-Ö' }), 'fields[0].chars: only printable ASCII'],
    ['minLen above maxLen', withField(2, { minLen: 9, maxLen: 3 }), 'fields[2]: minLen 9 and maxLen 3 allow no value'],
    ['a literal the field can never hold', withField(2, { equals: 'abc' }), 'fields[2].equals: "abc" does not fit'],
    ['a string longer than the message carries', withField(0, { chars: 'A-Z'.repeat(12) }), 'fields[0].chars: 36 characters, at most 32'],
    ['a long prefix', { ...SII, prefix: 'X'.repeat(25) }, 'prefix: 25 characters, at most 24'],
    ['a separator for the fixed cut', { ...SII, cut: 'fixed', minPieces: 0, maxPieces: 0 }, 'separator: not used by the fixed cut'],
    ['a tagged field without its tag', { ...SII, cut: 'tagged' }, 'fields[0].tag: a tagged field needs its tag'],
    ['a tag declared twice', { layoutId: 'site-t', cut: 'envelope', fields: [{ role: 'mpn', tag: 'PN' }, { role: 'lot', tag: 'PN' }] }, 'fields[1].tag: PN is declared twice'],
    ['no part, quantity or lot', { ...SII, fields: [{ role: 'dateCode', piece: 4 }] }, 'fields: a layout must always read the part number, the quantity or the lot'],
    ['only an optional identity', { ...SII, fields: [{ role: 'mpn', piece: 0, optional: true }] }, 'fields: a layout must always read'],
    ['no anchors', { layoutId: 'site-x', cut: 'delimited', separator: ',', fields: [{ role: 'mpn', piece: 0 }] }, 'anchors: the layout would claim too many scans'],
    ['lengths the wrong way round', { ...SII, minLength: 90, maxLength: 10 }, 'minLength/maxLength'],
  ])('refuses %s, naming the field', (_n, doc, want) => {
    expect(detail(doc)).toContain(want);
  });

  it('is total on any JSON value: a checked layout or LABEL_LAYOUT_INVALID, never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = readLayoutDocument(v);
        expect(r.ok || r.reason === 'LABEL_LAYOUT_INVALID').toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('is total on valid documents with one key or one field key replaced by any JSON value', () => {
    const docs: Record<string, unknown>[] = BUILTIN_LAYOUT_DOCS.map((d) => ({ ...d, layoutId: 'site-copy' }));
    const topKeys = ['layoutId', 'revision', 'provenance', 'cut', 'separator', 'prefix', 'minLength', 'maxLength', 'minPieces', 'maxPieces', 'fields'];
    const fieldKeys = ['role', 'piece', 'start', 'width', 'tag', 'coding', 'trim', 'chars', 'minLen', 'maxLen', 'equals', 'optional', 'plain'];
    fc.assert(
      fc.property(fc.constantFrom(...docs), fc.constantFrom(...topKeys), fc.constantFrom(...fieldKeys), fc.nat(), fc.jsonValue(), fc.boolean(), (d, k, fk, i, v, inField) => {
        const fields = d['fields'] as Record<string, unknown>[];
        const doc = inField ? { ...d, fields: fields.map((f, j) => (j === i % fields.length ? { ...f, [fk]: v } : f)) } : { ...d, [k]: v };
        const r = readLayoutDocument(doc);
        if (!r.ok) expect(r.reason).toBe('LABEL_LAYOUT_INVALID');
        else {
          // Within every field bound; the whole may still exceed one message, which layoutWireSize reports.
          const enc = encodePayload({ type: 'LabelLayoutLoad', body: r.layout.doc });
          expect(enc.ok || enc.reason === 'FRAME_OVERSIZE').toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('what it accepts crosses the wire unchanged, and the printed form reads back to the same layout', () => {
    for (const d of [...BUILTIN_LAYOUT_DOCS, SII, example.decoded.body]) {
      const r = readLayoutDocument(d);
      if (!r.ok) throw new Error(r.detail);
      const enc = encodePayload({ type: 'LabelLayoutLoad', body: r.layout.doc });
      if (!enc.ok) throw new Error(enc.detail);
      const dec = decodePayload(MESSAGES.LabelLayoutLoad.type, enc.payload);
      expect(dec).toEqual({ ok: true, message: { type: 'LabelLayoutLoad', body: r.layout.doc } });
      const again = readLayoutDocument(JSON.parse(JSON.stringify(layoutDocumentJson(r.layout.doc))));
      expect(again.ok && again.layout.doc).toEqual(r.layout.doc);
    }
  });
});

describe('the wire size of a layout', () => {
  it('the built-in layouts each fit one LabelLayoutLoad; a layout of 16 long fields does not, and is named', () => {
    for (const d of BUILTIN_LAYOUT_DOCS) {
      const r = readLayoutDocument(d);
      if (!r.ok) throw new Error(r.detail);
      expect(layoutWireSize(r.layout.doc)).toMatchObject({ ok: true });
    }
    const big = readLayoutDocument({ ...SII, fields: Array.from({ length: 16 }, (_, i) => ({ role: i === 0 ? 'mpn' : 'check', piece: i % 6, chars: 'A-Za-z0-9 !#$%&()*+,./:;<=>?@', maxLen: 40 })), maxPieces: 6 });
    if (!big.ok) throw new Error(big.detail);
    expect(layoutWireSize(big.layout.doc)).toEqual({ ok: false, detail: expect.stringContaining('more than the 476 bytes one LabelLayoutLoad carries') });
  });
});

describe('character classes', () => {
  it('ranges, literals and a literal "-" first or last', () => {
    const set = compileChars('A-Z0-9-/.');
    if (!(set instanceof Uint8Array)) throw new Error(String(set));
    const has = (c: string) => set[c.charCodeAt(0)] === 1;
    expect(['A', 'Q', 'Z', '0', '9', '-', '/', '.'].every(has)).toBe(true);
    expect(['a', ' ', '_', ','].some(has)).toBe(false);
    expect(compileChars('')).toBeUndefined();
    expect(compileChars('-A')).toBeInstanceOf(Uint8Array);
  });
});
