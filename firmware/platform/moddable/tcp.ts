// The HAL's ListenTcp over ECMA-419 `embedded:io/socket/listener` and `embedded:io/socket/tcp` (Moddable SDK
// 8.2.3, modules/io/socket/lwip/listener.js and tcp.js / tcp.c): `new Listener({ port, onReadable(count) })`,
// `listener.read()` returns an accepted socket with no callbacks, which `new TCP({ from, onReadable(count),
// onWritable(count), onError() })` takes over (the documented pattern, documentation/io/io.md "TCP Listener");
// `read(buffer)` copies exactly the buffer's length and throws if fewer bytes are waiting, so reads are sized to
// the count; `write(buffer)` throws "would block" when lwIP's send buffer cannot take all of it; `onError` follows
// any disconnect, a clean one included; `remoteAddress` and `remotePort` name the peer.
import type { ByteStream, ListenTcp, StreamCallbacks, TcpListener } from '../hal';
import { TxQueue } from './txqueue';

export interface Ecma419Tcp {
  read(buffer: Uint8Array): unknown;
  write(buffer: Uint8Array): unknown;
  close(): void;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
}

export interface Ecma419TcpOptions {
  readonly from: unknown;
  readonly nodelay?: boolean;
  onReadable(this: Ecma419Tcp, count: number): void;
  onWritable(this: Ecma419Tcp, count: number): void;
  onError(this: Ecma419Tcp): void;
}

export type Ecma419TcpClass = new (options: Ecma419TcpOptions) => Ecma419Tcp;

export interface Ecma419Listener {
  read(): unknown;
  close(): void;
}

export type Ecma419ListenerClass = new (options: { readonly port: number; onReadable(this: Ecma419Listener, count: number): void }) => Ecma419Listener;

/** Receive buffer per connection: one TCP segment's worth per read call. */
const RX_BYTES = 1460;

function accept(TCP: Ecma419TcpClass, raw: unknown, onConnection: (conn: ByteStream, remote: string) => StreamCallbacks | undefined, txCapacity: number, nowUs: () => number): void {
  const rx = new Uint8Array(RX_BYTES);
  let cb: StreamCallbacks | undefined;
  let closed = false;
  let sock: Ecma419Tcp | undefined;
  const end = (): void => {
    if (closed) return;
    closed = true;
    q.clear();
    try {
      sock?.close();
    } catch {
      // Already gone.
    }
    cb?.onClose?.();
  };
  // lwIP's write returns the send buffer left; the first onWritable (the socket is taken over with room) says how much.
  const q = new TxQueue(txCapacity, (bytes) => {
    const left = sock!.write(bytes);
    return typeof left === 'number' ? left : undefined;
  });
  try {
    sock = new TCP({
      from: raw,
      nodelay: true,
      onReadable(count) {
        while (count > 0 && !closed) {
          const n = Math.min(count, rx.length);
          const view = n === rx.length ? rx : rx.subarray(0, n);
          this.read(view);
          count -= n;
          cb?.onData(view, nowUs());
        }
      },
      onWritable(count) {
        q.writable(count);
      },
      onError() {
        end();
      },
    });
  } catch {
    return;
  }
  const conn: ByteStream = {
    write: (bytes) => !closed && q.push(bytes),
    close: end,
  };
  cb = onConnection(conn, `${sock.remoteAddress ?? '?'}:${sock.remotePort ?? 0}`);
  if (cb === undefined) end();
}

/**
 * A ListenTcp over the two classes; each connection queues up to `txCapacity` bytes (default 2048). A listener
 * that cannot be opened (port in use, no network) throws, as the class does: the board turns that into a fault.
 */
export function listenTcp(Listener: Ecma419ListenerClass, TCP: Ecma419TcpClass, nowUs: () => number, txCapacity = 2048): ListenTcp {
  return (options): TcpListener => {
    const l = new Listener({
      port: options.port,
      onReadable(count) {
        while (count-- > 0) accept(TCP, this.read(), options.onConnection, txCapacity, nowUs);
      },
    });
    return { close: () => l.close() };
  };
}
