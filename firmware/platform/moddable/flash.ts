// The HAL Flash on a Moddable device. The device's flash object is passed in by the application's main module
// (which may import device modules); this file imports none, so it compiles and bundles engine-neutral.
//
//   ECMA-419 (`embedded:storage/flash`):  const p = flash.open({ path: "journal" });  flashFromPartition(p)
//   older Moddable (`flash`):            flashFromLegacy(new Flash("journal"))
//
// Mapping: sector = erase block (`status().blockLength` / `blockSize`), sectorCount = partition size / sector.
// read → `read(view, offset)` (ECMA-419 fills the caller's buffer, no allocation) or `read(offset, length)`;
// program → `write(view, offset)` / `write(offset, length, buffer)`; erase → `eraseBlock(n)` / `erase(n)`.
// SPI NOR programs bytes, so any word size works; pick 16 when flash encryption is on (ESP32 encrypts and
// writes 16-byte blocks). Device calls throw on failure; here every throw becomes a typed FLASH_* result.
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
      if (!inRange(offset, length)) return { ok: false, reason: 'FLASH_READ_FAILED', detail: 'out of range' };
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
    read: (offset, dst, at, length) => void p.read(dst.subarray(at, at + length), offset),
    program: (offset, src, at, length) => p.write(src.subarray(at, at + length), offset),
    erase: (sector) => p.eraseBlock(sector),
  });
}

export function flashFromLegacy(f: LegacyFlash, wordSize = 4): Flash {
  // The legacy write takes an ArrayBuffer: programs are staged through one reused buffer.
  let scratch = new Uint8Array(256);
  return checkedFlash(f.byteLength, f.blockSize, wordSize, {
    read: (offset, dst, at, length) => dst.set(new Uint8Array(f.read(offset, length)), at),
    program: (offset, src, at, length) => {
      if (scratch.length < length) scratch = new Uint8Array(length);
      scratch.set(src.subarray(at, at + length));
      f.write(offset, length, scratch.buffer);
    },
    erase: (sector) => f.erase(sector),
  });
}
