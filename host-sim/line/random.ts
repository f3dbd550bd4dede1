// Seeded randomness for the simulation. One seed makes the whole run; each part of the line draws from its own
// stream, forked from the seed by name, so that a change to how one part draws (an operator's reaction times)
// never shifts what another part draws (the label population). mulberry32 underneath (firmware/platform/sim/prng).
import { prng, type Rnd } from '../../firmware/platform/sim/prng';

/** 32-bit FNV-1a of a text, mixed with the seed. */
function mix(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  // A final avalanche, so that streams of nearby names do not start alike.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

export class Random {
  private readonly rnd: Rnd;

  constructor(readonly seed: number, readonly name = '') {
    this.rnd = prng(mix(seed >>> 0, name));
  }

  /** An independent stream for `name` under the same seed. */
  fork(name: string): Random {
    return new Random(this.seed, this.name === '' ? name : `${this.name}/${name}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.rnd();
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.rnd() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + this.rnd() * (max - min);
  }

  chance(p: number): boolean {
    return p > 0 && this.rnd() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list'); // a programming error
    return items[Math.floor(this.rnd() * items.length)]!;
  }

  /** Exponentially distributed, with this mean (waiting times between random faults). */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.rnd());
  }

  /** `value` varied by up to ±`fraction` of itself. */
  jitter(value: number, fraction: number): number {
    return value * (1 + fraction * (2 * this.rnd() - 1));
  }

  /** Random bytes (session nonces of the simulated MES). */
  bytes(dst: Uint8Array): void {
    for (let i = 0; i < dst.length; i++) dst[i] = Math.floor(this.rnd() * 256);
  }

  /** A 32-bit seed for a device's own generator (a station's nonces, a flash's undefined bits). */
  seedFor(name: string): number {
    return mix(this.seed >>> 0, `${this.name}/${name}`);
  }
}
