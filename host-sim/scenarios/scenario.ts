// A simulation scenario: the line (stations, slots, takt), the floor's air, the people, what the MES does, the
// faults (scheduled events and random rates) and what the run is expected to show. Scenarios are JSON documents
// (host-sim/scenarios/*.json, or any file); `readScenario` is total: any JSON value in, the scenario with every
// default filled in, or every problem found, each naming its field (`events[3].station: …`).
import { REASONS, type ReasonName } from '../../protocol/src/reasons';
import type { EnvironmentOptions } from '../world/environment';

export const SCENARIO_FORMAT = 'smt-warden.sim-scenario';
export const SCENARIO_VERSION = 1;

export const EVENT_KINDS = [
  'wrong-reel',
  'unapproved-alternate',
  'unreadable-label',
  'msd-expiry',
  'program-change',
  'wrong-program',
  'first-off-fail',
  'power-cut',
  'host-outage',
  'link-noise',
  'link-drop',
  'garbage-scans',
  'sensor-loss',
  'plc-silent',
  'dry-cabinet',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export type ScenarioEvent =
  | { readonly kind: 'wrong-reel' | 'unapproved-alternate' | 'unreadable-label' | 'program-change' | 'first-off-fail'; readonly atMs: number; readonly station: number }
  | { readonly kind: 'msd-expiry'; readonly atMs: number; readonly station: number; readonly remainingHours: number }
  | { readonly kind: 'wrong-program' | 'plc-silent' | 'dry-cabinet'; readonly atMs: number; readonly station: number; readonly forMs: number }
  | { readonly kind: 'sensor-loss'; readonly atMs: number; readonly station: number; readonly forMs: number; readonly mode: 'silent' | 'implausible' }
  | { readonly kind: 'power-cut'; readonly atMs: number; readonly station: number; readonly offMs: number; readonly rtc: 'survives' | 'untrusted' | 'lost'; readonly duringWrite: boolean }
  | { readonly kind: 'host-outage'; readonly atMs: number; readonly forMs: number }
  | { readonly kind: 'link-noise' | 'link-drop' | 'garbage-scans'; readonly atMs: number; readonly forMs: number; readonly rate: number; readonly station?: number };

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Epoch ms at line time 0. */
  readonly startEpochMs: number;
  readonly utcOffsetHours: number;
  readonly hours: number;
  readonly seed: number;
  readonly line: {
    readonly stations: number;
    readonly slots: number;
    readonly msdSlots: number;
    readonly cycleSeconds: number;
    readonly tickSeconds: number;
    readonly plcPollSeconds: number;
    readonly heartbeatSeconds: number;
    readonly heartbeatTimeoutSeconds: number;
    readonly hostLatencyMs: number;
    readonly journalKib: number;
    readonly timeToReflowSeconds: number;
    readonly prototype: boolean;
  };
  /** The floor's air (world/environment.ts), with the noise of the stations' sensors. */
  readonly environment: Omit<EnvironmentOptions, 'utcOffsetHours'> & { readonly sensorNoise: number };
  readonly operators: { readonly reactSeconds: number; readonly scanDamage: number; readonly spliceBoards: number; readonly firstOffFallbackMinutes: number };
  readonly mes: { readonly inspectionMinutes: number; readonly approvalMinutes: number };
  readonly events: readonly ScenarioEvent[];
  readonly faults: {
    readonly powerCutsPerStationDay: number;
    readonly hostOutagesPerDay: number;
    readonly hostOutageMinutes: number;
    readonly garbageBurstsPerStationDay: number;
  };
  readonly expect?: { readonly stops: readonly { readonly station: number; readonly reason: ReasonName; readonly count: number }[]; readonly exact: boolean };
}

export interface ScenarioProblem {
  readonly field: string;
  readonly message: string;
}

export type ScenarioResult = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly problems: readonly ScenarioProblem[] };

type Obj = Record<string, unknown>;

