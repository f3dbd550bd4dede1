// The traceability journal: append-only records in a ring of flash sectors, kept until the host acknowledges
// them, safe against a power cut at any program or erase step. RAM use is O(sectors); recovery and reads stream
// one entry at a time through fixed buffers. Layout and recovery rules are in ./log.ts and README.md.
//
// Sector: region header {magic, epoch, m1 = first sequence number this sector will hold, m2 = ack persisted
// when it was opened}, the ack field, then entries: KIND_RECORD {a = seq, b = time low 32 bits, c = time high
// 16 bits | type << 16}. Sequence numbers start at 1 and run on without gaps: each record is the previous one
// plus one, so a gap seen while reading names exactly the records flash destroyed.
//
// Ack field: pairs of bits; an acknowledgement clears them (a pair counts while it reads 00, and one flipped bit
// cannot make a 00). Pair 0 says every record before this sector is acknowledged; pair 1 + i, that the
// sector's record i is. The first pair is how an ack that ends exactly at the end of a sector outlives the
// erase of that sector. Acknowledgements therefore never need space: one can always be written.
//
// Mount reads every sector's header and ack field and recovers the newest sector (the head) only: a sector
// ends where the next one's m1 begins, and only the head can hold a cut write. Older sectors are checked
// entry by entry when they are read (cursor) or verified (verify()), and what flash destroyed there comes out
// as `lost` ranges in place.
import type { ReasonName } from '../../protocol/src/reasons';
import type { Flash } from '../platform/hal';
import {
  KIND_RECORD,
  LogIO,
  LogScanner,
  SCAN_END,
  SCAN_ENTRY,
  entrySize,
  fail,
  NoiseMeter,
  recoverTail,
  alignUp,
  regionHeaderBytes,
  unitFor,
  verifyFailed,
  REGION_OLD,
  REGION_VALID,
  type Failure,
  type RegionHeader,
  HEADER_INVALID,
} from './log';

const JOURNAL_MAGIC = 0x324a5757; // "WWJ2": on-flash format 2
const JOURNAL_MAGIC_V1 = 0x314a5757; // "WWJ1": refused, never read as format 2
/** JournalRecord.data in the protocol is bytes(240). */
export const DEFAULT_MAX_PAYLOAD = 240;
export const DEFAULT_HIGH_WATER = 0.75;
/**
 * The payload size the record counts of status() are in: 42 bytes is the mean of a 40-slot placement
 * station's day (boards, reel changes, MSD events; see BENCHMARKS.md "Storage").
 */
export const DEFAULT_TYPICAL_PAYLOAD = 42;
/** At most this many lost ranges are listed in a report (the count covers all). */
export const MAX_REPORTED_RANGES = 8;
const MAX_SEQ = 0xffffffff;
const MAX_TIME = 2 ** 48 - 1;
/** Bytes sampled per sector to tell an unformatted partition from foreign data or flash encryption. */
const SAMPLE = 64;

export interface JournalOptions {
  /** First flash sector of the ring (default 0). */
  readonly firstSector?: number;
  /** Sectors in the ring, at least 3. */
  readonly sectorCount: number;
  readonly maxPayload?: number;
  /** Fill fraction (0..1] of the capacity at which status() warns JOURNAL_HIGH_WATER. */
  readonly highWater?: number;
  /** Payload bytes of a typical record, the unit of status().capacityRecords and freeRecords. */
  readonly typicalPayload?: number;
}

export interface SeqRange {
  readonly from: number;
  readonly to: number;
}

export interface JournalMountReport {
  /** What recovery found, at most once each: JOURNAL_TORN_TAIL, JOURNAL_CORRUPT. */
  readonly reasons: readonly ReasonName[];
  /** A cut append was found at the tail, discarded and neutralised (zeroed). */
  readonly tornTail: boolean;
  /** Damaged entries found in the newest sector (older sectors: see verify()). */
  readonly corruptRegions: number;
  /** Unacknowledged sequence numbers flash destroyed (the last range absorbs any beyond MAX_REPORTED_RANGES). */
  readonly lost: readonly SeqRange[];
  readonly lostRecords: number;
}

