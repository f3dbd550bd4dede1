// Streaming deframer: turns an arbitrarily chunked byte stream into frame bodies or typed framing errors.
// It keeps one fixed buffer (no growth from outside input), resynchronises at every 0x00, and never throws.
import { cobsDecode } from './cobs';
import { MAX_WIRE_FRAME } from './limits';
import type { ReasonName } from './reasons';

export type DeframeEvent =
  | { readonly kind: 'body'; readonly body: Uint8Array; readonly offset: number }
  | { readonly kind: 'error'; readonly reason: ReasonName; readonly offset: number; readonly length: number };

export class Deframer {
  private readonly buf: Uint8Array;
  private len = 0;
  private discarding = false;
  private start = 0;
  private seen = 0;

  /** maxWire: the largest frame on the wire, delimiters included. */
  constructor(maxWire: number = MAX_WIRE_FRAME) {
    this.buf = new Uint8Array(maxWire - 2); // both delimiters excluded
  }

  /** Feeds bytes; calls emit for every complete frame body or framing error, in stream order. */
  push(chunk: Uint8Array, emit: (e: DeframeEvent) => void): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      const pos = this.seen++;
      if (b === 0) {
        if (this.discarding) {
          this.discarding = false;
        } else if (this.len > 0) {
          const body = cobsDecode(this.buf, this.len);
          if (body === undefined) emit({ kind: 'error', reason: 'BAD_COBS', offset: this.start, length: this.len });
          else emit({ kind: 'body', body: body.slice(), offset: this.start });
        }
        this.len = 0;
        this.start = pos + 1;
        continue;
      }
      if (this.discarding) continue;
      if (this.len === this.buf.length) {
        // One byte over the largest frame: report once, drop everything up to the next delimiter.
        emit({ kind: 'error', reason: 'FRAME_OVERSIZE', offset: this.start, length: this.len + 1 });
        this.discarding = true;
        this.len = 0;
        continue;
      }
      this.buf[this.len++] = b;
    }
  }

  /** Ends the stream: bytes held since the last delimiter are judged as if a delimiter followed. */
  flush(emit: (e: DeframeEvent) => void): void {
    this.push(new Uint8Array([0]), emit);
    // The delimiter was ours, not the stream's: the next frame starts where the stream stopped.
    this.seen--;
    this.start = this.seen;
  }

  /** Forgets a partial frame (the link was lost); stream offsets keep counting. */
  reset(): void {
    this.len = 0;
    this.discarding = false;
    this.start = this.seen;
  }

  /** Bytes held since the last delimiter (an unterminated frame at the end of a capture). */
  get pending(): number {
    return this.len;
  }
}
