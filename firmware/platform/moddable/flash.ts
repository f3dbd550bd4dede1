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

function inRange(g: FlashGeometry, offset: number, length: number): boolean {
  return Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= g.sectorSize * g.sectorCount;
}

function geometry(size: number, block: number, wordSize: number): FlashGeometry {
  return { sectorSize: block, sectorCount: Math.floor(size / block), wordSize };
}

export function flashFromPartition(p: Ecma419Partition, wordSize = 4): Flash {
  const s = p.status();
  const g = geometry(s.size, s.blockLength, wordSize);
  return {
    geometry: g,
    read(offset, dst, at, length) {
      if (!inRange(g, offset, length)) return { ok: false, reason: 'FLASH_READ_FAILED', detail: 'out of range' };
      try {
        p.read(dst.subarray(at, at + length), offset);
        return OK;
      } catch (e) {
        return { ok: false, reason: 'FLASH_READ_FAILED', detail: message(e) };
      }
    },
    program(offset, src, at, length) {
      if (!inRange(g, offset, length) || offset % wordSize !== 0 || length % wordSize !== 0) {
        return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'unaligned or out of range' };
      }
      try {
        p.write(src.subarray(at, at + length), offset);
        return OK;
      } catch (e) {
        return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: message(e) };
      }
    },
    erase(sector) {
      if (!Number.isInteger(sector) || sector < 0 || sector >= g.sectorCount) return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no such sector' };
      try {
        p.eraseBlock(sector);
        return OK;
      } catch (e) {
        return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: message(e) };
      }
    },
  };
}

export function flashFromLegacy(f: LegacyFlash, wordSize = 4): Flash {
  const g = geometry(f.byteLength, f.blockSize, wordSize);
  // The legacy write takes an ArrayBuffer: programs are staged through one reused buffer.
  let scratch = new Uint8Array(256);
  return {
    geometry: g,
    read(offset, dst, at, length) {
      if (!inRange(g, offset, length)) return { ok: false, reason: 'FLASH_READ_FAILED', detail: 'out of range' };
      try {
        dst.set(new Uint8Array(f.read(offset, length)), at);
        return OK;
      } catch (e) {
        return { ok: false, reason: 'FLASH_READ_FAILED', detail: message(e) };
      }
    },
    program(offset, src, at, length) {
      if (!inRange(g, offset, length) || offset % wordSize !== 0 || length % wordSize !== 0) {
        return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'unaligned or out of range' };
      }
      try {
        if (scratch.length < length) scratch = new Uint8Array(length);
        scratch.set(src.subarray(at, at + length));
        f.write(offset, length, scratch.buffer);
        return OK;
      } catch (e) {
        return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: message(e) };
      }
    },
    erase(sector) {
      if (!Number.isInteger(sector) || sector < 0 || sector >= g.sectorCount) return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no such sector' };
      try {
        f.erase(sector);
        return OK;
      } catch (e) {
        return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: message(e) };
      }
    },
  };
}
