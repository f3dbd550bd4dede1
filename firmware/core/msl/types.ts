// The MSL engine's vocabulary: the reel's fixed facts, its events, the station configuration, the view and errors.
// Times are epoch milliseconds (numbers), durations milliseconds, everything plain data that survives JSON.
import type { CARRIERS, HIC_SPOTS, MSD_STATES, MsdLevel, THICKNESS_CLASSES } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import type { BakeTable } from './tables/bake';
import type { TableSet } from './table';

export type ThicknessClass = (typeof THICKNESS_CLASSES)[number];
export type MsdState = (typeof MSD_STATES)[number];
export type HicSpot = (typeof HIC_SPOTS)[number];
export type Carrier = (typeof CARRIERS)[number];

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/**
 * Package types that decide a Table 7-1 class: a BGA by its body (≥1 mm: the ≥3.1 mm class), every MQFP the
 * ≥3.1 mm class, every TQFP and TSOP the <2.1 mm class; `other` (PQFP, PLCC, SOIC, …) by body thickness.
 */
export const PACKAGE_TYPES = ['bga', 'mqfp', 'tqfp', 'tsop', 'other'] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];
/** The sensors whose samples the engine uses: the station's floor sensor and the dry cabinet holding the reel. */
export const SENSORS = ['floor', 'cabinet'] as const;
export type Sensor = (typeof SENSORS)[number];

/** What a reel is: from its label or the host's part master. Never changes during the reel's life. */
export interface ReelSpec {
  readonly level: MsdLevel;
  readonly thicknessClass: ThicknessClass;
  /** Body thickness, mm: picks the bake-table row, and is checked against the class (Table 7-1). */
  readonly bodyThicknessMm?: number;
  /** Package type, where it decides the Table 7-1 class (BGA, MQFP, TQFP, TSOP); checked against the class. */
  readonly packageType?: PackageType;
  /** Floor life from the label or host, hours; for MSL 6 this is the time on label (TOL). */
  readonly floorLifeHours?: number;
  /** Dry-bag seal date if known before the first event (label or host), for shelf life. */
  readonly sealedAt?: number;
}

export interface Conditions {
  readonly tempC: number;
  readonly rhPct: number;
}

export type MslEvent =
  | { readonly type: 'seal'; readonly at: number }
  | { readonly type: 'open'; readonly at: number; readonly hic10?: HicSpot; readonly hic60?: HicSpot }
  | { readonly type: 'ambient'; readonly at: number; readonly tempC: number; readonly rhPct: number }
  | { readonly type: 'dry-in'; readonly at: number; readonly rhPct: number; readonly tempC?: number }
  | { readonly type: 'cabinet'; readonly at: number; readonly rhPct: number; readonly tempC?: number }
  | { readonly type: 'dry-out'; readonly at: number }
  | { readonly type: 'bake-start'; readonly at: number; readonly tempC?: number; readonly rhPct?: number; readonly carrier?: Carrier }
  | { readonly type: 'bake-interrupt'; readonly at: number }
  | { readonly type: 'bake-resume'; readonly at: number }
  | { readonly type: 'bake-end'; readonly at: number }
  | { readonly type: 'sensor-lost'; readonly at: number; readonly sensor?: Sensor }
  | { readonly type: 'sensor-ok'; readonly at: number; readonly sensor?: Sensor }
  | { readonly type: 'clock-lost'; readonly at: number }
  | { readonly type: 'time-sync'; readonly at: number }
  | { readonly type: 'disposition'; readonly at: number; readonly action: 'release' | 'scrap'; readonly by: string; readonly spec?: string }
  | { readonly type: 'reflow'; readonly at: number; readonly side?: 'top' | 'bottom' };

export type MslEventType = MslEvent['type'];
export const MSL_EVENT_TYPES: readonly MslEventType[] = [
  'seal',
  'open',
  'ambient',
  'dry-in',
  'dry-out',
  'bake-start',
  'bake-interrupt',
  'bake-resume',
  'bake-end',
  'sensor-lost',
  'sensor-ok',
  'clock-lost',
  'time-sync',
  'disposition',
  'reflow',
  'cabinet',
];

export interface MslConfig {
  /** A lost floor sensor's last sample holds for this long; strictly longer is stale. */
  readonly staleAfterMs: number;
  /** The same for a dry cabinet's conditions. */
  readonly cabinetStaleAfterMs: number;
  /** Time from placement to reflow; with the margin, the least remaining life a feeding reel must have. */
  readonly timeToReflowMs: number;
  readonly marginMs: number;
  /** Cumulative bake time above 90 °C a reel may have. */
  readonly bakeCapMs: number;
}

export const DEFAULT_CONFIG: MslConfig = {
  staleAfterMs: 10 * MINUTE,
  cabinetStaleAfterMs: 10 * MINUTE,
  timeToReflowMs: 4 * HOUR,
  marginMs: 1 * HOUR,
  bakeCapMs: 96 * HOUR,
};

/** What the station knows beyond the reel: its configuration and tables. */
export interface MslEnv {
  readonly config: MslConfig;
  readonly tables: TableSet;
  readonly bake: BakeTable;
}

/** The reel as the station reports it at one moment. */
export interface MslView {
  readonly state: MsdState;
  /** Fraction of floor life used since the last reset; the real figure, above 1 when overrun. */
  readonly consumedFraction: number;
  /**
   * Floor life the reel may still use, hours: 0 when the state forbids use (expired, needs-bake, blocked-unrated);
   * null only where floor life is unlimited (MSL 1); at the current conditions while it is consuming, otherwise
   * (sealed, paused, or conditions with no limit) at the nominal 30 °C/60 %RH floor life.
   */
  readonly remainingHours: number | null;
  /** When the floor life runs out at the current rate (exposed), or ran out (expired); null otherwise. */
  readonly expiresAt: number | null;
  readonly reasons: readonly ReasonName[];
  /** The table cell (or nominal envelope cell) now in use; null when the reel is not consuming by a cell. */
  readonly cell: Conditions | null;
  /** Exposure since the last reset, ms (drives the short-exposure reset rule). */
  readonly exposureMs: number;
  /** Cumulative bake time above 90 °C, ms. */
  readonly bakeMsOver90: number;
  readonly reflowPasses: { readonly top: number; readonly bottom: number; readonly unspecified: number };
}

export interface MslError {
  readonly reason: ReasonName;
  /** Index of the offending event in the history (absent for reel-level or `at` errors). */
  readonly index?: number;
  /** The offending field, e.g. `tempC`, or `at`. */
  readonly field?: string;
  readonly message: string;
}

export type MslResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: MslError };
