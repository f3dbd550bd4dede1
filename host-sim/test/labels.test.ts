// The label population: every reel's label, in every format its part can arrive in, reads back through the
// station's own parser exactly as the simulator means it (part, quantity, lot, reel key); the scanner damage the
// simulator applies never changes that, nor does the trip over the station's scanner line (bytes, any line end);
// garbage scans are always refused.
import fc from 'fast-check';
import { parseLabel } from '../../firmware/core/label';
import { ScanLines } from '../../firmware/main/scanner';
import { bomChoices, MSD_PARTS, OTHER_PARTS, type Part } from '../world/catalog';
import { buildLabel, checkScan, formatsFor, garbageOf, LABEL_FORMATS, scanOf, type ReelTruth } from '../world/labels';
import { lotFor, ReelStore } from '../world/reels';
import { Random } from '../line/random';
import { LINE_ENDS, Scanner, type LineEnd } from '../world/scanner';

const parts: Part[] = [...new Map(bomChoices(300, 10).flatMap((c) => [c.primary, ...c.alternates, ...c.withApproval]).map((p) => [p.mpn, p])).values()];

function truth(p: Part, serial: number, r: Random): ReelTruth {
  return { mpn: p.mpn, maker: p.maker, qty: r.int(1, 50_000), lot: lotFor(p, serial, r), dateCode: '2419', country: 'JP', ...(p.msl === undefined ? {} : { msl: p.msl }), serial };
}

describe('the reel-label population', () => {
  it('covers the distributor and manufacturer formats', () => {
    const used = new Set(parts.flatMap((p) => formatsFor(p)));
    expect([...used].sort()).toEqual([...LABEL_FORMATS].sort());
    expect(MSD_PARTS.every((p) => p.msl !== undefined) && OTHER_PARTS.every((p) => p.msl === undefined)).toBe(true);
  });

  it('every part in every format its reels arrive in reads back exactly', () => {
    const r = new Random(1);
    let n = 0;
    for (const p of parts) {
      for (const f of new Set(formatsFor(p))) {
        const t = truth(p, ++n, r);
        const l = buildLabel(f, t, r); // throws when the label does not read back
        expect(checkScan(l.clean, l, t)).toBeUndefined();
        const parsed = parseLabel(l.clean);
        expect(parsed.ok && parsed.label.format.length > 0).toBe(true);
      }
    }
    expect(n).toBeGreaterThan(300);
  });

  /** What the station reads when a scanner set up with `end` sends `scan` on its line. */
  function overTheLine(scan: string, end: LineEnd): string[] {
    const reads: string[] = [];
    new ScanLines((x) => reads.push(x)).push(new Scanner(end).bytesOf(scan));
    return reads;
  }

  it('scanner damage never changes what a label says, over the scanner line, and garbage is refused (random seeds)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat({ max: parts.length - 1 }), (seed, k) => {
        const r = new Random(seed);
        const p = parts[k]!;
        const f = r.pick(formatsFor(p));
        const t = truth(p, 1 + (seed % 100_000), r);
        const l = buildLabel(f, t, r);
        for (let i = 0; i < 4; i++) {
          const reads = overTheLine(scanOf(l, t, r, 1), r.pick(Object.keys(LINE_ENDS) as LineEnd[]));
          expect(reads).toHaveLength(1);
          expect(checkScan(reads[0]!, l, t)).toBeUndefined();
        }
        const garbage = overTheLine(garbageOf(l, t, r), r.pick(Object.keys(LINE_ENDS) as LineEnd[]));
        expect(garbage).toHaveLength(1);
        expect(parseLabel(garbage[0]!).ok).toBe(false);
      }),
      { numRuns: process.env['WARDEN_CI_SCALE'] === '1' ? 20_000 : 400 },
    );
  });

  it('issued reels have distinct keys, and each reel record names the key the station derives from the label', () => {
    const store = new ReelStore(new Random(3), Date.UTC(2026, 11, 1));
    for (let i = 0; i < 400; i++) store.issue(parts[i % parts.length]!, 1, `IPN-${i}`, i * 1000);
    const keys = store.all.map((x) => x.key);
    expect(new Set(keys).size).toBe(keys.length);
    // No format is silently replaced by another: each one the catalogue's parts arrive in is issued.
    expect([...new Set(store.all.map((x) => x.label.format))].sort()).toEqual([...LABEL_FORMATS].sort());
    for (const reel of store.all) {
      const rec = store.record(reel);
      expect(rec.uniqueIdentifier).toBe(reel.key);
      expect(rec.manufacturerPartNumber).toBe(reel.part.mpn);
      expect(rec.msdLevel).toBe(reel.part.msl);
    }
  });
});
