// The few file operations the gateway's store needs, behind one interface: `nodeDisk` does them with node:fs
// (fsync for durability, rename for atomic replacement), and `MemoryDisk` (memory-disk.ts) keeps what is durable
// apart from what is only written, so a test can crash the gateway at any step and restart it on what a real
// disk would hold. Paths are relative to the disk's root, with '/' separators.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Disk {
  /** Creates a directory (and its parents) durably. */
  mkdirp(dir: string): void;
  /** File names in a directory (none if it does not exist). */
  list(dir: string): string[];
  /** Size of a file, or undefined if there is none. */
  size(file: string): number | undefined;
  /** Reads up to `length` bytes at `offset`. */
  readAt(file: string, offset: number, length: number): Uint8Array;
  /** Appends to a file (created if missing). Written, not yet durable: `sync` makes it so. */
  append(file: string, bytes: Uint8Array): void;
  /** Makes everything appended to `file` so far durable; `done` hears the outcome (an Error if it failed). */
  sync(file: string, done: (err?: Error) => void): void;
  /** Cuts a file to `size` bytes, durably (recovery of a torn last write). */
  truncate(file: string, size: number): void;
  /** Replaces a file's whole content atomically and durably (temporary file, fsync, rename, directory fsync). */
  replace(file: string, bytes: Uint8Array): void;
  /** Reads a whole small file, or undefined if there is none. */
  read(file: string): Uint8Array | undefined;
  remove(file: string): void;
  /** Closes what the disk holds open. */
  close(): void;
}

/** The real file system under `root`. */
export function nodeDisk(root: string): Disk {
  const fds = new Map<string, number>();
  const full = (f: string) => path.join(root, ...f.split('/'));
  const fd = (f: string): number => {
    let d = fds.get(f);
    if (d === undefined) {
      const p = full(f);
      const existed = fs.existsSync(p);
      d = fs.openSync(p, 'a+');
      fds.set(f, d);
      if (!existed) syncDir(path.dirname(p)); // the new name must survive a crash too
    }
    return d;
  };
  const syncDir = (dir: string) => {
    const d = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(d);
    } finally {
      fs.closeSync(d);
    }
  };
  return {
    mkdirp(dir) {
      const p = full(dir);
      if (fs.existsSync(p)) return;
      fs.mkdirSync(p, { recursive: true });
      syncDir(path.dirname(p));
    },
    list(dir) {
      try {
        return fs.readdirSync(full(dir)).sort();
      } catch {
        return [];
      }
    },
    size(f) {
      try {
        return fs.statSync(full(f)).size;
      } catch {
        return undefined;
      }
    },
    readAt(f, offset, length) {
      const out = new Uint8Array(length);
      const n = fs.readSync(fd(f), out, 0, length, offset);
      return n === length ? out : out.subarray(0, n);
    },
    append(f, bytes) {
      const d = fd(f);
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(d, bytes, off, bytes.length - off);
    },
    sync(f, done) {
      fs.fdatasync(fd(f), (err) => done(err ?? undefined));
    },
    truncate(f, size) {
      const d = fd(f);
      fs.ftruncateSync(d, size);
      fs.fsyncSync(d);
    },
    replace(f, bytes) {
      const p = full(f);
      const tmp = `${p}.tmp`;
      const d = fs.openSync(tmp, 'w', 0o600);
      try {
        let off = 0;
        while (off < bytes.length) off += fs.writeSync(d, bytes, off, bytes.length - off);
        fs.fsyncSync(d);
      } finally {
        fs.closeSync(d);
      }
      fs.renameSync(tmp, p);
      syncDir(path.dirname(p));
    },
    read(f) {
      try {
        return new Uint8Array(fs.readFileSync(full(f)));
      } catch {
        return undefined;
      }
    },
    remove(f) {
      const d = fds.get(f);
      if (d !== undefined) fs.closeSync(d);
      fds.delete(f);
      fs.rmSync(full(f), { force: true });
    },
    close() {
      for (const d of fds.values()) fs.closeSync(d);
      fds.clear();
    },
  };
}