export interface JournalVerifyReport {
  /** JOURNAL_CORRUPT when any unacknowledged record is lost. */
  readonly reasons: readonly ReasonName[];
  readonly lost: readonly SeqRange[];
  readonly lostRecords: number;
}

export interface JournalStatus {
  readonly nextSequence: number;
  readonly ackedSequence: number;
  /** Records not yet acknowledged by the host (StatusReport.journalPending). */
  readonly pendingRecords: number;
  /** Records of `recordBytes` the journal holds when empty (Hello.journalCapacity). */
  readonly capacityRecords: number;
  /** Records of `recordBytes` it can still take before JOURNAL_FULL (StatusReport.journalFreeRecords). */
  readonly freeRecords: number;
  /** Flash bytes of the typical record (JournalOptions.typicalPayload) the two counts above are in. */
  readonly recordBytes: number;
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

/** Where a journal sector's parts lie: the two header copies, the ack field (two bits per record it can hold), data. */
export function journalLayout(sectorSize: number, wordSize: number): { ackAt: number; ackBytes: number; dataStart: number } {
  const w = Math.max(4, wordSize);
  const ackAt = regionHeaderBytes(w);
  const slots = Math.max(0, Math.floor((sectorSize - ackAt) / entrySize(0, w)));
  const ackBytes = alignUp(Math.ceil((slots + 1) / 4), w);
  return { ackAt, ackBytes, dataStart: ackAt + ackBytes };
}

/**
 * The ack field at b[at, at + n): -1 when even its first pair (everything before the sector) is not clear,
 * else how many of the sector's first records it acknowledges (the 00 pairs that follow, up to the first other).
 */
function ackPairs(b: Uint8Array, at: number, n: number): number {
  let pairs = 0;
  for (let i = at; i < at + n; i++) {
    const x = b[i]!;
    if (x === 0) {
      pairs += 4;
      continue;
    }
    for (let k = 0; k < 8; k += 2, pairs++) if ((x >>> k) & 3) return pairs - 1;
  }
  return pairs - 1;
}

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
  /** Where a sector's ack field starts, and its size. */
  private readonly ackAt: number;
  private readonly ackBytes: number;
  private readonly ackBuf: Uint8Array;
  private readonly maxPayload: number;
  private readonly highWater: number;
  private readonly recordBytes: number;
  /**
   * Per sector: part of the live run, its epoch (u32 in the sector header, and here), first and next sequence
   * numbers (2^32 once the last number is used), and its fill offset.
   */
  private readonly inRun: Uint8Array;
  private readonly epochs: Uint32Array;
  private readonly firstSeq: Float64Array;
  private readonly endSeq: Float64Array;
  private readonly fillTo: Uint32Array;
  /** Per sector, what its ack field says: -1 nothing, 0 everything before it, k also its first k records. */
  private readonly ackedPairs: Int32Array;
  /** Recovery's view of each sector: its header reads valid, and the ack it persisted when it was opened (m2). */
  private readonly valid: Uint8Array;
  private readonly ackedIn: Float64Array;
  private head = -1;
  private nextSeq = 1;
  private acked = 0;
  private failed = false;

