// The traceability journal: append-only records in a ring of flash sectors, kept until the host acknowledges
// them, safe against a power cut at any program or erase step. RAM use is O(sectors); recovery and reads stream
// one entry at a time through fixed buffers. Layout and classification rules are in ./log.ts and README.md.
//
// Sector: region header {magic, epoch, m1 = first sequence number this sector will hold, m2 = ack persisted
// when it was opened}, then entries: KIND_RECORD {a = seq, b = time low 32 bits, c = time high 16 bits |
// type << 16} and KIND_ACK {a = acknowledged up to}. Sequence numbers start at 1 and run on without gaps: each
// record is the previous one plus one, so a gap seen while scanning names exactly the records flash destroyed.
import type { ReasonName } from '../../protocol/src/reasons';
import type { Flash } from '../platform/hal';
import {
  KIND_ACK,
  KIND_RECORD,
  LogIO,
  LogScanner,
  SCAN_END,
  SCAN_ENTRY,
  entrySize,
  fail,
  regionHeaderBytes,
  unitFor,
  type Failure,
} from './log';

const JOURNAL_MAGIC = 0x314a5757; // "WWJ1"
/** JournalRecord.data in the protocol is bytes(240). */
export const DEFAULT_MAX_PAYLOAD = 240;
export const DEFAULT_HIGH_WATER = 0.75;
/** At most this many lost ranges are listed in a mount report (the count covers all). */
export const MAX_REPORTED_RANGES = 8;
const MAX_SEQ = 0xffffffff;
const MAX_TIME = 2 ** 48 - 1;

export interface JournalOptions {
  /** First flash sector of the ring (default 0). */
  readonly firstSector?: number;
  /** Sectors in the ring, at least 3: one is always kept free so that acknowledgements can be written. */
  readonly sectorCount: number;
  readonly maxPayload?: number;
  /** Fill fraction (0..1] of the capacity at which status() warns JOURNAL_HIGH_WATER. */
  readonly highWater?: number;
}

export interface SeqRange {
  readonly from: number;
  readonly to: number;
}

export interface JournalMountReport {
  /** What recovery found, at most once each: JOURNAL_TORN_TAIL, JOURNAL_CORRUPT. */
  readonly reasons: readonly ReasonName[];
  /** A torn append was found at the tail, discarded and neutralised (zeroed). */
  readonly tornTail: boolean;
  /** Damaged regions in sectors that still hold unacknowledged records. */
  readonly corruptRegions: number;
  /** Unacknowledged sequence numbers flash destroyed (the last range absorbs any beyond MAX_REPORTED_RANGES). */
  readonly lost: readonly SeqRange[];
  readonly lostRecords: number;
}

export interface JournalStatus {
  readonly nextSequence: number;
  readonly ackedSequence: number;
  readonly pendingRecords: number;
  /** Bytes held by sectors that still contain unacknowledged records. */
  readonly usedBytes: number;
  readonly capacityBytes: number;
  readonly fill: number;
  readonly warning?: 'JOURNAL_HIGH_WATER';
  /** Set when the station must not build: the next record could not be kept. */
  readonly permitBlocked?: 'JOURNAL_FULL' | 'FLASH_WRITE_FAILED';
}

export type AppendResult = { readonly ok: true; readonly seq: number } | Failure;
export type AckResult = { readonly ok: true; readonly ackedSequence: number } | Failure;
export type MountResult = { readonly ok: true; readonly journal: Journal; readonly report: JournalMountReport } | Failure;

export type CursorItem =
  | {
      readonly kind: 'record';
      readonly seq: number;
      readonly type: number;
      /** Epoch milliseconds. */
      readonly at: number;
      /** A view into the cursor's buffer, valid until the next call. */
      readonly payload: Uint8Array;
    }
  | { readonly kind: 'lost'; readonly from: number; readonly to: number; readonly reason: 'JOURNAL_CORRUPT' }
  | { readonly kind: 'end' };