class Reader {
  readonly problems: ScenarioProblem[] = [];
  bad(field: string, message: string): void {
    if (this.problems.length < 50) this.problems.push({ field, message });
  }
  obj(v: unknown, field: string, keys: readonly string[]): Obj {
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.bad(field, 'an object');
      return {};
    }
    for (const k of Object.keys(v)) if (!keys.includes(k)) this.bad(field === '' ? k : `${field}.${k}`, `not a field here (fields: ${keys.join(', ')})`);
    return v as Obj;
  }
  num(o: Obj, k: string, field: string, min: number, max: number, dflt: number, integer = false): number {
    const v = o[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      this.bad(field, `${integer ? 'an integer' : 'a number'} ${min}..${max}`);
      return dflt;
    }
    return v;
  }
  text(o: Obj, k: string, field: string, dflt: string, max = 400): string {
    const v = o[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'string' || v.length > max) {
      this.bad(field, `text of at most ${max} characters`);
      return dflt;
    }
    return v;
  }
  bool(o: Obj, k: string, field: string, dflt: boolean): boolean {
    const v = o[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') {
      this.bad(field, 'true or false');
      return dflt;
    }
    return v;
  }
  oneOf<T extends string>(o: Obj, k: string, field: string, values: readonly T[], dflt: T): T {
    const v = o[k];
    if (v === undefined) return dflt;
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.bad(field, `one of ${values.join(', ')}`);
      return dflt;
    }
    return v as T;
  }
  /** A duration: "1h30m", "45m", "90s", "2h", or a number of seconds. */
  duration(o: Obj, k: string, field: string, dflt: number | undefined, maxMs = 400 * 86_400_000): number | undefined {
    const v = o[k];
    if (v === undefined) {
      if (dflt === undefined) this.bad(field, 'a duration such as "1h30m", "45m" or "90s" (required)');
      return dflt;
    }
    const ms = durationMs(v);
    if (ms === undefined || ms > maxMs) {
      this.bad(field, 'a duration such as "1h30m", "45m", "90s", or seconds as a number');
      return dflt ?? 0;
    }
    return ms;
  }
}

/** "1d2h30m15s" (any of the parts, in that order) or a number of seconds → ms; undefined if neither. */
export function durationMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(?:(\d+(?:\.\d+)?)d)?\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s)?\s*$/.exec(v);
  if (m === null || (m[1] ?? m[2] ?? m[3] ?? m[4]) === undefined) return undefined;
  const [d, h, mi, s] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? 0 : Number(x)));
  return Math.round(((d! * 24 + h!) * 3600 + mi! * 60 + s!) * 1000);
}

/**
 * Command-line changes to a scenario (`--stations`, `--hours`). A changed line or run length makes the scenario's
 * own expectations meaningless (they are dropped), and its events past the end or on stations the line no longer
 * has simply do not happen.
 */
export interface ScenarioOverrides {
  readonly stations?: number;
  readonly hours?: number;
}