  private constructor(flash: Flash, n: number, first: number, maxPayload: number, highWater: number, typical: number) {
    this.io = new LogIO(flash);
    this.n = n;
    this.first = first;
    this.sectorSize = flash.geometry.sectorSize;
    const layout = journalLayout(this.sectorSize, this.io.w);
    this.ackAt = layout.ackAt;
    this.ackBytes = layout.ackBytes;
    this.dataStart = layout.dataStart;
    this.ackBuf = new Uint8Array(layout.ackBytes);
    this.maxPayload = maxPayload;
    this.highWater = highWater;
    this.recordBytes = entrySize(typical, this.io.w);
    // The per-sector state in one allocation (a mount builds a Journal: each allocation is a cost of every mount).
    const b = new ArrayBuffer(n * (3 * 8 + 3 * 4 + 2));
    this.firstSeq = new Float64Array(b, 0, n);
    this.endSeq = new Float64Array(b, 8 * n, n);
    this.ackedIn = new Float64Array(b, 16 * n, n);
    this.epochs = new Uint32Array(b, 24 * n, n);
    this.fillTo = new Uint32Array(b, 28 * n, n);
    this.ackedPairs = new Int32Array(b, 32 * n, n);
    this.inRun = new Uint8Array(b, 36 * n, n);
    this.valid = new Uint8Array(b, 37 * n, n);
  }

  private static configure(flash: Flash, opts: JournalOptions): Journal | Failure {
    const { sectorSize, sectorCount } = flash.geometry;
    const first = opts.firstSector ?? 0;
    const n = opts.sectorCount;
    const maxPayload = opts.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    const highWater = opts.highWater ?? DEFAULT_HIGH_WATER;
    const typical = opts.typicalPayload ?? Math.min(DEFAULT_TYPICAL_PAYLOAD, maxPayload);
    const w = unitFor(flash.geometry, 'journal');
    if (typeof w === 'object') return w;
    if (!Number.isInteger(first) || !Number.isInteger(n) || first < 0 || n < 3 || first + n > sectorCount) {
      return fail('INTERNAL_ERROR', 'journal: needs at least 3 sectors inside the flash');
    }
    if (!Number.isInteger(maxPayload) || maxPayload < 0 || maxPayload > 0xffff) return fail('INTERNAL_ERROR', 'journal: bad maxPayload');
    if (journalLayout(sectorSize, w).dataStart + entrySize(maxPayload, w) > sectorSize) {
      return fail('INTERNAL_ERROR', 'journal: a record of maxPayload does not fit in a sector');
    }
    if (!(highWater > 0 && highWater <= 1)) return fail('INTERNAL_ERROR', 'journal: highWater must be in (0, 1]');
    if (!Number.isInteger(typical) || typical < 0 || typical > maxPayload) return fail('INTERNAL_ERROR', 'journal: typicalPayload must be 0..maxPayload');
    return new Journal(flash, n, first, maxPayload, highWater, typical);
  }

  /**
   * Recovers the journal from flash: finds the head, the next sequence number and the last ack, and leaves
   * the head in a state every later mount reads the same way. Refuses (typed failure, nothing written) a
   * partition of an older format (STORAGE_FORMAT_OLD), one under flash encryption (FLASH_ENCRYPTED), foreign
   * data (STORAGE_UNRECOGNISED) and a journal whose every sector header is destroyed (JOURNAL_CORRUPT).
   */
  static mount(flash: Flash, opts: JournalOptions): MountResult {
    const j = Journal.configure(flash, opts);
    if (!(j instanceof Journal)) return j;
    const r = j.recover();
    return 'ok' in r ? r : { ok: true, journal: j, report: r };
  }

