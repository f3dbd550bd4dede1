// The shapes of setup verification: what goes in (events, config, MSD status), what is held (state) and
// what comes out (verdicts, effects). Wire types come from protocol/ and are never restated here.
import type { MessageBody, MSD_STATES } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import type { Slot, WorkOrder } from '../../../protocol/src/workorder';
import type { LabelResult, ReelLabel } from '../label/types';
import type { ReelCache } from './reel-cache';
import type { OrderIndex } from './order';

export type MsdState = (typeof MSD_STATES)[number];

/** What the MSL engine says about one reel now. Filled by the engine; setup only reads it. */
export interface MsdStatus {
  readonly state: MsdState;
  readonly reasons: readonly ReasonName[];
  /** Set when the reel may not feed whatever its state says (e.g. still sealed: nothing can feed from a bag). */
  readonly notReady?: string;
}

/** Asks the MSL engine for a reel's status; undefined when the engine knows nothing of it. */
export type MsdLookup = (reel: ReelFacts, slot: Slot) => MsdStatus | undefined;

export interface SetupEnv {
  readonly msdStatus: MsdLookup;
}

export type { Slot, WorkOrder };
export type ApprovedPart = Slot['approvedParts'][number];
export type ReelRecordBody = MessageBody<'ReelRecord'>;
/** Under which approval a reel feeds a slot, as SlotVerified carries it. */
export type Permission = MessageBody<'SlotVerified'>['permission'];

export interface SetupConfig {
  /** A slot/reel scan pair must complete within this time (ms). */
  readonly pairingTimeoutMs: number;
  /** Reels with fewer parts are refused with QUANTITY_LOW; 0 turns the check off. */
  readonly minQuantity: number;
  /** Refuse a reel the host has pushed no ReelRecord for (UNKNOWN_REEL). */
  readonly requireHostRecord: boolean;
  /** Refuse a reel whose manufacturer is on neither the label nor the host record. */
  readonly requireManufacturer: boolean;
  /** Treat plain alternates like alternate-with-approval: a supervisor override is needed. */
  readonly primaryOnly: boolean;
  /** Most slots a work order may have. */
  readonly maxSlots: number;
  /** Most host reel records cached; the oldest is dropped beyond it. */
  readonly maxReelRecords: number;
  /** Most (reel, from-time) entries kept per slot; the journal holds the full trace. */
  readonly maxHistory: number;
  /** Most obsolete (slot, lot) entries kept after BOM changes; the oldest is dropped, with an alarm. */
  readonly maxObsoleteLots: number;
}

/** What the station knows of a scanned reel, from its label and the host's record. */
export interface ReelFacts {
  /** The reel's unique id: the label's reel id, or a key derived from part, lot, quantity and order. */
  readonly key: string;
  readonly derivedKey: boolean;
  readonly format: string;
  /** Trimmed MPN: the host record's spelling when it has one, else the label's. */
  readonly mpn: string;
  readonly mpnFrom: 'label' | 'host';
  readonly labelManufacturer?: string;
  readonly hostManufacturer?: string;
  readonly lot?: string;
  readonly quantity?: number;
  /** First instant (epoch ms) at which the reel counts as expired. */
  readonly expiresAt?: number;
  /** An expiry date on the label the station cannot read (and the host gave none). */
  readonly expiryUnreadable?: string;
}

export interface TraceEntry {
  readonly reelKey: string;
  /** Epoch ms from which this reel fed the slot. */
  readonly from: number;
}

export interface LoadedReel {
  readonly facts: ReelFacts;
  /** The label as scanned, so that a late host record or a re-verification can identify the reel again. */
  readonly label: ReelLabel;
  readonly permission: Permission;
  /** AVL spelling of the approved MPN this reel matched. */
  readonly approvedMpn: string;
  /** Set when the reel feeds under a supervisor override: it lapses at this time (epoch ms). */
  readonly overrideUntil?: number;
  /** Which reel fed the slot from when, oldest first, bounded by maxHistory: packed (history.ts, `historyEntries`). */
  readonly history: string;
}

export type SlotState =
  | { readonly status: 'empty' }
  | { readonly status: 'verified'; readonly reel: LoadedReel }
  /** A reel was refused here: the slot is not verified, and no reel is vouched for on it. */
  | {
      readonly status: 'rejected';
      readonly reason: ReasonName;
      readonly cause?: ReasonName;
      readonly reelKey: string;
      readonly detail: string;
    }
  /** The BOM revision changed this slot's requirement; `previous` is the reel that was verified on it. */
  | { readonly status: 'bom-changed'; readonly previous?: LoadedReel };

