// The simulated line, assembled from a scenario and a seed: stations running the real firmware, the MES, a PLC per
// station, the machines with the boards flowing through them, the operators, the floor's air, the reels, the
// faults, and the invariant checker watching all of it. One timeline drives everything; `run` advances it.
import { deriveStationSecret } from '../../protocol/src/keys';
import { REASONS, type ReasonName } from '../../protocol/src/reasons';
import type { Message } from '../../protocol/src/messages';
import type { ByteStream, ListenTcp, StreamCallbacks } from '../../firmware/platform/hal';
import { SimNet } from '../../firmware/platform/sim/net';
import { Journal } from '../../firmware/storage/journal';
import type { StationEvent } from '../../firmware/runtime/station';
import type { WorkOrderDoc } from '../host/work-order-doc';
import { Checker, fullJournal, type JournalImage, type Violation } from '../check/invariants';
import type { Scenario, ScenarioEvent } from '../scenarios/scenario';
import { Environment } from '../world/environment';
import { orderDoc, planLine, type LinePlan } from '../world/product';
import { ReelStore, type IssueOptions, type SimReel } from '../world/reels';
import type { Part } from '../world/catalog';
import { Scanner } from '../world/scanner';
import { Floor, type Person } from './floor';
import { LinkNet } from './link';
import { Machine, ENTRY_BUFFER } from './machine';
import { Mes, type HostNet } from './mes';
import { Operator, type Plant } from './operator';
import { Plc, type ModbusDial } from './plc';
import { Random } from './random';
import { SimStation, type RtcAfterCut } from './station';
import type { TaskResult } from './tasks';
import { Timeline } from './timeline';

export const HOST_PORT = 4840;
/** SimNet ports of the stations' Modbus servers: 10000 + station id. */
const MODBUS_SIM_PORT = 10_000;
const HOUR = 3_600_000;

/** Where the line's links run: in memory (the default), or real sockets (`--tcp`, `--modbus-base-port`). */
export interface LineTransports {
  /** The host links: listen for station `id`, and the MES's way to it. */
  readonly host?: { readonly listen: (id: number) => ListenTcp; readonly net: HostNet };
  /** Extra Modbus TCP listeners per station (real TCP for outside PLC tools). */
  readonly modbus?: (id: number) => ListenTcp;
  /** The PLCs reach their stations this way instead of the SimNet. */
  readonly plc?: (id: number) => ModbusDial;
}

export interface LineOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly transports?: LineTransports;
}

export interface Stop {
  readonly station: number;
  readonly at: number;
  /** The reasons the station gave when the permit dropped (for a power loss: at its next boot). */
  reasons: ReasonName[];
  /** Every reason the station gave while the stop lasted, the first ones first. */
  readonly seen: ReasonName[];
  end: number | undefined;
  /** The station lost power (its reasons are those it showed at its next boot). */
  readonly powerLoss: boolean;
}

export interface LineStats {
  readonly scans: { total: number; refused: Record<string, number> };
  readonly msdAlarms: Record<string, number>;
  readonly msdByStation: Record<number, number>;
  readonly reelsIssued: { total: number; msd: number; partUsed: number };
  readonly msd: { opened: number; replaced: number; cabinet: number; baked: number };
  readonly tasks: Record<string, number>;
  readonly faultsInjected: Record<string, number>;
  boardsOut: number;
  boardsStarted: number;
  readonly firstOffs: { requested: number; passedByHost: number; failedByHost: number; passedAtStation: number };
  readonly overrides: { requested: number; granted: number };
  stationFaults: number;
}

export class Line {
  readonly timeline = new Timeline();
  readonly random: Random;
  readonly plan: LinePlan;
  readonly reels: ReelStore;
  readonly env: Environment;
  readonly floors: Floor[] = [];
  readonly mes: Mes;
  readonly checker: Checker;
  readonly hostNet: LinkNet;
  readonly modbusNet: SimNet;
  readonly stops: Stop[] = [];
  readonly stats: LineStats = {
    scans: { total: 0, refused: {} },
    msdAlarms: {},
    msdByStation: {},
    reelsIssued: { total: 0, msd: 0, partUsed: 0 },
    msd: { opened: 0, replaced: 0, cabinet: 0, baked: 0 },
    tasks: {},
    faultsInjected: {},
    boardsOut: 0,
    boardsStarted: 0,
    firstOffs: { requested: 0, passedByHost: 0, failedByHost: 0, passedAtStation: 0 },
    overrides: { requested: 0, granted: 0 },
    stationFaults: 0,
  };
  readonly lineMaster: Uint8Array;
  /** The reason the run stopped early: the first invariant violation. */
  violation: Violation | undefined;
  private readonly operators: Operator[] = [];
  private readonly aliases = new Map<string, string>();
  private readonly permitOn = new Map<number, boolean>();
  private readonly producing = new Set<number>();
  private readonly openStop = new Map<number, Stop>();
  private readonly restoreAs = new Map<number, { offMs: number; rtc: RtcAfterCut }>();
  private readonly docs = new Map<number, WorkOrderDoc[]>();
  private readonly s: Scenario;
  private boardSeq = 0;
  private readonly endMs: number;