  /**
   * Starts an empty journal on the partition, whatever it held: the deliberate way out of a refused mount.
   * Numbering continues at `firstSequence` (the host's last known sequence number + 1), so that records of
   * the new journal never reuse a number the host already holds.
   */
  static format(flash: Flash, opts: JournalOptions, firstSequence = 1): MountResult {
    const j = Journal.configure(flash, opts);
    if (!(j instanceof Journal)) return j;
    if (!Number.isInteger(firstSequence) || firstSequence < 1 || firstSequence > MAX_SEQ) {
      return fail('FIELD_OUT_OF_RANGE', 'journal: firstSequence must be 1..2^32-1');
    }
    // Every old header goes first, so that a cut format leaves no stale sector that could join the new run;
    // the newest last, so that a format cut short never lets an older sector's numbers be handed out again.
    let head = -1;
    let epoch = -1;
    for (let s = 0; s < j.n; s++) {
      const r = j.io.readRegionHeader(j.base(s), JOURNAL_MAGIC, JOURNAL_MAGIC_V1);
      if ('ok' in r) return r;
      if (r.header !== undefined && r.header.epoch > epoch) {
        head = s;
        epoch = r.header.epoch;
      }
    }
    for (let k = 1; k <= j.n; k++) {
      const e = j.io.zeroRegionHeader(j.base((head + k + j.n) % j.n));
      if (e) return e;
    }
    const e = j.io.erase(j.first) ?? j.io.writeRegionHeader(j.base(0), JOURNAL_MAGIC, 1, firstSequence, firstSequence - 1);
    if (e) return e;
    return Journal.mount(flash, opts);
  }

  private base(s: number): number {
    return (this.first + s) * this.sectorSize;
  }

  private next(s: number): number {
    return (s + 1) % this.n;
  }

