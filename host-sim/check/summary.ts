// What a run shows, as one plain document (the `--json` output, and what the terminal table is printed from):
// boards built, stops by reason and by station, MSD alarms and reel handling, traceability completeness, the host,
// the PLCs, the scans, the faults injected and every invariant with its verdict. A pure function of the run, so
// the same seed gives the same bytes; wall-clock figures are never part of it.
import { REASONS, type ReasonName } from '../../protocol/src/reasons';
import type { Line, Stop } from '../line/line';
import type { Scenario } from '../scenarios/scenario';
import { INVARIANTS, type Violation } from './invariants';

export interface StopRow {
  readonly station: number;
  readonly at: string;
  readonly reasons: readonly ReasonName[];
  /** Every reason shown while the stop lasted (the reasons at the drop first). */
  readonly seen: readonly ReasonName[];
  readonly minutes: number;
  /** Still stopped when the run ended. */
  readonly open: boolean;
  readonly powerLoss: boolean;
}

export interface Expectations {
  readonly met: boolean;
  /** Expected stops that did not happen. */
  readonly missing: readonly { readonly station: number; readonly reason: ReasonName; readonly count: number }[];
  /** Stops that happened and no expectation names (only when the scenario's expectations are exact). */
  readonly unexpected: readonly StopRow[];
}

