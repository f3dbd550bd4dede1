// The on-flash log format (version 2) shared by the journal and the state store: region headers, entries, the
// chain scanner, and the recovery of a region's tail after a power cut. README.md states the rules; in short:
//
// Entry (little-endian; W = unit: the flash word size, at least 4; H = header span, 20 bytes rounded up to W):
//   0  u8 magic 0xE5 · u8 kind · u16 payload length
//   4  u32 a · 8 u32 b · 12 u32 c          meaning depends on the kind (sequence, key, time...)
//   16 u32 header CRC                      CRC-32 (format-2 seed) of bytes 0..16: the length is trusted only then
//   20 payload, padded with 0xFF to 4 bytes
//   .. u32 body CRC                        of the header and the payload, padded with 0xFF to W
//   .. commit unit: W bytes, the entry's own commit word (derived from its header CRC), programmed LAST
// Written as program operations that never cross a PROGRAM_PAGE boundary: the first H bytes alone, then the
// rest of the body, then the commit unit alone, each read back before the next. A W-unit of zeros at an entry
// position is padding.
//
// Chain rule: an entry is only ever parsed at a position reached from the region's start through whole,
// checked entries (and padding). Nothing searches the payload for structure, so no payload content can be
// taken for a header, a commit or a region header. One cut, one operation: a power cut interrupts one program
// or erase, whose cells may read differently on each read until rewritten; recoverTail bounds what it can
// have touched and makes whatever the mount decides durable, so a cut is never taken for damage.
import { crc32Update } from '../../protocol/src/crc32';
import type { ReasonName } from '../../protocol/src/reasons';
import type { Flash, FlashGeometry } from '../platform/hal';

export const FORMAT_VERSION = 2;
const ENTRY_MAGIC = 0xe5;
export const ENTRY_HEADER_BYTES = 20;
/** Program operations never cross a multiple of this: a cut leaves half-programmed cells only inside the one it interrupted. */
export const PROGRAM_PAGE = 256;

/** Entry kinds; the journal and the store each use their own. */
export const KIND_RECORD = 1;
/** Format 1's journal ack entry; format 2 keeps acknowledgements in each sector's ack field and never writes it. */
export const KIND_ACK = 2;
export const KIND_VALUE = 3;
export const KIND_DELETE = 4;
/** A key whose latest value flash destroyed; carried through compaction so corruption is never forgotten. */
export const KIND_POISON = 5;

/** CRC seed of format 2: a format-1 header or entry never checks as a format-2 one. */
const SEED = 0x57415232;
const COMMIT_KEY = 0xa55ac33c;
const REGION_FIELDS = 16;
const WINDOW = 1024;
/** Rewrites of a doubtful entry whose reads disagreed with its CRC before it is given up as torn. */
const REWRITE_TRIES = 4;

export interface Failure {
  readonly ok: false;
  readonly reason: ReasonName;
  readonly detail: string;
}

export function fail(reason: ReasonName, detail: string): Failure {
  return { ok: false, reason, detail };
}

const VERIFY = 'verify failed at ';

