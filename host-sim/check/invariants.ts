// The invariant checker: watches every run, from the simulator's own truth (what the machines built, which reels
// were physically on the feeders, the reels' true moisture histories) and from the records themselves (what each
// station committed, what its journal holds, what the host collected). It never asks the station's rules.
//   permit-respected   no board is built while its station's run-permit relay is off (and none is journaled so)
//   right-parts        every board is built with approved parts on every feeder and the approved program
//   msd-floor-life     no board is built with a moisture-sensitive reel past its floor life
//   boards-traced      every board built is in its station's journal, complete (work order, a verified reel on every
//                      slot, the approved program: core/trace `replay` + `complete`), with the reels really used
//   journal-contiguous station journals and the host's copies run without gaps
//   committed-kept     nothing a station committed is lost across power cuts (it is on the station or the host)
//   host-copy-equal    the host's copy of each record equals the station's
//   station-clock      while a station's clock is valid by its own journal (a trusted RTC at boot, or synced by the
//                      host since), every record's stamp is within the clock tolerance of the true time it was made
import { decodePayload, encodePayload } from '../../protocol/src/frame';
import { MESSAGES, type Message } from '../../protocol/src/messages';
import { sameBytes } from '../../protocol/src/judge';
import { complete, replay, type BoardTrace, type JournalEntry, type OrderSlots } from '../../firmware/core/trace/replay';
import type { CollectedRecord } from '../host/station-client';
import type { WorkOrderDoc } from '../host/work-order-doc';

export const INVARIANTS = ['permit-respected', 'right-parts', 'msd-floor-life', 'boards-traced', 'journal-contiguous', 'committed-kept', 'host-copy-equal', 'station-clock'] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface Violation {
  readonly invariant: InvariantName;
  readonly station: number;
  /** Line time, ms. */
  readonly at: number;
  readonly detail: string;
}

/** One board as the simulator saw it built: when, and the reel key on each slot position. */
export interface BuiltBoard {
  readonly unitId: string;
  readonly at: number;
  readonly reels: ReadonlyMap<string, string>;
}

/** A journal record as committed: its type and payload bytes, and the line time (ms) it was committed at. */
interface Committed {
  readonly type: string;
  readonly payload: Uint8Array;
  readonly at: number;
}

export interface CheckerOptions {
  /** The true time (epoch ms) at line time 0: the time the MES serves, and a perfect RTC would keep. */
  readonly startEpochMs: number;
  /**
   * How far (ms) a valid station clock may stand from the true time: the RTC's drift (the simulated RTC has none)
   * plus what a time sync leaves (the sync arrives after the host link's latency). Stamps the host collected are
   * whole seconds; they get one second more.
   */
  readonly clockToleranceMs: number;
}

/** Where the clock check of a station stands: records up to `upTo` checked, and whether its clock is valid there. */
interface ClockWatch {
  upTo: number;
  /** Why the clock is valid after record `upTo` (undefined: it is not). */
  valid: 'a trusted RTC at boot' | 'synced by the host' | undefined;
}

const BOOTED = MESSAGES.StationBooted.type;
const TIME_SYNC = MESSAGES.TimeSync.type;

/** A station's journal as it holds it now (the checker reads it through this, raw). */
export interface JournalImage {
  readonly oldest: number;
  readonly next: number;
  /** Each record or lost range, oldest first. */
  readonly items: readonly ({ readonly kind: 'record'; readonly seq: number; readonly at: number; readonly type: number; readonly payload: Uint8Array } | { readonly kind: 'lost'; readonly from: number; readonly to: number })[];
}

export class Checker {
  readonly violations: Violation[] = [];
  private readonly committed = new Map<number, Map<number, Committed>>();
  private readonly built = new Map<number, BuiltBoard[]>();
  /** Violations found, by invariant. */
  readonly counts = Object.fromEntries(INVARIANTS.map((n) => [n, 0])) as Record<InvariantName, number>;
  private readonly clocks = new Map<number, ClockWatch>();

  constructor(private readonly o: CheckerOptions) {}

  fail(invariant: InvariantName, station: number, at: number, detail: string): void {
    this.counts[invariant]++;
    if (this.violations.length < 100) this.violations.push({ invariant, station, at, detail });
  }

  get failed(): boolean {
    return this.violations.length > 0;
  }

