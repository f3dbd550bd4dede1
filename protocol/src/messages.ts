// The message catalogue: one schema (fields.ts) per message type. This table is the source of truth for the
// payload layouts, the TypeScript types (inferred, never restated) and the message tables of PROTOCOL.md.
// Field names follow IPC-CFX (camelCased) wherever the meaning is the same.
import { f, type Infer } from './fields';
import { NONCE_BYTES } from './limits';
import {
  CAPABILITIES,
  CARRIERS,
  HIC_SPOTS,
  LABEL_FIELD_CODINGS,
  LABEL_FIELD_ROLES,
  LABEL_FIELD_TRIMS,
  LABEL_LAYOUT_CUTS,
  LABEL_LAYOUT_MAX,
  MODBUS_TRANSPORTS,
  MSD_LEVELS,
  MSD_STATES,
  OPERATOR_ROLES,
  PLC_WRITE_KINDS,
  STATION_ROLES,
  THICKNESS_CLASSES,
} from './vocabulary';
import { frozen } from './frozen';
export * from './vocabulary';

// Shared field shapes.
const at = () => f.time().about('When it happened (station clock, UTC).');
const reelId = () => f.str(32).about('Reel (material package) unique id; CFX UniqueIdentifier.');
const position = () => f.str(16).about('Slot / feeder position, e.g. `B1.F.45`; CFX LocationIdentifier / Position.');
const mpn = () => f.str(40).about('Manufacturer part number; CFX ManufacturerPartNumber.');
const manufacturer = () => f.str(32).about('Manufacturer name as on the AVL; CFX Manufacturer.');
const ipn = () => f.str(32).about('Internal part number; CFX InternalPartNumber / PartNumber.');
const lot = () => f.str(32).about('Manufacturer lot code; CFX ManufacturerLotCode.');
const workOrderId = () => f.str(32).about('Work order id; CFX WorkOrderIdentifier.');
const unitId = () => f.str(40).about('Board serial or barcode; CFX UnitIdentifier.');
const operatorId = () => f.str(24).about('Operator badge id; CFX OperatorIdentifier.');
const comment = () => f.str(64).about('Free text for the record.');

export const ApprovedPart = f.struct({
  manufacturerPartNumber: mpn(),
  manufacturer: manufacturer(),
  permission: f
    .enum(['primary', 'alternate', 'alternate-with-approval'] as const)
    .about('Primary part, approved alternate, or alternate that needs a supervisor override.'),
});

export const SlotRequirement = f.struct({
  position: position(),
  bomLine: f.str(16).about('BOM line (find number) this slot feeds.'),
  internalPartNumber: ipn(),
  msd: f.bool().about('The part is moisture sensitive (MSL 2 or above).'),
  thicknessClass: f.enum(THICKNESS_CLASSES).about('Package body class for J-STD-033 derating.'),
  approvedParts: f.list(ApprovedPart, 8).about('AVL for the slot: CFX ApprovedManufacturerParts and ApprovedAlternateParts.'),
});

export const MsdSummary = f.struct({
  msdState: f.enum(MSD_STATES).about('Floor-life state when the summary was made.'),
  consumedFraction: f.fraction().about('Fraction of floor life used (0..1; above 1 when overrun).'),
  remainingExposureTime: f.seconds().about('Floor life left at rated conditions; CFX RemainingExposureTime.'),
  originalExposureDateTime: f.opt(f.time()).about('First opening of the dry bag; CFX OriginalExposureDateTime.'),
  lastExposureDateTime: f.opt(f.time()).about('Start of the current exposure; CFX LastExposureDateTime.'),
  bakeTimeTotal: f.seconds().about('Cumulative bake time above 90 °C.'),
});

export const JournalRecord = f.struct({
  sequence: f.u32().about('Journal sequence number, contiguous across reboots.'),
  at: at(),
  recordType: f.u8().about('Message type of the journaled event.'),
  data: f.bytes(240).about('The event payload, encoded as that message type.'),
});

/** One field of a reel-label layout (LabelLayoutLoad). Which of piece/start+width/tag applies depends on the cut. */
export const LabelLayoutField = f.struct({
  role: f.enum(LABEL_FIELD_ROLES).about('What the field is: a reel-label field (`mpn`, `qty`, `lot`, …), `check` (an anchor that must match but is not reported) or `ignore`. Two fields of one role must agree.'),
  piece: f.u8().about('Delimited cut: index of the piece (0 = first).'),
  start: f.u16().about('Fixed cut: first character of the column (0 = first character of the scan).'),
  width: f.u16().about('Fixed cut: width of the column in characters.'),
  tag: f.str(LABEL_LAYOUT_MAX.tag).about('Tagged and envelope cuts: the tag the piece starts with (`PN`, `1P`, `QT`). Delimited cut: a literal the piece must start with, cut off before the value is read.'),
  coding: f.enum(LABEL_FIELD_CODINGS).about('How the text becomes the value: `text`, `integer`, `decimal` (`4000.000`), `sig-zeros` (significant digits + count of zeros: `253` = 25000), `msl`.'),
  trim: f.enum(LABEL_FIELD_TRIMS).about('Padding spaces removed before the field is checked.'),
  chars: f.str(LABEL_LAYOUT_MAX.chars).about('Characters the value may hold, as in a regular-expression class without brackets (`A-Z0-9-/.`); empty = any printable ASCII.'),
  minLen: f.u8().about('Shortest value (0 = the field may be empty).'),
  maxLen: f.u8().about('Longest value.'),
  equals: f.str(LABEL_LAYOUT_MAX.equals).about('When not empty, the exact text the field must hold (an anchor).'),
  optional: f.bool().about('The field may be missing or empty; when present it is checked and reported.'),
  plain: f.bool().about('The value must not contain a data identifier followed by a value of its shape (the sign of a field merged by a lost separator).'),
});