  private recover(): JournalMountReport | Failure {
    const { n, valid, ackedIn } = this;
    let old = 0;
    const h: RegionHeader = { epoch: 0, m1: 0, m2: 0 };
    for (let s = 0; s < n; s++) {
      // Each sector's header copies and ack field, in one small read.
      const area = this.io.headerArea(this.base(s), this.dataStart);
      if ('ok' in area) return area;
      const kind = this.io.parseRegionHeader(area, JOURNAL_MAGIC, JOURNAL_MAGIC_V1, h);
      if (kind === REGION_OLD) old++;
      if (kind !== REGION_VALID) continue;
      valid[s] = 1;
      this.epochs[s] = h.epoch;
      this.firstSeq[s] = h.m1;
      ackedIn[s] = h.m2;
      this.ackedPairs[s] = ackPairs(area, this.ackAt, this.ackBytes);
      if (this.head < 0 || h.epoch > this.epochs[this.head]!) this.head = s;
    }
    if (this.head < 0) return this.unformatted(old);
    const head = this.head;

    // The live run: back from the head while epochs count down by one. Anything else is free.
    let oldest = head;
    this.inRun[oldest] = 1;
    for (let k = 1; k < n; k++) {
      const s = (head - k + n) % n;
      if (!valid[s] || this.epochs[s] !== this.epochs[oldest]! - 1) break;
      this.inRun[s] = 1;
      oldest = s;
    }
    let acked = 0;
    for (let s = 0; s < n; s++) if (this.inRun[s]) acked = Math.max(acked, ackedIn[s]!);
    for (let s = oldest; s !== head; s = this.next(s)) {
      this.endSeq[s] = this.firstSeq[this.next(s)]!;
      this.fillTo[s] = this.sectorSize;
    }

    // The sector after the head is where a cut sector open (erase, then header) would have landed. If its
    // header does not read valid now, zero it, so that a header a cut left weak never reads valid later and
    // takes over as the head from whatever this mount decides.
    const t = this.next(head);
    if (!valid[t]) {
      const e = this.io.zeroRegionHeader(this.base(t));
      if (e) return e;
    }
    const headHeader = { epoch: this.epochs[head]!, m1: this.firstSeq[head]!, m2: ackedIn[head]! };
    const solid = this.io.solidifyRegionHeader(this.base(head), JOURNAL_MAGIC, headHeader);
    if (typeof solid === 'object') return solid;

    const start = this.base(head) + this.dataStart;
    const end = this.base(head) + this.sectorSize;
    // One pass over the newest sector recovers its tail and reads its records (the damaged ones' numbers spent).
    const lost = new LostList();
    let expected = this.firstSeq[head]!;
    let corrupt = 0;
    let entries = 0;
    const tail = recoverTail(this.io, start, end, this.maxPayload, (step, _at, f) => {
      entries++;
      if (f.kind === KIND_RECORD && f.a >= expected) {
        lost.add(expected, step === SCAN_ENTRY ? f.a - 1 : f.a);
        expected = f.a + 1;
        if (step === SCAN_ENTRY) return;
      }
      corrupt++; // damage (its number, if it names one, is spent), a record out of order, or a foreign kind
    });
    if ('ok' in tail) return tail;
    if (tail.closed !== 'no') {
      // Damage a cut cannot explain ends the chain: the rest of the sector is given up, and numbers are
      // skipped so that none is ever handed out twice (one entry, or as many as could have been there).
      const room = tail.closed === 'committed' ? 1 : Math.max(1, Math.floor((end - tail.closedAt) / entrySize(0, this.io.w)));
      lost.add(expected, expected + room - 1);
      expected += room;
      corrupt++;
    }
    this.fillTo[head] = tail.resume - this.base(head);
    this.endSeq[head] = expected;
    // The ack fields: a sector's leading 00 pairs acknowledge its first records (never more than it holds).
    for (let s = oldest; ; s = this.next(s)) {
      this.ackedPairs[s] = Math.min(this.ackedPairs[s]!, this.endSeq[s]! - this.firstSeq[s]!);
      if (this.ackedPairs[s]! >= 0) acked = Math.max(acked, this.firstSeq[s]! + this.ackedPairs[s]! - 1);
      if (s === head) break;
    }
    this.acked = acked;
    this.nextSeq = Math.max(expected, acked + 1, this.firstSeq[head]!);
    // An acknowledgement a cut interrupted touched the frontier: program what was read there again (weak bits),
    // and the first pair of the first sector not fully acknowledged, so that the ack outlives the erase of the
    // sector before it (an ack cut between that sector's pairs and the next one's first pair).
    const f = this.oldestSector();
    if (acked >= this.firstSeq[f]! - 1) this.ackedPairs[f] = Math.max(0, this.ackedPairs[f]!);
    for (const s of f === oldest ? [f] : [(f - 1 + n) % n, f]) {
      const e = this.markAcked(s, this.ackedPairs[s]!);
      if (e) return e;
    }
    if (!solid && entries === 0 && tail.closed === 'no') {
      // A header copy a cut or a flipped bit left unrepairable, in a head that holds nothing yet (the previous
      // sector holds the numbers its header repeats): open it afresh with both copies, or one more flipped bit
      // would hide the sector and let its numbers be handed out again.
      const e = this.io.erase(this.first + head) ?? this.io.writeRegionHeader(this.base(head), JOURNAL_MAGIC, this.epochs[head]!, this.nextSeq, acked);
      if (e) return e;
      this.firstSeq[head] = this.nextSeq;
      this.endSeq[head] = this.nextSeq;
      this.fillTo[head] = this.dataStart;
      this.ackedPairs[head] = -1;
    }
    // Everything before the oldest sector was reclaimed, which needs an ack; anything not acked went missing.
    if (this.firstSeq[oldest]! - 1 > acked) lost.add(acked + 1, this.firstSeq[oldest]! - 1);

    const { lost: lostAbove, count } = lost.above(acked);
    const reasons: ReasonName[] = [];
    if (tail.torn) reasons.push('JOURNAL_TORN_TAIL');
    if (corrupt > 0 || count > 0) reasons.push('JOURNAL_CORRUPT');
    return { reasons, tornTail: tail.torn, corruptRegions: corrupt, lost: lostAbove, lostRecords: count };
  }

