// Adversarial review of the storage layer: every geometry the platforms use, reboot loops with cuts during
// recovery, double faults that used to repeat sequence numbers or bring stale values back, exactly-full
// journals and odd acks, and flash full of garbage (never a throw).
import fc from 'fast-check';
import { Journal, type JournalOptions } from '../../storage/journal';
import { StateStore, type StoreOptions } from '../../storage/store';
import { entrySize, regionHeaderBytes } from '../../storage/log';
import { FLASH_MODELS, SimFlash, type SimFlashOptions } from '../../platform/sim/flash';
import { Model, bytes, checkAfterCut, drive, mountBoth, script, type Layout, type Op } from './harness';

const T0 = 1_767_225_600_000;

interface Case extends Layout {
  readonly name: string;
  readonly geometry: { readonly sectorSize: number; readonly sectorCount: number; readonly wordSize: number };
  /** Cut at every `stride`-th step (1 = every step). */
  readonly stride: number;
}

const small = (wordSize: number): Case => ({
  name: `512 B sectors, ${wordSize}-byte words`,
  geometry: { sectorSize: 512, sectorCount: 8, wordSize },
  journal: { firstSector: 0, sectorCount: 4, maxPayload: 64 },
  store: { firstSector: 4, sectorCount: 4, maxKeys: 6, maxValueBytes: 160 },
  // Narrow words mean many program steps per entry: sample them evenly (coprime strides shift the phase).
  stride: wordSize === 1 ? 11 : wordSize === 2 ? 7 : 2,
});

const CASES: Case[] = [
  small(1),
  small(2),
  small(8),
  {
    name: '256 B sectors, 16-byte words',
    geometry: { sectorSize: 256, sectorCount: 14, wordSize: 16 },
    journal: { firstSector: 0, sectorCount: 6, maxPayload: 64 },
    store: { firstSector: 6, sectorCount: 8, maxKeys: 6, maxValueBytes: 160 },
    stride: 1,
  },
  ...[4, 8].map(
    (wordSize): Case => ({
      name: `4096 B sectors, ${wordSize}-byte words (3-sector ring)`,
      geometry: { sectorSize: 4096, sectorCount: 5, wordSize },
      journal: { firstSector: 0, sectorCount: 3, maxPayload: 64 },
      store: { firstSector: 3, sectorCount: 2, maxKeys: 6, maxValueBytes: 160 },
      stride: 5,
    }),
  ),
];

/**
 * Runs the script with a first cut at `k`; after each cut, reboots through up to three more cuts inside
 * recovery itself, checks, and carries on with the rest of the script, cut twice more on the way.
 */
function rebootLoop(c: Case, ops: readonly Op[], k: number, faults: Pick<SimFlashOptions, 'tearing' | 'weakBits'>): string | undefined {
  const flash = new SimFlash({ ...c.geometry, ...faults, seed: k + 1 });
  flash.cutAtStep(k);
  const model = new Model();
  let both = mountBoth(flash, c);
  let cuts = 0;
  for (let i = 0; i <= ops.length; i++) {
    if (!flash.powered || both === undefined) {
      for (let r = 0; r < 3; r++) {
        flash.reboot();
        flash.cutAtStep(flash.steps + ((k + r) % 4));
        mountBoth(flash, c);
        if (flash.powered) break;
      }
      flash.reboot();
      const problem = checkAfterCut(flash, model, c);
      if (problem !== undefined) return `cut ${cuts} (first at ${k}), before op ${i}: ${problem}`;
      both = mountBoth(flash, c);
      if (both === undefined) return `remount failed before op ${i}`;
      if (++cuts < 3) flash.cutAtStep(flash.steps + 1 + ((k * 7919 + cuts * 104_729) % 300));
    }
    const op = ops[i];
    if (op !== undefined) drive(flash, both.journal, both.store, [op], model);
  }
  flash.cutAtStep(-1);
  if (!flash.powered) flash.reboot();
  const problem = checkAfterCut(flash, model, c);
  return problem === undefined ? undefined : `at the end: ${problem}`;
}

