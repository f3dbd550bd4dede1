// Simulated discrete I/O and sensors: outputs that remember what they were set to (and when they changed), a T/RH
// sensor whose readings and faults the test or the simulator chooses, and a seeded random source.
import type { DigitalOut, RandomBytes, StackLight, ThSensor } from '../hal';
import { prng } from './prng';

export class SimOutput implements DigitalOut {
  value: 0 | 1 = 0;
  /** Every change, for the invariant checker. */
  changes = 0;
  write(value: 0 | 1): void {
    if (value !== this.value) this.changes++;
    this.value = value;
  }
}

export function simStackLight(): StackLight & { readonly red: SimOutput; readonly amber: SimOutput; readonly green: SimOutput } {
  return { red: new SimOutput(), amber: new SimOutput(), green: new SimOutput() };
}

export class SimSensor implements ThSensor {
  reading: { ok: true; tempC: number; rhPct: number } | { ok: false; detail: string } = { ok: true, tempC: 23, rhPct: 45 };
  sample(): { ok: true; tempC: number; rhPct: number } | { ok: false; detail: string } {
    return this.reading;
  }
}

/** mulberry32 bytes from a seed: reproducible nonces in simulation. Never for a device. */
export function seededRandom(seed: number): RandomBytes {
  const next = prng(seed);
  return (dst) => {
    // prng's draw is a 32-bit integer over 2³², exactly: scaled back, its low byte is the generator's.
    for (let i = 0; i < dst.length; i++) dst[i] = (next() * 4294967296) & 0xff;
  };
}
