// Reading recorded traffic (`warden decode`), never acting on it. Nothing here is a session: it sends nothing,
// and its verdicts are not session events, so a runtime cannot mistake a decoded capture for a command.
//   decodeWithoutKeys: no keys at all; every frame that decodes is marked unauthenticated.
//   CaptureInspector: a passive tap holding the line's secrets; it follows the handshakes in the capture (both
//     directions) and verifies every MAC, so a capture that starts mid-session reports NO_SESSION until a Hello.
import { Deframer, type DeframeEvent } from './deframer';
import { macMatches, unseal, type Direction, type FrameHeader } from './frame';
import { isHandshakeType, judgeContent, sameBytes } from './judge';
import { deriveSessionKey, type KeySource, type MacKey } from './keys';
import { MAX_WIRE_FRAME } from './limits';
import { MESSAGES, type Message } from './messages';
import type { ReasonName } from './reasons';

export type CaptureVerdict =
  | {
      readonly ok: true;
      readonly offset: number;
      readonly header: FrameHeader;
      readonly message: Message;
      /** True only when the inspector verified the MAC under the line's keys. */
      readonly authenticated: boolean;
    }
  | { readonly ok: false; readonly offset: number; readonly reason: ReasonName; readonly detail: string; readonly header?: FrameHeader };

function refused(offset: number, reason: ReasonName, detail: string, header?: FrameHeader): CaptureVerdict {
  return header === undefined ? { ok: false, offset, reason, detail } : { ok: false, offset, reason, detail, header };
}

function deframeAll(bytes: Uint8Array, judge: (e: DeframeEvent) => CaptureVerdict): CaptureVerdict[] {
  const d = new Deframer(MAX_WIRE_FRAME);
  const out: CaptureVerdict[] = [];
  const on = (e: DeframeEvent) => out.push(judge(e));
  d.push(bytes, on);
  d.flush(on);
  return out;
}

/** Decodes every frame of a capture with no key: MACs unchecked, every ok verdict `authenticated: false`. */
export function decodeWithoutKeys(bytes: Uint8Array): CaptureVerdict[] {
  return deframeAll(bytes, (e) => {
    if (e.kind === 'error') return refused(e.offset, e.reason, `${e.length} bytes dropped`);
    const u = unseal(e.body);
    if (!u.ok) return refused(e.offset, u.reason, u.detail, u.header);
    const c = judgeContent(u.header, u.payload);
    if (!c.ok) return refused(e.offset, c.reason, c.detail, u.header);
    return { ok: true, offset: e.offset, header: u.header, message: c.message, authenticated: false };
  });
}

interface Observed {
  /** The Hello of the handshake in progress: which way it went and its nonce. */
  hello?: { readonly direction: Direction; readonly nonce: Uint8Array; readonly counter: number };
  keys?: { readonly 'station-to-host': MacKey; readonly 'host-to-station': MacKey };
  readonly last: { 'station-to-host': number; 'host-to-station': number };
}

/** A passive tap: judges each frame as its receiver would, in both directions, from the line's secrets. */
export class CaptureInspector {
  private readonly deframer = new Deframer(MAX_WIRE_FRAME);
  private readonly streams = new Map<number, Observed>();

  constructor(
    private readonly keys: KeySource,
    private readonly maxStreams = 4096,
  ) {}

  push(bytes: Uint8Array, emit: (v: CaptureVerdict) => void): void {
    this.deframer.push(bytes, (e) => emit(this.judge(e)));
  }

  /** The capture ended: a last frame without its delimiter is judged as if it had one. */
  flush(emit: (v: CaptureVerdict) => void): void {
    this.deframer.flush((e) => emit(this.judge(e)));
  }

  private judge(e: DeframeEvent): CaptureVerdict {
    if (e.kind === 'error') return refused(e.offset, e.reason, `${e.length} bytes dropped`);
    const at = e.offset;
    const u = unseal(e.body);
    if (!u.ok) return refused(at, u.reason, u.detail, u.header);
    const h = u.header;
    const dirKey = this.keys.directionKey(h.stationId, h.keyId, h.direction);
    if (dirKey === undefined) return refused(at, 'UNKNOWN_KEY', `no secret for station ${h.stationId}, key id ${h.keyId}`, h);
    const id = h.stationId * 256 + h.keyId;
    const seen = this.streams.get(id);
    let key: MacKey;
    if (isHandshakeType(h.messageType)) key = dirKey;
    else if (seen?.keys !== undefined) key = seen.keys[h.direction];
    else if (seen?.hello !== undefined && seen.hello.direction !== h.direction && h.messageType === MESSAGES.Nack.type) key = dirKey;
    else return refused(at, 'NO_SESSION', 'the capture holds no handshake for this frame', h);
    if (!macMatches(e.body, key)) return refused(at, 'BAD_MAC', 'MAC does not verify', h);

    let s = seen;
    if (s === undefined) {
      if (this.streams.size >= this.maxStreams) return refused(at, 'LIMIT_EXCEEDED', 'too many streams in one capture', h);
      s = { last: { 'station-to-host': 0, 'host-to-station': 0 } };
      this.streams.set(id, s);
    }
    if (h.counter <= s.last[h.direction]) return refused(at, 'REPLAY', `counter ${h.counter}, last accepted ${s.last[h.direction]}`, h);
    s.last[h.direction] = h.counter;
    const c = judgeContent(h, u.payload);
    if (!c.ok) return refused(at, c.reason, c.detail, h);
    const m = c.message;
    if (m.type === 'Hello') {
      delete s.keys;
      s.hello = { direction: h.direction, nonce: m.body.nonce, counter: h.counter };
    } else if (m.type === 'HelloAck') {
      const p = s.hello;
      if (p === undefined || p.direction === h.direction || !sameBytes(p.nonce, m.body.helloNonce)) {
        return refused(at, 'HANDSHAKE_STALE', 'it answers no Hello in the capture', h);
      }
      const [stationNonce, hostNonce] = p.direction === 'station-to-host' ? [p.nonce, m.body.nonce] : [m.body.nonce, p.nonce];
      const s2h = this.keys.directionKey(h.stationId, h.keyId, 'station-to-host')!;
      const h2s = this.keys.directionKey(h.stationId, h.keyId, 'host-to-station')!;
      s.keys = { 'station-to-host': deriveSessionKey(s2h, stationNonce, hostNonce), 'host-to-station': deriveSessionKey(h2s, stationNonce, hostNonce) };
      delete s.hello;
    }
    return { ok: true, offset: at, header: h, message: m, authenticated: true };
  }
}


