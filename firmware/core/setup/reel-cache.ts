// The reel records the host pushed, keyed by uniqueIdentifier and bounded. It is a cache: a record dropped
// for room is one the host can push again, and a loaded reel keeps its own copy of the facts in its slot.
//
// A station reads a cached record only to identify a scanned reel, so only what identification uses is kept: part
// number, lot, maker, quantity and expiry (the MSD part of a record becomes the reel's tracker when it arrives).
// Each record is packed into one string, its id first: on XS a string costs no slot and one chunk, where a decoded
// record costs a slot per property and a map entry two more (about 10 slots a record, 2 000 for the standard 200).
import type { ReelRecordBody } from './types';

/** What identification takes from a host record. */
export interface HostReel {
  readonly manufacturerPartNumber: string;
  readonly manufacturerLotCode: string;
  readonly manufacturer: string;
  readonly quantity: number;
  /** Shelf-life expiry, Unix seconds. */
  readonly expiryDate?: number;
}

export interface ReelCache {
  readonly max: number;
  /** Packed records (`pack`), oldest first: a replaced record counts as newest. */
  readonly records: readonly string[];
}

export function emptyReelCache(max: number): ReelCache {
  return { max, records: [] };
}

// A packed record: each field is one character holding its length, then its text. Field 0 is the trimmed id;
// wire strings are at most 255 bytes, so a length always fits one character.
function pack(fields: readonly string[]): string {
  let out = '';
  for (const f of fields) out += String.fromCharCode(f.length) + f;
  return out;
}

function unpack(record: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < record.length; ) {
    const n = record.charCodeAt(i);
    out.push(record.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

function isFor(record: string, id: string): boolean {
  return record.charCodeAt(0) === id.length && record.startsWith(id, 1);
}

function find(cache: ReelCache, id: string): number {
  for (let i = 0; i < cache.records.length; i++) if (isFor(cache.records[i]!, id)) return i;
  return -1;
}

export function cachedRecord(cache: ReelCache, id: string): HostReel | undefined {
  const i = find(cache, id.trim());
  if (i < 0) return undefined;
  const [, mpn, lot, maker, quantity, expiry] = unpack(cache.records[i]!);
  return { manufacturerPartNumber: mpn!, manufacturerLotCode: lot!, manufacturer: maker!, quantity: Number(quantity), ...(expiry === '' ? {} : { expiryDate: Number(expiry) }) };
}

/** The ids cached, oldest first. */
export function cachedIds(cache: ReelCache): readonly string[] {
  return cache.records.map((r) => unpack(r)[0]!);
}

/** Adds or replaces a record (a replacement counts as newest); returns the ids dropped to stay within max. */
export function putRecord(cache: ReelCache, record: ReelRecordBody): { cache: ReelCache; dropped: readonly string[] } {
  const id = record.uniqueIdentifier.trim();
  const packed = pack([id, record.manufacturerPartNumber, record.manufacturerLotCode, record.manufacturer, String(record.quantity), record.expiryDate === undefined ? '' : String(record.expiryDate)]);
  const i = find(cache, id);
  const records = i < 0 ? [...cache.records] : cache.records.filter((_, j) => j !== i);
  records.push(packed);
  const dropped = records.splice(0, Math.max(0, records.length - cache.max)).map((r) => unpack(r)[0]!);
  return { cache: { max: cache.max, records }, dropped };
}