/** Collects lost ranges into a bounded list. */
class LostList {
  readonly ranges: { from: number; to: number }[] = [];
  add(from: number, to: number): void {
    if (to < from) return;
    const last = this.ranges[this.ranges.length - 1];
    if (last !== undefined && (last.to + 1 >= from || this.ranges.length >= MAX_REPORTED_RANGES)) {
      last.to = Math.max(last.to, to);
      last.from = Math.min(last.from, from);
    } else {
      this.ranges.push({ from, to });
    }
  }
  /** The ranges above `acked`, and how many sequence numbers they hold. */
  above(acked: number): { lost: SeqRange[]; count: number } {
    const lost: SeqRange[] = [];
    let count = 0;
    for (const r of this.ranges) {
      const from = Math.max(r.from, acked + 1);
      if (from > r.to) continue;
      lost.push({ from, to: r.to });
      count += r.to - from + 1;
    }
    return { lost, count };
  }
}

export class Journal {
  private readonly io: LogIO;
  private readonly n: number;
  private readonly first: number;
  private readonly sectorSize: number;
  private readonly dataStart: number;
  private readonly maxPayload: number;
  private readonly highWater: number;
  /** Per sector: part of the live run, its epoch, first and next sequence numbers, and its fill offset. */
  private readonly inRun: Uint8Array;
  private readonly epochs: Float64Array;
  private readonly firstSeq: Float64Array;
  private readonly endSeq: Float64Array;
  private readonly fillTo: Uint32Array;
  private head = -1;
  private nextSeq = 1;
  private acked = 0;
  private failed = false;

  private constructor(flash: Flash, n: number, first: number, maxPayload: number, highWater: number) {
    this.io = new LogIO(flash);
    this.n = n;
    this.first = first;
    this.sectorSize = flash.geometry.sectorSize;
    this.dataStart = regionHeaderBytes(this.io.w);
    this.maxPayload = maxPayload;
    this.highWater = highWater;
    this.inRun = new Uint8Array(n);
    this.epochs = new Float64Array(n);
    this.firstSeq = new Float64Array(n);
    this.endSeq = new Float64Array(n);
    this.fillTo = new Uint32Array(n);
  }

  /** Recovers the journal from flash: finds the head, the next sequence number and the last ack. */
  static mount(flash: Flash, opts: JournalOptions): MountResult {
    const { sectorSize, sectorCount } = flash.geometry;
    const first = opts.firstSector ?? 0;
    const n = opts.sectorCount;
    const maxPayload = opts.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    const highWater = opts.highWater ?? DEFAULT_HIGH_WATER;
    const w = unitFor(flash.geometry, 'journal');
    if (typeof w === 'object') return w;
    if (!Number.isInteger(first) || !Number.isInteger(n) || first < 0 || n < 3 || first + n > sectorCount) {
      return fail('INTERNAL_ERROR', 'journal: needs at least 3 sectors inside the flash');
    }
    if (!Number.isInteger(maxPayload) || maxPayload < 0 || maxPayload > 0xffff) return fail('INTERNAL_ERROR', 'journal: bad maxPayload');
    if (regionHeaderBytes(w) + entrySize(maxPayload, w) > sectorSize) {
      return fail('INTERNAL_ERROR', 'journal: a record of maxPayload does not fit in a sector');
    }
    if (!(highWater > 0 && highWater <= 1)) return fail('INTERNAL_ERROR', 'journal: highWater must be in (0, 1]');
    const j = new Journal(flash, n, first, maxPayload, highWater);
    const r = j.recover();
    return 'ok' in r ? r : { ok: true, journal: j, report: r };
  }

  private base(s: number): number {
    return (this.first + s) * this.sectorSize;
  }

  private next(s: number): number {
    return (s + 1) % this.n;
  }

