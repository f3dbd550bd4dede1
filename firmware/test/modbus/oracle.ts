// What the specification says a server with this map must answer, written out independently of the server:
// the request checks in the order of the specification's state diagrams, then the shape of the normal
// response. The hostile runs hold every answer against it. Map sizes come from the map (the source of truth).
import { COIL_COUNT, DISCRETE_INPUT_COUNT, HOLDING_REGISTER_COUNT } from '../../../protocol/src/modbus/read';
import { INPUT_REGISTERS } from '../../../protocol/src/modbus/map';
import type { PlcWrite } from '../../../protocol/src/station-view';

export type Verdict = { readonly exception: number } | { readonly ok: true };

const u16 = (p: Uint8Array, i: number) => (p[i]! << 8) | p[i + 1]!;
const ex = (code: number): Verdict => ({ exception: code });
const OK: Verdict = { ok: true };

/** The answer a request PDU must get from a station that accepts every write. */
export function expectedVerdict(p: Uint8Array): Verdict {
  const fc = p[0]!;
  const len = p.length;
  const read = (size: number, max: number): Verdict => {
    if (len !== 5) return ex(3);
    const qty = u16(p, 3);
    if (qty < 1 || qty > max) return ex(3);
    return u16(p, 1) + qty > size ? ex(2) : OK;
  };
  switch (fc) {
    case 1:
      return read(COIL_COUNT, 2000);
    case 2:
      return read(DISCRETE_INPUT_COUNT, 2000);
    case 3:
      return read(HOLDING_REGISTER_COUNT, 125);
    case 4:
      return read(INPUT_REGISTERS, 125);
    case 5: {
      if (len !== 5) return ex(3);
      const v = u16(p, 3);
      if (v !== 0 && v !== 0xff00) return ex(3);
      return u16(p, 1) >= COIL_COUNT ? ex(2) : OK;
    }
    case 6:
      if (len !== 5) return ex(3);
      return u16(p, 1) >= HOLDING_REGISTER_COUNT ? ex(2) : OK;
    case 15: {
      if (len < 6) return ex(3);
      const qty = u16(p, 3);
      const bc = p[5]!;
      if (qty < 1 || qty > 1968 || bc !== Math.ceil(qty / 8) || len !== 6 + bc) return ex(3);
      return u16(p, 1) + qty > COIL_COUNT ? ex(2) : OK;
    }
    case 16: {
      if (len < 6) return ex(3);
      const qty = u16(p, 3);
      const bc = p[5]!;
      if (qty < 1 || qty > 123 || bc !== 2 * qty || len !== 6 + bc) return ex(3);
      return u16(p, 1) + qty > HOLDING_REGISTER_COUNT ? ex(2) : OK;
    }
    case 23: {
      if (len < 10) return ex(3);
      const rq = u16(p, 3);
      const wq = u16(p, 7);
      const bc = p[9]!;
      if (rq < 1 || rq > 125 || wq < 1 || wq > 121 || bc !== 2 * wq || len !== 10 + bc) return ex(3);
      return u16(p, 1) + rq > HOLDING_REGISTER_COUNT || u16(p, 5) + wq > HOLDING_REGISTER_COUNT ? ex(2) : OK;
    }
    case 43: {
      if (len < 2 || p[1] !== 0x0e) return ex(1);
      if (len !== 4) return ex(3);
      const code = p[2]!;
      if (code < 1 || code > 4) return ex(3);
      return code === 4 && p[3]! > 6 ? ex(2) : OK;
    }
    default:
      return ex(1);
  }
}

/** Whether a broadcast of this PDU may act (writes only). */
export function broadcastable(p: Uint8Array): boolean {
  return [5, 6, 15, 16].includes(p[0]!);
}

/** Checks a response against the verdict for its request; a description of what is wrong, or undefined. */
export function checkAnswer(p: Uint8Array, r: Uint8Array): string | undefined {
  const v = expectedVerdict(p);
  const fc = p[0]!;
  if (r.length === 0 || r.length > 253) return `response of ${r.length} bytes`;
  if ('exception' in v) {
    return r.length === 2 && r[0] === ((fc | 0x80) & 0xff) && r[1] === v.exception ? undefined : `expected exception ${v.exception}, got ${hex(r)}`;
  }
  if (r[0] !== fc) return `expected a normal ${fc} response, got ${hex(r)}`;
  switch (fc) {
    case 1:
    case 2: {
      const n = Math.ceil(u16(p, 3) / 8);
      return r.length === 2 + n && r[1] === n ? undefined : `bit response ${hex(r)}`;
    }
    case 3:
    case 4:
      return r.length === 2 + 2 * u16(p, 3) && r[1] === 2 * u16(p, 3) ? undefined : `register response ${hex(r)}`;
    case 23:
      return r.length === 2 + 2 * u16(p, 3) && r[1] === 2 * u16(p, 3) ? undefined : `register response ${hex(r)}`;
    case 5:
    case 6:
      return hex(r) === hex(p) ? undefined : `not an echo: ${hex(r)}`;
    case 15:
    case 16:
      return hex(r) === hex(p.subarray(0, 5)) ? undefined : `bad write answer ${hex(r)}`;
    case 43: {
      if (r.length < 7 || r[1] !== 0x0e || r[2] !== p[2] || r[3] !== 0x82 || (r[4] !== 0 && r[4] !== 0xff)) return `device id head ${hex(r)}`;
      let at = 7;
      for (let k = 0; k < r[6]!; k++) {
        if (at + 2 > r.length || r[at]! > 6) return `device id object ${k} in ${hex(r)}`;
        at += 2 + r[at + 1]!;
      }
      return at === r.length ? undefined : `device id length ${hex(r)}`;
    }
    default:
      return `unexpected normal response ${hex(r)}`;
  }
}

/** The writes a request may cause, given it was answered normally (a station that accepts everything). */
export function expectedWrites(p: Uint8Array): PlcWrite[] {
  const fc = p[0]!;
  const coil = (addr: number, on: boolean): PlcWrite[] => (on ? [addr === 0 ? { kind: 'ack-alarms' } : { kind: 'reverify' }] : []);
  const reg = (addr: number, value: number): PlcWrite[] =>
    addr === 0 ? [{ kind: 'heartbeat', value }] : value === 0 ? [] : [{ kind: 'reverify', slot: value - 1 }];
  if (fc === 5) return coil(u16(p, 1), u16(p, 3) === 0xff00);
  if (fc === 6) return reg(u16(p, 1), u16(p, 3));
  if (fc === 15) {
    const out: PlcWrite[] = [];
    for (let i = 0; i < u16(p, 3); i++) out.push(...coil(u16(p, 1) + i, ((p[6 + (i >> 3)]! >> (i & 7)) & 1) === 1));
    return out;
  }
  if (fc === 16 || fc === 23) {
    const start = fc === 16 ? u16(p, 1) : u16(p, 5);
    const qty = fc === 16 ? u16(p, 3) : u16(p, 7);
    const from = fc === 16 ? 6 : 10;
    const out: PlcWrite[] = [];
    for (let i = 0; i < qty; i++) out.push(...reg(start + i, u16(p, from + 2 * i)));
    return out;
  }
  return [];
}

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
