// The on-flash log format shared by the journal and the state store: region headers, entries, and a scanner that
// walks a region one entry at a time through small fixed buffers.
//
// Entry (little-endian; W = unit: the flash word size, at least 4):
//   0  u8 magic 0xE5 · u8 kind · u16 payload length
//   4  u32 a · 8 u32 b · 12 u32 c          meaning depends on the kind (sequence, key, time...)
//   16 u32 CRC-32 of bytes 0..16           the header is trusted (length!) only when this matches
//   20 payload, padded with 0xFF to 4 bytes
//   .. u32 CRC-32 of header and payload, padded with 0xFF to W
//   .. commit unit: W bytes of C3 A5 5A 3C, programmed LAST, in its own step
// A body whose CRC matches is whole, so it is valid even if the commit unit itself was cut short. A body that
// fails its CRC behind an intact commit unit was complete once and then damaged: flash corruption, not a torn
// write. A unit of W zero bytes where an entry would start is padding: recovery zeroes torn tails so that any
// damage left in the middle of a region is corruption by construction.
//
// Region header (the first bytes of a journal sector or a store bank): two identical copies, each
//   u32 magic · u32 epoch · u32 m1 · u32 m2 · u32 CRC-32 of those 16 bytes, padded to W,
// so one flipped bit cannot make a live region look free. Either valid copy is enough.
import { crc32, crc32Update } from '../../protocol/src/crc32';
import type { ReasonName } from '../../protocol/src/reasons';
import type { Flash, FlashGeometry } from '../platform/hal';

export const ENTRY_MAGIC = 0xe5;
export const ENTRY_HEADER_BYTES = 20;

/** Entry kinds; the journal and the store each use their own. */
export const KIND_RECORD = 1;
export const KIND_ACK = 2;
export const KIND_VALUE = 3;
export const KIND_DELETE = 4;
/** A key whose latest value flash destroyed; carried through compaction so corruption is never forgotten. */
export const KIND_POISON = 5;

const COMMIT = [0xc3, 0xa5, 0x5a, 0x3c] as const;
const REGION_HEADER_FIELDS = 16;
const STAGE_BYTES = 256;

export interface Failure {
  readonly ok: false;
  readonly reason: ReasonName;
  readonly detail: string;
}

export function fail(reason: ReasonName, detail: string): Failure {
  return { ok: false, reason, detail };
}

export function alignUp(n: number, w: number): number {
  return Math.ceil(n / w) * w;
}

/** Bytes an entry with `len` payload bytes occupies on flash. */
export function entrySize(len: number, w: number): number {
  return alignUp(alignUp(ENTRY_HEADER_BYTES + len, 4) + 4, w) + w;
}

/** Bytes taken by the two region-header copies; data starts here. */
export function regionHeaderBytes(w: number): number {
  return 2 * alignUp(ENTRY_HEADER_BYTES, w);
}

/**
 * The format's unit W for a flash: at least 4 bytes (one u32 field), so byte- and halfword-programmable NOR (most
 * SPI NOR) uses 4-byte units, programmed as several words. The word size must be a power of two up to 64 bytes,
 * and a sector a whole number of units.
 */
export function unitFor(g: FlashGeometry, who: string): number | Failure {
  const { wordSize, sectorSize } = g;
  const w = Math.max(4, wordSize);
  if (!Number.isInteger(wordSize) || wordSize < 1 || wordSize > 64 || (wordSize & (wordSize - 1)) !== 0 || sectorSize % w !== 0) {
    return fail('INTERNAL_ERROR', `${who}: unsupported flash word size ${wordSize} for ${sectorSize}-byte sectors`);
  }
  return w;
}

function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

export function getU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

export interface RegionHeader {
  readonly epoch: number;
  readonly m1: number;
  readonly m2: number;
  /** Valid copies (1 or 2). One means no redundancy left: a cut during the second copy, or a flipped bit. */
  readonly copies: number;
}

export const CORRECTED = 'corrected';

export const SCAN_ENTRY = 1;
export const SCAN_BAD = 2;
export const SCAN_END = 3;
export type ScanStep = typeof SCAN_ENTRY | typeof SCAN_BAD | typeof SCAN_END;

