// The station the Modbus tests talk to, behind a factory so the real station runtime can take the fake's place:
// a test asks the station itself (view(), identity(), journal()) what it should have seen, never a copy of
// expected bytes. The fake keeps a mutable StationView and does to it what a station would do with each write.
import type { ModbusBackend, WriteOrigin } from '../../modbus/backend';
import { REASONS, type ReasonName } from '../../../protocol/src/reasons';
import { STATION_STATES } from '../../../protocol/src/vocabulary';
import type { DeviceIdentity, PlcWrite, SlotView, StationView } from '../../../protocol/src/station-view';
import { badges, rig, wo } from '../runtime/rig';
import { POSITIONS, REELS } from '../runtime/scans';

export interface StationUnderTest {
  readonly backend: ModbusBackend;
  /** The station's own state now. */
  view(): StationView;
  identity(): DeviceIdentity;
  /** Every write the station accepted (and journaled), in order. */
  journal(): readonly { readonly write: PlcWrite; readonly from: WriteOrigin }[];
}

/** What the tests need to be able to provoke; a real station may support a subset (tests that need more skip it). */
export interface FakeControls {
  /** The station refuses every write with this reason (e.g. JOURNAL_FULL) until cleared. */
  refuseWrites(reason: ReasonName | undefined): void;
  /** view() and identity() throw, as a station fault would. */
  fail(on: boolean): void;
}

/** Makes a station with a work order loaded and at least three slots, one of them MSD; the permit off. */
export type StationFactory = () => StationUnderTest & Partial<FakeControls>;

export const IDENTITY: DeviceIdentity = {
  vendorName: 'SMT Warden',
  productCode: 'WARDEN-SC1',
  majorMinorRevision: '0.1.0',
  vendorUrl: 'https://example.invalid/warden',
  productName: 'SMT Warden station controller',
  modelName: 'SC1 placement',
  userApplicationName: 'station 7 (placement)',
};

function slot(position: string, state: SlotView['state'], reason: ReasonName, msd: number | null, quantity: number): SlotView {
  return { position, state, reason, msdRemainingMin: msd, quantity };
}

export function sampleView(): StationView {
  return {
    state: 'setup',
    runPermit: false,
    reasons: ['SLOT_NOT_VERIFIED', 'FIRST_OFF_PENDING', 'MSD_REMAINING_LOW'],
    slotsRequired: 4,
    slotsVerified: 3,
    msdReels: 1,
    leastMsdRemainingMin: 95,
    journalPending: 12,
    uptimeS: 86_400 * 3 + 17,
    boardsRecorded: 70_001,
    hostOnline: true,
    clockValid: true,
    anyAlarm: true,
    firstOffPending: true,
    workOrder: { identifier: 'WO-2026-11873', bomRevision: 'C', recipeName: 'PCBA-4711-TOP', recipeRevision: '12' },
    slots: [
      slot('B1.F.1', 'verified', 'OK', null, 4000),
      slot('B1.F.2', 'verified', 'OK', null, 123_456),
      slot('B1.F.3', 'verified', 'OK', 95, 250),
      slot('B1.F.4', 'empty', 'SLOT_NOT_VERIFIED', null, 0),
    ],
  };
}