  /** No sector header reads valid: a new partition, an older format, foreign data, encryption, or destruction. */
  private unformatted(old: number): JournalMountReport | Failure {
    if (old > 0) {
      return fail('STORAGE_FORMAT_OLD', `journal: ${old} sector(s) hold on-flash format 1; read them out with the firmware that wrote them, then Journal.format()`);
    }
    const b = new Uint8Array(SAMPLE);
    const probe = { kind: 0, len: 0, a: 0, b: 0, c: 0, hcrc: 0 };
    let blank = true;
    let ours = false;
    const noise = new NoiseMeter();
    for (let s = 0; s < this.n; s++) {
      for (const at of [this.base(s), this.base(s) + this.dataStart]) {
        const e = this.io.read(at, b, 0, SAMPLE);
        if (e) return e;
        noise.add(b, 0, SAMPLE);
      }
      const d = this.base(s) + this.dataStart;
      const erased = this.io.erased(d, d + SAMPLE);
      if (typeof erased === 'object') return erased;
      if (!erased) blank = false;
      const h = this.io.readEntryHeader(d, this.base(s) + this.sectorSize, this.maxPayload, probe);
      if (typeof h === 'object') return h;
      if (h !== HEADER_INVALID) ours = true;
    }
    // Header areas alone may hold a cut first sector open; with every data area erased, nothing was stored.
    if (blank) return { reasons: [], tornTail: false, corruptRegions: 0, lost: [], lostRecords: 0 };
    if (noise.noise) {
      return fail('FLASH_ENCRYPTED', 'journal: the partition reads as noise (flash encryption makes erased flash read that way); use an unencrypted data partition');
    }
    if (ours) {
      return fail('JOURNAL_CORRUPT', 'journal: no sector header is readable though journal entries are present; refusing to start over and reuse sequence numbers. Read it out, then Journal.format()');
    }
    return fail('STORAGE_UNRECOGNISED', 'journal: the partition holds data that is not a journal; nothing was changed. Check the partition table, then Journal.format()');
  }

  /** True if sector `s` may be erased: not the head, and holding no unacknowledged record. */
  private reclaimable(s: number): boolean {
    return s !== this.head && (!this.inRun[s] || this.endSeq[s]! - 1 <= this.acked);
  }

  /** Where a record of `size` bytes goes: the head, or the next sector (opened by erasing it). */
  private place(size: number): { sector: number; open: boolean } | undefined {
    if (this.head < 0) return { sector: 0, open: true };
    if (this.fillTo[this.head]! + size <= this.sectorSize) return { sector: this.head, open: false };
    const t = this.next(this.head);
    return this.reclaimable(t) ? { sector: t, open: true } : undefined;
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
    this.ackedPairs[t] = -1;
    this.head = t;
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
    const size = entrySize(payload.length, this.io.w);
    let pos = -1;
    while (pos < 0) {
      const where = this.place(size);
      if (where === undefined) return fail('JOURNAL_FULL', 'every sector holds unacknowledged records');
      if (where.open) {
        const e = this.open(where.sector);
        if (e) return this.failedWith(e);
      }
      const end = this.base(this.head) + this.sectorSize;
      const p = this.io.prepare(this.base(this.head) + this.fillTo[this.head]!, size, end);
      if (typeof p === 'object') return this.failedWith(p);
      this.fillTo[this.head] = p - this.base(this.head);
      if (p < end) pos = p;
    }
    const hi = Math.floor(at / 2 ** 32);
    const e = this.io.writeEntry(pos, KIND_RECORD, seq, at >>> 0, (hi | (type << 16)) >>> 0, payload, 0, payload.length);
    if (e) {
      // A write that did not verify becomes padding, so it can never be read back as a record; where even that
      // will not take, the rest of the sector is given up.
      const z = this.io.zeroEntry(pos, pos + size);
      if (z === undefined) this.fillTo[this.head]! += size;
      else if (verifyFailed(z)) this.fillTo[this.head] = this.sectorSize;
      return this.failedWith(e);
    }
    this.fillTo[this.head]! += size;
    this.failed = false;
    this.nextSeq = seq + 1;
    this.endSeq[this.head] = this.nextSeq;
    return { ok: true, seq };
  }

