// Wear over years of a line's life. The flash and the values are scaled down 4× (1 KiB sectors instead of 4 KiB,
// value sizes / 4) so that the soak runs in seconds; the event RATES are the real ones: the 40-slot state table
// every 3 minutes, one of 12 MSD reels' snapshot every 5 minutes, the work order once a day, configuration once
// a week, and a reboot every day (the line is switched off at night).
import { Journal } from '../../storage/journal';
import { StateStore } from '../../storage/store';
import { SimFlash } from '../../platform/sim/flash';
import { bytes } from './harness';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const DAYS = Number(process.env['SOAK_DAYS'] ?? 365);

function spread(counts: number[]): { min: number; max: number } {
  return { min: Math.min(...counts), max: Math.max(...counts) };
}

describe('wear levelling in a long soak', () => {
  it('store: a simulated year of updates (SOAK_DAYS to run longer) keeps every sector within 2× of the others', () => {
    const flash = new SimFlash({ sectorSize: 1024, sectorCount: 8, wordSize: 4, seed: 11 });
    const opts = { sectorCount: 8, maxKeys: 64, maxValueBytes: 2048 };
    let store = StateStore.mount(flash, opts);
    if (!store.ok) throw new Error(store.reason);
    const KEY_CONFIG = 0;
    const KEY_WORK_ORDER = 1;
    const KEY_SLOTS = 2;
    const KEY_MSD = 16; // 12 MSD reels: keys 16..27
    let updates = 0;
    for (let day = 0; day < DAYS; day++) {
      const s = store.store;
      const put = (k: number, v: Uint8Array) => {
        const r = s.set(k, v);
        if (!r.ok) throw new Error(`day ${day}: ${r.reason}`);
        updates++;
      };
      if (day % 7 === 0) put(KEY_CONFIG, bytes(64, day));
      put(KEY_WORK_ORDER, bytes(2048, day)); // 8 KiB at full scale
      for (let t = 0; t < DAY; t += MIN) {
        if (t % (3 * MIN) === 0) put(KEY_SLOTS, bytes(80, t / MIN)); // 40 slots × 8 B at full scale
        if (t % (5 * MIN) === 0) put(KEY_MSD + ((t / (5 * MIN)) % 12), bytes(8, t / MIN)); // 32 B at full scale
      }
      store = StateStore.mount(flash, opts);
      if (!store.ok || store.report.reasons.length > 0) throw new Error(`day ${day}: remount failed`);
    }
    expect(updates).toBeGreaterThan(DAYS * 700);
    const { min, max } = spread(flash.eraseCounts());
    expect(min).toBeGreaterThan(1000); // the soak really did wear the flash
    expect(max).toBeLessThanOrEqual(2 * min);
    expect(max - min).toBeLessThanOrEqual(1); // banks alternate: as even as it gets
  });

  it('journal: two weeks of boards every 20 s with the host acking every minute wears the ring evenly', () => {
    const flash = new SimFlash({ sectorSize: 512, sectorCount: 16, wordSize: 4, seed: 12 });
    const m = Journal.mount(flash, { sectorCount: 16, maxPayload: 64 });
    if (!m.ok) throw new Error(m.reason);
    const j = m.journal;
    let last = 0;
    for (let t = 0; t < 14 * DAY; t += 20_000) {
      const r = j.append(0x40, t, bytes(24, t / 20_000));
      if (!r.ok) throw new Error(r.reason);
      last = r.seq;
      if (t % MIN === 0) j.ack(last);
    }
    const { min, max } = spread(flash.eraseCounts());
    expect(min).toBeGreaterThan(50);
    expect(max).toBeLessThanOrEqual(2 * min);
  });
});
