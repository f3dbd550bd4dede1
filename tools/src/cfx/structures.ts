// The CFX structures the mapping fills, with the SDK's property names, types and order (CFX/Structures/*.cs,
// SDK 2.1.1). Every property is present, null when we have no value, as CFXJsonSerializer writes them.
import type { MsdLevel } from '../../../protocol/src/vocabulary';

export interface MaterialPackage {
  readonly UniqueIdentifier: string;
  readonly InternalPartNumber: string | null;
  readonly InternalPackageName: null;
  readonly Quantity: number;
  readonly LeadingMaterialPackage: null;
  readonly BatchId: null;
  readonly BatchMaterialPackage: null;
  readonly GreyZone: number;
}

export interface SMDTapeFeeder {
  readonly $type: 'CFX.Structures.SMTPlacement.SMDTapeFeeder, CFX';
  readonly BaseUniqueIdentifier: null;
  readonly BaseName: null;
  readonly LaneNumber: number;
  readonly TapeWidth: number;
  readonly TapePitch: number;
  readonly UniqueIdentifier: string;
  readonly Name: null;
  readonly ParentCarrier: null;
}

export interface MaterialLocation {
  readonly ResourceLocation: null;
  readonly LocationIdentifier: string;
  readonly LocationName: string;
  readonly MaterialPackage: MaterialPackage;
  readonly CarrierInformation: SMDTapeFeeder | null;
}

export interface MaterialCarrierLocation {
  readonly ResourceLocation: null;
  readonly LocationIdentifier: string;
  readonly LocationName: string;
  readonly CarrierInformation: null;
}

/** CFX.Structures.MSDLevel, as StringEnumConverter writes it. */
export type CfxMsdLevel = 'Unspecified' | 'MSL1' | 'MSL2' | 'MSL2A' | 'MSL3' | 'MSL4' | 'MSL5' | 'MSL5A' | 'MSL6';
export type CfxMsdState = 'Unspecified' | 'NeverOpened' | 'Exposed' | 'InDryStorage' | 'Expired';

export interface MaterialPackageMSDData {
  readonly $type: 'CFX.Structures.MaterialPackageMSDData, CFX';
  readonly ExpirationDateTime: string | null;
  readonly OriginalExposureDateTime: string | null;
  readonly LastExposureDateTime: string | null;
  readonly RemainingExposureTime: string | null;
  readonly MSDLevel: CfxMsdLevel;
  readonly MSDState: CfxMsdState;
}

export interface MaterialPackageDetail {
  readonly UniqueIdentifier: string;
  readonly InternalPartNumber: string | null;
  readonly InternalPackageName: null;
  readonly Manufacturer: string | null;
  readonly ManufacturerPartNumber: string | null;
  readonly Vendor: null;
  readonly VendorPartNumber: null;
  readonly ManufacturerLotCode: string | null;
  readonly Created: null;
  readonly ManufactureDate: null;
  readonly ReceivedDate: null;
  readonly ExpiryDate: string | null;
  readonly Units: null;
  readonly InitialQuantity: number;
  readonly Quantity: number;
  readonly Status: 'Active' | 'Blocked' | 'Depleted';
  readonly HazardousMaterialType: 'NotHazardous';
  readonly MaterialData: MaterialPackageMSDData | null;
  readonly BatchId: null;
  readonly GreyZone: number;
  readonly PartPrice: number;
  readonly PartPriceUnit: null;
  readonly PackagingInfo: null;
  readonly ResourceLocation: null;
}

export interface Stage {
  readonly StageSequence: number;
  readonly StageName: string | null;
  readonly StageType: 'Work';
}

export interface InstalledComponent {
  readonly ReferenceDesignator: string;
  readonly InstalledUnitIdentifier: null;
  readonly InstallationTime: string;
  readonly Stage: null;
  readonly ElectricalTest: null;
  readonly Tests: null;
}

export interface InstalledMaterial {
  readonly UnitIdentifier: string;
  readonly UnitPositionNumber: null;
  readonly QuantityInstalled: number;
  readonly QuantityNonInstalled: number;
  readonly Material: MaterialPackage;
  readonly CarrierLocation: MaterialCarrierLocation;
  readonly InstalledComponents: InstalledComponent[];
  readonly NonInstalledComponents: [];
  readonly ReferencePartNumber: string | null;
}

export interface Operator {
  readonly OperatorIdentifier: string;
  readonly ActorType: 'Human' | 'RemoteSystem';
  readonly LastName: null;
  readonly FirstName: null;
  readonly LoginName: string;
}

export interface WorkOrderIdentifier {
  readonly WorkOrderId: string;
  readonly Batch: null;
}

const LEVELS: Readonly<Record<MsdLevel, CfxMsdLevel>> = { '1': 'MSL1', '2': 'MSL2', '2a': 'MSL2A', '3': 'MSL3', '4': 'MSL4', '5': 'MSL5', '5a': 'MSL5A', '6': 'MSL6' };

export function cfxMsdLevel(l: string | undefined): CfxMsdLevel {
  return l === undefined ? 'Unspecified' : (LEVELS[l as MsdLevel] ?? 'Unspecified');
}

export function materialPackage(reelId: string, ipn: string | null, quantity: number): MaterialPackage {
  return { UniqueIdentifier: reelId, InternalPartNumber: ipn === '' ? null : ipn, InternalPackageName: null, Quantity: quantity, LeadingMaterialPackage: null, BatchId: null, BatchMaterialPackage: null, GreyZone: 0 };
}

export function materialLocation(position: string, pkg: MaterialPackage, feeder: string): MaterialLocation {
  return {
    ResourceLocation: null,
    LocationIdentifier: position,
    LocationName: position,
    MaterialPackage: pkg,
    CarrierInformation:
      feeder === ''
        ? null
        : { $type: 'CFX.Structures.SMTPlacement.SMDTapeFeeder, CFX', BaseUniqueIdentifier: null, BaseName: null, LaneNumber: 1, TapeWidth: 0, TapePitch: 0, UniqueIdentifier: feeder, Name: null, ParentCarrier: null },
  };
}

export function operator(id: string): Operator {
  return { OperatorIdentifier: id, ActorType: id === 'HOST' || id === 'PLC' ? 'RemoteSystem' : 'Human', LastName: null, FirstName: null, LoginName: id };
}

export function packageDetail(p: {
  reelId: string;
  ipn?: string;
  manufacturer?: string;
  mpn?: string;
  lot?: string;
  quantity?: number;
  status?: MaterialPackageDetail['Status'];
  expiry?: string | null;
  msd?: MaterialPackageMSDData | null;
}): MaterialPackageDetail {
  const nz = (s: string | undefined) => (s === undefined || s === '' ? null : s);
  return {
    UniqueIdentifier: p.reelId,
    InternalPartNumber: nz(p.ipn),
    InternalPackageName: null,
    Manufacturer: nz(p.manufacturer),
    ManufacturerPartNumber: nz(p.mpn),
    Vendor: null,
    VendorPartNumber: null,
    ManufacturerLotCode: nz(p.lot),
    Created: null,
    ManufactureDate: null,
    ReceivedDate: null,
    ExpiryDate: p.expiry ?? null,
    Units: null,
    InitialQuantity: p.quantity ?? 0,
    Quantity: p.quantity ?? 0,
    Status: p.status ?? 'Active',
    HazardousMaterialType: 'NotHazardous',
    MaterialData: p.msd ?? null,
    BatchId: null,
    GreyZone: 0,
    PartPrice: 0,
    PartPriceUnit: null,
    PackagingInfo: null,
    ResourceLocation: null,
  };
}
