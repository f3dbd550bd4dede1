// The barcode scanner at a station, as it sits on the station's serial scanner line (RS-232, 9600 8N1): each read
// goes out as the decoded symbol's bytes, one per character (the scanner's code page, ISO 8859-1), then the line
// end it is set up to send. The controller's wiring expects CR (firmware/platform/moddable/README.md); a scanner
// left at LF or CR LF is still read, as the station documents (firmware/main/scanner.ts: CR, LF or CR LF end a read).
import type { Random } from '../line/random';

export const LINE_ENDS = { CR: '\r', LF: '\n', CRLF: '\r\n' } as const;
export type LineEnd = keyof typeof LINE_ENDS;

export class Scanner {
  constructor(readonly lineEnd: LineEnd = 'CR') {}

  /**
   * The scanner a station got: the expected CR, or with chance `damage` (the scenario's `operators.scanDamage`)
   * one set up to send LF or CR LF instead.
   */
  static setUp(r: Random, damage: number): Scanner {
    return new Scanner(r.chance(damage) ? r.pick(['LF', 'CRLF'] as const) : 'CR');
  }

  /**
   * What the scanner sends for one read. A serial scanner has no characters beyond one byte: a read holding one is
   * a simulator bug (a keyboard wedge's rendering), and fails loudly.
   */
  bytesOf(read: string): Uint8Array {
    const end = LINE_ENDS[this.lineEnd];
    const out = new Uint8Array(read.length + end.length);
    for (let i = 0; i < read.length; i++) {
      const c = read.charCodeAt(i);
      if (c > 0xff) throw new Error(`a serial scanner cannot send U+${c.toString(16).toUpperCase().padStart(4, '0')} (at ${i} of ${JSON.stringify(read)})`);
      out[i] = c;
    }
    for (let i = 0; i < end.length; i++) out[read.length + i] = end.charCodeAt(i);
    return out;
  }
}
