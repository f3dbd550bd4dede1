// One request PDU in, one response PDU out, the shape of libmodbus's modbus_reply: a small function per function
// code, each exception where the specification's state diagrams put it (length and quantity 03, then address 02,
// then the action: 04 or the refusal's code). Shared by the RTU and the TCP server. Nothing here allocates on a
// read; a backend that throws is answered with 04 and counted, never propagated.
import type { ModbusCounters } from '../../protocol/src/modbus/counters';
import { CONFORMITY_LEVEL, DEVICE_ID_OBJECTS, LAST_OBJECT, READ_DEV_ID } from '../../protocol/src/modbus/device-id';
import { INPUT_REGISTERS, reasonCode } from '../../protocol/src/modbus/map';
import {
  coil,
  COIL_COUNT,
  discreteInput,
  DISCRETE_INPUT_COUNT,
  holdingRegister,
  HOLDING_REGISTER_COUNT,
  readInputRegisters,
} from '../../protocol/src/modbus/read';
import { EXCEPTION, FC, MAX_PDU, MEI_READ_DEVICE_ID, QUANTITY } from '../../protocol/src/modbus/spec';
import { coilWrite, refusalException, registerWrite } from '../../protocol/src/modbus/writes';
import type { PlcWrite, StationView } from '../../protocol/src/station-view';
import type { ModbusBackend } from './backend';

/** Who asked, for one request. The servers keep one per line or connection and update unitId per request. */
export interface RequestContext {
  readonly backend: ModbusBackend;
  readonly counters: ModbusCounters;
  readonly transport: 'rtu' | 'tcp';
  readonly peer: string;
  unitId: number;
  /** RTU address 0: writes only, never answered. */
  broadcast: boolean;
}

// Handlers return the response length (> 0) or minus an exception code.
const ILLEGAL_FUNCTION = -EXCEPTION.ILLEGAL_FUNCTION;
const ILLEGAL_ADDRESS = -EXCEPTION.ILLEGAL_DATA_ADDRESS;
const ILLEGAL_VALUE = -EXCEPTION.ILLEGAL_DATA_VALUE;

function u16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}

function put16(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 8;
  b[i + 1] = v & 0xff;
}

/**
 * Answers the request PDU req[off, off + len) into out[at, at + MAX_PDU). Returns the response PDU's length, or 0
 * when there is no response (a broadcast, or an empty PDU).
 */
export function answer(req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  if (len < 1) return 0;
  const fc = req[off]!;
  if (ctx.broadcast && !isBroadcastable(fc)) {
    ctx.counters.noResponse++;
    return 0;
  }
  let n: number;
  try {
    n = dispatch(fc, req, off, len, ctx, out, at);
  } catch {
    // A station fault must not become a crash of the server; the PLC sees 04 and retries.
    ctx.counters.serverFailures++;
    n = -EXCEPTION.SERVER_DEVICE_FAILURE;
  }
  if (ctx.broadcast) {
    ctx.counters.noResponse++;
    return 0;
  }
  if (n > 0) return n;
  ctx.counters.exceptions++;
  out[at] = (fc | 0x80) & 0xff;
  out[at + 1] = -n;
  return 2;
}

/** Broadcast is for writes only; a broadcast read is ignored. */
function isBroadcastable(fc: number): boolean {
  return fc === FC.WRITE_SINGLE_COIL || fc === FC.WRITE_SINGLE_REGISTER || fc === FC.WRITE_MULTIPLE_COILS || fc === FC.WRITE_MULTIPLE_REGISTERS;
}

function dispatch(fc: number, req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  switch (fc) {
    case FC.READ_COILS:
      return readBits(req, off, len, ctx, out, at, COIL_COUNT, coil);
    case FC.READ_DISCRETE_INPUTS:
      return readBits(req, off, len, ctx, out, at, DISCRETE_INPUT_COUNT, discreteInput);
    case FC.READ_HOLDING_REGISTERS:
      return readHolding(req, off, len, ctx, out, at);
    case FC.READ_INPUT_REGISTERS:
      return readInput(req, off, len, ctx, out, at);
    case FC.WRITE_SINGLE_COIL:
      return writeSingleCoil(req, off, len, ctx, out, at);
    case FC.WRITE_SINGLE_REGISTER:
      return writeSingleRegister(req, off, len, ctx, out, at);
    case FC.WRITE_MULTIPLE_COILS:
      return writeMultipleCoils(req, off, len, ctx, out, at);
    case FC.WRITE_MULTIPLE_REGISTERS:
      return writeMultipleRegisters(req, off, len, ctx, out, at);
    case FC.READ_WRITE_MULTIPLE_REGISTERS:
      return readWriteRegisters(req, off, len, ctx, out, at);
    case FC.ENCAPSULATED_INTERFACE:
      return readDeviceIdentification(req, off, len, ctx, out, at);
    default:
      return ILLEGAL_FUNCTION;
  }
}

// ---- reads ------------------------------------------------------------------------------------------------

