// Simulated NOR flash with deterministic fault injection. Programs clear bits only (old AND new), erases set a
// whole sector to 0xFF, and every word program and every sector erase counts as one step. A cut armed at step k
// interrupts that step, as a power loss does, and leaves the flash unpowered until reboot().
//
// Two tearing models. 'word' (the default): the words of a program before the cut are done, the cut word gets a
// random subset of its 1→0 transitions, later words are untouched. 'page': a real page program guarantees no
// order inside the page, so a cut anywhere in a program page (the part of one program call inside one
// `pageSize`-aligned page) leaves ANY subset of that page's transitions done; earlier pages of the call are done,
// later ones untouched. With `weakBits`, some of the cells a cut interrupted (programming or erasing) are left
// half-charged and read randomly, a fresh coin on every read, until a program drives them to 0 or an erase
// resets them. With `encrypted`, reads and programs go through a keystream, as with ESP32 flash encryption:
// data written reads back, but erased flash reads as noise. All randomness comes from the seed.
import type { Flash, FlashGeometry, FlashResult } from '../hal';
import { prng } from './prng';

// mulberry32 (./prng) picks undefined bits reproducibly; the storage soak draws from the same generator.
export { prng };

export interface SimFlashOptions {
  readonly sectorSize: number;
  readonly sectorCount: number;
  readonly wordSize: number;
  /** Seeds the torn bits after a cut, the weak bits' reads and random bit flips. */
  readonly seed?: number;
  readonly tearing?: 'word' | 'page';
  /** Program page for 'page' tearing (default 256 bytes, the SPI NOR page). */
  readonly pageSize?: number;
  readonly weakBits?: boolean;
  readonly encrypted?: boolean;
}

/** A fault model for cuts: how a cut program tears, and whether cells it interrupted read randomly. */
export interface FlashModel {
  readonly name: string;
  readonly options: Pick<SimFlashOptions, 'tearing' | 'weakBits'>;
}

/** The two flash models every power-cut suite runs on. */
export const FLASH_MODELS: readonly FlashModel[] = [
  { name: 'ordered word tearing', options: { tearing: 'word', weakBits: false } },
  { name: 'unordered page tearing, weak bits', options: { tearing: 'page', weakBits: true } },
];

/** A SimFlash of `model` (the one way the power-cut suites build their flash, so each runs on every model). */
export function flashOfModel(model: FlashModel, opts: Omit<SimFlashOptions, 'tearing' | 'weakBits'>): SimFlash {
  return new SimFlash({ ...opts, ...model.options });
}


