// A disk in memory that knows what would survive a crash: every file has what was made durable (by a completed
// sync, a truncate or an atomic replace) apart from what was only written. `crashAtStep(k)` makes the k-th
// mutating step (append, sync completion, truncate, replace, mkdir, remove) fail, and every one after it: the
// process is dead from there. `afterCrash(seed)` is the disk a restarted gateway finds: the durable bytes of
// every file, plus a random prefix of what was written but not synced, sometimes followed by zeros (a file
// whose size reached the disk before its data). Tests use it to crash the gateway at every step.
import type { Disk } from './disk';
import { prng } from '../../../firmware/platform/sim/prng';

export class DiskCrashed extends Error {
  constructor(step: number) {
    super(`the disk crashed at step ${step}`);
  }
}

interface MemFile {
  data: Uint8Array;
  /** Bytes of `data`, from the start, that would survive a crash. */
  durable: number;
}

export class MemoryDisk implements Disk {
  private files = new Map<string, MemFile>();
  private dirs = new Set<string>(['']);
  private step = 0;
  private crashAt = -1;
  private dead = false;
  /** Mutating steps taken so far. */
  get steps(): number {
    return this.step;
  }
  get crashed(): boolean {
    return this.dead;
  }

  crashAtStep(k: number): void {
    this.crashAt = k;
  }

  private tick(): void {
    if (this.dead) throw new DiskCrashed(this.step);
    if (this.step === this.crashAt) {
      this.dead = true;
      throw new DiskCrashed(this.step);
    }
    this.step++;
  }

  private file(f: string): MemFile {
    let x = this.files.get(f);
    if (x === undefined) {
      x = { data: new Uint8Array(0), durable: 0 };
      this.files.set(f, x);
    }
    return x;
  }

  mkdirp(dir: string): void {
    if (this.dirs.has(dir)) return;
    this.tick();
    const parts = dir.split('/');
    for (let i = 1; i <= parts.length; i++) this.dirs.add(parts.slice(0, i).join('/'));
  }

  list(dir: string): string[] {
    const pre = dir === '' ? '' : `${dir}/`;
    const out = new Set<string>();
    for (const f of this.files.keys()) if (f.startsWith(pre)) out.add(f.slice(pre.length).split('/')[0]!);
    for (const d of this.dirs) if (d.startsWith(pre) && d.length > pre.length) out.add(d.slice(pre.length).split('/')[0]!);
    return [...out].sort();
  }

  size(f: string): number | undefined {
    return this.files.get(f)?.data.length;
  }

  readAt(f: string, offset: number, length: number): Uint8Array {
    const x = this.files.get(f);
    if (x === undefined) return new Uint8Array(0);
    return x.data.slice(offset, Math.min(x.data.length, offset + length));
  }

  read(f: string): Uint8Array | undefined {
    return this.files.get(f)?.data.slice();
  }

  append(f: string, bytes: Uint8Array): void {
    this.tick();
    const x = this.file(f);
    const d = new Uint8Array(x.data.length + bytes.length);
    d.set(x.data);
    d.set(bytes, x.data.length);
    x.data = d;
  }

  sync(f: string, done: (err?: Error) => void): void {
    if (this.dead) return; // a dead process hears nothing
    const x = this.file(f);
    const upTo = x.data.length;
    // Completes later, as an fsync does: other work may run (and the crash may come) in between.
    setImmediate(() => {
      try {
        this.tick();
      } catch {
        return;
      }
      if (this.files.get(f) === x && upTo > x.durable) x.durable = Math.min(upTo, x.data.length);
      done();
    });
  }

  truncate(f: string, size: number): void {
    this.tick();
    const x = this.file(f);
    x.data = x.data.slice(0, size);
    x.durable = size; // a truncate is made durable at once (the store fsyncs it)
  }

  replace(f: string, bytes: Uint8Array): void {
    this.tick();
    this.files.set(f, { data: bytes.slice(), durable: bytes.length });
  }

  remove(f: string): void {
    this.tick();
    this.files.delete(f);
  }

  close(): void {}

  /** The disk as a restarted process finds it after a crash now. */
  afterCrash(seed: number): MemoryDisk {
    const rnd = prng(seed);
    const d = new MemoryDisk();
    d.dirs = new Set(this.dirs);
    for (const [name, x] of this.files) {
      const pending = x.data.length - x.durable;
      const kept = pending === 0 ? 0 : Math.floor(rnd() * (pending + 1));
      const zeros = pending - kept > 0 && rnd() < 0.3 ? Math.floor(rnd() * (pending - kept + 1)) : 0;
      const data = new Uint8Array(x.durable + kept + zeros);
      data.set(x.data.subarray(0, x.durable + kept));
      d.files.set(name, { data, durable: data.length });
    }
    return d;
  }
}
