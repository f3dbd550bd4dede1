// mulberry32: a small, fast generator, reproducible from a 32-bit seed, for everything the simulation draws at
// random (segment sizes, fault times, test traffic).
export type Rnd = () => number;

/** Uniform numbers in [0, 1) from `seed`. */
export function prng(seed: number): Rnd {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
