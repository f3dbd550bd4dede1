// Simulated NOR flash with deterministic fault injection. Programs clear bits only (old AND new), erases set a
// whole sector to 0xFF, and every word program and every sector erase counts as one step. A cut armed at step k
// interrupts that step halfway, as a power loss does, and leaves the flash unpowered until reboot().
import type { Flash, FlashGeometry, FlashResult } from '../hal';

export interface SimFlashOptions {
  readonly sectorSize: number;
  readonly sectorCount: number;
  readonly wordSize: number;
  /** Seeds the choice of undefined bits after a cut and of random bit flips. */
  readonly seed?: number;
}

/** mulberry32: small, fast and good enough to pick undefined bits reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OFF: FlashResult = { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no power' };
const OFF_READ: FlashResult = { ok: false, reason: 'FLASH_READ_FAILED', detail: 'no power' };
const OK: FlashResult = { ok: true };

export class SimFlash implements Flash {
  readonly geometry: FlashGeometry;
  private readonly mem: Uint8Array;
  private readonly erases: Uint32Array;
  private readonly rnd: () => number;
  private stepCount = 0;
  private cutAt = -1;
  private power = true;

  constructor(opts: SimFlashOptions) {
    const { sectorSize, sectorCount, wordSize } = opts;
    const pow2 = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
    if (!pow2(wordSize) || !Number.isInteger(sectorSize) || sectorSize <= 0 || sectorSize % wordSize !== 0) {
      throw new RangeError('SimFlash: word size must be a power of two dividing the sector size');
    }
    if (!Number.isInteger(sectorCount) || sectorCount <= 0) throw new RangeError('SimFlash: bad sector count');
    this.geometry = { sectorSize, sectorCount, wordSize };
    this.mem = new Uint8Array(sectorSize * sectorCount).fill(0xff);
    this.erases = new Uint32Array(sectorCount);
    this.rnd = prng(opts.seed ?? 1);
  }

  // ---- the HAL ----

  read(offset: number, dst: Uint8Array, at: number, length: number): FlashResult {
    if (!this.power) return OFF_READ;
    if (!this.inRange(offset, length) || at < 0 || at + length > dst.length) {
      return { ok: false, reason: 'FLASH_READ_FAILED', detail: 'out of range' };
    }
    dst.set(this.mem.subarray(offset, offset + length), at);
    return OK;
  }

  program(offset: number, src: Uint8Array, at: number, length: number): FlashResult {
    if (!this.power) return OFF;
    const w = this.geometry.wordSize;
    if (!this.inRange(offset, length) || offset % w !== 0 || length % w !== 0 || at < 0 || at + length > src.length) {
      return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'unaligned or out of range' };
    }
    const mem = this.mem;
    for (let i = 0; i < length; i += w) {
      if (this.stepCount === this.cutAt) {
        // Power dies mid-word: each intended 1→0 transition happened or not, at a density chosen per cut.
        const density = this.rnd();
        for (let j = 0; j < w; j++) {
          const old = mem[offset + i + j]!;
          const clear = old & ~src[at + i + j]!;
          let done = 0;
          for (let b = 0; b < 8; b++) if (clear & (1 << b) && this.rnd() < density) done |= 1 << b;
          mem[offset + i + j] = old & ~done;
        }
        return this.die();
      }
      this.stepCount++;
      for (let j = 0; j < w; j++) mem[offset + i + j] = mem[offset + i + j]! & src[at + i + j]!;
    }
    return OK;
  }

  erase(sector: number): FlashResult {
    if (!this.power) return OFF;
    const { sectorSize, sectorCount } = this.geometry;
    if (!Number.isInteger(sector) || sector < 0 || sector >= sectorCount) {
      return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no such sector' };
    }
    this.erases[sector]!++;
    const base = sector * sectorSize;
    if (this.stepCount === this.cutAt) {
      // Power dies mid-erase: each programmed bit is back to 1 or not yet, at a density chosen per cut.
      const density = this.rnd();
      for (let i = 0; i < sectorSize; i++) {
        const old = this.mem[base + i]!;
        let set = 0;
        for (let b = 0; b < 8; b++) if (!(old & (1 << b)) && this.rnd() < density) set |= 1 << b;
        this.mem[base + i] = old | set;
      }
      return this.die();
    }
    this.stepCount++;
    this.mem.fill(0xff, base, base + sectorSize);
    return OK;
  }

  // ---- the test bench ----

  /** Program and erase steps executed so far (a step cut short counts too). */
  get steps(): number {
    return this.stepCount;
  }

  get powered(): boolean {
    return this.power;
  }

  /** Cut power during step number `step` (counted like `steps`, from construction). */
  cutAtStep(step: number): void {
    this.cutAt = step;
  }

  /** Power back on; any armed cut is disarmed. Flash contents stay as the cut left them. */
  reboot(): void {
    this.power = true;
    this.cutAt = -1;
  }

  /** Inverts one bit, as retention loss or a disturb would. */
  flipBit(offset: number, bit: number): void {
    if (!this.inRange(offset, 1) || !Number.isInteger(bit) || bit < 0 || bit > 7) throw new RangeError('flipBit: out of range');
    this.mem[offset] = this.mem[offset]! ^ (1 << bit);
  }

  /** Flips a bit at a seeded random place in [from, to) and says where. */
  flipRandomBit(from = 0, to: number = this.mem.length): { offset: number; bit: number } {
    const offset = from + Math.floor(this.rnd() * (to - from));
    const bit = Math.floor(this.rnd() * 8);
    this.flipBit(offset, bit);
    return { offset, bit };
  }

  eraseCount(sector: number): number {
    return this.erases[sector] ?? 0;
  }

  eraseCounts(): number[] {
    return Array.from(this.erases);
  }

  /** An independent copy (contents, erase counts, step count, power state) with its own seed. */
  clone(seed: number): SimFlash {
    const c = new SimFlash({ ...this.geometry, seed });
    c.mem.set(this.mem);
    c.erases.set(this.erases);
    c.stepCount = this.stepCount;
    c.power = this.power;
    return c;
  }

  /** A copy of the raw contents, for tests that compare images. */
  image(): Uint8Array {
    return this.mem.slice();
  }

  private inRange(offset: number, length: number): boolean {
    return Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= this.mem.length;
  }

  private die(): FlashResult {
    this.stepCount++;
    this.power = false;
    this.cutAt = -1;
    return OFF;
  }
}
