// The CFX envelope and value formats, as the IPC-CFX SDK 2.1 (CFXEnvelope, CFXJsonSerializer over Newtonsoft.Json)
// writes them: every property present (null when empty), `$type` on the message body and on polymorphic members,
// DateTime as ISO 8601 (fraction only when non-zero), TimeSpan as .NET's constant format `[d.]hh:mm:ss[.fffffff]`.
// UniqueID is deterministic: the same journal record always gives the same id, so an MES can drop a message the
// gateway published twice (after a restart, or once by the gateway and once from an export).
import { sha256 } from '../../../protocol/src/sha256';
import { utf8Encode } from '../../../protocol/src/utf8';

export const CFX_VERSION = '2.1';

export interface CfxEnvelope<B extends CfxBody = CfxBody> {
  readonly MessageName: string;
  readonly Version: string;
  readonly TimeStamp: string;
  readonly UniqueID: string;
  readonly Source: string;
  readonly Target: null;
  readonly RequestID: null;
  readonly MessageBody: B;
}

export interface CfxBody {
  readonly $type: string;
}

/** A CFX DateTime: UTC, ISO 8601, trailing zero fractions dropped (Newtonsoft's `FFFFFFF`). */
export function cfxDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');
}

/** A CFX TimeSpan (.NET "c" format): `[-][d.]hh:mm:ss`, whole seconds here. */
export function cfxTimeSpan(seconds: number): string {
  const neg = seconds < 0;
  let s = Math.floor(Math.abs(seconds));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const two = (n: number) => String(n).padStart(2, '0');
  const hms = `${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return `${neg ? '-' : ''}${d > 0 ? `${d}.` : ''}${hms}`;
}

/** Seconds of a CFX TimeSpan, or undefined if it is not one. */
export function parseCfxTimeSpan(t: string): number | undefined {
  const m = /^(-)?(?:(\d+)\.)?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(t);
  if (m === null) return undefined;
  const v = Number(m[2] ?? 0) * 86_400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]) + Number(`0.${m[6] ?? '0'}`);
  return m[1] === '-' ? -v : v;
}

/**
 * The UniqueID of the `part`-th CFX message made from journal record `seq` of a station: an RFC 9562 version 8
 * UUID whose 122 free bits are the first bits of SHA-256("smt-warden/cfx/1\0" source "\0" station "\0" seq "\0"
 * part). The source (the station's CFX handle) is part of the name so that two lines' station 7 never collide.
 */
export function cfxUniqueId(source: string, stationId: number, seq: number, part = 0): string {
  const h = sha256(utf8Encode(`smt-warden/cfx/1\u0000${source}\u0000${stationId}\u0000${seq}\u0000${part}`));
  const b = h.slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80; // version 8
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The CFX handle of a station (CFX: a unique name per endpoint, "Vendor.Model.Serial"-like). */
export function cfxHandle(lineName: string, stationId: number): string {
  const line = lineName.replace(/[^0-9A-Za-z_-]+/g, '_').replace(/^_+|_+$/g, '') || 'line';
  return `SMTWarden.${line}.station${stationId}`;
}

export function envelope<B extends CfxBody>(name: string, at: number, source: string, uniqueId: string, body: B): CfxEnvelope<B> {
  return { MessageName: name, Version: CFX_VERSION, TimeStamp: cfxDateTime(at), UniqueID: uniqueId, Source: source, Target: null, RequestID: null, MessageBody: body };
}