  /** A record the station appended: committed (on flash when append returned). */
  committedRecord(station: number, seq: number, m: Message, at: number): void {
    const p = encodePayload(m);
    if (!p.ok) return;
    let map = this.committed.get(station);
    if (map === undefined) this.committed.set(station, (map = new Map()));
    const before = map.get(seq);
    if (before !== undefined && !(before.type === m.type && sameBytes(before.payload, p.payload))) {
      this.fail('committed-kept', station, at, `sequence ${seq} was committed as ${before.type} and then as ${m.type}: a committed record was overwritten`);
    }
    map.set(seq, { type: m.type, payload: p.payload, at });
    if (m.type === 'BoardTrace' && !m.body.permitOn) {
      this.fail('permit-respected', station, at, `board ${m.body.unitIdentifier} was journaled with the run permit off (BoardTrace permitOn false)`);
    }
  }

  /** Boards whose report met a power cut: the station never acknowledged them, so no trace is owed. */
  private readonly lostToCut = new Map<number, Set<string>>();

  unrecorded(station: number, unitId: string): void {
    let s = this.lostToCut.get(station);
    if (s === undefined) this.lostToCut.set(station, (s = new Set()));
    s.add(unitId);
  }

  boardBuilt(station: number, b: BuiltBoard): void {
    let list = this.built.get(station);
    if (list === undefined) this.built.set(station, (list = []));
    list.push(b);
  }

  boardsBuilt(station: number): readonly BuiltBoard[] {
    return this.built.get(station) ?? [];
  }

  /**
   * The station's journal and the host's copy against what it committed: contiguous, nothing committed missing
   * from both, and equal where both hold a record.
   */
  journals(station: number, at: number, image: JournalImage, host: readonly CollectedRecord[]): void {
    const map = this.committed.get(station) ?? new Map<number, Committed>();
    let expect = image.oldest;
    const held = new Map<number, { type: number; payload: Uint8Array }>();
    for (const it of image.items) {
      if (it.kind === 'lost') {
        this.fail('journal-contiguous', station, at, `the station's journal lost records ${it.from}..${it.to}`);
        expect = it.to + 1;
        continue;
      }
      if (it.seq !== expect) this.fail('journal-contiguous', station, at, `the station's journal jumps from ${expect - 1} to ${it.seq}`);
      expect = it.seq + 1;
      held.set(it.seq, { type: it.type, payload: it.payload });
    }
    let hostNext = 1;
    const hostBy = new Map<number, CollectedRecord>();
    for (const r of host) {
      if (r.seq !== hostNext) this.fail('journal-contiguous', station, at, `the host's copy jumps from ${hostNext - 1} to ${r.seq}`);
      hostNext = r.seq + 1;
      hostBy.set(r.seq, r);
    }
    for (const [seq, c] of map) {
      const s = held.get(seq);
      const h = hostBy.get(seq);
      if (s === undefined && h === undefined) {
        this.fail('committed-kept', station, at, `record ${seq} (${c.type}) was committed and is neither on the station nor at the host`);
        continue;
      }
      if (s !== undefined && !sameBytes(s.payload, c.payload)) this.fail('committed-kept', station, at, `record ${seq} on the station differs from the ${c.type} it committed`);
      if (h !== undefined && !sameBytes(h.data, c.payload)) this.fail('host-copy-equal', station, at, `the host's record ${seq} differs from the station's ${c.type}`);
      if (s !== undefined && h !== undefined && (s.type !== h.recordType || !sameBytes(s.payload, h.data))) {
        this.fail('host-copy-equal', station, at, `record ${seq}: the host's copy and the station's journal differ`);
      }
    }
  }

