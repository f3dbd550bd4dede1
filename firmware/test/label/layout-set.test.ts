// The host loads layouts into a station (LabelLayoutLoad / LabelLayoutRemove): a load is validated whole against
// the set, a refusal keeps the old set, the set survives the state store, and parseLabel reads with it.
import fc from 'fast-check';
import { decodePayload, encodePayload } from '../../../protocol/src/frame';
import { MESSAGES, type MessageBody } from '../../../protocol/src/messages';
import { applyLayoutLoad, applyLayoutRemove, EMPTY_LAYOUT_SET, MAX_LOADED_LAYOUTS, parseLabel, readLayoutDocument, type LayoutSet } from '../../core/label';
import { decodeLayoutSet, encodeLayoutSet } from '../../core/label/layout-store';

type Body = MessageBody<'LabelLayoutLoad'>;
const example = require('../../../protocol/vectors/ok/LabelLayoutLoad.json') as { decoded: { body: Body } };

function body(doc: Record<string, unknown>): Body {
  const r = readLayoutDocument(doc);
  if (!r.ok) throw new Error(r.detail);
  return r.layout.doc;
}

/** Every body crosses the wire first: encoded as the message and decoded again. */
function overTheWire(b: Body): Body {
  const enc = encodePayload({ type: 'LabelLayoutLoad', body: b });
  if (!enc.ok) throw new Error(enc.detail);
  const dec = decodePayload(MESSAGES.LabelLayoutLoad.type, enc.payload);
  if (!dec.ok || dec.message.type !== 'LabelLayoutLoad') throw new Error('decode');
  return dec.message.body;
}

function load(set: LayoutSet, b: Body): LayoutSet {
  const r = applyLayoutLoad(set, overTheWire(b));
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  return r.set;
}

// A supplier label the firmware does not know: POCONS thermistor reels, fixed width (a real scan kept in the
// Yujin MES code, PTC4944HEX2038V0314K001700: part 0-8, lot 8-20, quantity 20-26).
const POCONS = body({
  layoutId: 'site-pocons',
  revision: 1,
  provenance: 'Yujin MES BarcodeSplit.java, case POCONS',
  cut: 'fixed',
  minLength: 26,
  maxLength: 26,
  fields: [
    { role: 'mpn', start: 0, width: 8, chars: 'A-Z0-9', minLen: 8, maxLen: 8 },
    { role: 'lot', start: 8, width: 12, chars: 'A-Z0-9', minLen: 12, maxLen: 12 },
    { role: 'qty', start: 20, width: 6, chars: '0-9', minLen: 6, maxLen: 6 },
  ],
});
const POCONS_SCAN = 'PTC4944HEX2038V0314K001700';

const numbered = (i: number): Body => ({ ...POCONS, layoutId: `site-l${i}`, fields: POCONS.fields.map((f) => (f.role === 'mpn' ? { ...f, chars: 'A-Z0-9', equals: `PTC${String(i).padStart(5, '0')}` } : f)) });