/**
 * Flash access for the log format: verified programs, entry writes and region headers, through fixed scratch
 * buffers allocated once.
 */
export class LogIO {
  readonly w: number;
  private readonly stage = new Uint8Array(STAGE_BYTES);
  private readonly check = new Uint8Array(STAGE_BYTES);
  private readonly hdr = new Uint8Array(ENTRY_HEADER_BYTES);
  private readonly unit: Uint8Array;
  private readonly commit: Uint8Array;
  private readonly writer: StageWriter = new StageWriter(this);

  constructor(readonly flash: Flash) {
    this.w = Math.max(4, flash.geometry.wordSize);
    this.unit = new Uint8Array(this.w);
    this.commit = new Uint8Array(this.w);
    for (let i = 0; i < this.w; i++) this.commit[i] = COMMIT[i % 4]!;
  }

  read(offset: number, dst: Uint8Array, at: number, length: number): Failure | undefined {
    const r = this.flash.read(offset, dst, at, length);
    return r.ok ? undefined : fail(r.reason, r.detail);
  }

  erase(sector: number): Failure | undefined {
    const r = this.flash.erase(sector);
    return r.ok ? undefined : fail(r.reason, r.detail);
  }

  /** Programs whole words and reads them back: NOR's AND hides a write over unerased bits unless checked. */
  programVerified(offset: number, src: Uint8Array, at: number, length: number): Failure | undefined {
    const p = this.flash.program(offset, src, at, length);
    if (!p.ok) return fail(p.reason, p.detail);
    for (let done = 0; done < length; done += STAGE_BYTES) {
      const n = Math.min(STAGE_BYTES, length - done);
      const e = this.read(offset + done, this.check, 0, n);
      if (e) return e;
      for (let i = 0; i < n; i++) {
        if (this.check[i] !== src[at + done + i]) return fail('FLASH_WRITE_FAILED', `verify failed at ${offset + done + i}`);
      }
    }
    return undefined;
  }

  /** Programs zeros over [from, to): turns a torn or failed write into padding. */
  zeroFill(from: number, to: number): Failure | undefined {
    this.check.fill(0);
    for (let at = from; at < to; at += STAGE_BYTES) {
      const n = Math.min(STAGE_BYTES, to - at);
      const p = this.flash.program(at, this.check, 0, n);
      if (!p.ok) return fail(p.reason, p.detail);
    }
    return undefined;
  }

  /**
   * Writes one entry at `offset` (room already checked): header, payload and CRC first, then the commit unit
   * as a separate, final program step.
   */
  writeEntry(offset: number, kind: number, a: number, b: number, c: number, payload: Uint8Array, pAt: number, len: number): Failure | undefined {
    const h = this.hdr;
    h[0] = ENTRY_MAGIC;
    h[1] = kind;
    h[2] = len & 0xff;
    h[3] = len >>> 8;
    putU32(h, 4, a);
    putU32(h, 8, b);
    putU32(h, 12, c);
    const headerCrc = crc32(h, 0, REGION_HEADER_FIELDS);
    putU32(h, 16, headerCrc);
    // The body CRC covers the whole header: carry on from the header CRC over its last four bytes.
    const crc = crc32Update(crc32Update(headerCrc, h, REGION_HEADER_FIELDS, ENTRY_HEADER_BYTES), payload, pAt, pAt + len);
    const size = entrySize(len, this.w);
    const s = this.writer.begin(offset);
    let e = s.push(h, 0, ENTRY_HEADER_BYTES) ?? s.push(payload, pAt, len);
    if (e) return e;
    s.pad(4);
    putU32(this.unit, 0, crc);
    e = s.push(this.unit, 0, 4);
    if (e) return e;
    s.pad(this.w);
    e = s.flush();
    if (e) return e;
    return this.programVerified(offset + size - this.w, this.commit, 0, this.w);
  }

