// The message catalogue: one typed-binary schema per message type. This table is the source of truth for the
// payload layouts, the TypeScript types (inferred, never restated) and the message tables of PROTOCOL.md.
// Field names follow IPC-CFX (camelCased) wherever the meaning is the same.
import { f, type Infer } from './fields';
import { CAPABILITIES, CARRIERS, HIC_SPOTS, MODBUS_TRANSPORTS, MSD_LEVELS, MSD_STATES, OPERATOR_ROLES, PLC_WRITE_KINDS, STATION_ROLES, THICKNESS_CLASSES } from './vocabulary';
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
      'Opens a session. Its layout is frozen for the major version, so it is read at any minor; a newer peer may append fields, which are ignored.',
    schema: f.struct({
      softwareVersion: f.str(24).about('Firmware or host software version.'),
      role: f.enum(STATION_ROLES).about('What the sender is (a host says `other`).'),
      capabilities: f.flags(CAPABILITIES).about('Features the sender supports.'),
      maxFrameBytes: f.u16().about('Largest frame on the wire the sender accepts.'),
      maxSlots: f.u16().about('Most slots a work order may have on this station.'),
      maxReels: f.u16().about('Most reel records the station caches.'),
      journalCapacity: f.u32().about('Journal size in records.'),
      lastCounterReceived: f.u32().about('Highest counter accepted from the peer under this key (0: none), so a peer that lost its counter can resume above it.'),
    }),
  },
  HelloAck: {
    type: 0x02,
    from: 'either',
    cfx: '',
    summary: 'Answers Hello with the minor version both ends will use. Frozen like Hello.',
    schema: f.struct({
      protocolMinor: f.u8().about('Minor version for the session: the lower of the two.'),
      softwareVersion: f.str(24).about('Responder software version.'),
      capabilities: f.flags(CAPABILITIES).about('Features the responder supports.'),
      lastCounterReceived: f.u32().about('Highest counter accepted from the peer under this key.'),
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
      transferId: f.u16().about('Names this transfer in its chunks and commit.'),
      workOrderIdentifier: workOrderId(),
      productIdentifier: f.str(32).about('Product (assembly) part number.'),
      bomRevision: f.str(16).about('BOM revision.'),
      recipeName: f.str(40).about('Machine program name; CFX RecipeName.'),
      recipeRevision: f.str(16).about('Machine program revision; CFX RecipeRevision.'),
      recipeChecksum: f.u32().about('Checksum of the approved program as the machine reports it.'),
      lane: f.u8().about('Conveyor lane; CFX Lane.'),
      timeToReflow: f.seconds().about('Time from placement to reflow, for the MSD margin.'),
      slotCount: f.u16().about('Slots in the whole work order.'),
      chunkCount: f.u16().about('WorkOrderChunk messages that follow.'),
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
      digest: f.u32().about('CRC-32 of the chunk payloads concatenated in chunk order.'),
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
        .enum(['opened', 'sealed', 'dry-in', 'dry-out', 'bake-start', 'bake-end', 'expired', 'restored'] as const)
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
      detail: f.u32().about('Extra data: for VERSION_UNSUPPORTED our version byte, for REPLAY the last counter accepted.'),
    }),
  },
} as const satisfies Record<string, MessageDef>;

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
