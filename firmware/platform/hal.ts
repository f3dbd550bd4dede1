// The hardware abstraction the firmware core talks to. Each platform (sim/, moddable/) implements it; the core
// never touches a device module. Errors are values, never throws; every device is handed in by the platform's main module.

/** Shape of a NOR flash partition: erase by sector, program by word, read anything. */
export interface FlashGeometry {
  /** Erase unit in bytes. An erased sector reads 0xFF everywhere. */
  readonly sectorSize: number;
  readonly sectorCount: number;
  /** Program unit in bytes: programs start on a word boundary and cover whole words. */
  readonly wordSize: number;
}

export type FlashResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'FLASH_WRITE_FAILED' | 'FLASH_READ_FAILED'; readonly detail: string };

/**
 * NOR flash behind the HAL. Offsets are bytes from the start of the partition. Programming can only clear bits:
 * each stored bit becomes (old AND new), as on real NOR, so writing over data that is not erased silently yields
 * a mix; the storage layer reads back to verify. Errors are values, never throws.
 */
export interface Flash {
  readonly geometry: FlashGeometry;
  /** Copies `length` bytes at `offset` into `dst[at, at + length)`. */
  read(offset: number, dst: Uint8Array, at: number, length: number): FlashResult;
  /** Programs `src[at, at + length)` at `offset`; offset and length are multiples of the word size. */
  program(offset: number, src: Uint8Array, at: number, length: number): FlashResult;
  /** Erases one sector back to 0xFF. */
  erase(sector: number): FlashResult;
}

// ---- time ----------------------------------------------------------------------------------------------

/** The station's sense of time. Monotonic time drives timeouts and Modbus timing; wall time is only as good as the RTC. */
export interface Clock {
  /** Milliseconds since boot; never goes back, survives nothing (a reboot starts it again). */
  monotonicMs(): number;
  /** Microseconds since boot, for Modbus RTU character timing; the same origin as monotonicMs. */
  monotonicUs(): number;
  /**
   * The real-time clock: Unix epoch ms, and whether it kept time through the last power loss (a battery-backed
   * RTC that reports no oscillator stop). Undefined when the RTC has no time at all.
   */
  readRtc(): { readonly epochMs: number; readonly trusted: boolean } | undefined;
  /** Sets the RTC after a host time sync, so a later reboot with a trusted RTC keeps wall time. */
  writeRtc(epochMs: number): void;
}

/** One-shot timers, in the Moddable `Timer` style. The simulator implements them on its virtual clock. */
export interface Timers {
  /** Calls `callback` once after `delayMs` (monotonic). Returns a handle for `clear`. */
  set(delayMs: number, callback: () => void): number;
  clear(handle: number): void;
}

// ---- byte streams ----------------------------------------------------------------------------------------

/** The callbacks an owner of a stream gives it (ECMA-419 style: options with callbacks, no globals). */
export interface StreamCallbacks {
  /** Bytes arrived; `atUs` is monotonicUs() when the first of them arrived (RTU timing needs it). */
  onData(bytes: Uint8Array, atUs: number): void;
  /** The stream ended (TCP close or reset, serial port gone). No further callbacks. */
  onClose?(): void;
}

/** One full-duplex byte stream: a UART, an RS-485 port (the adapter drives the driver-enable pin) or one TCP connection. */
export interface ByteStream {
  /** Queues bytes for sending. False when the stream is closed or its send buffer cannot take them (nothing queued). */
  write(bytes: Uint8Array): boolean;
  /** Closes the stream; onClose follows. */
  close(): void;
}

/** A serial port opened with its line settings. */
export interface SerialPort extends ByteStream {
  readonly baud: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
}

/** A TCP listener: every accepted connection is handed to `onConnection`, which returns that connection's callbacks. */
export interface TcpListenerOptions {
  readonly port: number;
  /** Return undefined to refuse (the platform closes the socket at once). */
  onConnection(conn: ByteStream, remote: string): StreamCallbacks | undefined;
}

export interface TcpListener {
  close(): void;
}

/** Opens TCP listeners (ECMA-419 `embedded:io/socket/listener` on a device, node:net or in-memory in the simulator). */
export type ListenTcp = (options: TcpListenerOptions) => TcpListener;

// ---- discrete I/O and sensors ------------------------------------------------------------------------------

/** One digital output (ECMA-419 `embedded:io/digital`). The run-permit relay is wired fail-safe: 1 = energised = permit. */
export interface DigitalOut {
  write(value: 0 | 1): void;
}

/** The stack light's three lamps. */
export interface StackLight {
  readonly red: DigitalOut;
  readonly amber: DigitalOut;
  readonly green: DigitalOut;
}

/** A temperature and humidity sensor on I²C (SHT3x, HDC1080, …), read on demand. */
export interface ThSensor {
  /** One reading, or why there is none (bus error, CRC error, no answer). Plausibility is the station's business. */
  sample(): { readonly ok: true; readonly tempC: number; readonly rhPct: number } | { readonly ok: false; readonly detail: string };
}

/** Fills `dst` with random bytes (the ESP32's hardware RNG on a device). Used for session nonces. */
export type RandomBytes = (dst: Uint8Array) => void;