/** Reads a scenario document (already parsed JSON), with command-line overrides applied before the checks. */
export function readScenario(v: unknown, over: ScenarioOverrides = {}): ScenarioResult {
  const r = new Reader();
  const o = r.obj(v, '', ['format', 'version', 'name', 'description', 'start', 'utcOffsetHours', 'hours', 'seed', 'line', 'environment', 'operators', 'mes', 'events', 'faults', 'expect']);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, problems: r.problems };
  if (o['format'] !== SCENARIO_FORMAT) r.bad('format', `"${SCENARIO_FORMAT}"`);
  if (o['version'] !== SCENARIO_VERSION) r.bad('version', `${SCENARIO_VERSION} (this reader knows no other)`);
  const name = r.text(o, 'name', 'name', 'scenario', 64);
  const description = r.text(o, 'description', 'description', '', 2000);
  const startText = r.text(o, 'start', 'start', '2026-12-01T06:00:00Z', 40);
  const startEpochMs = Date.parse(startText);
  if (!Number.isFinite(startEpochMs) || !/Z$|[+-]\d\d:\d\d$/.test(startText)) r.bad('start', 'an ISO date-time with its zone, such as 2026-12-01T06:00:00Z');
  const utcOffsetHours = r.num(o, 'utcOffsetHours', 'utcOffsetHours', -12, 14, 0);
  const ownHours = r.num(o, 'hours', 'hours', 0.01, 24 * 30, 8);
  const hours = over.hours ?? ownHours;
  if (over.hours !== undefined && !(over.hours > 0 && over.hours <= 24 * 30)) r.bad('hours', '--hours: more than 0, at most 720');
  const seed = r.num(o, 'seed', 'seed', 0, 0xffffffff, 1, true);

  const l = r.obj(o['line'], 'line', ['stations', 'slots', 'msdSlots', 'cycleSeconds', 'tickSeconds', 'plcPollSeconds', 'heartbeatSeconds', 'heartbeatTimeoutSeconds', 'hostLatencyMs', 'journalKib', 'timeToReflowSeconds', 'prototype']);
  const ownStations = r.num(l, 'stations', 'line.stations', 2, 200, 6, true);
  const stations = over.stations ?? ownStations;
  const changed = stations !== ownStations || hours !== ownHours;
  if (over.stations !== undefined && !(Number.isInteger(over.stations) && over.stations >= 2 && over.stations <= 200)) r.bad('line.stations', '--stations: an integer 2..200 (the last station is the reflow oven)');
  const slots = r.num(l, 'slots', 'line.slots', 1, 120, 12, true);
  const line = {
    stations,
    slots,
    msdSlots: r.num(l, 'msdSlots', 'line.msdSlots', 0, slots, Math.min(2, slots), true),
    cycleSeconds: r.num(l, 'cycleSeconds', 'line.cycleSeconds', 5, 3600, 45),
    tickSeconds: r.num(l, 'tickSeconds', 'line.tickSeconds', 1, 60, 5),
    plcPollSeconds: r.num(l, 'plcPollSeconds', 'line.plcPollSeconds', 0.5, 600, 5),
    heartbeatSeconds: r.num(l, 'heartbeatSeconds', 'line.heartbeatSeconds', 0.5, 600, 10),
    heartbeatTimeoutSeconds: r.num(l, 'heartbeatTimeoutSeconds', 'line.heartbeatTimeoutSeconds', 0, 3600, 60),
    hostLatencyMs: r.num(l, 'hostLatencyMs', 'line.hostLatencyMs', 0, 10_000, 5),
    journalKib: r.num(l, 'journalKib', 'line.journalKib', 64, 16384, 512, true),
    timeToReflowSeconds: r.num(l, 'timeToReflowSeconds', 'line.timeToReflowSeconds', 0, 86_400, 1800, true),
    prototype: r.bool(l, 'prototype', 'line.prototype', false),
  };
  if (line.journalKib % 4 !== 0) r.bad('line.journalKib', 'a multiple of 4 (the flash sector is 4 KiB)');
  if (line.heartbeatTimeoutSeconds > 0 && line.heartbeatTimeoutSeconds < line.heartbeatSeconds * 2) r.bad('line.heartbeatTimeoutSeconds', `at least twice line.heartbeatSeconds (${line.heartbeatSeconds * 2}), or 0 for no watchdog`);

  const e = r.obj(o['environment'], 'environment', ['tempC', 'rhPct', 'humid', 'cabinetRhPct', 'cabinetFailsAt', 'cabinetFailRhPct', 'sensorNoise']);
  const hasHumid = e['humid'] !== undefined;
  const h = r.obj(e['humid'], 'environment.humid', ['peakTempC', 'peakRhPct', 'peakHour', 'widthHours']);
  const environment = {
    tempC: r.num(e, 'tempC', 'environment.tempC', 10, 40, 23),
    rhPct: r.num(e, 'rhPct', 'environment.rhPct', 5, 90, 45),
    ...(hasHumid
      ? {
          humid: {
            peakTempC: r.num(h, 'peakTempC', 'environment.humid.peakTempC', 10, 40, 27),
            peakRhPct: r.num(h, 'peakRhPct', 'environment.humid.peakRhPct', 5, 90, 62),
            peakHour: r.num(h, 'peakHour', 'environment.humid.peakHour', 0, 24, 15),
            widthHours: r.num(h, 'widthHours', 'environment.humid.widthHours', 0.5, 12, 4),
          },
        }
      : {}),
    cabinetRhPct: r.num(e, 'cabinetRhPct', 'environment.cabinetRhPct', 0.5, 60, 3),
    ...(e['cabinetFailsAt'] === undefined ? {} : { cabinetFailsAtMs: r.duration(e, 'cabinetFailsAt', 'environment.cabinetFailsAt', 0)! }),
    cabinetFailRhPct: r.num(e, 'cabinetFailRhPct', 'environment.cabinetFailRhPct', 0.5, 90, 25),
    sensorNoise: r.num(e, 'sensorNoise', 'environment.sensorNoise', 0, 5, 0.3),
  };

  const p = r.obj(o['operators'], 'operators', ['reactSeconds', 'scanDamage', 'spliceBoards', 'firstOffFallbackMinutes']);
  const operators = {
    reactSeconds: r.num(p, 'reactSeconds', 'operators.reactSeconds', 5, 3600, 40),
    scanDamage: r.num(p, 'scanDamage', 'operators.scanDamage', 0, 1, 0.25),
    spliceBoards: r.num(p, 'spliceBoards', 'operators.spliceBoards', 1, 1000, 4, true),
    firstOffFallbackMinutes: r.num(p, 'firstOffFallbackMinutes', 'operators.firstOffFallbackMinutes', 1, 600, 25),
  };
  const m = r.obj(o['mes'], 'mes', ['inspectionMinutes', 'approvalMinutes']);
  const mes = {
    inspectionMinutes: r.num(m, 'inspectionMinutes', 'mes.inspectionMinutes', 0.5, 600, 8),
    approvalMinutes: r.num(m, 'approvalMinutes', 'mes.approvalMinutes', 0.5, 600, 6),
  };

  const events: ScenarioEvent[] = [];
  const list = o['events'] === undefined ? [] : o['events'];
  if (!Array.isArray(list)) r.bad('events', 'a list of events');
  else {
    if (list.length > 10_000) r.bad('events', `${list.length} events, at most 10000`);
    list.slice(0, 10_000).forEach((x, i) => {
      // Checked against the scenario's own line and length; what falls outside an overridden one is left out.
      const ev = readEvent(r, x, `events[${i}]`, ownStations, ownHours);
      if (ev === undefined) return;
      if (ev.atMs > hours * 3_600_000 || ('station' in ev && ev.station !== undefined && ev.station > stations)) return;
      if ('station' in ev && ev.station === stations && FEEDER_EVENTS.has(ev.kind)) return;
      events.push(ev);
    });
  }
  const fa = r.obj(o['faults'], 'faults', ['powerCutsPerStationDay', 'hostOutagesPerDay', 'hostOutageMinutes', 'garbageBurstsPerStationDay']);
  const faults = {
    powerCutsPerStationDay: r.num(fa, 'powerCutsPerStationDay', 'faults.powerCutsPerStationDay', 0, 100, 0),
    hostOutagesPerDay: r.num(fa, 'hostOutagesPerDay', 'faults.hostOutagesPerDay', 0, 100, 0),
    hostOutageMinutes: r.num(fa, 'hostOutageMinutes', 'faults.hostOutageMinutes', 1, 24 * 60, 20),
    garbageBurstsPerStationDay: r.num(fa, 'garbageBurstsPerStationDay', 'faults.garbageBurstsPerStationDay', 0, 100, 0),
  };

  let expect: Scenario['expect'];
  if (o['expect'] !== undefined) {
    const e = readExpect(r, o['expect'], ownStations);
    if (!changed) expect = e;
  }
  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  return {
    ok: true,
    scenario: { name, description, startEpochMs, utcOffsetHours, hours, seed, line, environment, operators, mes, events: events.sort((a, b) => a.atMs - b.atMs), faults, ...(expect === undefined ? {} : { expect }) },
  };
}