  private recover(): JournalMountReport | Failure {
    const { n } = this;
    const valid = new Uint8Array(n);
    const ackedIn = new Float64Array(n);
    let headCopies = 0;
    for (let s = 0; s < n; s++) {
      const h = this.io.readRegionHeader(this.base(s), JOURNAL_MAGIC);
      if (h !== undefined && 'ok' in h) return h;
      if (h === undefined) continue;
      valid[s] = 1;
      this.epochs[s] = h.epoch;
      this.firstSeq[s] = h.m1;
      ackedIn[s] = h.m2;
      if (this.head < 0 || h.epoch > this.epochs[this.head]!) {
        this.head = s;
        headCopies = h.copies;
      }
    }
    if (this.head < 0) return { reasons: [], tornTail: false, corruptRegions: 0, lost: [], lostRecords: 0 };

    // The live run: back from the head while epochs count down by one. Anything else is free.
    let oldest = this.head;
    this.inRun[oldest] = 1;
    for (let k = 1; k < n; k++) {
      const s = (this.head - k + n) % n;
      if (!valid[s] || this.epochs[s] !== this.epochs[oldest]! - 1) break;
      this.inRun[s] = 1;
      oldest = s;
    }

    let acked = 0;
    for (let s = 0; s < n; s++) if (this.inRun[s]) acked = Math.max(acked, ackedIn[s]!);
    const lost = new LostList();
    const corrupt = new Uint16Array(n);
    let expected = this.firstSeq[oldest]!;
    let torn: { from: number; to: number } | undefined;
    // Everything before the oldest sector was reclaimed, which needs an ack; anything not acked went missing.
    if (expected - 1 > acked) lost.add(acked + 1, expected - 1);

    for (let s = oldest; ; s = this.next(s)) {
      if (this.firstSeq[s]! > expected) {
        lost.add(expected, this.firstSeq[s]! - 1);
        expected = this.firstSeq[s]!;
      }
      // Damage that may have been a whole record of unknown number, since the last point where the number
      // was known (a record or a sector header). If nothing tells otherwise, it spent one sequence number.
      let unknownWhole = false;
      const base = this.base(s);
      const sc = new LogScanner(this.io, base + this.dataStart, base + this.sectorSize, this.maxPayload);
      let pendingBad = false;
      let unsealed = -1;
      let badCommitted = false;
      let badFrom = 0;
      let badTo = 0;
      for (;;) {
        const step = sc.next();
        if (typeof step === 'object') return step;
        if (step === SCAN_END) break;
        unsealed = step === SCAN_ENTRY && !sc.committed ? sc.at : -1;
        if (pendingBad) {
          corrupt[s]!++; // damage with more entries after it: corruption, not a torn tail
          if (badCommitted) unknownWhole = true;
        }
        pendingBad = false;
        if (step === SCAN_ENTRY) {
          if (sc.f.kind === KIND_RECORD) {
            const seq = sc.f.a;
            if (seq >= expected) {
              lost.add(expected, seq - 1);
              expected = seq + 1;
              unknownWhole = false;
            } else {
              corrupt[s]!++; // out of order: cannot be ours
            }
          } else if (sc.f.kind === KIND_ACK) {
            acked = Math.max(acked, sc.f.a);
          } else {
            corrupt[s]!++;
          }
        } else if (sc.known && sc.f.kind === KIND_RECORD && sc.f.a >= expected && (sc.committed || sc.f.a === expected)) {
          // A damaged record whose header still names it. Committed, it was whole once: its number is spent.
          // Not committed, it is a torn append if nothing follows (then the number is free again).
          pendingBad = true;
          badCommitted = sc.committed;
          badFrom = sc.at;
          badTo = sc.to;
          if (sc.committed) {
            lost.add(expected, sc.f.a);
            expected = sc.f.a + 1;
            unknownWhole = false;
            badCommitted = false; // accounted for
            corrupt[s]!++;
            pendingBad = false;
          }
        } else {
          pendingBad = true;
          badCommitted = sc.committed && !sc.known;
          badFrom = sc.at;
          badTo = sc.to;
        }
      }
      if (s === this.head && unsealed >= 0) {
        this.io.seal(unsealed, sc.size);
      }
      if (pendingBad) {
        if (s === this.head && !badCommitted) {
          torn = { from: badFrom, to: badTo };
        } else {
          corrupt[s]!++;
          if (badCommitted) unknownWhole = true;
        }
      }
      if (s === this.head && unknownWhole) {
        lost.add(expected, expected);
        expected++;
      }
      this.fillTo[s] = sc.at - base;
      this.endSeq[s] = expected;
      if (s === this.head) break;
    }

    this.acked = acked;
    this.nextSeq = Math.max(expected, acked + 1, this.firstSeq[this.head]!);
    const { lost: lostAbove, count } = lost.above(acked);
    let corruptRegions = 0;
    for (let s = 0; s < n; s++) if (this.inRun[s] && (this.endSeq[s]! - 1 > acked || s === this.head)) corruptRegions += corrupt[s]!;
    const reasons: ReasonName[] = [];
    if (torn !== undefined) {
      const e = this.io.zeroFill(torn.from, torn.to);
      if (e) return e;
      reasons.push('JOURNAL_TORN_TAIL');
    }
    if (corruptRegions > 0 || count > 0) reasons.push('JOURNAL_CORRUPT');
    if (headCopies < 2 && torn === undefined && this.fillTo[this.head] === this.dataStart) {
      // A cut during the second header copy of the newest sector left one copy: one flipped bit there would
      // hide the sector and let its sequence numbers be handed out again. It holds nothing yet (the previous
      // sector still holds the ack and numbers its header repeats), so open it afresh with both copies.
      const h = this.head;
      const e = this.io.erase(this.first + h) ?? this.io.writeRegionHeader(this.base(h), JOURNAL_MAGIC, this.epochs[h]!, this.nextSeq, this.acked);
      if (e) return e;
      this.firstSeq[h] = this.nextSeq;
      this.endSeq[h] = this.nextSeq;
    }
    return { reasons, tornTail: torn !== undefined, corruptRegions, lost: lostAbove, lostRecords: count };
  }

