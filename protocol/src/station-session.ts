// The station end of the host link. One per byte stream to the host (TCP connection or serial port); its role
// (station id, host-to-station only) is fixed at creation, and it refuses everything without the station's keys.
import type { FrameHeader } from './frame';
import type { Message } from './messages';
import type { ReasonName } from './reasons';
import { SessionCore, type Created, type Link, type PeerInfo, type Sealed, type SessionOptions } from './session';

export interface StationSessionOptions extends SessionOptions {
  /** This station's id: frames for any other id are refused (WRONG_STATION). */
  readonly stationId: number;
  /** The key id this station opens sessions with (its current provisioned secret). */
  readonly keyId: number;
}

export class StationSession extends SessionCore {
  private readonly link: Link;

  private constructor(private readonly so: StationSessionOptions) {
    super({ kind: 'station', stationId: so.stationId }, so);
    this.link = this.newLink(so.stationId);
  }

  static create(o: StationSessionOptions): Created<StationSession> {
    if (typeof o !== 'object' || o === null) return { ok: false, reason: 'BAD_ARGUMENT', detail: 'options are required' };
    if (!Number.isInteger(o.stationId) || o.stationId < 0 || o.stationId > 0xffff) {
      return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `station id ${String(o.stationId)} is not 0..65535` };
    }
    if (!Number.isInteger(o.keyId) || o.keyId < 0 || o.keyId > 0xff) {
      return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `key id ${String(o.keyId)} is not 0..255` };
    }
    return { ok: true, session: new StationSession(o) };
  }

  protected findLink(stationId: number): Link | undefined {
    return stationId === this.so.stationId ? this.link : undefined;
  }

  protected makeLink(stationId: number): Link | undefined {
    return this.findLink(stationId);
  }

  get stationId(): number {
    return this.so.stationId;
  }

  /** Starts a handshake: the Hello to put on the wire. Any session in progress ends (call at every link-up and on retry). */
  connect(): Sealed {
    return this.sendHello(this.link, this.so.keyId);
  }

  /** Seals a message in the session (NO_SESSION without one; COUNTER_EXHAUSTED / COUNTER_NOT_RESERVED when no counter). */
  send(message: Message, opts: { readonly ackRequested?: boolean } = {}): Sealed {
    return this.sendOn(this.link, message, opts.ackRequested ?? false);
  }

  /** Acks a frame the runtime acted on (one whose header asked for it). */
  ack(header: FrameHeader): Sealed {
    return this.ackOn(this.link, header);
  }

  /** Refuses a frame the runtime could not act on; nothing changed. */
  nack(header: FrameHeader, reason: ReasonName, detail = 0): Sealed {
    return this.nackOn(this.link, header, reason, detail);
  }

  /** The link was lost (TCP closed, serial port reset): the next frames need a new handshake. */
  reset(): void {
    SessionCore.drop(this.link);
    this.deframer.reset();
  }

  /** The host, while a session is established. */
  get peer(): PeerInfo | undefined {
    return SessionCore.peerOf(this.link);
  }

  /** A Hello of ours is waiting for its HelloAck. */
  get handshaking(): boolean {
    return this.link.hello !== undefined;
  }
}
