// The enumerations the messages are written in, on their own so that domain code can use them without pulling
// in every message schema (and typed-binary) with them. Order matters: a value's index is its wire encoding.
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
