// A journal partition image (a device dump, or what the simulator wrote) read the way the station reads its own
// flash: a copy is mounted with `Journal.mount` (mount may seal or zero a torn tail: on the copy, never on the
// input), then streamed with a cursor. Damage is never skipped silently: every lost range comes back with its
// sequence numbers and the flash offset of the damaged bytes, a torn tail and a truncated dump with theirs.
import { decodePayload } from '../../../protocol/src/frame';
import { MESSAGES, type MessageBody } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import type { Flash, FlashGeometry, FlashResult } from '../../../firmware/platform/hal';
import { Journal, journalLayout } from '../../../firmware/storage/journal';
import { END_BLANK, END_FULL, KIND_RECORD, LogIO, LogScanner, SCAN_BAD, SCAN_END, SCAN_ENTRY } from '../../../firmware/storage/log';
import type { JournalEntry } from '../../../firmware/core/trace/replay';

// The region magics of firmware/storage/journal.ts: format 2 ("WWJ2"), and format 1 ("WWJ1"), never read as 2.
const JOURNAL_MAGIC = 0x324a5757;
const JOURNAL_MAGIC_V1 = 0x314a5757;
const MAX_PAYLOAD = 240;

/**
 * A Flash over an image that is never changed: reads come from it until the first program or erase (mount may seal
 * or zero a torn tail), which copies it first. The input file's bytes stay as they were; so does `image`.
 */
export class ImageFlash implements Flash {
  readonly geometry: FlashGeometry;
  private mem: Uint8Array;
  private owned: boolean;

  constructor(image: Uint8Array, sectorSize: number, sectorCount: number, wordSize: number) {
    this.geometry = { sectorSize, sectorCount, wordSize };
    const size = sectorSize * sectorCount;
    this.owned = image.length !== size;
    // A short dump reads as erased (0xFF) past its end, as a blank flash would.
    this.mem = this.owned ? new Uint8Array(size).fill(0xff) : image;
    if (this.owned) this.mem.set(image.subarray(0, size));
  }

  private own(): void {
    if (!this.owned) {
      this.mem = this.mem.slice();
      this.owned = true;
    }
  }

  read(offset: number, dst: Uint8Array, at: number, length: number): FlashResult {
    if (offset < 0 || offset + length > this.mem.length) return { ok: false, reason: 'FLASH_READ_FAILED', detail: 'out of range' };
    dst.set(this.mem.subarray(offset, offset + length), at);
    return { ok: true };
  }

  program(offset: number, src: Uint8Array, at: number, length: number): FlashResult {
    if (offset < 0 || offset + length > this.mem.length) return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'out of range' };
    this.own();
    for (let i = 0; i < length; i++) this.mem[offset + i] = this.mem[offset + i]! & src[at + i]!;
    return { ok: true };
  }

  erase(sector: number): FlashResult {
    if (sector < 0 || sector >= this.geometry.sectorCount) return { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'no such sector' };
    this.own();
    this.mem.fill(0xff, sector * this.geometry.sectorSize, (sector + 1) * this.geometry.sectorSize);
    return { ok: true };
  }
}

export interface ImageDamage {
  readonly reason: Extract<ReasonName, 'JOURNAL_CORRUPT' | 'JOURNAL_TORN_TAIL' | 'DUMP_TRUNCATED' | 'MALFORMED_PAYLOAD'>;
  /** Byte offset of the damage in the image (the partition). */
  readonly offset?: number;
  /** Sequence numbers lost, when they are known. */
  readonly lost?: { readonly from: number; readonly to: number };
  readonly detail: string;
}

export interface ImageRead {
  readonly entries: JournalEntry[];
  readonly damage: ImageDamage[];
  /** Sequence numbers held: the oldest and the last (undefined for an empty journal). */
  readonly held?: { readonly from: number; readonly to: number };
  readonly ackedUpTo: number;
}