/** A program that ran but did not read back (a cell that will not take it), as opposed to power or a bus error. */
export function verifyFailed(e: Failure): boolean {
  return e.reason === 'FLASH_WRITE_FAILED' && e.detail.startsWith(VERIFY);
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

function getU32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Bits set in a 32-bit word, without a loop per bit (every unit of a scan and of an erased check counts them). */
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function crc(b: Uint8Array, from: number, to: number): number {
  return crc32Update(SEED, b, from, to);
}

/** The commit word of the entry whose header CRC is `hcrc`: never all-erased, never all-zero. */
export function commitWord(hcrc: number): number {
  const x = (hcrc ^ COMMIT_KEY) >>> 0;
  return x === 0 || x === 0xffffffff ? COMMIT_KEY : x;
}

export interface RegionHeader {
  epoch: number;
  m1: number;
  m2: number;
}

export const REGION_NONE = 0;
export const REGION_VALID = 1;
/** A format-1 header (an older firmware's partition). */
export const REGION_OLD = 2;
export type RegionKind = typeof REGION_NONE | typeof REGION_VALID | typeof REGION_OLD;

/** What a region-header area holds. */
export interface RegionRead {
  readonly header: RegionHeader | undefined;
  /** A format-1 header (an older firmware's partition). */
  readonly old: boolean;
}

/** Mutable entry fields, filled in place so that scanning allocates nothing per entry. */
export interface EntryFields {
  kind: number;
  len: number;
  a: number;
  b: number;
  c: number;
  hcrc: number;
}

export const HEADER_INVALID = 0;
export const HEADER_VALID = 1;
/** One bit away from exactly one valid header (CRC-32 locates single-bit errors in 20 bytes). */
export const HEADER_CORRECTED = 2;
export type HeaderCheck = typeof HEADER_INVALID | typeof HEADER_VALID | typeof HEADER_CORRECTED;

export const COMMIT_COMPLETE = 0;
/** Not (yet) the commit word, but every bit it clears may still be cleared: absent or cut short. */
export const COMMIT_PARTIAL = 1;
/** A bit the commit word keeps set is cleared: damaged, cannot be completed. */
export const COMMIT_BROKEN = 2;
export type CommitState = typeof COMMIT_COMPLETE | typeof COMMIT_PARTIAL | typeof COMMIT_BROKEN;

/** Carves byte views, each a multiple of 4 bytes apart, out of one buffer allocated once. */
export class Scratch {
  private readonly buf: ArrayBuffer;
  private at = 0;
  constructor(bytes: number) {
    this.buf = new ArrayBuffer(bytes);
  }
  take(n: number): Uint8Array {
    const v = new Uint8Array(this.buf, this.at, n);
    this.at += alignUp(n, 4);
    return v;
  }
}

/**
 * Flash access for the log format through small fixed buffers allocated once: a read window, verified
 * page-bounded programs, verified erases, entries and region headers.
 */
export class LogIO {
  readonly w: number;
  /** Header span: the first program operation of an entry. */
  readonly hs: number;
  private readonly size: number;
  private readonly win: Uint8Array;
  private winAt = -1;
  private winLen = 0;
  private readonly check: Uint8Array;
  private readonly zeros: Uint8Array;
  private readonly stage: Uint8Array;
  private readonly hdr: Uint8Array;
  private area = new Uint8Array(0);
  private readonly unit: Uint8Array;
  private readonly writer: OpWriter;

  constructor(readonly flash: Flash) {
    this.w = Math.max(4, flash.geometry.wordSize);
    this.hs = alignUp(ENTRY_HEADER_BYTES, this.w);
    this.size = flash.geometry.sectorSize * flash.geometry.sectorCount;
    // Every scratch buffer is a view into one allocation: a mount builds a LogIO, and each allocation is a
    // fixed cost of every mount (on XS a chunk each; in V8 a backing store each).
    const scratch = new Scratch(WINDOW + 4 * PROGRAM_PAGE + alignUp(ENTRY_HEADER_BYTES, 4) + this.w);
    this.win = scratch.take(WINDOW);
    this.check = scratch.take(PROGRAM_PAGE);
    this.zeros = scratch.take(PROGRAM_PAGE); // a new ArrayBuffer reads zero
    this.stage = scratch.take(PROGRAM_PAGE);
    this.hdr = scratch.take(ENTRY_HEADER_BYTES);
    this.unit = scratch.take(this.w);
    this.writer = new OpWriter(this, scratch.take(PROGRAM_PAGE));
  }

  // ---- reads ----

  /** Makes [offset, offset + n) (n ≤ 1 KiB) readable in the window and returns its index there. */
  view(offset: number, n: number): number | Failure {
    if (this.winAt >= 0 && offset >= this.winAt && offset + n <= this.winAt + this.winLen) return offset - this.winAt;
    const len = Math.min(WINDOW, this.size - offset);
    if (len < n) return fail('FLASH_READ_FAILED', `read past the end of the flash at ${offset}`);
    this.winAt = -1;
    const r = this.flash.read(offset, this.win, 0, len);
    if (!r.ok) return fail(r.reason, r.detail);
    this.winAt = offset;
    this.winLen = len;
    return 0;
  }

  /** A read straight from flash into `dst`, past the window: for small fields read once per sector. */
  readDirect(offset: number, dst: Uint8Array, at: number, n: number): Failure | undefined {
    const r = this.flash.read(offset, dst, at, n);
    return r.ok ? undefined : fail(r.reason, r.detail);
  }

  read(offset: number, dst: Uint8Array, at: number, n: number): Failure | undefined {
    for (let done = 0; done < n; ) {
      const k = Math.min(n - done, WINDOW);
      const i = this.view(offset + done, k);
      if (typeof i === 'object') return i;
      for (let j = 0; j < k; j++) dst[at + done + j] = this.win[i + j]!;
      done += k;
    }
    return undefined;
  }

  /** True when every byte of [from, to) reads `value` (0xFF: erased). */
  allAre(from: number, to: number, value: number): boolean | Failure {
    for (let at = from; at < to; ) {
      const k = Math.min(to - at, WINDOW);
      const i = this.view(at, k);
      if (typeof i === 'object') return i;
      for (let j = 0; j < k; j++) if (this.win[i + j] !== value) return false;
      at += k;
    }
    return true;
  }

  /**
   * The W-unit at `at`: 1 erased, 0 padding, -1 anything else. One flipped bit is tolerated both ways (a unit
   * with at most one bit cleared reads as erased, with at most one bit set as padding): an entry header's
   * first unit is neither (its magic alone has five bits set and three cleared).
   */
  unitState(at: number): 1 | 0 | -1 | Failure {
    const i = this.view(at, this.w);
    if (typeof i === 'object') return i;
    let ones = 0;
    for (let j = 0; j < this.w; j += 4) ones += popcount32(getU32(this.win, i + j));
    return ones >= 8 * this.w - 1 ? 1 : ones <= 1 ? 0 : -1;
  }

  /** True when every W-unit of [from, to) reads as erased (one flipped bit tolerated per unit). */
  erased(from: number, to: number): boolean | Failure {
    for (let at = from; at + this.w <= to; at += this.w) {
      const u = this.unitState(at);
      if (u !== 1) return typeof u === 'object' ? u : false;
    }
    return true;
  }

  /**
   * True when some unit position in [from, to) holds an entry header that checks. Only ever used to refuse to
   * zero a region (a cut header is never followed by whole headers), never to find or return anything.
   */
  headerWithin(from: number, to: number, end: number, maxLen: number): boolean | Failure {
    const f: EntryFields = { kind: 0, len: 0, a: 0, b: 0, c: 0, hcrc: 0 };
    for (let at = from; at < to; at += this.w) {
      const u = this.unitState(at);
      if (typeof u === 'object') return u;
      if (u !== -1 || at + ENTRY_HEADER_BYTES > end) continue;
      const e = this.read(at, this.hdr, 0, ENTRY_HEADER_BYTES);
      if (e) return e;
      if (this.headerValid(at, end, maxLen, f)) return true;
    }
    return false;
  }

  private invalidate(from: number, to: number): void {
    if (this.winAt >= 0 && from < this.winAt + this.winLen && to > this.winAt) this.winAt = -1;
  }

  // ---- writes ----

  /**
   * Programs src[at, at + n) at `offset` as operations that never cross a PROGRAM_PAGE boundary, each read
   * back and compared before the next: NOR's AND hides a program over unerased bits unless checked.
   */
  program(offset: number, src: Uint8Array, at: number, n: number): Failure | undefined {
    for (let done = 0; done < n; ) {
      const o = offset + done;
      const k = Math.min(n - done, PROGRAM_PAGE - (o % PROGRAM_PAGE));
      this.invalidate(o, o + k);
      const p = this.flash.program(o, src, at + done, k);
      if (!p.ok) return fail(p.reason, p.detail);
      const r = this.flash.read(o, this.check, 0, k);
      if (!r.ok) return fail(r.reason, r.detail);
      for (let j = 0; j < k; j++) {
        if (this.check[j] !== src[at + done + j]) return fail('FLASH_WRITE_FAILED', `${VERIFY}${o + j}`);
      }
      done += k;
    }
    return undefined;
  }

  /**
   * Programs src[at, at + n) over [offset, offset + n) to clear bits in a mutable field (a sector's ack field),
   * then checks that every bit it clears reads 0; the other bits stay whatever they were.
   */
  clear(offset: number, src: Uint8Array, at: number, n: number): Failure | undefined {
    for (let done = 0; done < n; ) {
      const o = offset + done;
      const k = Math.min(n - done, PROGRAM_PAGE - (o % PROGRAM_PAGE));
      this.invalidate(o, o + k);
      const p = this.flash.program(o, src, at + done, k);
      if (!p.ok) return fail(p.reason, p.detail);
      const r = this.flash.read(o, this.check, 0, k);
      if (!r.ok) return fail(r.reason, r.detail);
      for (let j = 0; j < k; j++) {
        if ((this.check[j]! & ~src[at + done + j]!) & 0xff) return fail('FLASH_WRITE_FAILED', `${VERIFY}${o + j}`);
      }
      done += k;
    }
    return undefined;
  }

  /** Programs zeros over [from, to): padding, which never parses as an entry. */
  zero(from: number, to: number): Failure | undefined {
    for (let at = from; at < to; ) {
      const k = Math.min(to - at, PROGRAM_PAGE - (at % PROGRAM_PAGE));
      const e = this.program(at, this.zeros, 0, k);
      if (e) return e;
      at += k;
    }
    return undefined;
  }

  /**
   * Zeroes [at, to) with the header span [at, at + H) LAST, in its own operation: until then whatever header is
   * at `at` still reads as it did, so a cut during the fill leaves the same question for the next mount, and
   * once it reads as zero everything after it up to `to` already is.
   */
  zeroEntry(at: number, to: number): Failure | undefined {
    const h = Math.min(to, at + this.hs);
    return this.zero(h, to) ?? this.zero(at, h);
  }

  /** Erases a sector and checks it reads erased: a failed erase, or flash encryption (erased reads as noise). */
  erase(sector: number): Failure | undefined {
    const { sectorSize } = this.flash.geometry;
    const base = sector * sectorSize;
    this.invalidate(base, base + sectorSize);
    const r = this.flash.erase(sector);
    if (!r.ok) return fail(r.reason, r.detail);
    const m = new NoiseMeter();
    for (let at = 0; at < sectorSize; at += PROGRAM_PAGE) {
      const k = Math.min(PROGRAM_PAGE, sectorSize - at);
      const e = this.flash.read(base + at, this.check, 0, k);
      if (!e.ok) return fail(e.reason, e.detail);
      m.add(this.check, 0, k);
    }
    if (m.ff === sectorSize) return undefined;
    if (m.noise) {
      return fail('FLASH_ENCRYPTED', `sector ${sector} reads as noise right after an erase: this partition is flash-encrypted`);
    }
    return fail('FLASH_WRITE_FAILED', `erase of sector ${sector} did not verify (${sectorSize - m.ff} bytes not erased)`);
  }

  /**
   * Where an entry of `size` bytes can go at or after `at` within `end`: its bytes must read exactly erased
   * (a bit that flipped to 0 in free flash would make the write fail its verify), so dirty units are zeroed
   * into padding and the entry moves past them. `end` when it no longer fits.
   */
  prepare(at: number, size: number, end: number): number | Failure {
    for (let p = at; ; ) {
      if (p + size > end) return end;
      let dirty = -1;
      for (let q = p; q < p + size; q += PROGRAM_PAGE) {
        const k = Math.min(PROGRAM_PAGE, p + size - q);
        const e = this.readDirect(q, this.check, 0, k);
        if (e) return e;
        for (let j = 0; j < k; j++) if (this.check[j] !== 0xff) dirty = q + j - (j % this.w);
      }
      if (dirty < 0) return p;
      const e = this.zero(p, dirty + this.w);
      if (e) return e;
      p = dirty + this.w;
    }
  }

  /**
   * Writes one entry at `offset` (room already checked): the header span, the rest of the body, then the
   * commit unit, each its own verified operation.
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
    const hcrc = crc(h, 0, REGION_FIELDS);
    putU32(h, 16, hcrc);
    // The body CRC covers the whole header: carry on from the header CRC over its last four bytes.
    const bcrc = crc32Update(crc32Update(hcrc, h, REGION_FIELDS, ENTRY_HEADER_BYTES), payload, pAt, pAt + len);
    const size = entrySize(len, this.w);
    const s = this.writer.begin(offset);
    let e = s.push(h, 0, ENTRY_HEADER_BYTES) ?? s.push(payload, pAt, len);
    if (e) return e;
    s.pad(4);
    putU32(this.unit, 0, bcrc);
    e = s.push(this.unit, 0, 4) ?? s.pad(this.w) ?? s.flush();
    return e ?? this.programCommit(offset + size - this.w, hcrc);
  }

  private programCommit(at: number, hcrc: number): Failure | undefined {
    const word = commitWord(hcrc);
    for (let i = 0; i < this.w; i += 4) putU32(this.unit, i, word);
    return this.program(at, this.unit, 0, this.w);
  }

  /**
   * Makes the whole entry [at, at + size) solid: reads it, checks its CRCs on exactly the bytes read, and
   * programs those bytes again in the entry's own operations, then the commit unit. Cells a cut left weak are
   * driven home only if the bytes programmed are the intended ones, so a pass whose reads disagree with the
   * CRC does not count and is tried again. False: the entry could not be made solid (it is doubtful).
   */
  rewriteEntry(at: number, size: number, f: EntryFields): boolean | Failure {
    const bodyEnd = at + size - this.w;
    const crcAt = at + alignUp(ENTRY_HEADER_BYTES + f.len, 4);
    const covered = at + ENTRY_HEADER_BYTES + f.len;
    for (let t = 0; t < REWRITE_TRIES; t++) {
      let c = SEED;
      let stored = -1;
      // The operations writeEntry used: the header span, then pieces ending on page boundaries.
      for (let p = at; p < bodyEnd; ) {
        const k = opEnd(at, this.hs, p, bodyEnd) - p;
        const r = this.flash.read(p, this.stage, 0, k);
        if (!r.ok) return fail(r.reason, r.detail);
        // The body CRC covers header and payload; its own field is 4-aligned, so never split between two pieces.
        if (p < covered) c = crc32Update(c, this.stage, 0, Math.min(k, covered - p));
        if (crcAt >= p && crcAt < p + k) stored = getU32(this.stage, crcAt - p);
        if (this.program(p, this.stage, 0, k) !== undefined) return false;
        p += k;
      }
      if (stored === c) return this.programCommit(bodyEnd, f.hcrc) === undefined;
    }
    return false;
  }

  /** Programs the commit word over its unit again (a cut may have left it weak); best effort. */
  recommit(at: number, size: number, hcrc: number): void {
    this.programCommit(at + size - this.w, hcrc);
  }

  /** Copies `size` bytes of flash from `from` to `to` (a verbatim entry copy during compaction). */
  copy(from: number, to: number, size: number): Failure | undefined {
    for (let done = 0; done < size; ) {
      const k = Math.min(size - done, PROGRAM_PAGE - ((to + done) % PROGRAM_PAGE));
      const r = this.flash.read(from + done, this.stage, 0, k);
      if (!r.ok) return fail(r.reason, r.detail);
      const e = this.program(to + done, this.stage, 0, k);
      if (e) return e;
      done += k;
    }
    return undefined;
  }

  // ---- region headers ----

  /** The first `n` bytes of a region (its header copies and what follows) in one read, valid until the next call. */
  headerArea(offset: number, n: number): Uint8Array | Failure {
    if (this.area.length < n) this.area = new Uint8Array(n);
    const e = this.readDirect(offset, this.area, 0, n);
    return e ?? this.area;
  }

  /** Parses the two header copies at the start of `b` into `out`: the first valid copy wins. */
  parseRegionHeader(b: Uint8Array, magic: number, oldMagic: number, out: RegionHeader): RegionKind {
    let old = false;
    for (let i = 0; i < 2 * this.hs; i += this.hs) {
      const m = getU32(b, i);
      if (m === magic && getU32(b, i + 16) === crc(b, i, i + REGION_FIELDS)) {
        out.epoch = getU32(b, i + 4);
        out.m1 = getU32(b, i + 8);
        out.m2 = getU32(b, i + 12);
        return REGION_VALID;
      }
      if (m === oldMagic && getU32(b, i + 16) === crc32Update(0, b, i, i + REGION_FIELDS)) old = true;
    }
    return old ? REGION_OLD : REGION_NONE;
  }

  readRegionHeader(offset: number, magic: number, oldMagic: number): RegionRead | Failure {
    const b = this.headerArea(offset, 2 * this.hs);
    if ('ok' in b) return b;
    const h = { epoch: 0, m1: 0, m2: 0 };
    const k = this.parseRegionHeader(b, magic, oldMagic, h);
    return { header: k === REGION_VALID ? h : undefined, old: k === REGION_OLD };
  }

  private fillRegionHeader(magic: number, epoch: number, m1: number, m2: number): Uint8Array {
    const b = this.stage;
    b.fill(0xff, 0, this.hs);
    putU32(b, 0, magic);
    putU32(b, 4, epoch);
    putU32(b, 8, m1);
    putU32(b, 12, m2);
    putU32(b, 16, crc(b, 0, REGION_FIELDS));
    return b;
  }

  writeRegionHeader(offset: number, magic: number, epoch: number, m1: number, m2: number): Failure | undefined {
    const b = this.fillRegionHeader(magic, epoch, m1, m2);
    return this.program(offset, b, 0, this.hs) ?? this.program(offset + this.hs, b, 0, this.hs);
  }

  /**
   * Programs the header `h` again over every copy that can still take it (a valid copy a cut may have left
   * weak, or one cut short); true when both copies then read valid. A copy with a bit cleared that the header
   * keeps set is left alone (false).
   */
  solidifyRegionHeader(offset: number, magic: number, h: RegionHeader): boolean | Failure {
    const span = this.hs;
    const want = this.fillRegionHeader(magic, h.epoch, h.m1, h.m2);
    let both = true;
    for (let copy = 0; copy < 2; copy++) {
      const at = offset + copy * span;
      const r = this.flash.read(at, this.check, 0, span);
      if (!r.ok) return fail(r.reason, r.detail);
      let fits = true;
      for (let j = 0; j < span; j++) if ((this.check[j]! & want[j]!) !== want[j]) fits = false;
      if (!fits || this.program(at, want, 0, span) !== undefined) both = false;
    }
    return both;
  }

  /** Zeroes both header copies: a cut header that might read valid one day never can. */
  zeroRegionHeader(offset: number): Failure | undefined {
    return this.zero(offset, offset + 2 * this.hs);
  }

  // ---- entries ----

  /**
   * Reads and checks the entry header at `at` into `out`: HEADER_VALID, HEADER_CORRECTED (one bit away from
   * exactly one valid header, which names the entry and its extent but is never used to return data), or
   * HEADER_INVALID.
   */
  readEntryHeader(at: number, end: number, maxLen: number, out: EntryFields): HeaderCheck | Failure {
    if (at + ENTRY_HEADER_BYTES > end) return HEADER_INVALID;
    const e = this.read(at, this.hdr, 0, ENTRY_HEADER_BYTES);
    if (e) return e;
    if (this.headerValid(at, end, maxLen, out)) return HEADER_VALID;
    const h = this.hdr;
    let found = -1;
    for (let bit = 0; bit < ENTRY_HEADER_BYTES * 8; bit++) {
      h[bit >>> 3] = h[bit >>> 3]! ^ (1 << (bit & 7));
      if (this.headerValid(at, end, maxLen, out)) found = found === -1 ? bit : -2;
      h[bit >>> 3] = h[bit >>> 3]! ^ (1 << (bit & 7));
      if (found === -2) return HEADER_INVALID;
    }
    if (found < 0) return HEADER_INVALID;
    h[found >>> 3] = h[found >>> 3]! ^ (1 << (found & 7));
    this.headerValid(at, end, maxLen, out);
    return HEADER_CORRECTED;
  }

  private headerValid(at: number, end: number, maxLen: number, out: EntryFields): boolean {
    const h = this.hdr;
    if (h[0] !== ENTRY_MAGIC) return false;
    const hcrc = getU32(h, 16);
    if (hcrc !== crc(h, 0, REGION_FIELDS)) return false;
    const kind = h[1]!;
    const len = h[2]! | (h[3]! << 8);
    if (kind < KIND_RECORD || kind > KIND_POISON || len > maxLen || at + entrySize(len, this.w) > end) return false;
    out.kind = kind;
    out.len = len;
    out.a = getU32(h, 4);
    out.b = getU32(h, 8);
    out.c = getU32(h, 12);
    out.hcrc = hcrc;
    return true;
  }

  /**
   * True when the body of the entry whose header is in `f` (checked just before, so still in the header
   * scratch) matches its CRC. With `dst` large enough, the payload lands there.
   */
  bodyOk(at: number, f: EntryFields, dst: Uint8Array | undefined): boolean | Failure {
    let c = crc32Update(f.hcrc, this.hdr, REGION_FIELDS, ENTRY_HEADER_BYTES);
    const p = at + ENTRY_HEADER_BYTES;
    const into = dst !== undefined && f.len <= dst.length ? dst : undefined;
    for (let done = 0; done < f.len; ) {
      const k = Math.min(f.len - done, WINDOW);
      const i = this.view(p + done, k);
      if (typeof i === 'object') return i;
      c = crc32Update(c, this.win, i, i + k);
      if (into !== undefined) for (let j = 0; j < k; j++) into[done + j] = this.win[i + j]!;
      done += k;
    }
    const i = this.view(at + alignUp(ENTRY_HEADER_BYTES + f.len, 4), 4);
    if (typeof i === 'object') return i;
    return getU32(this.win, i) === c;
  }

  /** The state of the commit unit of the entry [at, at + size) whose header CRC is `hcrc`. */
  commitState(at: number, size: number, hcrc: number): CommitState | Failure {
    const i = this.view(at + size - this.w, this.w);
    if (typeof i === 'object') return i;
    const word = commitWord(hcrc);
    let complete = true;
    for (let j = 0; j < this.w; j++) {
      const want = (word >>> ((j & 3) * 8)) & 0xff;
      const b = this.win[i + j]!;
      if (b !== want) complete = false;
      if ((b & want) !== want) return COMMIT_BROKEN;
    }
    return complete ? COMMIT_COMPLETE : COMMIT_PARTIAL;
  }

  /**
   * A header at `at` that fails its check, but whose stored length points at a unit holding (within two bits)
   * the commit word its stored header CRC gives: the entry was whole once, damaged rather than cut. A cut
   * header was never followed by its commit unit, which is programmed last, so a cut cannot look like this.
   * Only ever used to report damage and spend a number; never to find or return anything.
   */
  committedRemains(at: number, end: number, maxLen: number): boolean | Failure {
    if (at + ENTRY_HEADER_BYTES > end) return false;
    const i = this.view(at, ENTRY_HEADER_BYTES);
    if (typeof i === 'object') return i;
    const len = this.win[i + 2]! | (this.win[i + 3]! << 8);
    const word = commitWord(getU32(this.win, i + 16));
    if (len > maxLen || at + entrySize(len, this.w) > end) return false;
    const u = this.view(at + entrySize(len, this.w) - this.w, 4);
    if (typeof u === 'object') return u;
    let d = 0;
    for (let x = (getU32(this.win, u) ^ word) >>> 0; x !== 0; x &= x - 1) d++;
    return d <= 2;
  }
}

/** End of the program operation that starts at `p` in the entry at `start` (header span `hs`), capped at `end`. */
function opEnd(start: number, hs: number, p: number, end: number): number {
  const page = p - (p % PROGRAM_PAGE) + PROGRAM_PAGE;
  return Math.min(end, page, p < start + hs ? start + hs : page);
}

/**
 * Tells bytes that read like decrypted erased flash (uniform noise: what flash encryption shows for erased
 * cells) from data and from a failed erase: hardly any 0xFF, about half the bits set, and nearly as many
 * distinct byte values as uniform bytes would show (text, code and tables show far fewer).
 */
export class NoiseMeter {
  bytes = 0;
  ff = 0;
  private ones = 0;
  private readonly seen = new Uint8Array(32);

  add(b: Uint8Array, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const x = b[i]!;
      if (x === 0xff) this.ff++;
      for (let m = x; m !== 0; m &= m - 1) this.ones++;
      this.seen[x >>> 3] = this.seen[x >>> 3]! | (1 << (x & 7));
    }
    this.bytes += to - from;
  }

  get noise(): boolean {
    if (this.bytes < 64) return false;
    let distinct = 0;
    for (const x of this.seen) for (let m = x; m !== 0; m &= m - 1) distinct++;
    const uniform = 256 * (1 - Math.pow(255 / 256, this.bytes));
    const density = this.ones / (8 * this.bytes);
    return this.ff < this.bytes / 16 && density > 0.4 && density < 0.6 && distinct >= 0.8 * uniform;
  }
}

