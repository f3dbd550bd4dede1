// The gateway's secrets: each station's secret (or one line master that derives them, PROTOCOL.md §3.1) and the
// broker password. They come from a file that only its owner may read (mode 0600 or 0400) or from an environment
// variable, never from the configuration, and they never appear in a message, a log line or the status: errors
// name the station and the field, never the value.
//
//   {"lineMaster": "HEX"}                                    every station's secret derived from it
//   {"stations": {"7:1": "HEX", "8:1": "HEX"}}               secrets by station:keyId (both forms may be given;
//                                                            an explicit secret wins)
//   {"brokerPassword": "…"}                                  optional
import { statSync, readFileSync } from 'node:fs';
import { Keyring } from '../../../protocol/src/keys';
import { fromHex } from '../../../protocol/src/json';
import type { ReasonName } from '../../../protocol/src/reasons';
import type { KeySourceConfig, StationEntry } from './config';

export interface GatewaySecrets {
  readonly keyring: Keyring;
  readonly brokerPassword: string | undefined;
}

export type SecretsResult = { readonly ok: true; readonly secrets: GatewaySecrets } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

const bad = (reason: ReasonName, detail: string): SecretsResult => ({ ok: false, reason, detail });

/** Reads the secrets the configuration points at, checks the file's permissions, and installs every station's key. */
export function loadSecrets(source: KeySourceConfig, stations: readonly StationEntry[], env: NodeJS.ProcessEnv = process.env): SecretsResult {
  let text: string;
  if (source.kind === 'file') {
    let mode: number;
    try {
      mode = statSync(source.path).mode;
    } catch (e) {
      return bad('GATEWAY_KEYS_INVALID', `keys.file ${source.path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'}); create it with mode 0600`);
    }
    if ((mode & 0o077) !== 0) {
      return bad('GATEWAY_KEYS_EXPOSED', `keys.file ${source.path} is mode ${(mode & 0o777).toString(8).padStart(4, '0')}: other users may read it; run chmod 600 on it (and consider the keys seen)`);
    }
    try {
      text = readFileSync(source.path, 'utf8');
    } catch (e) {
      return bad('GATEWAY_KEYS_INVALID', `keys.file ${source.path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    const v = env[source.name];
    if (v === undefined || v.trim() === '') return bad('GATEWAY_KEYS_INVALID', `keys.env: the variable ${source.name} is not set; set it to the key document ({"lineMaster": HEX} or {"stations": {"7:1": HEX}})`);
    text = v;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return bad('GATEWAY_KEYS_INVALID', `${where(source)} is not JSON (the key document: {"lineMaster": HEX} or {"stations": {"7:1": HEX}})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad('GATEWAY_KEYS_INVALID', `${where(source)}: a JSON object`);
  const o = doc as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['lineMaster', 'stations', 'brokerPassword'].includes(k)) return bad('GATEWAY_KEYS_INVALID', `${where(source)}: ${k} is not a field (fields: lineMaster, stations, brokerPassword)`);
  let master: Uint8Array | undefined;
  if (o['lineMaster'] !== undefined) {
    master = typeof o['lineMaster'] === 'string' ? fromHex(o['lineMaster']) : undefined;
    if (master === undefined) return bad('GATEWAY_KEYS_INVALID', `${where(source)}: lineMaster is not hex`);
  }
  const explicit = new Map<string, Uint8Array>();
  if (o['stations'] !== undefined) {
    const s = o['stations'];
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return bad('GATEWAY_KEYS_INVALID', `${where(source)}: stations is an object {"STATION:KEYID": HEX}`);
    for (const [k, v] of Object.entries(s)) {
      if (!/^\d{1,5}:\d{1,3}$/.test(k)) return bad('GATEWAY_KEYS_INVALID', `${where(source)}: stations.${k}: the name is STATION:KEYID, e.g. "7:1"`);
      const b = typeof v === 'string' ? fromHex(v) : undefined;
      if (b === undefined) return bad('GATEWAY_KEYS_INVALID', `${where(source)}: stations.${k} is not hex`);
      explicit.set(k, b);
    }
  }
  const pw = o['brokerPassword'];
  if (pw !== undefined && typeof pw !== 'string') return bad('GATEWAY_KEYS_INVALID', `${where(source)}: brokerPassword is text`);
  const keyring = new Keyring(Math.max(1, stations.length));
  for (const st of stations) {
    const name = `${st.id}:${st.keyId}`;
    const secret = explicit.get(name);
    const r = secret !== undefined ? keyring.install(st.id, st.keyId, secret) : master !== undefined ? keyring.installFromLineMaster(master, st.id, st.keyId) : undefined;
    if (r === undefined) return bad('GATEWAY_KEYS_INVALID', `${where(source)} has no key for station ${st.id} key id ${st.keyId}: add stations."${name}" or a lineMaster`);
    if (!r.ok) return bad(r.reason === 'KEY_TOO_SHORT' ? 'KEY_TOO_SHORT' : 'GATEWAY_KEYS_INVALID', `${where(source)}: the key for station ${st.id} key id ${st.keyId}: ${r.detail}`);
  }
  for (const b of explicit.values()) b.fill(0);
  master?.fill(0);
  return { ok: true, secrets: { keyring, brokerPassword: pw as string | undefined } };
}

function where(s: KeySourceConfig): string {
  return s.kind === 'file' ? `keys.file ${s.path}` : `the variable ${s.name}`;
}