export interface ImageGeometry {
  readonly sectorSize: number;
  readonly wordSize: number;
  /** The journal's partition size in bytes (the station's `journal.kib`). */
  readonly partitionBytes: number;
}

/** A bad region found by scanning the original image, with the last good record number before it. */
interface BadRegion {
  readonly at: number;
  readonly to: number;
  readonly after: number;
  readonly seq?: number;
}

/**
 * Walks every sector of the untouched image (reads only), along the chain of whole entries exactly as the journal
 * does (nothing after a break in the chain is ever parsed), and notes where the damaged bytes are.
 */
function scanDamage(flash: Flash, sectors: number): BadRegion[] {
  const io = new LogIO(flash);
  const size = flash.geometry.sectorSize;
  const { dataStart } = journalLayout(size, io.w);
  const out: BadRegion[] = [];
  for (let s = 0; s < sectors; s++) {
    const base = s * size;
    const h = io.readRegionHeader(base, JOURNAL_MAGIC, JOURNAL_MAGIC_V1);
    if ('ok' in h) continue; // a read failure: the mount reports it
    if (h.header === undefined) {
      // No valid header: an erased sector is free; one with programmed bytes lost its header.
      const blank = io.erased(base, base + size);
      if (blank === false) out.push({ at: base, to: base + size, after: -1 });
      continue;
    }
    let after = h.header.m1 - 1;
    const sc = new LogScanner(io, base + dataStart, base + size, MAX_PAYLOAD);
    for (;;) {
      const step = sc.next();
      if (typeof step === 'object') break;
      if (step === SCAN_END) {
        // A chain that ends before the sector does, on bytes that are not erased: damage (or a torn tail) there.
        if (sc.endKind !== END_BLANK && sc.endKind !== END_FULL) out.push({ at: sc.at, to: base + size, after });
        break;
      }
      if (step === SCAN_ENTRY && sc.f.kind === KIND_RECORD) after = sc.f.a;
      else if (step === SCAN_BAD) out.push({ at: sc.at, to: sc.at + sc.size, after, ...(sc.f.kind === KIND_RECORD ? { seq: sc.f.a } : {}) });
    }
  }
  return out;
}

function where(regions: readonly BadRegion[], from: number, to: number): BadRegion | undefined {
  return (
    regions.find((r) => r.seq !== undefined && r.seq >= from && r.seq <= to) ??
    regions.find((r) => r.after === from - 1) ??
    regions.filter((r) => r.after >= 0 && r.after < from).sort((a, b) => b.after - a.after)[0] ??
    regions.find((r) => r.after === -1)
  );
}

const hex = (n: number) => `0x${n.toString(16)}`;
const BOARD_TRACE = MESSAGES.BoardTrace.type;
const BAD_BOARD: MessageBody<'BoardTrace'> = { at: 0, unitIdentifier: '', setupGeneration: 0, lane: 0, firstOff: false, permitOn: false, msdRemaining: [] };

/**
 * A BoardTrace record whose body is decoded on first use. One that is whole on flash but does not decode reads as
 * a board with an empty id, and the damage is added to `late` (reported with the answer that touched it).
 */
export class LazyBoard {
  readonly type = 'BoardTrace' as const;
  private decoded: MessageBody<'BoardTrace'> | undefined;

  constructor(
    readonly seq: number,
    /** The record's payload, for a cheap byte search before decoding. */
    readonly payload: Uint8Array,
    private readonly late: ImageDamage[],
  ) {}

  get body(): MessageBody<'BoardTrace'> {
    if (this.decoded === undefined) {
      const d = decodePayload(BOARD_TRACE, this.payload);
      if (d.ok && d.message.type === 'BoardTrace') this.decoded = d.message.body;
      else {
        this.decoded = BAD_BOARD;
        this.late.push({ reason: 'MALFORMED_PAYLOAD', lost: { from: this.seq, to: this.seq }, detail: `record ${this.seq} (BoardTrace) is whole but does not decode${d.ok ? '' : `: ${d.reason}: ${d.detail}`}` });
      }
    }
    return this.decoded;
  }
}

