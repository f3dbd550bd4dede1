// In-memory byte links between the MES and the stations' host ports, on the line's timeline. A write is delivered
// as an event after the link's latency, in order, never inside the write (so neither end is ever re-entered).
// Faults: noise flips a bit in a write, a drop loses a whole write (a flaky serial host link or gateway), and a
// cut closes every connection to an address. It offers the HAL's ListenTcp to a station and `connect` to the MES.
import type { ByteStream, ListenTcp, StreamCallbacks, TcpListener, TcpListenerOptions } from '../../firmware/platform/hal';
import type { Random } from './random';
import type { Timeline } from './timeline';

export interface LinkFaults {
  /** Chance that a write has one bit flipped. */
  noise: number;
  /** Chance that a write is lost. */
  drop: number;
}

export interface LinkStats {
  writes: number;
  bytes: number;
  corrupted: number;
  dropped: number;
}

class End implements ByteStream {
  peer!: End;
  callbacks: StreamCallbacks | undefined;
  closed = false;
  /** When the last write from this end arrives: later writes never overtake it. */
  lastArrival = 0;

  constructor(
    private readonly net: LinkNet,
    readonly address: string,
  ) {}

  write(bytes: Uint8Array): boolean {
    if (this.closed || this.peer.closed) return false;
    this.net.send(this, bytes.slice());
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.net.closeLater(this.peer);
  }
}

export class LinkNet {
  private readonly listeners = new Map<string, TcpListenerOptions>();
  private readonly faults = new Map<string, LinkFaults>();
  private readonly open = new Set<End>();
  readonly stats: LinkStats = { writes: 0, bytes: 0, corrupted: 0, dropped: 0 };

  constructor(
    private readonly timeline: Timeline,
    private readonly r: Random,
    private readonly latencyMs: number,
  ) {}

  /** The ListenTcp of the host at `address` (a station): one listener per address and port. */
  listenAt(address: string): ListenTcp {
    return (o: TcpListenerOptions): TcpListener => {
      const key = `${address}:${o.port}`;
      this.listeners.set(key, o);
      return { close: () => this.listeners.delete(key) };
    };
  }

  /** Opens a connection to `address:port`; undefined when nothing listens there or the listener refuses. */
  connect(address: string, port: number, callbacks: StreamCallbacks): ByteStream | undefined {
    const l = this.listeners.get(`${address}:${port}`);
    if (l === undefined) return undefined;
    const client = new End(this, address);
    const server = new End(this, address);
    client.peer = server;
    server.peer = client;
    client.callbacks = callbacks;
    server.callbacks = l.onConnection(server, `mes->${address}`);
    if (server.callbacks === undefined) {
      server.closed = true;
      client.closed = true;
      return undefined;
    }
    this.open.add(client);
    this.open.add(server);
    return client;
  }

  /** Faults on every link to `address` from now on (both directions). */
  setFaults(address: string, f: LinkFaults | undefined): void {
    if (f === undefined) this.faults.delete(address);
    else this.faults.set(address, f);
  }

  /** Cuts every connection to `address` (a cable pulled): what was on its way is lost, and both ends hear the close. */
  cut(address: string): void {
    for (const e of [...this.open]) {
      if (e.address !== address || e.closed) continue;
      this.open.delete(e);
      e.closed = true;
      const cb = e.callbacks;
      e.callbacks = undefined;
      this.timeline.at(this.timeline.now, () => cb?.onClose?.());
    }
  }

  /** @internal */
  send(from: End, bytes: Uint8Array): void {
    const to = from.peer;
    this.stats.writes++;
    this.stats.bytes += bytes.length;
    const f = this.faults.get(from.address);
    if (f !== undefined && this.r.chance(f.drop)) {
      this.stats.dropped++;
      return;
    }
    if (f !== undefined && bytes.length > 0 && this.r.chance(f.noise)) {
      const i = this.r.int(0, bytes.length - 1);
      bytes[i] = bytes[i]! ^ (1 << this.r.int(0, 7));
      this.stats.corrupted++;
    }
    const at = Math.max(this.timeline.now + this.latencyMs, from.lastArrival);
    from.lastArrival = at;
    this.timeline.at(at, () => {
      if (to.closed || to.callbacks === undefined) return;
      to.callbacks.onData(bytes, Math.round(this.timeline.now * 1000));
    });
  }

  /** @internal: the peer hears the close after the bytes already on their way. */
  closeLater(to: End): void {
    const from = to.peer;
    this.open.delete(from);
    const at = Math.max(this.timeline.now + this.latencyMs, from.lastArrival);
    this.timeline.at(at, () => {
      this.open.delete(to);
      if (to.closed) return;
      to.closed = true;
      const cb = to.callbacks;
      to.callbacks = undefined;
      cb?.onClose?.();
    });
  }
}