describe.each(FLASH_MODELS)('power cuts in every geometry, with reboot loops and cuts during recovery ($name)', ({ options }) => {
  const ops = script().slice(0, 75);
  it.each(CASES)('$name', (c) => {
    const clean = new SimFlash(c.geometry);
    const both = mountBoth(clean, c)!;
    expect(both).toBeDefined();
    const m = new Model();
    drive(clean, both.journal, both.store, ops, m);
    expect(m.lastSeq).toBeGreaterThan(20);
    const total = clean.steps;
    const failures: string[] = [];
    for (let k = 0; k < total && failures.length < 4; k += c.stride) {
      const p = rebootLoop(c, ops, k, options);
      if (p !== undefined) failures.push(`${c.name}, cut at ${k}: ${p}`);
    }
    expect(failures).toEqual([]);
  });
});

/**
 * The first and last steps of each operation that erased a sector (a journal sector open, a store format or
 * compaction), which cover the erase and both header copies, in a clean run of `run`.
 */
function openingSteps(make: () => SimFlash, run: (f: SimFlash, afterOp: () => void) => void): { step: number; sector: number }[] {
  const f = make();
  const w = f.geometry.wordSize;
  const headerSteps = 1 + (2 * Math.ceil(20 / Math.max(4, w)) * Math.max(4, w)) / w;
  const steps: { step: number; sector: number }[] = [];
  let before = f.eraseCounts();
  let stepsBefore = f.steps;
  run(f, () => {
    const now = f.eraseCounts();
    const sector = now.findIndex((c, i) => c > before[i]!);
    // A journal sector open writes its header first; a store compaction writes it last, after the copies.
    if (sector >= 0) {
      for (let s = stepsBefore; s < f.steps; s++) if (s < stepsBefore + headerSteps || s >= f.steps - headerSteps) steps.push({ step: s, sector });
    }
    before = now;
    stepsBefore = f.steps;
  });
  return steps;
}

describe.each(FLASH_MODELS)('a cut during the second header copy, then one flipped bit in the copy that survived ($name)', ({ options }) => {
  const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };
  const jopts: JournalOptions = { sectorCount: 4, maxPayload: 64 };

  it('journal: the newest sector never disappears and its sequence numbers are never handed out again', () => {
    const appendAll = (f: SimFlash, hook: () => void) => {
      const j = Journal.mount(f, jopts);
      if (!j.ok) return;
      for (let i = 0; i < 40 && f.powered; i++) {
        j.journal.append(1, T0 + i, bytes(40, i));
        if (i % 4 === 3 && f.powered) j.journal.ack(Math.max(0, i - 6));
        hook();
      }
    };
    const candidates = openingSteps(() => new SimFlash(geo), appendAll);
    expect(candidates.length).toBeGreaterThan(50);
    let exercised = 0;
    const problems: string[] = [];
    for (const { step: k, sector } of candidates) {
      const flash = new SimFlash({ ...geo, ...options, seed: k });
      flash.cutAtStep(k);
      appendAll(flash, () => undefined);
      flash.reboot();
      const j = Journal.mount(flash, jopts);
      if (!j.ok) throw new Error(j.reason);
      let last = j.journal.status().nextSequence - 1;
      for (let i = 0; i < 3; i++) {
        const r = j.journal.append(2, T0, bytes(20, i));
        if (r.ok) last = r.seq;
      }
      // Flip bits of both header copies of the sector being opened, one at a time (every third bit: all
      // bit positions, most bytes).
      for (const s of [sector]) {
        for (let bit = k % 3; bit < 2 * 20 * 8; bit += 3) {
          const f = flash.clone(1);
          f.flipBit(s * 512 + (bit >> 3), bit & 7);
          const m = Journal.mount(f, jopts);
          if (!m.ok) {
            problems.push(`cut ${k}: mount ${m.reason}`);
            continue;
          }
          exercised++;
          const next = m.journal.status().nextSequence;
          if (next <= last) problems.push(`cut ${k}, sector ${s} bit ${bit}: next sequence ${next} after ${last} was handed out`);
        }
      }
      if (problems.length > 4) break;
    }
    expect(problems).toEqual([]);
    expect(exercised).toBeGreaterThan(5_000);
  });

  it('store: an older bank never comes back silently', () => {
    const sgeo = { sectorSize: 512, sectorCount: 2, wordSize: 4 };
    const sopts: StoreOptions = { sectorCount: 2, maxKeys: 4, maxValueBytes: 100 };
    const fill = (f: SimFlash, hook: () => void) => {
      const s = StateStore.mount(f, sopts);
      hook();
      if (!s.ok) return;
      for (let i = 0; i < 24 && f.powered; i++) {
        s.store.set(i % 2, bytes(60, i));
        hook();
      }
    };
    const candidates = openingSteps(() => new SimFlash(sgeo), fill);
    expect(candidates.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const { step: k } of candidates) {
      const flash = new SimFlash({ ...sgeo, ...options, seed: k });
      flash.cutAtStep(k);
      fill(flash, () => undefined);
      flash.reboot();
      const s = StateStore.mount(flash, sopts);
      if (!s.ok) throw new Error(s.reason);
      expect(s.store.set(0, bytes(10, 999)).ok).toBe(true);
      for (let b = 0; b < 2; b++) {
        for (let bit = k % 3; bit < 2 * 20 * 8; bit += 3) {
          const f = flash.clone(1);
          f.flipBit(b * 512 + (bit >> 3), bit & 7);
          const m = StateStore.mount(f, sopts);
          if (!m.ok) {
            problems.push(`cut ${k}: mount ${m.reason}`);
            continue;
          }
          const g = m.store.get(0);
          const newest = g.ok && g.value !== undefined && g.value.length === 10;
          if (!newest && m.store.status().failSafe === undefined) problems.push(`cut ${k}, bank ${b} bit ${bit}: an older value came back silently`);
          if (m.store.failSafe() !== m.store.status().failSafe) problems.push(`cut ${k}, bank ${b} bit ${bit}: failSafe() and status() disagree`);
        }
      }
      if (problems.length > 4) break;
    }
    expect(problems).toEqual([]);
  });
});

