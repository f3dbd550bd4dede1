// One realistic example body per message type. The conformance vectors and PROTOCOL.md are generated from
// these; `satisfies` makes the compiler check each against its schema's inferred type.
import type { MessageBody, MessageName } from '../src/messages';
import type { LocalHello } from '../src/session';

const T0 = 1_795_000_000; // 2026-11-18T09:46:40Z

/** A fixed 16-byte nonce for the examples (real ones come from the RNG). */
const nonce = (seed: number) => Uint8Array.from({ length: 16 }, (_, i) => (seed + i * 37) & 0xff);

const slot = (n: number) => ({
  position: `B1.F.${n}`,
  bomLine: `${10 * n}`,
  internalPartNumber: `IPN-100-${4700 + n}`,
  msd: n % 3 === 0,
  thicknessClass: n % 3 === 0 ? ('thick' as const) : ('unknown' as const),
  approvedParts: [
    { manufacturerPartNumber: 'GRM188R71C104KA01D', manufacturer: 'Murata', permission: 'primary' as const },
    { manufacturerPartNumber: 'CL10B104KO8NNNC', manufacturer: 'Samsung Electro-Mechanics', permission: 'alternate' as const },
  ],
});

export const EXAMPLES: { readonly [N in MessageName]: MessageBody<N> } = {
  Hello: {
    softwareVersion: 'warden-fw 0.1.0',
    role: 'placement',
    capabilities: ['reel-verification', 'msl', 'program-interlock', 'first-off', 'journal', 'modbus-tcp'],
    maxFrameBytes: 512,
    maxSlots: 160,
    maxReels: 256,
    journalCapacity: 8192,
    lastCounterReceived: 0,
    nonce: nonce(0x5a),
  },
  HelloAck: {
    protocolMinor: 1,
    softwareVersion: 'warden-mes 2.3.1',
    capabilities: ['journal', 'msl-table-load'],
    lastCounterReceived: 1,
    nonce: nonce(0xa5),
    helloNonce: nonce(0x5a),
  },
  TimeSync: { utcTime: T0, millis: 250 },
  StatusRequest: {},
  StatusReport: {
    at: T0 + 5,
    clockValid: true,
    runPermit: false,
    reasons: ['SLOT_NOT_VERIFIED', 'FIRST_OFF_PENDING'],
    workOrderIdentifier: 'WO-2026-11873',
    slotsTotal: 120,
    slotsVerified: 117,
    journalPending: 42,
    journalFreeRecords: 8001,
    uptime: 86_400,
    bootCount: 17,
  },
  WorkOrderBegin: {
    transferId: 1,
    workOrderIdentifier: 'WO-2026-11873',
    productIdentifier: 'PCBA-7731-01',
    bomRevision: 'C',
    recipeName: 'PCBA-7731-TOP',
    recipeRevision: '12',
    recipeChecksum: 0x5eed1234,
    lane: 1,
    timeToReflow: 4 * 3600,
    slotCount: 2,
    chunkCount: 1,
  },
  WorkOrderChunk: { transferId: 1, chunkIndex: 0, slots: [slot(45), slot(46)] },
  WorkOrderCommit: { transferId: 1, slotCount: 2, chunkCount: 1, digest: 0xa0259839 }, // CRC-32 of the Begin and chunk payloads
  ClearWorkOrder: { workOrderIdentifier: 'WO-2026-11873', comment: 'lot complete' },
  ReelRecord: {
    uniqueIdentifier: 'R-2026-000471',
    internalPartNumber: 'IPN-100-4745',
    manufacturerPartNumber: 'STM32G474RET6',
    manufacturer: 'STMicroelectronics',
    manufacturerLotCode: 'GQ2316A7',
    quantity: 960,
    msdLevel: '3',
    bodyThickness: 1.4,
    thicknessClass: 'thin',
    sealDate: T0 - 90 * 86_400,
    exposure: {
      msdState: 'exposed',
      consumedFraction: 0.125,
      remainingExposureTime: 147 * 3600,
      originalExposureDateTime: T0 - 21 * 3600,
      lastExposureDateTime: T0 - 3 * 3600,
      bakeTimeTotal: 0,
    },
  },
  MsdEvent: {
    at: T0 + 60,
    uniqueIdentifier: 'R-2026-000471',
    event: 'opened',
    hic10: 'blue',
    hic60: 'blue',
    tempC: 23.5,
    rhPct: 41.2,
    remainingExposureTime: 168 * 3600,
    operatorIdentifier: 'OP-0042',
  },
  MslTableLoad: {
    thicknessClass: 'thick',
    msdLevel: '3',
    tableVersion: 'J-STD-033 T7-1 thick',
    provenance: 'public copy of J-STD-033 Table 7-1',
    rhColumns: [5, 10, 20, 30, 40, 50, 60, 70, 80, 90],
    rows: [
      { tempC: 20, hours: [65535, 65535, 408, 336, 312, 288, 288, 240, 192, 168] },
      { tempC: 25, hours: [65535, 65535, 312, 264, 240, 216, 216, 168, 144, 120] },
      { tempC: 30, hours: [65535, 65535, 240, 216, 192, 168, 168, 120, 96, 96] },
      { tempC: 35, hours: [65535, 65535, 192, 168, 144, 144, 144, 96, 72, 72] },
    ],
  },
  ScanEvent: {
    at: T0 + 61,
    source: 'reel',
    data: new Uint8Array([
      ...'[)>\x1e06\x1dP\x1d1PSTM32G474RET6\x1dQ960\x1d1TGQ2316A7\x1e\x04'.split('').map((c) => c.charCodeAt(0)),
    ]),
    result: 'OK',
    format: 'eigp114-manufacturer',
  },
  SlotLoaded: {
    at: T0 + 62,
    locationIdentifier: 'B1.F.45',
    uniqueIdentifier: 'R-2026-000471',
    internalPartNumber: 'IPN-100-4745',
    quantity: 960,
    feederIdentifier: 'FDR-08-0045123',
  },
  SlotVerified: {
    at: T0 + 63,
    locationIdentifier: 'B1.F.45',
    uniqueIdentifier: 'R-2026-000471',
    manufacturerPartNumber: 'STM32G474RET6',
    manufacturerLotCode: 'GQ2316A7',
    permission: 'primary',
    setupGeneration: 118,
  },
  SlotRejected: {
    at: T0 + 64,
    locationIdentifier: 'B1.F.46',
    uniqueIdentifier: 'R-2026-000502',
    reason: 'WRONG_PART',
    detail: 'GRM188R71H103KA01D is not approved for B1.F.46',
  },
  SlotUnloaded: { at: T0 + 3600, locationIdentifier: 'B1.F.45', uniqueIdentifier: 'R-2026-000471', remainingQuantity: 12, setupGeneration: 119 },
  Splice: {
    at: T0 + 3700,
    locationIdentifier: 'B1.F.45',
    depletedUniqueIdentifier: 'R-2026-000471',
    newlyActiveUniqueIdentifier: 'R-2026-000533',
    result: 'OK',
    setupGeneration: 120,
  },
  ProgramReport: { at: T0 + 10, recipeName: 'PCBA-7731-TOP', recipeRevision: '12', recipeChecksum: 0x5eed1234 },
  FirstOffRequest: { at: T0 + 400, workOrderIdentifier: 'WO-2026-11873', unitIdentifier: 'SN7731-000001' },
  FirstOffResult: {
    at: T0 + 900,
    unitIdentifier: 'SN7731-000001',
    passed: true,
    inspector: 'QA-0007',
    reason: 'OK',
    comment: 'AOI and visual OK',
  },
  OperatorLogin: { at: T0 + 1, operatorIdentifier: 'OP-0042', role: 'operator' },
  OperatorLogout: { at: T0 + 28_800, operatorIdentifier: 'OP-0042' },
  OverrideRequest: {
    requestId: 9,
    at: T0 + 1200,
    reason: 'MSD_REMAINING_LOW',
    locationIdentifier: 'B1.F.12',
    operatorIdentifier: 'OP-0042',
    duration: 1800,
    comment: 'finish last 20 boards',
  },
  OverrideGrant: { requestId: 9, granted: true, grantedBy: 'SUP-0003', expiresAt: T0 + 3000, reason: 'OK' },
  OverrideExpired: { requestId: 9, at: T0 + 3000 },
  BoardRecorded: {
    at: T0 + 1300,
    unitIdentifier: 'SN7731-000017',
    workOrderIdentifier: 'WO-2026-11873',
    setupGeneration: 120,
    journalSequence: 40_112,
    lane: 1,
  },
  InterlockChanged: { at: T0 + 1310, runPermit: false, reasons: ['MSD_EXPIRED'] },
  Alarm: {
    at: T0 + 1310,
    severity: 'critical',
    raised: true,
    reason: 'MSD_EXPIRED',
    locationIdentifier: 'B1.F.12',
    text: 'Reel R-2026-000388 floor life used up: remove and bake',
  },
  JournalRead: { fromSequence: 40_100, maxRecords: 8 },
  JournalRecords: {
    records: [
      { sequence: 40_100, at: T0 + 1250, recordType: 0x40, data: new Uint8Array([0x12, 0x34, 0x56]) },
      { sequence: 40_101, at: T0 + 1270, recordType: 0x41, data: new Uint8Array([0x00, 0x01]) },
    ],
    moreAvailable: true,
  },
  JournalAck: { upToSequence: 40_101 },
  Ack: { ackedCounter: 1042, ackedType: 0x23 },
  Nack: { ackedCounter: 1043, ackedType: 0x99, reason: 'UNKNOWN_MESSAGE_TYPE', detail: 0 },
};

/** The station secret of every vector (provisioned under EXAMPLE_STATION_ID, EXAMPLE_KEY_ID). */
export const EXAMPLE_SECRET_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
export const EXAMPLE_STATION_ID = 7;
export const EXAMPLE_KEY_ID = 1;

/** The example station's and host's own Hello fields, and the nonces their random sources give. */
const { lastCounterReceived: _l, nonce: stationNonce, ...stationLocal } = EXAMPLES.Hello;
export const EXAMPLE_STATION_LOCAL: LocalHello = stationLocal;
export const EXAMPLE_HOST_LOCAL: LocalHello = {
  softwareVersion: EXAMPLES.HelloAck.softwareVersion,
  role: 'other',
  capabilities: EXAMPLES.HelloAck.capabilities,
  maxFrameBytes: 512,
  maxSlots: 0,
  maxReels: 0,
  journalCapacity: 0,
};
export const EXAMPLE_STATION_NONCE = stationNonce;
export const EXAMPLE_HOST_NONCE = EXAMPLES.HelloAck.nonce;
