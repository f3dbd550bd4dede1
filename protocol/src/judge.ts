// The checks of §4 that do not depend on keys or session state, shared by the sessions and the capture
// inspector so that every reader of the protocol reaches the same verdict on the same bytes.
import { decodePayload, type Direction, type FrameHeader } from './frame';
import { PROTOCOL_MINOR } from './limits';
import { MESSAGES, type Message } from './messages';
import type { ReasonName } from './reasons';

/** The first minor version with session nonces: a Hello or HelloAck stamped lower cannot open a session. */
export const MIN_SESSION_MINOR = 1;

/** Hello and HelloAck: MACed under a direction key, frozen for the major version. */
export function isHandshakeType(messageType: number): boolean {
  return messageType === MESSAGES.Hello.type || messageType === MESSAGES.HelloAck.type;
}

export type Judged = { readonly ok: true; readonly message: Message } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/** Step 5: whose frame this is. A station takes host-to-station frames for itself only; a host, station-to-host frames. */
export function judgeAddress(
  role: { readonly kind: 'station'; readonly stationId: number } | { readonly kind: 'host' },
  h: FrameHeader,
): { readonly reason: ReasonName; readonly detail: string } | undefined {
  const wanted: Direction = role.kind === 'station' ? 'host-to-station' : 'station-to-host';
  if (role.kind === 'station' && h.stationId !== role.stationId) {
    return { reason: 'WRONG_STATION', detail: `frame for station ${h.stationId}, this is ${role.stationId}` };
  }
  if (h.direction !== wanted) return { reason: 'WRONG_DIRECTION', detail: `frame travels ${h.direction}; a ${role.kind} takes ${wanted} only` };
  return undefined;
}

/** Steps 10–13, for a frame whose MAC verified: minor version, type, payload, sender. */
export function judgeContent(h: FrameHeader, payload: Uint8Array): Judged {
  const handshake = isHandshakeType(h.messageType);
  if (handshake && h.versionMinor < MIN_SESSION_MINOR) {
    return { ok: false, reason: 'VERSION_UNSUPPORTED', detail: `version 1.${h.versionMinor} has no session nonces; 1.${MIN_SESSION_MINOR} or later is needed` };
  }
  if (!handshake && h.versionMinor > PROTOCOL_MINOR) {
    return { ok: false, reason: 'VERSION_UNSUPPORTED', detail: `version 1.${h.versionMinor}, ours is 1.${PROTOCOL_MINOR}` };
  }
  const d = decodePayload(h.messageType, payload, handshake && h.versionMinor > PROTOCOL_MINOR);
  if (!d.ok) return d;
  const from = MESSAGES[d.message.type].from;
  const sender = h.direction === 'host-to-station' ? 'host' : 'station';
  if (from !== 'either' && from !== sender) {
    return { ok: false, reason: 'UNEXPECTED_MESSAGE', detail: `${d.message.type} is sent by the ${from}, this frame travels ${h.direction}` };
  }
  return d;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
