// The people at a station. Every so often the operator looks at the station's panel (its permit, reasons and slot
// list, as the HMI shows them) and at the feeders, and does the one thing most needed: log in; fetch the
// technician to acknowledge an alarm or enter a reel by hand; load a reel (opening its dry bag first); take a
// wrong reel off; ask for an override for an alternate that needs one; replace an MSD reel the station stopped;
// splice a fresh reel before one runs out; fetch the supervisor for a first-off verdict when the host cannot give
// one. Scans are as scanners deliver them (damaged as the scenario says, garbage during a garbage-scan fault).
import type { ReasonName } from '../../protocol/src/reasons';
import type { Station } from '../../firmware/runtime/station';
import { garbageOf, scanOf } from '../world/labels';
import type { IssueOptions, ReelStore, SimReel } from '../world/reels';
import type { Part } from '../world/catalog';
import type { Floor, Person } from './floor';
import type { Random } from './random';
import { runTask, type TaskResult, type TaskStep } from './tasks';
import type { Timeline } from './timeline';

/** What the operators need of the line around them. */
export interface Plant {
  readonly timeline: Timeline;
  readonly reels: ReelStore;
  /** A new reel of `part` for slot `slot` of the floor, from stores: its record goes to the MES. */
  issue(f: Floor, slot: number, part: Part, o?: IssueOptions): SimReel;
  /** The host is up and in session with this station (an override can be asked of it). */
  hostReaches(f: Floor): boolean;
  /** A moisture-sensitive reel left the feeder: to the dry cabinet, or to the oven if the station refused it. */
  msdOff(f: Floor, reel: SimReel, why: 'spent' | 'refused' | 'cabinet'): void;
  /** The bag of a moisture-sensitive reel was opened at the station now (its true history starts on the floor). */
  opened(f: Floor, reel: SimReel): void;
  /** The station assigned its own key (a manual entry): map it to the physical reel for the checks. */
  alias(key: string, reel: SimReel): void;
  noteTask(f: Floor, what: string, r: TaskResult): void;
}

export interface OperatorOptions {
  /** Mean seconds between looks at the station. */
  readonly reactS: number;
  /** Chance that a scanner mangles a label's framing (repaired by the parser). */
  readonly scanDamage: number;
  /** Splice when a reel has fewer parts than this many boards need. */
  readonly spliceBoards: number;
  /** Minutes the operator waits for the host's first-off verdict before fetching the supervisor. */
  readonly firstOffFallbackMin: number;
}

const WRONG_REEL: ReadonlySet<ReasonName> = new Set<ReasonName>([
  'WRONG_PART', 'WRONG_SLOT', 'MANUFACTURER_NOT_APPROVED', 'SPLICE_MISMATCH', 'REEL_RECORD_MISMATCH', 'DUPLICATE_REEL',
  'SHELF_LIFE_EXPIRED', 'QUANTITY_EMPTY', 'QUANTITY_LOW', 'LOT_OBSOLETE',
]);
const MSD_STOP: ReadonlySet<ReasonName> = new Set<ReasonName>([
  'MSD_NOT_READY', 'MSD_EXPIRED', 'MSD_NEEDS_BAKE', 'MSD_REMAINING_LOW', 'MSD_CONDITIONS_UNRATED', 'MSD_SCRAPPED', 'MSD_LEVEL_UNKNOWN',
]);
const LABEL_TROUBLE: ReadonlySet<ReasonName> = new Set<ReasonName>([
  'SCAN_UNREADABLE', 'NOT_A_REEL_LABEL', 'LABEL_AMBIGUOUS', 'LABEL_BAD_QUANTITY', 'LABEL_CONFLICT', 'LABEL_MIXED_LOAD', 'LABEL_TOO_LONG',
  'REEL_ID_CHECK_FAILED', 'LABEL_WRONG_CODE_PAGE',
]);

export class Operator {
  constructor(
    private readonly plant: Plant,
    private readonly f: Floor,
    private readonly r: Random,
    private readonly o: OperatorOptions,
  ) {}

  private get now(): number {
    return this.plant.timeline.now;
  }

