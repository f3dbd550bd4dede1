// Shared by the Modbus suites: calling the PDU layer directly, building requests and ADUs, reading answers.
import { crc16 } from '../../../protocol/src/modbus/crc16';
import { newCounters, type ModbusCounters } from '../../../protocol/src/modbus/counters';
import { MAX_PDU } from '../../../protocol/src/modbus/spec';
import { answer, type RequestContext } from '../../modbus/pdu';
import type { StationUnderTest } from './station';

export function be16(v: number): number[] {
  return [(v >>> 8) & 0xff, v & 0xff];
}

/** Calls the PDU layer once; the response PDU, empty for no response. */
export function call(
  station: StationUnderTest,
  pdu: readonly number[] | Uint8Array,
  opts: { broadcast?: boolean; counters?: ModbusCounters; transport?: 'rtu' | 'tcp' } = {},
): Uint8Array {
  const ctx: RequestContext = {
    backend: station.backend,
    counters: opts.counters ?? newCounters(),
    transport: opts.transport ?? 'tcp',
    peer: 'test',
    unitId: opts.broadcast === true ? 0 : 1,
    broadcast: opts.broadcast ?? false,
  };
  const req = Uint8Array.from(pdu);
  const out = new Uint8Array(MAX_PDU + 8);
  const n = answer(req, 0, req.length, ctx, out, 0);
  return out.slice(0, n);
}

/** Request PDUs by function. */
export const req = {
  read: (fc: number, start: number, qty: number) => [fc, ...be16(start), ...be16(qty)],
  writeCoil: (addr: number, value: number) => [0x05, ...be16(addr), ...be16(value)],
  writeRegister: (addr: number, value: number) => [0x06, ...be16(addr), ...be16(value)],
  writeCoils: (start: number, bits: readonly boolean[]) => {
    const bytes = new Array<number>((bits.length + 7) >>> 3).fill(0);
    bits.forEach((b, i) => {
      if (b) bytes[i >>> 3]! |= 1 << (i & 7);
    });
    return [0x0f, ...be16(start), ...be16(bits.length), bytes.length, ...bytes];
  },
  writeRegisters: (start: number, values: readonly number[]) => [0x10, ...be16(start), ...be16(values.length), 2 * values.length, ...values.flatMap(be16)],
  readWrite: (readStart: number, readQty: number, writeStart: number, values: readonly number[]) => [
    0x17,
    ...be16(readStart),
    ...be16(readQty),
    ...be16(writeStart),
    ...be16(values.length),
    2 * values.length,
    ...values.flatMap(be16),
  ],
  deviceId: (code: number, objectId: number) => [0x2b, 0x0e, code, objectId],
};

/** The register words of a FC 03/04/23 response. */
export function words(resp: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 2; i + 1 < resp.length; i += 2) out.push((resp[i]! << 8) | resp[i + 1]!);
  return out;
}

/** The bits of a FC 01/02 response. */
export function bits(resp: Uint8Array, qty: number): boolean[] {
  return Array.from({ length: qty }, (_, i) => ((resp[2 + (i >>> 3)]! >>> (i & 7)) & 1) === 1);
}

/** An exception response's code, or undefined for a normal response. */
export function exceptionOf(resp: Uint8Array): number | undefined {
  return resp.length === 2 && (resp[0]! & 0x80) !== 0 ? resp[1] : undefined;
}

/** Objects of a Read Device Identification response. */
export function deviceObjects(resp: Uint8Array): { more: number; next: number; conformity: number; objects: Map<number, string> } {
  const objects = new Map<number, string>();
  let p = 7;
  for (let k = 0; k < resp[6]!; k++) {
    const id = resp[p]!;
    const n = resp[p + 1]!;
    objects.set(id, String.fromCharCode(...resp.subarray(p + 2, p + 2 + n)));
    p += 2 + n;
  }
  expect(p).toBe(resp.length);
  return { conformity: resp[3]!, more: resp[4]!, next: resp[5]!, objects };
}

/** An RTU frame: address, PDU, CRC low byte first. */
export function rtuFrame(address: number, pdu: readonly number[]): Uint8Array {
  const f = new Uint8Array(pdu.length + 3);
  f[0] = address;
  f.set(pdu, 1);
  const c = crc16(f, 0, pdu.length + 1);
  f[pdu.length + 1] = c & 0xff;
  f[pdu.length + 2] = c >>> 8;
  return f;
}

/** A Modbus/TCP ADU: MBAP (transaction, protocol 0, length, unit) and PDU. */
export function mbap(tid: number, unit: number, pdu: readonly number[], protocol = 0): Uint8Array {
  return Uint8Array.from([...be16(tid), ...be16(protocol), ...be16(pdu.length + 1), unit, ...pdu]);
}