/**
 * Buffers an entry's bytes and programs them as the entry's operations: the header span alone, then pieces that
 * end on PROGRAM_PAGE boundaries.
 */
class OpWriter {
  private start = 0;
  private opStart = 0;
  private fill = 0;
  constructor(
    private readonly io: LogIO,
    private readonly buf: Uint8Array,
  ) {}

  begin(pos: number): this {
    this.start = pos;
    this.opStart = pos;
    this.fill = 0;
    return this;
  }

  private limit(): number {
    return opEnd(this.start, this.io.hs, this.opStart, Infinity) - this.opStart;
  }

  push(src: Uint8Array, at: number, n: number): Failure | undefined {
    for (let i = 0; i < n; ) {
      const room = this.limit() - this.fill;
      const k = Math.min(n - i, room);
      for (let j = 0; j < k; j++) this.buf[this.fill + j] = src[at + i + j]!;
      this.fill += k;
      i += k;
      if (this.fill === this.limit()) {
        const e = this.flush();
        if (e) return e;
      }
    }
    return undefined;
  }

  /** Pads with 0xFF (bits left erased) up to a multiple of `to` bytes from the entry start. */
  pad(to: number): undefined {
    const pos = this.opStart - this.start + this.fill;
    const n = alignUp(pos, to) - pos;
    for (let i = 0; i < n; i++) this.buf[this.fill + i] = 0xff;
    this.fill += n;
    return undefined;
  }

