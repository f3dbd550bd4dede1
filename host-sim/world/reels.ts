// The physical reels of the simulated line: what each really is (part, lot, quantity left), the label it carries
// (labels.ts), where it is, and for moisture-sensitive reels their true moisture history, kept by a J-STD-033
// tracker of the simulator's own from the true air the reel sat in. The invariant checker compares this truth
// with what the stations decided; the MES pushes it as reel records and MSD events.
import { step, createTracker, view, type TrackerState } from '../../firmware/core/msl/tracker';
import { defaultEnv } from '../../firmware/core/msl/env';
import type { MslEnv, MslEvent, MslView } from '../../firmware/core/msl/types';
import type { MessageBody } from '../../protocol/src/messages';
import type { Random } from '../line/random';
import type { Part } from './catalog';
import { buildLabel, formatsFor, type LabelFormat, type ReelLabelText, type ReelTruth } from './labels';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Nominal floor life at 30 °C/60 %RH, hours (J-STD-033 Table 5-1). */
export const NOMINAL_HOURS: Readonly<Record<string, number>> = { '2': 8760, '2a': 672, '3': 168, '4': 72, '5': 48, '5a': 24 };

export type ReelPlace = 'kit' | 'slot' | 'cabinet' | 'oven' | 'returned' | 'scrapped';

export interface MsdTruth {
  tracker: TrackerState;
  sealed: boolean;
  /** The exposure the host's record reports when the reel is issued (a part-used reel), if any. */
  readonly exposure?: MessageBody<'ReelRecord'>['exposure'];
}

export interface SimReel {
  readonly serial: number;
  readonly part: Part;
  readonly truth: ReelTruth;
  readonly label: ReelLabelText;
  /** The station's key for it (from the label), the id of the host's record too. */
  readonly key: string;
  readonly ipn: string;
  /** The station it was issued to. */
  readonly stationId: number;
  qty: number;
  place: ReelPlace;
  msd: MsdTruth | undefined;
  /** Its label cannot be read at all (torn, smudged): a technician must enter it by hand. */
  unreadable?: boolean;
}

export interface IssueOptions {
  /** A part-used MSD reel with this much floor life left at 30 °C/60 %RH, hours. */
  readonly remainingHours?: number;
  /** Quantity as a fraction of a full reel. */
  readonly fill?: number;
  readonly format?: LabelFormat;
}

/** The truth trackers never go stale: the simulator knows the air at every moment it feeds them. */
const TRUTH_ENV: MslEnv = defaultEnv({ staleAfterMs: 30 * DAY, cabinetStaleAfterMs: 30 * DAY });

export class ReelStore {
  private serial = 0;
  readonly all: SimReel[] = [];
  private readonly byKey = new Map<string, SimReel>();

  constructor(
    private readonly r: Random,
    /** Epoch ms at line time 0. */
    private readonly startEpochMs: number,
  ) {}

  /** A new reel of `part` for a slot of station `stationId`, from receiving (its label made and read back). */
  issue(part: Part, stationId: number, ipn: string, at: number, o: IssueOptions = {}): SimReel {
    const serial = ++this.serial;
    const r = this.r;
    // A part-used MSD reel comes back from the dry cabinet full enough to outlast its floor life.
    const fill = o.fill ?? (o.remainingHours !== undefined ? 1 : r.range(0.35, 1));
    const qty = Math.max(50, Math.round(part.reelQty * fill));
    const truth: ReelTruth = {
      mpn: part.mpn,
      maker: part.maker,
      qty,
      lot: lotFor(part, serial, r),
      dateCode: `${r.int(23, 25)}${String(r.int(1, 52)).padStart(2, '0')}`,
      country: r.pick(['CN', 'JP', 'TW', 'MY', 'PH', 'DE', 'US']),
      ...(part.msl === undefined ? {} : { msl: part.msl }),
      serial,
    };
    const label = labelFor(part, truth, r, o.format);
    if (this.byKey.has(label.key)) throw new Error(`two reels with the key ${label.key}`); // serials make keys unique
    const reel: SimReel = { serial, part, truth, label, key: label.key, ipn, stationId, qty, place: 'kit', msd: undefined };
    if (part.msl !== undefined) reel.msd = this.msdTruth(part, at, o.remainingHours);
    this.all.push(reel);
    this.byKey.set(label.key, reel);
    return reel;
  }

  get(key: string): SimReel | undefined {
    return this.byKey.get(key);
  }

  /** Epoch ms of line time `t`. */
  epoch(t: number): number {
    return this.startEpochMs + t;
  }