/** Which end may send a message. */
export type SenderRole = 'station' | 'host' | 'either';

interface MessageDef {
  readonly type: number;
  readonly from: SenderRole;
  readonly cfx: string;
  readonly summary: string;
  readonly schema: ReturnType<typeof f.struct>;
}

export const MESSAGES = {
  Hello: {
    type: 0x01,
    from: 'either',
    cfx: '',
    summary:
      'Opens a session (§3): MACed under the sender\'s direction key, it carries the sender\'s fresh nonce. Its layout is frozen for the major version, so it is read at any minor; a newer peer may append fields, which are ignored.',
    schema: f.struct({
      softwareVersion: f.str(24).about('Firmware or host software version.'),
      role: f.enum(STATION_ROLES).about('What the sender is (a host says `other`).'),
      capabilities: f.flags(CAPABILITIES).about('Features the sender supports.'),
      maxFrameBytes: f.u16().about('Largest frame on the wire the sender accepts.'),
      maxSlots: f.u16().about('Most slots a work order may have on this station.'),
      maxReels: f.u16().about('Most reel records the station caches.'),
      journalCapacity: f.u32().about('Journal size in records.'),
      lastCounterReceived: f.u32().about('Highest counter accepted from the peer under this key (0: none), so a peer that lost its counter can resume above it.'),
      nonce: f.fixedBytes(NONCE_BYTES).about('Fresh random nonce of the sender for this session (1.1).'),
    }),
  },
  HelloAck: {
    type: 0x02,
    from: 'either',
    cfx: '',
    summary:
      'Answers Hello with the minor version both ends will use and the responder\'s nonce; echoes the Hello\'s nonce, so it answers that Hello only. MACed under the responder\'s direction key. Frozen like Hello.',
    schema: f.struct({
      protocolMinor: f.u4().about('Minor version for the session: the lower of the two.'),
      softwareVersion: f.str(24).about('Responder software version.'),
      capabilities: f.flags(CAPABILITIES).about('Features the responder supports.'),
      lastCounterReceived: f.u32().about('Highest counter accepted from the peer under this key.'),
      nonce: f.fixedBytes(NONCE_BYTES).about('Fresh random nonce of the responder for this session (1.1).'),
      helloNonce: f.fixedBytes(NONCE_BYTES).about('The nonce of the Hello answered (1.1).'),
    }),
  },
  TimeSync: {
    type: 0x03,
    from: 'host',
    cfx: '',
    summary: 'Sets the station clock. A station with an invalid clock blocks MSD slots until this arrives.',
    schema: f.struct({
      utcTime: f.time().about('Host time, Unix seconds UTC.'),
      millis: f.u16().about('Milliseconds within the second (0..999).'),
    }),
  },
  StatusRequest: {
    type: 0x04,
    from: 'host',
    cfx: '',
    summary: 'Asks for a StatusReport.',
    schema: f.struct({}),
  },
  StatusReport: {
    type: 0x05,
    from: 'station',
    cfx: '',
    summary: 'The station state at a glance: run permit and why, work order, journal fill.',
    schema: f.struct({
      at: at(),
      clockValid: f.bool().about('The station clock has been synchronised since boot.'),
      runPermit: f.bool().about('The run-permit output is on.'),
      reasons: f.list(f.reason(), 16).about('Why the permit is off (empty when on).'),
      workOrderIdentifier: f.opt(workOrderId()).about('Active work order, if any.'),
      slotsTotal: f.u16().about('Slots in the active work order.'),
      slotsVerified: f.u16().about('Slots verified with an approved reel.'),
      journalPending: f.u32().about('Journal records not yet acknowledged by the host.'),
      journalFreeRecords: f.u32().about('Records the journal can still take.'),
      uptime: f.seconds().about('Seconds since boot.'),
      bootCount: f.u32().about('Boots since manufacture.'),
    }),
  },
  WorkOrderBegin: {
    type: 0x10,
    from: 'host',
    cfx: 'CFX.Production.GetRequiredSetupResponse / ValidateStationSetupRequest',
    summary:
      'Starts a work-order transfer. Slots follow in WorkOrderChunk messages; nothing takes effect until WorkOrderCommit.',
    schema: f.struct({
      transferId: f.u16().about('Names this transfer in its chunks and commit; greater than every transfer id used before in the session.'),
      workOrderIdentifier: workOrderId(),
      productIdentifier: f.str(32).about('Product (assembly) part number.'),
      bomRevision: f.str(16).about('BOM revision.'),
      recipeName: f.str(40).about('Machine program name; CFX RecipeName.'),
      recipeRevision: f.str(16).about('Machine program revision; CFX RecipeRevision.'),
      recipeChecksum: f.u32().about('Checksum of the approved program as the machine reports it.'),
      lane: f.u8().about('Conveyor lane; CFX Lane.'),
      timeToReflow: f.seconds().about('Time from placement to reflow, for the MSD margin.'),
      slotCount: f.u16().about('Slots in the whole work order, at least 1 (ClearWorkOrder ends a work order).'),
      chunkCount: f.u16().about('WorkOrderChunk messages that follow, 1..slotCount.'),
    }),
  },
  WorkOrderChunk: {
    type: 0x11,
    from: 'host',
    cfx: 'CFX MaterialSetupRequirements',
    summary: 'Carries some of the slots of a work order under transfer.',
    schema: f.struct({
      transferId: f.u16().about('Transfer this chunk belongs to.'),
      chunkIndex: f.u16().about('0-based position of the chunk.'),
      slots: f.list(SlotRequirement, 32).about('Slot requirements, as many as fit in a frame.'),
    }),
  },
  WorkOrderCommit: {
    type: 0x12,
    from: 'host',
    cfx: '',
    summary:
      'Makes a transferred work order active, atomically: the station applies it only if every chunk arrived and the digest matches, else it Nacks and keeps the old one.',
    schema: f.struct({
      transferId: f.u16().about('Transfer to commit.'),
      slotCount: f.u16().about('Slots sent in all chunks.'),
      chunkCount: f.u16().about('Chunks sent.'),
      digest: f.u32().about('CRC-32 of the WorkOrderBegin payload followed by every chunk payload in chunk order.'),
    }),
  },
  ClearWorkOrder: {
    type: 0x13,
    from: 'host',
    cfx: '',
    summary: 'Ends the active work order; the run permit goes off with NO_WORK_ORDER.',
    schema: f.struct({
      workOrderIdentifier: workOrderId(),
      comment: comment(),
    }),
  },
  ReelRecord: {
    type: 0x20,
    from: 'host',
    cfx: 'CFX.Materials.Management.MaterialsInitialized (MaterialPackageDetail + MaterialPackageMSDData)',
    summary: 'Pushes what the host knows of a reel, including its MSD exposure so far.',
    schema: f.struct({
      uniqueIdentifier: reelId(),
      internalPartNumber: ipn(),
      manufacturerPartNumber: mpn(),
      manufacturer: manufacturer(),
      manufacturerLotCode: lot(),
      quantity: f.u32().about('Parts on the reel; CFX Quantity.'),
      msdLevel: f.opt(f.enum(MSD_LEVELS)).about('J-STD-020 moisture sensitivity level; CFX MSDLevel.'),
      bodyThickness: f.opt(f.mm()).about('Package body thickness.'),
      thicknessClass: f.enum(THICKNESS_CLASSES).about('J-STD-033 derating class.'),
      floorLifeOverride: f.opt(f.seconds()).about('Floor life or MSL 6 time-on-label from the label or part master.'),
      sealDate: f.opt(f.time()).about('Dry-bag seal date, for shelf life.'),
      expiryDate: f.opt(f.time()).about('Shelf-life expiry; CFX ExpiryDate.'),
      exposure: f.opt(MsdSummary).about('MSD exposure history summary.'),
    }),
  },
  MsdEvent: {
    type: 0x21,
    from: 'either',
    cfx: 'CFX.Materials.Management.MSDManagement.MaterialsOpened / PlacedInDryStorage / RemovedFromDryStorage / Expired / Restored',
    summary: 'One step in a reel\'s moisture life, from the station or from the host (dry rooms, ovens).',
    schema: f.struct({
      at: at(),
      uniqueIdentifier: reelId(),
      event: f
        .enum(['opened', 'sealed', 'dry-in', 'dry-out', 'bake-start', 'bake-end', 'expired', 'restored', 'bake-interrupt', 'bake-resume'] as const)
        .about('What happened.'),
      hic10: f.opt(f.enum(HIC_SPOTS)).about('Humidity indicator card 10 % spot at opening.'),
      hic60: f.opt(f.enum(HIC_SPOTS)).about('Humidity indicator card 60 % spot at opening.'),
      tempC: f.opt(f.celsius()).about('Cabinet or oven temperature.'),
      rhPct: f.opt(f.percent()).about('Cabinet or oven relative humidity.'),
      carrier: f.opt(f.enum(CARRIERS)).about('Carrier during a bake.'),
      remainingExposureTime: f.opt(f.seconds()).about('Floor life left after the event; CFX RemainingExposureTime.'),
      operatorIdentifier: f.opt(operatorId()),
    }),
  },
  MslTableLoad: {
    type: 0x28,
    from: 'host',
    cfx: '',
    summary:
      'Loads one (thickness class, MSL level) block of a J-STD-033 floor-life derating table into the station, replacing the block it held for that pair. Tables are data: a fuller or licensed table needs no firmware change. The station validates the block whole and Acks, or Nacks and keeps the old one.',
    schema: f.struct({
      thicknessClass: f.enum(THICKNESS_CLASSES).about('Package body class the block rates.'),
      msdLevel: f.enum(MSD_LEVELS).about('Moisture sensitivity level the block rates.'),
      tableVersion: f.str(32).about('Version of the table, e.g. `J-STD-033D T7-1`; reported in floor-life decisions.'),
      provenance: f.str(240).about('Where the figures come from, for the audit trail.'),
      rhColumns: f.list(f.percent(), 12).about('Relative-humidity column bounds, ascending: a column rates RH up to its bound.'),
      rows: f
        .list(
          f.struct({
            tempC: f.celsius().about('Temperature row bound: the row rates temperatures up to it.'),
            hours: f
              .list(f.u16('h'), 12)
              .about('Floor life per column in hours: 0 = not rated, 65535 = unlimited. One value per column.'),
          }),
          8,
        )
        .about('Temperature rows, ascending.'),
    }),
  },
  LabelLayoutLoad: {
    type: 0x29,
    from: 'host',
    cfx: '',
    summary:
      'Loads one reel-label layout into the station (protocol 1.1), replacing the loaded layout with the same id. Layouts are data: a new supplier label needs no firmware change. The station validates the layout whole and Acks, or Nacks with LABEL_LAYOUT_INVALID (or LIMIT_EXCEEDED) and keeps the layouts it had.',
    schema: f.struct({
      layoutId: f.str(LABEL_LAYOUT_MAX.layoutId).about('Layout id, `[a-z0-9-]`, starting with a letter; reported as the format of the labels it reads. Built-in ids are refused.'),
      revision: f.u16().about('Revision of the layout, for the audit trail.'),
      provenance: f.str(LABEL_LAYOUT_MAX.provenance).about('Who made the layout and from which samples, for the audit trail.'),
      cut: f.enum(LABEL_LAYOUT_CUTS).about('How the scan is cut: `delimited` (pieces between a separator), `fixed` (columns), `tagged` (pieces that start with a tag), `envelope` (tagged pieces inside an ISO/IEC 15434 format-06 envelope).'),
      separator: f.str(LABEL_LAYOUT_MAX.separator).about('Delimited and tagged cuts: the text between pieces. Empty for fixed and envelope.'),
      prefix: f.str(LABEL_LAYOUT_MAX.prefix).about('Text the scan must start with (an anchor); cut off before the pieces are read.'),
      minLength: f.u16().about('Shortest scan the layout claims (characters, after scanner repairs).'),
      maxLength: f.u16().about('Longest scan the layout claims.'),
      minPieces: f.u8().about('Delimited, tagged and envelope cuts: fewest pieces.'),
      maxPieces: f.u8().about('Delimited, tagged and envelope cuts: most pieces.'),
      fields: f.list(LabelLayoutField, LABEL_LAYOUT_MAX.fields).about('The fields, each an anchor or a reel-label field.'),
    }),
  },
  LabelLayoutRemove: {
    type: 0x2a,
    from: 'host',
    cfx: '',
    summary: 'Removes a loaded reel-label layout (protocol 1.1). Built-in layouts cannot be removed. Nack LABEL_LAYOUT_UNKNOWN when the station holds no layout of that id.',
    schema: f.struct({
      layoutId: f.str(LABEL_LAYOUT_MAX.layoutId).about('Id of the loaded layout to remove.'),
    }),
  },
  ScanEvent: {
    type: 0x22,
    from: 'station',
    cfx: '',
    summary: 'A barcode scan exactly as the scanner delivered it, and what the station made of it.',
    schema: f.struct({
      at: at(),
      source: f.enum(['slot', 'reel', 'badge', 'board', 'other'] as const).about('What the operator scanned.'),
      data: f.bytes(320).about('Raw scanner bytes.'),
      result: f.reason().about('OK, or why the scan was refused.'),
      format: f.str(24).about('Recognised label format, empty if none.'),
    }),
  },
  SlotLoaded: {
    type: 0x23,
    from: 'station',
    cfx: 'CFX.Materials.Storage.MaterialsLoaded',
    summary: 'A reel was put on a slot (not yet verified).',
    schema: f.struct({
      at: at(),
      locationIdentifier: position(),
      uniqueIdentifier: reelId(),
      internalPartNumber: ipn(),
      quantity: f.u32().about('Parts on the reel; CFX Quantity.'),
      feederIdentifier: f.str(24).about('Feeder (carrier) id; CFX CarrierInformation.UniqueIdentifier. Empty if none.'),
    }),
  },
  SlotVerified: {
    type: 0x24,
    from: 'station',
    cfx: 'CFX.Materials.Storage.ValidateStationSetupResponse (per position)',
    summary: 'A slot passed verification with this reel.',
    schema: f.struct({
      at: at(),
      locationIdentifier: position(),
      uniqueIdentifier: reelId(),
      manufacturerPartNumber: mpn(),
      manufacturerLotCode: lot(),
      permission: f.enum(['primary', 'alternate', 'override'] as const).about('Under which approval the reel feeds.'),
      setupGeneration: f.u32().about('Station setup generation after the change.'),
    }),
  },
  SlotRejected: {
    type: 0x25,
    from: 'station',
    cfx: 'CFX.Materials.Storage.ValidateStationSetupResponse (failed)',
    summary: 'A slot failed verification; the reason says why.',
    schema: f.struct({
      at: at(),
      locationIdentifier: position(),
      uniqueIdentifier: reelId(),
      reason: f.reason().about('Why the reel may not feed this slot.'),
      detail: comment(),
    }),
  },
  SlotUnloaded: {
    type: 0x26,
    from: 'station',
    cfx: 'CFX.Materials.Storage.MaterialsUnloaded',
    summary: 'A reel was taken off a slot.',
    schema: f.struct({
      at: at(),
      locationIdentifier: position(),
      uniqueIdentifier: reelId(),
      remainingQuantity: f.opt(f.u32()).about('Parts left, if counted.'),
      setupGeneration: f.u32().about('Station setup generation after the change.'),
    }),
  },
  Splice: {
    type: 0x27,
    from: 'station',
    cfx: 'CFX.Materials.Storage.SplicePointDetected / CFX.Materials.Management.MaterialsJoined',
    summary: 'A new reel was spliced onto a running slot; the splice time ties boards to the right reel.',
    schema: f.struct({
      at: at(),
      locationIdentifier: position(),
      depletedUniqueIdentifier: reelId().about('Reel running out; CFX DepletedMaterial.'),
      newlyActiveUniqueIdentifier: reelId().about('Reel spliced on; CFX NewlyActiveMaterial.'),
      result: f.reason().about('OK, or why the splice was refused.'),
      setupGeneration: f.u32().about('Station setup generation after the change.'),
    }),
  },
  ProgramReport: {
    type: 0x30,
    from: 'station',
    cfx: 'CFX.Production.RecipeActivated',
    summary: 'The program the machine is running.',
    schema: f.struct({
      at: at(),
      recipeName: f.str(40).about('Program name; CFX RecipeName.'),
      recipeRevision: f.str(16).about('Program revision; CFX Revision.'),
      recipeChecksum: f.u32().about('Program checksum.'),
    }),
  },
  FirstOffRequest: {
    type: 0x31,
    from: 'station',
    cfx: '',
    summary: 'The first board of a work order is built and waits for inspection.',
    schema: f.struct({
      at: at(),
      workOrderIdentifier: workOrderId(),
      unitIdentifier: unitId(),
    }),
  },
  FirstOffResult: {
    type: 0x32,
    from: 'host',
    cfx: '',
    summary: 'The inspection verdict on the first-off board.',
    schema: f.struct({
      at: at(),
      unitIdentifier: unitId(),
      passed: f.bool().about('The board passed.'),
      inspector: operatorId(),
      reason: f.reason().about('OK, or FIRST_OFF_FAILED.'),
      comment: comment(),
    }),
  },
  OperatorLogin: {
    type: 0x33,
    from: 'either',
    cfx: 'CFX.Production.OperatorActivated',
    summary: 'An operator logged in at the station (or the host logged one in).',
    schema: f.struct({
      at: at(),
      operatorIdentifier: operatorId(),
      role: f.enum(OPERATOR_ROLES).about('What the operator may do.'),
    }),
  },
  OperatorLogout: {
    type: 0x34,
    from: 'either',
    cfx: 'CFX.Production.OperatorDeactivated',
    summary: 'An operator logged out.',
    schema: f.struct({
      at: at(),
      operatorIdentifier: operatorId(),
    }),
  },
  OverrideRequest: {
    type: 0x35,
    from: 'station',
    cfx: '',
    summary: 'An operator asks to run past one interlock reason for a limited time.',
    schema: f.struct({
      requestId: f.u16().about('Names the request in its grant and expiry.'),
      at: at(),
      reason: f.reason().about('The interlock reason to override.'),
      locationIdentifier: f.opt(position()).about('Slot concerned, if any.'),
      operatorIdentifier: operatorId(),
      duration: f.seconds().about('Time asked for.'),
      comment: comment(),
    }),
  },
  OverrideGrant: {
    type: 0x36,
    from: 'host',
    cfx: '',
    summary: 'The host grants or denies an override.',
    schema: f.struct({
      requestId: f.u16().about('Request answered.'),
      granted: f.bool().about('Granted (true) or denied.'),
      grantedBy: operatorId().about('Supervisor who decided.'),
      expiresAt: f.time().about('When the override lapses.'),
      reason: f.reason().about('OK, or OVERRIDE_DENIED.'),
    }),
  },
  OverrideExpired: {
    type: 0x37,
    from: 'station',
    cfx: '',
    summary: 'A granted override lapsed; its interlock applies again.',
    schema: f.struct({
      requestId: f.u16().about('Request that lapsed.'),
      at: at(),
    }),
  },
  SensorReading: {
    type: 0x38,
    from: 'station',
    cfx: '',
    summary:
      'The station\'s floor temperature and humidity as the MSL engine used them: journaled when the status changes and every 15 minutes, so an auditor can see the conditions each reel was charged at.',
    schema: f.struct({
      at: at(),
      status: f.enum(['ok', 'implausible', 'fault', 'stale'] as const).about('`ok`: a plausible sample; `implausible`: a reading outside physical plausibility or a sensor error code; `fault`: no answer; `stale`: no valid sample within the staleness limit.'),
      tempC: f.opt(f.celsius()).about('Temperature read, if any.'),
      rhPct: f.opt(f.percent()).about('Relative humidity read, if any.'),
      detail: f.str(40).about('What the sensor said, for the record.'),
    }),
  },
  ManualLotEntry: {
    type: 0x39,
    from: 'either',
    cfx: 'CFX.Materials.Management.MaterialsInitialized (manual)',
    summary:
      'Material without a readable label, entered by a technician or above with a reason: from a line terminal (host) or at the station. The station journals what it loaded; the reel is marked manual in every record and export.',
    schema: f.struct({
      at: at(),
      locationIdentifier: position(),
      uniqueIdentifier: f.str(32).about('Reel id the station assigned (`MAN-…`); empty from the host, which lets the station assign it.'),
      manufacturerPartNumber: mpn(),
      manufacturer: manufacturer(),
      manufacturerLotCode: lot(),
      quantity: f.u32().about('Parts counted or stated.'),
      dateCode: f.str(16).about('Date code as read off the package, empty if none.'),
      msdLevel: f.opt(f.enum(MSD_LEVELS)).about('Moisture sensitivity level, if the material is an MSD.'),
      operatorIdentifier: operatorId().about('Who entered it (technician or above).'),
      reason: comment().about('Why the label could not be scanned (faded, none, customer-supplied).'),
      customerSupplied: f.bool().about('Consigned material supplied by the customer; travels with the reel into every export.'),
    }),
  },
  QuickAssigned: {
    type: 0x3a,
    from: 'station',
    cfx: '',
    summary: 'Prototype mode: a reel was assigned to a BOM line by its first scan, without a host reel record. Marks the trace.',
    schema: f.struct({
      at: at(),
      locationIdentifier: position(),
      uniqueIdentifier: reelId(),
      manufacturerPartNumber: mpn(),
      operatorIdentifier: operatorId(),
    }),
  },
  StationHold: {
    type: 0x3b,
    from: 'either',
    cfx: 'CFX.Production.LockStationRequest / UnlockStationRequest',
    summary: 'The host locks the station (a hold that only adds an interlock: LOCKED_BY_HOST) or unlocks it; the station journals it.',
    schema: f.struct({
      at: at(),
      hold: f.bool().about('Lock (true) or unlock.'),
      lockReason: f.enum(['general', 'quality-issue', 'preventive-maintenance', 'unscheduled-maintenance'] as const).about('CFX LockReason.'),
      requestor: operatorId().about('Who asked; CFX Requestor.'),
      comment: comment(),
    }),
  },
  BadgeRecord: {
    type: 0x3c,
    from: 'host',
    cfx: 'CFX.InformationSystem.OperatorValidation',
    summary: 'Tells the station a badge and the role of its holder, so that badge logins work offline. `active: false` withdraws it.',
    schema: f.struct({
      badge: f.str(24).about('What the badge scan yields (after the badge prefix).'),
      operatorIdentifier: operatorId(),
      role: f.enum(OPERATOR_ROLES).about('What the holder may do.'),
      active: f.bool().about('The badge may log in.'),
    }),
  },
  FirstOffRestart: {
    type: 0x3d,
    from: 'either',
    cfx: '',
    summary: 'After a failed first-off and its correction, a supervisor allows one more first-off board.',
    schema: f.struct({
      at: at(),
      operatorIdentifier: operatorId().about('Supervisor who allowed it.'),
      comment: comment().about('What was corrected (NCR disposition).'),
    }),
  },
  MsdDisposition: {
    type: 0x3e,
    from: 'either',
    cfx: 'CFX.Materials.Management.MSDManagement.MaterialsRestored / BlockMaterialsRequest',
    summary: 'A supervisor releases an MSD reel after a bake the table has no value for (naming the specification), or scraps it.',
    schema: f.struct({
      at: at(),
      uniqueIdentifier: reelId(),
      action: f.enum(['release', 'scrap'] as const).about('Release the reel for use, or scrap it.'),
      operatorIdentifier: operatorId().about('Supervisor who decided.'),
      spec: f.str(64).about('The bake specification the release relies on (e.g. a J-STD-033 table or the maker\'s instruction).'),
    }),
  },
  BoardRecorded: {
    type: 0x40,
    from: 'station',
    cfx: 'CFX.Production.Assembly.MaterialsInstalled (by reference)',
    summary:
      'A board passed the station. Materials are traced by setup generation: the journaled slot events say which reel fed each slot in that generation.',
    schema: f.struct({
      at: at(),
      unitIdentifier: unitId(),
      workOrderIdentifier: workOrderId(),
      setupGeneration: f.u32().about('Setup generation the board was built with.'),
      journalSequence: f.u32().about('Journal record holding this board.'),
      lane: f.u8().about('Conveyor lane; CFX Lane.'),
    }),
  },
  InterlockChanged: {
    type: 0x41,
    from: 'station',
    cfx: 'CFX.Production.LockStationRequest (as a notification)',
    summary: 'The run permit changed, or the reasons behind it did.',
    schema: f.struct({
      at: at(),
      runPermit: f.bool().about('The run-permit output is on.'),
      reasons: f.list(f.reason(), 16).about('Every reason the permit is off (empty when on).'),
    }),
  },
  Alarm: {
    type: 0x42,
    from: 'station',
    cfx: '',
    summary: 'A condition an operator should see, raised or cleared.',
    schema: f.struct({
      at: at(),
      severity: f.enum(['info', 'warning', 'error', 'critical'] as const).about('How urgent.'),
      raised: f.bool().about('Raised (true) or cleared.'),
      reason: f.reason().about('What the alarm is about.'),
      locationIdentifier: f.opt(position()).about('Slot concerned, if any.'),
      text: f.str(80).about('Message for the operator.'),
    }),
  },
  BoardTrace: {
    type: 0x43,
    from: 'station',
    cfx: 'CFX.Production.Assembly.MaterialsInstalled / UnitsProcessed',
    summary:
      'A board passed the station (replaces BoardRecorded from 1.1 on). The rest of its trace is the journal before it: the active work order, program, operator, overrides and the reel on each slot in this setup generation.',
    schema: f.struct({
      at: at(),
      unitIdentifier: unitId(),
      setupGeneration: f.u32().about('Setup generation the board was built with.'),
      lane: f.u8().about('Conveyor lane; CFX Lane.'),
      firstOff: f.bool().about('This board is the first-off board awaiting inspection.'),
      permitOn: f.bool().about('The run permit was on when the machine reported the board (false is a critical alarm).'),
      msdRemaining: f
        .list(
          f.struct({
            slotIndex: f.u16().about('0-based index of the slot in the work order.'),
            remainingExposureTime: f.seconds().about('Floor life the reel on that slot had left.'),
          }),
          31,
        )
        .about('Floor life left of every MSD reel the board was built with.'),
    }),
  },
  WorkOrderActivated: {
    type: 0x44,
    from: 'station',
    cfx: 'CFX.Production.WorkStarted (work order basis)',
    summary: 'A work order (or a revision of it) became active: the basis every later board is built against.',
    schema: f.struct({
      at: at(),
      workOrderIdentifier: workOrderId(),
      productIdentifier: f.str(32).about('Product (assembly) part number.'),
      bomRevision: f.str(16).about('BOM revision.'),
      recipeName: f.str(40).about('Approved program name.'),
      recipeRevision: f.str(16).about('Approved program revision.'),
      recipeChecksum: f.u32().about('Approved program checksum.'),
      slotCount: f.u16().about('Slots in the work order.'),
      digest: f.u32().about('CRC-32 of the work order as committed, so the host document it was built from can be matched.'),
      prototype: f.bool().about('A prototype order (quick assign allowed).'),
      plannedQuantity: f.u32().about('Boards planned; 0 if not stated.'),
    }),
  },
  AlarmAck: {
    type: 0x45,
    from: 'station',
    cfx: '',
    summary: 'Raised alarms were acknowledged (by a technician at the station, the host, or the PLC).',
    schema: f.struct({
      at: at(),
      operatorIdentifier: operatorId().about('Who acknowledged (`PLC` for a Modbus write, `HOST` for the host).'),
      count: f.u16().about('Alarms acknowledged.'),
    }),
  },
  WorkOrderTerms: {
    type: 0x46,
    from: 'host',
    cfx: '',
    summary: 'Optional part of a work-order transfer, between Begin and Commit: planned quantity and the prototype flag.',
    schema: f.struct({
      transferId: f.u16().about('Transfer these terms belong to.'),
      prototype: f.bool().about('A prototype order of 1 to 5 boards: quick assign allowed. Needs maxBoards 1..5 and plannedQuantity ≤ 5, else PROTOTYPE_QUANTITY_INVALID.'),
      plannedQuantity: f.u32().about('Boards planned; 0 if not stated.'),
      maxBoards: f.u16().about('The station holds after this many boards (BOARD_LIMIT_REACHED); 0 = no limit.'),
    }),
  },
  StationBooted: {
    type: 0x47,
    from: 'station',
    cfx: '',
    summary: 'The station started: what it restored, what recovery found, and how it knows the time.',
    schema: f.struct({
      at: at(),
      bootCount: f.u32().about('Boots since manufacture.'),
      softwareVersion: f.str(24).about('Firmware version.'),
      clockSource: f.enum(['none', 'rtc-untrusted', 'rtc-trusted'] as const).about('What the wall clock rests on until the host syncs it.'),
      restoredUpTo: f.u32().about('Journal sequence the restored state was checkpointed at.'),
      rolledForward: f.u16().about('Journal records after the checkpoint, applied conservatively (slots they touched must be scanned again).'),
      reasons: f.list(f.reason(), 8).about('What storage recovery reported (torn tail, corruption, …).'),
    }),
  },
  PlcWriteAccepted: {
    type: 0x48,
    from: 'station',
    cfx: '',
    summary:
      'A line PLC wrote to the station over Modbus and the station accepted it (journaled; none of these writes can turn the run permit on).',
    schema: f.struct({
      at: at(),
      transport: f.enum(MODBUS_TRANSPORTS).about('Modbus RTU (serial line) or Modbus TCP.'),
      unitId: f.u8().about('RTU slave address the request carried (0: broadcast), or the TCP unit id.'),
      peer: f.str(48).about('Where it came from: the TCP client address and port, or the serial port.'),
      write: f.enum(PLC_WRITE_KINDS).about('What the PLC asked: acknowledge alarms, re-verify, or the watchdog heartbeat.'),
      slot: f.opt(f.u16()).about('Re-verify: the slot entry (0-based); absent for every slot.'),
      value: f.u16().about('Heartbeat: the value written; 0 otherwise.'),
    }),
  },
  ReelIdentified: {
    type: 0x4c,
    from: 'station',
    cfx: '',
    summary:
      'What the label of a reel said beyond SlotVerified (1.1): journaled when a reel starts feeding a slot (loaded, moved or spliced on), just before its SlotVerified, so the trace carries each scanned reel\'s manufacturer and date code.',
    schema: f.struct({
      at: at(),
      locationIdentifier: position(),
      uniqueIdentifier: reelId(),
      labelFormat: f.str(24).about('Label format or layout that read the label (as in ScanEvent.format).'),
      manufacturer: manufacturer().about('Manufacturer as the label names it; empty when the label names none.'),
      dateCode: f.str(32).about('Date code exactly as on the label (9D, 10D, … verbatim, not converted); empty when the label has none. A longer one ends in `…`.'),
      msdLevel: f.opt(f.enum(MSD_LEVELS)).about('Moisture sensitivity level printed on the label, if any.'),
    }),
  },
  JournalRead: {
    type: 0x50,
    from: 'host',
    cfx: '',
    summary: 'Asks for journal records from a sequence number on.',
    schema: f.struct({
      fromSequence: f.u32().about('First sequence number wanted.'),
      maxRecords: f.u8().about('At most this many records in the answer.'),
    }),
  },
  JournalRecords: {
    type: 0x51,
    from: 'station',
    cfx: '',
    summary: 'Journal records, in sequence order, as many as fit in a frame.',
    schema: f.struct({
      records: f.list(JournalRecord, 16).about('Records in sequence order.'),
      moreAvailable: f.bool().about('More records follow the last one.'),
    }),
  },
  JournalAck: {
    type: 0x52,
    from: 'host',
    cfx: '',
    summary: 'The host has stored every record up to and including this sequence number; the station may reclaim them.',
    schema: f.struct({
      upToSequence: f.u32().about('Last sequence number stored by the host.'),
    }),
  },
  Ack: {
    type: 0x7e,
    from: 'either',
    cfx: '',
    summary: 'A frame was accepted and acted on.',
    schema: f.struct({
      ackedCounter: f.u32().about('Counter of the frame acknowledged.'),
      ackedType: f.u8().about('Its message type.'),
    }),
  },
  Nack: {
    type: 0x7f,
    from: 'either',
    cfx: '',
    summary: 'A frame was refused; nothing changed. Sent only for frames that authenticated.',
    schema: f.struct({
      ackedCounter: f.u32().about('Counter of the frame refused.'),
      ackedType: f.u8().about('Its message type (raw, it may be unknown).'),
      reason: f.reason().about('Why.'),
      detail: f.u32().about('Extra data: for VERSION_UNSUPPORTED our version byte, for REPLAY the last counter accepted (the peer resumes above it).'),
    }),
  },
} as const satisfies Record<string, MessageDef>;
// Preloaded into flash on a device: frozen, so XS keeps no RAM pointer for each of its objects (frozen.ts).
frozen(MESSAGES);

export type MessageName = keyof typeof MESSAGES;
export type MessageBody<N extends MessageName> = Infer<(typeof MESSAGES)[N]['schema']>;
/** A decoded message: its name and its body. */
export type Message = { [N in MessageName]: { readonly type: N; readonly body: MessageBody<N> } }[MessageName];

const BY_TYPE: ReadonlyMap<number, MessageName> = new Map(
  (Object.keys(MESSAGES) as MessageName[]).map((name) => [MESSAGES[name].type, name]),
);

export function messageNameOf(type: number): MessageName | undefined {
  return BY_TYPE.get(type);
}