  constructor(o: LineOptions) {
    const s = o.scenario;
    this.s = s;
    this.endMs = Math.round(s.hours * HOUR);
    this.checker = new Checker({ startEpochMs: s.startEpochMs, clockToleranceMs: clockTolerance(s) });
    this.random = new Random(o.seed);
    const t = this.timeline;
    this.lineMaster = new Uint8Array(32);
    this.random.fork('line-master').bytes(this.lineMaster);
    this.plan = planLine({ stations: s.line.stations, slots: s.line.slots, msdSlots: s.line.msdSlots, prototype: s.line.prototype, timeToReflowS: s.line.timeToReflowSeconds }, this.random.fork('plan'));
    this.reels = new ReelStore(this.random.fork('reels'), s.startEpochMs);
    this.env = new Environment({ ...s.environment, utcOffsetHours: s.utcOffsetHours }, s.startEpochMs, s.line.stations);
    this.hostNet = new LinkNet(t, this.random.fork('host-links'), s.line.hostLatencyMs);
    this.modbusNet = new SimNet({ seed: this.random.seedFor('modbus-net') });
    const memHost: HostNet = { connect: (id, cb) => this.hostNet.connect(`st${id}`, HOST_PORT, cb) };
    this.mes = new Mes({
      timeline: t,
      net: o.transports?.host?.net ?? memHost,
      random: this.random.fork('mes'),
      startEpochMs: s.startEpochMs,
      secretOf: (id) => this.secretOf(id),
      stations: this.plan.stations.map((x) => x.id),
      onRecord: (id, seq, m) => this.mesRecord(id, seq, m),
    });
    const people = this.people();
    for (const p of this.plan.stations) {
      const cfg = this.configOf(p.id, p.role);
      const station = new SimStation({
        id: p.id,
        name: p.name,
        role: p.role,
        config: cfg,
        secret: this.secretOf(p.id),
        journalKib: s.line.journalKib,
        storeKib: 128,
        startEpochMs: s.startEpochMs,
        seedFor: (what) => this.random.seedFor(`station-${p.id}/${what}`),
        hostListen: o.transports?.host?.listen(p.id) ?? this.hostNet.listenAt(`st${p.id}`),
        hostPort: HOST_PORT,
        modbusListen: [{ listen: this.modbusNet.listen }, ...(o.transports?.modbus === undefined ? [] : [{ listen: o.transports.modbus(p.id), idleTimeoutMs: 3_600_000 }])],
        modbusPort: MODBUS_SIM_PORT + p.id,
        now: () => this.timeline.now,
        onEvent: (st, e) => this.stationEvent(st, e),
        onPowerLost: (st) => this.powerLost(st),
        onBoot: (st) => this.booted(st),
      });
      const dial: ModbusDial = o.transports?.plc?.(p.id) ?? ((cb: StreamCallbacks): ByteStream | undefined => this.modbusNet.connect(MODBUS_SIM_PORT + p.id, cb, `plc-${p.id}`));
      const plc = new Plc(p.id, dial);
      const machine = new Machine(station, t, Math.round(s.line.cycleSeconds * 1000), {
        materialsReady: (m) => this.materialsReady(m),
        beforeReport: (m, unit) => this.beforeReport(m, unit),
        afterReport: (_m, unit, lost) => {
          if (lost) this.checker.unrecorded(p.id, unit);
        },
        conveyorRuns: () => plc.conveyor || plc.silent(t.now),
        boardOut: () => this.stats.boardsOut++,
      });
      plc.onConveyor = () => machine.poke();
      const who = people(p.id);
      const scanner = Scanner.setUp(this.random.fork(`scanner-${p.id}`), s.operators.scanDamage);
      const floor = new Floor(p, station, machine, plc, who.operator, who.technician, who.supervisor, scanner);
      this.floors.push(floor);
      this.operators.push(
        new Operator(this.plant(), floor, this.random.fork(`operator-${p.id}`), {
          reactS: s.operators.reactSeconds,
          scanDamage: s.operators.scanDamage,
          spliceBoards: s.operators.spliceBoards,
          firstOffFallbackMin: s.operators.firstOffFallbackMinutes,
        }),
      );
    }
    for (let i = 0; i < this.floors.length; i++) {
      this.floors[i]!.machine.next = this.floors[i + 1]?.machine;
      this.floors[i]!.machine.prev = this.floors[i - 1]?.machine;
    }
  }

  get now(): number {
    return this.timeline.now;
  }

  get end(): number {
    return this.endMs;
  }

  get stopped(): boolean {
    return this.violation !== undefined;
  }

  secretOf(id: number): Uint8Array {
    const d = deriveStationSecret(this.lineMaster, id, 1);
    if (!d.ok) throw new Error(d.detail); // a 32-byte master always derives
    return d.key;
  }

