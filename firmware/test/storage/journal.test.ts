// The journal as the station and the host use it: append, read, acknowledge, fill up, reboot, and survive damage.
import fc from 'fast-check';
import { Journal, journalLayout, type CursorItem, type JournalOptions } from '../../storage/journal';
import { entrySize } from '../../storage/log';
import { FLASH_MODELS, SimFlash, flashOfModel } from '../../platform/sim/flash';
import type { Flash } from '../../platform/hal';
import { bytes, cutAtEveryStep } from './harness';

const T0 = 1_767_225_600_000; // 2026-01-01, epoch ms

/** A flash with one cell stuck at 1: a program that wants 0 there runs, but the bit stays set. */
function stuckAt1(sim: SimFlash, offset: number, bit: number): Flash {
  return {
    geometry: sim.geometry,
    read: (o, d, a, n) => sim.read(o, d, a, n),
    erase: (s) => sim.erase(s),
    program(o, src, at, n) {
      if (offset < o || offset >= o + n) return sim.program(o, src, at, n);
      const copy = src.slice(at, at + n);
      copy[offset - o] = copy[offset - o]! | (1 << bit);
      return sim.program(o, copy, 0, n);
    },
  };
}

function mount(flash: Flash, opts: JournalOptions) {
  const m = Journal.mount(flash, opts);
  if (!m.ok) throw new Error(`${m.reason}: ${m.detail}`);
  return m;
}

function readAll(j: Journal, from: number): CursorItem[] {
  const c = j.cursor(from);
  if ('ok' in c) throw new Error(c.reason);
  const out: CursorItem[] = [];
  for (;;) {
    const it = c.next();
    if ('ok' in it) throw new Error(it.reason);
    if (it.kind === 'end') return out;
    out.push(it.kind === 'record' ? { ...it, payload: it.payload.slice() } : it);
  }
}

const seqs = (items: CursorItem[]) => items.map((i) => (i.kind === 'record' ? i.seq : i.kind === 'lost' ? `lost ${i.from}-${i.to}` : 'end'));

