// One power supply for several simulated flash partitions: a cut at global step k (counting every word program
// and sector erase on any of them, in order) stops them all at once, as it does on a device where the journal and
// the state store share one chip. Wraps SimFlash; the flash contents are left exactly as the cut left them.
import type { Flash, FlashGeometry, FlashResult } from '../hal';
import type { SimFlash } from './flash';

const OFF: FlashResult = { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no power' };
const OFF_READ: FlashResult = { ok: false, reason: 'FLASH_READ_FAILED', detail: 'no power' };

export class PowerDomain {
  private count = 0;
  private cutAt = -1;
  private on = true;
  private readonly parts: SimFlash[] = [];

  /** Steps taken on every partition of this domain since it was made. */
  get steps(): number {
    return this.count;
  }

  get powered(): boolean {
    return this.on;
  }

  /** A partition on this supply. */
  attach(flash: SimFlash): Flash {
    this.parts.push(flash);
    return new DomainFlash(flash, this);
  }

  /** Cut power during global step `step` (counted like `steps`). */
  cutAtStep(step: number): void {
    this.cutAt = step;
  }

  /** Cut power now, between steps. */
  cut(): void {
    this.on = false;
  }

  /** Power back on for every partition; an armed cut is disarmed. */
  reboot(): void {
    this.on = true;
    this.cutAt = -1;
    for (const p of this.parts) p.reboot();
  }

  /** @internal: runs one operation of `n` steps on `flash`, cutting inside it if the armed step falls there. */
  run(flash: SimFlash, n: number, op: () => FlashResult): FlashResult {
    if (!this.on) return OFF;
    if (this.cutAt >= this.count && this.cutAt < this.count + n) {
      flash.cutAtStep(flash.steps + (this.cutAt - this.count));
      const r = op();
      this.count = this.cutAt + 1;
      this.on = false;
      return r.ok ? OFF : r;
    }
    this.count += n;
    return op();
  }

  readable(): boolean {
    return this.on;
  }
}

class DomainFlash implements Flash {
  readonly geometry: FlashGeometry;
  constructor(
    private readonly inner: SimFlash,
    private readonly domain: PowerDomain,
  ) {
    this.geometry = inner.geometry;
  }

  read(offset: number, dst: Uint8Array, at: number, length: number): FlashResult {
    return this.domain.readable() ? this.inner.read(offset, dst, at, length) : OFF_READ;
  }

  program(offset: number, src: Uint8Array, at: number, length: number): FlashResult {
    const words = Math.max(1, Math.ceil(length / this.geometry.wordSize));
    return this.domain.run(this.inner, words, () => this.inner.program(offset, src, at, length));
  }

  erase(sector: number): FlashResult {
    return this.domain.run(this.inner, 1, () => this.inner.erase(sector));
  }
}