  /** The configuration document a station is provisioned with. */
  configOf(id: number, role: Floor['plan']['role']): Record<string, unknown> {
    const l = this.s.line;
    return {
      stationId: id,
      role,
      name: this.plan.stations[id - 1]?.name ?? `S${id}`,
      maxSlots: role === 'reflow' ? 0 : Math.max(l.slots, 1),
      journal: { kib: l.journalKib },
      store: { kib: 128 },
      timeouts: { plcHeartbeatMs: Math.round(l.heartbeatTimeoutSeconds * 1000), checkpointMs: 300_000 },
      plc: { heartbeatDropsPermit: l.heartbeatTimeoutSeconds > 0 },
      host: { tcpPort: HOST_PORT },
      modbus: { tcpPort: 502 },
    };
  }

  /** Work-order documents the MES sent each station, in order. */
  docsOf(id: number): readonly WorkOrderDoc[] {
    return this.docs.get(id) ?? [];
  }

  // ---- start ----------------------------------------------------------------------------------------------------

  /** Boots the line at line time 0 and schedules everything periodic and every scenario event. */
  start(): void {
    const t = this.timeline;
    const s = this.s;
    for (const f of this.floors) f.station.boot(0);
    for (const f of this.floors) this.kit(f);
    this.scheduleEvents();
    // The MES: first contact a second in, then its periodic work.
    t.every(5_000, 1_000, () => (this.mes.tick(), true));
    // A station's periodic work happens at one moment per tick: the sensor is read, the firmware ticks, and on its
    // turns the PLC polls and writes its heartbeat (the station then works out its picture of itself once).
    const tick = Math.round(s.line.tickSeconds * 1000);
    const pollEvery = Math.max(1, Math.round(s.line.plcPollSeconds / s.line.tickSeconds));
    const beatEvery = Math.max(1, Math.round(s.line.heartbeatSeconds / s.line.tickSeconds));
    this.floors.forEach((f, i) => {
      let n = i;
      t.every(tick, (i * 397) % tick, () => {
        this.tick(f);
        const poll = n % pollEvery === 0;
        const beat = n % beatEvery === 0;
        n++;
        if (poll || beat) this.plc(f, poll, beat);
        return true;
      });
      const op = this.operators[i]!;
      const look = (): void => {
        op.look();
        t.after(op.nextLookIn(), look);
      };
      t.at(20_000 + i * 1_000, look);
    });
    // Boards come to the first machine from the magazine loader.
    const first = this.floors[0]!.machine;
    t.every(Math.round((s.line.cycleSeconds * 1000) / 2), 0, () => {
      if (first.entry.length < ENTRY_BUFFER) {
        first.entry.push(`${this.plan.product}-${String(++this.boardSeq).padStart(6, '0')}`);
        this.stats.boardsStarted++;
        first.poke();
      }
      return true;
    });
    // The true air on every open moisture-sensitive reel, every five minutes.
    t.every(300_000, 0, () => (this.sampleAir(), true));
    // The journals against what the stations committed, every hour.
    t.every(HOUR, HOUR, () => (this.checkJournals(), true));
  }

  /** Runs the line up to line time `until` (or until an invariant fails). */
  runUntil(until: number): void {
    this.timeline.runUntil(Math.min(until, this.endMs), () => this.stopped);
  }

  /** The last checks: the journals and every board's trace. */
  finish(): { boards: number; complete: number; lostToCut: number; byStation: { station: number; boards: number; complete: number; lostToCut: number }[] } {
    for (const f of this.floors) f.station.sync(this.now);
    this.checkJournals();
    const byStation = this.floors.map((f) => {
      const image = journalImage(f);
      const host = this.mes.sink.records.get(f.id) ?? [];
      const r = this.checker.traces(f.id, this.now, fullJournal(host, image), this.docsOf(f.id), this.aliases);
      return { station: f.id, ...r };
    });
    if (this.violation === undefined && this.checker.violations.length > 0) this.violation = this.checker.violations[0];
    const sum = (k: 'boards' | 'complete' | 'lostToCut'): number => byStation.reduce((a, b) => a + b[k], 0);
    return { boards: sum('boards'), complete: sum('complete'), lostToCut: sum('lostToCut'), byStation };
  }

  // ---- the MES's side -------------------------------------------------------------------------------------------

  /** The people of the line: an operator per station, a technician per five stations, a supervisor per ten. */
  private people(): (id: number) => { operator: Person; technician: Person; supervisor: Person } {
    return (id) => ({
      operator: { id: `OP-${id}`, badge: `1${String(id).padStart(3, '0')}`, role: 'operator' },
      technician: { id: `TE-${Math.ceil(id / 5)}`, badge: `2${String(Math.ceil(id / 5)).padStart(3, '0')}`, role: 'technician' },
      supervisor: { id: `SV-${Math.ceil(id / 10)}`, badge: `3${String(Math.ceil(id / 10)).padStart(3, '0')}`, role: 'supervisor' },
    });
  }

