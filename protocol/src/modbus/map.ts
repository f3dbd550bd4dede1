// The station's Modbus register map, version 1: the one definition that the server reads, clients decode and
// REGISTER-MAP.md is generated from. Addresses are 0-based protocol addresses (a PLC that counts from 1 adds 1).
// Released addresses never move and never change meaning: the map only grows, into reserved registers or past
// its end, and MAP_VERSION says which layout a station serves.
import { REASONS, type ReasonName } from '../reasons';
import type { PlcWrite, SlotView, StationView } from '../station-view';
import { SLOT_STATES, STATION_STATES } from '../vocabulary';
import type { ModbusCounters } from './counters';
import { frozen } from '../frozen';

export const MAP_VERSION = 1;

/** How a field is written into registers (REGISTER-MAP.md explains each). */
export type FieldType = 'u16' | 'bool' | 'enum' | 'reason' | 'minutes' | 'u32' | 'ascii';

interface FieldBase {
  /** Registers from the start of its block. */
  readonly offset: number;
  readonly name: string;
  readonly meaning: string;
}

/** One register holding a number. */
export interface WordField<S> extends FieldBase {
  readonly type: 'u16' | 'bool' | 'enum' | 'reason' | 'minutes';
  /** For `enum`: the vocabulary whose index is the value. */
  readonly values?: readonly string[];
  readonly get: (s: S) => number;
}

/** Two registers, high word first. */
export interface U32Field<S> extends FieldBase {
  readonly type: 'u32';
  readonly get: (s: S) => number;
}

/** Text, two characters per register, first character in the high byte, padded with 0x00. */
export interface AsciiField<S> extends FieldBase {
  readonly type: 'ascii';
  readonly words: number;
  readonly get: (s: S) => string;
}

export type Field<S> = WordField<S> | U32Field<S> | AsciiField<S>;

export function fieldWords<S>(f: Field<S>): number {
  return f.type === 'u32' ? 2 : f.type === 'ascii' ? f.words : 1;
}

/** A block of input registers: fields at fixed offsets; registers no field covers are reserved and read 0. */
export interface Block<S> {
  readonly name: string;
  readonly base: number;
  readonly length: number;
  readonly meaning: string;
  readonly fields: readonly Field<S>[];
}

// ---- value conversions: total on any number the runtime hands over ------------------------------------------

/** Whole, non-negative, saturating at 0xFFFF; NaN and negatives read 0. */
export function sat16(n: number): number {
  return n > 0 ? (n >= 0xffff ? 0xffff : Math.floor(n)) : 0;
}

export function sat32(n: number): number {
  return n > 0 ? (n >= 0xffffffff ? 0xffffffff : Math.floor(n)) : 0;
}

/** Minutes: 0xFFFF means none, so a real value saturates at 0xFFFE. */
export const NO_MINUTES = 0xffff;
export function minutes(n: number | null): number {
  return n === null ? NO_MINUTES : Math.min(sat16(n), 0xfffe);
}

/** Index in a vocabulary; 0xFFFF for a value the vocabulary does not have. */
export function enumIndex(values: readonly string[], v: string): number {
  const i = values.indexOf(v);
  return i < 0 ? 0xffff : i;
}

/** The number of a reason (protocol/src/reasons.ts); a name this version does not know reads INTERNAL_ERROR. */
export function reasonCode(name: ReasonName): number {
  return (REASONS as Record<string, { code: number } | undefined>)[name]?.code ?? REASONS.INTERNAL_ERROR.code;
}

const bit = (b: boolean): number => (b ? 1 : 0);

// ---- input registers (FC 04) ----------------------------------------------------------------------------------

