// The host end of station links, written once for the simulator's MES and the line gateway. One HostSession per
// byte stream: a TCP connection to one station, or an RS-485 line shared by several. It takes station-to-host
// frames only, keeps state only for stations that authenticated, and allocates transfer ids per session.
import type { FrameHeader } from './frame';
import type { Message } from './messages';
import type { ReasonName } from './reasons';
import { SessionCore, type Created, type Link, type PeerInfo, type Sealed, type SessionOptions } from './session';
import { chunkWorkOrder, type WorkOrder } from './workorder';

export interface HostSessionOptions extends SessionOptions {
  /** Most stations this stream holds state for (default 256); a station beyond it is refused, LIMIT_EXCEEDED. */
  readonly maxStations?: number;
}

export type WorkOrderFrames =
  | { readonly ok: true; readonly transferId: number; readonly frames: readonly Uint8Array[] }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

export class HostSession extends SessionCore {
  private readonly links = new Map<number, Link>();
  private readonly maxStations: number;

  private constructor(o: HostSessionOptions) {
    super({ kind: 'host' }, o);
    this.maxStations = o.maxStations ?? 256;
  }

  static create(o: HostSessionOptions): Created<HostSession> {
    if (typeof o !== 'object' || o === null) return { ok: false, reason: 'BAD_ARGUMENT', detail: 'options are required' };
    const max = o.maxStations ?? 256;
    if (!Number.isInteger(max) || max < 1 || max > 0x10000) return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `maxStations ${String(max)} is not 1..65536` };
    return { ok: true, session: new HostSession(o) };
  }

  protected findLink(stationId: number): Link | undefined {
    return this.links.get(stationId);
  }

  protected makeLink(stationId: number): Link | undefined {
    const existing = this.links.get(stationId);
    if (existing !== undefined) return existing;
    if (this.links.size >= this.maxStations) return undefined;
    const link = this.newLink(stationId);
    this.links.set(stationId, link);
    return link;
  }

  private linkOrNew(stationId: number): Link | undefined {
    if (!Number.isInteger(stationId) || stationId < 0 || stationId > 0xffff) return undefined;
    return this.makeLink(stationId);
  }

  /** Opens a handshake with a station (e.g. after the host restarted on a line that stayed up). */
  connect(stationId: number, keyId: number): Sealed {
    const link = this.linkOrNew(stationId);
    if (link === undefined) return { ok: false, reason: 'LIMIT_EXCEEDED', detail: `station id ${String(stationId)} is invalid or no room is left` };
    return this.sendHello(link, keyId);
  }

  /** Seals a message to a station in its session. Work orders go through sendWorkOrder. */
  send(stationId: number, message: Message, opts: { readonly ackRequested?: boolean } = {}): Sealed {
    if (message?.type === 'WorkOrderBegin' || message?.type === 'WorkOrderTerms' || message?.type === 'WorkOrderChunk' || message?.type === 'WorkOrderCommit') {
      return { ok: false, reason: 'UNEXPECTED_MESSAGE', detail: 'work orders go through sendWorkOrder, which gives each a fresh transfer id' };
    }
    return this.sendOn(this.links.get(stationId), message, opts.ackRequested ?? false);
  }

  /**
   * Every frame of a work-order transfer (Begin, Terms if the order has terms, chunks, Commit) under a transfer id
   * new to this session. An empty order is refused (TRANSFER_EMPTY: send ClearWorkOrder) unless the station said it
   * holds no slots (a reflow oven), and so is one larger than the station holds (LIMIT_EXCEEDED). Nothing is
   * returned unless every frame sealed.
   */
  sendWorkOrder(stationId: number, order: WorkOrder, opts: { readonly ackRequested?: boolean } = {}): WorkOrderFrames {
    const link = this.links.get(stationId);
    if (link?.session === undefined) return { ok: false, reason: 'NO_SESSION', detail: `no session with station ${stationId}` };
    // A station that opened the session said how many slots it holds: a larger order would only be refused.
    const max = link.session.peer.hello?.maxSlots;
    if (max !== undefined && order.slots.length > max) {
      return { ok: false, reason: 'LIMIT_EXCEEDED', detail: `${order.slots.length} slots; station ${stationId} holds ${max}` };
    }
    const transferId = SessionCore.nextTransferId(link);
    if (transferId === undefined) return { ok: false, reason: 'LIMIT_EXCEEDED', detail: 'this session used every transfer id: reconnect' };
    // Only a station that said it holds no slots takes an order without any (its program alone).
    const c = chunkWorkOrder(order, transferId, { slotless: max === 0 });
    if (!c.ok) return c;
    const frames: Uint8Array[] = [];
    for (const m of c.messages) {
      const s = this.sendOn(link, m, opts.ackRequested ?? false);
      if (!s.ok) return s;
      frames.push(s.wire);
    }
    return { ok: true, transferId, frames };
  }

  ack(header: FrameHeader): Sealed {
    return this.ackOn(this.links.get(header.stationId), header);
  }

  nack(header: FrameHeader, reason: ReasonName, detail = 0): Sealed {
    return this.nackOn(this.links.get(header.stationId), header, reason, detail);
  }

  /** The stream was lost (all its stations), or one station's session is to be dropped. */
  reset(stationId?: number): void {
    if (stationId !== undefined) return SessionCore.drop(this.links.get(stationId));
    for (const link of this.links.values()) SessionCore.drop(link);
    this.deframer.reset();
  }

  /** The station's session, while established. */
  peer(stationId: number): PeerInfo | undefined {
    return SessionCore.peerOf(this.links.get(stationId));
  }

  /** Stations this stream holds any state for (each authenticated at least once): bounded by maxStations. */
  get trackedStations(): number {
    return this.links.size;
  }

  /** Stations with an established session. */
  stations(): number[] {
    return [...this.links.values()].filter((l) => l.session !== undefined).map((l) => l.stationId);
  }
}