  /** Looks at the station and starts the one most needed thing, if the person is free. */
  look(): void {
    const f = this.f;
    if (this.now < f.busyUntil) return;
    const st = f.station.station;
    if (st === undefined) return;
    const task = this.next(st);
    if (task === undefined) return;
    f.busyUntil = runTask(this.plant.timeline, f, task.steps, (res) => {
      f.busyUntil = Math.min(f.busyUntil, this.now);
      task.after?.(res);
      this.plant.noteTask(f, task.what, res);
    });
  }

  /** Next look in about `reactS` seconds. */
  nextLookIn(): number {
    return Math.max(5_000, this.r.jitter(this.o.reactS * 1000, 0.5));
  }

  private next(st: Station): { what: string; steps: TaskStep[]; after?: (r: TaskResult) => void } | undefined {
    const f = this.f;
    const pv = st.permitView();
    const reasons = new Set<ReasonName>(pv.reasons);
    const view = st.view();
    const core = st.state;
    if (reasons.has('ALARM_UNACKNOWLEDGED')) return { what: 'acknowledge alarms', steps: this.as(f.technician, [{ scan: 'CMD:ACK' }]) };
    if (core.operator === undefined && f.plan.slots.length > 0) return { what: 'log in', steps: [{ scan: badge(f.operator) }] };
    if (core.setup.order === undefined) return undefined;
    // Mishaps the scenario scheduled: done at the operator's next chance, as people do.
    const mishap = f.mishaps.shift();
    if (mishap !== undefined) {
      const t = this.mishap(mishap);
      if (t !== undefined) return t;
    }
    for (let i = 0; i < view.slots.length; i++) {
      const sv = view.slots[i]!;
      if (sv.state === 'verified' || sv.state === 'override') {
        // A reel the station still runs on is replaced when the station stops for it, not before (nobody on a line
        // changes a running reel on a warning).
        if (MSD_STOP.has(sv.reason) && reasons.has(sv.reason)) return this.replaceMsd(i, 'refused');
        if (sv.reason === 'OK' || MSD_STOP.has(sv.reason)) continue;
      }
      const t = this.fixSlot(i, sv.reason, core.operator?.role);
      if (t !== undefined) return t;
    }
    for (let i = 0; i < f.feeders.length; i++) {
      const reel = f.feeders[i];
      const s = f.plan.slots[i]!;
      if (reel !== undefined && reel.qty < Math.max(1, s.perBoard) * this.o.spliceBoards && view.slots[i]?.state === 'verified') return this.splice(i);
    }
    if (reasons.has('FIRST_OFF_PENDING') && core.firstOff.phase === 'awaiting' && f.firstOffAt !== undefined && this.now - f.firstOffAt > this.o.firstOffFallbackMin * 60_000) {
      return { what: 'first-off verdict at the station', steps: this.as(f.supervisor, [{ scan: 'CMD:FIRSTOFF-PASS' }]), after: (r) => r.ok && (f.firstOffAt = undefined) };
    }
    if (reasons.has('FIRST_OFF_FAILED') && f.firstOffFailedAt !== undefined && this.now - f.firstOffFailedAt > this.o.firstOffFallbackMin * 60_000) {
      return {
        what: 'first-off restart at the station',
        steps: this.as(f.supervisor, [{ input: { kind: 'first-off-restart', comment: 'placement corrected (NCR closed at the line)' } }]),
        after: (r) => r.ok && (f.firstOffFailedAt = undefined),
      };
    }
    return this.program(reasons);
  }

  /** The machine's program: the technician loads the approved one when the station refuses what runs. */
  private program(reasons: ReadonlySet<ReasonName>): { what: string; steps: TaskStep[] } | undefined {
    const f = this.f;
    const want = f.approvedProgram();
    if (want === undefined || this.now < f.wrongProgramUntil) return undefined;
    const p = f.machine.program;
    const right = p !== undefined && p.name === want.name && p.revision === want.revision && p.checksum === want.checksum;
    if (!right && (reasons.has('PROGRAM_MISMATCH') || reasons.has('PROGRAM_CHECKSUM') || reasons.has('PROGRAM_UNKNOWN'))) {
      return { what: 'load the approved program', steps: [{ after: 120_000, act: () => ((f.machine.program = want), f.machine.reportProgram()) }] };
    }
    if (right && reasons.has('PROGRAM_UNKNOWN')) return { what: 'report the program', steps: [{ after: 5_000, act: () => f.machine.reportProgram() }] };
    return undefined;
  }

