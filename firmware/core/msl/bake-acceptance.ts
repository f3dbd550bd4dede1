// Whether a finished bake resets floor life (J-STD-033 4.2 and Table 4-1): only a bake that meets the table as
// performed does. Time out of temperature never counts as bake time (4.2: an interruption is added to the bake
// time; the whole total of interruptions, short ones included, so that a series of short breaks cannot escape).
// A temperature that is not a Table 4-1 condition is never moved to the nearest column: below 40 °C it is no
// bake, otherwise (and when it was not stated) it resets only with a supervisor's release naming its specification.
// Carriers that cannot take a hot bake (tape and reel, tubes not rated high-temperature) are refused.
import type { ReasonName } from '../../../protocol/src/reasons';
import { BAKE_TEMPS, requiredBakeHours, type BakeTable, type BakeTemp } from './tables/bake';
import type { MsdLevel } from '../../../protocol/src/vocabulary';
import { HOUR, type Carrier } from './types';

/** A bake as it was performed. */
export interface BakeRecord {
  readonly startAt: number;
  readonly endAt: number;
  /** Oven temperature, °C; null when not stated (then it may have been anything: hot, and no table condition). */
  readonly tempC: number | null;
  readonly rhPct: number | null;
  readonly carrier: Carrier | null;
  /** Total time out of temperature (every interruption, however short). */
  readonly outMs: number;
  /** The clock was lost during the bake: its duration is unknown. */
  readonly clockLost: boolean;
}

export interface BakeContext {
  readonly level: MsdLevel;
  readonly bodyMm: number | undefined;
  /** The >72 h column applies (floor life exceeded by more than 72 h, a wet or unread card, shelf life). */
  readonly over72: boolean;
  /** Bake time above 90 °C before this bake, and the cap on it. */
  readonly hotUsedMs: number;
  readonly hotCapMs: number;
  readonly table: BakeTable;
}

/** Why a bake did not reset by itself. */
export type BakeRefusal = Extract<ReasonName, 'MSD_BAKE_SHORT' | 'MSD_BAKE_RH' | 'MSD_BAKE_CARRIER' | 'MSD_BAKE_OFF_TABLE' | 'MSD_BAKE_UNTIMED'>;
export type SignoffCause = Extract<ReasonName, 'MSD_BAKE_SIGNOFF' | 'MSD_BAKE_OFF_TABLE' | 'MSD_BAKE_CARRIER'>;

export type BakeVerdict =
  | { readonly kind: 'reset' }
  | { readonly kind: 'rejected'; readonly why: BakeRefusal }
  | { readonly kind: 'limit' }
  /** No table value, an off-table temperature or an unstated carrier: a supervisor release naming the spec resets. */
  | { readonly kind: 'signoff'; readonly why: SignoffCause };

/** Carriers that cannot take a bake above 90 °C (J-STD-033: tape and reel and most tubes cannot go to 125 °C). */
export const LOW_TEMP_CARRIERS: readonly Carrier[] = ['tape-reel', 'tube'];
/** Bakes above this temperature count toward the cumulative limit and need a carrier that can take them. */
export const HOT_BAKE_C = 90;
/** Below this no bake column applies: not a bake at all. */
export const MIN_BAKE_C = 40;

/** The bake counts toward the cumulative limit above 90 °C (an unstated temperature may have been 125 °C). */
export function isHot(tempC: number | null): boolean {
  return tempC === null || tempC > HOT_BAKE_C;
}

/** The Table 4-1 column a bake temperature is, exactly; undefined when it is not a table condition. */
export function tableColumn(tempC: number): BakeTemp | undefined {
  return BAKE_TEMPS.find((t) => t === tempC);
}

export function judgeBake(b: BakeRecord, ctx: BakeContext): BakeVerdict {
  const elapsed = b.endAt - b.startAt;
  const atTemperatureMs = elapsed - b.outMs;
  const hot = isHot(b.tempC);
  if (b.clockLost) return { kind: 'rejected', why: 'MSD_BAKE_UNTIMED' };
  if (b.tempC !== null && b.tempC < MIN_BAKE_C) return { kind: 'rejected', why: 'MSD_BAKE_OFF_TABLE' };
  if (hot && b.carrier !== null && LOW_TEMP_CARRIERS.includes(b.carrier)) return { kind: 'rejected', why: 'MSD_BAKE_CARRIER' };
  // The whole elapsed time of a hot bake counts toward the cap: the conservative reading for solderability.
  if (hot && ctx.hotUsedMs + elapsed > ctx.hotCapMs) return { kind: 'limit' };
  // An unstated temperature is not shown to be a table condition: only a supervisor who knows it can sign it off.
  const column = b.tempC === null ? undefined : tableColumn(b.tempC);
  if (column === undefined) return { kind: 'signoff', why: 'MSD_BAKE_OFF_TABLE' };
  if (column !== 125 && (b.rhPct === null || b.rhPct > ctx.table.maxRhPct)) return { kind: 'rejected', why: 'MSD_BAKE_RH' };
  const required = requiredBakeHours(ctx.table, ctx.bodyMm, ctx.level, column, ctx.over72);
  if (required === undefined) return { kind: 'signoff', why: 'MSD_BAKE_SIGNOFF' };
  if (atTemperatureMs < required * HOUR) return { kind: 'rejected', why: 'MSD_BAKE_SHORT' };
  if (hot && b.carrier === null) return { kind: 'signoff', why: 'MSD_BAKE_CARRIER' };
  return { kind: 'reset' };
}
