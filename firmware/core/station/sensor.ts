// Is a T/RH reading one the MSL engine may use? The engine's own test decides (firmware/core/msl/sample.ts:
// readings outside physical plausibility and the error values common sensors return count as no valid sample);
// the station adds only "no answer at all" (a bus or CRC error), and says so in words for the operator.
import { classifySample } from '../msl/sample';
import type { SensorReading } from './types';

export type Judged = { readonly status: 'ok' | 'implausible' | 'fault'; readonly detail: string };

export function classifyReading(r: SensorReading): Judged {
  if (!r.ok) return { status: 'fault', detail: r.detail === '' ? 'no answer from the sensor' : r.detail };
  const v = classifySample(r.tempC, r.rhPct);
  if (!v.ok) return { status: 'implausible', detail: v.message };
  return { status: 'ok', detail: `${r.tempC.toFixed(1)} °C ${r.rhPct.toFixed(1)} %RH` };
}
