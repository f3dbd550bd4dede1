// The faults the audit found, each swept exhaustively on both flash models: payloads that hold whole entries
// and commit words under a cut and a second cut during recovery (never a forged record or value, never a false
// alarm), weak cells after a cut (every later mount reads what the first one decided), a cut erase of an
// acknowledged sector (no records over-claimed), acknowledgements on a full journal (they need no space).
import { FLASH_MODELS, SimFlash, type SimFlashOptions } from '../../platform/sim/flash';
import { Journal, type CursorItem, type JournalOptions } from '../../storage/journal';
import { StateStore, type StoreOptions } from '../../storage/store';
import { bytes } from './harness';
import { entryImage, materialise } from './forge';
import { KIND_VALUE } from '../../storage/log';

const T0 = 1_767_225_600_000;
const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };
const jopts: JournalOptions = { sectorCount: 4, maxPayload: 64 };
const sopts: StoreOptions = { sectorCount: 4, maxKeys: 6, maxValueBytes: 160 };

type Faults = Pick<SimFlashOptions, 'tearing' | 'weakBits'>;

function readAll(j: Journal): CursorItem[] {
  const c = j.cursor(j.oldestSequence());
  if ('ok' in c) throw new Error(c.reason);
  const out: CursorItem[] = [];
  for (let it = c.next(); ; it = c.next()) {
    if ('ok' in it) throw new Error(it.reason);
    if (it.kind === 'end') return out;
    out.push(it.kind === 'record' ? { ...it, payload: it.payload.slice() } : it);
  }
}

/** Steps an operation takes on a clean copy of `flash`. */
function stepsOf(flash: SimFlash, op: (f: SimFlash) => void): number {
  const probe = flash.clone(1);
  const before = probe.steps;
  op(probe);
  return probe.steps - before;
}

/**
 * Runs `op` on a copy of `base` cut at each of its steps in turn (after the mount `op` starts with), and hands each
 * flash, powered again, to `visit`.
 */
function eachCut(base: SimFlash, mountOnly: (f: SimFlash) => void, op: (f: SimFlash) => void, visit: (f: SimFlash, k: number) => void): void {
  const span = stepsOf(base, op);
  for (let k = 0; k < span; k++) {
    const f = base.clone(k + 1);
    f.cutAtStep(f.steps + stepsOf(f, mountOnly) + k);
    op(f);
    f.reboot();
    visit(f, k);
  }
}

/** Cuts the recovery of `cut` at each of its steps, and not at all; hands each flash to `visit`. Counts real cuts. */
function eachRecoveryCut(cut: SimFlash, mountOnly: (f: SimFlash) => void, visit: (f: SimFlash, r: number) => void): number {
  const recovery = stepsOf(cut, mountOnly);
  let cuts = 0;
  for (let r = 0; r <= recovery; r++) {
    const f = cut.clone(7919 + r);
    if (r < recovery) {
      f.cutAtStep(f.steps + r);
      mountOnly(f);
      if (!f.powered) cuts++;
      f.reboot();
    }
    visit(f, r);
  }
  return cuts;
}

const mountJournal = (f: SimFlash) => void Journal.mount(f, jopts);
const mountStore = (f: SimFlash) => void StateStore.mount(f, sopts);

