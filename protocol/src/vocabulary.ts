// The enumerations the messages are written in, on their own so that domain code can use them without pulling
// in every message schema with them. Order matters: a value's index is its wire encoding.
export const MSD_LEVELS = ['1', '2', '2a', '3', '4', '5', '5a', '6'] as const;
export type MsdLevel = (typeof MSD_LEVELS)[number];
export const THICKNESS_CLASSES = ['unknown', 'thick', 'medium', 'thin'] as const;
export const MSD_STATES = ['sealed', 'exposed', 'paused', 'expired', 'needs-bake', 'blocked-unrated'] as const;
export const STATION_ROLES = ['feeder-cart', 'placement', 'reflow', 'inspection', 'other'] as const;
export const CAPABILITIES = [
  'reel-verification',
  'msl',
  'program-interlock',
  'first-off',
  'journal',
  'modbus-rtu',
  'modbus-tcp',
  'msl-table-load',
  'label-layout-load',
] as const;
export const OPERATOR_ROLES = ['operator', 'technician', 'supervisor', 'engineer'] as const;
export const HIC_SPOTS = ['blue', 'pink'] as const;
export const CARRIERS = ['tape-reel', 'tray', 'tube', 'bulk', 'tube-high-temp'] as const;
/** The station's state machine, as Modbus and StatusReport show it (a value's index is its register value). */
export const STATION_STATES = ['booting', 'no-work-order', 'setup', 'ready', 'running', 'hold', 'fault'] as const;
export type StationState = (typeof STATION_STATES)[number];
/** A slot's state as Modbus shows it (index = register value). */
export const SLOT_STATES = ['empty', 'verified', 'rejected', 'bom-changed', 'override'] as const;
export type SlotStateName = (typeof SLOT_STATES)[number];
/** Bounds of a reel-label layout (LabelLayoutLoad): text fields in bytes (layouts are ASCII), and the field count. */
export const LABEL_LAYOUT_MAX = { layoutId: 24, provenance: 64, separator: 4, prefix: 24, tag: 6, chars: 32, equals: 24, fields: 16 } as const;
/** How a reel-label layout cuts a scan into fields (LabelLayoutLoad, protocol 1.1). */
export const LABEL_LAYOUT_CUTS = ['delimited', 'fixed', 'tagged', 'envelope'] as const;
/** What a field of a reel-label layout means: a ReelLabel field, or `check` (an anchor, not reported) or `ignore`. */
export const LABEL_FIELD_ROLES = [
  'ignore',
  'check',
  'mpn',
  'qty',
  'lot',
  'dateCode',
  'customerPn',
  'supplierPn',
  'customerPo',
  'salesOrder',
  'countryOfOrigin',
  'manufacturer',
  'msl',
  'reelId',
  'expiryDate',
] as const;
/** How a field's text becomes its value: as printed, a whole number, a decimal whole number (`4000.000`), significant digits + zero count (KOA `253` = 25000), an MSL. */
export const LABEL_FIELD_CODINGS = ['text', 'integer', 'decimal', 'sig-zeros', 'msl'] as const;
/** Which padding spaces a field loses before it is checked. */
export const LABEL_FIELD_TRIMS = ['none', 'both', 'start', 'end'] as const;
/** The writes a line PLC may make over Modbus (PlcWrite in station-view.ts), as journaled (index = wire value). */
export const PLC_WRITE_KINDS = ['ack-alarms', 'reverify', 'heartbeat'] as const;
export type PlcWriteKind = (typeof PLC_WRITE_KINDS)[number];
/** How a Modbus request reached the station. */
export const MODBUS_TRANSPORTS = ['rtu', 'tcp'] as const;
