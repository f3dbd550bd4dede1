// A host message written as JSON, {"type", "body"}, as the station console's scripts and the gateway's
// host-messages documents carry it → the message a station is sent. One reader for both, so a body one accepts the
// other accepts: each body is checked against its schema (protocol/src/messages.ts), and a LabelLayoutLoad body is
// a layout document (what `warden label learn --out` writes, defaults left out) filled in and checked whole by the
// label code's own reader, so the learner's file is sent as it is.
import { layoutLoadBody } from '../../firmware/core/label/layout-store';
import { encodePayload } from '../../protocol/src/frame';
import { MESSAGES, type Message, type MessageName } from '../../protocol/src/messages';

/** Every message a host may send. */
export const HOST_SENT: readonly MessageName[] = (Object.keys(MESSAGES) as MessageName[]).filter((n) => MESSAGES[n].from !== 'station');

export type HostMessageRead =
  | { readonly ok: true; readonly message: Message }
  | { readonly ok: false; readonly field: 'type' | 'body'; readonly detail: string };

/** Reads `{"type", "body"}` (any JSON value) as one of `allowed`. Total: every problem names `type` or `body`. */
export function readHostMessage(v: unknown, allowed: readonly MessageName[] = HOST_SENT): HostMessageRead {
  const o = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const type = o['type'];
  const name = allowed.find((n) => n === type);
  if (name === undefined) return { ok: false, field: 'type', detail: `one of ${allowed.join(', ')}` };
  let body = o['body'];
  if (name === 'LabelLayoutLoad') {
    const l = layoutLoadBody(body);
    if (!l.ok) return { ok: false, field: 'body', detail: `${l.reason}: ${l.detail} (a layout document, as \`warden label learn --out\` writes it: firmware/core/label/README.md, "Layouts as data")` };
    body = l.body;
  }
  const message = { type: name, body } as Message;
  const e = encodePayload(message);
  if (!e.ok) return { ok: false, field: 'body', detail: `${e.reason}: ${e.detail} (the fields of ${name} are in protocol/PROTOCOL.md, type 0x${MESSAGES[name].type.toString(16)})` };
  return { ok: true, message };
}