  flush(): Failure | undefined {
    if (this.fill === 0) return undefined;
    const e = this.io.program(this.opStart, this.buf, 0, this.fill);
    if (e) return e;
    this.opStart += this.fill;
    this.fill = 0;
    return undefined;
  }
}

export const SCAN_ENTRY = 1;
export const SCAN_BAD = 2;
export const SCAN_END = 3;
export type ScanStep = typeof SCAN_ENTRY | typeof SCAN_BAD | typeof SCAN_END;

/** Why a chain ended. */
export const END_FULL = 1;
/** An erased unit where the next entry would start. */
export const END_BLANK = 2;
/** A header that fails its check (a cut header, or damage). */
export const END_INVALID = 3;
/** After a corrected header not confirmed by its commit word: its extent is not trusted to go on from. */
export const END_UNTRUSTED = 4;
export type EndKind = typeof END_FULL | typeof END_BLANK | typeof END_INVALID | typeof END_UNTRUSTED;

/**
 * Walks the chain of entries of [start, end) one at a time. `next()` says what it found and fills the fields:
 * - SCAN_ENTRY: a whole entry at `at` of `size` bytes; `f` holds its fields (payload in `dst` if it fit);
 *   `commit` says whether its commit unit is complete (a cut may have fallen on it).
 * - SCAN_BAD: the entry at `at` of `size` bytes has a trustworthy header (`corrected` if it needed a bit
 *   fixed) but fails its body check; `commit` as above (complete: it was whole once, so this is damage).
 * - SCAN_END: the chain ends at `at` for `endKind`. Nothing after it is ever parsed.
 * `padFrom` is where the run of padding before the step began.
 */
