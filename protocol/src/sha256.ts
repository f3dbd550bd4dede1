// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104) in plain ECMAScript, for
// engines without native crypto (Moddable XS, QuickJS). Only typed arrays and
// 32-bit integer ops are used: no Buffer, TextEncoder, BigInt or host APIs.

const BLOCK = 64;

// prettier-ignore
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// prettier-ignore
const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// Mutable scratch is made on first use, not at module load: Moddable XS freezes
// whatever a preloaded module creates at load time into flash (read-only).
// Hashing is synchronous and never re-entered, so one set serves every call.
let W: Int32Array | undefined;

// Compresses every whole 64-byte block in src[off, end) into st. Working on
// the caller's bytes in place is what lets long inputs avoid a copy. The
// state stays in locals across blocks so the engine can keep it in registers.
function compress(st: Int32Array, src: Uint8Array, off: number, end: number): void {
  const w = (W ??= new Int32Array(64));
  let h0 = st[0]!, h1 = st[1]!, h2 = st[2]!, h3 = st[3]!;
  let h4 = st[4]!, h5 = st[5]!, h6 = st[6]!, h7 = st[7]!;

  while (end - off >= BLOCK) {
    for (let i = 0; i < 16; i++, off += 4) {
      w[i] = (src[off]! << 24) | (src[off + 1]! << 16) | (src[off + 2]! << 8) | src[off + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }

    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = g ^ (e & (f ^ g));
      // Sums of up to five int32 values stay exact in a double; |0 wraps once.
      const t1 = (h + s1 + ch + K[i]! + w[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) | (c & (a | b));
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + s0 + maj) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }

  st[0] = h0; st[1] = h1; st[2] = h2; st[3] = h3;
  st[4] = h4; st[5] = h5; st[6] = h6; st[7] = h7;
}

function checkRange(length: number, start: number, end: number): void {
  // Out-of-range reads on typed arrays yield undefined, which would silently
  // hash as zeros; fail loudly instead.
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > length) {
    throw new RangeError('sha256: invalid range');
  }
}

/**
 * Incremental SHA-256. `digest()` returns the hash and resets the hasher, so
 * one instance can be reused for many messages.
 */
export class Sha256 {
  private readonly state: Int32Array;
  private readonly buf: Uint8Array;
  private bufLen: number;
  private bytes: number;

  constructor() {
    this.state = new Int32Array(8);
    this.buf = new Uint8Array(BLOCK);
    this.bufLen = 0;
    this.bytes = 0;
    this.reset();
  }

  reset(): this {
    this.state.set(IV);
    this.bufLen = 0;
    this.bytes = 0;
    return this;
  }

  /** Feeds data[start, end) without copying whole blocks. */
  update(data: Uint8Array, start = 0, end: number = data.length): this {
    checkRange(data.length, start, end);
    this.bytes += end - start;
    const buf = this.buf;
    let pos = start;

    if (this.bufLen > 0) {
      let n = this.bufLen;
      // Byte loop rather than set(subarray()): at most 63 bytes, and no view allocation.
      while (n < BLOCK && pos < end) buf[n++] = data[pos++]!;
      if (n < BLOCK) {
        this.bufLen = n;
        return this;
      }
      compress(this.state, buf, 0, BLOCK);
      this.bufLen = 0;
    }

    const whole = pos + ((end - pos) & ~(BLOCK - 1));
    if (whole > pos) {
      compress(this.state, data, pos, whole);
      pos = whole;
    }

    let n = 0;
    while (pos < end) buf[n++] = data[pos++]!;
    this.bufLen = n;
    return this;
  }

  digest(): Uint8Array {
    const out = new Uint8Array(32);
    this.digestInto(out);
    return out;
  }

  /** Writes the 32-byte hash to out[0, 32) and resets. Lets HMAC avoid an allocation. */
  digestInto(out: Uint8Array): void {
    const buf = this.buf;
    const st = this.state;
    let n = this.bufLen;
    buf[n++] = 0x80;
    if (n > BLOCK - 8) {
      buf.fill(0, n, BLOCK);
      compress(st, buf, 0, BLOCK);
      n = 0;
    }
    buf.fill(0, n, BLOCK - 8);

    // Bit length as two 32-bit halves; `<< 3` is exact mod 2^32 for any
    // safe-integer byte count, so no BigInt is needed.
    const bytes = this.bytes;
    const hi = Math.floor(bytes / 0x20000000);
    const lo = bytes << 3;
    buf[56] = hi >>> 24;
    buf[57] = hi >>> 16;
    buf[58] = hi >>> 8;
    buf[59] = hi;
    buf[60] = lo >>> 24;
    buf[61] = lo >>> 16;
    buf[62] = lo >>> 8;
    buf[63] = lo;
    compress(st, buf, 0, BLOCK);

    for (let i = 0, o = 0; i < 8; i++, o += 4) {
      const v = st[i]!;
      out[o] = v >>> 24;
      out[o + 1] = v >>> 16;
      out[o + 2] = v >>> 8;
      out[o + 3] = v;
    }
    this.reset();
  }
}

// Shared scratch for the one-shot functions (lazily made, see W above).
let scratch: { hasher: Sha256; pad: Uint8Array; inner: Uint8Array } | undefined;
function shared(): { hasher: Sha256; pad: Uint8Array; inner: Uint8Array } {
  return (scratch ??= { hasher: new Sha256(), pad: new Uint8Array(BLOCK), inner: new Uint8Array(32) });
}

export function sha256(data: Uint8Array): Uint8Array {
  return shared().hasher.reset().update(data).digest();
}

/** HMAC-SHA-256 over the concatenation of parts, without concatenating them. */
export function hmacSha256Parts(key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  // RFC 2104: keys longer than the block are replaced by their hash. This must
  // finish before the shared hasher is used below, since sha256() shares it.
  const k = key.length > BLOCK ? sha256(key) : key;
  const klen = k.length;
  const { pad, hasher: h, inner: INNER } = shared();

  for (let i = 0; i < BLOCK; i++) pad[i] = (i < klen ? k[i]! : 0) ^ 0x36;
  h.reset().update(pad);
  for (let i = 0; i < parts.length; i++) h.update(parts[i]!);
  h.digestInto(INNER);

  // ipad -> opad in place: (k ^ 0x36) ^ (0x36 ^ 0x5c) = k ^ 0x5c.
  for (let i = 0; i < BLOCK; i++) pad[i] = pad[i]! ^ (0x36 ^ 0x5c);
  h.update(pad).update(INNER);
  const out = h.digest();

  // Don't leave key-derived bytes lying in module scratch.
  pad.fill(0);
  INNER.fill(0);
  return out;
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmacSha256Parts(key, [data]);
}

/** Compares without an early exit so timing doesn't reveal the first mismatch (e.g. MAC checks). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
