// HAL timers over Moddable's `timer` module (modules/base/timer/timer.js; documentation/base/base.md "Timer"):
// `Timer.set(callback, ms)` returns a timer instance for `Timer.clear`; a one-shot clears itself after it fires.
// The HAL hands out numbers, so instances are kept in a table by handle until they fire or are cleared.
import type { Timers } from '../hal';

export interface ModdableTimer {
  set(callback: () => void, ms: number): unknown;
  clear(timer: unknown): void;
}

export function timersFromModdable(Timer: ModdableTimer): Timers {
  const live = new Map<number, unknown>();
  let next = 1;
  return {
    set(delayMs, callback) {
      const h = next++;
      live.set(
        h,
        Timer.set(() => {
          live.delete(h);
          callback();
        }, Math.max(0, delayMs)),
      );
      return h;
    },
    clear(handle) {
      const t = live.get(handle);
      if (t === undefined) return;
      live.delete(handle);
      Timer.clear(t);
    },
  };
}
