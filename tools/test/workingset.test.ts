// The working set on the standard load, read from the engines after each step (tools/src/build/workingset.ts),
// on a shortened day so the suite stays fast; `npm run bench -- firmware` measures the full day.
import { xsnapBinary } from '../../host-sim/bench/xsnap';
import { ESP32_XS, esp32Verdict, measureWorkingSet, type WorkingSet } from '../src/build/workingset';

jest.setTimeout(180_000);

const day = { boards: 200, production: 5, rounds: 2 };
/** The XS cases run where the xsnap worker is built (`.ci/run` builds it; hw-tests/README.md). */
const withXs = xsnapBinary() === undefined ? it.skip : it;

describe('the working set on the standard load', () => {
  let xs: WorkingSet | undefined;
  let qjs: WorkingSet;
  beforeAll(async () => {
    if (xsnapBinary() !== undefined) xs = await measureWorkingSet('xs', day);
    qjs = await measureWorkingSet('qjs', day);
  });

  it('is measured on a station that restored the whole load in the engine: 40 slots verified, 10 MSD reels', () => {
    for (const w of [xs, qjs]) {
      if (w === undefined) continue;
      expect(w.load).toMatchObject({ boards: 200, slotsVerified: 40, msdReels: 10 });
      expect(w.steps.length).toBe(7);
      expect(w.load.journalRecords).toBeGreaterThan(300);
    }
    expect(qjs.steps.every((s) => (s.usedBytes ?? 0) > 0)).toBe(true);
  });

  withXs('in XS, is read from the engine\'s own snapshot, and its garbage per event is measured', () => {
    if (xs === undefined) throw new Error('not measured');
    expect(xs.steps.every((s) => (s.slots ?? 0) > 0 && (s.chunkBytes ?? 0) > 0)).toBe(true);
    expect(xs.garbage.map((g) => g.event)).toEqual(['a PLC poll (header, reasons, 40 slots: 7 requests)', 'a splice (three scans)', 'a board (with its 20 s of ticks)', 'a tick (1 s, nothing due)']);
    for (const g of xs.garbage) expect(g.allocatedSlots).toBeGreaterThan(0);
  });

  withXs('is judged against a classic ESP32 XS machine (78,848 bytes of chunks, 4,928 slots), and fits it', () => {
    if (xs === undefined) throw new Error('not measured');
    const v = esp32Verdict(xs);
    expect(ESP32_XS).toEqual({ chunkBytes: 78_848, slots: 4_928, slotBytes: 16 });
    // The slot count is the same in a 32-bit and a 64-bit XS: it must fit the machine.
    expect(v.slots).toBeLessThanOrEqual(ESP32_XS.slots);
    expect(v.slotsFit).toBe(true);
    // Chunk bytes: a 32-bit XS (.ci/run builds one with tools/bin/xsnap-32bit.sh) lays chunks out as the controller
    // does, so its figure must fit; a 64-bit one's pointers are twice as wide, so only half of its figure is known to
    // be the controller's at most.
    expect(v.exact).toBe(xs.baseline.engine === 'xs' && xs.baseline.slotBytes === 16);
    expect(v.chunkBytesLower).toBeLessThanOrEqual(ESP32_XS.chunkBytes);
    if (v.exact) expect(v.chunksFit).toBe(true);
  });
});
