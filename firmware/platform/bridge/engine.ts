// The firmware side of the engine bridge: a Board whose every device is a call to the host (`issueCommand`), and
// the `handleCommand` the host calls to deliver events. Nothing here knows which engine it runs in; the per-engine
// main modules (../qjs, ../xs) only install it. All state lives in the closure `bridge()` returns, made on first
// use, never at module load (XS freezes what a preloaded module creates).
import { utf8Decode, utf8Encode } from '../../../protocol/src/utf8';
import { isFault, startFirmware, type Board, type DeviceFault, type Firmware, type OpenStream } from '../../main/firmware';
import type { Provisioning } from '../../runtime/station';
import type { ByteStream, Clock, DigitalOut, Flash, FlashResult, ListenTcp, RandomBytes, SerialPort, StreamCallbacks, ThSensor, Timers } from '../hal';
import { CMD, FLASH_DEV, FLASH_STATUS, MAX_CHUNK, OP, PARITY, PIN, PORT, Reader, RTC, Writer } from './abi';

/** The host call: one request, one answer (xsnap's `issueCommand`; QuickJS gets the same from its host). */
export type IssueCommand = (request: ArrayBuffer) => ArrayBuffer;

const EMPTY = new ArrayBuffer(0);

function buf(w: Writer): ArrayBuffer {
  return w.bytes.buffer as ArrayBuffer;
}

