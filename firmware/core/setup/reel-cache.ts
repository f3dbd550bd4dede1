// The reel records the host pushed, keyed by uniqueIdentifier and bounded. It is a cache: a record dropped
// for room is one the host can push again, and a loaded reel keeps its own copy of the facts in its slot.
//
// A station reads a cached record only to identify a scanned reel, so only what identification uses is kept: part
// number, lot, maker, quantity and expiry (the MSD part of a record becomes the reel's tracker when it arrives).
// Each record is one JSON text, beside its id: on XS a string costs no slot, where a decoded record costs one per
// property and its map entry two more (about 10 slots a record, 2 000 for the standard 200).
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
  /** Trimmed ids, oldest first (a replaced record counts as newest). */
  readonly ids: readonly string[];
  /** Parallel to `ids`: each record's HostReel fields as a JSON array. */
  readonly records: readonly string[];
}

export function emptyReelCache(max: number): ReelCache {
  return { max, ids: [], records: [] };
}

export function cachedRecord(cache: ReelCache, id: string): HostReel | undefined {
  const i = cache.ids.indexOf(id.trim());
  if (i < 0) return undefined;
  const [mpn, lot, maker, quantity, expiry] = JSON.parse(cache.records[i]!) as [string, string, string, number, number | null];
  return { manufacturerPartNumber: mpn, manufacturerLotCode: lot, manufacturer: maker, quantity, ...(expiry === null ? {} : { expiryDate: expiry }) };
}

/** The ids cached, oldest first. */
export function cachedIds(cache: ReelCache): readonly string[] {
  return cache.ids;
}

/** Adds or replaces a record (a replacement counts as newest); returns the ids dropped to stay within max. */
export function putRecord(cache: ReelCache, record: ReelRecordBody): { cache: ReelCache; dropped: readonly string[] } {
  const id = record.uniqueIdentifier.trim();
  const packed = JSON.stringify([record.manufacturerPartNumber, record.manufacturerLotCode, record.manufacturer, record.quantity, record.expiryDate ?? null]);
  const i = cache.ids.indexOf(id);
  const ids = i < 0 ? [...cache.ids] : cache.ids.filter((_, j) => j !== i);
  const records = i < 0 ? [...cache.records] : cache.records.filter((_, j) => j !== i);
  ids.push(id);
  records.push(packed);
  const over = Math.max(0, ids.length - cache.max);
  const dropped = ids.splice(0, over);
  records.splice(0, over);
  return { cache: { max: cache.max, ids, records }, dropped };
}