/** Reads a journal image. Never throws and never changes `image`. */
export function readJournalImage(image: Uint8Array, g: ImageGeometry, late: ImageDamage[] = []): ImageRead {
  const damage: ImageDamage[] = [];
  const sectors = Math.floor(g.partitionBytes / g.sectorSize);
  if (image.length < sectors * g.sectorSize) {
    damage.push({
      reason: 'DUMP_TRUNCATED',
      offset: image.length,
      detail: `the dump has ${image.length} bytes of a ${sectors * g.sectorSize}-byte journal partition; read up to ${hex(image.length)}, anything journaled after that is missing`,
    });
  }
  const flash = new ImageFlash(image, g.sectorSize, sectors, g.wordSize);
  const m = Journal.mount(flash, { sectorCount: sectors, highWater: 1 });
  if (!m.ok) {
    damage.push({ reason: 'JOURNAL_CORRUPT', offset: 0, detail: `the journal does not mount: ${m.reason}: ${m.detail}` });
    return { entries: [], damage, ackedUpTo: 0 };
  }
  const j = m.journal;
  const entries: JournalEntry[] = [];
  const lost: { from: number; to: number }[] = [];
  // A dump is evidence: read the acknowledged records still on flash too (every one checked; damage reported).
  const oldest = j.oldestSequence(true);
  const last = j.nextSequence - 1;
  const c = j.cursor(oldest, undefined, true);
  if ('next' in c) {
    for (;;) {
      const it = c.next();
      if (!('kind' in it)) {
        damage.push({ reason: 'JOURNAL_CORRUPT', detail: `reading stopped: ${it.reason}: ${it.detail}` });
        break;
      }
      if (it.kind === 'end') break;
      if (it.kind === 'lost') {
        lost.push({ from: it.from, to: it.to });
        continue;
      }
      if (it.type === BOARD_TRACE) {
        // A day holds thousands of boards and a query needs few: their bodies are decoded when first read.
        entries.push({ seq: it.seq, at: it.at, message: new LazyBoard(it.seq, it.payload.slice(), late) });
        continue;
      }
      const d = decodePayload(it.type, it.payload);
      if (d.ok) entries.push({ seq: it.seq, at: it.at, message: d.message });
      else damage.push({ reason: 'MALFORMED_PAYLOAD', lost: { from: it.seq, to: it.seq }, detail: `record ${it.seq} (type ${it.type}) is whole but does not decode: ${d.reason}: ${d.detail}` });
    }
  }
  if (m.report.tornTail || lost.length > 0) {
    // Where the damage is: a second look at the untouched image (mount sealed or zeroed the copy's tail).
    const regions = scanDamage(new ImageFlash(image, g.sectorSize, sectors, g.wordSize), sectors);
    if (m.report.tornTail) {
      const tail = regions.filter((r) => r.seq === undefined || r.seq >= j.nextSequence).at(-1);
      damage.push({
        reason: 'JOURNAL_TORN_TAIL',
        ...(tail === undefined ? {} : { offset: tail.at }),
        detail: `a record being written when power was cut${tail === undefined ? '' : ` at ${hex(tail.at)}`} was never complete: nothing journaled is lost`,
      });
    }
    for (const l of lost) {
      const r = where(regions, l.from, l.to);
      damage.push({
        reason: 'JOURNAL_CORRUPT',
        ...(r === undefined ? {} : { offset: r.at }),
        lost: l,
        detail: `records ${l.from}–${l.to} lost to flash damage${r === undefined ? ' (no damaged bytes left in the image: their sector was erased or is missing from the dump)' : ` at ${hex(r.at)}–${hex(r.to)}`}`,
      });
    }
  }
  return { entries, damage, ...(last >= oldest ? { held: { from: oldest, to: last } } : {}), ackedUpTo: j.status().ackedSequence };
}
