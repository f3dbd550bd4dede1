// The JSON view of frames and messages, used by conformance vectors and `warden decode`.
// Bytes are lower-case hex strings; everything else maps one to one.
import type { FrameHeader } from './frame';
import { toHex } from './hex';
import type { Message, MessageName } from './messages';

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
