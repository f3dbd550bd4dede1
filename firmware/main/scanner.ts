// The scanner line: a serial barcode scanner sends each read as bytes ended by CR, LF or CR LF. Label data holds
// control characters of its own (GS, RS, EOT in ISO/IEC 15434), so only CR and LF end a read. One fixed buffer:
// nothing a scanner sends can make the station allocate without bound, and a read too long for it is still
// answered (the label parser refuses it with LABEL_TOO_LONG) rather than dropped or split into two.
import { MAX_SCAN_CHARS } from '../core/label/limits';
import type { StationInput } from '../core/station/types';
import type { StreamCallbacks } from '../platform/hal';

const CR = 0x0d;
const LF = 0x0a;

export class ScanLines {
  /** One byte more than the parser takes, so an over-long read reaches it over-long and is refused there. */
  private readonly buf = new Uint8Array(MAX_SCAN_CHARS + 1);
  private n = 0;

  constructor(private readonly onLine: (line: string) => void) {}

  /** Bytes from the scanner, in any chunking. Blank lines (the LF of a CR LF) are skipped. */
  push(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === CR || b === LF) {
        if (this.n > 0) this.flush();
        continue;
      }
      if (this.n < this.buf.length) this.buf[this.n++] = b;
    }
  }

  /** Drops a partial read (the scanner was unplugged, or its port reset). */
  reset(): void {
    this.n = 0;
  }

  private flush(): void {
    // Serial scanners send single bytes in their code page (ISO 8859-1 by default); Latin-1 maps each byte to
    // one character, so nothing is rejected here and ASCII labels come through unchanged.
    // Converted in runs of 32: few intermediate strings, and far below XS's 512-slot stack for apply's arguments.
    let s = '';
    for (let i = 0; i < this.n; i += 32) {
      s += String.fromCharCode.apply(null, this.buf.subarray(i, Math.min(this.n, i + 32)) as unknown as number[]);
    }
    this.n = 0;
    this.onLine(s);
  }
}

/**
 * The scanner line into a station: each read the line frames is a scan input (the station answers it with a
 * `reply` event, what its display shows); a line that closes drops a partial read. `startFirmware` opens the
 * board's scanner with these, and so does the simulator's line station, so both frame scans with the same code.
 */
export function scannerInput(station: { input(i: StationInput): unknown }): StreamCallbacks {
  const lines = new ScanLines((data) => {
    station.input({ kind: 'scan', data });
  });
  return { onData: (bytes) => lines.push(bytes), onClose: () => lines.reset() };
}
