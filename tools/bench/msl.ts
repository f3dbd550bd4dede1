// MSL engine benchmarks: evaluating a history in closed form against a naive fixed-step (1 min) numerical
// integration of the same history (a dense one, a sample every 5 min, and a sparse one, a sample an hour), one
// incremental event on a stored state against re-evaluating the whole history for it, and the plausibility check
// the runtime makes on every sensor reading against the step that reading feeds. Peers run in the same process,
// same run, on the same history.
import {
  classifySample,
  defaultEnv,
  evaluate,
  initialState,
  MINUTE,
  step,
  view,
  type MslEvent,
  type ReelSpec,
  type TrackerState,
} from '../../firmware/core/msl/index';
import { referenceConsumed } from '../../firmware/test/msl/reference';
import { rate, type Section } from './harness';

// A 1.2 mm BGA: the thick class by Table 7-1, and the ≤1.4 mm bake row.
const SPEC: ReelSpec = { level: '3', thicknessClass: 'thick', bodyThicknessMm: 1.2, packageType: 'bga' };
const ENV = defaultEnv();
const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);

/** A reel's month on a line: a sample every `stepMin` (5 min), nightly dry cabinet, a few sensor drop-outs. Deterministic. */
export function lineHistory(n: number, stepMin = 5): MslEvent[] {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: MslEvent[] = [{ type: 'open', at: T0, hic10: 'blue', hic60: 'blue' }];
  let t = T0;
  let inCabinet = false;
  let lost = false;
  while (out.length < n) {
    t += stepMin * MINUTE;
    const hourOfDay = ((t - T0) / 3_600_000) % 24;
    if (!inCabinet && hourOfDay === 22) {
      out.push({ type: 'dry-in', at: t, rhPct: 4 });
      inCabinet = true;
    } else if (inCabinet && hourOfDay === 6) {
      out.push({ type: 'dry-out', at: t });
      inCabinet = false;
    } else if (!lost && rnd() < 0.005) {
      out.push({ type: 'sensor-lost', at: t, sensor: 'floor' }); // the station's own sensor, as the runtime reports it
      lost = true;
    } else {
      out.push({ type: 'ambient', at: t, tempC: 20 + Math.round(rnd() * 120) / 10, rhPct: 30 + Math.round(rnd() * 450) / 10 });
      lost = false;
    }
  }
  return out;
}


const fmt = (x: number, digits = 3) => (x >= 1000 ? Math.round(x).toLocaleString('en') : x.toPrecision(digits));

