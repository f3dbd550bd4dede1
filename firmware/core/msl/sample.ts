// Plausibility of one temperature/humidity reading, from the floor sensor or a dry cabinet. A reading outside what
// a factory floor or a dry cabinet can physically be is a sensor fault, never a condition to rate: the engine
// counts it as no valid sample (the last valid one holds through the staleness limit, then the worst case applies),
// so a fault code can never pause or slow the floor-life clock.
import type { ReasonName } from '../../../protocol/src/reasons';

/**
 * Bounds of a plausible reading. Temperature: an SMT floor or a dry cabinet (the warmest standard ones run at
 * 40-60 °C) is never below -20 °C nor above 80 °C, and every common sensor's fault code lies outside: -40 (HDC1080,
 * DHT22 floor), -45 (SHT3x raw 0), -46.85 (SHT2x/Si7021 raw 0), -127 (DS18B20 disconnected), 85 (DS18B20 reset),
 * 125 (HDC1080 raw 0xFFFF), 128.9 (SHT2x 0xFFFF), 130 (SHT3x 0xFFFF). Humidity: above 0 and at most 100 %RH;
 * exactly 0 is the fault code of nearly every capacitive sensor (and of a DHT that read nothing), negative values
 * and values over 100 come from raw 0x0000/0xFFFF (SHT2x, Si7021: -6 and 119 %RH). A real 100 %RH is believed:
 * it is unrated, which blocks the reel, so believing it is the safe side.
 */
export const PLAUSIBLE_TEMP_C = { min: -20, max: 80 } as const;
export const PLAUSIBLE_RH_PCT = { above: 0, max: 100 } as const;

export type SampleVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: Extract<ReasonName, 'MSD_SENSOR_IMPLAUSIBLE'>; readonly field: 'tempC' | 'rhPct'; readonly message: string };

const IMPLAUSIBLE = 'MSD_SENSOR_IMPLAUSIBLE';

/**
 * Whether one reading can be a real condition. The station runtime calls this on every T/RH reading (to raise its
 * sensor alarm at once); the engine applies the same test to every `ambient`, `dry-in` and `cabinet` sample.
 * Total: any value (NaN, infinities, non-numbers) gets a verdict.
 */
export function classifySample(tempC: number, rhPct: number): SampleVerdict {
  if (typeof tempC !== 'number' || !Number.isFinite(tempC)) return { ok: false, reason: IMPLAUSIBLE, field: 'tempC', message: 'tempC: not a number (the sensor returned no reading)' };
  if (typeof rhPct !== 'number' || !Number.isFinite(rhPct)) return { ok: false, reason: IMPLAUSIBLE, field: 'rhPct', message: 'rhPct: not a number (the sensor returned no reading)' };
  if (tempC < PLAUSIBLE_TEMP_C.min || tempC > PLAUSIBLE_TEMP_C.max) {
    return { ok: false, reason: IMPLAUSIBLE, field: 'tempC', message: `tempC: ${tempC} °C is outside ${PLAUSIBLE_TEMP_C.min}..${PLAUSIBLE_TEMP_C.max} °C, a sensor fault code; check the sensor` };
  }
  if (!(rhPct > PLAUSIBLE_RH_PCT.above) || rhPct > PLAUSIBLE_RH_PCT.max) {
    return { ok: false, reason: IMPLAUSIBLE, field: 'rhPct', message: `rhPct: ${rhPct} %RH is outside (0, 100] %RH, a sensor fault code; check the sensor` };
  }
  return { ok: true };
}

/** The reading as a condition, or null when it is implausible. */
export function plausible(tempC: number, rhPct: number): { readonly tempC: number; readonly rhPct: number } | null {
  return classifySample(tempC, rhPct).ok ? { tempC, rhPct } : null;
}