/** The header block. Its addresses are fixed for every map version. */
export const HEADER: Block<StationView> = {
  name: 'header',
  base: 0,
  length: 16,
  meaning: 'The station at a glance. Fixed for every map version: a PLC may rely on these 16 registers forever.',
  fields: [
    { offset: 0, name: 'mapVersion', type: 'u16', meaning: `Register map version (${MAP_VERSION}).`, get: () => MAP_VERSION },
    { offset: 1, name: 'stationState', type: 'enum', values: STATION_STATES, meaning: 'State of the station.', get: (v) => enumIndex(STATION_STATES, v.state) },
    { offset: 2, name: 'runPermit', type: 'bool', meaning: 'The run-permit output is on.', get: (v) => bit(v.runPermit) },
    {
      offset: 3,
      name: 'primaryReason',
      type: 'reason',
      meaning: 'The most important reason the permit is off; 0 when it is on.',
      get: (v) => (v.reasons.length > 0 ? reasonCode(v.reasons[0]!) : 0),
    },
    { offset: 4, name: 'activeReasons', type: 'u16', meaning: 'How many reasons hold the permit off (the list at 16 shows the first 16).', get: (v) => sat16(v.reasons.length) },
    { offset: 5, name: 'slotsRequired', type: 'u16', meaning: 'Slots the work order requires.', get: (v) => sat16(v.slotsRequired) },
    { offset: 6, name: 'slotsVerified', type: 'u16', meaning: 'Slots verified with an approved reel.', get: (v) => sat16(v.slotsVerified) },
    { offset: 7, name: 'msdReels', type: 'u16', meaning: 'Moisture-sensitive reels loaded.', get: (v) => sat16(v.msdReels) },
    {
      offset: 8,
      name: 'leastMsdRemaining',
      type: 'minutes',
      meaning: 'Least floor life left among loaded MSD reels, minutes; 0xFFFF when none is loaded.',
      get: (v) => minutes(v.leastMsdRemainingMin),
    },
    { offset: 9, name: 'journalPending', type: 'u16', meaning: 'Journal records the host has not acknowledged yet.', get: (v) => sat16(v.journalPending) },
    { offset: 10, name: 'uptime', type: 'u32', meaning: 'Seconds since boot.', get: (v) => sat32(v.uptimeS) },
    { offset: 12, name: 'boardsRecorded', type: 'u32', meaning: 'Boards recorded since the counter was last reset.', get: (v) => sat32(v.boardsRecorded) },
    { offset: 14, name: 'hostOnline', type: 'bool', meaning: 'The host (MES) link is up.', get: (v) => bit(v.hostOnline) },
    { offset: 15, name: 'clockValid', type: 'bool', meaning: 'The station clock is valid (synchronised or kept by a trusted RTC).', get: (v) => bit(v.clockValid) },
  ],
};

/** How many reasons the reason list shows. */
export const REASON_LIST_LENGTH = 16;

export const REASON_LIST: Block<StationView> = {
  name: 'reasons',
  base: 16,
  length: REASON_LIST_LENGTH,
  meaning: 'Every reason the permit is off, most important first, as reason codes; 0 after the last.',
  fields: Array.from({ length: REASON_LIST_LENGTH }, (_, i) => ({
    offset: i,
    name: `reason[${i}]`,
    type: 'reason' as const,
    meaning: i === 0 ? 'The first (most important) reason; the same as register 3.' : `Reason ${i + 1}.`,
    get: (v: StationView) => (i < v.reasons.length ? reasonCode(v.reasons[i]!) : 0),
  })),
};

/** Slot entries the map shows; a work order with more slots shows its first MAP_SLOTS. */
export const MAP_SLOTS = 256;

export const WORK_ORDER: Block<StationView> = {
  name: 'workOrder',
  base: 32,
  length: 64,
  meaning: 'The active work order. Text is ASCII (other characters read `?`), truncated to the field.',
  fields: [
    { offset: 0, name: 'workOrderLoaded', type: 'bool', meaning: 'A work order is active.', get: (v) => bit(v.workOrder !== undefined) },
    { offset: 1, name: 'identifier', type: 'ascii', words: 16, meaning: 'Work order id (32 characters).', get: (v) => v.workOrder?.identifier ?? '' },
    { offset: 17, name: 'bomRevision', type: 'ascii', words: 8, meaning: 'BOM revision (16 characters).', get: (v) => v.workOrder?.bomRevision ?? '' },
    { offset: 25, name: 'recipeName', type: 'ascii', words: 20, meaning: 'Machine program name (40 characters).', get: (v) => v.workOrder?.recipeName ?? '' },
    { offset: 45, name: 'recipeRevision', type: 'ascii', words: 8, meaning: 'Machine program revision (16 characters).', get: (v) => v.workOrder?.recipeRevision ?? '' },
    {
      offset: 53,
      name: 'slotsListed',
      type: 'u16',
      meaning: `Slot entries in use from register 128 on (the work order's slots, at most ${MAP_SLOTS}).`,
      get: (v) => Math.min(v.slots.length, MAP_SLOTS),
    },
  ],
};

