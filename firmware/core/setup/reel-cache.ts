// The reel records the host pushed, keyed by uniqueIdentifier and bounded. It is a cache: a record dropped
// for room is one the host can push again, and a loaded reel keeps its own copy of the facts in its slot.
import type { ReelRecordBody } from './types';

export interface ReelCache {
  readonly max: number;
  /** Insertion order is age order: the first entry is the oldest. */
  readonly byId: ReadonlyMap<string, ReelRecordBody>;
}

export function emptyReelCache(max: number): ReelCache {
  return { max, byId: new Map() };
}

export function cachedRecord(cache: ReelCache, id: string): ReelRecordBody | undefined {
  return cache.byId.get(id.trim());
}

/** Adds or replaces a record (a replacement counts as newest); returns the ids dropped to stay within max. */
export function putRecord(cache: ReelCache, record: ReelRecordBody): { cache: ReelCache; dropped: readonly string[] } {
  const id = record.uniqueIdentifier.trim();
  const next = new Map(cache.byId);
  next.delete(id);
  next.set(id, record);
  const dropped: string[] = [];
  for (const old of next.keys()) {
    if (next.size <= cache.max) break;
    next.delete(old);
    dropped.push(old);
  }
  return { cache: { max: cache.max, byId: next }, dropped };
}