  private fixSlot(i: number, reason: ReasonName, role: string | undefined): { what: string; steps: TaskStep[]; after?: (r: TaskResult) => void } | undefined {
    const f = this.f;
    const reel = f.feeders[i];
    const slot = f.plan.slots[i]!;
    if (reel === undefined) {
      const next = this.spare(i);
      return { what: `load ${slot.position}`, steps: [...this.openIfSealed(next), ...this.pair(i, next, () => this.mount(i, next))], after: (r) => this.labelResult(i, r) };
    }
    if (WRONG_REEL.has(reason) || !partIn(slot.choice, reel.part)) {
      const right = this.spare(i, true);
      return {
        what: `replace the wrong reel on ${slot.position}`,
        steps: [...this.openIfSealed(right), ...this.pair(i, right, () => (this.unmount(i, 'returned'), this.mount(i, right)))],
        after: (r) => this.labelResult(i, r),
      };
    }
    if (reason === 'ALTERNATE_NOT_PERMITTED' || reason === 'OVERRIDE_EXPIRED') {
      const until = f.approvals.get(i);
      const asked = f.asked.get(i);
      if (reason === 'ALTERNATE_NOT_PERMITTED' && until !== undefined && this.now < until) return { what: `rescan ${slot.position} under the override`, steps: this.pair(i, reel) };
      if (asked === undefined && reason === 'ALTERNATE_NOT_PERMITTED' && role !== undefined) {
        f.asked.set(i, this.now);
        const ask = { kind: 'override-request' as const, reason: 'ALTERNATE_NOT_PERMITTED' as const, position: slot.position, durationMs: 8 * 3_600_000, comment: 'primary part out of stock; alternate on the AVL with approval' };
        if (this.plant.hostReaches(f)) return { what: `ask the host to approve the alternate on ${slot.position}`, steps: [{ input: ask }] };
        // The host is away: the supervisor decides at the station.
        const grant = { kind: 'override' as const, reason: 'ALTERNATE_NOT_PERMITTED' as const, position: slot.position, durationMs: 8 * 3_600_000, comment: 'alternate approved at the line (host offline)' };
        return {
          what: `supervisor approves the alternate on ${slot.position}`,
          steps: [...this.as(f.supervisor, [{ input: grant }]), ...this.pair(i, reel)],
          after: (r) => r.ok && f.approvals.set(i, this.now + 8 * 3_600_000),
        };
      }
      const lapsed = until !== undefined && this.now >= until;
      if (reason === 'OVERRIDE_EXPIRED' || lapsed || (asked !== undefined && until === undefined && this.now - asked > 30 * 60_000)) {
        // The approval lapsed, or none came: the primary part goes back on.
        f.asked.delete(i);
        f.approvals.delete(i);
        const primary = this.spare(i, true);
        return { what: `put the primary part back on ${slot.position}`, steps: [...this.openIfSealed(primary), ...this.pair(i, primary, () => (this.unmount(i, 'returned'), this.mount(i, primary)))] };
      }
      return undefined;
    }
    if (MSD_STOP.has(reason)) {
      if (reel.msd?.sealed === true) return { what: `open the dry bag for ${slot.position}`, steps: [...this.openIfSealed(reel), ...this.pair(i, reel)] };
      return this.replaceMsd(i, 'refused');
    }
    if (reason === 'UNKNOWN_REEL') {
      // A relabelled reel whose record the station does not have: wait for the host, or use another reel.
      if (this.plant.hostReaches(f) && (f.labelFails.get(i) ?? 0) < 3) {
        f.labelFails.set(i, (f.labelFails.get(i) ?? 0) + 1);
        return { what: `rescan ${slot.position} (waiting for its reel record)`, steps: this.pair(i, reel) };
      }
    }
    if ((f.labelFails.get(i) ?? 0) >= 2) return this.manual(i, reel);
    return { what: `scan ${slot.position}`, steps: this.pair(i, reel), after: (r) => this.labelResult(i, r) };
  }

  /** Counts refused label scans on a slot (two in a row: a technician enters the reel by hand). */
  private labelResult(i: number, r: TaskResult): void {
    const f = this.f;
    if (r.ok) f.labelFails.delete(i);
    else if (r.refused !== undefined && LABEL_TROUBLE.has(r.refused.reason)) f.labelFails.set(i, (f.labelFails.get(i) ?? 0) + 1);
  }

