// An in-memory TCP network for deterministic simulation: ListenTcp for the station, connect() for clients.
// Bytes move only when run() is called, in the order they were written, cut into segments of seeded random
// size when `maxSegment` is set, so tests can replay any split of a stream from its seed.
import type { ByteStream, Clock, ListenTcp, StreamCallbacks, TcpListener, TcpListenerOptions } from '../hal';
import { prng, type Rnd } from './prng';

export interface SimNetOptions {
  /** Timestamps for onData; time 0 without one. */
  readonly clock?: Clock;
  /** Cut every write into segments of 1..maxSegment bytes (random, from the seed); whole writes when absent. */
  readonly maxSegment?: number;
  readonly seed?: number;
  /** Bytes one end may have in flight before write() says no (default 65 536). */
  readonly sendBuffer?: number;
}

type Event = { readonly to: End; readonly bytes: Uint8Array } | { readonly to: End; readonly close: true };

class End implements ByteStream {
  callbacks: StreamCallbacks | undefined;
  peer!: End;
  inFlight = 0;
  closed = false;
  /** A paused end receives nothing: its bytes wait, and count against the sender's buffer. */
  paused = false;
  constructor(private readonly net: SimNet) {}

  write(bytes: Uint8Array): boolean {
    if (this.closed || this.peer.closed) return false;
    if (this.inFlight + bytes.length > this.net.sendBuffer) return false;
    this.inFlight += bytes.length;
    this.net.enqueueData(this, bytes.slice());
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.net.enqueueClose(this.peer);
    this.net.enqueueClose(this);
  }
}

export class SimNet {
  readonly sendBuffer: number;
  private readonly listeners = new Map<number, TcpListenerOptions>();
  private readonly queue: Event[] = [];
  private readonly parked: Event[] = [];
  private readonly rnd: Rnd;
  private clients = 0;

  constructor(private readonly opts: SimNetOptions = {}) {
    this.sendBuffer = opts.sendBuffer ?? 65_536;
    this.rnd = prng(opts.seed ?? 1);
  }

  readonly listen: ListenTcp = (options: TcpListenerOptions): TcpListener => {
    this.listeners.set(options.port, options);
    return { close: () => this.listeners.delete(options.port) };
  };

  /** Opens a client connection to `port`; undefined when nothing listens there. A refused connection is closed on the next run(). */
  connect(port: number, callbacks: StreamCallbacks, remote = `sim-client-${++this.clients}`): ByteStream | undefined {
    const l = this.listeners.get(port);
    if (l === undefined) return undefined;
    const client = new End(this);
    const server = new End(this);
    client.peer = server;
    server.peer = client;
    client.callbacks = callbacks;
    server.callbacks = l.onConnection(server, remote);
    if (server.callbacks === undefined) server.close();
    return client;
  }

  /** Bytes and closes waiting for delivery. */
  get inFlight(): number {
    return this.queue.length;
  }

  /** Delivers everything in flight, including what the deliveries cause, up to `maxSteps` events. Returns the events delivered. */
  run(maxSteps = 1_000_000): number {
    let steps = 0;
    while (this.queue.length > 0 && steps < maxSteps) {
      const e = this.queue.shift()!;
      steps++;
      const to = e.to;
      if (to.paused && to.callbacks !== undefined) {
        this.parked.push(e); // bytes and the close after them wait, in order
        continue;
      }
      if ('close' in e) {
        const cb = to.callbacks;
        to.closed = true;
        to.callbacks = undefined;
        cb?.onClose?.();
        continue;
      }
      to.peer.inFlight -= e.bytes.length;
      if (to.callbacks === undefined) continue;
      to.callbacks.onData(e.bytes, this.opts.clock?.monotonicUs() ?? 0);
    }
    return steps;
  }

  /** Stops (or resumes) delivery to `stream`, an end this network made, as a peer that does not read. */
  setReading(stream: ByteStream, reading: boolean): void {
    if (!(stream instanceof End)) return;
    stream.paused = !reading;
    if (reading) {
      const mine = this.parked.filter((e) => e.to === stream);
      this.parked.splice(0, this.parked.length, ...this.parked.filter((e) => e.to !== stream));
      this.queue.unshift(...mine);
    }
  }

  /** @internal */
  enqueueData(from: End, bytes: Uint8Array): void {
    const max = this.opts.maxSegment;
    if (max === undefined || bytes.length <= 1) {
      this.queue.push({ to: from.peer, bytes });
      return;
    }
    for (let i = 0; i < bytes.length; ) {
      const n = Math.min(bytes.length - i, 1 + Math.floor(this.rnd() * max));
      this.queue.push({ to: from.peer, bytes: bytes.subarray(i, i + n) });
      i += n;
    }
  }

  /** @internal */
  enqueueClose(to: End): void {
    this.queue.push({ to, close: true });
  }

}
