// Clock and Timers over real time, for running the firmware's servers in Node (tests, benches, a bench PC).
import type { Clock, Timers } from '../../firmware/platform/hal';

const origin = process.hrtime.bigint();

/** Monotonic time from process.hrtime; the RTC is the host's wall clock, trusted. */
export const nodeClock: Clock = {
  monotonicMs: () => Number((process.hrtime.bigint() - origin) / 1_000_000n),
  monotonicUs: () => Number((process.hrtime.bigint() - origin) / 1_000n),
  readRtc: () => ({ epochMs: Date.now(), trusted: true }),
  // The host's clock is not ours to set.
  writeRtc: () => undefined,
};

/**
 * One-shot timers over setTimeout. They do not keep the process alive on their own (unref), so a server that
 * was not closed never holds up the end of a test run.
 */
export function nodeTimers(): Timers & { readonly pending: number } {
  const live = new Map<number, NodeJS.Timeout>();
  let next = 1;
  return {
    set(delayMs, callback) {
      const h = next++;
      const t = setTimeout(() => {
        live.delete(h);
        callback();
      }, Math.max(0, delayMs));
      t.unref();
      live.set(h, t);
      return h;
    },
    clear(h) {
      const t = live.get(h);
      if (t !== undefined) clearTimeout(t);
      live.delete(h);
    },
    get pending() {
      return live.size;
    },
  };
}
