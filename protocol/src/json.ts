// The JSON view of frames and messages, used by conformance vectors and `warden decode`.
// Bytes are lower-case hex strings; everything else maps one to one.
import { BytesField, ListField, OptField, StructField, type Field } from './fields';
import type { FrameHeader } from './frame';
import { fromHex, toHex } from './hex';
import { MESSAGES, type Message, type MessageName } from './messages';

export { fromHex, toHex } from './hex';

/** Replaces every Uint8Array by its hex text, recursively. */
export function toJsonValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJsonValue(x);
    return out;
  }
  return v;
}

export interface FrameJson {
  readonly version: string;
  readonly type: MessageName;
  readonly stationId: number;
  readonly direction: FrameHeader['direction'];
  readonly counter: number;
  readonly keyId: number;
  readonly ackRequested: boolean;
  readonly body: unknown;
}

/** A decoded frame as JSON: header fields and the message body. */
export function frameToJson(h: FrameHeader, m: Message): FrameJson {
  return {
    version: `${h.versionMajor}.${h.versionMinor}`,
    type: m.type,
    stationId: h.stationId,
    direction: h.direction,
    counter: h.counter,
    keyId: h.keyId,
    ackRequested: h.ackRequested,
    body: toJsonValue(m.body),
  };
}

/** Rebuilds a message from its JSON view (hex back to bytes). The encoder then validates every field. */
export function messageFromJson(type: MessageName, body: unknown): Message {
  return { type, body: fromJsonValue(MESSAGES[type].schema, body) } as Message;
}

function fromJsonValue(schema: Field<unknown>, v: unknown): unknown {
  if (schema instanceof BytesField) return typeof v === 'string' ? (fromHex(v) ?? v) : v;
  if (schema instanceof OptField) return v === undefined ? undefined : fromJsonValue(schema.inner as Field<unknown>, v);
  if (schema instanceof ListField) return Array.isArray(v) ? v.map((x) => fromJsonValue(schema.inner as Field<unknown>, x)) : v;
  if (schema instanceof StructField && typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    const rec = v as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      const field = (schema.fields as Record<string, Field<unknown> | undefined>)[key];
      out[key] = field === undefined ? rec[key] : fromJsonValue(field, rec[key]);
    }
    return out;
  }
  return v;
}
