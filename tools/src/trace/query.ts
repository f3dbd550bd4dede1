// The two queries: where-used (the recall: every board built with a lot) and one board's trace. Both replay every
// journal (the index is built on the fly, never kept beside the journals), but build only the boards they need:
// the replay asks `want` at each board, and the answer is kept until the setup changes.
import { utf8Encode } from '../../../protocol/src/utf8';
import { normLot, normMpn } from '../../../firmware/core/setup/normalize';
import { LazyBoard } from './journal-image';
import type { Board, BoardFilter, TraceModel } from './model';

/** Boards with a slot holding the lot (and MPN): the answer changes only when the slots do. */
export function lotWanted(lot: string, mpn?: string): () => BoardFilter {
  const want = normLot(lot);
  const part = mpn === undefined ? undefined : normMpn(mpn);
  return (): BoardFilter => {
    let version = -1;
    let yes = false;
    return (_e, slots, v) => {
      if (v !== version) {
        version = v;
        yes = false;
        for (const x of slots.values()) if (normLot(x.lot) === want && (part === undefined || normMpn(x.mpn) === part)) yes = true;
      }
      return yes;
    };
  };
}

/** Boards whose record holds the id's bytes (decoded and compared exactly afterwards). */
export function unitWanted(unitId: string): () => BoardFilter {
  const needle = utf8Encode(unitId);
  return (): BoardFilter => (e) => {
    const m = e.message;
    return !(m instanceof LazyBoard) || contains(m.payload, needle);
  };
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  const first = needle[0]!;
  outer: for (let i = hay.indexOf(first); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}


export interface WhereUsedHit {
  readonly station: number;
  readonly unitId: string;
  readonly at: number;
  readonly seq: number;
  readonly workOrder: string;
  readonly bomRevision: string;
  readonly position: string;
  readonly refdes: readonly string[];
  readonly reelId: string;
  readonly mpn: string;
  readonly lot: string;
  readonly source: string;
  readonly uncertain: boolean;
}

export interface WhereUsed {
  readonly lot: string;
  readonly mpn?: string;
  readonly hits: readonly WhereUsedHit[];
  /** Distinct board ids. */
  readonly boards: readonly string[];
  readonly workOrders: readonly { readonly workOrder: string; readonly boards: number }[];
  readonly stations: readonly { readonly station: number; readonly boards: number }[];
}

/** The recall query: every board (on every station) built with the lot, optionally of one MPN only. */
export function whereUsed(m: TraceModel, lot: string, mpn?: string): WhereUsed {
  const want = normLot(lot);
  const part = mpn === undefined ? undefined : normMpn(mpn);
  const hits: WhereUsedHit[] = [];
  for (const i of m.byLot.get(want) ?? []) {
    const b = m.boards[i]!;
    for (const s of b.slots) {
      if (normLot(s.lot) !== want || (part !== undefined && normMpn(s.mpn) !== part)) continue;
      hits.push({ station: b.station, unitId: b.unitId, at: b.at, seq: b.seq, workOrder: b.workOrder, bomRevision: b.bomRevision, position: s.position, refdes: s.refdes, reelId: s.reelId, mpn: s.mpn, lot: s.lot, source: s.source, uncertain: b.uncertain !== undefined });
    }
  }
  const count = <K>(key: (h: WhereUsedHit) => K) => {
    const seen = new Map<K, Set<string>>();
    for (const h of hits) {
      const k = key(h);
      const s = seen.get(k) ?? new Set<string>();
      s.add(h.unitId);
      seen.set(k, s);
    }
    return seen;
  };
  return {
    lot,
    ...(mpn === undefined ? {} : { mpn }),
    hits,
    boards: [...new Set(hits.map((h) => h.unitId))],
    workOrders: [...count((h) => h.workOrder)].map(([workOrder, s]) => ({ workOrder, boards: s.size })),
    stations: [...count((h) => h.station)].map(([station, s]) => ({ station, boards: s.size })).sort((a, b) => a.station - b.station),
  };
}

/** What a board was built from: its trace at every station it passed (the last one of a reused id per station). */
export function boardTraces(m: TraceModel, unitId: string): Board[] {
  const last = new Map<number, Board>();
  for (const i of m.byUnit.get(unitId) ?? []) last.set(m.boards[i]!.station, m.boards[i]!);
  return [...last.values()].sort((a, b) => a.at - b.at || a.station - b.station);
}
