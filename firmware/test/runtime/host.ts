// The host end for runtime tests: the protocol's HostSession on an in-memory byte stream to a station's HostLink.
import { Keyring } from '../../../protocol/src/keys';
import { MemoryCounterVault } from '../../../protocol/src/counters';
import { HostSession } from '../../../protocol/src/host-session';
import type { SessionEvent } from '../../../protocol/src/session';
import type { Message } from '../../../protocol/src/messages';
import { cobsDecode } from '../../../protocol/src/cobs';
import { CRC_BYTES } from '../../../protocol/src/limits';
import { resealCrc, unseal, wrap } from '../../../protocol/src/frame';
import type { WorkOrder } from '../../../protocol/src/workorder';
import { seededRandom } from '../../platform/sim/devices';
import { HostLink } from '../../runtime/host-link';
import type { ByteStream } from '../../platform/hal';
import type { Rig } from './rig';

export const SECRET = new Uint8Array(32).fill(7);

/** What the host saw, and a way to talk. Frames are delivered synchronously in both directions. */
export interface Host {
  readonly session: HostSession;
  readonly events: SessionEvent[];
  /** Every wire frame the host sent, in order (for replay attacks). */
  readonly sent: Uint8Array[];
  link: HostLink;
  send(m: Message, ackRequested?: boolean): void;
  workOrder(order: WorkOrder): void;
  /** Bytes straight onto the wire towards the station (a recorded frame, garbage). */
  inject(bytes: Uint8Array): void;
  messages(): Message[];
  /** The link dropped and came back (a reboot of the station needs this too). */
  reconnect(r: Rig): void;
  /** Sends `m` asking for an acknowledgement; the station's Ack or Nack of that frame, or undefined if none came. */
  request(m: Message): Answer | undefined;
  /** Transfers a work order; the station's answer to its commit. */
  requestWorkOrder(order: WorkOrder): Answer | undefined;
  /**
   * Seals `m` as a genuine frame of this session, changes bit `bit` of its header, payload or MAC, recomputes the CRC
   * (so that it passes as undamaged: a forgery, not line noise) and puts it on the wire. The genuine frame is never sent.
   */
  forge(m: Message, bit: number): void;
}

export type Answer = Extract<Message, { type: 'Ack' | 'Nack' }>;

/** The header counter of a wire frame (0x00 · COBS(body) · 0x00). */
export function counterOf(wire: Uint8Array): number {
  const u = unseal(cobsDecode(wire.subarray(1, wire.length - 1))!);
  if (!u.ok) throw new Error(u.detail);
  return u.header.counter;
}

/** The MES's end of station 7's link, holding `secret` for it. */
export function hostSession(opts: { vault?: MemoryCounterVault; secret?: Uint8Array } = {}): HostSession {
  const keys = new Keyring(4);
  keys.install(7, 1, opts.secret ?? SECRET);
  const made = HostSession.create({
    keys,
    vault: opts.vault ?? new MemoryCounterVault(),
    random: seededRandom(99),
    hello: { softwareVersion: 'test-mes 1.0', role: 'other', capabilities: ['journal'], maxFrameBytes: 512, maxSlots: 0, maxReels: 0, journalCapacity: 0 },
  });
  if (!made.ok) throw new Error(made.detail);
  return made.session;
}

export function connectHost(r: Rig, opts: { vault?: MemoryCounterVault; secret?: Uint8Array } = {}): Host {
  const session = hostSession(opts);
  const events: SessionEvent[] = [];
  const sent: Uint8Array[] = [];
  let toStation: (b: Uint8Array) => void = () => {};
  const hostSide = (bytes: Uint8Array) => session.receive(bytes, r.clock.monotonicMs(), (e) => {
    events.push(e);
    if (e.kind === 'send') write(e.wire);
  });
  const write = (wire: Uint8Array) => {
    sent.push(wire);
    toStation(wire);
  };
  const open = (): HostLink => {
    const stationEnd: ByteStream = { write: (b) => (hostSide(b), true), close: () => {} };
    const link = new HostLink(r.station, stationEnd);
    const cb = link.callbacks();
    toStation = (b) => cb.onData(b, r.clock.monotonicUs());
    link.connect();
    return link;
  };
  const h: Host = {
    session,
    events,
    sent,
    link: open(),
    send(m, ackRequested = true) {
      const s = session.send(7, m, { ackRequested });
      if (!s.ok) throw new Error(`${s.reason}: ${s.detail}`);
      write(s.wire);
    },
    workOrder(order) {
      const w = session.sendWorkOrder(7, order, { ackRequested: true });
      if (!w.ok) throw new Error(`${w.reason}: ${w.detail}`);
      for (const f of w.frames) write(f);
    },
    inject(bytes) {
      toStation(bytes);
    },
    messages() {
      return events.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
    },
    reconnect(rr) {
      h.link.close();
      session.reset(7);
      h.link = open();
      void rr;
    },
    request(m) {
      const from = events.length;
      const s = session.send(7, m, { ackRequested: true });
      if (!s.ok) throw new Error(`${s.reason}: ${s.detail}`);
      write(s.wire);
      return answerTo(from, s.counter);
    },
    requestWorkOrder(order) {
      const from = events.length;
      const w = session.sendWorkOrder(7, order, { ackRequested: true });
      if (!w.ok) throw new Error(`${w.reason}: ${w.detail}`);
      for (const f of w.frames) write(f);
      return answerTo(from, counterOf(w.frames.at(-1)!));
    },
    forge(m, bit) {
      const s = session.send(7, m, { ackRequested: true });
      if (!s.ok) throw new Error(`${s.reason}: ${s.detail}`);
      const body = cobsDecode(s.wire.subarray(1, s.wire.length - 1))!.slice();
      const at = bit % ((body.length - CRC_BYTES) * 8);
      body[at >> 3]! ^= 1 << (at & 7);
      toStation(wrap(resealCrc(body)));
    },
  };
  const answerTo = (from: number, counter: number): Answer | undefined => {
    for (const e of events.slice(from)) {
      if (e.kind === 'message' && (e.message.type === 'Ack' || e.message.type === 'Nack') && e.message.body.ackedCounter === counter) return e.message;
    }
    return undefined;
  };
  return h;
}
