// The shop floor's air: temperature and humidity at each station over the day (a base climate, a humid afternoon
// peaking at a local hour, a small offset per station: the oven end of a line runs warmer), and the dry cabinet's
// humidity, which a failing cabinet lets drift up. Deterministic functions of time; sensor noise is drawn apart.

export interface EnvironmentOptions {
  readonly tempC: number;
  readonly rhPct: number;
  /** A humid afternoon: conditions rise towards the peak and fall back, over `widthHours` either side. */
  readonly humid?: { readonly peakTempC: number; readonly peakRhPct: number; readonly peakHour: number; readonly widthHours: number };
  readonly cabinetRhPct: number;
  /** The cabinet starts failing at this line time (ms) and drifts to `failRhPct` over two hours. */
  readonly cabinetFailsAtMs?: number;
  readonly cabinetFailRhPct: number;
  /** Hours to add to UTC for the floor's local time (the humid afternoon is local). */
  readonly utcOffsetHours: number;
}

export interface Air {
  readonly tempC: number;
  readonly rhPct: number;
}

const HOUR = 3_600_000;

export class Environment {
  constructor(
    private readonly o: EnvironmentOptions,
    /** Epoch ms at line time 0. */
    private readonly startEpochMs: number,
    private readonly stations: number,
  ) {}

  /** The floor at station `id` at line time `t`. */
  floor(id: number, t: number): Air {
    const o = this.o;
    // Along the line the air warms towards the oven end: up to +1.5 °C and −3 %RH at the last station.
    const along = this.stations <= 1 ? 0 : (id - 1) / (this.stations - 1);
    let tempC = o.tempC + 1.5 * along;
    let rhPct = o.rhPct - 3 * along;
    const h = o.humid;
    if (h !== undefined) {
      const local = (((this.startEpochMs + t) / HOUR + o.utcOffsetHours) % 24 + 24) % 24;
      let d = Math.abs(local - h.peakHour);
      d = Math.min(d, 24 - d);
      // A raised cosine: full at the peak hour, nothing beyond the width.
      const w = d >= h.widthHours ? 0 : 0.5 * (1 + Math.cos((Math.PI * d) / h.widthHours));
      tempC += (h.peakTempC - o.tempC) * w;
      rhPct += (h.peakRhPct - o.rhPct) * w;
    }
    return { tempC: round1(tempC), rhPct: round1(Math.max(1, Math.min(99, rhPct))) };
  }

  /** The dry cabinet's humidity at line time `t`. */
  cabinet(t: number): Air {
    const o = this.o;
    if (o.cabinetFailsAtMs === undefined || t < o.cabinetFailsAtMs) return { tempC: 25, rhPct: o.cabinetRhPct };
    const f = Math.min(1, (t - o.cabinetFailsAtMs) / (2 * HOUR));
    return { tempC: 25, rhPct: round1(o.cabinetRhPct + (o.cabinetFailRhPct - o.cabinetRhPct) * f) };
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
