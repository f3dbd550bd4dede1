// The byte protocol between firmware running inside an embedded engine (QuickJS, XS under xsnap) and the Node
// process that owns its devices. Both directions are one synchronous call with bytes in and bytes out, the shape
// of xsnap's `issueCommand` / `handleCommand`: the engine calls `issueCommand(request)` for a device operation and
// gets the device's answer; the host calls the engine's `handleCommand(command)` to deliver an event (bytes on a
// stream, a timer, a connection). One definition, imported by both ends, so they cannot drift apart.
//
// Every message starts with one op byte; numbers are little-endian; f64 for times (ms and µs since boot, epoch ms).

/** Engine → host: device operations. */
export const OP = {
  FLASH_GEOMETRY: 1,
  FLASH_READ: 2,
  FLASH_PROGRAM: 3,
  FLASH_ERASE: 4,
  CLOCK: 5,
  RTC_WRITE: 6,
  TIMER_SET: 7,
  TIMER_CLEAR: 8,
  OUTPUT: 9,
  SENSOR: 10,
  RANDOM: 11,
  STREAM_OPEN: 12,
  STREAM_WRITE: 13,
  STREAM_CLOSE: 14,
  LISTEN: 15,
  LISTEN_CLOSE: 16,
} as const;

/** Host → engine: events and control. */
export const CMD = {
  /** Start the firmware: provisioning document and secret, tick interval. */
  BOOT: 1,
  /** Bytes arrived on a stream. */
  DATA: 2,
  /** A stream ended. */
  CLOSED: 3,
  /** A listener has a new connection: the firmware accepts or refuses it. */
  ACCEPT: 4,
  /** A timer fired. */
  TIMER: 5,
  /** The station's own picture of itself, as JSON (for benches; a device shows the same over Modbus and the host link). */
  STATUS: 6,
  /** Stop the firmware (before the host discards the engine to simulate a power cut). */
  STOP: 7,
  /** The machine's board-out signal pulsed: one board built. */
  BOARD: 8,
} as const;

/** The flash partitions a board has. */
export const FLASH_DEV = { journal: 0, store: 1 } as const;
/** The discrete outputs. */
export const PIN = { runPermit: 0, red: 1, amber: 2, green: 3 } as const;
/** The serial streams the firmware may open. */
export const PORT = { scanner: 1, hostSerial: 2, rs485: 3 } as const;
/** Parity byte of a serial port's line settings. */
export const PARITY = ['none', 'even', 'odd'] as const;

/** Result byte of a flash operation. */
export const FLASH_STATUS = { ok: 0, writeFailed: 1, readFailed: 2 } as const;
/** RTC state byte of a CLOCK answer. */
export const RTC = { none: 0, untrusted: 1, trusted: 2 } as const;

/** Most payload bytes a STREAM_WRITE or DATA carries; longer writes are split by the sender. */
export const MAX_CHUNK = 4096;

/** A little-endian reader over one message. Reading past the end yields zeros, never throws (the caller checks `ok`). */
export class Reader {
  private readonly dv: DataView;
  at = 0;
  ok = true;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): boolean {
    if (this.at + n > this.bytes.length) {
      this.ok = false;
      return false;
    }
    return true;
  }
  u8(): number {
    if (!this.need(1)) return 0;
    return this.dv.getUint8(this.at++);
  }
  u16(): number {
    if (!this.need(2)) return 0;
    const v = this.dv.getUint16(this.at, true);
    this.at += 2;
    return v;
  }
  u32(): number {
    if (!this.need(4)) return 0;
    const v = this.dv.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  f64(): number {
    if (!this.need(8)) return 0;
    const v = this.dv.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }
  /** The next n bytes as a view (no copy). */
  bytesN(n: number): Uint8Array {
    if (!this.need(n)) return new Uint8Array(0);
    const v = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  /** Everything left, as a view. */
  rest(): Uint8Array {
    const v = this.bytes.subarray(this.at);
    this.at = this.bytes.length;
    return v;
  }
}

/** A little-endian writer into a buffer of known size (each message's size is known before it is built). */
export class Writer {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;
  at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }
  u8(v: number): this {
    this.dv.setUint8(this.at++, v);
    return this;
  }
  u16(v: number): this {
    this.dv.setUint16(this.at, v, true);
    this.at += 2;
    return this;
  }
  u32(v: number): this {
    this.dv.setUint32(this.at, v >>> 0, true);
    this.at += 4;
    return this;
  }
  f64(v: number): this {
    this.dv.setFloat64(this.at, v, true);
    this.at += 8;
    return this;
  }
  put(b: Uint8Array): this {
    this.bytes.set(b, this.at);
    this.at += b.length;
    return this;
  }
}