/** FC 01 and 02: 1–2000 bits, packed from the low bit of the first byte. */
function readBits(
  req: Uint8Array,
  off: number,
  len: number,
  ctx: RequestContext,
  out: Uint8Array,
  at: number,
  size: number,
  bitAt: (v: StationView, addr: number) => boolean,
): number {
  if (len !== 5) return ILLEGAL_VALUE;
  const start = u16(req, off + 1);
  const qty = u16(req, off + 3);
  if (qty < 1 || qty > QUANTITY.readBits) return ILLEGAL_VALUE;
  if (start + qty > size) return ILLEGAL_ADDRESS;
  const v = ctx.backend.view();
  const bytes = (qty + 7) >>> 3;
  out[at] = req[off]!;
  out[at + 1] = bytes;
  out.fill(0, at + 2, at + 2 + bytes);
  for (let i = 0; i < qty; i++) if (bitAt(v, start + i)) out[at + 2 + (i >>> 3)]! |= 1 << (i & 7);
  return 2 + bytes;
}

/** Checks a register read's quantity then range: 0 when fine, else minus the exception. */
function checkRead(start: number, qty: number, size: number): number {
  if (qty < 1 || qty > QUANTITY.readRegisters) return ILLEGAL_VALUE;
  return start + qty > size ? ILLEGAL_ADDRESS : 0;
}

/** FC 04: 1–125 input registers. */
function readInput(req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  if (len !== 5) return ILLEGAL_VALUE;
  const start = u16(req, off + 1);
  const qty = u16(req, off + 3);
  const bad = checkRead(start, qty, INPUT_REGISTERS);
  if (bad !== 0) return bad;
  out[at] = FC.READ_INPUT_REGISTERS;
  out[at + 1] = 2 * qty;
  readInputRegisters(ctx.backend.view(), ctx.counters, start, qty, out, at + 2);
  return 2 + 2 * qty;
}

/** FC 03: 1–125 holding registers. */
function readHolding(req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  if (len !== 5) return ILLEGAL_VALUE;
  const start = u16(req, off + 1);
  const qty = u16(req, off + 3);
  const bad = checkRead(start, qty, HOLDING_REGISTER_COUNT);
  if (bad !== 0) return bad;
  return holdingResponse(FC.READ_HOLDING_REGISTERS, ctx.backend.view(), start, qty, out, at);
}

function holdingResponse(fc: number, v: StationView, start: number, qty: number, out: Uint8Array, at: number): number {
  out[at] = fc;
  out[at + 1] = 2 * qty;
  for (let i = 0; i < qty; i++) put16(out, at + 2 + 2 * i, holdingRegister(v, start + i));
  return 2 + 2 * qty;
}

// ---- writes -----------------------------------------------------------------------------------------------

/** Hands one write to the station: 0 when taken (or nothing to do), else the refusal's exception code. */
function apply(w: PlcWrite | null, ctx: RequestContext): number {
  if (w === null) return 0;
  const r = ctx.backend.write(w, { transport: ctx.transport, unitId: ctx.unitId, peer: ctx.peer });
  if (r === 'OK') {
    ctx.counters.writesAccepted++;
    return 0;
  }
  ctx.counters.writesRefused++;
  ctx.counters.lastRefusal = reasonCode(r);
  return refusalException(r);
}

/** FC 05: value 0xFF00 (on) or 0x0000 (off), checked before the address as the specification orders it. */
function writeSingleCoil(req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  if (len !== 5) return ILLEGAL_VALUE;
  const addr = u16(req, off + 1);
  const value = u16(req, off + 3);
  if (value !== 0x0000 && value !== 0xff00) return ILLEGAL_VALUE;
  if (addr >= COIL_COUNT) return ILLEGAL_ADDRESS;
  const refused = apply(coilWrite(addr, value === 0xff00), ctx);
  if (refused !== 0) return -refused;
  return echo(req, off, 5, out, at);
}

/** FC 06: any value; the address must be a holding register of the map. */
function writeSingleRegister(req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  if (len !== 5) return ILLEGAL_VALUE;
  const addr = u16(req, off + 1);
  if (addr >= HOLDING_REGISTER_COUNT) return ILLEGAL_ADDRESS;
  const refused = apply(registerWrite(addr, u16(req, off + 3)), ctx);
  if (refused !== 0) return -refused;
  return echo(req, off, 5, out, at);
}

function echo(req: Uint8Array, off: number, n: number, out: Uint8Array, at: number): number {
  for (let i = 0; i < n; i++) out[at + i] = req[off + i]!;
  return n;
}

