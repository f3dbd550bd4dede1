// The firmware's Modbus servers on a PC: TCP over node:net and RTU over a serial device node, for any backend.
// The interop tests, the benchmark and the simulator start them this way; a station on a device does the same
// with its own platform's ListenTcp and serial port (firmware/modbus/README.md).
import type { ModbusBackend } from '../../firmware/modbus/backend';
import { startRtuServer, type ModbusRtuServer, type RtuServerOptions } from '../../firmware/modbus/rtu-server';
import { startTcpServer, type ModbusTcpServer, type TcpServerOptions } from '../../firmware/modbus/tcp-server';
import { nodeClock, nodeTimers } from './clock';
import { nodeSerial, type LineSettings } from './serial';
import { nodeListenTcp, type NodeTcpListener } from './tcp';

export interface NodeModbusOptions {
  readonly backend: ModbusBackend;
  /** Serve Modbus/TCP: port 0 picks a free one; host defaults to 127.0.0.1. */
  readonly tcp?: { readonly port: number; readonly host?: string } & Pick<TcpServerOptions<NodeTcpListener>, 'maxConnections' | 'idleTimeoutMs' | 'evictIdleMs'>;
  /** Serve Modbus RTU on a serial device node (a pseudo-terminal or a USB RS-485 adapter). */
  readonly rtu?: { readonly path: string; readonly line: LineSettings; readonly unitId: number; readonly timing?: RtuServerOptions['timing'] };
}

export interface NodeModbus {
  readonly tcp?: ModbusTcpServer<NodeTcpListener> & { readonly port: number };
  readonly rtu?: ModbusRtuServer;
  close(): void;
}

export type NodeModbusStarted = { readonly ok: true; readonly servers: NodeModbus } | { readonly ok: false; readonly reason: string; readonly detail: string };

export async function startNodeModbus(opts: NodeModbusOptions): Promise<NodeModbusStarted> {
  const timers = nodeTimers();
  let tcp: (ModbusTcpServer<NodeTcpListener> & { port: number }) | undefined;
  let rtu: ModbusRtuServer | undefined;
  const close = () => {
    tcp?.close();
    rtu?.close();
  };
  if (opts.tcp !== undefined) {
    const { port, host, ...limits } = opts.tcp;
    const r = startTcpServer({ listen: nodeListenTcp(host === undefined ? {} : { host }), port, clock: nodeClock, timers, backend: opts.backend, ...limits });
    if (!r.ok) return r;
    try {
      tcp = Object.assign(r.server, { port: await r.server.listener.ready });
    } catch (e) {
      r.server.close();
      return { ok: false, reason: 'IO_ERROR', detail: `cannot listen on port ${port}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  if (opts.rtu !== undefined) {
    const port = nodeSerial(opts.rtu.path, opts.rtu.line);
    if (!port.ok) {
      close();
      return port;
    }
    const r = startRtuServer({
      open: port.open,
      unitId: opts.rtu.unitId,
      clock: nodeClock,
      timers,
      backend: opts.backend,
      portName: opts.rtu.path,
      ...(opts.rtu.timing === undefined ? {} : { timing: opts.rtu.timing }),
    });
    if (!r.ok) {
      port.release();
      close();
      return r;
    }
    rtu = r.server;
  }
  return { ok: true, servers: { ...(tcp === undefined ? {} : { tcp }), ...(rtu === undefined ? {} : { rtu }), close } };
}