  /**
   * The host holds every record up to `upTo`; `ok` means the ack is on flash. Those records may be reclaimed.
   * It clears bits in the ack fields of the sectors holding them, so it needs no space and never fails for
   * want of it.
   */
  ack(upTo: number): AckResult {
    if (!Number.isInteger(upTo) || upTo < 0) return fail('FIELD_OUT_OF_RANGE', 'ack must be a sequence number');
    if (upTo <= this.acked) return { ok: true, ackedSequence: this.acked };
    if (upTo >= this.nextSeq) return fail('JOURNAL_SEQ_UNKNOWN', `no record ${upTo} yet`);
    // Numbers below the oldest record held were lost: acknowledging some of them acknowledges them all.
    const oldest = this.oldestSector();
    upTo = Math.max(upTo, this.firstSeq[oldest]! - 1);
    for (let s = oldest; ; s = this.next(s)) {
      // Everything before the sector (its first pair), then its own records up to upTo.
      const want = Math.min(this.endSeq[s]!, upTo + 1) - this.firstSeq[s]!;
      if (want > this.ackedPairs[s]!) {
        const e = this.markAcked(s, want);
        if (e) return this.failedWith(e);
        this.ackedPairs[s] = want;
      }
      // An ack that ends exactly at the end of this sector goes on into the next one's first pair.
      if (s === this.head || upTo < this.endSeq[s]! - 1) break;
    }
    this.acked = upTo;
    return { ok: true, ackedSequence: upTo };
  }

  /** Clears sector `s`'s first pair and those of its first `records` records (those already clear stay so). */
  private markAcked(s: number, records: number): Failure | undefined {
    if (records < 0) return undefined;
    const b = this.ackBuf.fill(0xff);
    for (let i = 0; i <= records; i++) b[i >>> 2] = b[i >>> 2]! & ~(3 << ((i & 3) * 2));
    return this.io.clear(this.base(s) + this.ackAt, b, 0, this.ackBytes);
  }

  /** Can a record of `len` payload bytes be appended now? */
  canAppend(len: number = this.maxPayload): boolean {
    return len <= this.maxPayload && this.place(entrySize(len, this.io.w)) !== undefined;
  }

