// Keys (§3 of PROTOCOL.md). Each station is provisioned with one secret per key id. HKDF-SHA-256 derives from it
// one key per direction, bound to the station id and key id, and each session derives its own keys from those
// and both ends' nonces. A MacKey can only come out of these functions, so nothing can MAC under a key that is
// short, unchecked, or meant for another station or the other direction.
import type { Direction } from './frame';
import { hkdfExpand, hkdfExtract } from './hkdf';
import { MIN_KEY_BYTES, NONCE_BYTES } from './limits';
import type { ReasonName } from './reasons';

declare const MAC_KEY: unique symbol;
/** A key that passed the length check: the only kind the frame codec MACs with. */
export type MacKey = Uint8Array & { readonly [MAC_KEY]: true };

export type KeyResult<T> = { readonly ok: true; readonly key: T } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/** Checks a raw key (at least MIN_KEY_BYTES) and brands it. Tools and tests that seal odd frames use this. */
export function macKey(bytes: Uint8Array): KeyResult<MacKey> {
  if (!(bytes instanceof Uint8Array) || bytes.length < MIN_KEY_BYTES) {
    return { ok: false, reason: 'KEY_TOO_SHORT', detail: `key of ${bytes instanceof Uint8Array ? bytes.length : 0} bytes; at least ${MIN_KEY_BYTES} are needed (32 random bytes recommended)` };
  }
  return { ok: true, key: bytes.slice() as MacKey };
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The HKDF salt of every derivation from a provisioned secret or a line master. */
export const KDF_SALT = 'SMT-Warden v1';
/** HKDF info labels; each is followed by the station id (u16 LE) and the key id (u8). */
export const KDF_LABELS = {
  'station-to-host': 'SMT-Warden station-to-host',
  'host-to-station': 'SMT-Warden host-to-station',
  stationSecret: 'SMT-Warden station secret',
} as const;
/** HKDF-Expand info label of a session key; followed by the station's nonce, then the host's. */
export const SESSION_LABEL = 'SMT-Warden session';

function idInfo(label: string, stationId: number, keyId: number): Uint8Array {
  const l = ascii(label);
  const info = new Uint8Array(l.length + 3);
  info.set(l);
  info[l.length] = stationId & 0xff;
  info[l.length + 1] = stationId >>> 8;
  info[l.length + 2] = keyId;
  return info;
}

function checkIds(stationId: number, keyId: number): string | undefined {
  if (!Number.isInteger(stationId) || stationId < 0 || stationId > 0xffff) return `station id ${String(stationId)} is not 0..65535`;
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 0xff) return `key id ${String(keyId)} is not 0..255`;
  return undefined;
}

function checkSecret(secret: Uint8Array, what: string): KeyResult<never> | undefined {
  if (secret instanceof Uint8Array && secret.length >= MIN_KEY_BYTES) return undefined;
  const n = secret instanceof Uint8Array ? secret.length : 0;
  return { ok: false, reason: 'KEY_TOO_SHORT', detail: `${what} of ${n} bytes; at least ${MIN_KEY_BYTES} are needed (32 random bytes recommended)` };
}

/** The two direction keys of a (station, key id): HKDF(secret, salt, label · station id · key id, 32). */
export interface DirectionKeys {
  readonly 'station-to-host': MacKey;
  readonly 'host-to-station': MacKey;
}

/** HKDF-Extract of checked key material, for a checked (station id, key id). */
function extract(ikm: Uint8Array, what: string, stationId: number, keyId: number): KeyResult<Uint8Array> {
  const bad = checkSecret(ikm, what);
  if (bad !== undefined) return bad;
  const ids = checkIds(stationId, keyId);
  if (ids !== undefined) return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: ids };
  return { ok: true, key: hkdfExtract(ascii(KDF_SALT), ikm) };
}

