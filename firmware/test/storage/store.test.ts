// The state store as the station uses it: named values that are always whole, survive reboots, and never come
// back stale or damaged without saying so.
import fc from 'fast-check';
import { StateStore, type StoreOptions } from '../../storage/store';
import { FLASH_MODELS, SimFlash, flashOfModel } from '../../platform/sim/flash';
import { bytes, cutAtEveryStep } from './harness';

function mount(flash: SimFlash, opts: StoreOptions) {
  const m = StateStore.mount(flash, opts);
  if (!m.ok) throw new Error(`${m.reason}: ${m.detail}`);
  return m;
}

const value = (s: StateStore, k: number) => {
  const g = s.get(k);
  return g.ok ? g.value : g.reason;
};

describe('state store (default: 8 sectors of 4 KiB, two 16 KiB banks)', () => {
  const geo = { sectorSize: 4096, sectorCount: 8, wordSize: 4 };
  const opts = { sectorCount: 8 };

  it('formats a blank flash and starts empty', () => {
    const { store, report } = mount(new SimFlash(geo), opts);
    expect(report).toMatchObject({ formatted: true, reasons: [] });
    expect(value(store, 0)).toBeUndefined();
    expect(store.status()).toMatchObject({ keys: 0, generation: 1 });
    expect(store.status().failSafe).toBeUndefined();
  });

  it('holds a 10 KiB work order and small values side by side, across reboots and compactions', () => {
    const flash = new SimFlash(geo);
    let store = mount(flash, opts).store;
    const workOrder = bytes(10 * 1024, 7);
    expect(store.set(2, workOrder).ok).toBe(true);
    for (let i = 0; i < 200; i++) expect(store.set(10 + (i % 5), bytes(100 + i, i)).ok).toBe(true);
    expect(store.status().generation).toBeGreaterThan(3);
    store = mount(flash, opts).store;
    expect(value(store, 2)).toEqual(workOrder);
    for (let k = 0; k < 5; k++) expect(value(store, 10 + k)).toEqual(bytes(100 + 195 + k, 195 + k));
  });

  it('behaves like a map under any sequence of sets and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 7 }), len: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }) }), { maxLength: 80 }),
        (ops) => {
          const flash = new SimFlash({ sectorSize: 512, sectorCount: 4, wordSize: 4 });
          const o = { sectorCount: 4, maxKeys: 8, maxValueBytes: 300 };
          const { store } = mount(flash, o);
          const model = new Map<number, Uint8Array>();
          ops.forEach(({ key, len }, i) => {
            const r = len === undefined ? store.delete(key) : store.set(key, bytes(len, i));
            if (!r.ok) {
              expect(r.reason).toBe('STORE_FULL');
              return;
            }
            if (len === undefined) model.delete(key);
            else model.set(key, bytes(len, i));
          });
          const again = mount(flash, o).store;
          for (let k = 0; k < 8; k++) expect(value(again, k)).toEqual(model.get(k));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects bad keys, oversize values and overflow with a reason', () => {
    const { store } = mount(new SimFlash(geo), opts);
    expect(store.set(64, bytes(1, 1))).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(store.set(-1, bytes(1, 1))).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(store.get(1.5)).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(store.set(0, bytes(10 * 1024 + 1, 1))).toMatchObject({ ok: false, reason: 'LIMIT_EXCEEDED' });
    expect(store.set(0, bytes(10 * 1024, 1)).ok).toBe(true);
    expect(store.set(1, bytes(7000, 1))).toMatchObject({ ok: false, reason: 'STORE_FULL' });
    expect(value(store, 1)).toBeUndefined();
    expect(StateStore.mount(new SimFlash(geo), { sectorCount: 3 })).toMatchObject({ ok: false, reason: 'INTERNAL_ERROR' });
  });
});

describe('state store damage', () => {
  const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };
  const opts = { sectorCount: 4, maxKeys: 8, maxValueBytes: 200 };
  /** First entry of bank 0 starts after the 40-byte header copies; its payload after its 20-byte header. */
  const FIRST_PAYLOAD = 40 + 20;

  it('a flipped bit in a live value: STORE_CORRUPT for that key, fail-safe, remembered through compaction', () => {
    const flash = new SimFlash(geo);
    const { store } = mount(flash, opts);
    store.set(3, bytes(50, 3));
    store.set(4, bytes(50, 4));
    flash.flipBit(FIRST_PAYLOAD + 10, 2);
    let m = mount(flash, opts);
    expect(m.report).toMatchObject({ reasons: ['STORE_CORRUPT'], corruptKeys: [3], unknownCorruption: false });
    expect(m.store.get(3)).toMatchObject({ ok: false, reason: 'STORE_CORRUPT' });
    expect(value(m.store, 4)).toEqual(bytes(50, 4));
    expect(m.store.status()).toMatchObject({ failSafe: 'STORE_CORRUPT', corruptKeys: 1 });
    expect(m.store.failSafe()).toBe('STORE_CORRUPT');
    // Compactions copy live values only; the damage marker goes with them, never an older value of key 3.
    const gen = m.store.status().generation;
    for (let i = 0; i < 30; i++) expect(m.store.set(5, bytes(120, i)).ok).toBe(true);
    expect(m.store.status().generation).toBeGreaterThan(gen + 1);
    m = mount(flash, opts);
    expect(m.store.get(3)).toMatchObject({ ok: false, reason: 'STORE_CORRUPT' });
    // The host rewrites the value: whole again, fail-safe lifted.
    expect(m.store.set(3, bytes(20, 33)).ok).toBe(true);
    expect(m.store.status().failSafe).toBeUndefined();
    expect(m.store.failSafe()).toBeUndefined();
    expect(value(mount(flash, opts).store, 3)).toEqual(bytes(20, 33));
  });

  it('damage to a value already replaced is harmless and not reported', () => {
    const flash = new SimFlash(geo);
    const { store } = mount(flash, opts);
    store.set(3, bytes(50, 1));
    store.set(3, bytes(50, 2));
    flash.flipBit(FIRST_PAYLOAD + 10, 2);
    const m = mount(flash, opts);
    expect(m.report.reasons).toEqual([]);
    expect(value(m.store, 3)).toEqual(bytes(50, 2));
  });

  it('a value damaged while mounted is caught when read', () => {
    const flash = new SimFlash(geo);
    const { store } = mount(flash, opts);
    store.set(1, bytes(50, 1));
    flash.flipBit(FIRST_PAYLOAD + 3, 0);
    expect(store.get(1)).toMatchObject({ ok: false, reason: 'STORE_CORRUPT' });
    expect(store.status().failSafe).toBe('STORE_CORRUPT');
    expect(store.failSafe()).toBe('STORE_CORRUPT');
  });

  it('a store whose headers are both destroyed reports STORE_CORRUPT and starts over, rather than guessing', () => {
    const flash = new SimFlash(geo);
    const { store } = mount(flash, opts);
    store.set(1, bytes(50, 1));
    flash.flipBit(1, 0);
    flash.flipBit(21, 0);
    const m = mount(flash, opts);
    expect(m.report).toMatchObject({ reasons: ['STORE_CORRUPT'], formatted: true, unknownCorruption: true });
    expect(m.store.status().failSafe).toBe('STORE_CORRUPT');
    expect(m.store.format().ok).toBe(true);
    expect(m.store.status().failSafe).toBeUndefined();
    expect(value(m.store, 1)).toBeUndefined();
  });

});