  /** True if sector `s` may be erased: not the head, and holding no unacknowledged record. */
  private reclaimable(s: number): boolean {
    return s !== this.head && (!this.inRun[s] || this.endSeq[s]! - 1 <= this.acked);
  }

  /**
   * Where an entry of `size` bytes goes: the head, or the next sector (opened by erasing it). Records must leave
   * a free sector behind them so that acknowledgements, which free space, can always be written.
   */
  private place(size: number, isRecord: boolean): { sector: number; open: boolean } | undefined {
    if (this.head < 0) return { sector: 0, open: true };
    if (this.fillTo[this.head]! + size <= this.sectorSize) {
      if (isRecord && !this.reclaimable(this.next(this.head))) return undefined;
      return { sector: this.head, open: false };
    }
    const t = this.next(this.head);
    if (!this.reclaimable(t) || (isRecord && !this.reclaimable(this.next(t)))) return undefined;
    return { sector: t, open: true };
  }

  private open(t: number): Failure | undefined {
    const epoch = this.head < 0 ? 1 : this.epochs[this.head]! + 1;
    this.inRun[t] = 0;
    const e = this.io.erase(this.first + t) ?? this.io.writeRegionHeader(this.base(t), JOURNAL_MAGIC, epoch, this.nextSeq, this.acked);
    if (e) return e;
    // The sector that falls out of the run (fully acked) is simply forgotten; its bytes are gone.
    this.inRun[t] = 1;
    this.epochs[t] = epoch;
    this.firstSeq[t] = this.nextSeq;
    this.endSeq[t] = this.nextSeq;
    this.fillTo[t] = this.dataStart;
    this.head = t;
    return undefined;
  }

  private writeEntry(size: number, isRecord: boolean, kind: number, a: number, b: number, c: number, payload: Uint8Array): Failure | undefined {
    const where = this.place(size, isRecord);
    if (where === undefined) return fail('JOURNAL_FULL', 'every sector holds unacknowledged records');
    if (where.open) {
      const e = this.open(where.sector);
      if (e) return this.failedWith(e);
    }
    const at = this.base(this.head) + this.fillTo[this.head]!;
    const e = this.io.writeEntry(at, kind, a, b, c, payload, 0, payload.length);
    if (e) {
      // Best effort: a write that did not verify becomes padding, so it can never be read back as a record.
      if (this.io.zeroFill(at, at + size) === undefined) this.fillTo[this.head]! += size;
      return this.failedWith(e);
    }
    this.fillTo[this.head]! += size;
    this.failed = false;
    return undefined;
  }

  private failedWith(e: Failure): Failure {
    this.failed = true;
    return e;
  }

