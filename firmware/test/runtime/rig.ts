// A station on simulated devices, for runtime tests: flash (with power cuts), a virtual clock, outputs and a
// sensor. Everything goes through the station's public interface.
import type { Message } from '../../../protocol/src/messages';
import type { WorkOrder } from '../../../protocol/src/workorder';
import type { HostMessage, Reply, StationInput } from '../../core/station/types';
import { NO_TERMS } from '../../core/station/types';
import { SimClock } from '../../platform/sim/clock';
import { seededRandom, SimOutput, simStackLight, SimSensor } from '../../platform/sim/devices';
import { FLASH_MODELS, flashOfModel, type FlashModel, type SimFlash } from '../../platform/sim/flash';
import { PowerDomain } from '../../platform/sim/power';
import { Station, type StationEvent } from '../../runtime/station';
import { demoOrder } from '../setup/helpers';
import { POSITIONS, REELS } from './scans';

export const T0 = Date.UTC(2026, 11, 1, 6, 0, 0);

export interface Rig {
  station: Station;
  readonly clock: SimClock;
  readonly journal: SimFlash;
  readonly store: SimFlash;
  readonly relay: SimOutput;
  readonly light: ReturnType<typeof simStackLight>;
  readonly sensor: SimSensor;
  readonly power: PowerDomain;
  readonly events: StationEvent[];
  /** Cuts power now (or at flash step k of the next input), then boots again. */
  reboot(opts?: { offMs?: number; rtc?: 'survives' | 'untrusted' | 'lost' }): Station;
}

export const CONFIG = { stationId: 7, name: 'line 1 placement', maxSlots: 120, journal: { kib: 256 }, timeouts: { checkpointMs: 60_000 } };

export interface RigOptions {
  config?: Record<string, unknown>;
  rtc?: 'trusted' | 'untrusted' | 'none';
  journalKib?: number;
  seed?: number;
  /** How a cut leaves the flash (default: ordered word tearing); a rig made `from` another keeps that one's. */
  flash?: FlashModel;
  /** The provisioned secret; null provisions none. */
  secret?: Uint8Array | null;
  /** Start from these flash contents (a copy is used) and this clock. */
  from?: { journal: SimFlash; store: SimFlash; clock: SimClock };
}

export function rig(opts: RigOptions = {}): Rig {
  const clock = opts.from?.clock ?? new SimClock(opts.rtc === 'none' ? {} : { rtc: { epochMs: T0, trusted: opts.rtc !== 'untrusted' } });
  const kib = opts.journalKib ?? 256;
  const model = opts.flash ?? FLASH_MODELS[0]!;
  const journal = opts.from?.journal.clone(opts.seed ?? 1) ?? flashOfModel(model, { sectorSize: 4096, sectorCount: kib / 4, wordSize: 4, seed: opts.seed ?? 1 });
  const store = opts.from?.store.clone((opts.seed ?? 1) + 1) ?? flashOfModel(model, { sectorSize: 4096, sectorCount: 64, wordSize: 4, seed: (opts.seed ?? 1) + 1 });
  const power = new PowerDomain();
  const journalFlash = power.attach(journal);
  const storeFlash = power.attach(store);
  const relay = new SimOutput();
  const light = simStackLight();
  const sensor = new SimSensor();
  const events: StationEvent[] = [];
  const config = { ...CONFIG, journal: { kib }, ...(opts.config ?? {}) };
  const make = () =>
    Station.start({
      hal: { journalFlash, storeFlash, clock, runPermit: relay, stackLight: light, sensor, random: seededRandom(opts.seed ?? 1) },
      provision: opts.secret === null ? { config } : { config, secret: opts.secret ?? new Uint8Array(32).fill(7) },
      onEvent: (e) => events.push(e),
    });
  const r: Rig = {
    station: make(),
    clock,
    journal,
    store,
    relay,
    light,
    sensor,
    power,
    events,
    reboot(o = {}) {
      clock.powerCycle(o.offMs ?? 1000, o.rtc ?? 'survives');
      power.reboot();
      r.station = make();
      return r.station;
    },
  };
  return r;
}

export const host = (m: Message): StationInput => ({ kind: 'host', message: m as HostMessage });

export function wo(order: WorkOrder = demoOrder(), terms = NO_TERMS): StationInput {
  return { kind: 'work-order', order, terms, digest: 0x1234 };
}

/** Badges the host pushes: an operator, a technician and a supervisor. */
export function badges(r: Rig): void {
  for (const [badge, id, role] of [
    ['1001', 'OP-1', 'operator'],
    ['2001', 'TE-1', 'technician'],
    ['3001', 'SV-1', 'supervisor'],
  ] as const) {
    must(r.station.input(host({ type: 'BadgeRecord', body: { badge, operatorIdentifier: id, role, active: true } })));
  }
}

export function must(reply: Reply): Reply {
  if (!reply.ok) throw new Error(`${reply.reason}: ${reply.detail}`);
  return reply;
}

export function sync(r: Rig, at = T0 + r.clock.monotonicMs()): Reply {
  return r.station.input(host({ type: 'TimeSync', body: { utcTime: Math.floor(at / 1000), millis: at % 1000 } }));
}

/** Records journaled, by message type, in order. */
export function recorded(r: Rig): string[] {
  return r.events.flatMap((e) => (e.kind === 'record' ? [e.message.type] : []));
}

export const PROGRAM = { kind: 'program', name: 'PCBA-4711-TOP', revision: '12', checksum: 0x5eed1234 } as const;

/** Work order (the demo's, or `order`), badge, every reel (the MSD reel's bag opened with a dry card), the program. */
export function setUp(r: Rig, order: StationInput = wo()): void {
  must(sync(r));
  badges(r);
  must(r.station.input(order));
  must(r.station.input({ kind: 'scan', data: 'OP:1001' }));
  must(r.station.input({ kind: 'scan', data: 'CMD:OPEN-DRY' }));
  must(r.station.input({ kind: 'scan', data: REELS['B1.F.4'] }));
  for (const p of POSITIONS) {
    must(r.station.input({ kind: 'scan', data: p }));
    must(r.station.input({ kind: 'scan', data: REELS[p] }));
  }
  must(r.station.input(PROGRAM));
}

