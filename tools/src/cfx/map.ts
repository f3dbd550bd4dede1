// Journal records → IPC-CFX messages, in the one place both the trace export (`warden trace export --format cfx`)
// and the line gateway (which publishes them over AMQP) take them from. A `CfxStream` per station takes that
// station's records in journal order and returns the CFX envelopes each one stands for (none, one, or a few);
// it remembers only what later records need (reel facts, the active order, the board replay), so a gateway can
// feed it records as they arrive. The field mapping is the table in README.md.
import type { MessageBody } from '../../../protocol/src/messages';
import { REASONS, type ReasonName } from '../../../protocol/src/reasons';
import { normMpn, normPosition } from '../../../firmware/core/setup/normalize';
import { replayer, type BoardTrace, type JournalEntry, type Replayer } from '../../../firmware/core/trace/replay';
import type { WorkOrderDoc } from '../../../host-sim/host/work-order-doc';
import { cfxDateTime, cfxTimeSpan, cfxUniqueId, envelope, type CfxBody, type CfxEnvelope } from './envelope';
import {
  cfxMsdLevel,
  materialLocation,
  materialPackage,
  operator,
  packageDetail,
  type InstalledMaterial,
  type MaterialLocation,
  type MaterialPackageDetail,
  type MaterialPackageMSDData,
  type Operator,
  type WorkOrderIdentifier,
} from './structures';

export interface CfxStationContext {
  readonly stationId: number;
  /** The station's CFX handle (envelope Source); see `cfxHandle`. */
  readonly source: string;
  readonly lane: number;
  /** The work-order document an activated order was built from, for reference designators and quantities. */
  readonly doc?: (order: MessageBody<'WorkOrderActivated'>) => WorkOrderDoc | undefined;
}

interface Reel {
  ipn: string;
  mpn: string;
  manufacturer: string;
  lot: string;
  quantity: number;
  msdLevel: string | undefined;
  expiry: number | undefined;
  firstExposure: number | undefined;
  lastExposure: number | undefined;
  remainingS: number | undefined;
  /** When `remainingS` was true (epoch ms). */
  remainingAt: number | undefined;
}

const NS = {
  loaded: 'CFX.Materials.Storage.MaterialsLoaded',
  unloaded: 'CFX.Materials.Storage.MaterialsUnloaded',
  splice: 'CFX.Materials.Storage.SplicePointDetected',
  initialized: 'CFX.Materials.Management.MaterialsInitialized',
  block: 'CFX.Materials.Management.BlockMaterialsRequest',
  opened: 'CFX.Materials.Management.MSDManagement.MaterialsOpened',
  dryIn: 'CFX.Materials.Management.MSDManagement.MaterialsPlacedInDryStorage',
  dryOut: 'CFX.Materials.Management.MSDManagement.MaterialsRemovedFromDryStorage',
  expired: 'CFX.Materials.Management.MSDManagement.MaterialsExpired',
  restored: 'CFX.Materials.Management.MSDManagement.MaterialsRestored',
  recipe: 'CFX.Production.RecipeActivated',
  opOn: 'CFX.Production.OperatorActivated',
  opOff: 'CFX.Production.OperatorDeactivated',
  installed: 'CFX.Production.Assembly.MaterialsInstalled',
  state: 'CFX.ResourcePerformance.StationStateChanged',
} as const;

export type CfxMessageName = (typeof NS)[keyof typeof NS];
/** Every CFX message this mapping can produce. */
export const CFX_MESSAGE_NAMES: readonly CfxMessageName[] = Object.values(NS);

/** The SEMI E10 state (CFX ResourceState code) a permit decision puts the station in. */
export function resourceState(permitOn: boolean, reasons: readonly string[]): string {
  if (permitOn) return '1100'; // PRD_RegularWork
  const r = reasons[0] as ReasonName | undefined;
  if (r === undefined) return '2000';
  if (r === 'NO_WORK_ORDER') return '2200'; // SBY_NoProduct
  if (r === 'OPERATOR_REQUIRED') return '2100'; // SBY_NoOperator
  if (r === 'FIRST_OFF_PENDING' || r === 'FIRST_OFF_FAILED') return '4600'; // SDT_ProductionTest
  const c = REASONS[r]?.category;
  if (c === 'msd') return '5400'; // USD_OutOfSpecInputMaterial
  if (c === 'setup' || c === 'program') return '4500'; // SDT_Setup
  return '5300'; // USD_Repair: storage, clock, sensor, alarms, host lock
}

