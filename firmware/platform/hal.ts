// The hardware abstraction the firmware core talks to. Each platform (sim/, moddable/) implements it; the core
// never touches a device module. Only flash so far; other peripherals join here as their issues land.

/** Shape of a NOR flash partition: erase by sector, program by word, read anything. */
export interface FlashGeometry {
  /** Erase unit in bytes. An erased sector reads 0xFF everywhere. */
  readonly sectorSize: number;
  readonly sectorCount: number;
  /** Program unit in bytes: programs start on a word boundary and cover whole words. */
  readonly wordSize: number;
}

export type FlashResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'FLASH_WRITE_FAILED' | 'FLASH_READ_FAILED'; readonly detail: string };

/**
 * NOR flash behind the HAL. Offsets are bytes from the start of the partition. Programming can only clear bits:
 * each stored bit becomes (old AND new), as on real NOR, so writing over data that is not erased silently yields
 * a mix; the storage layer reads back to verify. Errors are values, never throws.
 */
export interface Flash {
  readonly geometry: FlashGeometry;
  /** Copies `length` bytes at `offset` into `dst[at, at + length)`. */
  read(offset: number, dst: Uint8Array, at: number, length: number): FlashResult;
  /** Programs `src[at, at + length)` at `offset`; offset and length are multiples of the word size. */
  program(offset: number, src: Uint8Array, at: number, length: number): FlashResult;
  /** Erases one sector back to 0xFF. */
  erase(sector: number): FlashResult;
}