export type Pending =
  | { readonly kind: 'slot'; readonly slot: number; readonly at: number }
  | { readonly kind: 'reel'; readonly scan: LabelResult & { readonly ok: true }; readonly at: number };

export interface SetupState {
  readonly config: SetupConfig;
  readonly order: OrderIndex | undefined;
  /** Parallel to order.order.slots. */
  readonly slots: readonly SlotState[];
  /** reelIndexKey(reel key) → index of the slot holding it (verified, or previous reel of a bom-changed slot). */
  readonly held: ReadonlyMap<string, number>;
  readonly reels: ReelCache;
  readonly pending: Pending | undefined;
  /** Slot index → epoch ms at which a supervisor's alternate override lapses. */
  readonly overrides: ReadonlyMap<number, number>;
  /** `position \0 lot-key` of lots made obsolete by a BOM change, oldest first. */
  readonly obsolete: ReadonlySet<string>;
  /** Bumped on every change of a slot's state; boards are traced by it. */
  readonly generation: number;
}

export type SetupEvent =
  /** A work order became active (a new one, or the same one at another BOM revision). */
  | { readonly kind: 'work-order'; readonly order: WorkOrder }
  | { readonly kind: 'clear-work-order' }
  | { readonly kind: 'reel-record'; readonly record: ReelRecordBody }
  | { readonly kind: 'scan-slot'; readonly position: string }
  | { readonly kind: 'scan-reel'; readonly scan: LabelResult }
  | { readonly kind: 'unload'; readonly position: string; readonly remainingQuantity?: number }
  | { readonly kind: 'feeder-moved'; readonly from: string; readonly to: string }
  /** A new reel was spliced onto the running reel of a slot. */
  | { readonly kind: 'splice'; readonly position: string; readonly scan: LabelResult }
  /** A supervisor granted an alternate override for a slot until `expiresAt` (epoch ms). */
  | { readonly kind: 'override'; readonly position: string; readonly expiresAt: number }
  /** Slot and reel in one step (quick assign, a manual lot entry): the same checks as a scanned pair. */
  | { readonly kind: 'assign'; readonly position: string; readonly scan: LabelResult }
  /**
   * Check every held reel again (or the one on `position`) against what is known now: a late host record, an
   * MSD status that changed, a PLC's re-verification request. It can only keep or take away verification.
   */
  | { readonly kind: 'recheck'; readonly position?: string }
  /** Take verification away from every slot (or one): each must be scanned again (a PLC's re-verification request). */
  | { readonly kind: 'unverify'; readonly position?: string; readonly why: string }
  /** Time passed: drops a pending scan that timed out. */
  | { readonly kind: 'tick' };

export type Outcome =
  | 'verified'
  | 'spliced'
  | 'pending'
  | 'unloaded'
  | 'recorded'
  | 'activated'
  | 'cleared'
  | 'override'
  | 'rechecked'
  | 'unverified'
  | 'idle';

export type Verdict =
  | {
      readonly ok: true;
      readonly reason: 'OK';
      readonly outcome: Outcome;
      readonly position?: string;
      readonly reelKey?: string;
      readonly permission?: Permission;
      /** Slots the detail refers to: where a reel-first scan belongs, slots a BOM change touched. */
      readonly slots?: readonly string[];
      /** False when the event changed nothing (an idempotent rescan). */
      readonly changed: boolean;
      readonly detail: string;
    }
  | {
      readonly ok: false;
      readonly reason: Exclude<ReasonName, 'OK'>;
      /** The underlying reason when `reason` is a summary (SPLICE_MISMATCH ← WRONG_PART). */
      readonly cause?: ReasonName;
      readonly position?: string;
      readonly reelKey?: string;
      /** For WRONG_SLOT the slots the part belongs to; for DUPLICATE_REEL the slot holding the reel. */
      readonly slots?: readonly string[];
      readonly changed: boolean;
      readonly detail: string;
    };

type StationMessageName = 'SlotLoaded' | 'ReelIdentified' | 'SlotVerified' | 'SlotRejected' | 'SlotUnloaded' | 'Splice' | 'Alarm';
export type SetupMessage = { [N in StationMessageName]: { readonly type: N; readonly body: MessageBody<N> } }[StationMessageName];

/** What the runtime must do: send (and journal) a station message. */
export interface SetupEffect {
  readonly kind: 'send';
  readonly message: SetupMessage;
}

export interface StepResult {
  readonly state: SetupState;
  readonly verdict: Verdict;
  readonly effects: readonly SetupEffect[];
}