  private manual(i: number, reel: SimReel): { what: string; steps: TaskStep[]; after: (r: TaskResult) => void } {
    const f = this.f;
    const slot = f.plan.slots[i]!;
    const entry = {
      position: slot.position,
      mpn: reel.part.mpn,
      manufacturer: reel.part.maker,
      lot: reel.truth.lot,
      quantity: reel.qty,
      dateCode: reel.truth.dateCode,
      ...(reel.part.msl === undefined ? {} : { msdLevel: reel.part.msl }),
      reason: 'label unreadable (torn or smudged)',
      customerSupplied: false,
    };
    return {
      what: `manual lot entry on ${slot.position}`,
      steps: this.as(f.technician, [{ input: { kind: 'manual-lot', entry } }]),
      after: (r) => {
        f.labelFails.delete(i);
        const key = r.replies.find((x) => x.reelKey !== undefined && x.reelKey.startsWith('MAN-'))?.reelKey;
        if (key !== undefined) this.plant.alias(key, reel);
      },
    };
  }

  private splice(i: number): { what: string; steps: TaskStep[]; after: (r: TaskResult) => void } {
    const f = this.f;
    const slot = f.plan.slots[i]!;
    const next = this.spare(i);
    return {
      what: `splice ${slot.position}`,
      steps: [...this.openIfSealed(next), { scan: 'CMD:SPLICE' }, { scan: slot.position }, { scan: this.scanText(next), then: () => this.spliceOn(i, next) }],
      after: (r) => {
        this.labelResult(i, r);
        // A refused splice: the new reel goes back to the kit cart (the old one still feeds; the station stopped the slot).
        if (!r.ok && f.feeders[i] !== next && !f.spares[i]!.includes(next)) f.spares[i]!.unshift(next);
      },
    };
  }

  private replaceMsd(i: number, why: 'spent' | 'refused'): { what: string; steps: TaskStep[] } {
    const f = this.f;
    const slot = f.plan.slots[i]!;
    const fresh = this.spare(i, true);
    return {
      what: `replace the MSD reel on ${slot.position}`,
      steps: [{ scan: 'CMD:UNLOAD' }, { scan: slot.position, mayFail: true, then: () => this.unmount(i, why) }, ...this.openIfSealed(fresh), ...this.pair(i, fresh, () => this.mount(i, fresh))],
    };
  }

  /**
   * A mishap at a reel change: the reel on a feeder comes off (the station hears the unload), and the reel the
   * operator picks to put on is the wrong one: a part the station does not use, an alternate that needs approval,
   * or one whose label cannot be read. The operator's next look loads it like any other.
   */
  private mishap(kind: Floor['mishaps'][number]): { what: string; steps: TaskStep[] } | undefined {
    const f = this.f;
    const slots = f.plan.slots;
    let i = -1;
    let reel: SimReel | undefined;
    if (kind === 'wrong-reel') {
      i = slots.findIndex((s) => !s.msd && f.feeders[s.index] !== undefined);
      if (i < 0) return undefined;
      const other = this.plant.reels.all.find((x) => x.stationId !== f.id && x.part.msl === undefined && !slots.some((s) => partIn(s.choice, x.part)));
      reel = this.plant.issue(f, i, other?.part ?? slots[(i + 1) % slots.length]!.choice.primary, { format: 'digikey' });
    } else if (kind === 'unapproved-alternate') {
      i = slots.findIndex((s) => !s.msd && s.choice.withApproval.length > 0 && f.feeders[s.index] !== undefined);
      if (i < 0) return undefined;
      reel = this.plant.issue(f, i, slots[i]!.choice.withApproval[0]!, { format: 'digikey' });
    } else {
      i = slots.findIndex((s) => !s.msd && f.feeders[s.index] !== undefined);
      if (i < 0) return undefined;
      reel = this.plant.issue(f, i, slots[i]!.choice.primary);
      reel.unreadable = true;
    }
    const list = f.spares[i]!;
    list.splice(list.indexOf(reel), 1);
    f.nextLoad.set(i, reel);
    const pos = slots[i]!.position;
    return { what: `reel change on ${pos}`, steps: [{ scan: 'CMD:UNLOAD' }, { scan: pos, then: () => this.unmount(i, 'kit') }] };
  }

  // ---- hands and scanner ----------------------------------------------------------------------------------------

