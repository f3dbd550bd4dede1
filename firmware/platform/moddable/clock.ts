// The HAL Clock on a Moddable ESP32. Monotonic time is `Time.microseconds` (modules/base/microseconds: the ESP32's
// esp_timer_get_time(), a 64-bit count since boot that never wraps; `Time.ticks` is a signed 32-bit millisecond
// count that does). Wall time is the system clock (`Date.now()`, set with `Time.set(seconds)`,
// modules/base/time/time.js), and whether it can be trusted comes from the battery-backed DS3231 when the board
// has one. Without one, the ESP32's own RTC keeps time through a software reset but not through a power cut:
// a time from before 2024 means it has none; any other is reported untrusted, and the host's TimeSync sets it.
import type { Clock } from '../hal';
import type { Ds3231 } from './i2c';

export interface ModdableTime {
  readonly microseconds: number;
  set(seconds: number): void;
}

/** Earliest plausible wall time (2024-01-01): anything earlier is a clock that never got set. */
const PLAUSIBLE_MS = Date.UTC(2024, 0, 1);

export function clockFromModdable(Time: ModdableTime, now: () => number, rtc?: Ds3231): Clock {
  // At boot the system clock takes the RTC chip's time, so Date.now() and the RTC agree from then on.
  let trusted = false;
  const chip = rtc?.read();
  if (chip !== undefined && chip.epochMs >= PLAUSIBLE_MS) {
    Time.set(Math.floor(chip.epochMs / 1000));
    trusted = chip.trusted;
  }
  return {
    monotonicMs: () => Math.floor(Time.microseconds / 1000),
    monotonicUs: () => Time.microseconds,
    readRtc() {
      const epochMs = now();
      return epochMs < PLAUSIBLE_MS ? undefined : { epochMs, trusted };
    },
    writeRtc(epochMs) {
      Time.set(Math.floor(epochMs / 1000));
      trusted = rtc !== undefined && rtc.write(epochMs);
    },
  };
}
