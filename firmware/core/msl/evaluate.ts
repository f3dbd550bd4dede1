// The MSD state from a reel's whole event history: the tracker's step folded over the events, then viewed at `at`.
// Total: any input, even one that does not match the types, yields a view or a typed error naming the event.
import { step, createTracker, view } from './tracker';
import { DEFAULT_ENV } from './env';
import type { MslEnv, MslEvent, MslResult, MslView, ReelSpec } from './types';

/** Longest history evaluate() accepts; a station never replays history, this bounds host-side evaluation. */
export const MAX_HISTORY = 1_000_000;

export interface MslInput extends ReelSpec {
  readonly events: readonly MslEvent[];
}

export function evaluate(input: MslInput, at: number, env: MslEnv = DEFAULT_ENV): MslResult<MslView> {
  const t = createTracker(input);
  if (!t.ok) return t;
  const events: unknown = (input as { events?: unknown }).events;
  if (!Array.isArray(events)) return { ok: false, error: { reason: 'MSD_EVENT_INVALID', field: 'events', message: 'events: a list' } };
  if (events.length > MAX_HISTORY) {
    return { ok: false, error: { reason: 'LIMIT_EXCEEDED', field: 'events', message: `events: at most ${MAX_HISTORY}` } };
  }
  let s = t.value;
  for (let i = 0; i < events.length; i++) {
    // step checks the event's fields; the error gets the event's index here.
    const r = step(s, events[i] as MslEvent, env);
    if (!r.ok) return { ok: false, error: { ...r.error, index: i } };
    s = r.value;
  }
  return view(s, at, env);
}
