// A Moddable ESP32 board made from the SDK's classes (stand-ins with their shapes): every device that cannot be
// opened becomes a named fault, missing flash leaves the station in `fault` with the reason, the clock and timers
// behave as the HAL says, and main's settings (mc/config) provision the first boot.
import { SimFlash } from '../../platform/sim/flash';
import { start } from '../../platform/moddable/app';
import { moddableBoard, STATION_WIRING, type ModdableClasses } from '../../platform/moddable/board';
import { clockFromModdable } from '../../platform/moddable/clock';
import { randomFromMath } from '../../platform/moddable/random';
import { timersFromModdable } from '../../platform/moddable/timers';
import type { Ecma419Partition } from '../../platform/moddable/flash';

interface Pending {
  cb: () => void;
  at: number;
}

/** The SDK's classes, in the shapes main.ts hands over; `broken` pins and partitions throw as the SDK does. */
function sdk(o: { brokenPins?: number[]; partitions?: string[]; i2cAnswers?: boolean } = {}) {
  const pins = new Map<number, number>();
  const timers = new Set<Pending>();
  let us = 0;
  const part = (path: string): Ecma419Partition => {
    if (!(o.partitions ?? ['journal', 'store']).includes(path)) throw new Error("can't find partition");
    const f = new SimFlash({ sectorSize: 4096, sectorCount: path === 'journal' ? 64 : 16, wordSize: 4 });
    return {
      status: () => ({ size: f.geometry.sectorSize * f.geometry.sectorCount, blockLength: f.geometry.sectorSize }),
      read: (buf, off) => void f.read(off, buf, 0, buf.length),
      write: (buf, off) => void f.program(off, buf, 0, buf.length),
      eraseBlock: (b) => void f.erase(b),
    };
  };
  const classes: ModdableClasses = {
    Serial: class {
      constructor(opts: { onWritable(this: unknown, n: number): void }) {
        opts.onWritable.call(this, 128);
      }
      read() {
        return 0;
      }
      write() {}
      close() {}
    },
    Digital: Object.assign(
      class {
        constructor(readonly opts: { pin: number }) {
          if ((o.brokenPins ?? []).includes(opts.pin)) throw new Error('in use');
        }
        write(v: 0 | 1) {
          pins.set(this.opts.pin, v);
        }
        read() {
          return 1;
        }
      },
      { Output: 8, InputPullUp: 5, Falling: 2 },
    ),
    I2C: class {
      constructor() {
        if (o.i2cAnswers === false) throw new Error("can't create device");
      }
      write() {
        throw new Error('write failed');
      }
      read() {
        throw new Error('read failed');
      }
    },
    Listener: class {
      constructor(opts: { port: number }) {
        if (opts.port === 502) throw new Error('socket bind');
      }
      read() {
        return undefined;
      }
      close() {}
    },
    TCP: class {
      read() {}
      write() {}
      close() {}
    },
    flash: { open: ({ path }) => part(path) },
    Timer: {
      set: (cb, ms) => {
        const t = { cb, at: us + ms * 1000 };
        timers.add(t);
        return t;
      },
      clear: (t) => void timers.delete(t as Pending),
    },
    Time: {
      get microseconds() {
        return us;
      },
      set: () => {},
    },
  };
  const advance = (ms: number) => {
    const end = us + ms * 1000;
    for (;;) {
      const due = [...timers].filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      timers.delete(due);
      us = due.at;
      due.cb();
    }
    us = end;
  };
  return { classes, pins, advance };
}

const NOW = () => Date.UTC(2026, 3, 1);
const SETTINGS = { wardenStation: JSON.stringify({ stationId: 4, modbus: { tcpPort: 502 } }), wardenSecret: '11'.repeat(32) };