/** The fake: writes act on the view the way the issue says a station reacts; none can turn the permit on. */
export function fakeStation(initial: StationView = sampleView(), identity: DeviceIdentity = IDENTITY): StationUnderTest & FakeControls {
  let v: StationView = initial;
  let refusal: ReasonName | undefined;
  let failing = false;
  const journal: { write: PlcWrite; from: WriteOrigin }[] = [];

  const reverify = (index: number): void => {
    const slots = v.slots.map((s, i) => (i === index && s.state === 'verified' ? { ...s, state: 'empty' as const, reason: 'SLOT_NOT_VERIFIED' as const } : s));
    const verified = slots.filter((s) => s.state === 'verified').length;
    const reasons = v.reasons.includes('SLOT_NOT_VERIFIED') || verified === slots.length ? v.reasons : ['SLOT_NOT_VERIFIED' as const, ...v.reasons];
    v = { ...v, slots, slotsVerified: verified, reasons, runPermit: v.runPermit && reasons.length === 0 };
  };

  const backend: ModbusBackend = {
    view() {
      if (failing) throw new Error('station fault');
      return v;
    },
    identity() {
      if (failing) throw new Error('station fault');
      return identity;
    },
    write(w, from) {
      if (refusal !== undefined) return refusal;
      if (w.kind === 'reverify') {
        if (w.slot !== undefined && w.slot >= v.slots.length) return 'SLOT_UNKNOWN';
        if (w.slot === undefined) v.slots.forEach((_, i) => reverify(i));
        else reverify(w.slot);
      } else if (w.kind === 'heartbeat') {
        v = { ...v, plcHeartbeat: { value: w.value, lost: false } };
      }
      journal.push({ write: w, from });
      return 'OK';
    },
  };
  return {
    backend,
    view: () => v,
    identity: () => identity,
    journal: () => journal,
    refuseWrites: (r) => {
      refusal = r;
    },
    fail: (on) => {
      failing = on;
    },
  };
}

/**
 * The real station runtime on simulated devices: a work order loaded, five of its six slots verified (the MSD reel
 * among them), the permit off. What it journaled is read back from its own journal.
 */
export function realStation(): StationUnderTest {
  const r = rig({ config: { timeouts: { plcHeartbeatMs: 10_000, checkpointMs: 60_000 } } });
  badges(r);
  r.station.input(wo());
  r.station.input({ kind: 'scan', data: 'OP:1001' });
  r.station.input({ kind: 'scan', data: 'CMD:OPEN-DRY' });
  r.station.input({ kind: 'scan', data: REELS['B1.F.4'] });
  for (const p of POSITIONS.slice(0, 5)) {
    r.station.input({ kind: 'scan', data: p });
    r.station.input({ kind: 'scan', data: REELS[p] });
  }
  const st = r.station;
  return {
    backend: st.modbusBackend(),
    view: () => st.view(),
    identity: () => st.identity(),
    journal: () => {
      const out: { write: PlcWrite; from: WriteOrigin }[] = [];
      for (const e of st.entries()) {
        if (e.message.type !== 'PlcWriteAccepted') continue;
        const b = e.message.body;
        const write: PlcWrite = b.write === 'heartbeat' ? { kind: 'heartbeat', value: b.value } : b.write === 'reverify' ? (b.slot === undefined ? { kind: 'reverify' } : { kind: 'reverify', slot: b.slot }) : { kind: 'ack-alarms' };
        out.push({ write, from: { transport: b.transport, unitId: b.unitId, peer: b.peer } });
      }
      return out;
    },
  };
}

/** The factory the suites use: the real station runtime. */
export const makeStation: StationFactory = () => realStation();

/** Input registers 0–15 as the issue defines them, worked out from a view by hand (not through the map code). */
export function expectedHeader(v: StationView): number[] {
  return [
    1,
    STATION_STATES.indexOf(v.state),
    Number(v.runPermit),
    v.reasons.length > 0 ? REASONS[v.reasons[0]!].code : 0,
    v.reasons.length,
    v.slotsRequired,
    v.slotsVerified,
    v.msdReels,
    v.leastMsdRemainingMin === null ? 0xffff : Math.min(v.leastMsdRemainingMin, 0xfffe),
    v.journalPending,
    Math.floor(v.uptimeS / 65536),
    v.uptimeS % 65536,
    Math.floor(v.boardsRecorded / 65536),
    v.boardsRecorded % 65536,
    Number(v.hostOnline),
    Number(v.clockValid),
  ];
}

/** The regular device-identification objects 0–6 of an identity, by object id. */
export function expectedObjects(id: DeviceIdentity): Record<number, string> {
  return {
    0: id.vendorName,
    1: id.productCode,
    2: id.majorMinorRevision,
    3: id.vendorUrl,
    4: id.productName,
    5: id.modelName,
    6: id.userApplicationName,
  };
}
