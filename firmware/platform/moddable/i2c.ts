// The I²C devices of a station over ECMA-419 `embedded:io/i2c` (Moddable SDK 8.2.3, modules/io/i2c/_i2c.js and
// esp32/_i2c.c): `new I2C({ data, clock, hz, address, port?, timeout?, pullup? })`, one instance per device
// address (two on the same pins share the bus), synchronous `write(buffer)` and `read(buffer)`, which fills the
// buffer and throws on a NACK or bus error.
//
//   - Sensirion SHT3x T/RH sensor (0x44, or 0x45 with ADDR high), run in periodic mode (1 measurement per second,
//     high repeatability: command 0x2130); a sample fetches the latest result (0xE000): six bytes, each 16-bit
//     word followed by its CRC-8 (polynomial 0x31, init 0xFF). T = −45 + 175·raw/65535 °C, RH = 100·raw/65535 %.
//   - Maxim DS3231 RTC (0x68) with its coin cell: time in BCD at registers 0x00–0x06; the status register's
//     oscillator-stop flag (0x0F bit 7) says the time cannot be trusted (the cell ran out, or it was never set).
import type { ThSensor } from '../hal';

export interface Ecma419I2c {
  write(buffer: Uint8Array): void;
  read(buffer: Uint8Array): unknown;
}

export interface I2cOptions {
  readonly data: number;
  readonly clock: number;
  readonly hz: number;
  readonly address: number;
  readonly port?: number;
}

export type Ecma419I2cClass = new (options: I2cOptions) => Ecma419I2c;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Sensirion CRC-8 over two bytes. */
export function sht3xCrc(a: number, b: number): number {
  let crc = 0xff;
  for (const byte of [a, b]) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

const PERIODIC_1MPS_HIGH = Uint8Array.of(0x21, 0x30);
const FETCH = Uint8Array.of(0xe0, 0x00);

/** A ThSensor on an SHT3x. Errors are readings that say why; the station judges plausibility itself. */
export function sht3x(dev: Ecma419I2c): ThSensor {
  const rx = new Uint8Array(6);
  let armed = false;
  const arm = (): string | undefined => {
    try {
      dev.write(PERIODIC_1MPS_HIGH);
      armed = true;
      return undefined;
    } catch (e) {
      return `SHT3x start: ${message(e)}`;
    }
  };
  arm();
  return {
    sample() {
      if (!armed) {
        const err = arm();
        return { ok: false, detail: err ?? 'SHT3x started: first reading in 1 s' };
      }
      try {
        dev.write(FETCH);
        dev.read(rx);
      } catch (e) {
        // A sensor that lost power comes back in single-shot idle: start it again before the next sample.
        armed = false;
        return { ok: false, detail: `SHT3x read: ${message(e)}` };
      }
      if (sht3xCrc(rx[0]!, rx[1]!) !== rx[2] || sht3xCrc(rx[3]!, rx[4]!) !== rx[5]) return { ok: false, detail: 'SHT3x CRC error' };
      const t = (rx[0]! << 8) | rx[1]!;
      const h = (rx[3]! << 8) | rx[4]!;
      return { ok: true, tempC: Math.round((-45 + (175 * t) / 65535) * 10) / 10, rhPct: Math.round(((100 * h) / 65535) * 10) / 10 };
    },
  };
}

const bcd = (v: number): number => (v >> 4) * 10 + (v & 0x0f);
const toBcd = (v: number): number => ((Math.floor(v / 10) << 4) | v % 10) & 0xff;

/** Days since 1970-01-01 of a civil date (proleptic Gregorian). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface Ds3231 {
  /** Epoch ms and whether the oscillator ran since it was last set; undefined when the chip does not answer. */
  read(): { readonly epochMs: number; readonly trusted: boolean } | undefined;
  /** Sets the time (UTC) and clears the oscillator-stop flag. False when the chip does not answer. */
  write(epochMs: number): boolean;
}

export function ds3231(dev: Ecma419I2c): Ds3231 {
  const regs = new Uint8Array(7);
  const status = new Uint8Array(1);
  return {
    read() {
      try {
        dev.write(Uint8Array.of(0x00));
        dev.read(regs);
        dev.write(Uint8Array.of(0x0f));
        dev.read(status);
      } catch {
        return undefined;
      }
      const sec = bcd(regs[0]! & 0x7f);
      const min = bcd(regs[1]! & 0x7f);
      // 24-hour mode is what write() sets; a chip left in 12-hour mode reads as untrusted.
      const h12 = (regs[2]! & 0x40) !== 0;
      const hour = bcd(regs[2]! & 0x3f);
      const date = bcd(regs[4]! & 0x3f);
      const month = bcd(regs[5]! & 0x1f);
      const year = 2000 + bcd(regs[6]!) + (regs[5]! & 0x80 ? 100 : 0);
      const epochMs = (daysFromCivil(year, month, date) * 86400 + hour * 3600 + min * 60 + sec) * 1000;
      const valid = !h12 && month >= 1 && month <= 12 && date >= 1 && date <= 31 && hour < 24 && min < 60 && sec < 60;
      return { epochMs, trusted: valid && (status[0]! & 0x80) === 0 };
    },
    write(epochMs) {
      const t = Math.floor(epochMs / 1000);
      const days = Math.floor(t / 86400);
      let s = t - days * 86400;
      const hour = Math.floor(s / 3600);
      s -= hour * 3600;
      const min = Math.floor(s / 60);
      const sec = s - min * 60;
      // Civil date from days (inverse of daysFromCivil).
      const z = days + 719468;
      const era = Math.floor(z / 146097);
      const doe = z - era * 146097;
      const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
      const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
      const mp = Math.floor((5 * doy + 2) / 153);
      const date = doy - Math.floor((153 * mp + 2) / 5) + 1;
      const month = mp + (mp < 10 ? 3 : -9);
      const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
      const weekday = ((days + 4) % 7) + 1; // 1970-01-01 was a Thursday; DS3231 counts 1..7
      const century = year >= 2100 ? 0x80 : 0;
      try {
        dev.write(Uint8Array.of(0x00, toBcd(sec), toBcd(min), toBcd(hour), weekday, toBcd(date), toBcd(month) | century, toBcd(year % 100)));
        dev.write(Uint8Array.of(0x0f));
        dev.read(status);
        dev.write(Uint8Array.of(0x0f, status[0]! & 0x7f));
        return true;
      } catch {
        return false;
      }
    },
  };
}