  /** What the MES sends a station to start: its people's badges, the reels issued to it, its work order. */
  private kit(f: Floor): void {
    for (const p of [f.operator, f.technician, f.supervisor]) {
      this.mes.send(f.id, { type: 'BadgeRecord', body: { badge: p.badge, operatorIdentifier: p.id, role: p.role, active: true } });
    }
    const expiry = this.s.events.find((e): e is Extract<ScenarioEvent, { kind: 'msd-expiry' }> => e.kind === 'msd-expiry' && e.station === f.id && e.atMs === 0);
    let partUsed = expiry?.remainingHours;
    for (const slot of f.plan.slots) {
      // Two reels per feeder in the kit cart: the first to load, one to splice.
      for (let k = 0; k < 2; k++) {
        const o: IssueOptions = slot.msd && partUsed !== undefined && k === 0 ? { remainingHours: partUsed } : {};
        if (o.remainingHours !== undefined) partUsed = undefined;
        this.issue(f, slot.index, slot.choice.primary, o);
      }
    }
    const doc = this.newDoc(f, '1');
    this.mes.sendOrder(f.id, doc);
  }

  private newDoc(f: Floor, revision: string): WorkOrderDoc {
    const doc = orderDoc(this.plan, f.plan, {
      bomRevision: 'A',
      recipeRevision: revision,
      checksum: this.random.fork(`program-${f.id}-${revision}`).int(1, 0xfffffffe),
      timeToReflowS: this.s.line.timeToReflowSeconds,
      prototype: this.s.line.prototype,
      plannedQuantity: 0,
    });
    f.doc = doc;
    const list = this.docs.get(f.id) ?? [];
    list.push(doc);
    this.docs.set(f.id, list);
    return doc;
  }

  /** A reel for slot `slot` from stores: in the kit cart, and its record on its way to the station. */
  issue(f: Floor, slot: number, part: Part, o: IssueOptions = {}): SimReel {
    const s = f.plan.slots[slot]!;
    const reel = this.reels.issue(part, f.id, `IPN-${s.bomLine.padStart(5, '0')}-${s.choice.primary.family}`, this.now, o);
    f.spares[slot]!.push(reel);
    this.stats.reelsIssued.total++;
    if (reel.msd !== undefined) this.stats.reelsIssued.msd++;
    if (o.remainingHours !== undefined) this.stats.reelsIssued.partUsed++;
    this.mes.send(f.id, { type: 'ReelRecord', body: this.reels.record(reel) });
    return reel;
  }

  /** What the MES makes of the records it collects: first-off inspections, override requests. */
  private mesRecord(id: number, _seq: number, m: Message): void {
    const f = this.floors[id - 1];
    if (f === undefined) return;
    const t = this.timeline;
    switch (m.type) {
      case 'FirstOffRequest': {
        const unit = m.body.unitIdentifier;
        const fail = f.failNextFirstOff;
        f.failNextFirstOff = false;
        t.after(this.random.fork(`inspect-${id}-${unit}`).jitter(this.s.mes.inspectionMinutes * 60_000, 0.3), () => {
          this.mes.send(
            id,
            {
              type: 'FirstOffResult',
              body: {
                at: Math.floor(this.mes.wallClock() / 1000),
                unitIdentifier: unit,
                passed: !fail,
                inspector: 'QA-1',
                reason: fail ? 'FIRST_OFF_FAILED' : 'OK',
                comment: fail ? 'NCR-1042: C12 tombstoned' : 'first article inspection passed',
              },
            },
            (ok) => {
              if (!ok) return;
              if (fail) {
                this.stats.firstOffs.failedByHost++;
                f.firstOffFailedAt = this.now;
                // Corrected after the NCR: the supervisor allows one more first-off board from the MES.
                t.after(20 * 60_000, () =>
                  this.mes.send(id, { type: 'FirstOffRestart', body: { at: Math.floor(this.mes.wallClock() / 1000), operatorIdentifier: f.supervisor.id, comment: 'NCR-1042 reworked, feeder pick-up adjusted' } }, (ok2) => {
                    if (ok2) f.firstOffFailedAt = undefined;
                  }),
                );
              } else {
                this.stats.firstOffs.passedByHost++;
                f.firstOffAt = undefined;
              }
            },
          );
        });
        return;
      }
      case 'OverrideRequest': {
        if (m.body.reason !== 'ALTERNATE_NOT_PERMITTED') return;
        const slot = f.plan.slots.findIndex((s) => s.position === m.body.locationIdentifier);
        const req = m.body;
        t.after(this.s.mes.approvalMinutes * 60_000, () => {
          const expiresAt = Math.floor(this.mes.wallClock() / 1000) + req.duration;
          this.mes.send(id, { type: 'OverrideGrant', body: { requestId: req.requestId, granted: true, grantedBy: f.supervisor.id, expiresAt, reason: 'OK' } }, (ok) => {
            if (ok && slot >= 0) {
              this.stats.overrides.granted++;
              f.approvals.set(slot, this.now + req.duration * 1000);
            }
          });
        });
        return;
      }
      default:
        return;
    }
  }

  // ---- what the stations say ------------------------------------------------------------------------------------

