// fast-check: random sequences of appends, acks, store updates, power cuts and bit flips, compared after every
// reboot with a reference model of what the station was told. Fault model for flips: any bit, at most one per
// flash sector in a run (a single-bit error per protected unit, which is what CRC-32 plus the two header
// copies are designed for).
import fc from 'fast-check';
import type { Journal } from '../../storage/journal';
import type { StateStore } from '../../storage/store';
import { SimFlash } from '../../platform/sim/flash';
import { GEOMETRY, STORE, bytes, mountBoth, type Rec } from './harness';

type Cmd =
  | { readonly c: 'append'; readonly len: number; readonly type: number }
  | { readonly c: 'ack'; readonly keep: number }
  | { readonly c: 'set'; readonly key: number; readonly len: number }
  | { readonly c: 'delete'; readonly key: number }
  | { readonly c: 'cut'; readonly after: number }
  /** `data`: flip a bit of a programmed byte (the pick-th one), else anywhere. */
  | { readonly c: 'flip'; readonly offset: number; readonly bit: number; readonly data: boolean }
  | { readonly c: 'reboot' };

const MAX_KEYS = STORE.maxKeys ?? 0;
const FLASH_BYTES = GEOMETRY.sectorSize * GEOMETRY.sectorCount;

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ c: fc.constant('append' as const), len: fc.integer({ min: 0, max: 64 }), type: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('ack' as const), keep: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('set' as const), key: fc.integer({ min: 0, max: MAX_KEYS - 1 }), len: fc.integer({ min: 0, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('delete' as const), key: fc.integer({ min: 0, max: MAX_KEYS - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('cut' as const), after: fc.integer({ min: 0, max: 150 }) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('flip' as const), offset: fc.integer({ min: 0, max: FLASH_BYTES - 1 }), bit: fc.integer({ min: 0, max: 7 }), data: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('reboot' as const) }) },
);

const CORRUPT = 'corrupt' as const;
/** STORAGE_SOAK=n multiplies the runs, for a long hunt outside CI. */
const SOAK = Number(process.env['STORAGE_SOAK'] ?? 1);
/** What the runs exercised, so a test that silently stopped reaching its cases would show. */
const stats = { flips: 0, lostReported: 0, storeCorrupt: 0, unknownCorrupt: 0, torn: 0, cuts: 0, full: 0, appends: 0 };