/** The keystream byte at `addr` for the simulated flash encryption (a fixed key: the part's eFuse key). */
function keystream(addr: number): number {
  let x = Math.imul(addr ^ 0x5bd1e995, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  return (x ^ (x >>> 16)) & 0xff;
}

const OFF: FlashResult = { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no power' };
const OFF_READ: FlashResult = { ok: false, reason: 'FLASH_READ_FAILED', detail: 'no power' };
const OK: FlashResult = { ok: true };

export class SimFlash implements Flash {
  readonly geometry: FlashGeometry;
  private readonly opts: SimFlashOptions;
  private readonly mem: Uint8Array;
  private readonly erases: Uint32Array;
  private readonly rnd: () => number;
  private readonly page: number;
  /** Per byte, the bits that read randomly; only allocated with weakBits. [weakLo, weakHi) bounds them. */
  private readonly weak: Uint8Array | undefined;
  private weakLo = Infinity;
  private weakHi = 0;
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
    const page = opts.pageSize ?? 256;
    if (!pow2(page) || page % wordSize !== 0) throw new RangeError('SimFlash: the page size must be a power of two, a whole number of words');
    this.opts = opts;
    this.page = page;
    this.geometry = { sectorSize, sectorCount, wordSize };
    this.mem = new Uint8Array(sectorSize * sectorCount).fill(0xff);
    this.erases = new Uint32Array(sectorCount);
    this.rnd = prng(opts.seed ?? 1);
    this.weak = opts.weakBits === true ? new Uint8Array(this.mem.length) : undefined;
  }

  // ---- the HAL ----

  read(offset: number, dst: Uint8Array, at: number, length: number): FlashResult {
    if (!this.power) return OFF_READ;
    if (!this.inRange(offset, length) || at < 0 || at + length > dst.length) {
      return { ok: false, reason: 'FLASH_READ_FAILED', detail: 'out of range' };
    }
    dst.set(this.mem.subarray(offset, offset + length), at);
    const weak = this.weak;
    if (weak !== undefined && offset < this.weakHi && offset + length > this.weakLo) {
      const from = Math.max(offset, this.weakLo);
      const to = Math.min(offset + length, this.weakHi);
      for (let i = from; i < to; i++) {
        const m = weak[i]!;
        if (m !== 0) dst[at + i - offset] = (dst[at + i - offset]! & ~m) | (Math.floor(this.rnd() * 256) & m);
      }
    }
    if (this.opts.encrypted === true) for (let i = 0; i < length; i++) dst[at + i] = dst[at + i]! ^ keystream(offset + i);
    return OK;
  }

  program(offset: number, src: Uint8Array, at: number, length: number): FlashResult {
    if (!this.power) return OFF;
    const w = this.geometry.wordSize;
    if (!this.inRange(offset, length) || offset % w !== 0 || length % w !== 0 || at < 0 || at + length > src.length) {
      return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'unaligned or out of range' };
    }
    // One device operation per chunk: a word ('word' tearing) or the part of the call inside one page.
    const paged = this.opts.tearing === 'page';
    for (let i = 0; i < length; ) {
      const o = offset + i;
      const n = paged ? Math.min(length - i, this.page - (o % this.page)) : w;
      const words = n / w;
      if (this.cutAt >= this.stepCount && this.cutAt < this.stepCount + words) {
        // In 'word' tearing the chunk is the cut word; in 'page' tearing the whole page, in no order.
        this.tear(o, n, src, at + i);
        return this.die();
      }
      this.stepCount += words;
      for (let j = 0; j < n; j++) this.put(o + j, src[at + i + j]!);
      i += n;
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
      // Power dies mid-erase: each programmed bit is back to 1, still 0, or (weak bits) anywhere between.
      const density = this.rnd();
      const q = this.weakShare();
      for (let i = 0; i < sectorSize; i++) {
        const old = this.mem[base + i]!;
        let set = 0;
        let weak = 0;
        for (let b = 0; b < 8; b++) {
          if (old & (1 << b)) continue;
          if (q > 0 && this.rnd() < q) weak |= 1 << b;
          else if (this.rnd() < density) set |= 1 << b;
        }
        this.mem[base + i] = old | set;
        if (weak !== 0) this.markWeak(base + i, weak);
      }
      return this.die();
    }
    this.stepCount++;
    this.mem.fill(0xff, base, base + sectorSize);
    if (this.weak !== undefined) this.weak.fill(0, base, base + sectorSize);
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

  /** Inverts one stored bit, as retention loss or a disturb would. */
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

  /** Cells that read randomly now (a cut left them half-programmed or half-erased). */
  weakBitCount(): number {
    let n = 0;
    if (this.weak !== undefined) {
      for (let i = this.weakLo; i < this.weakHi; i++) for (let m = this.weak[i]!; m !== 0; m &= m - 1) n++;
    }
    return n;
  }

  eraseCount(sector: number): number {
    return this.erases[sector] ?? 0;
  }

  eraseCounts(): number[] {
    return Array.from(this.erases);
  }

  /** An independent copy (contents, weak cells, erase counts, step count, power state) with its own seed. */
  clone(seed: number): SimFlash {
    const c = new SimFlash({ ...this.opts, seed });
    c.mem.set(this.mem);
    c.erases.set(this.erases);
    if (this.weak !== undefined && c.weak !== undefined) {
      c.weak.set(this.weak);
      c.weakLo = this.weakLo;
      c.weakHi = this.weakHi;
    }
    c.stepCount = this.stepCount;
    c.power = this.power;
    return c;
  }

  /** A copy of the raw (stored, not decrypted) contents, for tests that compare images. */
  image(): Uint8Array {
    return this.mem.slice();
  }

  private inRange(offset: number, length: number): boolean {
    return Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= this.mem.length;
  }

  /** The stored value a program of `v` at `addr` aims for (through the keystream when encrypted). */
  private target(addr: number, v: number): number {
    return this.opts.encrypted === true ? v ^ keystream(addr) : v;
  }

  private put(addr: number, v: number): void {
    const t = this.target(addr, v);
    this.mem[addr] = this.mem[addr]! & t;
    // A cell driven to 0 is solid again; one left at 1 by this program stays as weak as it was.
    if (this.weak !== undefined && this.weak[addr] !== 0) this.weak[addr] = this.weak[addr]! & t;
  }

  /** A cut program over [o, o + n): each intended 1→0 transition happened, did not, or (weak bits) half did. */
  private tear(o: number, n: number, src: Uint8Array, at: number): void {
    const density = this.rnd();
    const q = this.weakShare();
    for (let j = 0; j < n; j++) {
      const addr = o + j;
      const old = this.mem[addr]!;
      const clear = old & ~this.target(addr, src[at + j]!);
      let done = 0;
      let weak = 0;
      for (let b = 0; b < 8; b++) {
        if (!(clear & (1 << b))) continue;
        if (q > 0 && this.rnd() < q) weak |= 1 << b;
        else if (this.rnd() < density) done |= 1 << b;
      }
      this.mem[addr] = old & ~done;
      if (weak !== 0) this.markWeak(addr, weak);
    }
  }

  /** The share of interrupted transitions a cut leaves weak: from none to most, chosen per cut. */
  private weakShare(): number {
    if (this.weak === undefined) return 0;
    const r = this.rnd();
    return r < 0.25 ? 0.02 : r * r * 0.7;
  }

  private markWeak(addr: number, bits: number): void {
    this.weak![addr] = this.weak![addr]! | bits;
    this.weakLo = Math.min(this.weakLo, addr);
    this.weakHi = Math.max(this.weakHi, addr + 1);
  }

  private die(): FlashResult {
    this.stepCount++;
    this.power = false;
    this.cutAt = -1;
    return OFF;
  }
}