describe('journal (default size: 64 sectors of 4 KiB = 256 KiB)', () => {
  const geo = { sectorSize: 4096, sectorCount: 64, wordSize: 4 };
  const opts = { sectorCount: 64 };

  it('starts empty at sequence 1', () => {
    const { journal, report } = mount(new SimFlash(geo), opts);
    expect(report.reasons).toEqual([]);
    expect(journal.status()).toMatchObject({ nextSequence: 1, ackedSequence: 0, pendingRecords: 0, fill: 0 });
    expect(readAll(journal, 1)).toEqual([]);
  });

  it('reads back exactly what was appended, type, time and payload, across a reboot', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), dt: fc.integer({ min: 0, max: 10 ** 9 }), payload: fc.uint8Array({ maxLength: 240 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        (recs) => {
          const flash = new SimFlash(geo);
          const { journal } = mount(flash, opts);
          for (const [i, r] of recs.entries()) expect(journal.append(r.type, T0 + r.dt, r.payload)).toEqual({ ok: true, seq: i + 1 });
          const again = mount(flash, opts).journal;
          const back = readAll(again, 1);
          expect(back).toEqual(recs.map((r, i) => ({ kind: 'record', seq: i + 1, type: r.type, at: T0 + r.dt, payload: r.payload })));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('rejects bad input with a reason and changes nothing', () => {
    const { journal } = mount(new SimFlash(geo), opts);
    expect(journal.append(256, T0, new Uint8Array(1))).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(journal.append(1, -1, new Uint8Array(1))).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(journal.append(1, 1.5, new Uint8Array(1))).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(journal.append(1, T0, new Uint8Array(241))).toMatchObject({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect(journal.ack(1)).toMatchObject({ ok: false, reason: 'JOURNAL_SEQ_UNKNOWN' });
    expect(journal.cursor(2)).toMatchObject({ ok: false, reason: 'JOURNAL_SEQ_UNKNOWN' });
    expect(journal.cursor(0)).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(journal.status().nextSequence).toBe(1);
  });

  it('a full 1 MiB journal (256 sectors) recovers every unacknowledged record', () => {
    const flash = new SimFlash({ ...geo, sectorCount: 256 });
    const { journal } = mount(flash, { sectorCount: 256 });
    let n = 0;
    while (journal.append(0x40, T0 + n, bytes(41, n)).ok) n++;
    expect(n).toBeGreaterThan(14_000);
    const again = mount(flash, { sectorCount: 256 });
    expect(again.report.reasons).toEqual([]);
    expect(again.journal.status()).toMatchObject({ nextSequence: n + 1, pendingRecords: n, permitBlocked: 'JOURNAL_FULL' });
    const back = readAll(again.journal, 1);
    expect(back.length).toBe(n);
    expect(back[n - 1]).toMatchObject({ kind: 'record', seq: n, payload: bytes(41, n - 1) });
  });

  it('refuses a misconfiguration instead of throwing', () => {
    const f = new SimFlash(geo);
    expect(Journal.mount(f, { sectorCount: 2 })).toMatchObject({ ok: false, reason: 'INTERNAL_ERROR' });
    expect(Journal.mount(f, { sectorCount: 65 })).toMatchObject({ ok: false, reason: 'INTERNAL_ERROR' });
    expect(Journal.mount(f, { sectorCount: 8, maxPayload: 5000 })).toMatchObject({ ok: false, reason: 'INTERNAL_ERROR' });
    expect(Journal.mount(new SimFlash({ ...geo, wordSize: 128 }), opts)).toMatchObject({ ok: false, reason: 'INTERNAL_ERROR' });
    expect(Journal.mount(new SimFlash({ sectorSize: 4098, sectorCount: 4, wordSize: 2 }), { sectorCount: 4 })).toMatchObject({ ok: false, reason: 'INTERNAL_ERROR' });
    // Byte- and halfword-programmable NOR (most SPI NOR) is supported: the format uses 4-byte units there.
    expect(Journal.mount(new SimFlash({ ...geo, wordSize: 1 }), opts).ok).toBe(true);
  });
});

describe('journal filling, acknowledging and reclaiming (small ring)', () => {
  const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };
  const opts = { sectorCount: 4, maxPayload: 64, highWater: 0.5 };

  it('when full it refuses appends, blocks the permit, never overwrites; acks free space again', () => {
    const flash = new SimFlash(geo);
    const { journal } = mount(flash, opts);
    let n = 0;
    let warnedAt = -1;
    for (;;) {
      const r = journal.append(1, T0 + n, bytes(40, n));
      if (!r.ok) {
        expect(r.reason).toBe('JOURNAL_FULL');
        break;
      }
      n++;
      if (warnedAt < 0 && journal.status().warning === 'JOURNAL_HIGH_WATER') warnedAt = n;
    }
    expect(n).toBeGreaterThan(15);
    expect(warnedAt).toBeGreaterThan(n / 3);
    expect(warnedAt).toBeLessThan(n);
    expect(journal.status()).toMatchObject({ permitBlocked: 'JOURNAL_FULL', pendingRecords: n, warning: 'JOURNAL_HIGH_WATER' });
    expect(seqs(readAll(journal, 1))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // An ack can always be written, even when full, and it frees room.
    expect(journal.ack(n - 2)).toEqual({ ok: true, ackedSequence: n - 2 });
    expect(journal.status().permitBlocked).toBeUndefined();
    expect(journal.append(1, T0, bytes(40, 0))).toEqual({ ok: true, seq: n + 1 });
    // The acked records may go; the unacked ones are still there after a reboot.
    const again = mount(flash, opts).journal;
    expect(again.status()).toMatchObject({ ackedSequence: n - 2, nextSequence: n + 2 });
    expect(seqs(readAll(again, n - 1))).toEqual([n - 1, n, n + 1]);
  });

  it('keeps the sequence going over many laps of the ring and reboots, with everything acked and reclaimed', () => {
    const flash = new SimFlash(geo);
    let journal = mount(flash, opts).journal;
    for (let i = 1; i <= 300; i++) {
      expect(journal.append(2, T0 + i, bytes(i % 65, i))).toEqual({ ok: true, seq: i });
      if (i % 10 === 0) expect(journal.ack(i).ok).toBe(true);
      if (i % 37 === 0) journal = mount(flash, opts).journal;
    }
    expect(flash.eraseCounts().every((c) => c >= 5)).toBe(true);
    journal = mount(flash, opts).journal;
    expect(journal.status()).toMatchObject({ nextSequence: 301, ackedSequence: 300, pendingRecords: 0 });
    expect(journal.cursor(150)).toMatchObject({ ok: false, reason: 'JOURNAL_SEQ_UNKNOWN' }); // reclaimed
    expect(journal.append(2, T0, bytes(3, 0))).toEqual({ ok: true, seq: 301 });
  });

  it('a reader sees records appended while it reads', () => {
    const { journal } = mount(new SimFlash(geo), opts);
    journal.append(1, T0, bytes(5, 1));
    const c = journal.cursor(1);
    if ('ok' in c) throw new Error(c.reason);
    expect(c.next()).toMatchObject({ kind: 'record', seq: 1 });
    expect(c.next()).toEqual({ kind: 'end' });
    journal.append(1, T0, bytes(5, 2));
    expect(c.next()).toMatchObject({ kind: 'record', seq: 2 });
  });
});

describe('journal recovery after flash damage', () => {
  const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };
  const opts = { sectorCount: 4, maxPayload: 64 };
  /** Data starts after the two header copies and the ack field; a 30-byte record takes 60 bytes. */
  const D = journalLayout(512, 4).dataStart;
  const E30 = entrySize(30, 4);

  it('a bit flip in a committed record is reported by number, in place, and never returned', () => {
    const flash = new SimFlash(geo);
    const { journal } = mount(flash, opts);
    for (let i = 0; i < 5; i++) journal.append(1, T0 + i, bytes(30, i));
    // Record 3 starts after the sector header and two 60-byte entries: flip a payload bit.
    flash.flipBit(D + 2 * E30 + 25, 4);
    const { journal: j2, report } = mount(flash, opts);
    expect(report).toMatchObject({ reasons: ['JOURNAL_CORRUPT'], lost: [{ from: 3, to: 3 }], lostRecords: 1 });
    expect(seqs(readAll(j2, 1))).toEqual([1, 2, 'lost 3-3', 4, 5]);
    expect(j2.append(1, T0, bytes(1, 9))).toEqual({ ok: true, seq: 6 });
  });

  it.each([
    ['sequence and time fields', 5, 9],
    ['time and header CRC fields', 9, 17],
  ])('damage to the last record that hides its header (%s) still spends its number: no repeat, reported', (_what, b1, b2) => {
    const flash = new SimFlash(geo);
    const { journal } = mount(flash, opts);
    for (let i = 0; i < 3; i++) journal.append(1, T0 + i, bytes(30, i));
    // Two flips in record 3's header: beyond single-bit correction, but its own commit word shows it was whole.
    flash.flipBit(D + 2 * E30 + b1, 1);
    flash.flipBit(D + 2 * E30 + b2, 6);
    const { journal: j2, report } = mount(flash, opts);
    expect(report).toMatchObject({ reasons: ['JOURNAL_CORRUPT'], lost: [{ from: 3, to: 3 }] });
    expect(j2.append(1, T0, bytes(1, 9))).toEqual({ ok: true, seq: 4 });
    expect(seqs(readAll(j2, 1))).toEqual([1, 2, 'lost 3-3', 4]);
  });

  it('a write that does not verify (a cell stuck at 1) is reported, blocks the permit, and leaves no half record', () => {
    const sim = new SimFlash(geo);
    // Record 2's first payload byte is 62 (0b00111110): its bit 0 must go to 0 and will not.
    const flash = stuckAt1(sim, D + entrySize(8, 4) + 20, 0);
    const { journal } = mount(flash, opts);
    journal.append(1, T0, bytes(8, 1));
    expect(journal.append(1, T0, bytes(8, 2))).toMatchObject({ ok: false, reason: 'FLASH_WRITE_FAILED' });
    expect(journal.status().permitBlocked).toBe('FLASH_WRITE_FAILED');
    // Not even zeros take there: the rest of that sector is given up, and the next record goes on.
    expect(journal.append(1, T0, bytes(8, 3))).toEqual({ ok: true, seq: 2 });
    expect(journal.status().permitBlocked).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      const { journal: j2, report } = mount(flash, opts);
      expect(report.reasons).toEqual([]);
      const back = readAll(j2, 1);
      expect(seqs(back)).toEqual([1, 2]);
      expect(back[1]).toMatchObject({ payload: bytes(8, 3) });
    }
  });

  it('a flipped bit in free flash where the next record goes is stepped over, not written into', () => {
    const flash = new SimFlash(geo);
    const { journal } = mount(flash, opts);
    journal.append(1, T0, bytes(8, 1));
    flash.flipBit(D + entrySize(8, 4) + 20 + 24, 1); // in the free flash right after the mount's guard
    for (let i = 2; i <= 6; i++) expect(journal.append(1, T0, bytes(8, i))).toEqual({ ok: true, seq: i });
    const { journal: j2, report } = mount(flash, opts);
    expect(report.reasons).toEqual([]);
    expect(seqs(readAll(j2, 1))).toEqual([1, 2, 3, 4, 5, 6]);
  });

});

describe.each(FLASH_MODELS)('journal recovery after a power cut ($name)', (model) => {
  const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };
  const opts = { sectorCount: 4, maxPayload: 64 };

  /**
   * After a cut append (the records before it `kept`, the cut one `cut`): reported at most as a torn tail, once;
   * the cut record is either gone or whole; the next record takes the next number; a second mount agrees.
   */
  function afterCutAppend(flash: SimFlash, o: JournalOptions, kept: number[], from: number, cut: { seq: number; payload: Uint8Array }): 'dropped' | 'kept' {
    const first = mount(flash, o);
    expect(first.report).toMatchObject({ lostRecords: 0, corruptRegions: 0 });
    expect(first.report.reasons.filter((r) => r !== 'JOURNAL_TORN_TAIL')).toEqual([]);
    const back = readAll(first.journal, from);
    const fate = back.length > kept.length ? 'kept' : 'dropped';
    expect(seqs(back)).toEqual(fate === 'kept' ? [...kept, cut.seq] : kept);
    if (fate === 'kept') expect(back[back.length - 1]).toMatchObject({ kind: 'record', payload: cut.payload });
    expect(first.journal.status().nextSequence).toBe(fate === 'kept' ? cut.seq + 1 : cut.seq);
    // The second mount finds nothing left to report and reads the same; writes go on.
    const second = mount(flash, o);
    expect(second.report.reasons).toEqual([]);
    expect(seqs(readAll(second.journal, from))).toEqual(seqs(back));
    const next = fate === 'kept' ? cut.seq + 1 : cut.seq;
    expect(second.journal.append(1, T0, bytes(7, 3))).toEqual({ ok: true, seq: next });
    expect(seqs(readAll(mount(flash, o).journal, from))).toEqual([...seqs(back), next]);
    return fate;
  }

  it('a torn append is discarded (or kept whole) and reported once; its number goes to the next record', () => {
    const flash = flashOfModel(model, { ...geo, seed: 3 });
    mount(flash, opts).journal.append(1, T0, bytes(10, 1));
    const payload = bytes(60, 2);
    const fates = { dropped: 0, kept: 0, torn: 0 };
    const cuts = cutAtEveryStep(
      flash,
      (f) => {
        const { journal } = mount(f, opts);
        return () => journal.append(1, T0, payload);
      },
      (f, k, span) => {
        fates.torn += mount(f.clone(1), opts).report.tornTail ? 1 : 0;
        const fate = afterCutAppend(f, opts, [1], 1, { seq: 2, payload });
        fates[fate]++;
        // Cut in its header span (the first 5 steps), the body was never written: the record cannot come back.
        // With ordered tearing, neither can it before the last word of its body.
        if (k < 5 || (model.options.tearing === 'word' && k < span - 2)) expect(fate).toBe('dropped');
      },
      6,
    );
    expect(cuts).toBeGreaterThan(100);
    expect(fates.dropped).toBeGreaterThan(fates.kept);
    expect(fates.kept).toBeGreaterThan(0);
    expect(fates.torn).toBeGreaterThan(cuts / 2);
  });

  it.each([8, 16])('works the same with %i-byte program words', (wordSize) => {
    const flash = flashOfModel(model, { ...geo, wordSize, seed: wordSize });
    const { journal } = mount(flash, opts);
    for (let i = 0; i < 30; i++) {
      expect(journal.append(1, T0 + i, bytes(i % 50, i)).ok).toBe(true);
      if (i % 5 === 4) journal.ack(i - 1);
    }
    const payload = bytes(40, 99);
    cutAtEveryStep(
      flash,
      (f) => {
        const j = mount(f, opts).journal;
        return () => j.append(1, T0, payload);
      },
      (f) => {
        afterCutAppend(f, opts, [29, 30], 29, { seq: 31, payload });
        expect(mount(f, opts).journal.status().ackedSequence).toBe(28);
      },
    );
  });
});

describe('status in records, as Hello and StatusReport carry them', () => {
  it('capacity and free records count typical records (42-byte payloads by default): each one appended takes exactly one', () => {
    const flash = new SimFlash({ sectorSize: 512, sectorCount: 4, wordSize: 4 });
    const { journal } = mount(flash, { sectorCount: 4, maxPayload: 64 });
    const first = journal.status();
    const perSector = Math.floor((512 - journalLayout(512, 4).dataStart) / entrySize(42, 4));
    expect(first).toMatchObject({ recordBytes: entrySize(42, 4), capacityRecords: 4 * perSector, freeRecords: 4 * perSector, pendingRecords: 0 });
    let n = 0;
    for (;;) {
      const before = journal.status();
      const r = journal.append(1, T0 + n, bytes(42, n));
      // freeRecords is 0 exactly when the next typical record is refused.
      expect(r.ok).toBe(before.freeRecords > 0);
      if (!r.ok) break;
      n++;
      expect(journal.status()).toMatchObject({ freeRecords: before.freeRecords - 1, pendingRecords: n, capacityRecords: first.capacityRecords });
    }
    expect(n).toBe(first.capacityRecords);
    expect(journal.status()).toMatchObject({ permitBlocked: 'JOURNAL_FULL', freeRecords: 0 });
    // An ack frees the sectors it fully covers: their records come back as free records.
    expect(journal.ack(perSector).ok).toBe(true);
    expect(journal.status()).toMatchObject({ pendingRecords: n - perSector, freeRecords: perSector });
  });

  it('the typical size is configurable, and counts stay honest for records of other sizes', () => {
    const flash = new SimFlash({ sectorSize: 4096, sectorCount: 8, wordSize: 4 });
    const { journal } = mount(flash, { sectorCount: 8, typicalPayload: 100 });
    expect(journal.status().recordBytes).toBe(entrySize(100, 4));
    for (let i = 0; i < 50; i++) journal.append(1, T0 + i, bytes(10, i));
    const st = journal.status();
    // 50 small records take less room than 50 typical ones: what is left is at least capacity − 50.
    expect(st.freeRecords).toBeGreaterThanOrEqual(st.capacityRecords - 50);
    expect(st.pendingRecords).toBe(50);
    expect(Journal.mount(flash, { sectorCount: 8, typicalPayload: 241 })).toMatchObject({ ok: false, reason: 'INTERNAL_ERROR' });
  });
});
