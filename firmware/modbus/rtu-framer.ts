// Modbus RTU framing, driven by bytes and the time they arrived (Modbus over Serial Line v1.02, §2.5.1.1): a
// frame ends after 3.5 character times of silence; a silence over 1.5 character times inside a frame spoils it;
// a frame longer than 256 bytes, shorter than 4, or with a bad CRC is dropped. Timestamps decide; a timer only
// tells the framer to look (poll), so a late timer never merges or splits frames.
import type { ModbusCounters } from '../../protocol/src/modbus/counters';
import { crc16 } from '../../protocol/src/modbus/crc16';
import { MAX_RTU_ADU, MIN_RTU_ADU } from '../../protocol/src/modbus/spec';

export interface RtuTiming {
  /** One character on the line: start bit, 8 data bits, parity bit if any, stop bits. */
  readonly charUs: number;
  /** Longest silence allowed inside a frame. */
  readonly t15Us: number;
  /** Silence that ends a frame. */
  readonly t35Us: number;
}

export type Parity = 'none' | 'even' | 'odd';

/** The timers of a line: 1.5 and 3.5 characters, fixed at 750 µs and 1750 µs above 19200 baud. */
export function rtuTiming(baud: number, parity: Parity, stopBits: 1 | 2): RtuTiming {
  const bits = 1 + 8 + (parity === 'none' ? 0 : 1) + stopBits;
  const charUs = (bits * 1e6) / baud;
  if (baud > 19200) return { charUs, t15Us: 750, t35Us: 1750 };
  return { charUs, t15Us: 1.5 * charUs, t35Us: 3.5 * charUs };
}

/**
 * Cuts a byte stream into frames. `onFrame(buf, len)` gets each frame that is well delimited and has a good CRC,
 * address byte first, CRC included; `buf` is reused after it returns. Counts busFrames, crcErrors and frameErrors.
 */
export class RtuFramer {
  private readonly buf = new Uint8Array(MAX_RTU_ADU);
  private len = 0;
  /** The current frame is spoiled (gap over t1.5, or overrun) and will be dropped at its end. */
  private spoiled = false;
  /** When the last byte was complete, µs. */
  private lastUs = 0;

  constructor(
    readonly timing: RtuTiming,
    private readonly counters: ModbusCounters,
    private readonly onFrame: (buf: Uint8Array, len: number) => void,
  ) {}

  /**
   * Bytes received; `atUs` is when the first of them was complete. The others are taken to follow it back to
   * back, one character time apart, as a UART delivers a burst.
   */
  push(bytes: Uint8Array, atUs: number): void {
    const { charUs, t15Us, t35Us } = this.timing;
    for (let i = 0; i < bytes.length; i++) {
      const t = atUs + i * charUs;
      if (this.len > 0) {
        const silence = t - charUs - this.lastUs;
        if (silence >= t35Us) this.end();
        else if (silence > t15Us) this.spoiled = true;
      }
      if (this.len < this.buf.length) this.buf[this.len++] = bytes[i]!;
      else this.spoiled = true;
      // Timestamps from different deliveries may not be ordered: never let the line's clock run backwards.
      if (this.len === 1 || t > this.lastUs) this.lastUs = t;
    }
  }

  /** Ends the open frame if the line has been silent for t3.5 by `nowUs`. True while a frame is still open. */
  poll(nowUs: number): boolean {
    if (this.len > 0 && nowUs - this.lastUs >= this.timing.t35Us) this.end();
    return this.len > 0;
  }

  /** µs from `nowUs` until the open frame may end (0 when it may end now); -1 when none is open. */
  dueInUs(nowUs: number): number {
    if (this.len === 0) return -1;
    return Math.max(0, this.lastUs + this.timing.t35Us - nowUs);
  }

  private end(): void {
    const n = this.len;
    const spoiled = this.spoiled;
    this.len = 0;
    this.spoiled = false;
    this.counters.busFrames++;
    if (spoiled || n < MIN_RTU_ADU) {
      this.counters.frameErrors++;
      return;
    }
    const crc = crc16(this.buf, 0, n - 2);
    if (this.buf[n - 2] !== (crc & 0xff) || this.buf[n - 1] !== crc >>> 8) {
      this.counters.crcErrors++;
      return;
    }
    this.onFrame(this.buf, n);
  }
}
