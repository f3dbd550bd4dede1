// The machines: a placement machine (or the reflow oven) behind each station. A board enters from the conveyor
// only while the PLC runs it, is built only while the station's run-permit relay is on (a build pauses the moment
// the relay drops and resumes when it returns), takes parts from the reels on its feeders, is reported to the
// station when done, and moves on to the next machine's entry buffer; the oven's boards leave the line. A machine
// reports the program it runs to its station, and again each time the station restarts.
import type { SimStation } from './station';
import type { Timeline } from './timeline';

export interface Program {
  readonly name: string;
  readonly revision: string;
  readonly checksum: number;
}

export interface MachineHooks {
  /** Whether every feeder has parts for one more board (an empty feeder stops the machine). */
  readonly materialsReady: (m: Machine) => boolean;
  /** Called just before the station hears of a finished board: the invariant checks and part consumption. */
  readonly beforeReport: (m: Machine, unitId: string) => void;
  /** `lostToCut`: the station lost power while recording it (the report was never acknowledged). */
  readonly afterReport: (m: Machine, unitId: string, lostToCut: boolean) => void;
  /** The PLC runs the conveyor into this machine. */
  readonly conveyorRuns: (m: Machine) => boolean;
  /** A board left the last machine: the line's output. */
  readonly boardOut: (unitId: string) => void;
}

export const ENTRY_BUFFER = 2;

export class Machine {
  /** The program the machine runs (as its technician loaded it). */
  program: Program | undefined;
  /** Boards waiting at the entry. */
  readonly entry: string[] = [];
  /** The board inside, how long it has been worked on, and since when (while the relay is on). */
  private job: { unitId: string; doneMs: number; since: number | undefined } | undefined;
  /** A finished board the next machine has no room for yet. */
  private held: string | undefined;
  next: Machine | undefined;
  prev: Machine | undefined;
  private wake = 0;
  built = 0;

  constructor(
    readonly station: SimStation,
    private readonly timeline: Timeline,
    readonly cycleMs: number,
    private readonly hooks: MachineHooks,
  ) {}

  /** Reports the machine's program to the station (the machine interface does this at every station boot). */
  reportProgram(): void {
    const p = this.program;
    if (p === undefined) return;
    this.station.input(this.timeline.now, { kind: 'program', name: p.name, revision: p.revision, checksum: p.checksum });
  }

  /** Something changed (a board arrived, the permit, the conveyor, a feeder): look again, now. */
  poke(): void {
    const w = ++this.wake;
    this.timeline.at(this.timeline.now, () => {
      if (w === this.wake) this.step();
    });
  }

  /** The relay changed (or may have): pause or resume the board inside. */
  permitChanged(): void {
    const now = this.timeline.now;
    const j = this.job;
    if (j !== undefined) {
      const on = this.station.permitted;
      if (!on && j.since !== undefined) {
        j.doneMs += now - j.since;
        j.since = undefined;
      } else if (on && j.since === undefined) {
        j.since = now;
        this.scheduleDone(j);
      }
    }
    this.poke();
  }

  private step(): void {
    this.passOn();
    if (this.job !== undefined || this.held !== undefined) return;
    if (this.entry.length === 0) return;
    if (!this.station.permitted || !this.hooks.conveyorRuns(this) || !this.hooks.materialsReady(this)) return;
    const unitId = this.entry.shift()!;
    this.prev?.poke(); // room at our entry
    const j = { unitId, doneMs: 0, since: this.timeline.now as number | undefined };
    this.job = j;
    this.scheduleDone(j);
  }

  private scheduleDone(j: { unitId: string; doneMs: number; since: number | undefined }): void {
    const since = j.since!;
    this.timeline.at(since + (this.cycleMs - j.doneMs), () => {
      if (this.job !== j || j.since !== since) return; // paused (or replaced) since
      // The machine indexes the board out only on the relay as the station's rules stand this moment: the station's
      // loop runs first (a rule that lapsed since its last tick, such as a sensor gone stale, takes the relay now).
      this.station.tick(this.timeline.now);
      if (!this.station.permitted) {
        this.permitChanged();
        return;
      }
      this.finish(j.unitId);
    });
  }

  private finish(unitId: string): void {
    this.hooks.beforeReport(this, unitId);
    const reply = this.station.input(this.timeline.now, { kind: 'board', unitId });
    this.job = undefined;
    this.built++;
    this.hooks.afterReport(this, unitId, reply === undefined || !this.station.up);
    this.held = unitId;
    this.passOn();
    this.poke();
  }

  private passOn(): void {
    const b = this.held;
    if (b === undefined) return;
    if (this.next === undefined) {
      this.held = undefined;
      this.hooks.boardOut(b);
      return;
    }
    if (this.next.entry.length >= ENTRY_BUFFER) return;
    this.held = undefined;
    this.next.entry.push(b);
    this.next.poke();
  }

  /** Whether the machine has a board inside (building or paused). */
  get busy(): boolean {
    return this.job !== undefined;
  }
}
