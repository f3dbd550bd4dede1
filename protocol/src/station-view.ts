// What a station shows of itself to the outside, in one plain object: the Modbus register map and StatusReport
// are both encodings of it, so a PLC and the host can never be told two different stories. The station runtime
// builds it; nothing here knows how.
import type { ReasonName } from './reasons';
import type { SlotStateName, StationState } from './vocabulary';

export interface SlotView {
  readonly position: string;
  readonly state: SlotStateName;
  /** Why the slot blocks the permit; OK when it does not. */
  readonly reason: ReasonName;
  /** Floor life left, whole minutes, for an MSD reel on the slot; null when the slot holds no MSD reel. */
  readonly msdRemainingMin: number | null;
  /** Parts on the reel as last known; 0 when unknown or empty. */
  readonly quantity: number;
}

export interface StationView {
  readonly state: StationState;
  readonly runPermit: boolean;
  /** Every reason the permit is off, most important first (empty when on). */
  readonly reasons: readonly Exclude<ReasonName, 'OK'>[];
  readonly slotsRequired: number;
  readonly slotsVerified: number;
  readonly msdReels: number;
  /** Least floor life left among loaded MSD reels, whole minutes; null when none is loaded. */
  readonly leastMsdRemainingMin: number | null;
  readonly journalPending: number;
  readonly uptimeS: number;
  readonly boardsRecorded: number;
  readonly hostOnline: boolean;
  readonly clockValid: boolean;
  /** Any raised alarm, acknowledged or not. */
  readonly anyAlarm: boolean;
  readonly firstOffPending: boolean;
  /** The active work order, if any. */
  readonly workOrder?: {
    readonly identifier: string;
    readonly bomRevision: string;
    readonly recipeName: string;
    readonly recipeRevision: string;
  };
  /** Every slot of the active work order, in work-order order. */
  readonly slots: readonly SlotView[];
  /**
   * The PLC watchdog as the station judges it: the last heartbeat value it took (Modbus holding register 0 reads
   * it back), and whether the PLC has stopped writing it for longer than the configured time (discrete input 6).
   * Absent when there is nothing to report: no heartbeat since boot and no watchdog configured.
   */
  readonly plcHeartbeat?: { readonly value: number; readonly lost: boolean };
}

/** What the station says it is (Modbus Read Device Identification, Hello). */
export interface DeviceIdentity {
  readonly vendorName: string;
  readonly productCode: string;
  /** Firmware version, `major.minor[.patch]`. */
  readonly majorMinorRevision: string;
  readonly vendorUrl: string;
  readonly productName: string;
  readonly modelName: string;
  /** The station id as text, e.g. `station 7 (placement)`. */
  readonly userApplicationName: string;
}

/** The writes a line PLC may make. None of them can turn the run permit on or clear an interlock. */
export type PlcWrite =
  /** Acknowledge the raised alarms (they stay in the journal; an unacknowledged critical alarm holds the line). */
  | { readonly kind: 'ack-alarms' }
  /** Ask the station to re-verify every slot (or one, by index): it can only take verification away. */
  | { readonly kind: 'reverify'; readonly slot?: number }
  /** The PLC watchdog: any changing value proves the PLC is alive. */
  | { readonly kind: 'heartbeat'; readonly value: number };