  status(): JournalStatus {
    const cap = this.sectorSize - this.dataStart;
    const perSector = Math.floor(cap / this.recordBytes);
    let used = 0;
    for (let s = 0; s < this.n; s++) {
      if (this.inRun[s] && this.endSeq[s]! - 1 > this.acked) used += s === this.head ? this.fillTo[s]! - this.dataStart : cap;
    }
    // Records fill the head, then the sectors after it that hold nothing unacknowledged.
    let freeRecords = this.n * perSector;
    if (this.head >= 0) {
      let k = 0;
      for (let s = this.next(this.head); k < this.n - 1 && this.reclaimable(s); s = this.next(s)) k++;
      freeRecords = Math.floor((this.sectorSize - this.fillTo[this.head]!) / this.recordBytes) + k * perSector;
    }
    const capacityBytes = this.n * cap;
    const fill = used / capacityBytes;
    const base = {
      nextSequence: this.nextSeq,
      ackedSequence: this.acked,
      pendingRecords: this.nextSeq - 1 - this.acked,
      capacityRecords: this.n * perSector,
      freeRecords,
      recordBytes: this.recordBytes,
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

  /**
   * The oldest sector still worth reading: back from the head through the run, then forward past sectors
   * whose records are all acknowledged (head ≥ 0). A sector whose erase a cut interrupted holds only
   * acknowledged records, so whatever its half-erased cells read never counts.
   */
  private oldestSector(acknowledged = false): number {
    let s = this.head;
    for (let k = 1; k < this.n; k++) {
      const p = (this.head - k + this.n) % this.n;
      if (!this.inRun[p] || this.epochs[p] !== this.epochs[s]! - 1) break;
      s = p;
    }
    if (!acknowledged) while (s !== this.head && this.endSeq[s]! - 1 <= this.acked) s = this.next(s);
    return s;
  }

  /**
   * Oldest sequence number still readable, or nextSequence when none is. With `acknowledged`, the oldest still on
   * flash even in sectors whose records are all acknowledged (free to be erased: a forensic read of a dump, whose
   * every record is still checked and any damage reported).
   */
  oldestSequence(acknowledged = false): number {
    if (this.head < 0) return this.nextSeq;
    return Math.min(this.firstSeq[this.oldestSector(acknowledged)]!, this.nextSeq);
  }

  /**
   * Streams records from `fromSeq` on. Records flash destroyed come out as `lost` ranges, in their place.
   * `buffer` (at least maxPayload bytes) receives payloads; one is allocated if not given.
   */
  cursor(fromSeq: number, buffer?: Uint8Array, acknowledged = false): JournalCursor | Failure {
    if (!Number.isInteger(fromSeq) || fromSeq < 1) return fail('FIELD_OUT_OF_RANGE', 'sequence numbers start at 1');
    if (fromSeq > this.nextSeq || fromSeq < this.oldestSequence(acknowledged)) return fail('JOURNAL_SEQ_UNKNOWN', `record ${fromSeq} is not held`);
    const buf = buffer ?? new Uint8Array(this.maxPayload);
    if (buf.length < this.maxPayload) return fail('INTERNAL_ERROR', 'cursor buffer smaller than maxPayload');
    let s = this.head;
    if (s >= 0) {
      // The first sector (oldest first) that still holds records at or after fromSeq.
      for (s = this.oldestSector(acknowledged); s !== this.head && this.endSeq[s]! <= fromSeq; s = this.next(s));
    }
    return new JournalCursor(this, s, fromSeq, buf);
  }

  /**
   * Reads every unacknowledged record through its checks (the mount checks the newest sector only) and says
   * which ones flash destroyed: a scrub, for the station to run at boot or in idle time.
   */
  verify(): JournalVerifyReport | Failure {
    const lost = new LostList();
    let expected = this.acked + 1;
    for (let s = this.head < 0 ? -1 : this.oldestSector(); s >= 0; s = this.next(s)) {
      if (this.firstSeq[s]! > expected) lost.add(expected, this.firstSeq[s]! - 1);
      expected = Math.max(expected, this.firstSeq[s]!);
      const v = this.sectorView(s);
      const sc = new LogScanner(this.io, v.start, v.end, this.maxPayload);
      for (;;) {
        const step = sc.next();
        if (typeof step === 'object') return step;
        if (step === SCAN_END) break;
        if (step !== SCAN_ENTRY || sc.f.kind !== KIND_RECORD || sc.f.a < expected) continue;
        lost.add(expected, sc.f.a - 1);
        expected = sc.f.a + 1;
      }
      // Numbers the sector should hold that did not read back whole (the head: up to the next number).
      const end = s === this.head ? this.nextSeq : this.endSeq[s]!;
      lost.add(expected, end - 1);
      expected = Math.max(expected, end);
      if (s === this.head) break;
    }
    const { lost: ranges, count } = lost.above(this.acked);
    return { reasons: count > 0 ? ['JOURNAL_CORRUPT'] : [], lost: ranges, lostRecords: count };
  }

  /** @internal for JournalCursor */
  sectorView(s: number): { epoch: number; live: boolean; firstSeq: number; endSeq: number; start: number; end: number; isHead: boolean } {
    const base = this.base(s);
    return {
      epoch: this.epochs[s]!,
      live: this.inRun[s] === 1,
      firstSeq: this.firstSeq[s]!,
      endSeq: this.endSeq[s]!,
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
      // The chain of an older sector ended: any of its numbers not read were destroyed.
      if (this.expected < v.endSeq) return this.lost(this.expected, v.endSeq - 1);
      this.sector = this.j.nextSector(this.sector);
      const nv = this.j.sectorView(this.sector);
      this.enter(nv);
      if (nv.firstSeq > this.expected) return this.lost(this.expected, nv.firstSeq - 1);
    }
  }
}

const END: CursorItem = { kind: 'end' };
