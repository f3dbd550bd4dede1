// The HAL Flash on a Moddable device. The device's flash object is passed in by the application's main module
// (which may import device modules); this file imports none, so it compiles and bundles engine-neutral.
//
//   ECMA-419 (`embedded:storage/flash`):  const p = flash.open({ path: "journal" });  flashFromPartition(p)
//   older Moddable (`flash`):            flashFromLegacy(new Flash("journal"))
//
// Mapping: sector = erase block (`status().blockLength` / `blockSize`), sectorCount = partition size / sector.
// read → `read(view, offset)` (ECMA-419 fills the caller's buffer) or `read(offset, length)` (the older module
// returns a new ArrayBuffer on every call: the adapter serves small reads from one window buffer it keeps and
// fills 256 bytes at a time, and the storage layer reads in large pieces); program → `write(view, offset)` / `write(offset, length,
// buffer)`; erase → `eraseBlock(n)` / `erase(n)`. The word size defaults to 4, the storage format's unit (SPI
// NOR programs bytes, so any larger alignment works too). Device calls throw on failure; here every throw
// becomes a typed FLASH_* result.
//
// Flash encryption: the storage format needs erased flash to read 0xFF and programs bits in several steps, which
// encrypted flash cannot give (erased cells read as noise through decryption, and a block can be written only
// once). Mark the journal and store data partitions unencrypted in the partition table (ESP-IDF encrypts a data
// partition only when it carries the `encrypted` flag); on an encrypted partition the storage refuses to mount
// with FLASH_ENCRYPTED, before it writes anything. No word size makes it work.
import type { Flash, FlashGeometry, FlashResult } from '../hal';

/** The part of an ECMA-419 flash partition this adapter uses. */
export interface Ecma419Partition {
  read(buffer: Uint8Array, byteOffset: number): unknown;
  write(buffer: Uint8Array, byteOffset: number): void;
  eraseBlock(block: number): void;
  status(): { readonly size: number; readonly blockLength: number };
}

/** The part of the older Moddable `flash` module's Flash instance this adapter uses. */
export interface LegacyFlash {
  read(offset: number, byteLength: number): ArrayBuffer;
  write(offset: number, byteLength: number, buffer: ArrayBuffer): void;
  erase(sector: number): void;
  readonly byteLength: number;
  readonly blockSize: number;
}

const OK: FlashResult = { ok: true };
/** Reads shorter than this are served from the legacy adapter's window, which it fills this much at a time. */
const LEGACY_WINDOW = 256;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs a device call that throws on failure, as a typed result. */
function attempt(reason: 'FLASH_READ_FAILED' | 'FLASH_WRITE_FAILED', call: () => void): FlashResult {
  try {
    call();
    return OK;
  } catch (e) {
    return { ok: false, reason, detail: message(e) };
  }
}

/** The raw device calls an adapter maps the HAL onto; ranges and alignment are checked before they run. */
interface DeviceCalls {
  read(offset: number, dst: Uint8Array, at: number, length: number): void;
  program(offset: number, src: Uint8Array, at: number, length: number): void;
  erase(sector: number): void;
}

function checkedFlash(size: number, block: number, wordSize: number, dev: DeviceCalls): Flash {
  const g: FlashGeometry = { sectorSize: block, sectorCount: Math.floor(size / block), wordSize };
  const inRange = (offset: number, length: number) =>
    Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= g.sectorSize * g.sectorCount;
  return {
    geometry: g,
    read(offset, dst, at, length) {
      if (!inRange(offset, length) || !Number.isInteger(at) || at < 0 || at + length > dst.length) {
        return { ok: false, reason: 'FLASH_READ_FAILED', detail: 'out of range' };
      }
      return attempt('FLASH_READ_FAILED', () => dev.read(offset, dst, at, length));
    },
    program(offset, src, at, length) {
      if (!inRange(offset, length) || offset % wordSize !== 0 || length % wordSize !== 0) {
        return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'unaligned or out of range' };
      }
      return attempt('FLASH_WRITE_FAILED', () => dev.program(offset, src, at, length));
    },
    erase(sector) {
      if (!Number.isInteger(sector) || sector < 0 || sector >= g.sectorCount) return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no such sector' };
      return attempt('FLASH_WRITE_FAILED', () => dev.erase(sector));
    },
  };
}

export function flashFromPartition(p: Ecma419Partition, wordSize = 4): Flash {
  const s = p.status();
  return checkedFlash(s.size, s.blockLength, wordSize, {
    read: (offset, dst, at, length) => void p.read(at === 0 && length === dst.length ? dst : dst.subarray(at, at + length), offset),
    program: (offset, src, at, length) => p.write(at === 0 && length === src.length ? src : src.subarray(at, at + length), offset),
    erase: (sector) => p.eraseBlock(sector),
  });
}

export function flashFromLegacy(f: LegacyFlash, wordSize = 4): Flash {
  // Reads: one window buffer, filled a window at a time, invalidated by every program and erase over it.
  const win = new Uint8Array(LEGACY_WINDOW);
  let winAt = -1;
  let winLen = 0;
  const invalidate = (from: number, to: number) => {
    if (winAt >= 0 && from < winAt + winLen && to > winAt) winAt = -1;
  };
  // Programs: the legacy write takes an ArrayBuffer, staged through one reused buffer.
  let scratch = new Uint8Array(256);
  return checkedFlash(f.byteLength, f.blockSize, wordSize, {
    read: (offset, dst, at, length) => {
      if (length >= LEGACY_WINDOW / 4) {
        dst.set(new Uint8Array(f.read(offset, length)), at);
        return;
      }
      if (winAt < 0 || offset < winAt || offset + length > winAt + winLen) {
        winAt = -1;
        winLen = Math.min(LEGACY_WINDOW, f.byteLength - offset);
        win.set(new Uint8Array(f.read(offset, winLen)));
        winAt = offset;
      }
      for (let i = 0; i < length; i++) dst[at + i] = win[offset - winAt + i]!;
    },
    program: (offset, src, at, length) => {
      invalidate(offset, offset + length);
      if (scratch.length < length) scratch = new Uint8Array(length);
      scratch.set(src.subarray(at, at + length));
      f.write(offset, length, scratch.buffer);
    },
    erase: (sector) => {
      invalidate(sector * f.blockSize, (sector + 1) * f.blockSize);
      f.erase(sector);
    },
  });
}
