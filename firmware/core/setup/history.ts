// A slot's reel history: which reel fed it from when, oldest first, bounded by `maxHistory` (the journal holds the
// full trace). Kept packed in one string (./packed.ts): as TraceEntry objects the standard load's 30 spliced slots
// with 8 entries each took about 700 XS slots.
import { pack, unpack } from './packed';
import type { TraceEntry } from './types';

/** A history of one entry. */
export function historyOf(e: TraceEntry): string {
  return pack([String(e.from), e.reelKey]);
}

/** `h` with `e` appended, the oldest entries dropped beyond `max`. */
export function historyWith(h: string, e: TraceEntry, max: number): string {
  return historyFrom([...historyEntries(h), e].slice(-max));
}

export function historyFrom(entries: readonly TraceEntry[]): string {
  return pack(entries.flatMap((e) => [String(e.from), e.reelKey]));
}

export function historyEntries(h: string): TraceEntry[] {
  const items = unpack(h);
  const out: TraceEntry[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) out.push({ from: Number(items[i]), reelKey: items[i + 1]! });
  return out;
}