class Ref {
  readonly records = new Map<number, Rec>();
  lastSeq = 0;
  /** Highest ack the station confirmed; the host may forget everything up to here. */
  acked = 0;
  readonly store = new Map<number, Uint8Array | typeof CORRUPT>();
  /** Every value each key ever held, for judging a store that declared unknown corruption. */
  readonly history = new Map<number, Uint8Array[]>();
  inflight: { op: 'append'; rec: Rec } | { op: 'set'; key: number; value: Uint8Array | undefined } | undefined;
  flips = 0;
  readonly flippedSectors = new Set<number>();
  /** Sequence numbers the station has said are lost. */
  readonly reportedLost = new Set<number>();
  clock = 1_767_225_600_000;
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a === undefined || b === undefined ? a === b : a.length === b.length && a.every((x, i) => x === b[i]);

function settleJournal(j: Journal, lostInReport: readonly { from: number; to: number }[], ref: Ref): void {
  for (const r of lostInReport) for (let s = r.from; s <= r.to; s++) ref.reportedLost.add(s);
  if (ref.reportedLost.size > 0) expect(ref.flips).toBeGreaterThan(0);
  const returned = new Set<number>();
  const c = j.cursor(j.oldestSequence());
  if ('ok' in c) throw new Error(`cursor: ${c.reason}`);
  for (;;) {
    const it = c.next();
    if ('ok' in it) throw new Error(`read: ${it.reason}`);
    if (it.kind === 'end') break;
    if (it.kind === 'lost') {
      expect(ref.flips).toBeGreaterThan(0);
      for (let s = it.from; s <= it.to; s++) ref.reportedLost.add(s);
      continue;
    }
    // Never wrong data: a record read back is exactly what was appended under that number.
    let want = ref.records.get(it.seq);
    if (want === undefined && ref.inflight?.op === 'append' && it.seq === ref.lastSeq + 1) {
      want = ref.inflight.rec;
      ref.records.set(it.seq, want);
      ref.lastSeq = it.seq;
    }
    expect(want).toBeDefined();
    expect(it.type).toBe(want!.type);
    expect(it.at).toBe(want!.at);
    expect(Array.from(it.payload)).toEqual(Array.from(want!.payload));
    returned.add(it.seq);
  }
  // Never a silent loss: every unacknowledged record is read back or reported lost.
  for (let s = ref.acked + 1; s <= ref.lastSeq; s++) {
    if (!returned.has(s)) expect({ seq: s, reported: ref.reportedLost.has(s) }).toEqual({ seq: s, reported: true });
  }
  expect(j.status().nextSequence).toBeGreaterThan(ref.lastSeq);
}

function settleStore(st: StateStore, ref: Ref): void {
  const unknown = st.status().unknownCorruption;
  for (let k = 0; k < MAX_KEYS; k++) {
    const g = st.get(k);
    const want = ref.store.get(k);
    const alt = ref.inflight?.op === 'set' && ref.inflight.key === k ? ref.inflight : undefined;
    if (!g.ok) {
      // Corruption only after flips, reported with its reason, and never forgotten.
      expect(g.reason).toBe('STORE_CORRUPT');
      expect(ref.flips).toBeGreaterThan(0);
      stats.storeCorrupt++;
      ref.store.set(k, CORRUPT);
      continue;
    }
    if (want === CORRUPT) {
      expect(unknown).toBe(true); // a key once reported corrupt stays so unless the whole store is suspect
      continue;
    }
    if (same(g.value, want)) continue;
    if (alt !== undefined && same(g.value, alt.value)) {
      if (alt.value === undefined) ref.store.delete(k);
      else ref.store.set(k, alt.value);
      continue;
    }
    // Anything else is a stale value, allowed only while the store says it cannot vouch for any value.
    expect(unknown).toBe(true);
    expect(ref.flips).toBeGreaterThan(0);
    expect(g.value === undefined || (ref.history.get(k) ?? []).some((h) => same(h, g.value))).toBe(true);
  }
  if (st.status().failSafe !== undefined) expect(ref.flips).toBeGreaterThan(0);
}

function runScenario(cmds: readonly Cmd[], seed: number): void {
  const flash = new SimFlash({ ...GEOMETRY, seed });
  const ref = new Ref();
  let both = mountBoth(flash)!;
  expect(both).toBeDefined();

  const reboot = () => {
    flash.reboot();
    const b = mountBoth(flash);
    expect(b).toBeDefined();
    both = b!;
    if (both.jr.tornTail) stats.torn++;
    if (both.jr.lostRecords > 0) stats.lostReported++;
    if (both.sr.unknownCorruption) stats.unknownCorrupt++;
    if (ref.flips === 0) {
      expect(both.jr.corruptRegions).toBe(0);
      expect(both.sr.reasons).toEqual([]);
    }
    settleJournal(both.journal, both.jr.lost, ref);
    settleStore(both.store, ref);
    ref.inflight = undefined;
  };

  for (const c of cmds) {
    const { journal, store } = both;
    if (c.c === 'append') {
      const rec = { type: c.type, at: (ref.clock += 20_000), payload: bytes(c.len, ref.clock) };
      const r = journal.append(rec.type, rec.at, rec.payload);
      if (r.ok) {
        // Never a repeat, never a gap the station did not report.
        expect(r.seq).toBeGreaterThan(ref.lastSeq);
        for (let s = ref.lastSeq + 1; s < r.seq; s++) expect(ref.reportedLost.has(s)).toBe(true);
        ref.records.set(r.seq, rec);
        ref.lastSeq = r.seq;
        stats.appends++;
      } else if (!flash.powered) {
        ref.inflight = { op: 'append', rec };
      } else {
        expect(r.reason).toBe('JOURNAL_FULL');
        expect(journal.status().permitBlocked).toBe('JOURNAL_FULL');
        stats.full++;
      }
    } else if (c.c === 'ack') {
      const upTo = ref.lastSeq - c.keep;
      if (upTo < 1) continue;
      const r = journal.ack(upTo);
      if (r.ok) ref.acked = Math.max(ref.acked, upTo);
      else if (flash.powered) expect(r.reason).toBe('JOURNAL_SEQ_UNKNOWN'); // the station never saw it (lost in a cut)
    } else if (c.c === 'set' || c.c === 'delete') {
      const value = c.c === 'set' ? bytes(c.len, ref.clock++) : undefined;
      const r = value !== undefined ? store.set(c.key, value) : store.delete(c.key);
      if (r.ok) {
        if (value === undefined) ref.store.delete(c.key);
        else {
          ref.store.set(c.key, value);
          ref.history.set(c.key, [...(ref.history.get(c.key) ?? []), value]);
        }
      } else if (!flash.powered) {
        ref.inflight = { op: 'set', key: c.key, value };
        if (value !== undefined) ref.history.set(c.key, [...(ref.history.get(c.key) ?? []), value]);
      } else {
        expect(r.reason).toBe('STORE_FULL');
      }
    } else if (c.c === 'cut') {
      flash.cutAtStep(flash.steps + c.after);
      continue;
    } else if (c.c === 'flip') {
      let offset = c.offset;
      if (c.data) {
        const img = flash.image();
        const programmed: number[] = [];
        img.forEach((b, i) => {
          if (b !== 0xff) programmed.push(i);
        });
        if (programmed.length > 0) offset = programmed[c.offset % programmed.length]!;
      }
      const sector = Math.floor(offset / GEOMETRY.sectorSize);
      if (ref.flippedSectors.has(sector)) continue;
      ref.flippedSectors.add(sector);
      ref.flips++;
      stats.flips++;
      flash.flipBit(offset, c.bit);
      reboot();
      continue;
    } else {
      reboot();
      continue;
    }
    if (!flash.powered) {
      stats.cuts++;
      reboot();
    }
  }
  flash.cutAtStep(-1);
  reboot();
}

describe('storage against a reference model', () => {
  afterAll(() => {
    // Every kind of event the properties speak about actually happened.
    if (stats.appends === 0) return; // filtered out with -t
    expect(stats.cuts).toBeGreaterThan(20);
    expect(stats.torn).toBeGreaterThan(5);
    expect(stats.full).toBeGreaterThan(5);
    if (stats.flips === 0) return; // only the no-flip property ran
    expect(stats.flips).toBeGreaterThan(20);
    expect(stats.lostReported).toBeGreaterThan(3);
    expect(stats.storeCorrupt).toBeGreaterThan(3);
  });

  it('random appends, acks, updates and power cuts: nothing committed lost, nothing torn visible, no repeats', () => {
    fc.assert(
      fc.property(fc.array(cmd.filter((c) => c.c !== 'flip'), { minLength: 20, maxLength: 80 }), fc.nat(), (cmds, seed) => runScenario(cmds, seed)),
      { numRuns: 90 * SOAK },
    );
  });

  it('with bit flips as well: damage is reported with a reason, never returned as data, never forgotten', () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 20, maxLength: 80 }), fc.nat(), (cmds, seed) => runScenario(cmds, seed)),
      { numRuns: 150 * SOAK },
    );
  });
});
