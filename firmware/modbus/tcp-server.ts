// The Modbus/TCP server: MBAP framing over any number of TCP segments (a request split across segments, or many
// pipelined in one), answered in order; a bounded number of connections, each with one fixed ADU buffer; idle
// connections closed after a timeout. Nothing a client sends can make it allocate without bound or stop.
import { newCounters, type ModbusCounters } from '../../protocol/src/modbus/counters';
import { MAX_PDU, MAX_TCP_ADU, MBAP_HEADER, MODBUS_TCP_PORT } from '../../protocol/src/modbus/spec';
import type { ByteStream, Clock, StreamCallbacks, TcpListener, TcpListenerOptions, Timers } from '../platform/hal';
import type { ModbusBackend } from './backend';
import { inRange, invalid, type Started } from './config';
import { answer, type RequestContext } from './pdu';

export interface TcpServerOptions<L extends TcpListener> {
  readonly listen: (options: TcpListenerOptions) => L;
  /** Default 502. */
  readonly port?: number;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly backend: ModbusBackend;
  /** Connections served at once, 1–64 (default 8). Each holds one 260-byte request buffer. */
  readonly maxConnections?: number;
  /** A connection with no complete request for this long is closed, ms (default 60 000; 1 000–3 600 000). */
  readonly idleTimeoutMs?: number;
  /**
   * When every connection is taken, a new one replaces the one idle longest if that one has had no request for
   * this long, ms (default 10 000): a PLC that rebooted gets back in past its own half-open connection.
   * 0 never evicts.
   */
  readonly evictIdleMs?: number;
}

export interface ModbusTcpServer<L extends TcpListener> {
  readonly counters: ModbusCounters;
  readonly listener: L;
  /** Closes the listener and every connection. */
  close(): void;
}

export const TCP_DEFAULTS = { maxConnections: 8, idleTimeoutMs: 60_000, evictIdleMs: 10_000 } as const;

/** Bytes of MBAP before the length field's end: transaction id, protocol id, length. */
const LENGTH_END = 6;
/** Responses batched per flush: one write for many pipelined requests. */
const BATCH = 4;

interface Connection {
  readonly stream: ByteStream;
  readonly ctx: RequestContext;
  readonly rx: Uint8Array;
  have: number;
  /** Bytes of the ADU being received, known once its length field is in (0 until then). */
  need: number;
  lastRequestMs: number;
  open: boolean;
}