  /** The next reel for slot `i` from the kit cart (one is issued if the cart has none). Primary part when `primary`. */
  private spare(i: number, primary = false): SimReel {
    const f = this.f;
    const list = f.spares[i]!;
    const s = f.plan.slots[i]!;
    const picked = f.nextLoad.get(i);
    if (picked !== undefined && !primary) {
      f.nextLoad.delete(i);
      return picked;
    }
    const k = list.findIndex((x) => (primary ? x.part.mpn === s.choice.primary.mpn : this.approved(i, x.part)) && x.place === 'kit');
    if (k >= 0) {
      const taken = list.splice(k, 1)[0]!;
      // The kit cart always holds the next reel, issued (and its record sent) long before it is needed.
      if (!list.some((x) => this.approved(i, x.part) && x.place === 'kit')) this.plant.issue(f, i, s.choice.primary);
      return taken;
    }
    const opts: IssueOptions = f.partUsedMsdHours !== undefined && s.msd ? { remainingHours: f.partUsedMsdHours } : {};
    if (opts.remainingHours !== undefined) f.partUsedMsdHours = undefined;
    const reel = this.plant.issue(f, i, s.choice.primary, opts);
    list.pop();
    return reel;
  }

  /** Whether the station takes the part on this slot without an override (primary or plain alternate). */
  private approved(i: number, part: Part): boolean {
    const s = this.f.plan.slots[i]!;
    return s.choice.primary.mpn === part.mpn || s.choice.alternates.some((p) => p.mpn === part.mpn);
  }

  private mount(i: number, reel: SimReel): void {
    this.f.feeders[i] = reel;
    reel.place = 'slot';
    this.f.machine.poke();
  }

  private unmount(i: number, to: 'returned' | 'kit' | 'spent' | 'refused' | 'cabinet'): void {
    const f = this.f;
    const reel = f.feeders[i];
    f.feeders[i] = undefined;
    if (reel === undefined) return;
    if (reel.msd !== undefined && (to === 'spent' || to === 'refused' || to === 'cabinet')) {
      this.plant.msdOff(f, reel, to);
      return;
    }
    if (to === 'kit') {
      reel.place = 'kit';
      f.spares[i]!.unshift(reel);
    } else reel.place = 'returned';
  }

  /** The splice: from now on the new reel feeds the slot (the old one's tail is spent). */
  private spliceOn(i: number, next: SimReel): void {
    const f = this.f;
    const old = f.feeders[i];
    if (old !== undefined) {
      old.qty = 0;
      if (old.msd !== undefined) this.plant.msdOff(f, old, 'spent');
      else old.place = 'returned';
    }
    this.mount(i, next);
  }

  private openIfSealed(reel: SimReel): TaskStep[] {
    if (reel.msd === undefined || !reel.msd.sealed) return [];
    return [
      { scan: 'CMD:OPEN-DRY' },
      { scan: this.scanText(reel), then: () => this.plant.opened(this.f, reel) },
    ];
  }

  /** The slot scan, then the reel's: `mount` puts the reel on the feeder in the moment its label is scanned. */
  private pair(i: number, reel: SimReel, mount?: () => void): TaskStep[] {
    return [{ scan: this.f.plan.slots[i]!.position }, { scan: this.scanText(reel), ...(mount === undefined ? {} : { before: mount }) }];
  }

  /** The reel label as the scanner delivers it now. */
  private scanText(reel: SimReel): string {
    const f = this.f;
    if (reel.unreadable === true || (this.now < f.garbageUntil && this.r.chance(f.garbageRate))) return garbageOf(reel.label, reel.truth, this.r);
    return scanOf(reel.label, reel.truth, this.r, this.o.scanDamage);
  }

  /** `steps` done by `who`, who badges in first; the operator badges back in after. */
  private as(who: Person, steps: TaskStep[]): TaskStep[] {
    return [{ scan: badge(who) }, ...steps, { scan: badge(this.f.operator), mayFail: true }];
  }
}

function partIn(c: { primary: Part; alternates: readonly Part[]; withApproval: readonly Part[] }, p: Part): boolean {
  return c.primary.mpn === p.mpn || c.alternates.some((x) => x.mpn === p.mpn) || c.withApproval.some((x) => x.mpn === p.mpn);
}

export function badge(p: Person): string {
  return `OP:${p.badge}`;
}
