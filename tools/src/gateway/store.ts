// The gateway's own store: the journal bytes of every station as append-only files, one per station, each record
// framed with its length and a CRC-32. A batch is written, fsynced, and only then reported stored (and so acked
// to the station): durable before acknowledged. At open, a torn last write (a crash between write and fsync) is
// cut off; any other damage stops the gateway (GATEWAY_STORE_CORRUPT), since those records may already be gone
// from the station. Beside the records: the publishing watermark per station (the last record whose CFX
// messages the broker accepted) and the host's session counters (a CounterVault), each replaced atomically.
import type { CounterStream, CounterVault, VaultResult } from '../../../protocol/src/counters';
import { crc32Update } from '../../../protocol/src/crc32';
import type { ReasonName } from '../../../protocol/src/reasons';
import { utf8Decode, utf8Encode } from '../../../protocol/src/utf8';
import type { CollectedRecord, JournalSink } from '../../../host-sim/host/station-client';
import type { Disk } from './disk';

const RECORD = 0xa7;
const GAP = 0xa8;
/** magic u8 · data length u16 · CRC-32 u32 · seq u32 · at u32 (Unix s) · record type u8 · data. */
const HEADER = 16;
const MAX_DATA = 0xffff;
const CHUNK = 256 * 1024;
const DIR = 'stations';
const COUNTERS = 'counters.json';
const PUBLISHED = 'published.json';

/** A range of records the station's flash destroyed: it is recorded so that nobody waits for them. */
export interface StoredGap {
  readonly kind: 'gap';
  readonly stationId: number;
  readonly from: number;
  readonly to: number;
}
export type StoredItem = ({ readonly kind: 'record' } & CollectedRecord) | StoredGap;