describe.each(FLASH_MODELS)('a cut on the commit unit, then one flipped bit in that entry ($name)', ({ options }) => {
  const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };
  const jopts: JournalOptions = { sectorCount: 4, maxPayload: 64 };

  it('journal: a record that became visible is never discarded later as a torn tail (its number is not reused)', () => {
    const problems: string[] = [];
    let exercised = 0;
    for (let n = 1; n <= 12; n++) {
      // Find the last step (the commit unit) of append number n, and cut there.
      const probe = new SimFlash(geo);
      const pj = Journal.mount(probe, jopts);
      if (!pj.ok) throw new Error(pj.reason);
      for (let i = 1; i < n; i++) pj.journal.append(1, T0 + i, bytes(16, i));
      pj.journal.append(1, T0 + n, bytes(16, n));
      const commitStep = probe.steps - 1;
      const entry = entrySize(16, 4);
      const entryAt = regionHeaderBytes(4) + ((n - 1) % Math.floor((512 - regionHeaderBytes(4)) / entry)) * entry;

      const flash = new SimFlash({ ...geo, ...options, seed: n });
      flash.cutAtStep(commitStep);
      const j = Journal.mount(flash, jopts);
      if (!j.ok) throw new Error(j.reason);
      for (let i = 1; i <= n; i++) j.journal.append(1, T0 + i, bytes(16, i));
      flash.reboot();
      const seen = Journal.mount(flash, jopts);
      if (!seen.ok) throw new Error(seen.reason);
      const last = seen.journal.status().nextSequence - 1;
      if (last < n) continue; // the partial commit unit did not leave the body whole this time
      const sectorBase = Math.floor((n - 1) / Math.floor((512 - regionHeaderBytes(4)) / entry)) * 512;
      for (let off = 0; off < entry; off++) {
        for (let bit = 0; bit < 8; bit++) {
          const f = flash.clone(1);
          f.flipBit(sectorBase + entryAt + off, bit);
          const m = Journal.mount(f, jopts);
          if (!m.ok) {
            problems.push(`record ${n}: mount ${m.reason} ${m.detail}`);
            continue;
          }
          exercised++;
          if (m.journal.status().nextSequence <= last) problems.push(`record ${n}, byte ${off} bit ${bit}: number ${last} handed out again`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(exercised).toBeGreaterThan(1000);
  });

  it('store: an update that became visible never silently reverts to the older value', () => {
    const sgeo = { sectorSize: 512, sectorCount: 2, wordSize: 4 };
    const sopts: StoreOptions = { sectorCount: 2, maxKeys: 4, maxValueBytes: 100 };
    let exercised = 0;
    const problems: string[] = [];
    for (let n = 2; n <= 6; n++) {
      const probe = new SimFlash(sgeo);
      const ps = StateStore.mount(probe, sopts);
      if (!ps.ok) throw new Error(ps.reason);
      for (let i = 1; i <= n; i++) ps.store.set(1, bytes(30, i));
      const commitStep = probe.steps - 1;
      const entry = entrySize(30, 4);
      const entryAt = regionHeaderBytes(4) + (n - 1) * entry;

      const flash = new SimFlash({ ...sgeo, ...options, seed: n });
      flash.cutAtStep(commitStep);
      const s = StateStore.mount(flash, sopts);
      if (!s.ok) throw new Error(s.reason);
      for (let i = 1; i <= n; i++) s.store.set(1, bytes(30, i));
      flash.reboot();
      const seen = StateStore.mount(flash, sopts);
      if (!seen.ok) throw new Error(seen.reason);
      const v = seen.store.get(1);
      if (!v.ok || v.value === undefined || v.value[0] !== bytes(30, n)[0]) continue; // the cut update did not land
      for (let off = 0; off < entry; off++) {
        for (let bit = 0; bit < 8; bit++) {
          const f = flash.clone(1);
          f.flipBit(entryAt + off, bit);
          const m = StateStore.mount(f, sopts);
          if (!m.ok) {
            problems.push(`update ${n}: mount ${m.reason}`);
            continue;
          }
          exercised++;
          const g = m.store.get(1);
          const older = g.ok && g.value !== undefined && g.value[0] === bytes(30, n - 1)[0];
          if (older) problems.push(`update ${n}, byte ${off} bit ${bit}: the older value came back without STORE_CORRUPT`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(exercised).toBeGreaterThan(500);
  });
});

describe('exactly full, and acks of every kind', () => {
  const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };

  it.each([0, 13, 64])('a journal filled with %i-byte records: acks one at a time always succeed and free room', (len) => {
    const flash = new SimFlash(geo);
    const opts = { sectorCount: 4, maxPayload: 64 };
    let j = Journal.mount(flash, opts);
    if (!j.ok) throw new Error(j.reason);
    let journal = j.journal;
    let n = 0;
    while (journal.append(1, T0 + n, bytes(len, n)).ok) n++;
    while (journal.append(1, T0 + n, new Uint8Array(0)).ok) n++; // exactly full: not even an empty record fits
    expect(journal.status().permitBlocked).toBe('JOURNAL_FULL');
    expect(journal.append(1, T0, new Uint8Array(0))).toMatchObject({ ok: false, reason: 'JOURNAL_FULL' });
    // Beyond the last record, backwards, and repeated: typed answers, nothing changes.
    expect(journal.ack(n + 1)).toMatchObject({ ok: false, reason: 'JOURNAL_SEQ_UNKNOWN' });
    expect(journal.ack(2 ** 40)).toMatchObject({ ok: false, reason: 'JOURNAL_SEQ_UNKNOWN' });
    expect(journal.ack(-1)).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(journal.ack(Number.NaN)).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    for (let a = 1; a <= n; a++) {
      const r = journal.ack(a);
      expect(r).toEqual({ ok: true, ackedSequence: a });
      expect(journal.ack(a - 1)).toEqual({ ok: true, ackedSequence: a }); // backwards: no effect
      if (a % 7 === 0) {
        j = Journal.mount(flash, opts);
        if (!j.ok) throw new Error(j.reason);
        journal = j.journal;
        expect(journal.status().ackedSequence).toBe(a);
      }
    }
    expect(journal.status().permitBlocked).toBeUndefined();
    expect(journal.append(1, T0, bytes(len, 0))).toEqual({ ok: true, seq: n + 1 });
  });

  it('many laps of a 1 MiB ring (256 × 4 KiB) with reboots: contiguous numbers, nothing unacked lost', () => {
    const geo1m = { sectorSize: 4096, sectorCount: 256, wordSize: 4 };
    const flash = new SimFlash(geo1m);
    const opts = { sectorCount: 256 };
    let journal = (Journal.mount(flash, opts) as { journal: Journal }).journal;
    let next = 1;
    let acked = 0;
    for (let i = 0; i < 15_000; i++) {
      const r = journal.append(i & 0xff, T0 + i, bytes(200, i));
      expect(r.ok && r.seq).toBe(next);
      next++;
      if (i % 500 === 499) {
        acked = next - 200;
        expect(journal.ack(acked).ok).toBe(true);
      }
      if (i % 6_007 === 6_006) {
        const m = Journal.mount(flash, opts);
        if (!m.ok) throw new Error(m.reason);
        expect(m.report.reasons).toEqual([]);
        journal = m.journal;
        expect(journal.status()).toMatchObject({ nextSequence: next, ackedSequence: acked });
      }
    }
    expect(Math.min(...flash.eraseCounts())).toBeGreaterThanOrEqual(3); // over three laps
    const c = journal.cursor(acked + 1);
    if ('ok' in c) throw new Error(c.reason);
    let expect_ = acked + 1;
    for (let it = c.next(); !('ok' in it) && it.kind !== 'end'; it = c.next()) {
      expect(it).toMatchObject({ kind: 'record', seq: expect_ });
      expect_++;
    }
    expect(expect_).toBe(next);
  });
});

describe('flash full of garbage never makes the public API throw', () => {
  const geo = { sectorSize: 512, sectorCount: 8, wordSize: 4 };
  const layout: Layout = { journal: { sectorCount: 4, maxPayload: 64 }, store: { firstSector: 4, sectorCount: 4, maxKeys: 6, maxValueBytes: 160 } };

  /** Valid-looking pieces (region headers with wild fields, entries with wild numbers) among random bytes. */
  function forge(f: SimFlash, seed: number, wild: readonly number[]): void {
    const j = Journal.mount(f, layout.journal);
    const s = StateStore.mount(f, layout.store);
    if (j.ok) for (let i = 0; i < 20; i++) j.journal.append(i, T0, bytes(i * 3, seed + i));
    if (s.ok) for (let i = 0; i < 12; i++) s.store.set(i % 6, bytes(i * 11, seed));
    // Overwrite fields in place (flips, both ways) with the wild values, keeping CRCs wrong or right by chance.
    for (const [i, v] of wild.entries()) {
      const off = (v >>> 0) % (geo.sectorSize * geo.sectorCount);
      f.flipBit(off, (i + v) & 7);
    }
  }

  it('mount, cursor, status, ack, append, get and set all answer with values', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 60 }), fc.boolean(), (seed, wild, random) => {
        const f = new SimFlash({ ...geo, seed });
        if (random) for (let i = 0; i < 40; i++) f.flipRandomBit();
        else forge(f, seed, wild);
        const both = mountBoth(f, layout);
        // A typed failure is fine; a throw is not (fast-check reports it).
        if (both === undefined) return;
        const { journal, store } = both;
        journal.status();
        const c = journal.cursor(journal.oldestSequence());
        if (!('ok' in c)) for (let it = c.next(), n = 0; !('ok' in it) && it.kind !== 'end' && n < 10_000; it = c.next(), n++);
        journal.ack(journal.status().nextSequence - 1);
        journal.append(1, T0, bytes(10, 1));
        for (let k = 0; k < 6; k++) store.get(k);
        store.set(0, bytes(10, 2));
        store.status();
      }),
      { numRuns: 150 },
    );
  });
});
