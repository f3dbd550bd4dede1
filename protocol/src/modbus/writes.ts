// What a Modbus write means to the station. Only the coils and holding registers of the map can be written, and
// each becomes one PlcWrite (or nothing): no register or coil exists that could turn the run permit on or clear
// an interlock. A write anywhere else is exception 02.
import type { ReasonName } from '../reasons';
import type { PlcWrite } from '../station-view';
import { EXCEPTION, type ExceptionCode } from './spec';
import { COILS, HOLDING_REGISTERS } from './map';
import { frozen } from '../frozen';

/** What writing one coil (true = 0xFF00 / 1) asks of the station; null when it asks nothing. Address must be in the map. */
export function coilWrite(address: number, on: boolean): PlcWrite | null {
  return on ? (COILS[address]?.onWrite ?? null) : null;
}

/** What writing one holding register asks of the station; null when it asks nothing. Address must be in the map. */
export function registerWrite(address: number, value: number): PlcWrite | null {
  return HOLDING_REGISTERS[address]?.onWrite(value) ?? null;
}

/** Which refusals are not exception 04, for the server and the docs. */
export const REFUSAL_EXCEPTIONS: readonly { readonly reasons: readonly ReasonName[]; readonly exception: ExceptionCode; readonly why: string }[] = frozen([
  { reasons: ['SLOT_UNKNOWN', 'FIELD_OUT_OF_RANGE', 'LIMIT_EXCEEDED'], exception: EXCEPTION.ILLEGAL_DATA_VALUE, why: 'the value names nothing the station has' },
  { reasons: ['BUSY'], exception: EXCEPTION.SERVER_DEVICE_BUSY, why: 'the station cannot take it now; retry' },
]);

/**
 * The exception that answers a write the station refused: 03 or 06 as in REFUSAL_EXCEPTIONS, otherwise 04 (the
 * request was valid and the station failed to carry it out, e.g. its journal is full).
 */
export function refusalException(reason: ReasonName): ExceptionCode {
  for (const r of REFUSAL_EXCEPTIONS) if (r.reasons.includes(reason)) return r.exception;
  return EXCEPTION.SERVER_DEVICE_FAILURE;
}