  private stationEvent(st: SimStation, e: StationEvent): void {
    const f = this.floors[st.id - 1]!;
    switch (e.kind) {
      case 'record':
        this.checker.committedRecord(st.id, e.seq, e.message, this.now);
        this.onRecord(f, e.message);
        return;
      case 'permit':
        this.permitSeen(f, e.view.on, e.view.reasons);
        f.machine.permitChanged();
        return;
      case 'reply':
        if (e.input.kind === 'scan') {
          this.stats.scans.total++;
          if (!e.reply.ok) this.stats.scans.refused[e.reply.reason] = (this.stats.scans.refused[e.reply.reason] ?? 0) + 1;
        }
        return;
      case 'fault':
        this.stats.stationFaults++;
        return;
    }
  }

  private onRecord(f: Floor, m: Message): void {
    switch (m.type) {
      case 'Alarm':
        if (m.body.raised && (REASONS[m.body.reason].category === 'msd' || m.body.reason === 'SENSOR_FAULT')) {
          this.stats.msdAlarms[m.body.reason] = (this.stats.msdAlarms[m.body.reason] ?? 0) + 1;
          this.stats.msdByStation[f.id] = (this.stats.msdByStation[f.id] ?? 0) + 1;
        }
        return;
      case 'FirstOffRequest':
        this.stats.firstOffs.requested++;
        f.firstOffAt = this.now;
        return;
      case 'FirstOffResult':
        // Recorded by the station for a verdict given at the station or by the host.
        return;
      case 'OverrideRequest':
        this.stats.overrides.requested++;
        return;
      default:
        return;
    }
  }

  /** Stops: the permit going off after production started, with the reasons the station gave at that moment. */
  private permitSeen(f: Floor, on: boolean, reasons: readonly ReasonName[]): void {
    const id = f.id;
    const was = this.permitOn.get(id) ?? false;
    const open = this.openStop.get(id);
    if (open !== undefined && !on) {
      if (open.reasons.length === 0) open.reasons = [...reasons];
      for (const r of reasons) if (!open.seen.includes(r)) open.seen.push(r);
    }
    if (on && !was) {
      this.producing.add(id);
      if (open !== undefined) {
        open.end = this.now;
        this.openStop.delete(id);
      }
    } else if (!on && was && this.producing.has(id)) {
      const stop: Stop = { station: id, at: this.now, reasons: [...reasons], seen: [...reasons], end: undefined, powerLoss: false };
      this.stops.push(stop);
      this.openStop.set(id, stop);
    }
    this.permitOn.set(id, on);
  }

  private powerLost(st: SimStation): void {
    const f = this.floors[st.id - 1]!;
    const open = this.openStop.get(st.id);
    if (open !== undefined && open.at === this.now && !open.powerLoss) {
      // The permit dropped in the very input the power failed in (a write that failed): it is the power loss's stop.
      const i = this.stops.indexOf(open);
      const stop: Stop = { station: st.id, at: open.at, reasons: [], seen: [], end: undefined, powerLoss: true };
      this.stops[i] = stop;
      this.openStop.set(st.id, stop);
    } else if (this.permitOn.get(st.id) === true && this.producing.has(st.id)) {
      const stop: Stop = { station: st.id, at: this.now, reasons: [], seen: [], end: undefined, powerLoss: true };
      this.stops.push(stop);
      this.openStop.set(st.id, stop);
    }
    this.permitOn.set(st.id, false);
    f.machine.permitChanged();
    const r = this.restoreAs.get(st.id) ?? { offMs: 60_000, rtc: 'survives' as const };
    this.restoreAs.delete(st.id);
    this.timeline.after(r.offMs, () => st.restore(this.now, r.rtc));
  }

  private booted(st: SimStation): void {
    if (st.boots <= 1) return;
    const f = this.floors[st.id - 1]!;
    // The machine's interface sees the station back and reports its program again.
    this.timeline.after(10_000, () => f.machine.reportProgram());
  }

  // ---- the periodic work ----------------------------------------------------------------------------------------

  private tick(f: Floor): void {
    const st = f.station;
    if (!st.up) return;
    st.sensor.reading = this.sensorReading(f);
    st.tick(this.now);
  }

  private sensorReading(f: Floor): SimStationSensor {
    const fault = f.sensorFault;
    if (fault !== undefined && this.now < fault.until) {
      return fault.mode === 'silent' ? { ok: false, detail: 'no answer on I2C' } : { ok: true, tempC: -40, rhPct: 0 };
    }
    if (fault !== undefined) f.sensorFault = undefined;
    const air = this.env.floor(f.id, this.now);
    const n = this.s.environment.sensorNoise;
    // Noise as a function of time, so that it does not depend on how often the sensor is read.
    const wobble = Math.sin(this.now / 97_000 + f.id) * n;
    return { ok: true, tempC: Math.round((air.tempC + wobble) * 10) / 10, rhPct: Math.round((air.rhPct + 2 * wobble) * 10) / 10 };
  }

