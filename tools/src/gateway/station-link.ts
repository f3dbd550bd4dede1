// The gateway's link to one station: a byte stream (TCP to the station's host port, or its serial host link) under
// the shared host end of the protocol (host-sim/host StationClient: handshake, clock sync, work orders, pushes,
// status polls, journal collection durable before acknowledged). This file adds what a long-running host needs
// around it: reconnecting with backoff, a handshake that must finish in time, a link that went silent is dropped
// and opened again (a station that lost power mid-session), and a record of how the link stands for the status.
import { connect as netConnect, type Socket } from 'node:net';
import { randomFillSync } from 'node:crypto';
import type { CounterVault } from '../../../protocol/src/counters';
import type { KeySource } from '../../../protocol/src/keys';
import type { Message, MessageBody } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import type { WorkOrder } from '../../../protocol/src/workorder';
import { StationClient, type ClientEvent, type JournalSink } from '../../../host-sim/host/station-client';
import { nodeSerial } from '../../../host-sim/node/serial';
import type { StationAddress, StationEntry } from './config';

/** A byte stream to a station. */
export interface Transport {
  write(bytes: Uint8Array): boolean;
  close(): void;
}

export interface TransportCallbacks {
  onOpen(): void;
  onData(bytes: Uint8Array): void;
  onClose(why: string): void;
}

export type Connect = (address: StationAddress, cb: TransportCallbacks) => Transport;

/** TCP (node:net) and serial device nodes. */
export const nodeConnect: Connect = (address, cb) => {
  if (address.kind === 'serial') {
    const s = nodeSerial(address.path, { baud: address.baud, parity: 'none', stopBits: 1 });
    if (!s.ok) {
      setImmediate(() => cb.onClose(s.detail));
      return { write: () => false, close: () => undefined };
    }
    const port = s.open({ onData: (b) => cb.onData(b), onClose: () => cb.onClose('serial port closed') });
    setImmediate(() => cb.onOpen());
    return { write: (b) => port.write(b), close: () => port.close() };
  }
  const sock: Socket = netConnect({ host: address.host, port: address.port, noDelay: true });
  let err = '';
  sock.setKeepAlive(true, 10_000);
  sock.on('connect', () => cb.onOpen());
  sock.on('data', (d: Buffer) => cb.onData(new Uint8Array(d.buffer, d.byteOffset, d.length)));
  sock.on('error', (e: NodeJS.ErrnoException) => (err = e.code ?? e.message));
  sock.on('close', () => cb.onClose(err || 'connection closed'));
  return {
    write(b) {
      if (sock.destroyed || !sock.writable) return false;
      sock.write(b);
      return true;
    },
    close() {
      sock.destroy();
    },
  };
};

export type LinkState = 'connecting' | 'handshake' | 'up' | 'backoff' | 'stopped';

export interface LinkView {
  readonly state: LinkState;
  readonly since: number;
  readonly lastError: string | undefined;
  readonly connects: number;
  readonly sessions: number;
  /** The last StatusReport, and when it came (gateway wall clock, epoch ms). */
  readonly status: MessageBody<'StatusReport'> | undefined;
  readonly statusAt: number | undefined;
  readonly refusals: number;
  readonly lastRefusal: string | undefined;
  readonly collectedUpTo: number;
}

export interface StationLinkOptions {
  readonly entry: StationEntry;
  readonly keys: KeySource;
  readonly vault: CounterVault;
  readonly sink: JournalSink;
  readonly connect: Connect;
  /** Monotonic ms and wall-clock epoch ms of the gateway. */
  readonly monotonic: () => number;
  readonly wallClock: () => number;
  readonly poll: { readonly statusMs: number; readonly syncMs: number; readonly readMs: number };
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
  readonly softwareVersion: string;
  readonly onEvent?: (e: ClientEvent) => void;
}

/** A handshake must finish within this long after the stream opened (ms). */
export const HANDSHAKE_MS = 15_000;

export class StationLink {
  readonly client: StationClient;
  private transport: Transport | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delay: number;
  private openedAt = 0;
  private lastData = 0;
  private v: { -readonly [K in keyof LinkView]: LinkView[K] };

