// What is physically at one station of the line, beside its controller: the machine, the PLC's view of it, the
// barcode scanner on the station's scanner line, the reels on its feeders and in its kit cart, the people who work it (their badges), and the faults acting on it
// now. The operator (operator.ts) and the line (line.ts) change it; the invariant checker reads it as the truth.
import type { Reply } from '../../firmware/core/station/types';
import type { WorkOrderDoc } from '../host/work-order-doc';
import type { Scanner } from '../world/scanner';
import type { StationPlan } from '../world/product';
import type { SimReel } from '../world/reels';
import type { Machine } from './machine';
import type { Plc } from './plc';
import type { SimStation } from './station';

export interface Person {
  readonly id: string;
  readonly badge: string;
  readonly role: 'operator' | 'technician' | 'supervisor';
}

export class Floor {
  /** The work-order document the MES holds for this station now. */
  doc: WorkOrderDoc | undefined;
  /** The reel on each feeder slot, as it physically is. */
  readonly feeders: (SimReel | undefined)[];
  /** Reels issued for each slot and waiting in the kit cart, oldest first. */
  readonly spares: SimReel[][];
  /** Slot → line time until which a supervisor approved its alternate-with-approval part. */
  readonly approvals = new Map<number, number>();
  /** Slot → line time an override was asked for it. */
  readonly asked = new Map<number, number>();
  /** Slot → refused label scans in a row (two, and a technician enters the reel by hand). */
  readonly labelFails = new Map<number, number>();
  /** The person at the station is busy until then. */
  busyUntil = 0;
  /** The first-off board of the current cycle was built then (undefined: none waiting). */
  firstOffAt: number | undefined;
  firstOffFailedAt: number | undefined;
  /** Faults acting on the station now (line time until which each lasts). */
  wrongProgramUntil = -Infinity;
  garbageUntil = -Infinity;
  garbageRate = 0;
  sensorFault: { readonly until: number; readonly mode: 'silent' | 'implausible' } | undefined;
  /** Slot → the reel the operator will pick next for it, right or wrong (a mishap's reel). */
  readonly nextLoad = new Map<number, SimReel>();
  /** Scheduled mishaps waiting for the operator's next chance (a wrong reel, an unapproved alternate). */
  readonly mishaps: ('wrong-reel' | 'unapproved-alternate' | 'unreadable-label')[] = [];
  /** The next MSD reel issued here is a part-used one with this much floor life left (the MSD-expiry fault). */
  partUsedMsdHours: number | undefined;
  /** A first-off inspection here fails once (the first-off-fail fault). */
  failNextFirstOff = false;

  constructor(
    readonly plan: StationPlan,
    readonly station: SimStation,
    readonly machine: Machine,
    readonly plc: Plc,
    readonly operator: Person,
    readonly technician: Person,
    readonly supervisor: Person,
    readonly scanner: Scanner,
  ) {
    this.feeders = plan.slots.map(() => undefined);
    this.spares = plan.slots.map(() => []);
  }

  get id(): number {
    return this.plan.id;
  }

  /** Someone scans `read` with the station's scanner: the station's replies to what arrived (undefined while off). */
  scan(now: number, read: string): readonly Reply[] | undefined {
    return this.station.scan(now, this.scanner.bytesOf(read));
  }

  /** The program the current document approves for the machine. */
  approvedProgram(): { name: string; revision: string; checksum: number } | undefined {
    const h = this.doc?.workOrder.header;
    return h === undefined ? undefined : { name: h.recipeName, revision: h.recipeRevision, checksum: h.recipeChecksum };
  }
}