  /**
   * Completes the commit unit of the whole entry [at, at + size) whose write was cut during that unit. Until
   * then its commit says nothing, and a later flipped bit in it would pass for a torn write: a record the host
   * may have read would be discarded and its number handed out again. Programming the full pattern over a
   * partial one only clears the bits still missing. Best effort: a unit with a bit cleared that the pattern
   * keeps set was damaged, not cut, and is left alone (the entry still counts: its CRC matches).
   */
  seal(at: number, size: number): void {
    const u = at + size - this.w;
    if (this.read(u, this.unit, 0, this.w)) return;
    for (let i = 0; i < this.w; i++) if ((this.unit[i]! & this.commit[i]!) !== this.commit[i]) return;
    this.programVerified(u, this.commit, 0, this.w);
  }

  /** Copies `size` bytes of flash from `from` to `to` (a verbatim entry copy during compaction). */
  copy(from: number, to: number, size: number): Failure | undefined {
    for (let done = 0; done < size; done += STAGE_BYTES) {
      const n = Math.min(STAGE_BYTES, size - done);
      const e = this.read(from + done, this.stage, 0, n) ?? this.programVerified(to + done, this.stage, 0, n);
      if (e) return e;
    }
    return undefined;
  }

  /** End of the last W-unit in [from, to) that is not all 0xFF, or `from` when the range is blank. */
  lastNonBlank(from: number, to: number): number | Failure {
    let last = from;
    for (let at = from; at < to; at += STAGE_BYTES) {
      const n = Math.min(STAGE_BYTES, to - at);
      const e = this.read(at, this.stage, 0, n);
      if (e) return e;
      for (let i = 0; i < n; i++) if (this.stage[i] !== 0xff) last = at + alignUp(i + 1, this.w);
    }
    return last;
  }

  isCommitUnit(at: number): boolean {
    if (this.read(at, this.unit, 0, this.w)) return false;
    for (let i = 0; i < this.w; i++) if (this.unit[i] !== this.commit[i]) return false;
    return true;
  }

  readRegionHeader(offset: number, magic: number): RegionHeader | undefined | Failure {
    const span = alignUp(ENTRY_HEADER_BYTES, this.w);
    let found: { epoch: number; m1: number; m2: number } | undefined;
    let copies = 0;
    for (let copy = 0; copy < 2; copy++) {
      const e = this.read(offset + copy * span, this.hdr, 0, ENTRY_HEADER_BYTES);
      if (e) return e;
      const h = this.hdr;
      if (getU32(h, 0) === magic && getU32(h, 16) === crc32(h, 0, REGION_HEADER_FIELDS)) {
        copies++;
        found ??= { epoch: getU32(h, 4), m1: getU32(h, 8), m2: getU32(h, 12) };
      }
    }
    return found === undefined ? undefined : { ...found, copies };
  }

  writeRegionHeader(offset: number, magic: number, epoch: number, m1: number, m2: number): Failure | undefined {
    const span = alignUp(ENTRY_HEADER_BYTES, this.w);
    const b = this.stage;
    b.fill(0xff, 0, span);
    putU32(b, 0, magic);
    putU32(b, 4, epoch);
    putU32(b, 8, m1);
    putU32(b, 12, m2);
    putU32(b, 16, crc32(b, 0, REGION_HEADER_FIELDS));
    return this.programVerified(offset, b, 0, span) ?? this.programVerified(offset + span, b, 0, span);
  }

  /**
   * Parses and checks the entry header at `at` into `out`. True: trustworthy. CORRECTED: it was one bit away
   * from exactly one valid header (CRC-32 locates single-bit errors in 20 bytes), which names the damaged
   * entry and its extent; such an entry is still reported as damaged, never returned. False: not a header.
   */
  readEntryHeader(at: number, end: number, maxLen: number, out: EntryFields, correct = false): boolean | typeof CORRECTED | Failure {
    if (at + ENTRY_HEADER_BYTES > end) return false;
    const e = this.read(at, this.hdr, 0, ENTRY_HEADER_BYTES);
    if (e) return e;
    if (this.headerValid(at, end, maxLen, out)) return true;
    if (!correct) return false;
    const h = this.hdr;
    let found = -1;
    for (let bit = 0; bit < ENTRY_HEADER_BYTES * 8; bit++) {
      h[bit >>> 3] = h[bit >>> 3]! ^ (1 << (bit & 7));
      if (this.headerValid(at, end, maxLen, out)) {
        if (found >= 0) found = -2;
        else if (found === -1) found = bit;
      }
      h[bit >>> 3] = h[bit >>> 3]! ^ (1 << (bit & 7));
    }
    if (found < 0) return false;
    h[found >>> 3] = h[found >>> 3]! ^ (1 << (found & 7));
    this.headerValid(at, end, maxLen, out);
    return CORRECTED;
  }