describe('the Moddable board', () => {
  it('starts the firmware provisioned from mc/config, the relay off, and names each device it could not open', () => {
    const s = sdk({ brokenPins: [STATION_WIRING.stackLight!.amber], i2cAnswers: false });
    const fw = start(s.classes, SETTINGS, NOW);
    expect(fw.station.config.stationId).toBe(4);
    expect(fw.station.secret()).toEqual(new Uint8Array(32).fill(0x11));
    expect(s.pins.get(STATION_WIRING.runPermit)).toBe(0);
    expect(fw.faults.map((f) => `${f.device}: ${f.reason}`)).toEqual([
      'DS3231 RTC: DEVICE_OPEN_FAILED',
      'SHT3x sensor: DEVICE_OPEN_FAILED',
      'stack light amber: DEVICE_OPEN_FAILED',
      // Modbus TCP's port 502 is taken on this stand-in.
      'TCP port 502: DEVICE_OPEN_FAILED',
      // The default Modbus RTU line is 8E1, which the SDK's ESP32 UART driver cannot set (README: line settings).
      'RS-485: PLATFORM_UNSUPPORTED',
    ]);
    // Everything else runs: the tick drives the station.
    s.advance(3000);
    expect(fw.station.permitView().reasons).toContain('NO_WORK_ORDER');
    fw.stop();
  });

  it('leaves the station in fault with the reason when a flash partition is missing (no partitions.csv flashed)', () => {
    const s = sdk({ partitions: ['store'] });
    const fw = start(s.classes, SETTINGS, NOW);
    expect(fw.station.failure?.reason).toBe('FLASH_READ_FAILED');
    expect(fw.station.permitView()).toMatchObject({ on: false, state: 'fault' });
    expect(s.pins.get(STATION_WIRING.runPermit)).toBe(0);
  });

  it('reports settings that do not parse as faults, and starts unprovisioned without them', () => {
    const s = sdk();
    const fw = start(s.classes, { wardenStation: '{nope', wardenSecret: 'xyz' }, NOW);
    expect(fw.faults.map((f) => f.reason)).toEqual(expect.arrayContaining(['CONFIG_INVALID', 'BAD_HEX']));
    expect(fw.station.failure?.reason).toBe('NOT_PROVISIONED');
  });

  it('uses the wiring it is given', () => {
    const s = sdk();
    const b = moddableBoard(s.classes, NOW, { ...STATION_WIRING, runPermit: 4, stackLight: undefined as never });
    b.hal.runPermit.write(1);
    expect(s.pins.get(4)).toBe(1);
    expect(b.hal.stackLight).toBeUndefined();
  });
});

describe('the Moddable clock, timers and RNG', () => {
  it('counts monotonic time from Time.microseconds, and trusts wall time only from a DS3231 that kept it', () => {
    let us = 5_000_123;
    let set = -1;
    const Time = {
      get microseconds() {
        return us;
      },
      set: (s: number) => void (set = s),
    };
    const plain = clockFromModdable(Time, () => 0);
    expect(plain.monotonicUs()).toBe(5_000_123);
    expect(plain.monotonicMs()).toBe(5000);
    us += 1000;
    expect(plain.monotonicMs()).toBe(5001);
    // A system clock at 1970 is one nobody set.
    expect(plain.readRtc()).toBeUndefined();
    expect(clockFromModdable(Time, NOW).readRtc()).toEqual({ epochMs: NOW(), trusted: false });
    const kept = clockFromModdable(Time, NOW, { read: () => ({ epochMs: NOW(), trusted: true }), write: () => true });
    expect(set).toBe(NOW() / 1000);
    expect(kept.readRtc()).toEqual({ epochMs: NOW(), trusted: true });
    let written = 0;
    const c = clockFromModdable(Time, NOW, { read: () => undefined, write: (ms) => ((written = ms), true) });
    c.writeRtc(Date.UTC(2026, 3, 2));
    expect(written).toBe(Date.UTC(2026, 3, 2));
    expect(set).toBe(Date.UTC(2026, 3, 2) / 1000);
  });

  it('gives numbered handles over Timer instances, and clearing one cancels only it', () => {
    const live = new Set<unknown>();
    const t = timersFromModdable({ set: (cb, ms) => { const x = { cb, ms }; live.add(x); return x; }, clear: (x) => void live.delete(x) });
    const fired: number[] = [];
    const a = t.set(10, () => fired.push(1));
    t.set(20, () => fired.push(2));
    expect(a).not.toBe(0);
    t.clear(a);
    t.clear(a);
    for (const x of [...live] as { cb: () => void }[]) x.cb();
    expect(fired).toEqual([2]);
  });

  it('fills every byte from the hardware RNG behind Math.random', () => {
    const seq = [0.5, 0.25, 0.999];
    let i = 0;
    const r = randomFromMath(() => seq[i++ % seq.length]!);
    const out = new Uint8Array(7);
    r(out);
    // 0.5, 0.25 and 0.999 of 2²⁴, little-endian; the last draw fills only the seventh byte.
    expect(Array.from(out)).toEqual([0x00, 0x00, 0x80, 0x00, 0x00, 0x40, 0x76]);
  });
});
