// A HAL SerialPort over the ECMA-419 `embedded:io/serial` class (Moddable SDK 8.2.3, modules/io/serial/esp32/
// serial.js and serial.c): constructor options `port` (UART number), `transmit`, `receive` (GPIOs), `baud`
// (required), `format` ("buffer"), `onReadable(count)`, `onWritable(count)`; `read(buffer)` fills the buffer with
// up to its length of what is in the RX FIFO and returns the count; `write(buffer)` throws "output full" unless
// the TX FIFO takes all of it; `close()`.
//
// Two things that driver does not do, and this adapter must:
//   - It configures 8 data bits, no parity, 1 stop bit, always (serial.c sets UART_PARITY_DISABLE and
//     UART_STOP_BITS_1 and reads no option for them). A port asked for anything else is refused with
//     PLATFORM_UNSUPPORTED unless the board declares a serial driver that applies `parity` and `stopBits`
//     (see firmware/platform/moddable/README.md, "Modbus RTU line settings").
//   - It does not drive an RS-485 transceiver. With `driverEnable`, this adapter raises the DE pin before the
//     first byte of a frame and drops it once the last byte has left the UART: the FIFO drains at the baud rate,
//     so the release is timed from the bytes still in the FIFO when the queue ran empty.
import type { DeviceFault } from '../../main/firmware';
import type { Clock, DigitalOut, SerialPort, StreamCallbacks, Timers } from '../hal';
import { TxQueue } from './txqueue';

/** What this adapter uses of an `embedded:io/serial` instance. */
export interface Ecma419Serial {
  read(buffer: Uint8Array): number | undefined;
  write(buffer: Uint8Array): void;
  close(): void;
}

export interface Ecma419SerialOptions {
  readonly port: number;
  readonly transmit: number;
  readonly receive: number;
  readonly baud: number;
  readonly format: 'buffer';
  /** Passed only to a driver that applies them (`lineSettings: 'driver'`). */
  readonly parity?: 'none' | 'even' | 'odd';
  readonly stopBits?: 1 | 2;
  onReadable(this: Ecma419Serial, count: number): void;
  onWritable(this: Ecma419Serial, count: number): void;
}

export type Ecma419SerialClass = new (options: Ecma419SerialOptions) => Ecma419Serial;

export interface SerialSettings {
  /** A name for faults and logs ("scanner", "RS-485"). */
  readonly name: string;
  readonly port: number;
  readonly transmit: number;
  readonly receive: number;
  readonly baud: number;
  readonly parity?: 'none' | 'even' | 'odd';
  readonly stopBits?: 1 | 2;
  /** RS-485 driver-enable output (DE and /RE tied): 1 while transmitting. */
  readonly driverEnable?: DigitalOut;
  /** Bytes queued for sending at most (default 1024: two full frames of the host link). */
  readonly txCapacity?: number;
  /**
   * 'fixed-8N1' (the SDK's ESP32 driver: other settings are refused) or 'driver' (a serial module patched to
   * apply `parity` and `stopBits`).
   */
  readonly lineSettings?: 'fixed-8N1' | 'driver';
}

export interface SerialDeps {
  readonly clock: Clock;
  readonly timers: Timers;
}

/** The ESP32 UART's hardware FIFO (UART_LL_FIFO_DEF_LEN). */
const UART_FIFO = 128;
/** Read buffer: one RX FIFO's worth per read call. */
const RX_BYTES = 128;

export function openSerial(Serial: Ecma419SerialClass, s: SerialSettings, callbacks: StreamCallbacks, deps: SerialDeps): SerialPort | DeviceFault {
  const parity = s.parity ?? 'none';
  const stopBits = s.stopBits ?? 1;
  const fixed = (s.lineSettings ?? 'fixed-8N1') === 'fixed-8N1';
  if (fixed && (parity !== 'none' || stopBits !== 1)) {
    return {
      device: s.name,
      reason: 'PLATFORM_UNSUPPORTED',
      detail: `the ESP32 serial driver runs 8N1 only; ${s.name} needs 8${parity[0]!.toUpperCase()}${stopBits}: use a patched driver (lineSettings "driver") or change the setting`,
    };
  }
  const rx = new Uint8Array(RX_BYTES);
  const bitsPerChar = 1 + 8 + (parity === 'none' ? 0 : 1) + stopBits;
  let inFifo = 0;
  let release = -1;
  let closed = false;
  let dev: Ecma419Serial | undefined;
  const de = s.driverEnable;

  const q = new TxQueue(s.txCapacity ?? 1024, (bytes) => {
    dev!.write(bytes);
    inFifo += bytes.length;
  });

  const scheduleRelease = (): void => {
    if (de === undefined || q.queued > 0) return;
    if (release >= 0) deps.timers.clear(release);
    // The FIFO still holds `inFifo` bytes (at most) plus the one in the shift register.
    const ms = Math.ceil(((inFifo + 1) * bitsPerChar * 1000) / s.baud) + 1;
    release = deps.timers.set(ms, () => {
      release = -1;
      if (q.queued === 0) de.write(0);
    });
  };

  const options: Ecma419SerialOptions = {
    port: s.port,
    transmit: s.transmit,
    receive: s.receive,
    baud: s.baud,
    format: 'buffer',
    ...(fixed ? {} : { parity, stopBits }),
    onReadable(count) {
      const at = deps.clock.monotonicUs();
      while (count > 0 && !closed) {
        const n = this.read(rx) ?? 0;
        if (n <= 0) break;
        count -= n;
        callbacks.onData(rx.subarray(0, n), at);
      }
    },
    onWritable(count) {
      dev ??= this;
      inFifo = Math.max(0, UART_FIFO - count);
      q.writable(count);
      scheduleRelease();
    },
  };
  try {
    dev = new Serial(options);
  } catch (e) {
    return { device: s.name, reason: 'DEVICE_OPEN_FAILED', detail: `${s.name} on UART${s.port} (TX ${s.transmit}, RX ${s.receive}): ${e instanceof Error ? e.message : String(e)}` };
  }
  de?.write(0);
  return {
    baud: s.baud,
    parity,
    stopBits,
    write(bytes) {
      if (closed) return false;
      if (de !== undefined) {
        if (release >= 0) deps.timers.clear(release);
        release = -1;
        de.write(1);
      }
      if (!q.push(bytes)) {
        scheduleRelease();
        return false;
      }
      scheduleRelease();
      return true;
    },
    close() {
      if (closed) return;
      closed = true;
      if (release >= 0) deps.timers.clear(release);
      de?.write(0);
      q.clear();
      try {
        dev?.close();
      } catch {
        // Closing a port that failed is not a second failure.
      }
      callbacks.onClose?.();
    },
  };
}
