// What a person at a station does, as a sequence of steps with the seconds between them: scans at the scanner
// (bytes on the station's scanner line; the person sees the station's reply to that read), inputs at the station's
// panel, and hands-on acts in the world (a reel put on a feeder). A refused scan stops the sequence there, as a red
// light and a beep make a person stop and look again; so does a scan the station gave no answer to.
import type { Reply } from '../../firmware/core/station/types';
import type { Floor } from './floor';
import type { PanelInput } from './station';
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

export type TaskStep = ({ readonly scan: string } & Timed) | ({ readonly input: PanelInput } & Timed) | { readonly act: () => void; readonly after?: number };

export interface TaskResult {
  readonly ok: boolean;
  /** The reply that stopped the task, if one did. */
  readonly refused?: Reply;
  readonly replies: readonly Reply[];
}

/** Seconds between one step and the next when a step does not say: a person at a scanner. */
const STEP_MS = 3_000;

/** Runs `steps` at the station from now; `done` hears how it went. Returns when the person is free again. */
export function runTask(timeline: Timeline, floor: Floor, steps: readonly TaskStep[], done: (r: TaskResult) => void = () => {}): number {
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
      const reply = 'scan' in s ? lastOf(floor.scan(timeline.now, s.scan)) : floor.station.input(timeline.now, s.input);
      if (reply === undefined) {
        // The station is off, or gave the scan no answer: nothing more to do here.
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

/** What the station's display shows after a scan: its answer to the last read the scan's bytes completed. */
function lastOf(replies: readonly Reply[] | undefined): Reply | undefined {
  return replies?.[replies.length - 1];
}
