// The reel records the host pushed, keyed by uniqueIdentifier and bounded. It is a cache: a record dropped
// for room is one the host can push again, and a loaded reel keeps its own copy of the facts in its slot.
//
// A station reads a cached record only to identify a scanned reel, so only what identification uses is kept: part
// number, lot, maker, quantity and expiry (the MSD part of a record becomes the reel's tracker when it arrives).
// Each record is packed into one string, its id first (./packed.ts): a decoded record in a map costs about 10 XS
// slots, 2 000 for the standard 200.
import { pack, startsWithItem, unpack } from './packed';
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
  /** Packed records (id, MPN, lot, maker, quantity, expiry), oldest first: a replaced record counts as newest. */
  readonly records: readonly string[];
}

export function emptyReelCache(max: number): ReelCache {
  return { max, records: [] };
}

function find(cache: ReelCache, id: string): number {
  for (let i = 0; i < cache.records.length; i++) if (startsWithItem(cache.records[i]!, id)) return i;
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
