// COBS (Consistent Overhead Byte Stuffing): removes every 0x00 from a frame so that 0x00 can delimit frames
// on any byte stream. Overhead is one byte per 254, so the worst case is known in advance.

/** Largest COBS encoding of n bytes. */
export function cobsMaxEncodedLength(n: number): number {
  return n + 1 + Math.floor(n / 254);
}

/** Encodes src into dst at offset; returns the offset after the last byte written. dst must have room. */
export function cobsEncodeInto(src: Uint8Array, dst: Uint8Array, offset: number): number {
  let codeAt = offset;
  let out = offset + 1;
  let code = 1;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0) {
      dst[codeAt] = code;
      codeAt = out++;
      code = 1;
    } else {
      dst[out++] = b;
      code++;
      if (code === 0xff) {
        dst[codeAt] = code;
        codeAt = out++;
        code = 1;
      }
    }
  }
  dst[codeAt] = code;
  return out;
}

export function cobsEncode(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(cobsMaxEncodedLength(src.length));
  return dst.subarray(0, cobsEncodeInto(src, dst, 0));
}

/** Decodes src[0, length) (no delimiter); undefined if it is not valid COBS. */
export function cobsDecode(src: Uint8Array, length = src.length): Uint8Array | undefined {
  const out = new Uint8Array(length);
  let o = 0;
  let i = 0;
  while (i < length) {
    const code = src[i]!;
    if (code === 0) return undefined;
    const end = i + code;
    if (end > length) return undefined;
    for (let k = i + 1; k < end; k++) {
      const b = src[k]!;
      if (b === 0) return undefined;
      out[o++] = b;
    }
    i = end;
    if (code !== 0xff && i < length) out[o++] = 0;
  }
  return out.subarray(0, o);
}
