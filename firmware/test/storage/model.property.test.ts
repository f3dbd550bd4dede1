// fast-check against a reference model: random sequences of appends (payloads drawn to look like structure:
// whole entries numbered like the next records, with their own commit words, commit words of format 1, region
// headers, zero and erased runs), acks, store updates, power cuts (also inside the recovery that follows: double
// faults) and bit flips, on both flash models. After every reboot:
// - what the journal returns is a prefix-closed subset of what was appended: each record exactly as appended
//   under its number, in order, nothing else; every unacknowledged record is returned or reported lost;
// - nothing acknowledged is lost: without flips nothing is ever reported lost or corrupt, after one cut or two;
// - the store returns, per key, the last value set ok or the one in flight; damage is reported, never returned.
// Fault model for flips: any bit, at most one per flash sector in a run (a single-bit error per protected unit,
// which is what CRC-32, the two header copies and the tolerant padding are designed for).
import fc from 'fast-check';
import type { Journal } from '../../storage/journal';
import type { StateStore } from '../../storage/store';
import { FLASH_MODELS, SimFlash, type SimFlashOptions } from '../../platform/sim/flash';
import { GEOMETRY, STORE, mountBoth, type Rec } from './harness';
import { materialise, parts, type Part } from './forge';

type Cmd =
  | { readonly c: 'append'; readonly parts: Part[]; readonly type: number }
  | { readonly c: 'ack'; readonly keep: number }
  | { readonly c: 'set'; readonly key: number; readonly parts: Part[] }
  | { readonly c: 'delete'; readonly key: number }
  /** Cut power `after` steps from now; with `recovery`, cut the recovery after the reboot too, that many steps in. */
  | { readonly c: 'cut'; readonly after: number; readonly recovery: number | undefined }
  /** `data`: flip a bit of a programmed byte (the pick-th one), else anywhere. */
  | { readonly c: 'flip'; readonly offset: number; readonly bit: number; readonly data: boolean }
  | { readonly c: 'reboot' };

const MAX_KEYS = STORE.maxKeys ?? 0;
const FLASH_BYTES = GEOMETRY.sectorSize * GEOMETRY.sectorCount;

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ c: fc.constant('append' as const), parts, type: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('ack' as const), keep: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('set' as const), key: fc.integer({ min: 0, max: MAX_KEYS - 1 }), parts }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('delete' as const), key: fc.integer({ min: 0, max: MAX_KEYS - 1 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      c: fc.constant('cut' as const),
      after: fc.integer({ min: 0, max: 150 }),
      recovery: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('flip' as const), offset: fc.integer({ min: 0, max: FLASH_BYTES - 1 }), bit: fc.integer({ min: 0, max: 7 }), data: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('reboot' as const) }) },
);

const CORRUPT = 'corrupt' as const;
/** STORAGE_SOAK=n multiplies the runs, for a long hunt outside CI. */
const SOAK = Number(process.env['STORAGE_SOAK'] ?? 1);

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

