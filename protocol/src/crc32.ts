// CRC-32/ISO-HDLC (zlib, Ethernet, PNG): reflected poly 0xEDB88320, init and
// xorout 0xFFFFFFFF. Plain ECMAScript for engines without zlib (XS, QuickJS).

let table: Uint32Array | undefined;

// Built lazily so importing the module costs nothing until a CRC is needed.
function getTable(): Uint32Array {
  if (table === undefined) {
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c;
    }
    table = t;
  }
  return table;
}

/**
 * Streaming form, zlib-style: pass the CRC of the preceding bytes (0 to start)
 * and get the CRC of everything so far. No separate finish step is needed.
 */
export function crc32Update(crc: number, data: Uint8Array, start: number, end: number): number {
  // Out-of-range typed-array reads give undefined, which would silently act
  // as zero bytes; fail loudly instead.
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > data.length) {
    throw new RangeError('crc32: invalid range');
  }
  const t = getTable();
  let c = ~crc;
  for (let i = start; i < end; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 of data[start, end) as an unsigned 32-bit number. */
export function crc32(data: Uint8Array, start = 0, end: number = data.length): number {
  return crc32Update(0, data, start, end);
}