export function deriveDirectionKeys(secret: Uint8Array, stationId: number, keyId: number): KeyResult<DirectionKeys> {
  const e = extract(secret, 'station secret', stationId, keyId);
  if (!e.ok) return e;
  const prk = e.key;
  const s2h = hkdfExpand(prk, idInfo(KDF_LABELS['station-to-host'], stationId, keyId), 32)!;
  const h2s = hkdfExpand(prk, idInfo(KDF_LABELS['host-to-station'], stationId, keyId), 32)!;
  prk.fill(0);
  return { ok: true, key: { 'station-to-host': s2h as MacKey, 'host-to-station': h2s as MacKey } };
}

/**
 * The optional line-master scheme: a host that holds one master secret derives each station's secret as
 * HKDF(master, salt, "SMT-Warden station secret" · station id · key id, 32) and provisions the station with it.
 * A station never holds the master, so one station's secret reveals nothing about another's.
 */
export function deriveStationSecret(lineMaster: Uint8Array, stationId: number, keyId: number): KeyResult<Uint8Array> {
  const e = extract(lineMaster, 'line master secret', stationId, keyId);
  if (!e.ok) return e;
  const prk = e.key;
  const secret = hkdfExpand(prk, idInfo(KDF_LABELS.stationSecret, stationId, keyId), 32)!;
  prk.fill(0);
  return { ok: true, key: secret };
}

/** A session's key for one direction: HKDF-Expand(direction key, "SMT-Warden session" · N_station · N_host, 32). */
export function deriveSessionKey(directionKey: MacKey, stationNonce: Uint8Array, hostNonce: Uint8Array): MacKey {
  const l = ascii(SESSION_LABEL);
  const info = new Uint8Array(l.length + 2 * NONCE_BYTES);
  info.set(l);
  info.set(stationNonce.subarray(0, NONCE_BYTES), l.length);
  info.set(hostNonce.subarray(0, NONCE_BYTES), l.length + NONCE_BYTES);
  return hkdfExpand(directionKey, info, 32)! as MacKey;
}

/** Where a session finds the long-term key of a (station, key id, direction). */
export interface KeySource {
  directionKey(stationId: number, keyId: number, direction: Direction): MacKey | undefined;
}

/**
 * Installed station secrets, looked up by (station id, key id). Only the derived direction keys are kept, and
 * the number of entries is fixed at construction. A station installs its own secret(s); a host every station's.
 */
export class Keyring implements KeySource {
  private readonly entries = new Map<number, DirectionKeys>();
  constructor(readonly maxEntries = 256) {}

  /** Installs (or replaces) the secret of (station, key id). Refuses secrets under 16 bytes (KEY_TOO_SHORT). */
  install(stationId: number, keyId: number, secret: Uint8Array): { readonly ok: true } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string } {
    const d = deriveDirectionKeys(secret, stationId, keyId);
    if (!d.ok) return d;
    const k = stationId * 256 + keyId;
    if (!this.entries.has(k) && this.entries.size >= this.maxEntries) {
      return { ok: false, reason: 'LIMIT_EXCEEDED', detail: `the keyring holds at most ${this.maxEntries} secrets` };
    }
    this.entries.set(k, d.key);
    return { ok: true };
  }

  /** Installs the secret the line master gives (station, key id): see deriveStationSecret. */
  installFromLineMaster(lineMaster: Uint8Array, stationId: number, keyId: number): { readonly ok: true } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string } {
    const s = deriveStationSecret(lineMaster, stationId, keyId);
    if (!s.ok) return s;
    const r = this.install(stationId, keyId, s.key);
    s.key.fill(0);
    return r;
  }

  remove(stationId: number, keyId: number): boolean {
    return this.entries.delete(stationId * 256 + keyId);
  }

  has(stationId: number, keyId: number): boolean {
    return this.entries.has(stationId * 256 + keyId);
  }

  get size(): number {
    return this.entries.size;
  }

  directionKey(stationId: number, keyId: number, direction: Direction): MacKey | undefined {
    return this.entries.get(stationId * 256 + keyId)?.[direction];
  }
}