const same = (a: unknown, b: Uint8Array | undefined) =>
  a instanceof Uint8Array && b !== undefined ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;

describe.each(FLASH_MODELS)('state store after a power cut ($name)', (model) => {
  const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };
  const opts = { sectorCount: 4, maxKeys: 8, maxValueBytes: 200 };

  /** A cut during `update` of key 1 (holding `old`): key 1 holds the old or the new value, the others theirs; reported once. */
  function cutEachStep(flash: SimFlash, update: (s: StateStore) => unknown, old: Uint8Array | undefined, now: Uint8Array | undefined, others: Map<number, Uint8Array>, seeds = 4) {
    const fates = { old: 0, new: 0, torn: 0 };
    const cuts = cutAtEveryStep(
      flash,
      (f) => {
        const { store } = mount(f, opts);
        return () => update(store);
      },
      (f) => {
        const m = mount(f, opts);
        expect(m.report.reasons).toEqual([]);
        expect(m.store.status().failSafe).toBeUndefined();
        const v = value(m.store, 1);
        expect([old, now]).toContainEqual(v);
        fates[same(v, old) ? 'old' : 'new']++;
        fates.torn += m.report.tornTail ? 1 : 0;
        for (const [k, want] of others) expect(value(m.store, k)).toEqual(want);
        // Reported once; the next update lands and holds.
        const again = mount(f, opts);
        expect(again.report).toMatchObject({ tornTail: false, reasons: [] });
        expect(value(again.store, 1)).toEqual(v);
        expect(again.store.set(1, bytes(33, 5)).ok).toBe(true);
        expect(value(mount(f, opts).store, 1)).toEqual(bytes(33, 5));
      },
      seeds,
    );
    return { cuts, ...fates };
  }

  it('a cut update leaves the old value or the new one, never anything else, and is reported as a torn tail once', () => {
    const flash = flashOfModel(model, { ...geo, seed: 9 });
    const { store } = mount(flash, opts);
    store.set(1, bytes(50, 1));
    store.set(2, bytes(20, 2));
    const r = cutEachStep(flash, (s) => s.set(1, bytes(60, 2)), bytes(50, 1), bytes(60, 2), new Map([[2, bytes(20, 2)]]));
    expect(r.old).toBeGreaterThan(r.new);
    expect(r.new).toBeGreaterThan(0);
    expect(r.torn).toBeGreaterThan(r.cuts / 2);
  });

  it('a cut delete leaves the value or its absence', () => {
    const flash = flashOfModel(model, { ...geo, seed: 10 });
    const { store } = mount(flash, opts);
    store.set(1, bytes(50, 1));
    store.set(2, bytes(20, 2));
    const r = cutEachStep(flash, (s) => s.delete(1), bytes(50, 1), undefined, new Map([[2, bytes(20, 2)]]));
    expect(r.old + r.new).toBe(r.cuts);
    expect(r.old).toBeGreaterThan(0);
  });

  it('a cut compaction (the bank full, the update moving to the other bank) loses no value', () => {
    const flash = flashOfModel(model, { ...geo, seed: 11 });
    const { store } = mount(flash, opts);
    const others = new Map<number, Uint8Array>();
    for (let k = 2; k < 5; k++) {
      others.set(k, bytes(40, k));
      store.set(k, bytes(40, k));
    }
    // Fill the active bank with updates of key 1 until the next one would compact.
    const gen = store.status().generation;
    let i = 0;
    for (;;) {
      const probe = flash.clone(1);
      const s2 = mount(probe, opts).store;
      s2.set(1, bytes(60, i));
      if (s2.status().generation !== gen) break;
      expect(store.set(1, bytes(60, i)).ok).toBe(true);
      i++;
    }
    const r = cutEachStep(flash, (s) => s.set(1, bytes(60, i)), i === 0 ? undefined : bytes(60, i - 1), bytes(60, i), others, 2);
    expect(r.cuts).toBeGreaterThan(100); // the erase of the other bank, the copy of every live value, the header
  });
});