export class LogScanner {
  at = 0;
  size = 0;
  padFrom = 0;
  corrected = false;
  commit: CommitState = COMMIT_COMPLETE;
  endKind: EndKind = END_FULL;
  readonly f: EntryFields = { kind: 0, len: 0, a: 0, b: 0, c: 0, hcrc: 0 };
  private pos: number;
  private stopped = false;

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
    this.padFrom = this.pos;
    if (this.stopped) return this.finish(END_UNTRUSTED);
    for (;;) {
      if (this.pos + w > this.end) return this.finish(END_FULL);
      const u = this.io.unitState(this.pos);
      if (typeof u === 'object') return u;
      if (u === 1) return this.finish(END_BLANK);
      if (u === -1) break;
      this.pos += w;
    }
    const h = this.io.readEntryHeader(this.pos, this.end, this.maxLen, this.f);
    if (typeof h === 'object') return h;
    if (h === HEADER_INVALID) return this.finish(END_INVALID);
    this.at = this.pos;
    this.size = entrySize(this.f.len, w);
    const c = this.io.commitState(this.pos, this.size, this.f.hcrc);
    if (typeof c === 'object') return c;
    this.commit = c;
    this.corrected = h === HEADER_CORRECTED;
    this.pos += this.size;
    if (this.corrected) {
      // A corrected header's extent is trusted to go on from only when its own commit word closes it.
      if (c !== COMMIT_COMPLETE) this.stopped = true;
      return SCAN_BAD;
    }
    const ok = this.io.bodyOk(this.at, this.f, this.dst);
    if (typeof ok === 'object') return ok;
    return ok ? SCAN_ENTRY : SCAN_BAD;
  }

  private finish(kind: EndKind): ScanStep {
    this.at = this.pos;
    this.endKind = kind;
    return SCAN_END;
  }
}