  /** The PLC's turn: its heartbeat and its poll go out together and are answered before anything else happens. */
  private plc(f: Floor, poll: boolean, beat: boolean): void {
    f.station.sync(this.now);
    if (beat) f.plc.heartbeat(this.now);
    if (poll) f.plc.poll(this.now);
    this.modbusNet.run();
  }

  private sampleAir(): void {
    const at = this.reels.epoch(this.now);
    for (const f of this.floors) {
      const air = this.env.floor(f.id, this.now);
      const open = [...f.feeders, ...f.spares.flat()];
      for (const r of open) {
        if (r?.msd === undefined || r.msd.sealed || (r.place !== 'slot' && r.place !== 'kit')) continue;
        this.reels.msdEvent(r, { type: 'ambient', at, tempC: air.tempC, rhPct: air.rhPct });
      }
    }
  }

  private checkJournals(): void {
    for (const f of this.floors) {
      f.station.sync(this.now);
      const image = journalImage(f);
      const host = this.mes.sink.records.get(f.id) ?? [];
      this.checker.journals(f.id, this.now, image, host);
      this.checker.stamps(f.id, this.now, host, image);
    }
    this.noteViolation();
  }

  private noteViolation(): void {
    if (this.violation === undefined && this.checker.violations.length > 0) this.violation = this.checker.violations[0];
  }

  // ---- the machines' truth --------------------------------------------------------------------------------------

  private materialsReady(m: Machine): boolean {
    const f = this.floors[m.station.id - 1]!;
    return f.plan.slots.every((s) => (f.feeders[s.index]?.qty ?? 0) >= Math.max(1, s.perBoard));
  }

  /** Before the station hears of a board: is it being built as it must be? Then the parts are used. */
  private beforeReport(m: Machine, unitId: string): void {
    const f = this.floors[m.station.id - 1]!;
    const now = this.now;
    if (!m.station.permitted) this.checker.fail('permit-respected', f.id, now, `board ${unitId} was built while the run-permit relay was off`);
    const want = f.approvedProgram();
    const p = m.program;
    if (want !== undefined && (p === undefined || p.name !== want.name || p.revision !== want.revision || p.checksum !== want.checksum)) {
      // The approved program is the one in the order the station has activated (the MES may be sending a newer one).
      const active = m.station.station?.state.setup.order?.order.header;
      const okActive = active !== undefined && p !== undefined && active.recipeName === p.name && active.recipeRevision === p.revision && active.recipeChecksum === p.checksum && this.docsOf(f.id).some((d) => d.workOrder.header.recipeRevision === p.revision && d.workOrder.header.recipeChecksum === p.checksum);
      if (!okActive) this.checker.fail('right-parts', f.id, now, `board ${unitId} was built with program ${p === undefined ? 'none' : `${p.name} rev ${p.revision}`}, approved ${want.name} rev ${want.revision}`);
    }
    const reels = new Map<string, string>();
    for (const s of f.plan.slots) {
      const reel = f.feeders[s.index];
      if (reel === undefined) {
        this.checker.fail('right-parts', f.id, now, `board ${unitId} was built with no reel on ${s.position}`);
        continue;
      }
      reels.set(s.position, reel.key);
      const part = reel.part.mpn;
      const c = s.choice;
      const until = f.approvals.get(s.index);
      const approved = c.primary.mpn === part || c.alternates.some((x) => x.mpn === part) || (c.withApproval.some((x) => x.mpn === part) && until !== undefined && now < until);
      if (!approved) this.checker.fail('right-parts', f.id, now, `board ${unitId} was built with ${part} on ${s.position}, which the work order does not approve there`);
      if (reel.msd !== undefined) {
        const v = this.reels.floorLife(reel, now);
        if (v === undefined || v.state === 'expired' || v.state === 'needs-bake' || v.consumedFraction >= 1) {
          this.checker.fail('msd-floor-life', f.id, now, `board ${unitId} was built with MSD reel ${reel.key} (${part}, MSL ${reel.part.msl}) on ${s.position} at ${v === undefined ? 'an unknown state' : `${v.state}, ${(v.consumedFraction * 100).toFixed(1)} % of its floor life used`}`);
        }
      }
      reel.qty -= Math.max(1, s.perBoard);
    }
    this.checker.boardBuilt(f.id, { unitId, at: now, reels });
    this.noteViolation();
  }

  // ---- scenario events and random faults ------------------------------------------------------------------------

  private scheduleEvents(): void {
    const t = this.timeline;
    for (const e of this.s.events) t.at(e.atMs, () => this.happen(e));
    const r = this.random.fork('faults');
    const f = this.s.faults;
    const poisson = (perDay: number, make: (at: number) => ScenarioEvent): void => {
      if (perDay <= 0) return;
      for (let at = r.exp((24 * HOUR) / perDay); at < this.endMs; at += r.exp((24 * HOUR) / perDay)) {
        const e = make(Math.round(at));
        t.at(e.atMs, () => this.happen(e));
      }
    };
    for (const fl of this.floors) {
      poisson(f.powerCutsPerStationDay, (at) => ({ kind: 'power-cut', atMs: at, station: fl.id, offMs: r.int(20, 600) * 1000, rtc: r.chance(0.2) ? 'lost' : 'survives', duringWrite: r.chance(0.7) }));
      poisson(f.garbageBurstsPerStationDay, (at) => ({ kind: 'garbage-scans', atMs: at, forMs: r.int(10, 60) * 60_000, rate: 0.3, station: fl.id }));
    }
    poisson(f.hostOutagesPerDay, (at) => ({ kind: 'host-outage', atMs: at, forMs: Math.round(r.jitter(f.hostOutageMinutes * 60_000, 0.5)) }));
  }

