// Reading the map: register and bit values computed from a StationView (and the server's counters) at the
// moment of the request, one register at a time, so the station keeps no register image in RAM. Decoding the
// other way, for clients (a PLC poller, the simulator, the CLI), is `decodeBlock`.
import type { SlotView, StationView } from '../station-view';
import type { ModbusCounters } from './counters';
import {
  COILS,
  DIAGNOSTICS,
  DISCRETE_INPUTS,
  fieldWords,
  HEADER,
  HOLDING_REGISTERS,
  INPUT_REGISTERS,
  MAP_SLOTS,
  REASON_LIST,
  SLOT,
  SLOT_BASE,
  SLOT_STRIDE,
  WORK_ORDER,
  type Block,
} from './map';

/** Which field covers each register of a block (-1: reserved). Built on first use (XS freezes load-time data). */
let index: Map<object, Int16Array> | undefined;

function fieldIndex<S>(b: Block<S>): Int16Array {
  index ??= new Map();
  let ix = index.get(b);
  if (ix === undefined) {
    ix = new Int16Array(b.length).fill(-1);
    b.fields.forEach((f, i) => ix!.fill(i, f.offset, f.offset + fieldWords(f)));
    index.set(b, ix);
  }
  return ix;
}

/** One byte of ASCII text: other characters read '?', past the end 0. */
function asciiAt(text: string, i: number): number {
  if (i >= text.length) return 0;
  const c = text.charCodeAt(i);
  return c < 0x80 ? c : 0x3f;
}

/** The register at `offset` inside block `b`, from source `s`. */
function blockWord<S>(b: Block<S>, s: S, offset: number): number {
  const fi = fieldIndex(b)[offset]!;
  if (fi < 0) return 0;
  const f = b.fields[fi]!;
  const rel = offset - f.offset;
  if (f.type === 'u32') {
    const v = f.get(s);
    return rel === 0 ? v >>> 16 : v & 0xffff;
  }
  if (f.type === 'ascii') {
    const t = f.get(s);
    return (asciiAt(t, 2 * rel) << 8) | asciiAt(t, 2 * rel + 1);
  }
  return f.get(s) & 0xffff;
}

/** Input register `addr` (0 ≤ addr < INPUT_REGISTERS); 0 outside the map. */
export function inputRegister(view: StationView, counters: ModbusCounters, addr: number): number {
  if (addr < REASON_LIST.base) return blockWord(HEADER, view, addr);
  if (addr < WORK_ORDER.base) return blockWord(REASON_LIST, view, addr - REASON_LIST.base);
  if (addr < DIAGNOSTICS.base) return blockWord(WORK_ORDER, view, addr - WORK_ORDER.base);
  if (addr < SLOT_BASE) return blockWord(DIAGNOSTICS, counters, addr - DIAGNOSTICS.base);
  if (addr >= INPUT_REGISTERS) return 0;
  const n = Math.floor((addr - SLOT_BASE) / SLOT_STRIDE);
  const slot: SlotView | undefined = n < MAP_SLOTS ? view.slots[n] : undefined;
  return slot === undefined ? 0 : blockWord(SLOT, slot, (addr - SLOT_BASE) % SLOT_STRIDE);
}

/** Writes input registers [start, start + qty) big-endian into `out` from `at`. */
export function readInputRegisters(view: StationView, counters: ModbusCounters, start: number, qty: number, out: Uint8Array, at: number): void {
  for (let i = 0; i < qty; i++) {
    const w = inputRegister(view, counters, start + i);
    out[at + 2 * i] = w >>> 8;
    out[at + 2 * i + 1] = w & 0xff;
  }
}

export function holdingRegister(view: StationView, addr: number): number {
  const h = HOLDING_REGISTERS[addr];
  return h === undefined ? 0 : sat(h.get(view));
}

function sat(n: number): number {
  return n > 0 ? (n >= 0xffff ? 0xffff : Math.floor(n)) : 0;
}

export function discreteInput(view: StationView, addr: number): boolean {
  return DISCRETE_INPUTS[addr]?.get(view) ?? false;
}

/** Command coils always read 0: they are actions, not state. */
export function coil(_view: StationView, _addr: number): boolean {
  return false;
}

export const COIL_COUNT = COILS.length;
export const DISCRETE_INPUT_COUNT = DISCRETE_INPUTS.length;
export const HOLDING_REGISTER_COUNT = HOLDING_REGISTERS.length;

/** A client's view of one block: each field's value, text fields as strings (trailing NULs dropped). */
export function decodeBlock<S>(b: Block<S>, words: ArrayLike<number>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const f of b.fields) {
    if (f.type === 'u32') out[f.name] = ((words[f.offset] ?? 0) * 0x10000 + (words[f.offset + 1] ?? 0)) >>> 0;
    else if (f.type === 'ascii') {
      let t = '';
      for (let i = 0; i < f.words; i++) {
        const w = words[f.offset + i] ?? 0;
        t += String.fromCharCode(w >>> 8, w & 0xff);
      }
      out[f.name] = t.replace(/\0+$/, '');
    } else out[f.name] = words[f.offset] ?? 0;
  }
  return out;
}
