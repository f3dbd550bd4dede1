// A station's board on a Moddable ESP32: the device classes (handed in by main.ts, the only module that imports
// device modules) and the wiring, made into the firmware's Board. Every device that cannot be opened becomes a
// DeviceFault; flash that cannot be opened becomes a Flash that fails every call, so the station starts in
// `fault` with the reason instead of not starting.
import type { Board, DeviceFault } from '../../main/firmware';
import type { DigitalOut, Flash, ListenTcp, StackLight } from '../hal';
import { boardInput, digitalOut, type Ecma419DigitalClass } from './digital';
import { flashFromPartition, type Ecma419Partition } from './flash';
import { clockFromModdable, type ModdableTime } from './clock';
import { ds3231, sht3x, type Ecma419I2cClass } from './i2c';
import { randomFromMath } from './random';
import { openSerial, type Ecma419SerialClass } from './serial';
import { listenTcp, type Ecma419ListenerClass, type Ecma419TcpClass } from './tcp';
import { timersFromModdable, type ModdableTimer } from './timers';

/** The classes main.ts imports from the SDK, by module specifier (see README.md for where each was checked). */
export interface ModdableClasses {
  /** `embedded:io/serial` */
  readonly Serial: Ecma419SerialClass;
  /** `embedded:io/digital` */
  readonly Digital: Ecma419DigitalClass;
  /** `embedded:io/i2c` */
  readonly I2C: Ecma419I2cClass;
  /** `embedded:io/socket/listener` */
  readonly Listener: Ecma419ListenerClass;
  /** `embedded:io/socket/tcp` */
  readonly TCP: Ecma419TcpClass;
  /** `embedded:storage/flash` */
  readonly flash: { open(options: { readonly path: string }): Ecma419Partition };
  /** `timer` */
  readonly Timer: ModdableTimer;
  /** `time`, with `microseconds` (modules/base/microseconds) */
  readonly Time: ModdableTime;
}

export interface UartWiring {
  /** UART number (0 is the console and xsbug on a development build). */
  readonly port: number;
  readonly transmit: number;
  readonly receive: number;
  readonly baud: number;
}

/** Where everything is connected. `STATION_WIRING` is the documented default (README.md, "Wiring"). */
export interface Wiring {
  readonly flash: { readonly journal: string; readonly store: string; readonly wordSize: 4 | 16 };
  readonly runPermit: number;
  /** The machine's board-out contact (input, pulled up; a board pulls it low). */
  readonly boardSignal?: number;
  readonly stackLight?: { readonly red: number; readonly amber: number; readonly green: number };
  readonly scanner?: UartWiring;
  readonly hostSerial?: UartWiring;
  /** The RS-485 transceiver for Modbus RTU: UART pins and the DE (= /RE) pin; baud and parity come from the station config. */
  readonly rs485?: Omit<UartWiring, 'baud'> & { readonly driverEnable: number; readonly lineSettings?: 'fixed-8N1' | 'driver' };
  readonly i2c?: { readonly data: number; readonly clock: number; readonly hz: number; readonly sht3x?: number; readonly ds3231?: boolean };
}

/** ESP32-WROOM-32 DevKitC wiring (README.md, "Wiring"): no strapping pins, nothing on the flash or PSRAM pins. */
export const STATION_WIRING: Wiring = {
  flash: { journal: 'journal', store: 'store', wordSize: 4 },
  runPermit: 32,
  boardSignal: 13,
  stackLight: { red: 33, amber: 18, green: 19 },
  scanner: { port: 2, transmit: 17, receive: 16, baud: 9600 },
  rs485: { port: 1, transmit: 25, receive: 26, driverEnable: 27 },
  i2c: { data: 21, clock: 22, hz: 100_000, sht3x: 0x44, ds3231: true },
};

