// Hostile request generators, seeded: random bytes, well-formed requests with fields at and around every limit
// of the specification and the map, and mutations of those (bit flips, truncation, extension, overwrites).
import { INPUT_REGISTERS } from '../../../protocol/src/modbus/map';

import type { Rnd } from '../../platform/sim/prng';

export { prng, type Rnd } from '../../platform/sim/prng';

const int = (rnd: Rnd, n: number) => Math.floor(rnd() * n);

/** Values where the specification or the map changes its answer, and their neighbours. */
const EDGES = [0, 1, 2, 3, 6, 7, 8, 15, 16, 31, 32, 95, 96, 121, 122, 123, 124, 125, 126, 127, 128, 1968, 1969, 2000, 2001, 0xff00, INPUT_REGISTERS - 125, INPUT_REGISTERS - 1, INPUT_REGISTERS, 65534, 65535];

function u16(rnd: Rnd): number {
  const k = rnd();
  if (k < 0.6) return EDGES[int(rnd, EDGES.length)]!;
  if (k < 0.8) return int(rnd, 300);
  return int(rnd, 65536);
}

const be = (v: number) => [(v >>> 8) & 0xff, v & 0xff];

function bytes(rnd: Rnd, n: number): number[] {
  return Array.from({ length: n }, () => int(rnd, 256));
}

const FCS = [1, 2, 3, 4, 5, 6, 15, 16, 23, 43];

/** A request that is well formed for its function, with fields anywhere (mostly at the edges). */
export function wellFormed(rnd: Rnd): number[] {
  const fc = FCS[int(rnd, FCS.length)]!;
  switch (fc) {
    case 1:
    case 2:
    case 3:
    case 4:
      return [fc, ...be(u16(rnd)), ...be(u16(rnd))];
    case 5:
      return [fc, ...be(u16(rnd)), ...be(rnd() < 0.7 ? (rnd() < 0.5 ? 0xff00 : 0) : u16(rnd))];
    case 6:
      return [fc, ...be(u16(rnd)), ...be(u16(rnd))];
    case 15: {
      const qty = rnd() < 0.7 ? 1 + int(rnd, 4) : u16(rnd) % 2000;
      const n = Math.min(246, Math.ceil(qty / 8));
      return [fc, ...be(u16(rnd) % 4), ...be(qty), n, ...bytes(rnd, n)];
    }
    case 16: {
      const qty = rnd() < 0.7 ? 1 + int(rnd, 3) : u16(rnd) % 130;
      const n = Math.min(246, 2 * qty);
      return [fc, ...be(u16(rnd) % 4), ...be(qty), n & 0xff, ...bytes(rnd, n)];
    }
    case 23: {
      const wq = rnd() < 0.7 ? 1 + int(rnd, 2) : u16(rnd) % 125;
      const n = Math.min(242, 2 * wq);
      return [fc, ...be(u16(rnd) % 4), ...be(rnd() < 0.7 ? 1 + int(rnd, 2) : u16(rnd)), ...be(u16(rnd) % 4), ...be(wq), n & 0xff, ...bytes(rnd, n)];
    }
    default:
      return [0x2b, rnd() < 0.9 ? 0x0e : int(rnd, 256), int(rnd, 6), rnd() < 0.8 ? int(rnd, 9) : int(rnd, 256)];
  }
}

function mutate(p: number[], rnd: Rnd): number[] {
  const q = p.slice();
  const k = int(rnd, 5);
  if (k === 0 && q.length > 1) q.length = 1 + int(rnd, q.length - 1);
  else if (k === 1) q.push(...bytes(rnd, 1 + int(rnd, 4)));
  else if (k === 2) {
    const i = int(rnd, q.length);
    q[i] = q[i]! ^ (1 << int(rnd, 8));
  } else if (k === 3) q[int(rnd, q.length)] = int(rnd, 256);
  else q[0] = int(rnd, 256);
  return q.slice(0, 253);
}

/** One hostile request PDU, 1–253 bytes. */
export function hostilePdu(rnd: Rnd): Uint8Array {
  const k = rnd();
  if (k < 0.2) return Uint8Array.from(bytes(rnd, 1 + int(rnd, rnd() < 0.8 ? 12 : 253)));
  const p = wellFormed(rnd);
  return Uint8Array.from(k < 0.65 ? p : mutate(p, rnd));
}