function body<T extends object>(name: string, fields: T): CfxBody & T {
  return { $type: `${name}, CFX`, ...fields };
}

export class CfxStream {
  private readonly reels = new Map<string, Reel>();
  private readonly replay: Replayer;
  private doc: WorkOrderDoc | undefined;
  private state: { code: string; since: number } | undefined;

  constructor(private readonly ctx: CfxStationContext) {
    this.replay = replayer((o) => {
      this.doc = ctx.doc?.(o);
      return this.doc?.workOrder.slots.map((s) => s.position.trim());
    });
  }

  private reel(id: string): Reel {
    let r = this.reels.get(id);
    if (r === undefined) {
      r = { ipn: '', mpn: '', manufacturer: '', lot: '', quantity: 0, msdLevel: undefined, expiry: undefined, firstExposure: undefined, lastExposure: undefined, remainingS: undefined, remainingAt: undefined };
      this.reels.set(id, r);
    }
    return r;
  }

  private msdData(r: Reel, state: MaterialPackageMSDData['MSDState']): MaterialPackageMSDData {
    return {
      $type: 'CFX.Structures.MaterialPackageMSDData, CFX',
      // Projected at the floor life left when last known: the moment it runs out if exposure goes on.
      ExpirationDateTime: state === 'Exposed' && r.remainingS !== undefined && r.remainingAt !== undefined ? cfxDateTime(r.remainingAt + r.remainingS * 1000) : null,
      OriginalExposureDateTime: r.firstExposure === undefined ? null : cfxDateTime(r.firstExposure),
      LastExposureDateTime: r.lastExposure === undefined ? null : cfxDateTime(r.lastExposure),
      RemainingExposureTime: r.remainingS === undefined ? null : cfxTimeSpan(r.remainingS),
      MSDLevel: cfxMsdLevel(r.msdLevel),
      MSDState: state,
    };
  }

  private detail(id: string, state: MaterialPackageMSDData['MSDState'] | undefined, status: MaterialPackageDetail['Status'] = 'Active'): MaterialPackageDetail {
    const r = this.reel(id);
    return packageDetail({
      reelId: id,
      ipn: r.ipn,
      manufacturer: r.manufacturer,
      mpn: r.mpn,
      lot: r.lot,
      quantity: r.quantity,
      status,
      expiry: r.expiry === undefined ? null : cfxDateTime(r.expiry),
      msd: state === undefined ? null : this.msdData(r, state),
    });
  }

  private workOrder(): WorkOrderIdentifier | null {
    const o = this.replay.order;
    return o === undefined ? null : { WorkOrderId: o.workOrderIdentifier, Batch: null };
  }

  private location(position: string, reelId: string): MaterialLocation {
    const r = this.reel(reelId);
    return materialLocation(position, materialPackage(reelId, r.ipn, r.quantity), '');
  }