export type StoreFailure = { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

export interface StationHoldings {
  readonly stationId: number;
  /** The next sequence the store does not hold (1 for a new station). */
  readonly next: number;
  readonly records: number;
  readonly bytes: number;
  readonly gaps: number;
  /** The last record whose CFX messages the broker confirmed (0 for none). */
  readonly published: number;
}

interface Station {
  readonly id: number;
  readonly file: string;
  /** Bytes written (possibly not yet durable), and bytes known durable. */
  size: number;
  synced: number;
  /** Next sequence after what was written. */
  next: number;
  records: number;
  gaps: number;
}

function encodeItem(kind: number, seq: number, at: number, type: number, data: Uint8Array): Uint8Array {
  const b = new Uint8Array(HEADER + data.length);
  const v = new DataView(b.buffer);
  b[0] = kind;
  v.setUint16(1, data.length, true);
  v.setUint32(7, seq >>> 0, true);
  v.setUint32(11, at >>> 0, true);
  b[15] = type;
  b.set(data, HEADER);
  v.setUint32(3, itemCrc(b, 0, b.length), true);
  return b;
}

function itemCrc(b: Uint8Array, at: number, end: number): number {
  return crc32Update(crc32Update(0, b, at + 1, at + 3), b, at + 7, end) >>> 0;
}

type Parsed = { readonly item: { kind: number; seq: number; at: number; type: number; data: Uint8Array }; readonly end: number } | 'short' | 'bad';

/** The item at `at` in `b`: complete and valid, too short to tell (it runs past the end), or invalid. */
function parseItem(b: Uint8Array, at: number): Parsed {
  if (b.length - at < HEADER) return 'short';
  if (b[at] !== RECORD && b[at] !== GAP) return 'bad';
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = v.getUint16(at + 1, true);
  const end = at + HEADER + len;
  if (end > b.length) return 'short';
  if (v.getUint32(at + 3, true) !== itemCrc(b, at, end)) return 'bad';
  return { item: { kind: b[at]!, seq: v.getUint32(at + 7, true), at: v.getUint32(at + 11, true), type: b[at + 15]!, data: b.slice(at + HEADER, end) }, end };
}

export interface StoreOptions {
  /** Most bytes the record files may take together; past it nothing more is acknowledged (GATEWAY_STORE_FULL). */
  readonly maxBytes?: number;
  /** How long a new publishing watermark may wait before it is written (ms). */
  readonly publishedFlushMs?: number;
  /** Told once when the store can no longer be written (the gateway stops: a disk that failed is not retried). */
  readonly onFailure?: (reason: ReasonName, detail: string) => void;
}

export class GatewayStore implements JournalSink {
  private readonly stations = new Map<number, Station>();
  private readonly published = new Map<number, number>();
  private readonly counters = new Map<string, number>();
  private publishedTimer: ReturnType<typeof setTimeout> | undefined;
  private total = 0;
  /** Why the store cannot be written any more (the gateway stops), if so. */
  failure: { readonly reason: ReasonName; readonly detail: string } | undefined;
  /** Set while the record files are at their size limit: nothing more is taken (or acknowledged). */
  full: string | undefined;
  /** Told when records of a station became durable (the publisher reads on). */
  onDurable: (stationId: number) => void = () => {};

  private constructor(
    private readonly disk: Disk,
    private readonly opts: StoreOptions,
  ) {}

  /** Opens the store on `disk`, recovering from a torn last write; refuses a store damaged in any other way. */
  static open(disk: Disk, opts: StoreOptions = {}): { readonly ok: true; readonly store: GatewayStore; readonly repaired: readonly string[] } | StoreFailure {
    const s = new GatewayStore(disk, opts);
    const repaired: string[] = [];
    try {
      disk.mkdirp(DIR);
      for (const name of disk.list(DIR)) {
        const m = /^(\d{1,5})\.log$/.exec(name);
        if (m === null) continue;
        const r = s.recover(Number(m[1]), `${DIR}/${name}`);
        if (!r.ok) return r;
        if (r.cut > 0) repaired.push(`${DIR}/${name}: ${r.cut} bytes of a torn last write cut off`);
      }
      const p = readJson(disk, PUBLISHED);
      if (!p.ok) return p;
      for (const [k, v] of Object.entries(p.value)) if (/^\d+$/.test(k) && Number.isInteger(v)) s.published.set(Number(k), v as number);
      const c = readJson(disk, COUNTERS);
      if (!c.ok) return c;
      for (const [k, v] of Object.entries(c.value)) if (Number.isInteger(v)) s.counters.set(k, v as number);
    } catch (e) {
      return { ok: false, reason: 'GATEWAY_STORE_FAILED', detail: `cannot open the store: ${errText(e)}` };
    }
    return { ok: true, store: s, repaired };
  }

  private recover(id: number, file: string): { readonly ok: true; readonly cut: number } | StoreFailure {
    const st: Station = { id, file, size: 0, synced: 0, next: 1, records: 0, gaps: 0 };
    const size = this.disk.size(file) ?? 0;
    let offset = 0;
    let buf: Uint8Array = new Uint8Array(0);
    let bufAt = 0;
    while (offset < size) {
      let p = parseItem(buf, offset - bufAt);
      if (p === 'short' && bufAt + buf.length < size) {
        // A chunk from here holds any whole record there is.
        buf = this.disk.readAt(file, offset, Math.max(CHUNK, HEADER + MAX_DATA));
        bufAt = offset;
        p = parseItem(buf, 0);
      }
      if (typeof p !== 'object') {
        // A torn last write leaves nothing valid after it; anything valid further on means real damage.
        const rest = this.disk.readAt(file, offset, size - offset);
        for (let i = 1; i < rest.length; i++) {
          if (typeof parseItem(rest, i) === 'object') {
            return { ok: false, reason: 'GATEWAY_STORE_CORRUPT', detail: `${file}: damaged record at byte ${offset}, valid records after it; move the file aside and restart (the station still holds what it has not had acknowledged)` };
          }
        }
        this.disk.truncate(file, offset);
        break;
      }
      const it = p.item;
      if (it.kind === RECORD) {
        if (st.records + st.gaps > 0 && it.seq !== st.next) return { ok: false, reason: 'GATEWAY_STORE_CORRUPT', detail: `${file}: record ${it.seq} at byte ${offset} follows ${st.next - 1}` };
        st.next = it.seq + 1;
        st.records++;
      } else {
        if (it.seq < st.next && st.records + st.gaps > 0) return { ok: false, reason: 'GATEWAY_STORE_CORRUPT', detail: `${file}: gap ${it.seq}..${it.at} at byte ${offset} overlaps held records` };
        st.next = Math.max(st.next, it.at + 1);
        st.gaps++;
      }
      offset = bufAt + p.end;
    }
    st.size = st.synced = offset;
    this.stations.set(id, st);
    this.total += offset;
    return { ok: true, cut: size - offset };
  }

  private station(id: number): Station {
    let st = this.stations.get(id);
    if (st === undefined) {
      st = { id, file: `${DIR}/${id}.log`, size: 0, synced: 0, next: 1, records: 0, gaps: 0 };
      this.stations.set(id, st);
    }
    return st;
  }

  private fail(reason: ReasonName, e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { reason, detail: errText(e) };
    this.opts.onFailure?.(reason, this.failure.detail);
  }

  // ---- JournalSink ----------------------------------------------------------------------------------------------

  next(stationId: number): number {
    return this.station(stationId).next;
  }

  store(records: readonly CollectedRecord[], stored: () => void): void {
    if (this.failure !== undefined || records.length === 0) return; // never acknowledged: the station keeps them
    const st = this.station(records[0]!.stationId);
    if (records[0]!.seq !== st.next) return; // not the continuation (a stale batch): the next read asks again
    // A record travels in one frame, so it always fits the length field; one that did not would not be acknowledged.
    if (records.some((r) => r.data.length > MAX_DATA)) return;
    const bytes = concat(...records.map((r) => encodeItem(RECORD, r.seq, r.at, r.recordType, r.data)));
    const max = this.opts.maxBytes ?? Infinity;
    if (this.total + bytes.length > max) {
      this.full = `the store holds ${this.total} bytes, its limit is ${max}: records stay on the stations until there is room (raise store.maxMiB)`;
      return;
    }
    this.append(st, bytes, () => {
      st.next = records[records.length - 1]!.seq + 1;
      st.records += records.length;
    }, stored);
  }

  lost(stationId: number, from: number, to: number): void {
    if (this.failure !== undefined) return;
    const st = this.station(stationId);
    if (to < st.next) return;
    this.append(st, encodeItem(GAP, Math.max(from, st.next), to, 0, new Uint8Array(0)), () => {
      st.next = to + 1;
      st.gaps++;
    });
  }

  /** Writes `bytes` at the end of the station's file, then (once fsynced) tells `durable`. */
  private append(st: Station, bytes: Uint8Array, written: () => void, durable: () => void = () => {}): void {
    try {
      this.disk.mkdirp(DIR);
      this.disk.append(st.file, bytes);
    } catch (e) {
      this.fail('GATEWAY_STORE_FAILED', e);
      return;
    }
    st.size += bytes.length;
    this.total += bytes.length;
    written();
    const upTo = st.size;
    this.disk.sync(st.file, (err) => {
      if (err !== undefined) return this.fail('GATEWAY_STORE_FAILED', err);
      if (this.failure !== undefined) return;
      st.synced = Math.max(st.synced, upTo);
      durable();
      this.onDurable(st.id);
    });
  }

  // ---- reading --------------------------------------------------------------------------------------------------

  /** Stations the store holds anything of. */
  stationIds(): number[] {
    return [...this.stations.keys()].sort((a, b) => a - b);
  }

  holdings(stationId: number): StationHoldings {
    const st = this.station(stationId);
    return { stationId, next: st.next, records: st.records, bytes: st.size, gaps: st.gaps, published: this.published.get(stationId) ?? 0 };
  }

  get bytes(): number {
    return this.total;
  }

  /** Reads a station's durable items in order, from the start; call `next` again after `onDurable`. */
  reader(stationId: number): StoreReader {
    return new StoreReader(this.disk, this.station(stationId));
  }

  // ---- publishing watermark ---------------------------------------------------------------------------------------

  publishedUpTo(stationId: number): number {
    return this.published.get(stationId) ?? 0;
  }

  /** Records that every CFX message up to record `seq` was accepted; written within `publishedFlushMs`. */
  setPublished(stationId: number, seq: number): void {
    if (seq <= (this.published.get(stationId) ?? 0)) return;
    this.published.set(stationId, seq);
    if (this.publishedTimer !== undefined) return;
    this.publishedTimer = setTimeout(() => {
      this.publishedTimer = undefined;
      this.flushPublished();
    }, this.opts.publishedFlushMs ?? 500);
    this.publishedTimer.unref?.();
  }

  /** Writes the watermarks now. Losing them costs only republishing, under the same UniqueIDs. */
  flushPublished(): void {
    if (this.publishedTimer !== undefined) clearTimeout(this.publishedTimer);
    this.publishedTimer = undefined;
    if (this.failure !== undefined) return;
    try {
      this.disk.replace(PUBLISHED, utf8Encode(JSON.stringify(Object.fromEntries(this.published))));
    } catch (e) {
      this.fail('GATEWAY_STORE_FAILED', e);
    }
  }

  // ---- the host's session counters -----------------------------------------------------------------------------

  /** The CounterVault of the gateway's host sessions: one atomic replace per reservation (every 256 frames). */
  vault(): CounterVault {
    const key = (s: CounterStream) => `${s.stationId}/${s.keyId}/${s.direction}`;
    return {
      reserved: (s): VaultResult<number> => ({ ok: true, value: this.counters.get(key(s)) ?? 0 }),
      reserve: (s, upTo): VaultResult<number> => {
        const before = this.counters.get(key(s));
        this.counters.set(key(s), upTo);
        try {
          this.disk.replace(COUNTERS, utf8Encode(JSON.stringify(Object.fromEntries(this.counters))));
        } catch (e) {
          if (before === undefined) this.counters.delete(key(s));
          else this.counters.set(key(s), before);
          this.fail('GATEWAY_STORE_FAILED', e);
          return { ok: false, reason: 'GATEWAY_STORE_FAILED', detail: errText(e) };
        }
        return { ok: true, value: upTo };
      },
    };
  }

  close(): void {
    if (this.publishedTimer !== undefined) this.flushPublished();
    this.disk.close();
  }
}

/** Sequential reads of one station's file, up to what is durable. */
export class StoreReader {
  private offset = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private bufAt = 0;

  constructor(
    private readonly disk: Disk,
    private readonly st: Station,
  ) {}

  /** The next durable item, or undefined when everything durable has been read. */
  next(): StoredItem | undefined {
    for (;;) {
      if (this.offset >= this.st.synced) return undefined;
      const rel = this.offset - this.bufAt;
      const p = parseItem(this.buf, rel);
      if (typeof p === 'object' && this.bufAt + p.end <= this.st.synced) {
        this.offset = this.bufAt + p.end;
        const it = p.item;
        if (it.kind === GAP) return { kind: 'gap', stationId: this.st.id, from: it.seq, to: it.at };
        return { kind: 'record', stationId: this.st.id, seq: it.seq, at: it.at, recordType: it.type, data: it.data };
      }
      if (p === 'bad') return undefined; // cannot happen on a recovered file; never read past damage
      const want = Math.max(CHUNK, HEADER + MAX_DATA);
      this.buf = this.disk.readAt(this.st.file, this.offset, Math.min(want, this.st.synced - this.offset));
      this.bufAt = this.offset;
      if (this.buf.length === 0) return undefined;
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function readJson(disk: Disk, file: string): { readonly ok: true; readonly value: Record<string, unknown> } | StoreFailure {
  const b = disk.read(file);
  if (b === undefined) return { ok: true, value: {} };
  try {
    const v = JSON.parse(utf8Decode(b) ?? '') as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return { ok: true, value: v as Record<string, unknown> };
  } catch (e) {
    return { ok: false, reason: 'GATEWAY_STORE_CORRUPT', detail: `${file} does not decode (${errText(e)}); it is replaced atomically, so this is not a torn write: restore it or remove it (counters then restart above what the stations saw)` };
  }
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