  private msdTruth(part: Part, at: number, remainingHours: number | undefined): MsdTruth {
    const now = this.epoch(at);
    const made = createTracker({ level: part.msl!, thicknessClass: 'thick', sealedAt: now - 60 * DAY });
    if (!made.ok) throw new Error(made.error.message); // the catalogue's levels are valid
    if (remainingHours === undefined) return { tracker: made.value, sealed: true };
    // A reel opened before, used on the floor at 30 °C/60 %RH until this much life was left, then kept in a dry
    // cabinet (no reset: the exposure was too long), and taken out now.
    const nominal = NOMINAL_HOURS[part.msl!] ?? 168;
    const used = Math.max(0, nominal - remainingHours);
    const opened = now - used * HOUR - 2 * DAY;
    let t = made.value;
    const events: MslEvent[] = [
      { type: 'open', at: opened, hic10: 'blue', hic60: 'blue' },
      { type: 'ambient', at: opened, tempC: 30, rhPct: 60 },
      { type: 'dry-in', at: opened + used * HOUR, rhPct: 3, tempC: 25 },
      { type: 'dry-out', at: now },
    ];
    for (const e of events) t = must(step(t, e, TRUTH_ENV));
    const v = must(view(t, now, TRUTH_ENV));
    return {
      tracker: t,
      sealed: false,
      exposure: {
        msdState: 'exposed',
        // The wire carries ten-thousandths: rounded up, the record never gives the reel more life than it has.
        consumedFraction: Math.min(1, Math.ceil(v.consumedFraction * 10_000) / 10_000),
        remainingExposureTime: Math.round((v.remainingHours ?? 0) * 3600),
        originalExposureDateTime: Math.floor(opened / 1000),
        lastExposureDateTime: Math.floor(now / 1000),
        bakeTimeTotal: 0,
      },
    };
  }

  /** A moisture event in the reel's true life (bag opened, air, cabinet, oven). */
  msdEvent(reel: SimReel, e: MslEvent): void {
    const m = reel.msd;
    if (m === undefined) return;
    const x = step(m.tracker, { ...e, at: Math.max(e.at, m.tracker.at ?? e.at) } as MslEvent, TRUTH_ENV);
    if (x.ok) {
      m.tracker = x.value;
      if (e.type === 'open') m.sealed = false;
    }
  }

  /** The reel's true floor-life state at line time `t`. */
  floorLife(reel: SimReel, t: number): MslView | undefined {
    const m = reel.msd;
    if (m === undefined) return undefined;
    const at = Math.max(this.epoch(t), m.tracker.at ?? 0);
    const v = view(m.tracker, at, TRUTH_ENV);
    return v.ok ? v.value : undefined;
  }

  /** What the MES's material system says of the reel: its record, as pushed to the station it was issued to. */
  record(reel: SimReel): MessageBody<'ReelRecord'> {
    const m = reel.msd;
    return {
      uniqueIdentifier: reel.key,
      internalPartNumber: reel.ipn,
      manufacturerPartNumber: reel.part.mpn,
      manufacturer: reel.part.maker,
      manufacturerLotCode: reel.truth.lot,
      quantity: reel.qty,
      ...(reel.part.msl === undefined ? {} : { msdLevel: reel.part.msl }),
      thicknessClass: reel.part.msl === undefined ? 'unknown' : 'thick',
      ...(m === undefined ? {} : { sealDate: Math.floor((m.tracker.spec.sealedAt ?? this.startEpochMs) / 1000) }),
      ...(m?.exposure === undefined ? {} : { exposure: m.exposure }),
    };
  }
}

/**
 * A lot code as the maker writes it: Samsung's are 7 characters, two letters and five digits (its own label has
 * room for no other); the others digits only. Neither may end like a data identifier (`…3S`): in a DataMatrix label
 * that reads as a dropped separator, and the station refuses it.
 */
export function lotFor(part: Part, serial: number, r: Random): string {
  if (part.makerLabel === 'samsung') return `${r.pick([...'ABCFGHMNRWXY'])}${r.pick([...'ABCFGHMNRWXY'])}${String(serial % 100_000).padStart(5, '0')}`;
  return `${r.int(22, 25)}${String(serial).padStart(6, '0')}${r.int(10, 99)}`;
}

/** The reel's label: in the format asked for, else one of the formats its part arrives in that reads back exactly. */
function labelFor(part: Part, truth: ReelTruth, r: Random, format: LabelFormat | undefined): ReelLabelText {
  const tries: LabelFormat[] = format !== undefined ? [format] : [r.pick(formatsFor(part)), ...new Set(formatsFor(part))];
  let last: unknown;
  for (const f of tries) {
    try {
      return buildLabel(f, truth, r);
    } catch (e) {
      last = e;
    }
  }
  throw last; // no format reads this part back exactly: a catalogue error
}

function must<T>(x: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!x.ok) throw new Error(`MSL truth: ${x.error.message}`); // the simulator's own histories are valid
  return x.value;
}