function readExpect(r: Reader, v: unknown, stations: number): NonNullable<Scenario['expect']> {
  const x = r.obj(v, 'expect', ['stops', 'exact']);
  const stops: { station: number; reason: ReasonName; count: number }[] = [];
  const sl = x['stops'] === undefined ? [] : x['stops'];
  if (!Array.isArray(sl)) r.bad('expect.stops', 'a list of {"station", "reason", "count"}');
  else
    sl.forEach((s, i) => {
      const f = `expect.stops[${i}]`;
      const so = r.obj(s, f, ['station', 'reason', 'count']);
      const station = r.num(so, 'station', `${f}.station`, 1, stations, 1, true);
      const reason = so['reason'];
      if (typeof reason !== 'string' || !(reason in REASONS)) r.bad(`${f}.reason`, 'a reason name from protocol/src/reasons.ts, such as "WRONG_PART"');
      stops.push({ station, reason: reason as ReasonName, count: r.num(so, 'count', `${f}.count`, 0, 10_000, 1, true) });
    });
  return { stops, exact: r.bool(x, 'exact', 'expect.exact', true) };
}

const EVENT_FIELDS: Record<EventKind, readonly string[]> = {
  'wrong-reel': ['station'],
  'unapproved-alternate': ['station'],
  'unreadable-label': ['station'],
  'msd-expiry': ['station', 'remainingHours'],
  'program-change': ['station'],
  'wrong-program': ['station', 'for'],
  'first-off-fail': ['station'],
  'power-cut': ['station', 'off', 'rtc', 'duringWrite'],
  'host-outage': ['for'],
  'link-noise': ['station', 'for', 'rate'],
  'link-drop': ['station', 'for', 'rate'],
  'garbage-scans': ['station', 'for', 'rate'],
  'sensor-loss': ['station', 'for', 'mode'],
  'plc-silent': ['station', 'for'],
  'dry-cabinet': ['station', 'for'],
};