export function startTcpServer<L extends TcpListener>(opts: TcpServerOptions<L>): Started<ModbusTcpServer<L>> {
  const maxConnections = opts.maxConnections ?? TCP_DEFAULTS.maxConnections;
  const idleMs = opts.idleTimeoutMs ?? TCP_DEFAULTS.idleTimeoutMs;
  const evictMs = opts.evictIdleMs ?? TCP_DEFAULTS.evictIdleMs;
  const port = opts.port ?? MODBUS_TCP_PORT;
  if (!inRange(port, 0, 65535)) return invalid(`port ${port}: 0–65535`);
  if (!inRange(maxConnections, 1, 64)) return invalid(`maxConnections ${maxConnections}: 1–64`);
  if (!inRange(idleMs, 1000, 3_600_000)) return invalid(`idleTimeoutMs ${idleMs}: 1000–3600000`);
  if (!inRange(evictMs, 0, 3_600_000)) return invalid(`evictIdleMs ${evictMs}: 0–3600000`);

  const { clock, timers } = opts;
  const counters = newCounters();
  const conns: Connection[] = [];
  const tx = new Uint8Array(BATCH * MAX_TCP_ADU);
  let txLen = 0;
  let timer = -1;
  let stopped = false;

  /** Forgets a connection that ended; true if it was still open. */
  const forget = (c: Connection): boolean => {
    if (!c.open) return false;
    c.open = false;
    const i = conns.indexOf(c);
    if (i >= 0) conns.splice(i, 1);
    counters.connectionsOpen = conns.length;
    return true;
  };

  const drop = (c: Connection): void => {
    if (forget(c)) c.stream.close();
  };

  /** Sends the batched responses; a client whose send buffer is full is not reading, and is dropped. */
  const flush = (c: Connection): void => {
    if (txLen === 0) return;
    const ok = c.open && c.stream.write(tx.subarray(0, txLen));
    txLen = 0;
    if (!ok) drop(c);
  };

  const onAdu = (c: Connection): void => {
    const rx = c.rx;
    counters.busFrames++;
    if (rx[2] !== 0 || rx[3] !== 0) {
      // Not Modbus (protocol id ≠ 0): dropped, the stream stays in step.
      counters.frameErrors++;
      return;
    }
    counters.requests++;
    c.lastRequestMs = clock.monotonicMs();
    c.ctx.unitId = rx[6]!;
    if (txLen + MAX_TCP_ADU > tx.length) {
      flush(c);
      if (!c.open) return;
    }
    const n = answer(rx, MBAP_HEADER, c.need - MBAP_HEADER, c.ctx, tx, txLen + MBAP_HEADER);
    if (n === 0) return;
    tx[txLen] = rx[0]!;
    tx[txLen + 1] = rx[1]!;
    tx[txLen + 2] = 0;
    tx[txLen + 3] = 0;
    tx[txLen + 4] = (n + 1) >>> 8;
    tx[txLen + 5] = (n + 1) & 0xff;
    tx[txLen + 6] = rx[6]!;
    txLen += MBAP_HEADER + n;
  };

  const onData = (c: Connection, bytes: Uint8Array): void => {
    let i = 0;
    while (i < bytes.length && c.open) {
      const want = (c.need === 0 ? LENGTH_END : c.need) - c.have;
      const take = Math.min(want, bytes.length - i);
      c.rx.set(bytes.subarray(i, i + take), c.have);
      c.have += take;
      i += take;
      if (c.need === 0) {
        if (c.have < LENGTH_END) break;
        const length = (c.rx[4]! << 8) | c.rx[5]!;
        if (length < 2 || length > MAX_PDU + 1) {
          // The length cannot be trusted, so neither can anything after it: close and let the client reconnect.
          counters.busFrames++;
          counters.frameErrors++;
          flush(c);
          drop(c);
          return;
        }
        c.need = LENGTH_END + length;
      } else if (c.have === c.need) {
        onAdu(c);
        c.have = 0;
        c.need = 0;
      }
    }
    flush(c);
  };

  /** Closes connections idle past the timeout, then sleeps until the next one could be. */
  const sweep = (): void => {
    timer = -1;
    if (stopped) return;
    const now = clock.monotonicMs();
    for (const c of conns.slice()) {
      if (now - c.lastRequestMs >= idleMs) {
        counters.connectionsIdleClosed++;
        drop(c);
      }
    }
    schedule();
  };

  const schedule = (): void => {
    if (timer >= 0 || conns.length === 0 || stopped) return;
    let oldest = Infinity;
    for (const c of conns) oldest = Math.min(oldest, c.lastRequestMs);
    timer = timers.set(Math.max(1, oldest + idleMs - clock.monotonicMs()), sweep);
  };

  /** The connection idle longest, if it has been idle at least evictMs. */
  const evictable = (now: number): Connection | undefined => {
    if (evictMs === 0) return undefined;
    let best: Connection | undefined;
    for (const c of conns) if (best === undefined || c.lastRequestMs < best.lastRequestMs) best = c;
    return best !== undefined && now - best.lastRequestMs >= evictMs ? best : undefined;
  };

  const listener = opts.listen({
    port,
    onConnection(stream, remote): StreamCallbacks | undefined {
      if (stopped) return undefined;
      const now = clock.monotonicMs();
      if (conns.length >= maxConnections) {
        const victim = evictable(now);
        if (victim === undefined) {
          counters.connectionsRefused++;
          return undefined;
        }
        counters.connectionsEvicted++;
        drop(victim);
      }
      const c: Connection = {
        stream,
        ctx: { backend: opts.backend, counters, transport: 'tcp', peer: remote, unitId: 0, broadcast: false },
        rx: new Uint8Array(MAX_TCP_ADU),
        have: 0,
        need: 0,
        lastRequestMs: now,
        open: true,
      };
      conns.push(c);
      counters.connectionsAccepted++;
      counters.connectionsOpen = conns.length;
      schedule();
      return {
        onData: (bytes) => onData(c, bytes),
        onClose: () => {
          forget(c);
        },
      };
    },
  });

  return {
    ok: true,
    server: {
      counters,
      listener,
      close() {
        if (stopped) return;
        stopped = true;
        if (timer >= 0) timers.clear(timer);
        timer = -1;
        listener.close();
        for (const c of conns.slice()) drop(c);
      },
    },
  };
}
