// `warden label learn` as a property: samples generated from a random layout are learned back into a layout
// that reads them the same; a learned layout never claims the real payloads of other families; and when the
// samples do not determine the layout, the learner refuses instead of guessing.
import fc from 'fast-check';
import { learnLayout, type LearnSample } from '../../core/label/learn';
import { runLayout } from '../../core/label/layout-run';
import { normalizeScan } from '../../core/label/normalize';
import { ALL_SCANS, LAYOUT_SCANS } from './samples';

const AVOID = ALL_SCANS.map((s) => ({ id: s.id, scan: s.raw }));
const FIXTURES = ALL_SCANS.map((s) => normalizeScan(s.raw));

interface Truth {
  readonly mpn: string;
  readonly qty: number;
  readonly lot: string;
}

const upper = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'), minLength: min, maxLength: max });
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const mpn = fc.tuple(upper(2, 4), digits(2, 6), upper(1, 3)).map(([a, b, c]) => `${a}${b}-${c}`);
const lot = fc.tuple(digits(2, 2), upper(1, 1), digits(3, 6)).map(([a, b, c]) => `${a}${b}${c}`);
/** Three or more labels of one layout, each a different reel (part, lot and quantity all differ). */
const truths = (qty: fc.Arbitrary<number>) =>
  fc.uniqueArray(fc.record({ mpn, qty, lot }), { minLength: 3, maxLength: 5, selector: (t) => `${t.mpn}|${t.lot}|${t.qty}` }).filter(
    (ts) => new Set(ts.map((t) => t.mpn)).size === ts.length && new Set(ts.map((t) => t.lot)).size === ts.length && new Set(ts.map((t) => t.qty)).size === ts.length,
  );

type Filler = { readonly kind: 'constant'; readonly text: string } | { readonly kind: 'varying'; readonly texts: readonly string[] };
const filler = (n: number) =>
  fc.oneof(
    upper(1, 6).map((text): Filler => ({ kind: 'constant', text })),
    fc.array(digits(1, 8), { minLength: n, maxLength: n }).map((texts): Filler => ({ kind: 'varying', texts })),
  );

/** A random delimited layout: a constant prefix piece, the three fields at random places among filler pieces. */
const delimitedCase = fc
  .record({
    // Not `;`: nine `;` pieces are a Lite-On label, which the learner must then refuse (tested below).
    sep: fc.constantFrom('$', '|', '!', '#', '~'),
    prefix: upper(2, 4),
    sigZeros: fc.boolean(),
    extra: fc.integer({ min: 1, max: 5 }),
    order: fc.nat(),
  })
  .chain(({ sigZeros, ...rest }) =>
    truths(
      sigZeros
        ? fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 5 })).map(([s, z]) => s * 10 ** z)
        : fc.integer({ min: 1, max: 999999 }),
    ).chain((ts) => fc.array(filler(ts.length), { minLength: rest.extra, maxLength: rest.extra }).map((fillers) => ({ ...rest, sigZeros, ts, fillers }))),
  )
  .map(({ sep, prefix, sigZeros, ts, fillers, order }) => {
    const slots: ('mpn' | 'qty' | 'lot' | number)[] = ['mpn', 'qty', 'lot', ...fillers.map((_, i) => i)];
    // A deterministic shuffle of the slots from `order`.
    for (let i = slots.length - 1, o = order; i > 0; i--, o = Math.floor(o / (i + 1))) {
      const j = o % (i + 1);
      [slots[i], slots[j]] = [slots[j]!, slots[i]!];
    }
    const qtyText = (n: number): string => {
      if (!sigZeros) return String(n);
      let z = 0;
      let s = n;
      while (s % 10 === 0 && z < 9) {
        s /= 10;
        z++;
      }
      return `${s}${z}`;
    };
    const samples: LearnSample[] = ts.map((t, i) => ({
      scan: [prefix, ...slots.map((x) => (x === 'mpn' ? t.mpn : x === 'qty' ? qtyText(t.qty) : x === 'lot' ? t.lot : fillers[x]!.kind === 'constant' ? (fillers[x] as { text: string }).text : (fillers[x] as { texts: readonly string[] }).texts[i]!))].join(sep),
      fields: { mpn: t.mpn, qty: t.qty, lot: t.lot },
    }));
    return { samples, ts };
  });