  /** Appends one record; `ok` means it is on flash and survives any later power cut. */
  append(type: number, at: number, payload: Uint8Array): AppendResult {
    if (!Number.isInteger(type) || type < 0 || type > 0xff) return fail('FIELD_OUT_OF_RANGE', 'record type must be 0..255');
    if (!Number.isInteger(at) || at < 0 || at > MAX_TIME) return fail('FIELD_OUT_OF_RANGE', 'record time must be epoch ms in 0..2^48-1');
    if (payload.length > this.maxPayload) return fail('LIMIT_EXCEEDED', `payload over ${this.maxPayload} bytes`);
    if (this.nextSeq > MAX_SEQ) return fail('LIMIT_EXCEEDED', 'sequence numbers exhausted');
    const seq = this.nextSeq;
    const hi = Math.floor(at / 2 ** 32);
    const e = this.writeEntry(entrySize(payload.length, this.io.w), true, KIND_RECORD, seq, at >>> 0, (hi | (type << 16)) >>> 0, payload);
    if (e) return e;
    this.nextSeq = seq + 1;
    this.endSeq[this.head] = this.nextSeq;
    return { ok: true, seq };
  }

  /** The host holds every record up to `upTo`; `ok` means the ack is on flash. Those records may be reclaimed. */
  ack(upTo: number): AckResult {
    if (!Number.isInteger(upTo) || upTo < 0) return fail('FIELD_OUT_OF_RANGE', 'ack must be a sequence number');
    if (upTo <= this.acked) return { ok: true, ackedSequence: this.acked };
    if (upTo >= this.nextSeq) return fail('JOURNAL_SEQ_UNKNOWN', `no record ${upTo} yet`);
    const e = this.writeEntry(entrySize(0, this.io.w), false, KIND_ACK, upTo, 0, 0, EMPTY);
    if (e) return e;
    this.acked = upTo;
    return { ok: true, ackedSequence: upTo };
  }

  /** Can a record of `len` payload bytes be appended now? */
  canAppend(len: number = this.maxPayload): boolean {
    return len <= this.maxPayload && this.place(entrySize(len, this.io.w), true) !== undefined;
  }

  status(): JournalStatus {
    const cap = this.sectorSize - this.dataStart;
    let used = 0;
    for (let s = 0; s < this.n; s++) {
      if (this.inRun[s] && this.endSeq[s]! - 1 > this.acked) used += this.fillTo[s]! - this.dataStart;
    }
    const capacityBytes = (this.n - 1) * cap;
    const fill = used / capacityBytes;
    const base = {
      nextSequence: this.nextSeq,
      ackedSequence: this.acked,
      pendingRecords: this.nextSeq - 1 - this.acked,
      usedBytes: used,
      capacityBytes,
      fill,
    };
    const warning = fill >= this.highWater ? { warning: 'JOURNAL_HIGH_WATER' as const } : {};
    const blocked = this.failed
      ? { permitBlocked: 'FLASH_WRITE_FAILED' as const }
      : this.canAppend()
        ? {}
        : { permitBlocked: 'JOURNAL_FULL' as const };
    return { ...base, ...warning, ...blocked };
  }

  /** The oldest sector of the live run: back from the head while epochs count down by one (head ≥ 0). */
  private oldestSector(): number {
    let s = this.head;
    for (let k = 1; k < this.n; k++) {
      const p = (this.head - k + this.n) % this.n;
      if (!this.inRun[p] || this.epochs[p] !== this.epochs[s]! - 1) break;
      s = p;
    }
    return s;
  }

  /** Oldest sequence number still held (acked or not), or nextSequence when none is. */
  oldestSequence(): number {
    if (this.head < 0) return this.nextSeq;
    return Math.min(this.firstSeq[this.oldestSector()]!, this.nextSeq);
  }

  /**
   * Streams records from `fromSeq` on. Records flash destroyed come out as `lost` ranges, in their place.
   * `buffer` (at least maxPayload bytes) receives payloads; one is allocated if not given.
   */
  cursor(fromSeq: number, buffer?: Uint8Array): JournalCursor | Failure {
    if (!Number.isInteger(fromSeq) || fromSeq < 1) return fail('FIELD_OUT_OF_RANGE', 'sequence numbers start at 1');
    if (fromSeq > this.nextSeq || fromSeq < this.oldestSequence()) return fail('JOURNAL_SEQ_UNKNOWN', `record ${fromSeq} is not held`);
    const buf = buffer ?? new Uint8Array(this.maxPayload);
    if (buf.length < this.maxPayload) return fail('INTERNAL_ERROR', 'cursor buffer smaller than maxPayload');
    let s = this.head;
    if (s >= 0) {
      // The first sector (oldest first) that still holds records at or after fromSeq.
      for (s = this.oldestSector(); s !== this.head && this.endSeq[s]! <= fromSeq; s = this.next(s));
    }
    return new JournalCursor(this, s, fromSeq, buf);
  }

