// The sending side of a link: stamps each message with the next counter of its direction and seals it.
// The counter must survive reboots (the caller persists `nextCounter`); a reused counter is a replay to the peer.
import { encodeFrame, type Direction, type EncodeResult } from './frame';
import type { Message } from './messages';

export interface SenderOptions {
  readonly stationId: number;
  readonly direction: Direction;
  readonly keyId: number;
  readonly key: Uint8Array;
  /** First counter to use; 1 for a fresh key. */
  readonly nextCounter?: number;
}

export class Sender {
  private next: number;
  constructor(private readonly opts: SenderOptions) {
    this.next = opts.nextCounter ?? 1;
  }

  get nextCounter(): number {
    return this.next;
  }

  /** Jumps ahead (never back), e.g. above the lastCounterReceived a peer announced in Hello. */
  skipTo(counter: number): void {
    if (counter > this.next) this.next = counter;
  }

  /** Seals a message into a wire frame. The counter is spent only when the frame was built. */
  frame(message: Message, ackRequested = false): EncodeResult {
    const r = encodeFrame(message, { ...this.opts, counter: this.next, ackRequested });
    if (r.ok) this.next++;
    return r;
  }
}
