// The simulated NOR flash behaves like the real part where the storage layer depends on it, and its faults are
// reproducible from a seed.
import fc from 'fast-check';
import { SimFlash } from '../../platform/sim/flash';

const geo = { sectorSize: 256, sectorCount: 4, wordSize: 4 };
const read = (f: SimFlash, at: number, n: number) => {
  const b = new Uint8Array(n);
  expect(f.read(at, b, 0, n).ok).toBe(true);
  return Array.from(b);
};

describe('SimFlash', () => {
  it('starts erased and programs by AND: bits go 1→0 only, never back', () => {
    const f = new SimFlash(geo);
    expect(read(f, 0, 8)).toEqual([255, 255, 255, 255, 255, 255, 255, 255]);
    expect(f.program(0, Uint8Array.of(0xf0, 0x0f, 0xaa, 0x55), 0, 4).ok).toBe(true);
    expect(f.program(0, Uint8Array.of(0x0f, 0xff, 0xff, 0x00), 0, 4).ok).toBe(true);
    expect(read(f, 0, 4)).toEqual([0x00, 0x0f, 0xaa, 0x00]);
    expect(f.erase(0).ok).toBe(true);
    expect(read(f, 0, 4)).toEqual([255, 255, 255, 255]);
  });

  it('rejects unaligned or out-of-range programs and bad sectors with a typed error', () => {
    const f = new SimFlash(geo);
    const b = new Uint8Array(8);
    expect(f.program(2, b, 0, 4)).toMatchObject({ ok: false, reason: 'FLASH_WRITE_FAILED' });
    expect(f.program(0, b, 0, 6)).toMatchObject({ ok: false, reason: 'FLASH_WRITE_FAILED' });
    expect(f.program(1024, b, 0, 4)).toMatchObject({ ok: false, reason: 'FLASH_WRITE_FAILED' });
    expect(f.erase(4)).toMatchObject({ ok: false, reason: 'FLASH_WRITE_FAILED' });
    expect(f.read(1020, b, 0, 8)).toMatchObject({ ok: false, reason: 'FLASH_READ_FAILED' });
    expect(f.steps).toBe(0);
  });

  it('counts one step per word programmed and per sector erased, and erases per sector', () => {
    const f = new SimFlash(geo);
    f.program(0, new Uint8Array(12), 0, 12);
    f.erase(1);
    f.erase(1);
    expect(f.steps).toBe(5);
    expect(f.eraseCounts()).toEqual([0, 2, 0, 0]);
  });

  it('a cut mid-program leaves that word with a subset of the intended 1→0 bits, then everything fails until reboot', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 3 }), (seed, word) => {
        const f = new SimFlash({ ...geo, seed });
        const data = Uint8Array.of(0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78);
        f.cutAtStep(word);
        expect(f.program(0, data, 0, 16)).toMatchObject({ ok: false });
        expect(f.powered).toBe(false);
        expect(f.read(0, new Uint8Array(4), 0, 4).ok).toBe(false);
        expect(f.erase(0).ok).toBe(false);
        f.reboot();
        const got = read(f, 0, 16);
        for (let i = 0; i < 16; i++) {
          const w = Math.floor(i / 4);
          if (w < word) expect(got[i]).toBe(data[i]); // done before the cut
          else if (w > word) expect(got[i]).toBe(0xff); // never reached
          else expect(got[i]! & data[i]!).toBe(data[i]); // only some of the zeros landed
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a cut mid-erase leaves each bit either as it was or erased', () => {
    const f = new SimFlash({ ...geo, seed: 5 });
    const data = new Uint8Array(256).map((_, i) => i);
    f.program(256, data, 0, 256);
    f.cutAtStep(f.steps);
    expect(f.erase(1).ok).toBe(false);
    f.reboot();
    const got = read(f, 256, 256);
    let changed = 0;
    got.forEach((b, i) => {
      expect(b & data[i]!).toBe(data[i]); // bits only went up to 1
      if (b !== data[i]) changed++;
    });
    expect(changed).toBeGreaterThan(0);
    expect(f.eraseCount(1)).toBe(1);
  });

  it('is reproducible: the same seed and cut give the same image', () => {
    const run = (seed: number) => {
      const f = new SimFlash({ ...geo, seed });
      f.program(0, new Uint8Array(64), 0, 64);
      f.cutAtStep(30);
      f.erase(0);
      f.program(0, new Uint8Array(64), 0, 64);
      f.reboot();
      f.flipRandomBit();
      return f.image();
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('flips the chosen bit, both ways', () => {
    const f = new SimFlash(geo);
    f.flipBit(10, 3);
    expect(read(f, 10, 1)).toEqual([0xf7]);
    f.flipBit(10, 3);
    expect(read(f, 10, 1)).toEqual([0xff]);
  });

  it("'page' tearing: a cut anywhere in a program page leaves any subset of the page's transitions, in no order", () => {
    let laterWordDone = 0;
    let earlierWordUndone = 0;
    const data = Uint8Array.from({ length: 96 }, (_, i) => (i * 29) & 0x0f);
    for (let seed = 1; seed <= 100; seed++) {
      const f = new SimFlash({ ...geo, seed, tearing: 'page', pageSize: 64 });
      f.cutAtStep(20); // word 20: inside the second page (bytes 64..95) of this program call
      expect(f.program(0, data, 0, 96).ok).toBe(false);
      f.reboot();
      const got = read(f, 0, 96);
      expect(got.slice(0, 64)).toEqual(Array.from(data.slice(0, 64))); // the first page was done before the cut
      expect(got.every((b, i) => (b & data[i]!) === data[i])).toBe(true); // only bits going 1→0 moved
      if (got.slice(84, 96).some((b, i) => b === data[84 + i])) laterWordDone++; // past the cut word, yet programmed
      if (got.slice(64, 80).some((b, i) => b !== data[64 + i])) earlierWordUndone++; // before it, yet not finished
    }
    expect(laterWordDone).toBeGreaterThan(10);
    expect(earlierWordUndone).toBeGreaterThan(10);
  });

  it('weak bits read differently from one read to the next until a program drives them to 0 or an erase resets them', () => {
    let flickered = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const f = new SimFlash({ ...geo, seed, tearing: 'page', weakBits: true });
      f.cutAtStep(1);
      f.program(0, new Uint8Array(64), 0, 64);
      f.reboot();
      if (f.weakBitCount() === 0) continue;
      const reads = Array.from({ length: 8 }, () => read(f, 0, 64).join());
      if (new Set(reads).size > 1) flickered++;
      // Programming zeros over them makes them solid; so does an erase.
      const g = f.clone(seed);
      expect(g.program(0, new Uint8Array(64), 0, 64).ok).toBe(true);
      expect(g.weakBitCount()).toBe(0);
      expect(new Set(Array.from({ length: 4 }, () => read(g, 0, 64).join())).size).toBe(1);
      expect(f.erase(0).ok).toBe(true);
      expect(f.weakBitCount()).toBe(0);
      expect(read(f, 0, 4)).toEqual([255, 255, 255, 255]);
    }
    expect(flickered).toBeGreaterThan(20);
  });

  it('a cut erase with weak bits leaves cells that read either way', () => {
    const f = new SimFlash({ ...geo, seed: 3, weakBits: true });
    f.program(0, new Uint8Array(256), 0, 256);
    let seen = false;
    for (let seed = 1; seed <= 20 && !seen; seed++) {
      const g = f.clone(seed);
      g.cutAtStep(g.steps);
      expect(g.erase(0).ok).toBe(false);
      g.reboot();
      seen = g.weakBitCount() > 0 && read(g, 0, 256).join() !== read(g, 0, 256).join();
    }
    expect(seen).toBe(true);
  });

  it('encrypted: data written reads back, erased flash reads as noise', () => {
    const f = new SimFlash({ ...geo, encrypted: true });
    const erased = read(f, 0, 256);
    expect(erased.filter((b) => b === 0xff).length).toBeLessThan(8);
    const data = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(f.program(16, data, 0, 16).ok).toBe(true);
    expect(read(f, 16, 16)).toEqual(Array.from(data));
    expect(f.erase(0).ok).toBe(true);
    expect(read(f, 0, 256)).toEqual(erased);
  });
});