  /** The CFX messages journal record `e` stands for, in order. */
  push(e: JournalEntry): CfxEnvelope[] {
    const out: [string, object][] = [];
    const m = e.message;
    switch (m.type) {
      case 'ReelRecord': {
        // The host's own record of a reel: nothing to tell the host, but later messages carry its facts.
        const r = this.reel(m.body.uniqueIdentifier);
        Object.assign(r, { ipn: m.body.internalPartNumber, mpn: m.body.manufacturerPartNumber, manufacturer: m.body.manufacturer, lot: m.body.manufacturerLotCode, quantity: m.body.quantity, msdLevel: m.body.msdLevel, expiry: m.body.expiryDate === undefined ? undefined : m.body.expiryDate * 1000 });
        if (m.body.exposure?.remainingExposureTime !== undefined) Object.assign(r, { remainingS: m.body.exposure.remainingExposureTime, remainingAt: e.at });
        break;
      }
      case 'ManualLotEntry': {
        const r = this.reel(m.body.uniqueIdentifier);
        Object.assign(r, { mpn: m.body.manufacturerPartNumber, manufacturer: m.body.manufacturer, lot: m.body.manufacturerLotCode, quantity: m.body.quantity, msdLevel: m.body.msdLevel });
        out.push([NS.initialized, { Materials: [this.detail(m.body.uniqueIdentifier, m.body.msdLevel === undefined || m.body.msdLevel === '1' ? undefined : 'Exposed')] }]);
        break;
      }
      case 'ReelIdentified': {
        // No message of its own (see README): CFX has no date-code property, and MaterialsInitialized is the
        // receiving system's to send. The label's maker and MSL name a reel the host sent no record of.
        const r = this.reel(m.body.uniqueIdentifier);
        if (r.manufacturer === '') r.manufacturer = m.body.manufacturer;
        r.msdLevel ??= m.body.msdLevel;
        break;
      }
      case 'SlotLoaded': {
        const r = this.reel(m.body.uniqueIdentifier);
        r.ipn = m.body.internalPartNumber;
        if (m.body.quantity > 0) r.quantity = m.body.quantity;
        out.push([NS.loaded, { Materials: [materialLocation(m.body.locationIdentifier, materialPackage(m.body.uniqueIdentifier, m.body.internalPartNumber, m.body.quantity), m.body.feederIdentifier)] }]);
        break;
      }
      case 'SlotVerified': {
        const r = this.reel(m.body.uniqueIdentifier);
        r.mpn = m.body.manufacturerPartNumber;
        r.lot = m.body.manufacturerLotCode;
        if (r.manufacturer === '') r.manufacturer = this.avlMaker(m.body.locationIdentifier, m.body.manufacturerPartNumber);
        break;
      }
      case 'SlotUnloaded':
        if (m.body.remainingQuantity !== undefined) this.reel(m.body.uniqueIdentifier).quantity = m.body.remainingQuantity;
        out.push([NS.unloaded, { MaterialPackageIdentifiers: [m.body.uniqueIdentifier] }]);
        break;
      case 'Splice':
        if (m.body.result === 'OK') {
          this.reel(m.body.depletedUniqueIdentifier).quantity = 0;
          out.push([NS.splice, { DepletedMaterial: this.location(m.body.locationIdentifier, m.body.depletedUniqueIdentifier), NewlyActiveMaterial: this.location(m.body.locationIdentifier, m.body.newlyActiveUniqueIdentifier) }]);
        }
        break;
      case 'MsdEvent': {
        const r = this.reel(m.body.uniqueIdentifier);
        const at = m.body.at * 1000;
        if (m.body.remainingExposureTime !== undefined) Object.assign(r, { remainingS: m.body.remainingExposureTime, remainingAt: at });
        const one = (name: string, state: MaterialPackageMSDData['MSDState'], status: MaterialPackageDetail['Status'] = 'Active') => out.push([name, { Materials: [this.detail(m.body.uniqueIdentifier, state, status)] }]);
        switch (m.body.event) {
          case 'opened':
          case 'dry-out':
            r.firstExposure ??= at;
            r.lastExposure = at;
            one(m.body.event === 'opened' ? NS.opened : NS.dryOut, 'Exposed');
            break;
          case 'sealed':
          case 'dry-in':
            one(NS.dryIn, 'InDryStorage');
            break;
          case 'expired':
            one(NS.expired, 'Expired', 'Blocked');
            break;
          case 'restored':
            r.lastExposure = at;
            one(NS.restored, 'Exposed');
            break;
          default:
            break; // bake steps: CFX has no message for them; the restore that follows a good bake is one
        }
        break;
      }
      case 'MsdDisposition':
        if (m.body.action === 'release') out.push([NS.restored, { Materials: [this.detail(m.body.uniqueIdentifier, 'Exposed')] }]);
        else out.push([NS.block, { MaterialPackageIdentifiers: [m.body.uniqueIdentifier], Reason: 'ExpiredMaterial', Comments: `scrapped by ${m.body.operatorIdentifier}`, Blocker: operator(m.body.operatorIdentifier) }]);
        break;
      case 'ProgramReport':
        out.push([
          NS.recipe,
          {
            RecipeName: m.body.recipeName,
            Revision: m.body.recipeRevision,
            Lane: this.ctx.lane,
            Stage: null,
            ExpectedCycleTime: 0,
            ExpectedWorkTime: null,
            ExpectedUnitsPerWorkTransaction: 1,
            NumberOfComponentsPerUnit: 0,
            WorkOrderIdentifier: this.workOrder(),
            TargetQuantity: this.replay.order === undefined || this.replay.order.plannedQuantity === 0 ? null : this.replay.order.plannedQuantity,
            RelevantSurface: 'Unspecified',
            RecipeStagesInformation: [],
          },
        ]);
        break;
      case 'OperatorLogin':
        out.push([NS.opOn, { Operator: operator(m.body.operatorIdentifier) satisfies Operator }]);
        break;
      case 'OperatorLogout':
        out.push([NS.opOff, { Operator: operator(m.body.operatorIdentifier) }]);
        break;
      case 'InterlockChanged': {
        const code = resourceState(m.body.runPermit, m.body.reasons);
        const prev = this.state;
        if (prev === undefined || prev.code !== code) {
          out.push([NS.state, { OldState: prev?.code ?? '2000', OldStateDuration: prev === undefined ? null : cfxTimeSpan((e.at - prev.since) / 1000), NewState: code, RelatedFault: null }]);
          this.state = { code, since: e.at };
        }
        break;
      }
      default:
        break;
    }
    const board = this.replay.push(e);
    if (board !== undefined) {
      out.push([NS.installed, this.installed(board)]);
      for (const x of board.slots) if (x.msdRemainingS !== undefined) Object.assign(this.reel(x.reelId), { remainingS: x.msdRemainingS, remainingAt: board.at });
    }
    return out.map(([name, fields], i) => envelope(name, e.at, this.ctx.source, cfxUniqueId(this.ctx.source, this.ctx.stationId, e.seq, i), body(name, fields)));
  }

