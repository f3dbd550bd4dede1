// The manufacturer layouts (built-in, written in the layout language) on the real payloads they were checked on,
// and the cross-claim check: no layout or format reads a label of another family.
import { parseLabel } from '../../core/label';
import { BUILTIN_LAYOUT_DOCS, builtinLayouts } from '../../core/label/builtin-layouts';
import { parseEnvelope } from '../../core/label/envelope';
import { readLayoutDocument } from '../../core/label/layout-doc';
import { runLayout } from '../../core/label/layout-run';
import { normalizeScan } from '../../core/label/normalize';
import { FORMAT_PARSERS } from '../../core/label/parse';
import { ALL_SCANS, LAYOUT_SCANS, score, type Score } from './samples';

/** Payloads that must be refused, and why (each fixture's notes say more). */
const MUST_REJECT: Readonly<Record<string, string>> = {
  'docpal-sii-pn-disagree': 'LABEL_CONFLICT', // the two part-number fields of the label disagree
  'docpal-ncc-outer-box': 'SCAN_UNREADABLE', // a distributor's box label, not a reel label
  'yujin-infineon': 'LABEL_AMBIGUOUS', // SP number in 1P, part name in 50P: decoders disagree on the MPN
};

const OTHER_FIELDS = ['dateCode', 'supplierPn', 'customerPn', 'customerPo', 'manufacturer', 'msl'] as const;

/** A reading of family `a` is at home on a fixture of family `b` (same layout, its variant, or both ISO 15434 DI labels). */
function sameFamily(a: string, b: string): boolean {
  return a === b || a.startsWith(b) || b.startsWith(a) || (a.startsWith('eigp114') && b.startsWith('eigp114'));
}

describe('manufacturer layouts on their real payloads (fixtures/layouts.json)', () => {
  it.each(LAYOUT_SCANS.map((s) => [s.id, s] as const))('%s', (_id, s) => {
    const r = parseLabel(s.raw);
    expect(score(s, r)).not.toBe('wrong');
    const refused = MUST_REJECT[s.id];
    if (refused !== undefined) {
      expect(r).toMatchObject({ ok: false, reason: refused });
      return;
    }
    if (!r.ok) throw new Error(`${s.id} rejected: ${r.reason} ${r.message}`);
    expect(r.label.format).toBe(s.format);
    for (const k of ['mpn', 'qty', 'lot'] as const) if (k in s.expected) expect({ [k]: r.label[k] }).toEqual({ [k]: s.expected[k] });
    for (const k of OTHER_FIELDS) if (k in s.expected && r.label[k] !== undefined) expect({ [k]: r.label[k] }).toEqual({ [k]: s.expected[k] });
  });

  it('scores every payload exact, except the ones that must be refused; none wrong', () => {
    const tally: Record<Score, number> = { exact: 0, wrong: 0, rejected: 0, missing: 0 };
    for (const s of LAYOUT_SCANS) tally[score(s, parseLabel(s.raw))]++;
    process.stdout.write(`label layouts: ${JSON.stringify(tally)} of ${LAYOUT_SCANS.length}\n`);
    expect(tally).toEqual({ exact: LAYOUT_SCANS.length - Object.keys(MUST_REJECT).length, wrong: 0, rejected: Object.keys(MUST_REJECT).length, missing: 0 });
  });

  it('every built-in layout document passes its own check', () => {
    for (const d of BUILTIN_LAYOUT_DOCS) expect(readLayoutDocument(d)).toMatchObject({ ok: true });
    expect(builtinLayouts()).toHaveLength(BUILTIN_LAYOUT_DOCS.length);
  });

  it('every built-in layout reads at least one real payload (none is untested)', () => {
    for (const l of builtinLayouts()) {
      const read = ALL_SCANS.filter((s) => runLayout(l, normalizeScan(s.raw))?.ok === true);
      expect({ layout: l.id, payloads: read.length > 0 }).toEqual({ layout: l.id, payloads: true });
    }
  });
});

describe('cross-claim: no layout or format reads a label of another family', () => {
  const scans = ALL_SCANS.map((s) => ({ s, scan: normalizeScan(s.raw) }));

  it('a built-in layout claims no payload of another family (not even to refuse it)', () => {
    const claims: string[] = [];
    for (const l of builtinLayouts()) {
      for (const { s, scan } of scans) if (!sameFamily(l.id, s.format) && runLayout(l, scan) !== undefined) claims.push(`${l.id} claims ${s.id}`);
    }
    expect(claims).toEqual([]);
  });

  it('a code-written format accepts no payload of another family', () => {
    const claims: string[] = [];
    for (const { s, scan } of scans) {
      const readings = [parseEnvelope(scan.text), ...FORMAT_PARSERS.map((p) => p(scan))];
      for (const r of readings) if (r?.ok === true && !sameFamily(r.label.format, s.format)) claims.push(`${r.label.format} reads ${s.id}`);
    }
    expect(claims).toEqual([]);
  });

  it('what the station answers for every payload, old and new, is its own family or a refusal', () => {
    for (const { s } of scans) {
      const r = parseLabel(s.raw);
      if (r.ok) expect({ id: s.id, family: sameFamily(r.label.format, s.format) }).toEqual({ id: s.id, family: true });
    }
  });
});