export async function mslBench(): Promise<Section> {
  const events = lineHistory(10_000);
  const at = events[events.length - 1]!.at + 60 * MINUTE;
  const exact = evaluate({ ...SPEC, events }, at, ENV);
  if (!exact.ok) throw new Error(`bench history rejected: ${exact.error.message}`);
  const naive = referenceConsumed(SPEC, events, at, ENV);
  // The peer must compute the same thing, or the comparison means nothing.
  if (Math.abs(naive - exact.value.consumedFraction) > 1e-6 * Math.max(1, naive)) {
    throw new Error(`naive integration disagrees: ${naive} vs ${exact.value.consumedFraction}`);
  }
  const days = (at - events[0]!.at) / 86_400_000;

  const evalRate = rate(() => void evaluate({ ...SPEC, events }, at, ENV), 400, 5);
  const naiveRate = rate(() => void referenceConsumed(SPEC, events, at, ENV), 400, 3);

  // The same month with a sample an hour (a document written from an MES log): fewer events, the same minutes.
  const sparse = lineHistory(840, 60);
  const sparseAt = sparse[sparse.length - 1]!.at + 60 * MINUTE;
  const sparseExact = evaluate({ ...SPEC, events: sparse }, sparseAt, ENV);
  const sparseNaive = referenceConsumed(SPEC, sparse, sparseAt, ENV);
  if (!sparseExact.ok || Math.abs(sparseNaive - sparseExact.value.consumedFraction) > 1e-6 * Math.max(1, sparseNaive)) {
    throw new Error(`naive integration disagrees on the sparse history: ${sparseNaive} vs ${sparseExact.ok ? sparseExact.value.consumedFraction : sparseExact.error.message}`);
  }
  const sparseRate = rate(() => void evaluate({ ...SPEC, events: sparse }, sparseAt, ENV), 400, 5);
  const sparseNaiveRate = rate(() => void referenceConsumed(SPEC, sparse, sparseAt, ENV), 400, 3);

  // The station's path for one event: state from flash (JSON), step, view, state back to flash.
  let state: TrackerState = initialState(SPEC);
  for (const e of events.slice(0, 5_000)) state = (step(state, e, ENV) as { ok: true; value: TrackerState }).value;
  const stored = JSON.stringify(state);
  const next = events[5_000]!;
  const stepRate = rate(() => void step(state, next, ENV));
  const flashRate = rate(() => {
    const s = JSON.parse(stored) as TrackerState;
    const r = step(s, next, ENV);
    if (r.ok) {
      view(r.value, next.at, ENV);
      JSON.stringify(r.value);
    }
  });

  // Every sensor reading: the plausibility verdict the runtime asks for, against the step that feeds the reading.
  const reading: MslEvent = { type: 'ambient', at: next.at, tempC: 23.4, rhPct: 41.5 };
  const classifyRate = rate(() => void classifySample(23.4, 41.5));
  const readingStepRate = rate(() => void step(state, reading, ENV));

  const ms = (r: number) => 1000 / r;
  const us = (r: number) => 1e6 / r;
  const body = [
    `One MSL 3 reel (thick class), ${events.length.toLocaleString('en')} events over ${days.toFixed(1)} days: an ambient sample every 5 min,`,
    'a nightly ≤5 %RH cabinet, sensor drop-outs. The peer integrates the same history minute by minute with its own',
    `reading of the Table 7-1 CSV; both give the same consumed fraction (${exact.value.consumedFraction.toFixed(6)} vs ${naive.toFixed(6)}). The sparse`,
    `history is the same kind of month with a sample an hour (${sparse.length} events over ${((sparseAt - sparse[0]!.at) / 86_400_000).toFixed(1)} days).`,
    '',
    '| operation | time | peer | peer time | speed-up |',
    '|---|---|---|---|---|',
    `| evaluate the 10,000-event history (closed form) | ${fmt(ms(evalRate))} ms | naive 1-min integration of the same history | ${fmt(ms(naiveRate))} ms | ${fmt(naiveRate === 0 ? 0 : evalRate / naiveRate, 2)}× |`,
    `| evaluate the sparse history (${sparse.length} events, closed form) | ${fmt(ms(sparseRate))} ms | naive 1-min integration of it | ${fmt(ms(sparseNaiveRate))} ms | ${fmt(sparseRate / sparseNaiveRate, 2)}× |`,
    `| one incremental event: \`step\` on the stored state | ${fmt(us(stepRate))} µs | re-evaluate the whole history for that event | ${fmt(ms(evalRate))} ms | ${fmt(stepRate / evalRate, 3)}× |`,
    `| one event as a station does it: state from JSON, \`step\`, \`view\`, state to JSON | ${fmt(us(flashRate))} µs | same peer | ${fmt(ms(evalRate))} ms | ${fmt(flashRate / evalRate, 3)}× |`,
    `| \`classifySample\` on one sensor reading | ${fmt(us(classifyRate) * 1000)} ns | \`step\` with that reading | ${fmt(us(readingStepRate))} µs | ${fmt(classifyRate / readingStepRate, 2)}× |`,
    '',
    `Per event inside the fold: ${fmt(us(evalRate) / events.length)} µs. The incremental state is ${stored.length} bytes of JSON whatever the history's length.`,
  ].join('\n');
  return { title: 'MSL floor-life engine', body };
}