/** What recovering a region's tail found and did. */
export interface TailOutcome {
  /** Where the next entry goes; `end` when the rest of the region was given up. */
  readonly resume: number;
  /** A cut write was found and neutralised (zeroed), or a last entry left doubtful by a cut was dropped. */
  readonly torn: boolean;
  /**
   * Damage that one power cut cannot explain ends the chain, so the rest of the region is given up (left as it
   * is, never parsed): 'committed' when what ends the chain still shows its own commit word (a whole entry was
   * destroyed), 'unknown' when the extent of the damage is unknown.
   */
  readonly closed: 'no' | 'committed' | 'unknown';
  /** Where the part given up starts (meaningful when closed). */
  readonly closedAt: number;
}

/**
 * Called by recoverTail for every entry the region keeps, in order, once its fate is settled: SCAN_ENTRY a whole
 * one, SCAN_BAD a damaged one whose header is trusted. A cut entry that recovery neutralised is never visited.
 */
export type StepVisitor = (step: typeof SCAN_ENTRY | typeof SCAN_BAD, at: number, f: Readonly<EntryFields>) => void;

/**
 * Recovers the tail of the log region [start, end) that a power cut may have interrupted, so that every later
 * mount reads what this one decided (cells a cut left weak read differently each time until rewritten). The
 * only cells a cut can have left weak are those of the one program operation it interrupted: the last entry's,
 * or those after the end of the chain.
 * - The last whole entry is made solid: its commit unit programmed again, or, if the cut fell on or before its
 *   commit, its whole body rewritten from a read that matches its CRC, and dropped as torn if that fails.
 * - The padding after it is zeroed again.
 * - A cut entry (header trusted, body not whole, not committed, nothing after it) is zeroed, header span last.
 * - Where the chain ends on a header that fails its check, everything up to the end of the program page of the
 *   first non-padding unit after that header span is zeroed, header span last, and writes resume after it. On
 *   clean erased flash only the next header span is zeroed: a header program cut at its very start can leave
 *   weak cells that read as erased.
 * - Anything else after the end of the chain is damage, not a cut: the region is given up.
 */