describe.each(FLASH_MODELS)('storage against a reference model ($name)', ({ options }) => {
  /** What the runs exercised, so a test that silently stopped reaching its cases would show. */
  const stats = { flips: 0, lostReported: 0, storeCorrupt: 0, torn: 0, cuts: 0, weakCuts: 0, doubleFaults: 0, full: 0, appends: 0, forged: 0 };

  function settleJournal(j: Journal, lostInReport: readonly { from: number; to: number }[], ref: Ref): void {
    for (const r of lostInReport) for (let s = r.from; s <= r.to; s++) ref.reportedLost.add(s);
    if (ref.reportedLost.size > 0) expect(ref.flips).toBeGreaterThan(0);
    const returned: number[] = [];
    const oldest = j.oldestSequence();
    const c = j.cursor(oldest);
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
      // Never anything that was not appended: a record read back is exactly what was appended under that number.
      let want = ref.records.get(it.seq);
      if (want === undefined && ref.inflight?.op === 'append' && it.seq === ref.lastSeq + 1) {
        want = ref.inflight.rec; // the append power cut short was whole after all
        ref.records.set(it.seq, want);
        ref.lastSeq = it.seq;
      }
      expect({ seq: it.seq, appended: want !== undefined }).toEqual({ seq: it.seq, appended: true });
      expect(it.type).toBe(want!.type);
      expect(it.at).toBe(want!.at);
      expect(Array.from(it.payload)).toEqual(Array.from(want!.payload));
      returned.push(it.seq);
    }
    // Prefix-closed: in order, and with the lost ones, exactly the numbers from the oldest held to the last.
    const got = new Set(returned);
    for (let i = 1; i < returned.length; i++) expect(returned[i]).toBeGreaterThan(returned[i - 1]!);
    for (let s = Math.max(oldest, ref.acked + 1); s <= ref.lastSeq; s++) {
      if (!got.has(s)) expect({ seq: s, reported: ref.reportedLost.has(s) }).toEqual({ seq: s, reported: true });
    }
    expect(j.status().nextSequence).toBeGreaterThan(ref.lastSeq);
    if (ref.flips === 0) expect(j.status().ackedSequence).toBeGreaterThanOrEqual(ref.acked);
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
      expect({ key: k, unknown, flips: ref.flips > 0 }).toEqual({ key: k, unknown: true, flips: true });
      expect(g.value === undefined || (ref.history.get(k) ?? []).some((h) => same(h, g.value))).toBe(true);
    }
    if (st.status().failSafe !== undefined) expect(ref.flips).toBeGreaterThan(0);
  }

  function runScenario(cmds: readonly Cmd[], seed: number): void {
    const flash = new SimFlash({ ...GEOMETRY, ...(options as SimFlashOptions), seed });
    const ref = new Ref();
    let both = mountBoth(flash)!;
    expect(both).toBeDefined();
    let recoveryCut: number | undefined;

    const reboot = () => {
      if (!flash.powered && flash.weakBitCount() > 0) stats.weakCuts++;
      flash.reboot();
      if (recoveryCut !== undefined) {
        // A second cut, inside the recovery of the first.
        flash.cutAtStep(flash.steps + recoveryCut);
        mountBoth(flash);
        if (!flash.powered) stats.doubleFaults++;
        flash.reboot();
        recoveryCut = undefined;
      }
      const b = mountBoth(flash);
      expect(b).toBeDefined();
      both = b!;
      if (both.jr.tornTail) stats.torn++;
      if (both.jr.lostRecords > 0) stats.lostReported++;
      if (ref.flips === 0) {
        // A power cut, even one during recovery, is never taken for damage.
        expect(both.jr).toMatchObject({ corruptRegions: 0, lostRecords: 0 });
        expect(both.jr.reasons).not.toContain('JOURNAL_CORRUPT');
        expect(both.sr.reasons).toEqual([]);
      }
      settleJournal(both.journal, both.jr.lost, ref);
      settleStore(both.store, ref);
      ref.inflight = undefined;
    };

    for (const c of cmds) {
      const { journal, store } = both;
      if (c.c === 'append') {
        const at = (ref.clock += 20_000);
        const rec = { type: c.type, at, payload: materialise(c.parts, { nextSeq: ref.lastSeq + 1, at }, 64) };
        if (c.parts.some((p) => p.t === 'record')) stats.forged++;
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
        const value = c.c === 'set' ? materialise(c.parts, { nextSeq: ref.lastSeq + 1, at: ref.clock++ }, 100) : undefined;
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
        recoveryCut = c.recovery;
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
        recoveryCut = undefined;
        flash.cutAtStep(-1);
        reboot();
        continue;
      } else {
        recoveryCut = undefined;
        flash.cutAtStep(-1);
        reboot();
        continue;
      }
      if (!flash.powered) {
        stats.cuts++;
        reboot();
      }
    }
    flash.cutAtStep(-1);
    recoveryCut = undefined;
    reboot();
  }

  afterAll(() => {
    // Every kind of event the properties speak about actually happened.
    if (process.env['STORAGE_STATS'] !== undefined) process.stdout.write(`${JSON.stringify(stats)}\n`);
    if (stats.appends === 0) return; // filtered out with -t
    expect(stats.cuts).toBeGreaterThan(20);
    expect(stats.torn).toBeGreaterThan(5);
    expect(stats.full).toBeGreaterThan(5);
    expect(stats.doubleFaults).toBeGreaterThan(5);
    expect(stats.forged).toBeGreaterThan(50);
    if (options.weakBits === true) expect(stats.weakCuts).toBeGreaterThan(10);
    if (stats.flips === 0) return; // only the no-flip property ran
    expect(stats.flips).toBeGreaterThan(20);
    expect(stats.lostReported).toBeGreaterThan(3);
    expect(stats.storeCorrupt).toBeGreaterThan(3);
  });

  it('random appends, acks, updates and power cuts (also during recovery): nothing committed lost, nothing torn visible, no repeats, never taken for damage', () => {
    fc.assert(
      fc.property(fc.array(cmd.filter((c) => c.c !== 'flip'), { minLength: 20, maxLength: 80 }), fc.nat(), (cmds, seed) => runScenario(cmds, seed)),
      { numRuns: 60 * SOAK },
    );
  });

  it('with bit flips as well: damage is reported with a reason, never returned as data, never forgotten', () => {
    fc.assert(
      fc.property(fc.array(cmd, { minLength: 20, maxLength: 80 }), fc.nat(), (cmds, seed) => runScenario(cmds, seed)),
      { numRuns: 90 * SOAK },
    );
  });
});
