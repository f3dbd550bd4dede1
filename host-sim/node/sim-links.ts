// Real loopback sockets for the line simulator: the stations' host ports (`warden sim --tcp`: each listens on
// 127.0.0.1 at a port of its own, the MES connects as a gateway would) and their Modbus/TCP servers on fixed ports
// for outside PLC tools (`--modbus-base-port P`: station i on P+i), with the simulated PLCs polling through them.
// Bytes in flight are counted, so a run in virtual time can wait until every byte sent has arrived (`settle`).
import { connect, type Socket } from 'node:net';
import type { ByteStream, ListenTcp, StreamCallbacks } from '../../firmware/platform/hal';
import type { HostNet } from '../line/mes';
import type { ModbusDial } from '../line/plc';
import { nodeListenTcp, type NodeTcpListener } from './tcp';

export class SimSockets {
  /** Bytes written on every counted socket, bytes read from them, and when anything last moved. */
  private sent = 0;
  private received = 0;
  private connecting = 0;
  private lastIo = 0;
  private readonly hostPorts = new Map<number, number>();
  private readonly listeners: NodeTcpListener[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly listen = nodeListenTcp();

  /** The host port of station `id`: loopback, a free port, counted both ways. */
  hostListen(id: number): ListenTcp {
    return (o) => {
      const l = this.listen({
        port: 0,
        onConnection: (conn, remote) => {
          const cb = o.onConnection(this.counted(conn), remote);
          if (cb === undefined) return undefined;
          return {
            onData: (b, at) => {
              this.moved(0, b.length);
              cb.onData(b, at);
            },
            onClose: () => {
              this.moved(0, 0);
              cb.onClose?.();
            },
          };
        },
      });
      this.listeners.push(l);
      this.hostPorts.delete(id);
      l.ready.then(
        (port) => this.hostPorts.set(id, port),
        () => undefined,
      );
      return {
        close: () => {
          this.hostPorts.delete(id);
          l.close();
        },
      };
    };
  }

  /** How the MES reaches the stations' host ports. */
  readonly hostNet: HostNet = {
    connect: (id, callbacks) => {
      const port = this.hostPorts.get(id);
      return port === undefined ? undefined : this.dial(port, callbacks);
    },
  };

  /** Modbus/TCP for outside tools at `base + id`. */
  modbusListen(base: number): (id: number) => ListenTcp {
    return (id) => (o) => {
      const l = nodeListenTcp()({ ...o, port: base + id });
      this.listeners.push(l);
      return l;
    };
  }

  /** The simulated PLCs poll through the same real ports. */
  plcDial(base: number): (id: number) => ModbusDial {
    return (id) => (callbacks) => this.dial(base + id, callbacks, false);
  }

  /**
   * Resolves once every byte written has been read by the other end, or (bytes lost with a closed connection
   * never arrive) once nothing has moved for `quietMs`.
   */
  async settle(quietMs = 5): Promise<void> {
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      if (this.connecting === 0 && this.sent === this.received) return;
      if (performance.now() - this.lastIo > quietMs) return;
    }
  }

  private moved(sent: number, received: number): void {
    this.sent += sent;
    this.received += received;
    this.lastIo = performance.now();
  }

  /** Every port the simulator listens on (for the banner). */
  async ports(): Promise<number[]> {
    return Promise.all(this.listeners.map((l) => l.ready.catch(() => -1)));
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    for (const l of this.listeners) l.close();
  }

  private dial(port: number, callbacks: StreamCallbacks, counted = true): ByteStream {
    const s = connect({ port, host: '127.0.0.1', noDelay: true });
    this.sockets.add(s);
    if (counted) this.connecting++;
    let open = true;
    let pending = counted;
    const connected = (): void => {
      if (pending) this.connecting--;
      pending = false;
    };
    s.once('connect', () => {
      connected();
      this.moved(0, 0);
    });
    s.on('data', (chunk: Buffer) => {
      if (counted) this.moved(0, chunk.length);
      callbacks.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), 0);
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      connected();
      this.moved(0, 0);
      this.sockets.delete(s);
      if (open) {
        open = false;
        callbacks.onClose?.();
      }
    });
    return {
      write: (bytes) => {
        if (!open || s.destroyed) return false;
        if (counted) this.moved(bytes.length, 0);
        s.write(Buffer.from(bytes));
        return true;
      },
      close: () => {
        open = false;
        s.end();
      },
    };
  }

  /** A station-side connection whose writes count as in flight until the MES reads them. */
  private counted(conn: ByteStream): ByteStream {
    return {
      write: (bytes) => {
        const ok = conn.write(bytes);
        if (ok) this.moved(bytes.length, 0);
        return ok;
      },
      close: () => conn.close(),
    };
  }
}
