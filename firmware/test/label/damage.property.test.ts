// Properties: scanner damage never turns a good label into a different one, and the parser is total.
import fc from 'fast-check';
import { parseLabel, type LabelResult } from '../../core/label';
import { REASONS } from '../../../protocol/src/reasons';
import { EXTRA_SCANS, SAMPLE_SCANS } from './samples';

const GS = '\u001d';
const RS = '\u001e';
const EOT = '\u0004';

// Clean envelope payloads (real GS) from the samples and the extra public payloads, and the label each parses to.
const CLEAN = [...SAMPLE_SCANS, ...EXTRA_SCANS].filter((s) => s.raw.includes(GS))
  .map((s) => ({ id: s.id, raw: s.raw.replace(/\r$/, ''), result: parseLabel(s.raw) }))
  .filter((c) => c.result.ok);

type Transform = (s: string) => string;
const swap = (from: string, to: string): Transform => (s) => s.split(from).join(to);

/** The documented transforms of reference 3.2, each as a function of a clean payload. */
const transform: fc.Arbitrary<Transform> = fc.oneof(
  fc.constantFrom('␝', '\uf70b', '↔', '\u001b[19~', ']', '|', '.', '^', '').map((t) => swap(GS, t)),
  fc.constantFrom('␞', '\uf70c', '▲', '\u001b[20~', '^', ']', '').map((t) => swap(RS, t)),
  fc.constantFrom('␄', '^D', '^d', '').map((t) => swap(EOT, t)),
  fc.constantFrom(1, 2, 3, 4).map((n): Transform => (s) => (s.startsWith('[)>') || s.startsWith('>[)>') ? s.slice(n) : s)),
  fc.constantFrom(']d1', ']Q1', ']L0', ']C0', '∠', '  ', '\r\n').map((p): Transform => (s) => p + s),
  fc.constantFrom('\r', '\r\n', '\n   ]', `${RS}V\r`, `${RS}${EOT}zz`, '   ').map((t): Transform => (s) => s + t),
  // Random lower-case DI letters: the letter right after a separator.
  fc.integer({ min: 0, max: 30 }).map((k): Transform => (s) => {
    let i = -1;
    for (let n = 0; n <= k; n++) {
      i = s.indexOf(GS, i + 1);
      if (i < 0) return s;
    }
    const m = /^[0-9]*[A-Z]/.exec(s.slice(i + 1));
    if (m === null) return s;
    const j = i + m[0].length;
    return s.slice(0, j) + s[j]!.toLowerCase() + s.slice(j + 1);
  }),
  // One separator lost (a host keyboard stack dropping a hidden character), or turned into the garbage
  // characters Binner recorded from a Tera D5100 (different per keystroke).
  fc.nat().map((n): Transform => (s) => {
    let k = 0;
    return s.replace(/[\u001d\u001e]/g, (m) => (k++ === n % 24 ? '' : m));
  }),
  fc.tuple(fc.nat(), fc.constantFrom('┴', '¡', 'Á', 'q', 'e')).map(([n, c]): Transform => (s) => {
    let k = 0;
    return s.replace(/\u001d/g, (m) => (k++ === n % 24 ? c : m));
  }),
  // 20Z padding cut at a random length.
  fc.integer({ min: 0, max: 200 }).map((n): Transform => (s) => {
    const i = s.indexOf(`${GS}20Z`);
    return i < 0 ? s : s.slice(0, i + 4 + n);
  }),
  // The scanner stops after some fields (a 2D decode is all-or-nothing, so cuts fall on field boundaries).
  fc.integer({ min: 1, max: 30 }).map((n): Transform => (s) => {
    const parts = s.split(GS);
    return parts.slice(0, Math.max(2, parts.length - n)).join(GS);
  }),
);

const CRITICAL = ['mpn', 'qty', 'lot'] as const;

function sameOrRejected(clean: LabelResult, damaged: LabelResult): void {
  if (!damaged.ok || !clean.ok) return;
  for (const k of CRITICAL) {
    const d = damaged.label[k];
    // Omitting a field is safe; a present field must be exactly the clean one.
    if (d !== undefined) expect({ [k]: d }).toEqual({ [k]: clean.label[k] });
  }
}

describe('scanner damage never yields different fields', () => {
  it('random combinations of the documented transforms: same mpn/qty/lot or a rejection', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CLEAN), fc.array(transform, { minLength: 1, maxLength: 4 }), (c, ts) => {
        const damaged = ts.reduce((s, t) => t(s), c.raw);
        sameOrRejected(c.result, parseLabel(damaged));
      }),
      { numRuns: 1500 },
    );
  });

  it('dropping every separator: same mpn/qty/lot or a rejection', () => {
    for (const c of CLEAN) {
      const stripped = c.raw.split(GS).join('').split(RS).join('').split(EOT).join('');
      sameOrRejected(c.result, parseLabel(stripped));
    }
  });

  it('dropping one separator: same mpn/qty/lot or a rejection', () => {
    for (const c of CLEAN) {
      for (let i = c.raw.indexOf(GS); i >= 0; i = c.raw.indexOf(GS, i + 1)) {
        sameOrRejected(c.result, parseLabel(c.raw.slice(0, i) + c.raw.slice(i + 1)));
      }
    }
  });
});

function wellFormed(r: LabelResult): void {
  if (r.ok) {
    expect(typeof r.label.format).toBe('string');
    if (r.label.qty !== undefined) expect(Number.isSafeInteger(r.label.qty) && r.label.qty >= 0).toBe(true);
    for (const v of Object.values(r.label)) expect(['string', 'number']).toContain(typeof v);
  } else {
    expect(REASONS[r.reason]).toBeDefined();
    expect(r.message.length).toBeGreaterThan(0);
  }
}

const TOKENS = [
  '[)>', '>[)>', ')>', '06', '05', GS, RS, EOT, ']', '^', '|', '.', '+', ',', ';', ':', '/', ' ', '\r', '␝', '␞', '\u001b[19~',
  'P', '1P', '30P', '3P', 'Q', 'K', '1K', '10K', '11K', '14K', '4L', '1T', 'T', '9D', '1V', '13E', '3Z', '11Z', '20Z', 'J', 'S',
  '0', '00', '12', '2a', '-ND', 'ABC', 'x', 'PICK', '{', '}', 'pm:', 'pc:', 'qty:', 'mc:', 'QTY:', 'PN:', 'MPN:', 'PO:',
  '3N1', 'WR1:', 'UID', 'SPN', 'QTY', 'KHK', 'MPN', 'L', 'D', '0000000',
];

describe('the parser is total', () => {
  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => wellFormed(parseLabel(s))), { numRuns: 2000 });
  });

  it('on strings of separators and DI-like tokens', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((a) => a.join(''));
    fc.assert(fc.property(soup, (s) => wellFormed(parseLabel(s))), { numRuns: 3000 });
  });

  it('is deterministic', () => {
    fc.assert(fc.property(fc.constantFrom(...SAMPLE_SCANS.map((s) => s.raw)), (s) => expect(parseLabel(s)).toEqual(parseLabel(s))), { numRuns: 50 });
  });
});