function failingFlash(detail: string): Flash {
  const fail = { ok: false, reason: 'FLASH_READ_FAILED', detail } as const;
  // Shaped like a real partition, so the storage layer mounts it and reports the read that fails.
  return { geometry: { sectorSize: 4096, sectorCount: 16, wordSize: 4 }, read: () => fail, program: () => ({ ...fail, reason: 'FLASH_WRITE_FAILED' }), erase: () => ({ ...fail, reason: 'FLASH_WRITE_FAILED' }) };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const NO_OUTPUT: DigitalOut = { write: () => {} };

/**
 * `now` is the system clock in epoch ms (main.ts passes Date.now: only the platform's main touches it); `faults`
 * collects what could not be opened, now and later (a TCP port taken when the firmware listens).
 */
export function moddableBoard(c: ModdableClasses, now: () => number, w: Wiring = STATION_WIRING, faults: DeviceFault[] = []): Board {
  const out = (name: string, pin: number): DigitalOut => {
    const d = digitalOut(c.Digital, name, pin);
    if ('device' in d) {
      faults.push(d);
      return NO_OUTPUT;
    }
    return d;
  };
  const partition = (path: string): Flash => {
    try {
      return flashFromPartition(c.flash.open({ path }), w.flash.wordSize);
    } catch (e) {
      return failingFlash(`flash partition "${path}": ${message(e)} (is partitions.csv flashed?)`);
    }
  };
  const i2c = (address: number, what: string) => {
    if (w.i2c === undefined) return undefined;
    try {
      return new c.I2C({ data: w.i2c.data, clock: w.i2c.clock, hz: w.i2c.hz, address });
    } catch (e) {
      faults.push({ device: what, reason: 'DEVICE_OPEN_FAILED', detail: `${what} at 0x${address.toString(16)}: ${message(e)}` });
      return undefined;
    }
  };
  const rtcDev = w.i2c?.ds3231 === true ? i2c(0x68, 'DS3231 RTC') : undefined;
  const clock = clockFromModdable(c.Time, now, rtcDev === undefined ? undefined : ds3231(rtcDev));
  const timers = timersFromModdable(c.Timer);
  const sensorDev = w.i2c?.sht3x === undefined ? undefined : i2c(w.i2c.sht3x, 'SHT3x sensor');
  const light: StackLight | undefined = w.stackLight === undefined ? undefined : { red: out('stack light red', w.stackLight.red), amber: out('stack light amber', w.stackLight.amber), green: out('stack light green', w.stackLight.green) };
  const deps = { clock, timers };
  const listen = listenTcp(c.Listener, c.TCP, () => clock.monotonicUs());
  const safeListen: ListenTcp = (options) => {
    try {
      return listen(options);
    } catch (e) {
      faults.push({ device: `TCP port ${options.port}`, reason: 'DEVICE_OPEN_FAILED', detail: `listen on ${options.port}: ${message(e)}` });
      return { close: () => {} };
    }
  };
  return {
    hal: {
      journalFlash: partition(w.flash.journal),
      storeFlash: partition(w.flash.store),
      clock,
      runPermit: out('run-permit relay', w.runPermit),
      ...(light === undefined ? {} : { stackLight: light }),
      ...(sensorDev === undefined ? {} : { sensor: sht3x(sensorDev) }),
      random: randomFromMath(),
    },
    timers,
    ...(w.scanner === undefined ? {} : { scanner: (cb) => openSerial(c.Serial, { name: 'scanner', ...w.scanner! }, cb, deps) }),
    ...(w.hostSerial === undefined ? {} : { hostSerial: (cb) => openSerial(c.Serial, { name: 'host link', ...w.hostSerial! }, cb, deps) }),
    ...(w.rs485 === undefined
      ? {}
      : {
          rs485: (line, cb) => {
            const r = w.rs485!;
            return openSerial(
              c.Serial,
              { name: 'RS-485', port: r.port, transmit: r.transmit, receive: r.receive, ...line, driverEnable: out('RS-485 driver enable', r.driverEnable), ...(r.lineSettings === undefined ? {} : { lineSettings: r.lineSettings }) },
              cb,
              deps,
            );
          },
        }),
    listen: safeListen,
    ...(w.boardSignal === undefined ? {} : { boardSignal: (onBoard: () => void) => boardInput(c.Digital, w.boardSignal!, () => clock.monotonicMs(), onBoard) }),
    faults,
  };
}