export function recoverTail(io: LogIO, start: number, end: number, maxLen: number, visit: StepVisitor): TailOutcome | Failure {
  const reached = { at: start };
  const r = recoverTailOnce(io, start, end, maxLen, visit, reached);
  // A cell that will not take a program (worn or stuck) leaves the tail as it is: give up the rest of the region.
  return 'ok' in r && verifyFailed(r) ? { resume: end, torn: false, closed: 'unknown', closedAt: reached.at } : r;
}

function copyFields(from: Readonly<EntryFields>, to: EntryFields): void {
  to.kind = from.kind;
  to.len = from.len;
  to.a = from.a;
  to.b = from.b;
  to.c = from.c;
  to.hcrc = from.hcrc;
}

/** One pass: each step is visited once the next one shows it is not the last; the last waits for its fate. */
function recoverTailOnce(io: LogIO, start: number, end: number, maxLen: number, visit: StepVisitor, reached: { at: number }): TailOutcome | Failure {
  const sc = new LogScanner(io, start, end, maxLen);
  const held: EntryFields = { kind: 0, len: 0, a: 0, b: 0, c: 0, hcrc: 0 };
  let heldStep: typeof SCAN_ENTRY | typeof SCAN_BAD | 0 = 0;
  let heldAt = 0;
  let heldSize = 0;
  let heldPad = 0;
  let heldCommit: CommitState = COMMIT_COMPLETE;
  for (;;) {
    const step = sc.next();
    if (typeof step === 'object') return step;
    if (step === SCAN_END) break;
    if (heldStep !== 0) visit(heldStep, heldAt, held);
    copyFields(sc.f, held);
    heldStep = step;
    heldAt = sc.at;
    heldSize = sc.size;
    heldPad = sc.padFrom;
    heldCommit = sc.commit;
  }
  const chainEnd = sc.at;
  reached.at = chainEnd;
  let torn = false;

  if (heldStep === SCAN_ENTRY) {
    if (heldCommit === COMMIT_PARTIAL) {
      // The last append was cut on or before its commit unit and its body reads whole: keep it, made solid.
      const solid = io.rewriteEntry(heldAt, heldSize, held);
      if (typeof solid === 'object') return solid;
      if (!solid) {
        const e = io.zeroEntry(heldAt, heldAt + heldSize);
        if (e) return e;
        torn = true;
      }
    } else if (heldCommit === COMMIT_COMPLETE) {
      io.recommit(heldAt, heldSize, held.hcrc);
    }
    if (!torn) visit(SCAN_ENTRY, heldAt, held);
  } else if (heldStep === SCAN_BAD && heldCommit === COMMIT_COMPLETE) {
    visit(SCAN_BAD, heldAt, held); // damage to an entry that was whole once: kept, reported
  } else if (heldStep === SCAN_BAD) {
    const e = io.zero(heldPad, heldAt);
    if (e) return e;
    const r = cutTail(io, heldAt, heldAt + heldSize, end, maxLen, torn);
    if (!('ok' in r) && r.closed !== 'no') visit(SCAN_BAD, heldAt, held); // not a cut after all: kept, reported
    return r;
  }
  const e0 = io.zero(sc.padFrom, chainEnd);
  if (e0) return e0;
  if (sc.endKind === END_FULL) return { resume: end, torn, closed: 'no', closedAt: end };
  if (sc.endKind === END_INVALID) {
    const whole = io.committedRemains(chainEnd, end, maxLen);
    if (typeof whole === 'object') return whole;
    if (whole) return { resume: end, torn, closed: 'committed', closedAt: chainEnd };
  }
  return cutTail(io, chainEnd, undefined, end, maxLen, torn);
}

