// A virtual clock and timers for the simulator and tests: time moves only when told to, so a run is the same on
// every machine. The RTC can be set trusted, untrusted or absent to exercise the station's clock rules.
import type { Clock, Timers } from '../hal';

export class SimClock implements Clock, Timers {
  private us = 0;
  private rtcOffsetMs: number | undefined;
  private rtcTrusted: boolean;
  private nextHandle = 1;
  private timers = new Map<number, { at: number; cb: () => void }>();

  /** `rtcEpochMs`: what the RTC reads at monotonic 0 (undefined: no RTC time). */
  constructor(rtcEpochMs: number | undefined, trusted = true) {
    this.rtcOffsetMs = rtcEpochMs;
    this.rtcTrusted = trusted;
  }

  /** An independent copy (timers are not copied). */
  clone(): SimClock {
    const c = new SimClock(this.rtcOffsetMs, this.rtcTrusted);
    c.us = this.us;
    return c;
  }

  monotonicMs(): number {
    return Math.floor(this.us / 1000);
  }

  monotonicUs(): number {
    return this.us;
  }

  readRtc(): { epochMs: number; trusted: boolean } | undefined {
    return this.rtcOffsetMs === undefined ? undefined : { epochMs: this.rtcOffsetMs + this.monotonicMs(), trusted: this.rtcTrusted };
  }

  writeRtc(epochMs: number): void {
    this.rtcOffsetMs = epochMs - this.monotonicMs();
    this.rtcTrusted = true;
  }

  /** Moves time on by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.us + Math.round(ms * 1000);
    for (;;) {
      let due: [number, { at: number; cb: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (due === undefined || e[1].at < due[1].at)) due = e;
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.us = Math.max(this.us, due[1].at);
      due[1].cb();
    }
    this.us = end;
  }

  /**
   * A power cut of `ms`: monotonic time starts again at 0 after it (a reboot), and the RTC keeps time only if it is
   * battery-backed (`rtcSurvives`); otherwise it loses its time, or comes back untrusted.
   */
  powerCycle(ms: number, rtc: 'survives' | 'untrusted' | 'lost' = 'survives'): void {
    const wall = this.rtcOffsetMs === undefined ? undefined : this.rtcOffsetMs + this.monotonicMs() + ms;
    this.us = 0;
    this.timers.clear();
    if (rtc === 'lost' || wall === undefined) this.rtcOffsetMs = undefined;
    else {
      this.rtcOffsetMs = wall;
      this.rtcTrusted = rtc === 'survives';
    }
  }

  set(delayMs: number, callback: () => void): number {
    const h = this.nextHandle++;
    this.timers.set(h, { at: this.us + Math.max(0, delayMs) * 1000, cb: callback });
    return h;
  }

  clear(handle: number): void {
    this.timers.delete(handle);
  }
}