describe('loading label layouts into a station', () => {
  it('a station without the layout refuses the label; after the host loads it, the label reads', () => {
    expect(parseLabel(POCONS_SCAN)).toMatchObject({ ok: false, reason: 'SCAN_UNREADABLE' });
    const set = load(EMPTY_LAYOUT_SET, POCONS);
    expect(parseLabel(POCONS_SCAN, { layouts: set })).toEqual({ ok: true, label: { format: 'site-pocons', mpn: 'PTC4944H', lot: 'EX2038V0314K', qty: 1700 } });
  });

  it('the conformance vector loads', () => {
    expect(applyLayoutLoad(EMPTY_LAYOUT_SET, example.decoded.body)).toMatchObject({ ok: true });
  });

  it('a load with a held id replaces that layout; a new id is added', () => {
    let set = load(EMPTY_LAYOUT_SET, POCONS);
    set = load(set, { ...POCONS, revision: 2, fields: POCONS.fields.filter((f) => f.role !== 'lot') });
    expect(set.layouts).toHaveLength(1);
    expect(set.layouts[0]!.doc.revision).toBe(2);
    expect(parseLabel(POCONS_SCAN, { layouts: set })).toEqual({ ok: true, label: { format: 'site-pocons', mpn: 'PTC4944H', qty: 1700 } });
    set = load(set, numbered(1));
    expect(set.layouts.map((l) => l.id)).toEqual(['site-pocons', 'site-l1']);
  });

  it.each([
    ['an invalid layout', { ...POCONS, fields: [{ ...POCONS.fields[0]!, chars: 'Z-A' }] }, 'LABEL_LAYOUT_INVALID'],
    ['a built-in id', { ...POCONS, layoutId: 'mfr-koa-colon' }, 'LABEL_LAYOUT_INVALID'],
    ['an id in the firmware formats\u2019 space', { ...POCONS, layoutId: 'eigp114-acme' }, 'LABEL_LAYOUT_INVALID'],
  ])('refuses %s and keeps the set it had', (_n, b, reason) => {
    const set = load(EMPTY_LAYOUT_SET, POCONS);
    const r = applyLayoutLoad(set, b as Body);
    expect(r).toMatchObject({ ok: false, reason });
    expect(parseLabel(POCONS_SCAN, { layouts: set })).toMatchObject({ ok: true, label: { format: 'site-pocons' } });
  });

  it(`holds at most ${MAX_LOADED_LAYOUTS} layouts: the next new id is LIMIT_EXCEEDED, a held id still replaces`, () => {
    let set = EMPTY_LAYOUT_SET;
    for (let i = 0; i < MAX_LOADED_LAYOUTS; i++) set = load(set, numbered(i));
    expect(applyLayoutLoad(set, POCONS)).toMatchObject({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect(applyLayoutLoad(set, { ...numbered(3), revision: 9 })).toMatchObject({ ok: true });
  });

  it('removes a loaded layout; removing one it does not hold, or a built-in, is LABEL_LAYOUT_UNKNOWN', () => {
    const set = load(EMPTY_LAYOUT_SET, POCONS);
    const r = applyLayoutRemove(set, { layoutId: 'site-pocons' });
    if (!r.ok) throw new Error(r.detail);
    expect(r.set.layouts).toEqual([]);
    expect(applyLayoutRemove(set, { layoutId: 'site-none' })).toMatchObject({ ok: false, reason: 'LABEL_LAYOUT_UNKNOWN' });
    expect(applyLayoutRemove(set, { layoutId: 'mfr-koa-colon' })).toMatchObject({ ok: false, reason: 'LABEL_LAYOUT_UNKNOWN' });
  });

  it('a loaded layout that reads a built-in label differently makes that label ambiguous, never wrong', () => {
    // A careless layout: any 7-piece `$` code is "part in piece 3".
    const careless = body({ layoutId: 'site-careless', cut: 'delimited', separator: '$', minPieces: 7, maxPieces: 7, fields: [{ role: 'mpn', piece: 3 }, { role: 'qty', piece: 2 }] });
    const set = load(EMPTY_LAYOUT_SET, careless);
    const sii = '1$S-8240ADT-A6T2U$5000$VB6F5TB07627-0003$S-8240ADT-A6T2U$202605$65MQ1935009';
    expect(parseLabel(sii)).toMatchObject({ ok: true, label: { mpn: 'S-8240ADT-A6T2U', qty: 5000 } });
    expect(parseLabel(sii, { layouts: set })).toMatchObject({ ok: false, reason: 'LABEL_AMBIGUOUS' });
    // One that reads the same part and quantity is harmless: the built-in answer stands.
    const agreeing = body({ layoutId: 'site-agreeing', cut: 'delimited', separator: '$', minPieces: 7, maxPieces: 7, fields: [{ role: 'mpn', piece: 1 }, { role: 'qty', piece: 2 }] });
    expect(parseLabel(sii, { layouts: load(EMPTY_LAYOUT_SET, agreeing) })).toMatchObject({ ok: true, label: { format: 'mfr-sii-dollar', mpn: 'S-8240ADT-A6T2U' } });
    const wrongQty = body({ layoutId: 'site-wrong', cut: 'delimited', separator: '$', minPieces: 7, maxPieces: 7, fields: [{ role: 'mpn', piece: 1 }, { role: 'qty', piece: 3, chars: 'A-Z0-9-', coding: 'integer' }] });
    expect(parseLabel(sii, { layouts: load(EMPTY_LAYOUT_SET, wrongQty) })).toMatchObject({ ok: false });
  });
});

describe('the set in the state store', () => {
  it('round-trips: what is stored is what was loaded', () => {
    let set = EMPTY_LAYOUT_SET;
    for (let i = 0; i < MAX_LOADED_LAYOUTS; i++) set = load(set, i === 5 ? POCONS : numbered(i));
    const bytes = encodeLayoutSet(set);
    expect(bytes.length).toBeLessThanOrEqual(10 * 1024); // the state store's default value bound
    const back = decodeLayoutSet(bytes);
    if (!back.ok) throw new Error(back.detail);
    expect(back.dropped).toEqual([]);
    expect(back.set.layouts.map((l) => l.doc)).toEqual(set.layouts.map((l) => l.doc));
    expect(decodeLayoutSet(encodeLayoutSet(EMPTY_LAYOUT_SET))).toEqual({ ok: true, set: EMPTY_LAYOUT_SET, dropped: [] });
  });

  it('a stored layout this firmware refuses is dropped and reported, the others kept', () => {
    const set = load(load(EMPTY_LAYOUT_SET, POCONS), numbered(2));
    const bytes = encodeLayoutSet(set);
    // Rename the first stored layout into the reserved space, as a firmware that reserved more ids would see it.
    const name = [...'site-pocons'].map((c) => c.charCodeAt(0));
    const at = bytes.findIndex((_, i) => name.every((c, j) => bytes[i + j] === c));
    bytes.set([...'mfr-'].map((c) => c.charCodeAt(0)), at);
    const back = decodeLayoutSet(bytes);
    expect(back).toMatchObject({ ok: true, dropped: [{ layoutId: 'mfr--pocons' }] });
    expect(back.ok && back.set.layouts.map((l) => l.id)).toEqual(['site-l2']);
  });

  it('is total on arbitrary bytes: a set, or STORE_CORRUPT', () => {
    const good = encodeLayoutSet(load(load(EMPTY_LAYOUT_SET, POCONS), numbered(1)));
    const damaged = fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
      const c = good.slice();
      c[i] = b;
      return c;
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), damaged, fc.nat(good.length).map((n) => good.slice(0, n))), (bytes) => {
        const r = decodeLayoutSet(bytes);
        if (!r.ok) expect(r.reason).toBe('STORE_CORRUPT');
        else for (const l of r.set.layouts) expect(readLayoutDocument(l.doc)).toMatchObject({ ok: true });
      }),
      { numRuns: 1500 },
    );
  });
});