/** FC 15: 1–1968 coils, byte count = ⌈qty / 8⌉. */
function writeMultipleCoils(req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  if (len < 6) return ILLEGAL_VALUE;
  const start = u16(req, off + 1);
  const qty = u16(req, off + 3);
  const count = req[off + 5]!;
  if (qty < 1 || qty > QUANTITY.writeCoils || count !== (qty + 7) >>> 3 || len !== 6 + count) return ILLEGAL_VALUE;
  if (start + qty > COIL_COUNT) return ILLEGAL_ADDRESS;
  for (let i = 0; i < qty; i++) {
    const on = ((req[off + 6 + (i >>> 3)]! >>> (i & 7)) & 1) === 1;
    const refused = apply(coilWrite(start + i, on), ctx);
    if (refused !== 0) return -refused;
  }
  return echo(req, off, 5, out, at);
}

/** FC 16: 1–123 registers, byte count = 2 · qty. */
function writeMultipleRegisters(req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  if (len < 6) return ILLEGAL_VALUE;
  const start = u16(req, off + 1);
  const qty = u16(req, off + 3);
  const count = req[off + 5]!;
  if (qty < 1 || qty > QUANTITY.writeRegisters || count !== 2 * qty || len !== 6 + count) return ILLEGAL_VALUE;
  if (start + qty > HOLDING_REGISTER_COUNT) return ILLEGAL_ADDRESS;
  const refused = applyRegisters(req, off + 6, start, qty, ctx);
  if (refused !== 0) return -refused;
  return echo(req, off, 5, out, at);
}

function applyRegisters(req: Uint8Array, from: number, start: number, qty: number, ctx: RequestContext): number {
  for (let i = 0; i < qty; i++) {
    const refused = apply(registerWrite(start + i, u16(req, from + 2 * i)), ctx);
    if (refused !== 0) return refused;
  }
  return 0;
}

/** FC 23: read 1–125, write 1–121; both ranges checked before anything is written; the write happens first. */
function readWriteRegisters(req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  if (len < 10) return ILLEGAL_VALUE;
  const readStart = u16(req, off + 1);
  const readQty = u16(req, off + 3);
  const writeStart = u16(req, off + 5);
  const writeQty = u16(req, off + 7);
  const count = req[off + 9]!;
  if (readQty < 1 || readQty > QUANTITY.readRegisters) return ILLEGAL_VALUE;
  if (writeQty < 1 || writeQty > QUANTITY.readWriteWriteRegisters || count !== 2 * writeQty || len !== 10 + count) return ILLEGAL_VALUE;
  if (readStart + readQty > HOLDING_REGISTER_COUNT || writeStart + writeQty > HOLDING_REGISTER_COUNT) return ILLEGAL_ADDRESS;
  const refused = applyRegisters(req, off + 10, writeStart, writeQty, ctx);
  if (refused !== 0) return -refused;
  return holdingResponse(FC.READ_WRITE_MULTIPLE_REGISTERS, ctx.backend.view(), readStart, readQty, out, at);
}

// ---- FC 43 / MEI 14: Read Device Identification -----------------------------------------------------------

/** Response bytes before the first object: FC, MEI, code, conformity, more follows, next id, object count. */
const DEVICE_ID_HEAD = 7;

function readDeviceIdentification(req: Uint8Array, off: number, len: number, ctx: RequestContext, out: Uint8Array, at: number): number {
  // Other MEI types (13: CANopen) are functions this station does not have.
  if (len < 2 || req[off + 1] !== MEI_READ_DEVICE_ID) return ILLEGAL_FUNCTION;
  if (len !== 4) return ILLEGAL_VALUE;
  const code = req[off + 2]!;
  const objectId = req[off + 3]!;
  if (code < READ_DEV_ID.basic || code > READ_DEV_ID.individual) return ILLEGAL_VALUE;
  let first: number;
  let last: number;
  if (code === READ_DEV_ID.individual) {
    if (objectId >= DEVICE_ID_OBJECTS.length) return ILLEGAL_ADDRESS;
    first = last = objectId;
  } else {
    // A request above our conformity level (extended) is answered at our level; an id outside the category restarts at 0.
    last = code === READ_DEV_ID.basic ? LAST_OBJECT.basic : code === READ_DEV_ID.regular ? LAST_OBJECT.regular : LAST_OBJECT.extended;
    first = objectId <= last ? objectId : 0;
  }
  const identity = ctx.backend.identity();
  const end = at + MAX_PDU;
  let p = at + DEVICE_ID_HEAD;
  let id = first;
  for (; id <= last; id++) {
    const room = end - p - 2;
    const text = DEVICE_ID_OBJECTS[id]!.get(identity);
    // Whole objects only, except that an object too long for any response is cut to fit one.
    if (text.length > room && id > first) break;
    const n = Math.min(text.length, room);
    out[p] = id;
    out[p + 1] = n;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      out[p + 2 + i] = c < 0x80 ? c : 0x3f;
    }
    p += 2 + n;
  }
  out[at] = FC.ENCAPSULATED_INTERFACE;
  out[at + 1] = MEI_READ_DEVICE_ID;
  out[at + 2] = code;
  out[at + 3] = CONFORMITY_LEVEL;
  out[at + 4] = id <= last ? 0xff : 0x00;
  out[at + 5] = id <= last ? id : 0x00;
  out[at + 6] = id - first;
  return p - at;
}
