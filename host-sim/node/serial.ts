// A serial port over a device node: a pseudo-terminal (socat's, in the interop tests) or a USB RS-485 adapter.
// The fd is opened with node:fs and read through tty.ReadStream, which polls it (a plain fs read stream would
// park a thread-pool thread in a blocking read that close() cannot interrupt). Raw mode keeps every byte as sent.
// Node cannot set a real port's baud rate: set the line with `stty` first (firmware/modbus/README.md); `settings`
// tell the RTU server the timing to expect.
import { closeSync, constants, openSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import type { Clock, SerialPort, StreamCallbacks } from '../../firmware/platform/hal';
import type { LineSettings } from '../../firmware/platform/sim/serial';
import { nodeClock } from './clock';

export type { LineSettings };

export type OpenSerial = (callbacks: StreamCallbacks) => SerialPort;

export type SerialOpen =
  | {
      readonly ok: true;
      readonly open: OpenSerial;
      /** Closes the device if `open` was never called (a server that refused its settings). */
      readonly release: () => void;
    }
  | { readonly ok: false; readonly reason: 'IO_ERROR'; readonly detail: string };

/** Prepares `path` for an RTU server: checks it can be opened as a terminal; the server opens it with its callbacks. */
export function nodeSerial(path: string, settings: LineSettings, clock: Clock = nodeClock): SerialOpen {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (e) {
    return { ok: false, reason: 'IO_ERROR', detail: `${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isatty(fd)) {
    closeSync(fd);
    return { ok: false, reason: 'IO_ERROR', detail: `${path} is not a terminal device (a serial port or a pseudo-terminal)` };
  }
  let taken = false;
  const open: OpenSerial = (callbacks) => {
    taken = true;
    const tty = new ReadStream(fd);
    tty.setRawMode(true);
    let closed = false;
    tty.on('data', (chunk: Buffer) => callbacks.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), clock.monotonicUs()));
    tty.on('error', () => undefined); // 'close' follows
    tty.on('close', () => {
      closed = true;
      callbacks.onClose?.();
    });
    return {
      ...settings,
      write(bytes) {
        if (closed || tty.destroyed) return false;
        tty.write(Buffer.from(bytes));
        return true;
      },
      close() {
        if (!tty.destroyed) tty.destroy();
      },
    };
  };
  return {
    ok: true,
    open,
    release: () => {
      if (!taken) closeSync(fd);
      taken = true;
    },
  };
}