  /**
   * The stamps of the records a station journaled since the last check (the host's copy, then what only the station
   * holds) against the true time each was committed at, while the station's clock was valid by its own journal:
   * from a StationBooted whose clock rests on a trusted RTC, or from a TimeSync on (a TimeSync record carries the
   * stamp of the clock it corrects, so a valid clock stepped by more than the tolerance fails too). A record the
   * checker never saw committed (rolled forward after a cut in its write) is followed but not judged.
   */
  stamps(station: number, at: number, host: readonly CollectedRecord[], image: JournalImage): void {
    const w = this.clocks.get(station) ?? { upTo: 0, valid: undefined };
    this.clocks.set(station, w);
    const committed = this.committed.get(station);
    const one = (seq: number, type: number, stampMs: number, payload: Uint8Array, wholeSeconds: boolean): void => {
      if (seq <= w.upTo) return;
      w.upTo = seq;
      if (type === BOOTED) {
        const d = decodePayload(type, payload);
        w.valid = d.ok && d.message.type === 'StationBooted' && d.message.body.clockSource === 'rtc-trusted' ? 'a trusted RTC at boot' : undefined;
      }
      const c = committed?.get(seq);
      if (w.valid !== undefined && c !== undefined) {
        const trueMs = this.o.startEpochMs + c.at;
        const off = stampMs - trueMs;
        // A stamp in whole seconds is the clock's time rounded down: up to a second below it.
        const low = -(this.o.clockToleranceMs + (wholeSeconds ? 1000 : 0));
        if (off < low || off > this.o.clockToleranceMs) {
          this.fail('station-clock', station, at, `record ${seq} (${c.type}) is stamped ${iso(stampMs)}, ${(Math.abs(off) / 1000).toFixed(wholeSeconds ? 0 : 3)} s ${off > 0 ? 'ahead of' : 'behind'} the true time ${iso(trueMs)}, with its clock valid (${w.valid}); allowed ${this.o.clockToleranceMs} ms`);
        }
      }
      if (type === TIME_SYNC) w.valid = 'synced by the host';
    };
    let last = 0;
    for (let i = firstAbove(host, w.upTo); i < host.length; i++) {
      const r = host[i]!;
      one(r.seq, r.recordType, r.at * 1000, r.data, true);
      last = r.seq;
    }
    for (const it of image.items) {
      if (it.kind === 'record' && it.seq > last) one(it.seq, it.type, it.at, it.payload, false);
    }
  }

  /**
   * Every board built at the station against its journal (the host's records, then what only the station holds),
   * replayed with the work-order documents the MES sent: present, permitted, complete, with the reels really used.
   */
  traces(station: number, at: number, entries: readonly JournalEntry[], docs: readonly WorkOrderDoc[], aliases: ReadonlyMap<string, string>): { boards: number; complete: number; lostToCut: number } {
    const traces = new Map<string, BoardTrace>();
    const slots: OrderSlots = (o) => {
      const d = [...docs].reverse().find((x) => x.workOrder.header.workOrderIdentifier === o.workOrderIdentifier && x.workOrder.header.bomRevision === o.bomRevision);
      return d?.workOrder.slots.map((s) => s.position.trim());
    };
    replay(entries, (b) => traces.set(b.unitId, b), slots);
    let ok = 0;
    let lost = 0;
    const built = this.built.get(station) ?? [];
    const cut = this.lostToCut.get(station);
    for (const b of built) {
      const t = traces.get(b.unitId);
      if (t === undefined) {
        if (cut?.has(b.unitId) === true) lost++;
        else this.fail('boards-traced', station, at, `board ${b.unitId} was built but is not in the station's journal`);
        continue;
      }
      if (!t.permitOn) continue; // reported by permit-respected
      if (!complete(t)) {
        this.fail('boards-traced', station, at, `board ${b.unitId}: incomplete trace (${t.missing.length > 0 ? `no reel on ${t.missing.join(', ')}` : t.workOrder === '' ? 'no work order' : 'program differs from the recipe'})`);
        continue;
      }
      let same = true;
      for (const m of t.slots) {
        const real = b.reels.get(m.position.trim());
        if (real === undefined) continue;
        const traced = aliases.get(m.reelId) ?? m.reelId;
        if (traced !== real) {
          same = false;
          this.fail('boards-traced', station, at, `board ${b.unitId}: the trace names reel ${m.reelId} on ${m.position}, the feeder held ${real}`);
          break;
        }
      }
      if (same) ok++;
    }
    return { boards: built.length, complete: ok, lostToCut: lost };
  }
}

/** The index of the first of `records` (in sequence order) above `seq`. */
function firstAbove(records: readonly CollectedRecord[], seq: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The journal entries of a station in sequence order: the host's copy, then what only the station still holds. */
export function fullJournal(host: readonly CollectedRecord[], image: JournalImage): JournalEntry[] {
  const out: JournalEntry[] = [];
  let last = 0;
  for (const r of host) {
    const d = decodePayload(r.recordType, r.data);
    if (d.ok) out.push({ seq: r.seq, at: r.at * 1000, message: d.message });
    last = r.seq;
  }
  for (const it of image.items) {
    if (it.kind !== 'record' || it.seq <= last) continue;
    const d = decodePayload(it.type, it.payload);
    if (d.ok) out.push({ seq: it.seq, at: it.at, message: d.message });
  }
  return out;
}
