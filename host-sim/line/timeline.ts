// The line's one virtual timeline: every happening in the simulation (a station tick, bytes arriving on a link, a
// board leaving a machine, an operator's scan, a fault) is an event at a time in milliseconds since the run
// started. Events run in time order, ties in the order they were scheduled, so a run is a pure function of its
// scenario and seed. Nothing runs inside the code that schedules it: a callback that schedules another event at the
// same time only queues it (links are never re-entrant).

export type Action = () => void;

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly run: Action;
}

/** A binary min-heap on (at, seq). */
class Heap {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && before(a[l]!, a[m]!)) m = l;
      if (r < a.length && before(a[r]!, a[m]!)) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class Timeline {
  private readonly heap = new Heap();
  private seq = 0;
  private t = 0;
  /** Events run so far (a measure of the simulation's work). */
  ran = 0;

  /** Line time now, ms since the start of the run. */
  get now(): number {
    return this.t;
  }

  get pending(): number {
    return this.heap.size;
  }

  /** Time of the next event, or Infinity when none is queued. */
  get nextAt(): number {
    return this.heap.peek()?.at ?? Infinity;
  }

  /** Runs `run` at line time `at` (now, if `at` has passed). */
  at(at: number, run: Action): void {
    this.heap.push({ at: Math.max(this.t, Math.round(at)), seq: this.seq++, run });
  }

  after(ms: number, run: Action): void {
    this.at(this.t + ms, run);
  }

  /** Runs `run` every `periodMs`, first at `firstAt`, for as long as it returns true. */
  every(periodMs: number, firstAt: number, run: () => boolean): void {
    const loop = (): void => {
      if (run()) this.after(periodMs, loop);
    };
    this.at(firstAt, loop);
  }

  /** Runs events up to and including line time `until`, or until `stop()` says so; then time stands at `until`. */
  runUntil(until: number, stop: () => boolean = () => false): void {
    for (;;) {
      if (stop()) return;
      const next = this.heap.peek();
      if (next === undefined || next.at > until) break;
      this.heap.pop();
      this.t = next.at;
      this.ran++;
      next.run();
    }
    if (!stop()) this.t = Math.max(this.t, until);
  }
}