  private avlMaker(position: string, mpn: string): string {
    const slot = this.doc?.workOrder.slots.find((s) => normPosition(s.position) === normPosition(position));
    return slot?.approvedParts.find((p) => normMpn(p.manufacturerPartNumber) === normMpn(mpn))?.manufacturer ?? '';
  }

  private installed(b: BoardTrace): object {
    const at = cfxDateTime(b.at);
    const slots = this.doc?.workOrder.slots ?? [];
    const materials: InstalledMaterial[] = b.slots.map((x) => {
      const slot = slots.find((s) => normPosition(s.position) === normPosition(x.position));
      const line = slot === undefined ? undefined : this.doc?.bom.lines.find((l) => l.line === slot.bomLine);
      const shared = slot === undefined ? 1 : slots.filter((s) => s.bomLine === slot.bomLine).length;
      const r = this.reel(x.reelId);
      // Reference designators of a line fed from several slots are listed once, on its first slot.
      const first = slot !== undefined && slots.find((s) => s.bomLine === slot.bomLine) === slot;
      return {
        UnitIdentifier: b.unitId,
        UnitPositionNumber: null,
        QuantityInstalled: line === undefined ? 0 : line.quantityPerBoard / shared,
        QuantityNonInstalled: 0,
        Material: materialPackage(x.reelId, slot?.internalPartNumber ?? r.ipn, r.quantity),
        CarrierLocation: { ResourceLocation: null, LocationIdentifier: x.position, LocationName: x.position, CarrierInformation: null },
        InstalledComponents: first && line !== undefined ? line.refdes.map((d) => ({ ReferenceDesignator: d, InstalledUnitIdentifier: null, InstallationTime: at, Stage: null, ElectricalTest: null, Tests: null })) : [],
        NonInstalledComponents: [],
        ReferencePartNumber: slot?.internalPartNumber ?? null,
      };
    });
    return { TransactionId: cfxUniqueId(this.ctx.source, this.ctx.stationId, b.seq, 1000), InstalledMaterials: materials };
  }
}
