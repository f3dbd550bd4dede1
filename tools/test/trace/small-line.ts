// The small test line the trace tests share: three stations, six slots each, five hours of production, a 16 KiB
// journal collected by the host every hour (so early records live only in host/records-<id>.jsonl).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLine, writeLine, type LineOptions, type LineRun } from './fixture';

export const SMALL: LineOptions = { seed: 11, stations: 3, slots: 6, hours: 5, cycleS: 60, journalKib: 16, collectEveryH: 1, plannedQuantity: 150 };

let cached: { run: LineRun; dir: string } | undefined;

/** Runs the small line once per test file and writes it to a fresh folder. */
export function smallLine(): { run: LineRun; dir: string } {
  if (cached === undefined) {
    const run = runLine(SMALL);
    cached = { run, dir: writeLine(run, mkdtempSync(join(tmpdir(), 'warden-line-'))) };
  }
  return cached;
}