/** Events that act on a placement station's feeders (the oven, the last station, has none). */
const FEEDER_EVENTS: ReadonlySet<EventKind> = new Set(['wrong-reel', 'unapproved-alternate', 'unreadable-label', 'msd-expiry', 'dry-cabinet']);

function readEvent(r: Reader, x: unknown, f: string, stations: number, hours: number): ScenarioEvent | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    r.bad(f, 'an object {"at", "kind", …}');
    return undefined;
  }
  const kindV = (x as Obj)['kind'];
  if (typeof kindV !== 'string' || !(EVENT_KINDS as readonly string[]).includes(kindV)) {
    r.bad(`${f}.kind`, `one of ${EVENT_KINDS.join(', ')}`);
    return undefined;
  }
  const kind = kindV as EventKind;
  const o = r.obj(x, f, ['at', 'kind', 'note', ...EVENT_FIELDS[kind]]);
  const atMs = r.duration(o, 'at', `${f}.at`, undefined) ?? 0;
  if (atMs > hours * 3_600_000) r.bad(`${f}.at`, `${atMs / 3_600_000} h is after the end of the run (${hours} h)`);
  const station = (): number => {
    const s = r.num(o, 'station', `${f}.station`, 1, 200, 1, true);
    if (o['station'] === undefined) r.bad(`${f}.station`, 'the station it happens at (1 = the first)');
    else if (s > stations) r.bad(`${f}.station`, `${s}, but the line has ${stations} stations (see --stations)`);
    else if (FEEDER_EVENTS.has(kind) && s === stations) r.bad(`${f}.station`, `${s} is the reflow oven, which has no feeders`);
    return s;
  };
  const forMs = (): number => r.duration(o, 'for', `${f}.for`, undefined) ?? 0;
  switch (kind) {
    case 'wrong-reel':
    case 'unapproved-alternate':
    case 'unreadable-label':
    case 'program-change':
    case 'first-off-fail':
      return { kind, atMs, station: station() };
    case 'msd-expiry':
      return { kind, atMs, station: station(), remainingHours: r.num(o, 'remainingHours', `${f}.remainingHours`, 0.1, 10_000, 5) };
    case 'wrong-program':
    case 'plc-silent':
    case 'dry-cabinet':
      return { kind, atMs, station: station(), forMs: forMs() };
    case 'sensor-loss':
      return { kind, atMs, station: station(), forMs: forMs(), mode: r.oneOf(o, 'mode', `${f}.mode`, ['silent', 'implausible'] as const, 'silent') };
    case 'power-cut':
      return {
        kind,
        atMs,
        station: station(),
        offMs: r.duration(o, 'off', `${f}.off`, 60_000)!,
        rtc: r.oneOf(o, 'rtc', `${f}.rtc`, ['survives', 'untrusted', 'lost'] as const, 'survives'),
        duringWrite: r.bool(o, 'duringWrite', `${f}.duringWrite`, true),
      };
    case 'host-outage':
      return { kind, atMs, forMs: forMs() };
    case 'link-noise':
    case 'link-drop':
    case 'garbage-scans': {
      const rate = r.num(o, 'rate', `${f}.rate`, 0, 1, kind === 'garbage-scans' ? 0.3 : 0.05);
      const ev = { kind, atMs, forMs: forMs(), rate };
      return o['station'] === undefined ? ev : { ...ev, station: station() };
    }
  }
}

/** One line per problem, for people. */
export function describeScenarioProblems(problems: readonly ScenarioProblem[]): string {
  return problems.map((p) => `${p.field === '' ? '(document)' : p.field}: ${p.message}`).join('; ');
}