/** A random fixed-width layout: padded columns separated by filler that is never a space. */
const fixedCase = fc
  .record({ order: fc.nat(), lead: upper(1, 5), gaps: fc.array(upper(1, 4), { minLength: 3, maxLength: 3 }) })
  .chain((r) => truths(fc.integer({ min: 1, max: 9999999 })).map((ts) => ({ ...r, ts })))
  .map(({ order, lead, gaps, ts }) => {
    const cols = [
      { role: 'mpn' as const, width: 18, right: false },
      { role: 'qty' as const, width: 9, right: true },
      { role: 'lot' as const, width: 14, right: false },
    ];
    if (order % 2 === 1) cols.reverse();
    if (order % 3 === 1) cols.push(cols.shift()!);
    const cell = (v: string, width: number, right: boolean) => (right ? v.padStart(width, ' ') : v.padEnd(width, ' '));
    const samples: LearnSample[] = ts.map((t) => ({
      scan: lead + cols.map((c, i) => cell(c.role === 'qty' ? String(t.qty) : t[c.role], c.width, c.right) + gaps[i]!).join(''),
      fields: { mpn: t.mpn, qty: t.qty, lot: t.lot },
    }));
    return { samples, ts };
  });

function readsBack(samples: readonly LearnSample[], ts: readonly Truth[], id: string): void {
  const r = learnLayout(samples, { layoutId: id, avoid: AVOID });
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}\n${samples.map((s) => JSON.stringify(s.scan)).join('\n')}`);
  samples.forEach((s, i) => {
    expect(runLayout(r.layout, normalizeScan(s.scan))).toEqual({ ok: true, label: { format: id, mpn: ts[i]!.mpn, qty: ts[i]!.qty, lot: ts[i]!.lot } });
  });
  for (const f of FIXTURES) expect(runLayout(r.layout, f)).toBeUndefined();
}

describe('learning a layout from samples', () => {
  it('samples generated from a random delimited layout are learned back and read the same', () => {
    fc.assert(fc.property(delimitedCase, ({ samples, ts }) => readsBack(samples, ts, 'site-learned')), { numRuns: 150 });
  });

  it('samples generated from a random fixed-width layout are learned back and read the same', () => {
    fc.assert(fc.property(fixedCase, ({ samples, ts }) => readsBack(samples, ts, 'site-fixed')), { numRuns: 150 });
  });

  it('on arbitrary samples it refuses with a typed reason or proposes a layout that reads them exactly; it never throws', () => {
    const sample = fc.record({ scan: fc.string({ minLength: 1, maxLength: 60 }), fields: fc.record({ mpn: fc.string({ minLength: 1, maxLength: 12 }), qty: fc.nat(100000) }) });
    fc.assert(
      fc.property(fc.array(sample, { minLength: 0, maxLength: 5 }), (samples) => {
        const r = learnLayout(samples, { layoutId: 'site-any', avoid: AVOID });
        if (!r.ok) {
          expect(['LABEL_LAYOUT_INVALID', 'LABEL_LAYOUT_UNDETERMINED']).toContain(r.reason);
          return;
        }
        samples.forEach((s) => expect(runLayout(r.layout, normalizeScan(s.scan))).toMatchObject({ ok: true, label: { mpn: s.fields.mpn, qty: s.fields.qty } }));
        for (const f of FIXTURES) expect(runLayout(r.layout, f)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('learning from real labels', () => {
  const family = (prefix: string) => LAYOUT_SCANS.filter((s) => s.id.startsWith(prefix) && s.id !== 'docpal-sii-pn-disagree');
  const fieldsOf = (expected: Readonly<Record<string, unknown>>) =>
    Object.fromEntries(['mpn', 'qty', 'lot'].filter((k) => k in expected).map((k) => [k, expected[k] as string | number]));

  it.each([
    ['KOA colon labels', 'docpal-koa-', 4],
    ['Seiko/ABLIC $ QR codes', 'docpal-sii-', 3],
    ['TE envelopes with two-letter tags', 'docpal-te-', 3],
    ['Copal fixed width', 'docpal-copal-', 4],
  ])('%s: learned from a few samples, the layout reads every other label of the family right or not at all', (_n, prefix, n) => {
    const all = family(prefix);
    const samples = all.slice(0, n).map((s) => ({ scan: s.raw, fields: fieldsOf(s.expected) }));
    const others = AVOID.filter((a) => !a.id.startsWith(prefix));
    const r = learnLayout(samples, { layoutId: 'site-real', avoid: others });
    if (!r.ok) throw new Error(r.detail);
    let read = 0;
    for (const s of all.slice(n)) {
      const got = runLayout(r.layout, normalizeScan(s.raw));
      if (got === undefined) continue;
      expect(got).toMatchObject({ ok: true, label: fieldsOf(s.expected) });
      read++;
    }
    expect(read).toBeGreaterThan(0);
  });

  it('refuses when the samples do not say where the quantity is (Chemi-Con ITF: zero-padded quantities that all fit 4 digits)', () => {
    const samples = family('docpal-ncc-').filter((s) => s.raw.length === 28).slice(0, 6).map((s) => ({ scan: s.raw, fields: fieldsOf(s.expected) }));
    const r = learnLayout(samples, { layoutId: 'site-ncc' });
    expect(r).toMatchObject({ ok: false, reason: 'LABEL_LAYOUT_UNDETERMINED' });
    expect(!r.ok && r.detail).toMatch(/qty: columns 19–24 and 20–24 both fit every sample/);
  });

  it('refuses one sample, fields that differ between samples, a value found nowhere, and a built-in id', () => {
    const koa = family('docpal-koa-').map((s) => ({ scan: s.raw, fields: fieldsOf(s.expected) }));
    expect(learnLayout(koa.slice(0, 1), { layoutId: 'site-k' })).toMatchObject({ ok: false, reason: 'LABEL_LAYOUT_INVALID' });
    expect(learnLayout([koa[0]!, { ...koa[1]!, fields: { mpn: 'RK73' } }], { layoutId: 'site-k' })).toMatchObject({ ok: false, reason: 'LABEL_LAYOUT_INVALID' });
    expect(learnLayout(koa.slice(0, 3).map((s) => ({ ...s, fields: { ...s.fields, lot: 'NOWHERE' } })), { layoutId: 'site-k' })).toMatchObject({ ok: false, reason: 'LABEL_LAYOUT_UNDETERMINED' });
    expect(learnLayout(koa.slice(0, 3), { layoutId: 'mfr-koa' })).toMatchObject({ ok: false, reason: 'LABEL_LAYOUT_INVALID' });
  });

  it('refuses samples a built-in format reads differently (nine `;` pieces are a Lite-On label)', () => {
    const samples = ['AA;00A000;A;0;1;A;AA00-A;2201;0', 'AA;00A006;A;0;2;A;AA00-F;2202;0', 'AA;00A003;A;0;3;A;AA00-J;2203;0'].map((scan, i) => ({
      scan,
      fields: { mpn: `AA00-${'AFJ'[i]!}`, qty: i + 1, lot: `00A00${'063'[i]!}` },
    }));
    const r = learnLayout(samples, { layoutId: 'site-semicolon' });
    expect(r).toMatchObject({ ok: false, reason: 'LABEL_LAYOUT_UNDETERMINED' });
    expect(!r.ok && r.detail).toContain('a built-in format reads it differently');
  });

  it('reads a part number printed twice from both places, so that a label where they disagree is refused', () => {
    const sii = family('docpal-sii-').slice(0, 3).map((s) => ({ scan: s.raw, fields: fieldsOf(s.expected) }));
    const r = learnLayout(sii, { layoutId: 'site-sii' });
    if (!r.ok) throw new Error(r.detail);
    expect(r.doc.fields.filter((f) => f.role === 'mpn')).toHaveLength(2);
    expect(r.notes.join(' ')).toContain('must agree');
    const bad = LAYOUT_SCANS.find((s) => s.id === 'docpal-sii-pn-disagree')!;
    expect(runLayout(r.layout, normalizeScan(bad.raw))).toMatchObject({ ok: false, reason: 'LABEL_CONFLICT' });
  });
});
