// The host end of the engine bridge (firmware/platform/bridge/abi.ts): answers the firmware's device calls from
// the world's devices. One instance per boot; the world outlives it.
import { utf8Encode } from '../../protocol/src/utf8';
import { FLASH_DEV, FLASH_STATUS, OP, PIN, PORT, Reader, RTC, Writer } from '../../firmware/platform/bridge/abi';

/** What each wire's adapter on the bench is set to when the firmware does not ask (baud, parity index, stop bits). */
const DEFAULT_LINE: Readonly<Record<number, readonly [number, number, number]>> = { [PORT.scanner]: [9600, 0, 1], [PORT.hostSerial]: [115200, 0, 1], [PORT.rs485]: [19200, 1, 1] };
const PORT_NAMES: Readonly<Record<number, string>> = { [PORT.scanner]: 'scanner', [PORT.hostSerial]: 'serial host link', [PORT.rs485]: 'RS-485 line' };
import type { DigitalOut, Flash, FlashResult } from '../../firmware/platform/hal';
import type { Link, World } from './world';

/** What the devices need from the bench: streams and listeners live there, beyond one boot's devices. */
export interface DeviceHooks {
  openPort(port: number): Link | undefined;
  streamWrite(id: number, bytes: Uint8Array): boolean;
  streamClose(id: number): void;
  listen(port: number): number;
  unlisten(id: number): void;
}

const OK = new Uint8Array([1]);
const NO = new Uint8Array([0]);

function flashAnswer(r: FlashResult, data?: Uint8Array): Uint8Array {
  if (r.ok) {
    if (data === undefined) return new Uint8Array([FLASH_STATUS.ok]);
    const out = new Uint8Array(1 + data.length);
    out.set(data, 1);
    return out;
  }
  const detail = utf8Encode(r.detail);
  return new Writer(1 + detail.length).u8(r.reason === 'FLASH_READ_FAILED' ? FLASH_STATUS.readFailed : FLASH_STATUS.writeFailed).put(detail).bytes;
}

export class BridgedDevices {
  constructor(
    private readonly world: World,
    private readonly hooks: DeviceHooks,
  ) {}

  private flash(dev: number): Flash | undefined {
    return dev === FLASH_DEV.journal ? this.world.journal : dev === FLASH_DEV.store ? this.world.store : undefined;
  }

  private output(pin: number): DigitalOut | undefined {
    const w = this.world;
    return pin === PIN.runPermit ? w.relay : pin === PIN.red ? w.light.red : pin === PIN.amber ? w.light.amber : pin === PIN.green ? w.light.green : undefined;
  }

  /** Answers one request of the firmware, synchronously (the engine waits for it). */
  handle(request: Uint8Array): Uint8Array {
    const r = new Reader(request);
    const w = this.world;
    switch (r.u8()) {
      case OP.FLASH_GEOMETRY: {
        const g = this.flash(r.u8())?.geometry;
        return g === undefined ? new Uint8Array(12) : new Writer(12).u32(g.sectorSize).u32(g.sectorCount).u32(g.wordSize).bytes;
      }
      case OP.FLASH_READ: {
        const f = this.flash(r.u8());
        const offset = r.u32();
        const length = r.u32();
        if (f === undefined) return flashAnswer({ ok: false, reason: 'FLASH_READ_FAILED', detail: 'no such partition' });
        const data = new Uint8Array(length);
        const res = f.read(offset, data, 0, length);
        return flashAnswer(res, res.ok ? data : undefined);
      }
      case OP.FLASH_PROGRAM: {
        const f = this.flash(r.u8());
        const offset = r.u32();
        const data = r.rest();
        if (f === undefined) return flashAnswer({ ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no such partition' });
        return flashAnswer(f.program(offset, data, 0, data.length));
      }
      case OP.FLASH_ERASE: {
        const f = this.flash(r.u8());
        const sector = r.u32();
        if (f === undefined) return flashAnswer({ ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no such partition' });
        return flashAnswer(f.erase(sector));
      }
      case OP.CLOCK: {
        const rtc = w.clock.readRtc();
        return new Writer(25)
          .f64(w.clock.monotonicMs())
          .f64(w.clock.monotonicUs())
          .u8(rtc === undefined ? RTC.none : rtc.trusted ? RTC.trusted : RTC.untrusted)
          .f64(rtc?.epochMs ?? 0).bytes;
      }
      case OP.RTC_WRITE:
        w.clock.writeRtc(r.f64());
        return NO;
      case OP.TIMER_SET:
        return new Writer(4).u32(w.timers.set(r.u32())).bytes;
      case OP.TIMER_CLEAR:
        w.timers.clear(r.u32());
        return NO;
      case OP.OUTPUT: {
        const o = this.output(r.u8());
        const v = r.u8();
        o?.write(v === 1 ? 1 : 0);
        return NO;
      }
      case OP.SENSOR: {
        const s = w.sensor.sample();
        if (s.ok) return new Writer(17).u8(1).f64(s.tempC).f64(s.rhPct).bytes;
        const d = utf8Encode(s.detail);
        return new Writer(1 + d.length).u8(0).put(d).bytes;
      }
      case OP.RANDOM: {
        const out = new Uint8Array(Math.min(r.u32(), 4096));
        w.random(out);
        return out;
      }
      case OP.STREAM_OPEN: {
        const port = r.u8();
        const baud = r.u32();
        const parity = r.u8();
        const stop = r.u8();
        const link = this.hooks.openPort(port);
        if (link === undefined) {
          const d = utf8Encode(`no ${PORT_NAMES[port] ?? `port ${port}`} wired on this bench`);
          return new Writer(4 + d.length).u32(0).put(d).bytes;
        }
        // The bench's adapter is set to what the firmware asks (an RS-485 line), else to the wire's usual settings.
        const line = baud > 0 ? [baud, parity, stop] : (DEFAULT_LINE[port] ?? [9600, 0, 1]);
        return new Writer(10).u32(link.id).u32(line[0]!).u8(line[1]!).u8(line[2]!).bytes;
      }
      case OP.STREAM_WRITE: {
        const id = r.u32();
        return this.hooks.streamWrite(id, r.rest()) ? OK : NO;
      }
      case OP.STREAM_CLOSE:
        this.hooks.streamClose(r.u32());
        return NO;
      case OP.LISTEN:
        return new Writer(4).u32(this.hooks.listen(r.u16())).bytes;
      case OP.LISTEN_CLOSE:
        this.hooks.unlisten(r.u32());
        return NO;
      default:
        return NO;
    }
  }
}
