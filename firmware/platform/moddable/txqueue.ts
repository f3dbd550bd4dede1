// Outgoing bytes for an ECMA-419 stream. An ECMA-419 `write` takes all of its bytes or throws (the ESP32 UART
// writes straight into its 128-byte hardware FIFO; TCP into lwIP's send buffer), while the HAL's write queues a
// whole frame or refuses it. This ring sits between: a frame is queued whole or not at all, and drained as fast
// as `onWritable` says there is room. One buffer, fixed at creation.

/** The device side of a stream: write exactly these bytes now, or throw; may return the room left (lwIP does). */
export type DeviceWrite = (bytes: Uint8Array) => number | void;

export class TxQueue {
  private readonly ring: Uint8Array;
  private head = 0;
  private size = 0;
  /** Bytes the device said it takes: nothing is tried before its first onWritable. */
  private room: number;

  constructor(
    capacity: number,
    private readonly device: DeviceWrite,
    initialRoom = 0,
  ) {
    this.ring = new Uint8Array(capacity);
    this.room = initialRoom;
  }

  get queued(): number {
    return this.size;
  }

  /** Queues the whole of `bytes`, or nothing (false) when they do not fit. Then sends what the device takes. */
  push(bytes: Uint8Array): boolean {
    if (bytes.length > this.ring.length - this.size) return false;
    const tail = (this.head + this.size) % this.ring.length;
    const first = Math.min(bytes.length, this.ring.length - tail);
    this.ring.set(bytes.subarray(0, first), tail);
    if (first < bytes.length) this.ring.set(bytes.subarray(first), 0);
    this.size += bytes.length;
    this.pump();
    return true;
  }

  /** The device has room for `count` bytes (its onWritable). Returns the bytes handed to it. */
  writable(count: number): number {
    this.room = count;
    return this.pump();
  }

  /** Hands the device as much as it takes; returns the number of bytes it took. */
  pump(): number {
    let sent = 0;
    while (this.size > 0 && this.room > 0) {
      const n = Math.min(this.size, this.room, this.ring.length - this.head);
      let left: number | void;
      try {
        left = this.device(this.ring.subarray(this.head, this.head + n));
      } catch {
        // Full after all (the device's own count was stale): wait for its next onWritable.
        this.room = 0;
        break;
      }
      this.head = (this.head + n) % this.ring.length;
      this.size -= n;
      this.room = typeof left === 'number' ? left : this.room - n;
      sent += n;
    }
    return sent;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }
}
