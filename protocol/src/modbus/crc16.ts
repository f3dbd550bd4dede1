// CRC-16/MODBUS: reflected polynomial 0xA001, initial value 0xFFFF, no final xor. On the wire the low byte
// goes first. Plain ECMAScript for engines without native help.

let table: Uint16Array | undefined;

// Built on first use: a table made while a module is preloaded would be frozen by XS (and cost boot time).
function getTable(): Uint16Array {
  if (table === undefined) {
    const t = new Uint16Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
      t[n] = c;
    }
    table = t;
  }
  return table;
}

/** CRC-16/MODBUS of bytes[start, end). The caller keeps the range inside the array. */
export function crc16(bytes: Uint8Array, start: number, end: number): number {
  const t = getTable();
  let c = 0xffff;
  for (let i = start; i < end; i++) c = (c >>> 8) ^ t[(c ^ bytes[i]!) & 0xff]!;
  return c;
}
