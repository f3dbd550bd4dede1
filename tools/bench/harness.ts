// Minimal benchmark harness: operations per second, best of several timed batches after a warm-up.
// Figures are for comparison with a peer measured in the same run, never for pass/fail.
import { cpus, totalmem, type as osType, release } from 'node:os';

export interface Section {
  readonly title: string;
  readonly body: string;
}

/** Best ops/s over `rounds` batches of about `ms` milliseconds each. */
export function rate(op: () => void, ms = 250, rounds = 5): number {
  for (let i = 0; i < 200; i++) op();
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      for (let i = 0; i < 50; i++) op();
      n += 50;
      elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    } while (elapsed < ms);
    best = Math.max(best, (n * 1000) / elapsed);
  }
  return best;
}

export function machine(): string {
  const c = cpus();
  return `${c[0]?.model ?? 'unknown CPU'} × ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${osType()} ${release()}, Node ${process.version}`;
}
