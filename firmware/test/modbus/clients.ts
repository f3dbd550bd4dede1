// Two independent Modbus/TCP clients, modbus-serial and jsmodbus, behind one small interface, and the firmware's
// TCP server on real loopback TCP (node:net adapter) for them to talk to. Exceptions come back as values.
import { Socket } from 'node:net';
import ModbusRTU from 'modbus-serial';
import * as jsmodbus from 'jsmodbus';
import { nodeClock, nodeListenTcp, nodeTimers } from '../../../host-sim/node';
import { startTcpServer, type TcpServerOptions } from '../../modbus/tcp-server';
import type { NodeTcpListener } from '../../../host-sim/node/tcp';
import type { StationUnderTest } from './station';

export type Answer<T> = { readonly ok: T } | { readonly exception: number };

export interface Client {
  readonly name: string;
  readCoils(start: number, qty: number): Promise<Answer<boolean[]>>;
  readDiscreteInputs(start: number, qty: number): Promise<Answer<boolean[]>>;
  readHolding(start: number, qty: number): Promise<Answer<number[]>>;
  readInput(start: number, qty: number): Promise<Answer<number[]>>;
  writeCoil(addr: number, on: boolean): Promise<Answer<true>>;
  writeRegister(addr: number, value: number): Promise<Answer<true>>;
  writeCoils(start: number, values: boolean[]): Promise<Answer<true>>;
  writeRegisters(start: number, values: number[]): Promise<Answer<true>>;
  /** FC 43/14: the objects by id. */
  readDeviceId(code: number, objectId: number): Promise<Answer<{ conformity: number; objects: Record<number, string> }>>;
  /** FC 23, where the library has it. */
  readWrite?(readStart: number, readQty: number, writeStart: number, values: number[]): Promise<Answer<number[]>>;
  /** Any PDU, where the library can send one: the response's data bytes. */
  raw?(fc: number, data: number[]): Promise<Answer<number[]>>;
  close(): Promise<void>;
}

async function answer<T>(p: Promise<T>, codeOf: (e: unknown) => number | undefined): Promise<Answer<T>> {
  try {
    return { ok: await p };
  } catch (e) {
    const code = codeOf(e);
    if (code === undefined) throw e;
    return { exception: code };
  }
}

export async function modbusSerialClient(port: number): Promise<Client> {
  const c = new ModbusRTU();
  await c.connectTCP('127.0.0.1', { port });
  c.setID(1);
  c.setTimeout(2000);
  const code = (e: unknown) => (e as { modbusCode?: number }).modbusCode;
  const map = async <T, U>(p: Promise<T>, f: (t: T) => U): Promise<Answer<U>> => {
    const a = await answer(p, code);
    return 'ok' in a ? { ok: f(a.ok) } : a;
  };
  return {
    name: 'modbus-serial',
    readCoils: (s, n) => map(c.readCoils(s, n), (r) => r.data.slice(0, n)),
    readDiscreteInputs: (s, n) => map(c.readDiscreteInputs(s, n), (r) => r.data.slice(0, n)),
    readHolding: (s, n) => map(c.readHoldingRegisters(s, n), (r) => r.data),
    readInput: (s, n) => map(c.readInputRegisters(s, n), (r) => r.data),
    writeCoil: (a, on) => map(c.writeCoil(a, on), () => true as const),
    writeRegister: (a, v) => map(c.writeRegister(a, v), () => true as const),
    writeCoils: (s, vs) => map(c.writeCoils(s, vs), () => true as const),
    writeRegisters: (s, vs) => map(c.writeRegisters(s, vs), () => true as const),
    readDeviceId: (k, id) =>
      map(c.readDeviceIdentification(k, id), (r) => ({
        conformity: r.conformityLevel,
        objects: r.data as unknown as Record<number, string>,
      })),
    readWrite: (rs, rq, ws, vs) =>
      map(
        new Promise<{ data: number[] }>((resolve, reject) =>
          c.writeFC23(1, rs, rq, ws, vs.length, vs, (err, r) => (err === null || err === undefined ? resolve(r) : reject(err))),
        ),
        (r) => r.data,
      ),
    raw: (fc, data) => map(c.customFunction(fc, data), (r) => r.data),
    close: () => new Promise<void>((resolve) => (c.isOpen ? c.close(() => resolve()) : resolve())),
  };
}

interface JsBody {
  readonly valuesAsArray?: readonly number[] | readonly boolean[];
  readonly conformityLevel?: number;
  readonly objects?: readonly { readonly id: number; readonly value: Buffer }[];
}

export async function jsmodbusClient(port: number): Promise<Client> {
  const socket = new Socket();
  const c = new jsmodbus.client.TCP(socket, 1, 2000);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.connect({ host: '127.0.0.1', port }, () => resolve());
  });
  const code = (e: unknown) => (e as { response?: { body?: { code?: number } } }).response?.body?.code;
  const map = async <U>(p: Promise<{ response: { body: unknown } }>, f: (b: JsBody) => U): Promise<Answer<U>> => {
    const a = await answer(p, code);
    return 'ok' in a ? { ok: f(a.ok.response.body as JsBody) } : a;
  };
  const bits = (n: number) => (b: JsBody) => (b.valuesAsArray ?? []).slice(0, n).map((x) => x === true || x === 1);
  const regs = (b: JsBody) => [...((b.valuesAsArray ?? []) as readonly number[])];
  return {
    name: 'jsmodbus',
    readCoils: (s, n) => map(c.readCoils(s, n), bits(n)),
    readDiscreteInputs: (s, n) => map(c.readDiscreteInputs(s, n), bits(n)),
    readHolding: (s, n) => map(c.readHoldingRegisters(s, n), regs),
    readInput: (s, n) => map(c.readInputRegisters(s, n), regs),
    writeCoil: (a, on) => map(c.writeSingleCoil(a, on), () => true as const),
    writeRegister: (a, v) => map(c.writeSingleRegister(a, v), () => true as const),
    writeCoils: (s, vs) => map(c.writeMultipleCoils(s, vs), () => true as const),
    writeRegisters: (s, vs) => map(c.writeMultipleRegisters(s, vs), () => true as const),
    readDeviceId: (k, id) =>
      map(c.readDeviceIdentification(k as 1 | 2 | 3 | 4, id), (b) => ({
        conformity: b.conformityLevel ?? -1,
        objects: Object.fromEntries((b.objects ?? []).map((o) => [o.id, o.value.toString('latin1')])),
      })),
    close: async () => {
      socket.destroy();
    },
  };
}

export const CLIENTS = [modbusSerialClient, jsmodbusClient] as const;

/** The firmware's TCP server for `station` on an ephemeral loopback port. */
export async function serveStation(station: StationUnderTest, opts: Partial<TcpServerOptions<NodeTcpListener>> = {}) {
  const timers = nodeTimers();
  const r = startTcpServer({ listen: nodeListenTcp(), port: 0, clock: nodeClock, timers, backend: station.backend, ...opts });
  if (!r.ok) throw new Error(r.detail);
  const port = await r.server.listener.ready;
  return { server: r.server, port, timers };
}
