// Exhaustive power-cut proof: one scripted run of appends, acks, ring reclaims, store updates and compactions is
// cut at EVERY program and erase step in turn, rebooted and checked; recovery itself is then cut too. Payloads
// and values hold structure (whole entries, commit words, headers). Runs on both flash models: ordered word
// tearing, and unordered page tearing with weak bits that read randomly until rewritten.
import { FLASH_MODELS, SimFlash } from '../../platform/sim/flash';
import { GEOMETRY, Model, checkAfterCut, drive, mountBoth, script, bytes } from './harness';

const ops = script();

describe.each(FLASH_MODELS)('power cut at every step of a scripted run ($name)', ({ options }) => {
  function runUntilCut(cutAt: number | undefined, seed: number): { flash: SimFlash; model: Model } {
    const flash = new SimFlash({ ...GEOMETRY, ...options, seed });
    if (cutAt !== undefined) flash.cutAtStep(cutAt);
    const model = new Model();
    const both = mountBoth(flash);
    if (both !== undefined) drive(flash, both.journal, both.store, ops, model);
    return { flash, model };
  }

  const clean = runUntilCut(undefined, 1);
  const total = clean.flash.steps;

  it('the script exercises what it should: ring wrap, a full journal, acks and store compaction', () => {
    expect(clean.flash.powered).toBe(true);
    expect(clean.model.refused).toBeGreaterThan(0);
    expect(clean.model.lastSeq).toBeGreaterThan(40);
    // Every journal sector and both store banks were erased at least twice.
    const counts = clean.flash.eraseCounts();
    for (let s = 0; s < 4; s++) expect(counts[s]).toBeGreaterThanOrEqual(2);
    for (let s = 4; s < 8; s++) expect(counts[s]).toBeGreaterThanOrEqual(2);
    expect(checkAfterCut(clean.flash, clean.model)).toBeUndefined();
  });

  it(`keeps everything committed and nothing half-written, cut at each step`, () => {
    const failures: string[] = [];
    for (let k = 0; k < total; k++) {
      const { flash, model } = runUntilCut(k, k + 1);
      expect(flash.powered).toBe(false);
      flash.reboot();
      const problem = checkAfterCut(flash, model);
      if (problem !== undefined) failures.push(`cut at step ${k}: ${problem}`);
      if (failures.length > 5) break;
      if (problem !== undefined) continue;
      // Life goes on: the next append gets the next number, and a second reboot changes nothing.
      const again = mountBoth(flash);
      if (again === undefined) {
        failures.push(`cut at step ${k}: second mount failed`);
        continue;
      }
      if (again.jr.tornTail) failures.push(`cut at step ${k}: torn tail reported twice`);
      const r = again.journal.append(9, 1_800_000_000_000, bytes(12, k));
      if (!r.ok) {
        if (r.reason !== 'JOURNAL_FULL') failures.push(`cut at step ${k}: append after recovery: ${r.reason}`);
        continue;
      }
      if (r.seq !== model.lastSeq + 1) failures.push(`cut at step ${k}: append after recovery got ${r.seq}, expected ${model.lastSeq + 1}`);
      model.records.set(r.seq, { type: 9, at: 1_800_000_000_000, payload: bytes(12, k) });
      model.lastSeq = r.seq;
      const p2 = checkAfterCut(flash, model);
      if (p2 !== undefined) failures.push(`cut at step ${k}, after one more append: ${p2}`);
    }
    expect(failures).toEqual([]);
    expect(total).toBeGreaterThan(1000);
  });

  it('survives a second cut during recovery itself', () => {
    const failures: string[] = [];
    let recoveriesThatWrite = 0;
    // Every third first cut keeps this quick; the second cut's position still sweeps all of recovery.
    for (let k = 0; k < total; k += 3) {
      const { flash, model } = runUntilCut(k, k + 7);
      flash.reboot();
      // How many steps does recovery take here? Count on a copy, then cut a second copy inside that span.
      const probe = flash.clone(1);
      const before = probe.steps;
      if (mountBoth(probe) === undefined) {
        failures.push(`cut at ${k}: recovery failed`);
        continue;
      }
      const span = probe.steps - before;
      if (span === 0) continue;
      recoveriesThatWrite++;
      const second = flash.clone(k + 3);
      second.cutAtStep(second.steps + ((k / 3) % span));
      mountBoth(second);
      expect(second.powered).toBe(false);
      second.reboot();
      const problem = checkAfterCut(second, model);
      if (problem !== undefined) failures.push(`cut at ${k}, then at recovery step ${(k / 3) % span}: ${problem}`);
      if (failures.length > 5) break;
    }
    expect(failures).toEqual([]);
    expect(recoveriesThatWrite).toBeGreaterThan(30);
  });
});
