// The HAL's ListenTcp over node:net. Loopback by default: the tests and benches listen on 127.0.0.1 only.
import { createServer, type Socket } from 'node:net';
import type { ByteStream, Clock, TcpListener, TcpListenerOptions } from '../../firmware/platform/hal';
import { nodeClock } from './clock';

export interface NodeTcpListener extends TcpListener {
  /** The port actually bound (useful with port 0), once listening; rejects if it cannot listen. */
  readonly ready: Promise<number>;
}

export interface NodeTcpOptions {
  /** Address to bind; default 127.0.0.1. */
  readonly host?: string;
  readonly clock?: Clock;
  /** Bytes a connection may have waiting to be sent before write() says no (default 65 536). */
  readonly sendBuffer?: number;
  /** After close(), how long a connection may take to flush before it is destroyed, ms (default 1000). */
  readonly lingerMs?: number;
}

/** A ListenTcp whose listeners report their bound port. */
export function nodeListenTcp(opts: NodeTcpOptions = {}): (options: TcpListenerOptions) => NodeTcpListener {
  const host = opts.host ?? '127.0.0.1';
  const clock = opts.clock ?? nodeClock;
  const sendBuffer = opts.sendBuffer ?? 65_536;
  const lingerMs = opts.lingerMs ?? 1000;
  return (options) => {
    const server = createServer({ noDelay: true }, (socket: Socket) => {
      socket.setNoDelay(true);
      const stream: ByteStream = {
        write(bytes) {
          if (socket.destroyed || !socket.writable || socket.writableLength + bytes.length > sendBuffer) return false;
          socket.write(Buffer.from(bytes)); // a copy: the server reuses its buffer as soon as write returns
          return true;
        },
        close() {
          if (socket.destroyed) return;
          socket.end();
          setTimeout(() => socket.destroy(), lingerMs).unref();
        },
      };
      const callbacks = options.onConnection(stream, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`);
      if (callbacks === undefined) {
        socket.destroy();
        return;
      }
      socket.on('data', (chunk: Buffer) => callbacks.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), clock.monotonicUs()));
      socket.on('error', () => undefined); // 'close' follows
      socket.on('close', () => callbacks.onClose?.());
    });
    const ready = new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => {
        const a = server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : options.port);
      });
    });
    ready.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection
    return {
      ready,
      close() {
        server.close();
      },
    };
  };
}