/**
 * The end of the chain at `at` may hold a cut write: an entry whose header is trusted and ends at `known`, or
 * (no `known`) a header that fails its check or erased flash. The cells the cut can have touched, and those a
 * recovery cut in its turn can have zeroed (it may have read a weak header the other way), end at the end of the
 * program page of the first unit after the header span that is not padding, or at `known` if that is later.
 * Beyond that, the region must read erased; inside it, no whole header may stand. Then it is zeroed, header span
 * last, and writes resume after it; erased flash only needs the next header span zeroed.
 */
function cutTail(io: LogIO, at: number, known: number | undefined, end: number, maxLen: number, torn: boolean): TailOutcome | Failure {
  let y = Math.min(end, at + io.hs);
  for (; y + io.w <= end; y += io.w) {
    const u = io.unitState(y);
    if (typeof u === 'object') return u;
    if (u !== 0) break;
  }
  const tailEnd = Math.min(end, Math.max(known ?? 0, y - (y % PROGRAM_PAGE) + PROGRAM_PAGE));
  const beyond = io.erased(tailEnd, end);
  if (typeof beyond === 'object') return beyond;
  if (!beyond) return { resume: end, torn, closed: 'unknown', closedAt: known ?? at };
  if (known === undefined) {
    const blank = io.erased(at, tailEnd);
    if (typeof blank === 'object') return blank;
    if (blank) {
      const to = Math.min(end, at + io.hs);
      return io.zero(at, to) ?? { resume: to, torn, closed: 'no', closedAt: end };
    }
  }
  // A cut write never leaves a whole header after it: one here means damage, kept and reported.
  const whole = io.headerWithin(known ?? at + io.w, tailEnd, end, maxLen);
  if (typeof whole === 'object') return whole;
  if (whole) return { resume: end, torn, closed: 'unknown', closedAt: known ?? at };
  return io.zeroEntry(at, tailEnd) ?? { resume: tailEnd, torn: true, closed: 'no', closedAt: end };
}