  constructor(private readonly o: StationLinkOptions) {
    this.delay = o.reconnect.minMs;
    this.v = { state: 'stopped', since: o.wallClock(), lastError: undefined, connects: 0, sessions: 0, status: undefined, statusAt: undefined, refusals: 0, lastRefusal: undefined, collectedUpTo: 0 };
    this.client = new StationClient({
      stationId: o.entry.id,
      keyId: o.entry.keyId,
      keys: o.keys,
      vault: o.vault,
      random: (dst) => void randomFillSync(dst),
      hello: { softwareVersion: o.softwareVersion, role: 'other', capabilities: ['journal'], maxFrameBytes: 512, maxSlots: 0, maxReels: 0, journalCapacity: 0 },
      write: (b) => void this.transport?.write(b),
      sink: o.sink,
      wallClock: o.wallClock,
      statusEveryMs: o.poll.statusMs,
      syncEveryMs: o.poll.syncMs,
      readEveryMs: o.poll.readMs,
      onEvent: (e) => this.onClient(e),
    });
  }

  get id(): number {
    return this.o.entry.id;
  }

  get established(): boolean {
    return this.v.state === 'up' && this.client.established;
  }

  view(): LinkView {
    return { ...this.v };
  }

  private set(state: LinkState, error?: string): void {
    if (this.v.state !== state) this.v.since = this.o.wallClock();
    this.v.state = state;
    if (error !== undefined) this.v.lastError = error;
  }

  start(): void {
    if (this.v.state !== 'stopped') return;
    this.open();
  }

  private open(): void {
    this.set('connecting');
    this.v.connects++;
    let mine: Transport | undefined;
    const t = this.o.connect(this.o.entry.address, {
      onOpen: () => {
        if (this.transport !== mine) return;
        this.openedAt = this.lastData = this.o.monotonic();
        this.set('handshake');
        // The station speaks first on TCP; on a serial line that stayed up the host opens the session.
        if (this.o.entry.address.kind === 'serial') this.client.connect(this.openedAt);
      },
      onData: (b) => {
        if (this.transport !== mine) return;
        this.lastData = this.o.monotonic();
        this.client.receive(b, this.lastData);
      },
      onClose: (why) => {
        if (this.transport !== mine) return;
        this.dropped(why);
      },
    });
    mine = t;
    this.transport = t;
  }

  private dropped(why: string): void {
    this.transport = undefined;
    this.client.reset();
    if (this.v.state === 'stopped') return;
    const reason: ReasonName = 'STATION_UNREACHABLE';
    this.set('backoff', `${reason}: ${why}`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.v.state === 'backoff') this.open();
    }, this.delay * (0.8 + Math.random() * 0.4));
    this.timer.unref?.();
    this.delay = Math.min(this.o.reconnect.maxMs, this.delay * 2);
  }

  /** Drops the stream (the next one is opened after the backoff). */
  drop(why: string): void {
    const t = this.transport;
    if (t === undefined) return;
    this.dropped(why);
    t.close();
  }

  /** Time passed: polls, syncs and reads, and the link's own timeouts. */
  tick(): void {
    const now = this.o.monotonic();
    if (this.v.state === 'handshake' && now - this.openedAt > HANDSHAKE_MS) return this.drop('no session within 15 s of connecting (wrong key or station id?)');
    if (this.v.state === 'up') {
      // A station answers every status poll: silence for three of them is a station gone (power, cable).
      const silent = Math.max(3 * this.o.poll.statusMs, 5_000);
      if (now - this.lastData > silent) return this.drop(`no frame for ${Math.round((now - this.lastData) / 1000)} s`);
      if (!this.client.established) {
        this.set('handshake');
        this.openedAt = now;
      }
    }
    this.client.tick(now);
  }

  send(m: Message, what: string, done: (ok: boolean, reason: ReasonName) => void): void {
    if (!this.established) return done(false, 'STATION_UNREACHABLE');
    this.client.send(m, what, true, done);
  }

  sendWorkOrder(order: WorkOrder, done: (ok: boolean, reason: ReasonName) => void): void {
    if (!this.established) return done(false, 'STATION_UNREACHABLE');
    this.client.sendWorkOrder(order, done);
  }

  private onClient(e: ClientEvent): void {
    switch (e.kind) {
      case 'established':
        this.set('up');
        this.v.sessions++;
        this.delay = this.o.reconnect.minMs;
        this.v.lastError = undefined;
        break;
      case 'status':
        this.v.status = e.status;
        this.v.statusAt = this.o.wallClock();
        break;
      case 'refused':
        this.v.refusals++;
        this.v.lastRefusal = `${e.reason}: ${e.detail}`;
        break;
      case 'collected':
        this.v.collectedUpTo = e.upTo;
        break;
      default:
        break;
    }
    this.o.onEvent?.(e);
  }

  stop(): void {
    this.set('stopped');
    if (this.timer !== undefined) clearTimeout(this.timer);
    const t = this.transport;
    this.transport = undefined;
    this.client.reset();
    t?.close();
  }
}
