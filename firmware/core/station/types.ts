// The station's vocabulary: what goes in (inputs from the outside world, with the time), what is held (state,
// split into parts the runtime persists separately), and what comes out (journal records and a reply).
// Wire types come from protocol/ and are never restated here.
import type { Message, MessageBody, MessageName } from '../../../protocol/src/messages';
import type { PlcWrite } from '../../../protocol/src/station-view';
import type { WriteOrigin } from '../../../protocol/src/modbus/journal';
import type { ReasonName } from '../../../protocol/src/reasons';
import type { WorkOrder } from '../../../protocol/src/workorder';
import type { OPERATOR_ROLES, StationState } from '../../../protocol/src/vocabulary';
import type { TableSet } from '../msl/table';
import type { LayoutSet } from '../label/layout-set';
import type { TrackerState } from '../msl/tracker';
import type { SetupState } from '../setup/types';
import type { StationConfig } from './config';

export type Reject = Exclude<ReasonName, 'OK'>;
export type Role = (typeof OPERATOR_ROLES)[number];

/** Host messages the station core acts on (the session layer handles the rest: Hello, journal reads, acks). */
export type HostMessageName = Extract<
  MessageName,
  | 'TimeSync'
  | 'ClearWorkOrder'
  | 'ReelRecord'
  | 'MsdEvent'
  | 'MsdDisposition'
  | 'MslTableLoad'
  | 'FirstOffResult'
  | 'FirstOffRestart'
  | 'OperatorLogin'
  | 'OperatorLogout'
  | 'OverrideGrant'
  | 'StationHold'
  | 'BadgeRecord'
  | 'ManualLotEntry'
  | 'LabelLayoutLoad'
  | 'LabelLayoutRemove'
>;
export type HostMessage = Extract<Message, { type: HostMessageName }>;

/** What the work-order transfer carries beyond the slots. */
export interface OrderTerms {
  readonly prototype: boolean;
  readonly plannedQuantity: number;
  /** 0 = no limit. */
  readonly maxBoards: number;
}

export const NO_TERMS: OrderTerms = { prototype: false, plannedQuantity: 0, maxBoards: 0 };

export interface ManualEntry {
  readonly position: string;
  readonly mpn: string;
  readonly manufacturer: string;
  readonly lot: string;
  readonly quantity: number;
  readonly dateCode?: string;
  readonly msdLevel?: MessageBody<'ManualLotEntry'>['msdLevel'];
  readonly reason: string;
  readonly customerSupplied: boolean;
}

/** A T/RH sensor reading as the platform got it; plausibility is judged here. */
export type SensorReading = { readonly ok: true; readonly tempC: number; readonly rhPct: number } | { readonly ok: false; readonly detail: string };

/** Everything that can happen to a station. One entry point takes them all. */
export type StationInput =
  /** A scanner line, exactly as delivered: a reel label, a slot, a badge, a board id, a program label or a command. */
  | { readonly kind: 'scan'; readonly data: string }
  /** The machine built a board (or a panel). Its id, if the machine knows it; else the last board scan, else one is made. */
  | { readonly kind: 'board'; readonly unitId?: string }
  /** The machine reports the program it runs. */
  | { readonly kind: 'program'; readonly name: string; readonly revision: string; readonly checksum: number }
  | { readonly kind: 'sensor'; readonly reading: SensorReading }
  | { readonly kind: 'unload'; readonly position: string; readonly remaining?: number }
  | { readonly kind: 'move'; readonly from: string; readonly to: string }
  | { readonly kind: 'splice'; readonly position: string; readonly data: string }
  /** A reel's dry bag was opened at the station (its label scanned); the HIC spots as read, if read. */
  | { readonly kind: 'bag-opened'; readonly data: string; readonly hic10?: 'blue' | 'pink'; readonly hic60?: 'blue' | 'pink' }
  | { readonly kind: 'manual-lot'; readonly entry: ManualEntry }
  | { readonly kind: 'logout' }
  /** The logged-in supervisor grants an override at the station. */
  | { readonly kind: 'override'; readonly reason: Reject; readonly position?: string; readonly durationMs: number; readonly comment: string }
  /** The logged-in operator asks the host for an override. */
  | { readonly kind: 'override-request'; readonly reason: Reject; readonly position?: string; readonly durationMs: number; readonly comment: string }
  /** The logged-in supervisor records the first-off verdict at the station. */
  | { readonly kind: 'first-off'; readonly passed: boolean; readonly ncr?: string }
  | { readonly kind: 'first-off-restart'; readonly comment: string }
  | { readonly kind: 'ack-alarms' }
  /** A line PLC's Modbus write, and where it came from (journaled as PlcWriteAccepted when accepted). */
  | { readonly kind: 'plc'; readonly write: PlcWrite; readonly from?: WriteOrigin }
  /** An authenticated, in-session host message. */
  | { readonly kind: 'host'; readonly message: HostMessage }
  /** A work order the session assembled and committed. */
  | { readonly kind: 'work-order'; readonly order: WorkOrder; readonly terms: OrderTerms; readonly digest: number }
  /** Time passed (the runtime ticks about once a second). */
  | { readonly kind: 'tick' };

export type InputKind = StationInput['kind'];

/** What the runtime knows that the core cannot: storage health and the host link. Passed with every input. */
export interface Facts {
  /** Wall time, epoch ms: the host's time once synced, else the RTC's (trusted or not: see clock state). */
  readonly now: number;
  /** Monotonic ms since boot: timeouts that must not jump with the wall clock. */
  readonly mono: number;
  readonly journal: { readonly full: boolean; readonly highWater: boolean; readonly failed: boolean; readonly pending: number };
  readonly storeCorrupt: boolean;
  readonly hostOnline: boolean;
  /**
   * The run-permit relay as last driven. A board is judged by it: the relay is what let the machine build, and a
   * time rule that lapsed since the last input (a sensor gone stale) has not reached the relay yet. Applying this
   * input drives the relay from the rules as they stand now.
   */
  readonly relayOn: boolean;
}

