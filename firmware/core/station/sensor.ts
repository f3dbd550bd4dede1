// Is a T/RH reading one the MSL engine may use? Readings outside physical plausibility, and the values common
// sensors report on a fault (SHT3x/HDC1080 give −45 °C or 0/100 %RH for an all-zeros or all-ones word; DHT22 and
// many drivers return −40 °C or 0 %RH when a read fails), count as no valid sample. A floor between −10 and 60 °C
// is what a factory can have; anything else is the sensor, not the weather.
import type { SensorReading } from './types';

export type Judged = { readonly status: 'ok' | 'implausible' | 'fault'; readonly detail: string };

const FAULT_TEMPS: readonly number[] = [-45, -40, 125, 130];

export function classifyReading(r: SensorReading): Judged {
  if (!r.ok) return { status: 'fault', detail: r.detail === '' ? 'no answer from the sensor' : r.detail };
  const { tempC, rhPct } = r;
  if (typeof tempC !== 'number' || typeof rhPct !== 'number' || !Number.isFinite(tempC) || !Number.isFinite(rhPct)) {
    return { status: 'implausible', detail: 'not a number' };
  }
  if (FAULT_TEMPS.includes(tempC)) return { status: 'implausible', detail: `${tempC} °C is a sensor error code` };
  if (rhPct <= 0 || rhPct >= 100) return { status: 'implausible', detail: `${rhPct} %RH is a sensor error code or a wet sensor` };
  if (tempC < -10 || tempC > 60) return { status: 'implausible', detail: `${tempC} °C is not a factory floor` };
  return { status: 'ok', detail: `${tempC.toFixed(1)} °C ${rhPct.toFixed(1)} %RH` };
}