  /** @internal for JournalCursor */
  sectorView(s: number): { epoch: number; live: boolean; firstSeq: number; start: number; end: number; isHead: boolean } {
    const base = this.base(s);
    return {
      epoch: this.epochs[s]!,
      live: this.inRun[s] === 1,
      firstSeq: this.firstSeq[s]!,
      start: base + this.dataStart,
      end: base + this.fillTo[s]!,
      isHead: s === this.head,
    };
  }

  /** @internal */
  scanner(start: number, end: number, buf: Uint8Array): LogScanner {
    return new LogScanner(this.io, start, end, this.maxPayload, buf);
  }

  /** @internal */
  nextSector(s: number): number {
    return this.next(s);
  }

  /** @internal */
  get nextSequence(): number {
    return this.nextSeq;
  }
}

const EMPTY = new Uint8Array(0);

/** Reads records in sequence order, one at a time, through one payload buffer. */
export class JournalCursor {
  private expected: number;
  private sc: LogScanner | undefined;
  private scEnd = 0;
  private epoch = 0;
  private pending: CursorItem | undefined;

  /** @internal use Journal.cursor */
  constructor(
    private readonly j: Journal,
    private sector: number,
    fromSeq: number,
    private readonly buf: Uint8Array,
  ) {
    this.expected = fromSeq;
    if (sector >= 0) {
      const v = j.sectorView(sector);
      this.enter(v);
      if (v.firstSeq > fromSeq) this.pending = this.lost(fromSeq, v.firstSeq - 1);
    }
  }

  private enter(v: { epoch: number; start: number; end: number }): void {
    this.epoch = v.epoch;
    this.sc = this.j.scanner(v.start, v.end, this.buf);
    this.scEnd = v.end;
  }

  private lost(from: number, to: number): CursorItem {
    this.expected = to + 1;
    return { kind: 'lost', from, to, reason: 'JOURNAL_CORRUPT' };
  }

  next(): CursorItem | Failure {
    if (this.pending !== undefined) {
      const p = this.pending;
      this.pending = undefined;
      return p;
    }
    if (this.sector < 0 || this.sc === undefined) return END;
    for (;;) {
      const v = this.j.sectorView(this.sector);
      if (!v.live || v.epoch !== this.epoch) return fail('JOURNAL_SEQ_UNKNOWN', 'the sector being read was reclaimed');
      const step = this.sc.next();
      if (typeof step === 'object') return step;
      if (step === SCAN_ENTRY && this.sc.f.kind === KIND_RECORD) {
        const f = this.sc.f;
        if (f.a < this.expected) continue;
        const rec: CursorItem = {
          kind: 'record',
          seq: f.a,
          type: (f.c >>> 16) & 0xff,
          at: f.b + (f.c & 0xffff) * 2 ** 32,
          payload: this.buf.subarray(0, f.len),
        };
        if (f.a > this.expected) {
          const gap = this.lost(this.expected, f.a - 1);
          this.pending = rec;
          this.expected = f.a + 1;
          return gap;
        }
        this.expected = f.a + 1;
        return rec;
      }
      if (step !== SCAN_END) continue;
      if (v.isHead) {
        if (v.end > this.scEnd) {
          // Appends landed since this scan began: carry on over them.
          this.sc = this.j.scanner(this.sc.position, v.end, this.buf);
          this.scEnd = v.end;
          continue;
        }
        const last = this.j.nextSequence - 1;
        if (this.expected <= last) return this.lost(this.expected, last);
        return END;
      }
      this.sector = this.j.nextSector(this.sector);
      const nv = this.j.sectorView(this.sector);
      this.enter(nv);
      if (nv.firstSeq > this.expected) return this.lost(this.expected, nv.firstSeq - 1);
    }
  }
}

const END: CursorItem = { kind: 'end' };