/** Builds the bridge over `issue`; returns the `handleCommand` the engine's host calls. */
export function bridge(issue: IssueCommand): (command: ArrayBuffer) => ArrayBuffer {
  const call = (w: Writer): Reader => new Reader(new Uint8Array(issue(buf(w))));
  const timerCallbacks = new Map<number, () => void>();
  const streams = new Map<number, StreamCallbacks>();
  const listeners = new Map<number, (conn: ByteStream, remote: string) => StreamCallbacks | undefined>();
  let firmware: Firmware | undefined;
  let onBoard: (() => void) | undefined;

  const flashResult = (r: Reader): FlashResult => {
    const status = r.u8();
    if (r.ok && status === FLASH_STATUS.ok) return { ok: true };
    return { ok: false, reason: status === FLASH_STATUS.readFailed ? 'FLASH_READ_FAILED' : 'FLASH_WRITE_FAILED', detail: utf8Decode(r.rest()) ?? 'bridge' };
  };

  const flash = (dev: number): Flash => {
    const g = call(new Writer(2).u8(OP.FLASH_GEOMETRY).u8(dev));
    const geometry = { sectorSize: g.u32(), sectorCount: g.u32(), wordSize: g.u32() };
    return {
      geometry,
      read(offset, dst, at, length) {
        const r = call(new Writer(10).u8(OP.FLASH_READ).u8(dev).u32(offset).u32(length));
        const res = flashResult(r);
        if (!res.ok) return res;
        const data = r.rest();
        if (data.length !== length || at < 0 || at + length > dst.length) return { ok: false, reason: 'FLASH_READ_FAILED', detail: 'bridge: short read' };
        dst.set(data, at);
        return res;
      },
      program(offset, src, at, length) {
        return flashResult(call(new Writer(6 + length).u8(OP.FLASH_PROGRAM).u8(dev).u32(offset).put(src.subarray(at, at + length))));
      },
      erase(sector) {
        return flashResult(call(new Writer(6).u8(OP.FLASH_ERASE).u8(dev).u32(sector)));
      },
    };
  };

  const clockReq = new Writer(1).u8(OP.CLOCK);
  const clock: Clock = {
    monotonicMs: () => call(clockReq).f64(),
    monotonicUs: () => {
      const r = call(clockReq);
      r.f64();
      return r.f64();
    },
    readRtc: () => {
      const r = call(clockReq);
      r.f64();
      r.f64();
      const state = r.u8();
      const epochMs = r.f64();
      return state === RTC.none ? undefined : { epochMs, trusted: state === RTC.trusted };
    },
    writeRtc: (epochMs) => void call(new Writer(9).u8(OP.RTC_WRITE).f64(epochMs)),
  };

  const timers: Timers = {
    set(delayMs, callback) {
      const handle = call(new Writer(5).u8(OP.TIMER_SET).u32(Math.max(0, Math.round(delayMs)))).u32();
      timerCallbacks.set(handle, callback);
      return handle;
    },
    clear(handle) {
      if (!timerCallbacks.delete(handle)) return;
      call(new Writer(5).u8(OP.TIMER_CLEAR).u32(handle));
    },
  };

  const output = (pin: number): DigitalOut => {
    const req = [new Writer(3).u8(OP.OUTPUT).u8(pin).u8(0), new Writer(3).u8(OP.OUTPUT).u8(pin).u8(1)] as const;
    return { write: (v) => void call(req[v]) };
  };

  const sensorReq = new Writer(1).u8(OP.SENSOR);
  const sensor: ThSensor = {
    sample() {
      const r = call(sensorReq);
      if (r.u8() === 1) return { ok: true, tempC: r.f64(), rhPct: r.f64() };
      return { ok: false, detail: utf8Decode(r.rest()) ?? 'bridge' };
    },
  };

  const random: RandomBytes = (dst) => {
    const r = call(new Writer(5).u8(OP.RANDOM).u32(dst.length));
    dst.set(r.bytesN(dst.length));
  };

  /** A stream the host knows by id: writes go out in chunks the host takes whole. */
  const stream = (id: number): ByteStream & { closed: boolean } => {
    const s = {
      closed: false,
      write(bytes: Uint8Array): boolean {
        if (s.closed) return false;
        for (let i = 0; i < bytes.length; i += MAX_CHUNK) {
          const part = bytes.subarray(i, Math.min(bytes.length, i + MAX_CHUNK));
          if (call(new Writer(5 + part.length).u8(OP.STREAM_WRITE).u32(id).put(part)).u8() !== 1) return false;
        }
        return true;
      },
      close(): void {
        if (s.closed) return;
        s.closed = true;
        call(new Writer(5).u8(OP.STREAM_CLOSE).u32(id));
        const cb = streams.get(id);
        streams.delete(id);
        cb?.onClose?.();
      },
    };
    return s;
  };

  /** Opens one of the board's serial ports; `line` asks for line settings (0 baud: the port's own). */
  const openPort = (port: number, name: string, line?: { baud: number; parity: 'none' | 'even' | 'odd'; stopBits: 1 | 2 }): OpenStream<SerialPort> => (callbacks) => {
    const r = call(new Writer(8).u8(OP.STREAM_OPEN).u8(port).u32(line?.baud ?? 0).u8(PARITY.indexOf(line?.parity ?? 'none')).u8(line?.stopBits ?? 1));
    const id = r.u32();
    if (id === 0) return { device: name, reason: 'DEVICE_OPEN_FAILED', detail: utf8Decode(r.rest()) ?? 'not connected' } satisfies DeviceFault;
    const baud = r.u32();
    const parity = PARITY[r.u8()] ?? 'none';
    const stopBits = r.u8() === 2 ? 2 : 1;
    streams.set(id, callbacks);
    return Object.assign(stream(id), { baud, parity, stopBits } as const);
  };

  const listen: ListenTcp = (options) => {
    const r = call(new Writer(3).u8(OP.LISTEN).u16(options.port));
    const id = r.u32();
    if (id !== 0) listeners.set(id, options.onConnection);
    return {
      close() {
        if (!listeners.delete(id)) return;
        call(new Writer(5).u8(OP.LISTEN_CLOSE).u32(id));
      },
    };
  };

  const boot = (r: Reader): ArrayBuffer => {
    const docLen = r.u32();
    const doc = utf8Decode(r.bytesN(docLen));
    const secret = r.bytesN(r.u8()).slice();
    const tickMs = r.u32();
    let config: unknown;
    try {
      config = doc === undefined || doc === '' ? undefined : JSON.parse(doc);
    } catch {
      config = undefined;
    }
    const provision: Provisioning | undefined = config === undefined ? undefined : secret.length > 0 ? { config, secret } : { config };
    const board: Board = {
      hal: {
        journalFlash: flash(FLASH_DEV.journal),
        storeFlash: flash(FLASH_DEV.store),
        clock,
        runPermit: output(PIN.runPermit),
        stackLight: { red: output(PIN.red), amber: output(PIN.amber), green: output(PIN.green) },
        sensor,
        random,
      },
      timers,
      scanner: openPort(PORT.scanner, 'scanner'),
      hostSerial: openPort(PORT.hostSerial, 'host serial'),
      rs485: (line, cb) => openPort(PORT.rs485, 'RS-485', line)(cb),
      listen,
      boardSignal: (fn) => {
        onBoard = fn;
        return undefined;
      },
    };
    firmware = startFirmware(board, { ...(provision === undefined ? {} : { provision }), ...(tickMs > 0 ? { tickMs } : {}) });
    return EMPTY;
  };

  const status = (): ArrayBuffer => {
    const st = firmware?.station;
    const doc =
      st === undefined
        ? { booted: false }
        : { booted: true, failure: st.failure ?? null, permit: st.permitView(), view: st.view(), faults: firmware!.faults, bootCount: st.boot?.bootCount ?? 0 };
    return utf8Encode(JSON.stringify(doc)).buffer as ArrayBuffer;
  };

  return (command) => {
    const r = new Reader(new Uint8Array(command));
    switch (r.u8()) {
      case CMD.BOOT:
        return firmware === undefined ? boot(r) : EMPTY;
      case CMD.DATA: {
        const id = r.u32();
        const atUs = r.f64();
        streams.get(id)?.onData(r.rest(), atUs);
        return EMPTY;
      }
      case CMD.CLOSED: {
        const id = r.u32();
        const cb = streams.get(id);
        streams.delete(id);
        cb?.onClose?.();
        return EMPTY;
      }
      case CMD.ACCEPT: {
        const lid = r.u32();
        const id = r.u32();
        const remote = utf8Decode(r.rest()) ?? '';
        const on = listeners.get(lid);
        const cb = on?.(stream(id), remote);
        if (cb === undefined) return new Uint8Array([0]).buffer as ArrayBuffer;
        streams.set(id, cb);
        return new Uint8Array([1]).buffer as ArrayBuffer;
      }
      case CMD.TIMER: {
        const handle = r.u32();
        const cb = timerCallbacks.get(handle);
        timerCallbacks.delete(handle);
        cb?.();
        return EMPTY;
      }
      case CMD.STATUS:
        return status();
      case CMD.STOP:
        firmware?.stop();
        return EMPTY;
      case CMD.BOARD:
        onBoard?.();
        return EMPTY;
      default:
        return EMPTY;
    }
  };
}

export { isFault };