export interface SimSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly start: string;
  readonly end: string;
  readonly simulatedHours: number;
  /** False when the run stopped early: an invariant failed, or it was interrupted. */
  readonly completed: boolean;
  readonly interrupted: boolean;
  readonly stations: readonly { readonly id: number; readonly name: string; readonly role: string }[];
  readonly boards: { readonly started: number; readonly out: number; readonly byStation: readonly { readonly station: number; readonly built: number }[] };
  readonly stops: {
    readonly total: number;
    readonly minutes: number;
    readonly byReason: readonly { readonly reason: ReasonName; readonly code: number; readonly stops: number; readonly stations: readonly number[]; readonly minutes: number }[];
    readonly byStation: readonly { readonly station: number; readonly stops: number; readonly minutes: number; readonly reasons: readonly ReasonName[] }[];
    readonly list: readonly StopRow[];
  };
  readonly msd: {
    readonly alarms: Readonly<Record<string, number>>;
    readonly alarmsByStation: Readonly<Record<string, number>>;
    readonly reelsIssued: number;
    readonly partUsedReels: number;
    readonly bagsOpened: number;
    readonly reelsTakenOff: number;
    readonly toDryCabinet: number;
    readonly toBake: number;
  };
  /** Boards built against boards fully traced; `lostToCut`: reported in the instant power failed, never acknowledged. */
  readonly traceability: { readonly boards: number; readonly complete: number; readonly lostToCut: number; readonly percent: number };
  readonly host: {
    readonly sessions: number;
    readonly outages: number;
    readonly sent: number;
    readonly acked: number;
    readonly refused: Readonly<Record<string, number>>;
    readonly recordsCollected: number;
    readonly pendingAtEnd: Readonly<Record<string, number>>;
    readonly link: { readonly writes: number; readonly bytes: number; readonly corrupted: number; readonly dropped: number };
  };
  readonly plc: { readonly polls: number; readonly heartbeats: number; readonly exceptions: number; readonly conveyorStops: number };
  readonly scans: { readonly total: number; readonly refused: Readonly<Record<string, number>> };
  readonly firstOffs: Line['stats']['firstOffs'];
  readonly overrides: Line['stats']['overrides'];
  readonly operatorTasks: Readonly<Record<string, number>>;
  readonly faults: { readonly injected: Readonly<Record<string, number>>; readonly powerCuts: number; readonly boots: number };
  readonly invariants: readonly { readonly name: string; readonly ok: boolean; readonly violations: number }[];
  readonly violation: (Omit<Violation, 'at'> & { readonly at: string }) | null;
  readonly replay: string;
  readonly expectations: Expectations | null;
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();
const minutes = (ms: number): number => Math.round(ms / 600) / 100;
const sorted = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function summarize(
  line: Line,
  s: Scenario,
  meta: { readonly seed: number; readonly replay: string; readonly interrupted: boolean; readonly traces: { readonly boards: number; readonly complete: number; readonly lostToCut: number } },
): SimSummary {
  const start = s.startEpochMs;
  const end = line.now;
  const rows: StopRow[] = line.stops.map((x: Stop) => ({
    station: x.station,
    at: iso(start + x.at),
    reasons: x.reasons,
    seen: x.seen,
    minutes: minutes((x.end ?? end) - x.at),
    open: x.end === undefined,
    powerLoss: x.powerLoss,
  }));
  const byReason = new Map<ReasonName, { stops: number; stations: Set<number>; ms: number }>();
  const byStation = new Map<number, { stops: number; ms: number; reasons: Set<ReasonName> }>();
  for (const x of line.stops) {
    const ms = (x.end ?? end) - x.at;
    for (const r of x.seen) {
      const e = byReason.get(r) ?? { stops: 0, stations: new Set<number>(), ms: 0 };
      e.stops++;
      e.stations.add(x.station);
      e.ms += ms;
      byReason.set(r, e);
    }
    const st = byStation.get(x.station) ?? { stops: 0, ms: 0, reasons: new Set<ReasonName>() };
    st.stops++;
    st.ms += ms;
    for (const r of x.seen) st.reasons.add(r);
    byStation.set(x.station, st);
  }
  const v = line.violation;
  const pending: Record<string, number> = {};
  for (const f of line.floors) {
    const view = f.station.station?.view();
    if (view !== undefined) pending[String(f.id)] = view.journalPending;
  }
  const plc = line.floors.reduce((a, f) => ({ polls: a.polls + f.plc.stats.polls, heartbeats: a.heartbeats + f.plc.stats.heartbeats, exceptions: a.exceptions + f.plc.stats.exceptions, conveyorStops: a.conveyorStops + f.plc.stats.conveyorStops }), { polls: 0, heartbeats: 0, exceptions: 0, conveyorStops: 0 });
  const st = line.stats;
  return {
    scenario: s.name,
    seed: meta.seed,
    start: iso(start),
    end: iso(start + end),
    simulatedHours: Math.round((end / 3_600_000) * 1000) / 1000,
    completed: v === undefined && !meta.interrupted,
    interrupted: meta.interrupted,
    stations: line.plan.stations.map((x) => ({ id: x.id, name: x.name, role: x.role })),
    boards: { started: st.boardsStarted, out: st.boardsOut, byStation: line.floors.map((f) => ({ station: f.id, built: f.machine.built })) },
    stops: {
      total: line.stops.length,
      minutes: Math.round(rows.reduce((a, r) => a + r.minutes, 0) * 100) / 100,
      byReason: [...byReason]
        .map(([reason, e]) => ({ reason, code: REASONS[reason].code, stops: e.stops, stations: [...e.stations].sort((a, b) => a - b), minutes: minutes(e.ms) }))
        .sort((a, b) => b.stops - a.stops || a.code - b.code),
      byStation: [...byStation].sort(([a], [b]) => a - b).map(([station, e]) => ({ station, stops: e.stops, minutes: minutes(e.ms), reasons: [...e.reasons].sort() })),
      list: rows,
    },
    msd: {
      alarms: sorted(st.msdAlarms),
      alarmsByStation: sorted(Object.fromEntries(Object.entries(st.msdByStation).map(([k, n]) => [k, n]))),
      reelsIssued: st.reelsIssued.msd,
      partUsedReels: st.reelsIssued.partUsed,
      bagsOpened: st.msd.opened,
      reelsTakenOff: st.msd.replaced,
      toDryCabinet: st.msd.cabinet,
      toBake: st.msd.baked,
    },
    traceability: { boards: meta.traces.boards, complete: meta.traces.complete, lostToCut: meta.traces.lostToCut, percent: meta.traces.boards === 0 ? 100 : Math.floor((meta.traces.complete / meta.traces.boards) * 10000) / 100 },
    host: {
      sessions: line.mes.stats.sessions,
      outages: line.mes.stats.outages,
      sent: line.mes.stats.sent,
      acked: line.mes.stats.acked,
      refused: sorted(line.mes.stats.refused),
      recordsCollected: line.mes.stats.recordsCollected,
      pendingAtEnd: pending,
      link: { ...line.hostNet.stats },
    },
    plc,
    scans: { total: st.scans.total, refused: sorted(st.scans.refused) },
    firstOffs: st.firstOffs,
    overrides: st.overrides,
    operatorTasks: sorted(st.tasks),
    faults: { injected: sorted(st.faultsInjected), powerCuts: line.floors.reduce((a, f) => a + f.station.cuts, 0), boots: line.floors.reduce((a, f) => a + f.station.boots, 0) },
    invariants: INVARIANTS.map((name) => ({ name, ok: line.checker.counts[name] === 0, violations: line.checker.counts[name] })),
    violation: v === undefined ? null : { invariant: v.invariant, station: v.station, at: iso(start + v.at), detail: v.detail },
    replay: meta.replay,
    expectations: s.expect === undefined ? null : expectations(s.expect, rows),
  };
}

/** The scenario's expected stops against the stops that happened (each expectation takes the earliest it fits). */
export function expectations(e: NonNullable<Scenario['expect']>, rows: readonly StopRow[]): Expectations {
  const used = new Set<number>();
  const missing: { station: number; reason: ReasonName; count: number }[] = [];
  for (const x of e.stops) {
    let need = x.count;
    for (let i = 0; i < rows.length && need > 0; i++) {
      const r = rows[i]!;
      if (used.has(i) || r.station !== x.station || !r.seen.includes(x.reason)) continue;
      used.add(i);
      need--;
    }
    if (need > 0) missing.push({ station: x.station, reason: x.reason, count: need });
  }
  const unexpected = e.exact ? rows.filter((_, i) => !used.has(i)) : [];
  return { met: missing.length === 0 && unexpected.length === 0, missing, unexpected };
}
