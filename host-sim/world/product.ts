// The product the line builds and the work-order documents the MES sends for it: one BOM spread over the
// placement stations' feeder slots (each slot one BOM line, with its reference designators, its approved parts and
// alternates), one program per machine, and the reflow oven's slotless order (its program is the order). The
// documents are host-sim/host/work-order-doc.ts documents, checked with its validator before anything is sent.
import type { STATION_ROLES } from '../../protocol/src/vocabulary';

type StationRole = (typeof STATION_ROLES)[number];
import { PROTOTYPE_MAX_BOARDS, type Slot } from '../../protocol/src/workorder';
import { parseWorkOrderDoc, describeProblems, type BomLine, type WorkOrderDoc } from '../host/work-order-doc';
import type { Random } from '../line/random';
import { bomChoices, type Part, type PartChoice } from './catalog';

export interface StationPlan {
  readonly id: number;
  readonly name: string;
  readonly role: StationRole;
  /** Feeder slots, in work-order order (none on the reflow oven). */
  readonly slots: readonly SlotPlan[];
}

export interface SlotPlan {
  readonly index: number;
  readonly position: string;
  readonly bomLine: string;
  readonly choice: PartChoice;
  readonly perBoard: number;
  readonly msd: boolean;
}

export interface LinePlan {
  readonly workOrder: string;
  readonly product: string;
  readonly stations: readonly StationPlan[];
}

export interface PlanOptions {
  readonly stations: number;
  readonly slots: number;
  readonly msdSlots: number;
  readonly prototype: boolean;
  /** Seconds from placement to reflow, for the MSD margin (the work order's timeToReflow). */
  readonly timeToReflowS: number;
}

/** Names as a line labels its machines: P1…P5 placement, R6 the oven. */
export function stationName(id: number, role: StationRole): string {
  return `${role === 'reflow' ? 'R' : 'P'}${id}`;
}

export function planLine(o: PlanOptions, r: Random): LinePlan {
  const placement = o.stations - 1;
  const msd = Math.min(o.msdSlots, o.slots);
  const choices = bomChoices(placement * o.slots, 0);
  const msdChoices = bomChoices(placement * msd, placement * msd);
  const stations: StationPlan[] = [];
  let line = 10;
  let plain = 0;
  let wet = 0;
  for (let id = 1; id <= o.stations; id++) {
    const role: StationRole = id === o.stations ? 'reflow' : 'placement';
    const slots: SlotPlan[] = [];
    if (role !== 'reflow') {
      for (let i = 0; i < o.slots; i++) {
        // MSD slots spread over the station's feeder bank, not bunched at its start.
        const isMsd = msd > 0 && i % Math.max(1, Math.floor(o.slots / msd)) === 0 && slots.filter((s) => s.msd).length < msd;
        const choice = isMsd ? msdChoices[wet++ % msdChoices.length]! : choices[plain++ % choices.length]!;
        slots.push({
          index: i,
          position: `B1.F.${String(i + 1).padStart(2, '0')}`,
          bomLine: String(line),
          choice,
          perBoard: choice.primary.perBoard + (choice.primary.family === 'U' ? 0 : r.int(-2, 2)),
          msd: isMsd,
        });
        line += 10;
      }
    }
    stations.push({ id, name: stationName(id, role), role, slots });
  }
  const n = r.int(10000, 99999);
  return { workOrder: `WO-2026-${n}`, product: `PCBA-${r.int(1000, 9999)}`, stations };
}

const REFDES: Record<Part['family'], string> = { R: 'R', C: 'C', L: 'L', D: 'D', Q: 'Q', U: 'U' };

/** The work-order document one station gets: its slots, its program, the BOM lines its slots feed. */
export function orderDoc(
  plan: LinePlan,
  st: StationPlan,
  opts: { readonly bomRevision: string; readonly recipeRevision: string; readonly checksum: number; readonly timeToReflowS: number; readonly prototype: boolean; readonly plannedQuantity: number },
): WorkOrderDoc {
  let ref = 1;
  const lines: BomLine[] = [];
  const slots: Slot[] = st.slots.map((s) => {
    const perBoard = Math.max(1, s.perBoard);
    const letter = REFDES[s.choice.primary.family];
    const refdes = Array.from({ length: perBoard }, () => `${letter}${st.id}${String(ref++).padStart(3, '0')}`);
    lines.push({
      line: s.bomLine,
      internalPartNumber: ipn(s),
      refdes,
      quantityPerBoard: perBoard,
      description: s.choice.primary.description,
      ...(s.choice.primary.msl === undefined ? {} : { msl: s.choice.primary.msl }),
    });
    return {
      position: s.position,
      bomLine: s.bomLine,
      internalPartNumber: ipn(s),
      msd: s.msd,
      thicknessClass: s.msd ? 'thick' : 'unknown',
      approvedParts: [
        { manufacturerPartNumber: s.choice.primary.mpn, manufacturer: s.choice.primary.maker, permission: 'primary' },
        ...s.choice.alternates.map((p) => ({ manufacturerPartNumber: p.mpn, manufacturer: p.maker, permission: 'alternate' as const })),
        ...s.choice.withApproval.map((p) => ({ manufacturerPartNumber: p.mpn, manufacturer: p.maker, permission: 'alternate-with-approval' as const })),
      ],
    };
  });
  const doc = {
    format: 'smt-warden.work-order',
    version: 1,
    workOrder: {
      header: {
        workOrderIdentifier: plan.workOrder,
        productIdentifier: plan.product,
        bomRevision: opts.bomRevision,
        recipeName: `${plan.product}-${st.name}`,
        recipeRevision: opts.recipeRevision,
        recipeChecksum: opts.checksum >>> 0,
        lane: 1,
        timeToReflow: opts.timeToReflowS,
      },
      slots,
    },
    // A prototype order is 1 to 5 boards (the station refuses it otherwise): the station holds after the fifth.
    terms: { prototype: opts.prototype, plannedQuantity: opts.plannedQuantity, maxBoards: opts.prototype ? PROTOTYPE_MAX_BOARDS : 0 },
    bom: { lines },
    stations: [st.id],
    source: 'warden sim (MES)',
  };
  // The MES sends only what the document's own validator accepts.
  const checked = parseWorkOrderDoc(JSON.parse(JSON.stringify(doc)));
  if (!checked.ok) throw new Error(`work order for ${st.name}: ${describeProblems(checked.problems)}`);
  return checked.doc;
}

export function ipn(s: SlotPlan): string {
  return `IPN-${s.bomLine.padStart(5, '0')}-${s.choice.primary.family}`;
}
