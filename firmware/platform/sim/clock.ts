// A virtual clock for deterministic simulation: Clock and Timers on simulated time that moves only when the
// simulator advances it, firing due timers in time order (ties in the order they were set). The RTC can be
// trusted, untrusted or absent, and a power cycle restarts monotonic time the way a reboot does.
import type { Clock, Timers } from '../hal';

interface Pending {
  readonly handle: number;
  readonly dueUs: number;
  readonly callback: () => void;
}

export interface SimClockOptions {
  readonly startUs?: number;
  /** What the RTC reads at monotonic 0, and whether it kept time; undefined: the RTC has no time. */
  readonly rtc?: { readonly epochMs: number; readonly trusted: boolean };
}

export class SimClock implements Clock, Timers {
  private nowUs = 0;
  private rtc: { epochMs: number; trusted: boolean } | undefined;
  private pending: Pending[] = [];
  private nextHandle = 1;

  constructor(opts: SimClockOptions = {}) {
    this.nowUs = opts.startUs ?? 0;
    this.rtc = opts.rtc === undefined ? undefined : { ...opts.rtc };
  }

  /** An independent copy (timers are not copied). */
  clone(): SimClock {
    const c = new SimClock({ startUs: this.nowUs, ...(this.rtc === undefined ? {} : { rtc: { ...this.rtc } }) });
    return c;
  }

  monotonicMs(): number {
    return Math.floor(this.nowUs / 1000);
  }

  monotonicUs(): number {
    return this.nowUs;
  }

  readRtc(): { readonly epochMs: number; readonly trusted: boolean } | undefined {
    return this.rtc === undefined ? undefined : { epochMs: this.rtc.epochMs + Math.floor(this.nowUs / 1000), trusted: this.rtc.trusted };
  }

  writeRtc(epochMs: number): void {
    this.rtc = { epochMs: epochMs - Math.floor(this.nowUs / 1000), trusted: true };
  }

  set(delayMs: number, callback: () => void): number {
    const handle = this.nextHandle++;
    const dueUs = this.nowUs + Math.max(0, delayMs) * 1000;
    // Keep the list sorted by due time; equal times stay in the order they were set.
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1]!.dueUs > dueUs) i--;
    this.pending.splice(i, 0, { handle, dueUs, callback });
    return handle;
  }

  clear(handle: number): void {
    const i = this.pending.findIndex((p) => p.handle === handle);
    if (i >= 0) this.pending.splice(i, 1);
  }

  /** Timers waiting. */
  get timersPending(): number {
    return this.pending.length;
  }

  /** Moves time forward by `us`, running every timer that falls due on the way at its own time. */
  advanceUs(us: number): void {
    const target = this.nowUs + Math.max(0, us);
    for (;;) {
      const next = this.pending[0];
      if (next === undefined || next.dueUs > target) break;
      this.pending.shift();
      this.nowUs = next.dueUs;
      next.callback();
    }
    this.nowUs = target;
  }

  advance(ms: number): void {
    this.advanceUs(Math.round(ms * 1000));
  }

  /**
   * A power cut of `ms`: monotonic time starts again at 0 after it (a reboot), pending timers die with the power,
   * and the RTC keeps time only if it is battery-backed (`survives`); otherwise it comes back untrusted or lost.
   */
  powerCycle(ms: number, rtc: 'survives' | 'untrusted' | 'lost' = 'survives'): void {
    const wall = this.rtc === undefined ? undefined : this.rtc.epochMs + Math.floor(this.nowUs / 1000) + ms;
    this.nowUs = 0;
    this.pending = [];
    this.rtc = rtc === 'lost' || wall === undefined ? undefined : { epochMs: wall, trusted: rtc === 'survives' && this.rtc!.trusted };
  }
}
