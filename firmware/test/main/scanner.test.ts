// The scanner line: reads end at CR or LF and nowhere else, in whatever chunks the UART delivers them; the label's
// own control characters pass through; nothing a scanner sends makes the buffer grow past its one fixed size.
import fc from 'fast-check';
import { MAX_SCAN_CHARS } from '../../core/label/limits';
import { ScanLines } from '../../main/scanner';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function feed(chunks: readonly Uint8Array[]): string[] {
  const out: string[] = [];
  const l = new ScanLines((x) => out.push(x));
  for (const c of chunks) l.push(c);
  return out;
}

describe('scanner lines', () => {
  it('ends a read at CR, LF or CR LF, and keeps GS, RS and EOT inside it', () => {
    const label = '[)>\x1e06\x1dP1234\x1d1PABC\x1e\x04';
    expect(feed([bytes(`${label}\r`)])).toEqual([label]);
    expect(feed([bytes(`${label}\r\n${label}\n`)])).toEqual([label, label]);
    expect(feed([bytes('\r\n\r\n')])).toEqual([]);
    // Latin-1 bytes come through as the characters a scanner in its default code page meant.
    expect(feed([Uint8Array.of(0x4d, 0xfc, 0x6c, 0x6c, 0x0d)])).toEqual(['Müll']);
  });

  it('gives the same reads for any chunking of the same bytes', () => {
    const line = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 80 });
    fc.assert(
      fc.property(fc.array(fc.tuple(line, fc.constantFrom('\r', '\n', '\r\n')), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (reads, cuts) => {
        const all = bytes(reads.map(([t, end]) => t + end).join(''));
        const at = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at, all.length].slice(1).map((e, i, arr) => all.subarray(i === 0 ? 0 : arr[i - 1]!, e));
        expect(feed(chunks)).toEqual(reads.map(([t]) => t));
      }),
      { numRuns: 300 },
    );
  });

  it('hands an over-long read on over-long (so the parser refuses it by name), and the next read is whole', () => {
    const out = feed([bytes('x'.repeat(MAX_SCAN_CHARS + 500)), bytes('\rOK\r')]);
    expect(out).toEqual(['x'.repeat(MAX_SCAN_CHARS + 1), 'OK']);
  });

  it('drops a partial read when the line resets', () => {
    const out: string[] = [];
    const l = new ScanLines((x) => out.push(x));
    l.push(bytes('half a lab'));
    l.reset();
    l.push(bytes('B1.F.1\r'));
    expect(out).toEqual(['B1.F.1']);
  });
});
