// HKDF-SHA-256 (RFC 5869) on the pure-TypeScript HMAC, for engines without native crypto. Used to derive each
// station's per-direction keys from its one provisioned secret, and the session keys from those.
import { hmacSha256, hmacSha256Parts } from './sha256';

const HASH_BYTES = 32;

/** HKDF-Extract: PRK = HMAC(salt, IKM). An empty salt stands for 32 zero bytes (RFC 5869 §2.2). */
export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmacSha256(salt.length === 0 ? new Uint8Array(HASH_BYTES) : salt, ikm);
}

/**
 * HKDF-Expand: T(i) = HMAC(PRK, T(i-1) · info · i), output the first `length` bytes. Undefined when `length`
 * is outside 0..255 × 32 (the RFC's limit) or the PRK is shorter than a hash: callers treat that as a refusal.
 */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array | undefined {
  if (!Number.isInteger(length) || length < 0 || length > 255 * HASH_BYTES || prk.length < HASH_BYTES) return undefined;
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  const counter = new Uint8Array(1);
  for (let i = 1, at = 0; at < length; i++, at += HASH_BYTES) {
    counter[0] = i;
    t = hmacSha256Parts(prk, [t, info, counter]);
    out.set(t.subarray(0, Math.min(HASH_BYTES, length - at)), at);
  }
  return out;
}

/** HKDF-SHA-256 in one call: Expand(Extract(salt, IKM), info, length). */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array | undefined {
  return hkdfExpand(hkdfExtract(salt, ikm), info, length);
}