export const DIAGNOSTICS: Block<ModbusCounters> = {
  name: 'diagnostics',
  base: 96,
  length: 32,
  meaning:
    'Counters of the server that answers (the serial line for RTU, the TCP listener for TCP), u32 each, since boot; they wrap at 2³².',
  fields: [
    { offset: 0, name: 'requests', type: 'u32', meaning: 'Well-framed requests for this server (RTU: its address or broadcast).', get: (c) => c.requests >>> 0 },
    { offset: 2, name: 'busFrames', type: 'u32', meaning: 'RTU: frames seen on the bus, any address, good or bad. TCP: ADUs received.', get: (c) => c.busFrames >>> 0 },
    { offset: 4, name: 'crcErrors', type: 'u32', meaning: 'RTU frames dropped for a bad CRC.', get: (c) => c.crcErrors >>> 0 },
    {
      offset: 6,
      name: 'frameErrors',
      type: 'u32',
      meaning: 'Frames dropped for framing: RTU gap over 1.5 characters, overrun or too short; TCP bad protocol id or length.',
      get: (c) => c.frameErrors >>> 0,
    },
    { offset: 8, name: 'exceptions', type: 'u32', meaning: 'Exception responses sent.', get: (c) => c.exceptions >>> 0 },
    { offset: 10, name: 'noResponse', type: 'u32', meaning: 'Requests processed without an answer (RTU broadcasts).', get: (c) => c.noResponse >>> 0 },
    { offset: 12, name: 'writesAccepted', type: 'u32', meaning: 'PLC writes the station accepted.', get: (c) => c.writesAccepted >>> 0 },
    { offset: 14, name: 'writesRefused', type: 'u32', meaning: 'PLC writes the station refused.', get: (c) => c.writesRefused >>> 0 },
    { offset: 16, name: 'serverFailures', type: 'u32', meaning: 'Exception 04 answers: the station failed while answering.', get: (c) => c.serverFailures >>> 0 },
    { offset: 18, name: 'connectionsAccepted', type: 'u32', meaning: 'TCP connections accepted.', get: (c) => c.connectionsAccepted >>> 0 },
    { offset: 20, name: 'connectionsRefused', type: 'u32', meaning: 'TCP connections refused at the connection limit.', get: (c) => c.connectionsRefused >>> 0 },
    { offset: 22, name: 'connectionsIdleClosed', type: 'u32', meaning: 'TCP connections closed after the idle timeout.', get: (c) => c.connectionsIdleClosed >>> 0 },
    { offset: 24, name: 'connectionsEvicted', type: 'u32', meaning: 'Idle TCP connections closed to make room for a new one.', get: (c) => c.connectionsEvicted >>> 0 },
    { offset: 26, name: 'connectionsOpen', type: 'u16', meaning: 'TCP connections open now.', get: (c) => sat16(c.connectionsOpen) },
    { offset: 27, name: 'lastRefusal', type: 'reason', meaning: 'Reason code of the last refused write; 0 while none was refused.', get: (c) => sat16(c.lastRefusal) },
  ],
};

/** The per-slot block, repeated MAP_SLOTS times with a fixed stride. */
export const SLOT_BASE = 128;
export const SLOT_STRIDE = 16;
export const SLOT: Block<SlotView> = {
  name: 'slot',
  base: SLOT_BASE,
  length: SLOT_STRIDE,
  meaning: `Slot n (0-based, in work-order order) at ${SLOT_BASE} + ${SLOT_STRIDE}·n. Entries past slotsListed read 0.`,
  fields: [
    { offset: 0, name: 'state', type: 'enum', values: SLOT_STATES, meaning: 'State of the slot.', get: (s) => enumIndex(SLOT_STATES, s.state) },
    { offset: 1, name: 'reason', type: 'reason', meaning: 'Why the slot blocks the permit; 0 when it does not.', get: (s) => reasonCode(s.reason) },
    {
      offset: 2,
      name: 'msdRemaining',
      type: 'minutes',
      meaning: 'Floor life left on the slot\'s MSD reel, minutes; 0xFFFF when the slot holds no MSD reel.',
      get: (s) => minutes(s.msdRemainingMin),
    },
    { offset: 3, name: 'quantity', type: 'u32', meaning: 'Parts on the reel as last known; 0 when unknown or empty.', get: (s) => sat32(s.quantity) },
    { offset: 8, name: 'position', type: 'ascii', words: 8, meaning: 'Slot position, e.g. `B1.F.45` (16 characters).', get: (s) => s.position },
  ],
};