  private headerValid(at: number, end: number, maxLen: number, out: EntryFields): boolean {
    const h = this.hdr;
    if (h[0] !== ENTRY_MAGIC || getU32(h, 16) !== crc32(h, 0, REGION_HEADER_FIELDS)) return false;
    const kind = h[1]!;
    const len = h[2]! | (h[3]! << 8);
    if (kind < KIND_RECORD || kind > KIND_POISON || len > maxLen || at + entrySize(len, this.w) > end) return false;
    out.kind = kind;
    out.len = len;
    out.a = getU32(h, 4);
    out.b = getU32(h, 8);
    out.c = getU32(h, 12);
    return true;
  }

  /**
   * Checks the body of an entry whose header is in `f` (and still in the header scratch). With `dst` large
   * enough, the payload lands there; otherwise it is streamed through the stage buffer.
   */
  checkBody(at: number, f: EntryFields, dst: Uint8Array | undefined): { bodyOk: boolean; committed: boolean } | Failure {
    let crc = crc32(this.hdr, 0, ENTRY_HEADER_BYTES);
    const p = at + ENTRY_HEADER_BYTES;
    if (dst !== undefined && f.len <= dst.length) {
      const e = this.read(p, dst, 0, f.len);
      if (e) return e;
      crc = crc32Update(crc, dst, 0, f.len);
    } else {
      for (let done = 0; done < f.len; done += STAGE_BYTES) {
        const n = Math.min(STAGE_BYTES, f.len - done);
        const e = this.read(p + done, this.stage, 0, n);
        if (e) return e;
        crc = crc32Update(crc, this.stage, 0, n);
      }
    }
    const e = this.read(at + alignUp(ENTRY_HEADER_BYTES + f.len, 4), this.unit, 0, 4);
    if (e) return e;
    const bodyOk = getU32(this.unit, 0) === crc;
    return { bodyOk, committed: this.isCommitUnit(at + entrySize(f.len, this.w) - this.w) };
  }

  /** First W bytes at `at`: 1 all erased, 0 all zero (padding), -1 anything else. */
  unitState(at: number): 1 | 0 | -1 | Failure {
    const e = this.read(at, this.unit, 0, this.w);
    if (e) return e;
    let ff = true;
    let zero = true;
    for (let i = 0; i < this.w; i++) {
      if (this.unit[i] !== 0xff) ff = false;
      if (this.unit[i] !== 0) zero = false;
    }
    return ff ? 1 : zero ? 0 : -1;
  }
}

/** Buffers an entry's bytes and programs them a stage at a time, always on word boundaries. */
class StageWriter {
  private fill = 0;
  private pos = 0;
  private readonly buf = new Uint8Array(STAGE_BYTES);
  constructor(private readonly io: LogIO) {}

  begin(pos: number): this {
    this.pos = pos;
    this.fill = 0;
    return this;
  }

  push(src: Uint8Array, at: number, n: number): Failure | undefined {
    for (let i = 0; i < n; ) {
      const k = Math.min(n - i, STAGE_BYTES - this.fill);
      this.buf.set(src.subarray(at + i, at + i + k), this.fill);
      this.fill += k;
      i += k;
      if (this.fill === STAGE_BYTES) {
        const e = this.io.programVerified(this.pos, this.buf, 0, STAGE_BYTES);
        if (e) return e;
        this.pos += STAGE_BYTES;
        this.fill = 0;
      }
    }
    return undefined;
  }

