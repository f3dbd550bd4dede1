// What a person at a station does, as a sequence of steps with the seconds between them: scans at the scanner,
// inputs at the station's panel, and hands-on acts in the world (a reel put on a feeder). A refused scan stops the
// sequence there, as a red light and a beep make a person stop and look again.
import type { Reply, StationInput } from '../../firmware/core/station/types';
import type { SimStation } from './station';
import type { Timeline } from './timeline';

/**
 * `before` and `then` are hands-on acts done in the same moment as the scan: a reel put on the feeder as its label
 * is scanned, a splice joined as the new reel's scan is accepted (so no board falls between the two).
 */
interface Timed {
  readonly after?: number;
  readonly mayFail?: boolean;
  readonly before?: () => void;
  readonly then?: () => void;
}

export type TaskStep = ({ readonly scan: string } & Timed) | ({ readonly input: StationInput } & Timed) | { readonly act: () => void; readonly after?: number };

export interface TaskResult {
  readonly ok: boolean;
  /** The reply that stopped the task, if one did. */
  readonly refused?: Reply;
  readonly replies: readonly Reply[];
}

/** Seconds between one step and the next when a step does not say: a person at a scanner. */
const STEP_MS = 3_000;

/** Runs `steps` at the station from now; `done` hears how it went. Returns when the person is free again. */
export function runTask(timeline: Timeline, station: SimStation, steps: readonly TaskStep[], done: (r: TaskResult) => void = () => {}): number {
  const replies: Reply[] = [];
  let i = 0;
  let t = timeline.now;
  let total = 0;
  for (const s of steps) total += s.after ?? STEP_MS;
  const next = (): void => {
    if (i >= steps.length) {
      done({ ok: true, replies });
      return;
    }
    const s = steps[i++]!;
    if ('act' in s) {
      s.act();
    } else {
      s.before?.();
      const reply = station.input(timeline.now, 'scan' in s ? { kind: 'scan', data: s.scan } : s.input);
      if (reply === undefined) {
        // The station is off: nothing more to do here.
        done({ ok: false, replies });
        return;
      }
      replies.push(reply);
      if (!reply.ok && s.mayFail !== true) {
        done({ ok: false, refused: reply, replies });
        return;
      }
      if (reply.ok) s.then?.();
    }
    const gap = steps[i]?.after ?? STEP_MS;
    t += gap;
    timeline.at(t, next);
  };
  const first = steps[0]?.after ?? STEP_MS;
  t += first;
  timeline.at(t, next);
  return timeline.now + total;
}
