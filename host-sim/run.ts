// Running a simulation: a line built from a scenario and a seed, driven as fast as it goes (virtual time), or paced
// against the wall clock (`speed` simulated ms per wall ms: 1 is real time), with the links on real sockets when
// asked. The loop yields to Node between slices, so a paced run serves outside Modbus clients and Ctrl-C stops it
// cleanly; the last checks and the summary run either way.
import { summarize, type SimSummary } from './check/summary';
import { Line, type LineTransports } from './line/line';
import type { Scenario } from './scenarios/scenario';

export interface SimOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  /** The command that replays this run (printed with a failure). */
  readonly replay: string;
  readonly transports?: LineTransports;
  /** Simulated ms per wall ms; absent: as fast as possible. */
  readonly speed?: number;
  /** Waits until bytes in flight on real sockets have arrived (`--tcp`): called after every moment of line time. */
  readonly settle?: () => Promise<void>;
  readonly onProgress?: (p: { readonly simMs: number; readonly endMs: number }) => void;
  /** Polled between slices: true ends the run early (Ctrl-C). */
  readonly interrupted?: () => boolean;
  /** Called once the line is built and started, before time runs (servers on real ports report themselves here). */
  readonly onStart?: (line: Line) => void | Promise<void>;
}

export interface SimResult {
  readonly line: Line;
  readonly summary: SimSummary;
}

/** Line time run per slice when running flat out: short enough to yield often, long enough to cost nothing. */
const SLICE_MS = 10 * 60_000;

export async function simulate(o: SimOptions): Promise<SimResult> {
  const line = new Line({ scenario: o.scenario, seed: o.seed, ...(o.transports === undefined ? {} : { transports: o.transports }) });
  line.start();
  await o.onStart?.(line);
  const end = line.end;
  const wall0 = performance.now();
  const stopNow = (): boolean => line.stopped || o.interrupted?.() === true;
  while (line.now < end && !stopNow()) {
    let target = Math.min(end, line.now + SLICE_MS);
    if (o.speed !== undefined) target = Math.min(end, Math.max(line.now, Math.floor((performance.now() - wall0) * o.speed)));
    if (o.settle !== undefined) {
      // Real sockets: one moment of line time at a time, and every byte delivered before the next.
      while (line.timeline.nextAt <= target && !stopNow()) {
        line.runUntil(line.timeline.nextAt);
        await o.settle();
      }
      if (!stopNow()) line.runUntil(target);
    } else line.runUntil(target);
    o.onProgress?.({ simMs: line.now, endMs: end });
    if (o.speed !== undefined && line.now >= Math.floor((performance.now() - wall0) * o.speed)) await sleep(20);
    else await new Promise<void>((r) => setImmediate(r));
  }
  const traces = line.finish();
  const summary = summarize(line, o.scenario, { seed: o.seed, replay: o.replay, interrupted: !line.stopped && line.now < end, traces });
  return { line, summary };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