  private happen(e: ScenarioEvent): void {
    const t = this.timeline;
    this.stats.faultsInjected[e.kind] = (this.stats.faultsInjected[e.kind] ?? 0) + 1;
    const floor = 'station' in e && e.station !== undefined ? this.floors[e.station - 1] : undefined;
    switch (e.kind) {
      case 'wrong-reel':
      case 'unapproved-alternate':
      case 'unreadable-label':
        floor?.mishaps.push(e.kind);
        return;
      case 'msd-expiry':
        if (e.atMs > 0 && floor !== undefined) {
          const slot = floor.plan.slots.find((s) => s.msd);
          if (slot !== undefined) {
            const reel = this.issue(floor, slot.index, slot.choice.primary, { remainingHours: e.remainingHours });
            // The part-used reel is the next one loaded there.
            const list = floor.spares[slot.index]!;
            list.splice(list.indexOf(reel), 1);
            list.unshift(reel);
          }
        }
        return;
      case 'program-change':
        if (floor !== undefined) {
          const rev = String(Number(floor.doc?.workOrder.header.recipeRevision ?? '1') + 1);
          this.mes.sendOrder(floor.id, this.newDoc(floor, rev));
        }
        return;
      case 'wrong-program':
        if (floor !== undefined) {
          const p = floor.approvedProgram();
          if (p !== undefined) {
            floor.machine.program = { ...p, revision: `${p.revision}-T`, checksum: (p.checksum ^ 0x5a5a) >>> 0 };
            floor.wrongProgramUntil = this.now + e.forMs;
            floor.machine.reportProgram();
          }
        }
        return;
      case 'first-off-fail':
        if (floor !== undefined) floor.failNextFirstOff = true;
        return;
      case 'power-cut':
        if (floor === undefined || !floor.station.up) return;
        this.restoreAs.set(floor.id, { offMs: e.offMs, rtc: e.rtc });
        if (e.duringWrite) {
          // Power fails during one of the next flash steps, whatever the station writes then.
          floor.station.armCut(this.random.fork(`cut-${floor.id}-${e.atMs}`).int(0, 400));
          t.after(120_000, () => {
            if (floor.station.up && floor.station.cutAt === undefined) floor.station.cutNow(this.now);
          });
        } else floor.station.cutNow(this.now);
        return;
      case 'host-outage':
        this.mes.goDown();
        t.after(e.forMs, () => this.mes.comeBack());
        return;
      case 'link-noise':
      case 'link-drop': {
        const ids = floor === undefined ? this.floors.map((x) => x.id) : [floor.id];
        for (const id of ids) this.hostNet.setFaults(`st${id}`, e.kind === 'link-noise' ? { noise: e.rate, drop: 0 } : { noise: 0, drop: e.rate });
        t.after(e.forMs, () => {
          for (const id of ids) this.hostNet.setFaults(`st${id}`, undefined);
        });
        return;
      }
      case 'garbage-scans': {
        const fl = floor === undefined ? this.floors : [floor];
        for (const x of fl) {
          x.garbageUntil = this.now + e.forMs;
          x.garbageRate = e.rate;
        }
        return;
      }
      case 'sensor-loss':
        if (floor !== undefined) floor.sensorFault = { until: this.now + e.forMs, mode: e.mode };
        return;
      case 'plc-silent':
        if (floor !== undefined) floor.plc.silentUntil = this.now + e.forMs;
        return;
      case 'dry-cabinet':
        if (floor !== undefined) this.dryCabinet(floor, e.forMs);
        return;
    }
  }

  /** A planned stop: the host locks the station, its MSD reels go to the dry cabinet and come back after `forMs`. */
  private dryCabinet(f: Floor, forMs: number): void {
    const t = this.timeline;
    const hold = (on: boolean) => ({
      type: 'StationHold' as const,
      body: { at: Math.floor(this.mes.wallClock() / 1000), hold: on, lockReason: 'preventive-maintenance' as const, requestor: f.supervisor.id, comment: on ? 'nozzle change; MSD reels to the dry cabinet' : 'maintenance done' },
    });
    this.mes.send(f.id, hold(true));
    const msd = f.plan.slots.filter((s) => s.msd);
    f.busyUntil = this.now + forMs + 60_000;
    const off: SimReel[] = [];
    t.after(60_000, () => {
      for (const s of msd) {
        const reel = f.feeders[s.index];
        if (reel === undefined) continue;
        f.scan(this.now, 'CMD:UNLOAD');
        f.scan(this.now, s.position);
        f.feeders[s.index] = undefined;
        off.push(reel);
        this.toCabinet(f, reel);
      }
    });
    t.after(forMs, () => {
      for (const reel of off) {
        const s = msd.find((x) => x.index === f.plan.slots.find((y) => y.choice.primary.mpn === reel.part.mpn && y.msd)?.index);
        if (s === undefined) continue;
        this.fromCabinet(f, reel);
        f.spares[s.index]!.unshift(reel);
        reel.place = 'kit';
      }
      this.mes.send(f.id, hold(false));
      f.busyUntil = this.now;
    });
  }