  /** Pads with 0xFF (bits left erased) up to a multiple of `to` bytes from the entry start. */
  pad(to: number): void {
    const n = alignUp(this.fill, to) - this.fill;
    for (let i = 0; i < n; i++) this.buf[this.fill + i] = 0xff;
    this.fill += n;
  }

  flush(): Failure | undefined {
    if (this.fill === 0) return undefined;
    return this.io.programVerified(this.pos, this.buf, 0, this.fill);
  }
}

/** Mutable entry fields, filled in place so that scanning allocates nothing per entry. */
export interface EntryFields {
  kind: number;
  len: number;
  a: number;
  b: number;
  c: number;
}

/**
 * Walks the entries of [start, end) one at a time. `next()` says what it found and fills the public fields:
 * - SCAN_ENTRY: a whole entry at `at` of `size` bytes; `f` holds its fields (payload in `dst` if it fit);
 *   `committed` false means the cut fell on its commit unit (see LogIO.seal).
 * - SCAN_BAD: damaged bytes [at, to). `known` says whether `f` holds a trustworthy header; `committed` whether
 *   a complete commit unit closes it (the entry was whole once, so this is corruption, not a torn write).
 * - SCAN_END: no more entries; `at` is where the next entry would go.
 * A scan with a trustworthy-looking header elsewhere resynchronises at the next valid entry.
 */
export class LogScanner {
  at = 0;
  size = 0;
  to = 0;
  known = false;
  committed = false;
  readonly f: EntryFields = { kind: 0, len: 0, a: 0, b: 0, c: 0 };
  private pos: number;
  private readonly probe: EntryFields = { kind: 0, len: 0, a: 0, b: 0, c: 0 };

  constructor(
    private readonly io: LogIO,
    start: number,
    private readonly end: number,
    private readonly maxLen: number,
    private readonly dst?: Uint8Array,
  ) {
    this.pos = start;
  }

  get position(): number {
    return this.pos;
  }

  next(): ScanStep | Failure {
    const w = this.io.w;
    for (;;) {
      if (this.pos + w > this.end) {
        this.at = this.pos;
        return SCAN_END;
      }
      const u = this.io.unitState(this.pos);
      if (typeof u === 'object') return u;
      if (u === 0) {
        this.pos += w;
        continue;
      }
      this.at = this.pos;
      if (u === 1) {
        // Erased where an entry would start: the end, unless something was programmed further on.
        const last = this.io.lastNonBlank(this.pos, this.end);
        if (typeof last === 'object') return last;
        if (last <= this.pos) return SCAN_END;
        return this.bad(last, false);
      }
      const h = this.io.readEntryHeader(this.pos, this.end, this.maxLen, this.f, true);
      if (typeof h === 'object') return h;
      if (h === CORRECTED) {
        this.size = entrySize(this.f.len, w);
        return this.bad(this.pos + this.size, true);
      }
      if (h) {
        const body = this.io.checkBody(this.pos, this.f, this.dst);
        if ('ok' in body) return body;
        this.size = entrySize(this.f.len, w);
        if (body.bodyOk) {
          this.committed = body.committed;
          this.pos += this.size;
          return SCAN_ENTRY;
        }
        this.known = true;
        this.committed = body.committed;
        this.to = this.pos + this.size;
        this.pos = this.to;
        return SCAN_BAD;
      }
      // No trustworthy header: the damage runs to the next valid entry, or to the last programmed byte.
      const last = this.io.lastNonBlank(this.pos, this.end);
      if (typeof last === 'object') return last;
      for (let q = this.pos + w; q < last; q += w) {
        const hq = this.io.readEntryHeader(q, this.end, this.maxLen, this.probe);
        if (typeof hq === 'object') return hq;
        if (hq !== true) continue;
        const body = this.io.checkBody(q, this.probe, undefined);
        if ('ok' in body) return body;
        if (body.bodyOk) return this.bad(q, false);
      }
      return this.bad(Math.max(last, this.pos + w), false);
    }
  }

  private bad(to: number, known: boolean): ScanStep {
    this.known = known;
    this.to = to;
    this.committed = this.io.isCommitUnit(to - this.io.w);
    this.pos = to;
    return SCAN_BAD;
  }
}