export interface Operator {
  readonly id: string;
  readonly role: Role;
  readonly since: number;
}

export interface Badge {
  readonly operatorId: string;
  readonly role: Role;
}

export interface Override {
  readonly requestId: number;
  readonly reason: Reject;
  readonly position?: string;
  /** Epoch ms. */
  readonly until: number;
  readonly by: string;
}

export interface PendingOverrideRequest {
  readonly requestId: number;
  readonly reason: Reject;
  readonly position?: string;
  readonly durationMs: number;
  readonly by: string;
}

export type Severity = 'info' | 'warning' | 'error' | 'critical';
export interface Alarm {
  readonly reason: Reject;
  readonly severity: Severity;
  readonly position?: string;
  readonly text: string;
  readonly at: number;
  readonly acked: boolean;
}

export interface ProgramReport {
  readonly name: string;
  readonly revision: string;
  readonly checksum: number;
  readonly at: number;
}

export type FirstOff =
  | { readonly phase: 'not-required' }
  /** Exactly one board may be built: it is the first-off board. */
  | { readonly phase: 'one-board'; readonly since: number }
  | { readonly phase: 'awaiting'; readonly unitId: string; readonly at: number }
  | { readonly phase: 'passed'; readonly unitId: string; readonly by: string }
  | { readonly phase: 'failed'; readonly unitId: string; readonly by: string; readonly ncr: string };

export type SensorStatus = 'none' | 'ok' | 'implausible' | 'fault';

export interface SensorState {
  readonly status: SensorStatus;
  /** Monotonic ms of the last valid sample (none since boot: undefined). */
  readonly lastValidMono?: number;
  readonly last?: { readonly tempC: number; readonly rhPct: number };
  /** Wall ms of the last SensorReading record, for the 15-minute cadence. */
  readonly lastRecordAt?: number;
  readonly lastRecorded?: SensorStatus | 'stale';
}

/** MSD reels the station tracks, by reel key; each holds its own J-STD-033 tracker. Bounded by msd.maxReels. */
export interface MsdReel {
  readonly key: string;
  readonly tracker: TrackerState;
  /** The host said the reel is not usable (expired, needs a bake or blocked) in its last record. */
  readonly hostBlock?: Reject;
  /** Wall ms of the last use (for eviction of reels that left the station). */
  readonly touched: number;
}

export interface ClockState {
  readonly valid: boolean;
  readonly source: 'none' | 'rtc-untrusted' | 'rtc-trusted' | 'host';
}

/** The state, in parts; each part is replaced (never mutated) when it changes, so the runtime persists by identity. */
export interface CoreState {
  readonly config: StationConfig;
  readonly setup: SetupState;
  readonly order: { readonly terms: OrderTerms; readonly digest: number; readonly activatedAt: number; readonly boards: number } | undefined;
  readonly msd: ReadonlyMap<string, MsdReel>;
  readonly tables: TableSet;
  /** Reel-label layouts the host loaded (the built-in ones are always there). */
  readonly layouts: LayoutSet;
  readonly program: ProgramReport | undefined;
  readonly firstOff: FirstOff;
  readonly operator: Operator | undefined;
  readonly badges: ReadonlyMap<string, Badge>;
  readonly overrides: readonly Override[];
  readonly requests: readonly PendingOverrideRequest[];
  readonly alarms: readonly Alarm[];
  readonly clock: ClockState;
  readonly hold: MessageBody<'StationHold'> | undefined;
  readonly plc: { readonly lastValue?: number; readonly lastBeatMono: number; readonly lost: boolean };
  readonly sensor: SensorState;
  /** Boards recorded since manufacture (ids are made from it). */
  readonly boards: number;
  /** A board id scanned for the next board. */
  readonly nextBoardId: string | undefined;
  /** A command barcode waiting for its scan. */
  readonly command: { readonly name: CommandName; readonly arg?: string; readonly first?: string; readonly at: number } | undefined;
  /** Restored after a power loss and not yet re-validated (clock valid, program reported again). */
  readonly recovering: boolean;
  /** Next ids: manual reels, override requests. */
  readonly seq: { readonly manual: number; readonly request: number };
  /** The permit as last decided: InterlockChanged is journaled when it changes. */
  readonly permit: { readonly on: boolean; readonly reasons: readonly Reject[] };
}

export type CommandName = 'open' | 'open-dry' | 'unload' | 'splice' | 'move' | 'logout' | 'ack' | 'first-off-pass' | 'first-off-fail' | 'cancel';

/** The answer to one input: what the operator, the CLI, the PLC or the host is told. */
export interface Reply {
  readonly ok: boolean;
  readonly reason: ReasonName;
  readonly detail: string;
  /** What happened, in a word: verified, pending, refused, recorded, login, … */
  readonly outcome: string;
  readonly position?: string;
  readonly reelKey?: string;
}

/** What a decision produced: the new state, the records to journal (in order) and the reply. */
export interface Decision {
  readonly state: CoreState;
  readonly records: readonly Message[];
  readonly reply: Reply;
  /** The wall clock to set (a host time sync), epoch ms. */
  readonly setClock?: number;
}

/** The permit and everything shown with it, derived from the state and the facts. */
export interface PermitView {
  readonly on: boolean;
  readonly reasons: readonly Reject[];
  readonly state: StationState;
  readonly light: { readonly red: boolean; readonly amber: boolean; readonly green: boolean };
  /** Warnings that do not stop the line (amber). */
  readonly warnings: readonly Reject[];
}