export const INPUT_REGISTERS = SLOT_BASE + SLOT_STRIDE * MAP_SLOTS;

// ---- bits and writable registers ---------------------------------------------------------------------------

export interface BitDef {
  readonly address: number;
  readonly name: string;
  readonly meaning: string;
}

export interface DiscreteInput extends BitDef {
  readonly get: (v: StationView) => boolean;
}

/** Discrete inputs (FC 02). 0–5 are fixed for every map version. */
export const DISCRETE_INPUTS: readonly DiscreteInput[] = [
  { address: 0, name: 'runPermit', meaning: 'The run-permit output is on.', get: (v) => v.runPermit },
  { address: 1, name: 'anyAlarm', meaning: 'An alarm is raised (acknowledged or not).', get: (v) => v.anyAlarm },
  { address: 2, name: 'workOrderLoaded', meaning: 'A work order is active.', get: (v) => v.workOrder !== undefined },
  { address: 3, name: 'firstOffPending', meaning: 'The first-off board has not passed inspection yet.', get: (v) => v.firstOffPending },
  { address: 4, name: 'hostOnline', meaning: 'The host (MES) link is up.', get: (v) => v.hostOnline },
  { address: 5, name: 'clockValid', meaning: 'The station clock is valid.', get: (v) => v.clockValid },
  {
    address: 6,
    name: 'plcHeartbeatLost',
    meaning: 'The PLC stopped writing holding register 0 for longer than the station allows.',
    get: (v) => v.plcHeartbeat?.lost ?? false,
  },
];

export interface CommandCoil extends BitDef {
  /** What writing 1 asks of the station; writing 0 is accepted and asks nothing. Coils always read 0. */
  readonly onWrite: PlcWrite;
}

/** Coils (FC 01, 05, 15): commands, acted on when written 1. */
export const COILS: readonly CommandCoil[] = [
  { address: 0, name: 'ackAlarms', meaning: 'Write 1: acknowledge the raised alarms, except the critical ones (they hold the permit: a technician acknowledges them at the station). Reads 0.', onWrite: { kind: 'ack-alarms' } },
  { address: 1, name: 'reverifyAll', meaning: 'Write 1: re-verify every slot (can only take verification away). Reads 0.', onWrite: { kind: 'reverify' } },
];

export interface HoldingRegister {
  readonly address: number;
  readonly name: string;
  readonly meaning: string;
  readonly get: (v: StationView) => number;
  /** The station action a written value asks for; null when it asks nothing. */
  readonly onWrite: (value: number) => PlcWrite | null;
}

/** Holding registers (FC 03, 06, 16, 23). */
export const HOLDING_REGISTERS: readonly HoldingRegister[] = [
  {
    address: 0,
    name: 'plcHeartbeat',
    meaning: 'PLC watchdog: write any value, changing it every time; reads the last value the station took.',
    get: (v) => v.plcHeartbeat?.value ?? 0,
    onWrite: (value) => ({ kind: 'heartbeat', value }),
  },
  {
    address: 1,
    name: 'reverifySlot',
    meaning: 'Write n ≥ 1: re-verify slot n (1-based, as slot entry n − 1). Write 0: nothing. Reads 0.',
    get: () => 0,
    onWrite: (value) => (value === 0 ? null : { kind: 'reverify', slot: value - 1 }),
  },
];

/** Every input-register block, in address order. */
export const BLOCKS = [HEADER, REASON_LIST, WORK_ORDER, DIAGNOSTICS] as const;
// Preloaded into flash on a device: frozen, so XS keeps no RAM pointer for each of their objects (../frozen.ts).
frozen([BLOCKS, SLOT, DISCRETE_INPUTS, COILS, HOLDING_REGISTERS]);