describe.each(FLASH_MODELS)('payloads that hold structure, a cut and a cut during recovery ($name)', ({ options }) => {
  const faults: Faults = options;

  it('journal: a whole record with the next numbers and its own commit word inside a payload is never returned', () => {
    const problems: string[] = [];
    let doubles = 0;
    for (const seed of [1, 2, 3]) {
      const base = new SimFlash({ ...geo, ...faults, seed });
      const m = Journal.mount(base, jopts);
      if (!m.ok) throw new Error(m.reason);
      for (let i = 0; i < 3 + seed; i++) m.journal.append(1, T0 + i, bytes(10, i));
      const next = m.journal.status().nextSequence;
      // The payload: a whole record numbered like the one being appended and the one after, commit words between.
      const payload = materialise(
        [
          { t: 'record', dSeq: 0, type: 9, len: 0 },
          { t: 'commit', hcrc: 1, v1: true },
          { t: 'record', dSeq: 1, type: 9, len: 4 },
        ],
        { nextSeq: next, at: T0 + 99 },
        64,
      );
      const append = (f: SimFlash) => {
        const j = Journal.mount(f, jopts);
        if (j.ok) j.journal.append(2, T0 + 99, payload);
      };
      eachCut(base, mountJournal, append, (cut, k) => {
        doubles += eachRecoveryCut(cut, mountJournal, (f, r) => {
          const at = `seed ${seed}, cut ${k}/${r}`;
          const j = Journal.mount(f, jopts);
          if (!j.ok) {
            problems.push(`${at}: mount ${j.reason}`);
            return;
          }
          if (j.report.reasons.includes('JOURNAL_CORRUPT')) problems.push(`${at}: a cut taken for damage ${JSON.stringify(j.report)}`);
          for (const it of readAll(j.journal)) {
            if (it.kind === 'lost') problems.push(`${at}: lost ${it.from}-${it.to}`);
            else if (it.kind === 'record' && it.seq >= next && (it.seq !== next || it.type !== 2 || it.payload.length !== payload.length)) {
              problems.push(`${at}: record ${it.seq} (type ${it.type}) was never appended`);
            }
          }
          const n = j.journal.status().nextSequence;
          if (n !== next && n !== next + 1) problems.push(`${at}: next sequence ${n}`);
        });
      });
    }
    expect(problems).toEqual([]);
    expect(doubles).toBeGreaterThan(50);
  });

  it('store: a whole value entry for another key inside a value is never taken for that key', () => {
    const problems: string[] = [];
    let doubles = 0;
    const forged = entryImage(KIND_VALUE, 3, 0, 0, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    for (const seed of [1, 2]) {
      const base = new SimFlash({ ...geo, ...faults, seed });
      const m = StateStore.mount(base, sopts);
      if (!m.ok) throw new Error(m.reason);
      m.store.set(3, bytes(5, 3));
      m.store.set(1, bytes(20, 1));
      const value = Uint8Array.from([...forged, ...forged, 0xc3, 0xa5, 0x5a, 0x3c]);
      const set = (f: SimFlash) => {
        const s = StateStore.mount(f, sopts);
        if (s.ok) s.store.set(1, value);
      };
      eachCut(base, mountStore, set, (cut, k) => {
        doubles += eachRecoveryCut(cut, mountStore, (f, r) => {
          const at = `seed ${seed}, cut ${k}/${r}`;
          const st = StateStore.mount(f, sopts);
          if (!st.ok) {
            problems.push(`${at}: mount ${st.reason}`);
            return;
          }
          if (st.report.reasons.length > 0) problems.push(`${at}: a cut taken for damage ${JSON.stringify(st.report)}`);
          const three = st.store.get(3);
          if (!three.ok || three.value === undefined || three.value.length !== 5) problems.push(`${at}: key 3 reads ${JSON.stringify(three)}`);
          const one = st.store.get(1);
          const len = one.ok ? one.value?.length : -1;
          if (len !== 20 && len !== value.length) problems.push(`${at}: key 1 holds neither the old nor the new value`);
        });
      });
    }
    expect(problems).toEqual([]);
    expect(doubles).toBeGreaterThan(50);
  });
});

describe.each(FLASH_MODELS)('after a cut, every later mount reads what the first one decided ($name)', ({ options }) => {
  const faults: Faults = options;

  it('journal: records, numbers and reports stay the same over ten more mounts (no record found whole once and lost later)', () => {
    const problems: string[] = [];
    for (const seed of [11, 12, 13, 14]) {
      const base = new SimFlash({ ...geo, ...faults, seed });
      const m = Journal.mount(base, jopts);
      if (!m.ok) throw new Error(m.reason);
      for (let i = 0; i < 5; i++) m.journal.append(1, T0 + i, bytes(30, i));
      const append = (f: SimFlash) => {
        const j = Journal.mount(f, jopts);
        if (j.ok) j.journal.append(3, T0 + 50, bytes(64, 50));
      };
      eachCut(base, mountJournal, append, (f, k) => {
        const views = new Set<string>();
        for (let mount = 0; mount < 10; mount++) {
          const j = Journal.mount(f, jopts);
          if (!j.ok) {
            problems.push(`seed ${seed}, cut ${k}: mount ${j.reason}`);
            return;
          }
          if (j.report.reasons.includes('JOURNAL_CORRUPT')) problems.push(`seed ${seed}, cut ${k}, mount ${mount}: ${JSON.stringify(j.report)}`);
          const seqs = readAll(j.journal).map((it) => (it.kind === 'record' ? it.seq : `${it.kind}`));
          views.add(JSON.stringify([seqs, j.journal.status().nextSequence]));
        }
        if (views.size > 1) problems.push(`seed ${seed}, cut ${k}: mounts disagree ${[...views].join(' / ')}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('store: a key holds the same value (old or new, never either in turn) over ten more mounts', () => {
    const problems: string[] = [];
    for (const seed of [21, 22, 23]) {
      const base = new SimFlash({ ...geo, ...faults, seed });
      const m = StateStore.mount(base, sopts);
      if (!m.ok) throw new Error(m.reason);
      for (let i = 0; i < 4; i++) m.store.set(i % 2, bytes(40, i));
      const set = (f: SimFlash) => {
        const s = StateStore.mount(f, sopts);
        if (s.ok) s.store.set(0, bytes(90, 77));
      };
      eachCut(base, mountStore, set, (f, k) => {
        const views = new Set<string>();
        for (let mount = 0; mount < 10; mount++) {
          const st = StateStore.mount(f, sopts);
          if (!st.ok) {
            problems.push(`seed ${seed}, cut ${k}: mount ${st.reason}`);
            return;
          }
          if (st.report.reasons.length > 0) problems.push(`seed ${seed}, cut ${k}, mount ${mount}: ${JSON.stringify(st.report)}`);
          const g = st.store.get(0);
          views.add(g.ok ? `${g.value?.length}` : g.reason);
        }
        if (views.size > 1) problems.push(`seed ${seed}, cut ${k}: mounts disagree ${[...views].join(' / ')}`);
      });
    }
    expect(problems).toEqual([]);
  });
});

describe.each(FLASH_MODELS)('a cut while erasing a fully acknowledged sector ($name)', ({ options }) => {
  it('over-claims nothing: the mount is clean and no acknowledged record is ever reported lost', () => {
    const problems: string[] = [];
    let exercised = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const f = new SimFlash({ ...geo, ...options, seed });
      const m = Journal.mount(f, jopts);
      if (!m.ok) throw new Error(m.reason);
      let n = 0;
      while (m.journal.append(1, T0 + n, bytes(40, n)).ok) n++;
      expect(m.journal.ack(n - 1 - (seed % 3)).ok).toBe(true); // the older sectors hold acknowledged records only
      // The append that opens a new sector erases the oldest one first: find that step, then cut there.
      const probe = f.clone(1);
      const pj = Journal.mount(probe, jopts);
      if (!pj.ok) throw new Error(pj.reason);
      let eraseStep = -1;
      for (let i = 0; i < 10 && eraseStep < 0; i++) {
        const s = probe.steps;
        const erases = probe.eraseCounts().join();
        pj.journal.append(1, T0, bytes(40, i));
        if (probe.eraseCounts().join() !== erases) eraseStep = s;
      }
      if (eraseStep < 0) continue;
      const cut = f.clone(seed + 100);
      const cj = Journal.mount(cut, jopts);
      if (!cj.ok) throw new Error(cj.reason);
      cut.cutAtStep(eraseStep); // the same state as the probe's, so the same step
      for (let i = 0; i < 10 && cut.powered; i++) cj.journal.append(1, T0, bytes(40, i));
      if (cut.powered) continue;
      cut.reboot();
      exercised++;
      for (let mount = 0; mount < 3; mount++) {
        const r = Journal.mount(cut, jopts);
        if (!r.ok) {
          problems.push(`seed ${seed}: mount ${r.reason}`);
          break;
        }
        if (r.report.reasons.length > 0) problems.push(`seed ${seed}: ${JSON.stringify(r.report)}`);
        const st = r.journal.status();
        if (r.journal.oldestSequence() > st.ackedSequence + 1) problems.push(`seed ${seed}: unacknowledged records gone`);
        for (const it of readAll(r.journal)) if (it.kind === 'lost') problems.push(`seed ${seed}: lost ${it.from}-${it.to} (acked ${st.ackedSequence})`);
      }
    }
    expect(problems).toEqual([]);
    expect(exercised).toBeGreaterThan(20);
  });
});

describe('acknowledgements need no space', () => {
  it.each([0, 13, 64])('on a journal full of %i-byte records, acks one at a time with a reboot after each always succeed', (len) => {
    const flash = new SimFlash({ ...geo, seed: len });
    let j = Journal.mount(flash, jopts);
    if (!j.ok) throw new Error(j.reason);
    let n = 0;
    while (j.journal.append(1, T0 + n, bytes(len, n)).ok) n++;
    while (j.journal.append(1, T0 + n, new Uint8Array(0)).ok) n++;
    for (let a = 1; a <= n; a++) {
      expect(j.journal.ack(a)).toEqual({ ok: true, ackedSequence: a });
      j = Journal.mount(flash, jopts);
      if (!j.ok) throw new Error(j.reason);
      expect(j.report.reasons).toEqual([]);
      expect(j.journal.status()).toMatchObject({ ackedSequence: a, pendingRecords: n - a });
    }
    expect(j.journal.append(1, T0, bytes(len, 0))).toEqual({ ok: true, seq: n + 1 });
  });
});