  private toCabinet(f: Floor, reel: SimReel): void {
    const air = this.env.cabinet(this.now);
    reel.place = 'cabinet';
    this.stats.msd.cabinet++;
    this.reels.msdEvent(reel, { type: 'dry-in', at: this.reels.epoch(this.now), rhPct: air.rhPct, tempC: air.tempC });
    this.mes.send(f.id, { type: 'MsdEvent', body: { at: Math.floor(this.mes.wallClock() / 1000), uniqueIdentifier: reel.key, event: 'dry-in', rhPct: air.rhPct, tempC: air.tempC, operatorIdentifier: f.operator.id } });
  }

  private fromCabinet(f: Floor, reel: SimReel): void {
    this.reels.msdEvent(reel, { type: 'dry-out', at: this.reels.epoch(this.now) });
    this.mes.send(f.id, { type: 'MsdEvent', body: { at: Math.floor(this.mes.wallClock() / 1000), uniqueIdentifier: reel.key, event: 'dry-out', operatorIdentifier: f.operator.id } });
  }

  /** What the operators need of the line. */
  private plant(): Plant {
    return {
      timeline: this.timeline,
      reels: this.reels,
      issue: (f, slot, part, o) => this.issue(f, slot, part, o),
      hostReaches: (f) => this.mes.established(f.id),
      msdOff: (f, reel, why) => {
        this.stats.msd.replaced++;
        const v = this.reels.floorLife(reel, this.now);
        if (why === 'refused' && v !== undefined && (v.state === 'expired' || v.state === 'needs-bake' || v.consumedFraction >= 0.9)) {
          // Past or near its floor life: to the oven (bake), not to be used in this run.
          reel.place = 'oven';
          this.stats.msd.baked++;
          this.reels.msdEvent(reel, { type: 'bake-start', at: this.reels.epoch(this.now), tempC: 125, carrier: 'tray' });
          this.mes.send(f.id, { type: 'MsdEvent', body: { at: Math.floor(this.mes.wallClock() / 1000), uniqueIdentifier: reel.key, event: 'bake-start', tempC: 125, carrier: 'tray', operatorIdentifier: f.technician.id } });
          return;
        }
        this.toCabinet(f, reel);
      },
      opened: (f, reel) => {
        this.stats.msd.opened++;
        const at = this.reels.epoch(this.now);
        const air = this.env.floor(f.id, this.now);
        this.reels.msdEvent(reel, { type: 'open', at, hic10: 'blue', hic60: 'blue' });
        this.reels.msdEvent(reel, { type: 'ambient', at, tempC: air.tempC, rhPct: air.rhPct });
      },
      alias: (key, reel) => this.aliases.set(key, reel.key),
      noteTask: (_f, what, r: TaskResult) => {
        const k = what.replace(/ B1\.F\.\d+/, '').replace(/ on$/, '');
        this.stats.tasks[k] = (this.stats.tasks[k] ?? 0) + 1;
        if (k === 'first-off verdict at the station' && r.ok) this.stats.firstOffs.passedAtStation++;
      },
    };
  }
}

type SimStationSensor = SimStation['sensor']['reading'];

/**
 * How far a valid station clock may be from the line's true time (the station-clock invariant): the simulated RTC
 * keeps exact time (no drift), so only what a time sync leaves: it is sealed with the MES's time and arrives one
 * link latency later.
 */
export function clockTolerance(s: Scenario): number {
  return s.line.hostLatencyMs + 1;
}

/** A station's journal as its flash holds it now, raw (a station without power is read from a copy of its flash). */
export function journalImage(f: Floor): JournalImage {
  let j = f.station.station?.journalRef;
  if (j === undefined) {
    const m = Journal.mount(f.station.journal.clone(1), { sectorCount: f.station.journal.geometry.sectorCount });
    if (!m.ok) return { oldest: 1, next: 1, items: [] };
    j = m.journal;
  }
  const items: JournalImage['items'][number][] = [];
  const c = j.cursor(j.oldestSequence());
  if ('next' in c) {
    for (let it = c.next(); 'kind' in it && it.kind !== 'end'; it = c.next()) {
      if (it.kind === 'record') items.push({ kind: 'record', seq: it.seq, at: it.at, type: it.type, payload: it.payload.slice() });
      else items.push({ kind: 'lost', from: it.from, to: it.to });
    }
  }
  return { oldest: j.oldestSequence(), next: j.nextSequence, items };
}
