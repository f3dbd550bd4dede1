// The targets the suite runs against. Bench targets start a station on simulated devices (the firmware in Node,
// in QuickJS, or in XS, through host-sim/bench, running the bundles `warden build` made); device targets
// reach a real controller over TCP or a serial port and need only its address and key.
import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, openSync, writeSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { fromHex } from '../protocol/src/hex';
import { BenchStation, engineBundlePath } from '../host-sim/bench/bench';
import { Link } from '../host-sim/bench/world';
import type { EngineKind } from '../host-sim/bench/engines';
import { xsnapBinary } from '../host-sim/bench/xsnap';
import { BENCH_SECRET, KEY_ID, STATION_CONFIG, STATION_ID } from './fixtures';
import type { Conn, Target } from './target';

export const BENCH_TARGETS = ['sim', 'qjs', 'xs'] as const;
export type BenchTarget = (typeof BENCH_TARGETS)[number];

/** Options of a device run (`npm run hw-test -- --target tcp://… --key HEX …`). */
export interface DeviceOptions {
  readonly key?: string;
  readonly stationId?: number;
  readonly keyId?: number;
  /** Modbus TCP port on the same host (default 502). */
  readonly modbusPort?: number;
  /** The scanner line on the bench: `serial:/dev/ttyUSB1[@9600]`. */
  readonly scanner?: string;
  /** The RS-485 line through a USB adapter: `serial:/dev/ttyUSB2@19200,8E1`, and the station's unit id. */
  readonly rtu?: string;
  readonly unitId?: number;
  /** A command that switches the station's supply: run as `CMD off` and `CMD on`. */
  readonly power?: string;
}

export function isBenchTarget(spec: string): spec is BenchTarget {
  return (BENCH_TARGETS as readonly string[]).includes(spec);
}

/** Which bench targets this machine can run: an engine once its bundle is built, XS where the xsnap worker is. */
export function availableBenchTargets(): BenchTarget[] {
  return BENCH_TARGETS.filter((t) => t === 'sim' || (existsSync(engineBundlePath(t)) && (t !== 'xs' || xsnapBinary() !== undefined)));
}

const ENGINE: Readonly<Record<BenchTarget, EngineKind>> = { sim: 'node', qjs: 'qjs', xs: 'xs' };

export async function benchTarget(name: BenchTarget): Promise<Target & { readonly bench: BenchStation }> {
  const bench = await BenchStation.start({ engine: ENGINE[name], provision: { config: STATION_CONFIG, secret: BENCH_SECRET } });
  return benchAsTarget(bench, BENCH_SECRET, name);
}

/** A station already running on a bench, as a target (its ports from the configuration's defaults). */
export function benchAsTarget(bench: BenchStation, secret: Uint8Array, name: string = bench.kind): Target & { readonly bench: BenchStation } {
  return {
    name,
    bench,
    stationId: STATION_ID,
    keyId: KEY_ID,
    secret,
    ports: { host: 4840, modbus: 502 },
    connect: (port) => bench.connect(port),
    rtu: bench.rs485 === undefined ? undefined : { conn: bench.rs485, unitId: 1 },
    scan: (text) => bench.scan(text),
    board: () => bench.machineBoard(),
    relay: async () => bench.relay,
    powerCycle: (offMs) => bench.powerCycle(offMs),
    wait: (ms) => bench.advance(ms),
    fresh: true,
    close: () => bench.stop(),
  };
}

function tcpConn(host: string, port: number): Promise<Conn | undefined> {
  return new Promise((resolve) => {
    const s: Socket = tcpConnect({ host, port, noDelay: true });
    const c = new Link(0, `tcp ${host}:${port}`, (_, b) => new Promise((ok) => s.write(b, () => ok())), async () => void s.destroy());
    s.on('data', (d: Buffer) => c.received(new Uint8Array(d)));
    s.on('close', () => c.closedByStation());
    s.once('connect', () => resolve(c));
    s.once('error', () => resolve(undefined));
  });
}

/** stty flags of a line setting: 8N1, 8E1, 8O1, 8N2. */
const LINE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  '8N1': ['-parenb', '-cstopb'],
  '8E1': ['parenb', '-parodd', '-cstopb'],
  '8O1': ['parenb', 'parodd', '-cstopb'],
  '8N2': ['-parenb', 'cstopb'],
};

/** A serial port on Linux, set raw with stty; `spec` is `serial:/dev/ttyUSB0[@BAUD[,8E1]]` (default 115200, 8N1). */
export function serialConn(spec: string): Conn {
  const m = /^serial:([^@]+)(?:@(\d+)(?:,(8[NEO][12]))?)?$/.exec(spec);
  if (m === null || (m[3] !== undefined && LINE_FLAGS[m[3]] === undefined)) throw new Error(`${spec}: expected serial:/dev/ttyX[@BAUD[,8N1|8E1|8O1|8N2]]`);
  const path = m[1]!;
  const baud = m[2] ?? '115200';
  execFileSync('stty', ['-F', path, baud, 'raw', '-echo', 'cs8', ...LINE_FLAGS[m[3] ?? '8N1']!, 'clocal']);
  const fd = openSync(path, 'r+');
  const rd = createReadStream('', { fd, autoClose: false });
  const c = new Link(0, path, async (_, b) => void writeSync(fd, b), async () => {
    rd.destroy();
    closeSync(fd);
  });
  rd.on('data', (d) => c.received(new Uint8Array(d as Buffer)));
  rd.on('close', () => c.closedByStation());
  return c;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A controller on the network (`tcp://HOST:PORT`, PORT its host-link port) or on a serial host link (`serial:PATH`). */
export function deviceTarget(spec: string, o: DeviceOptions): Target {
  const secret = o.key === undefined ? undefined : fromHex(o.key);
  if (secret === undefined || secret.length < 16) throw new Error('a device target needs its key: --key HEX (the secret it was provisioned with, 16 bytes or more)');
  const tcp = /^tcp:\/\/([^:/]+):(\d+)$/.exec(spec);
  const serialHost = spec.startsWith('serial:') ? spec : undefined;
  if (tcp === null && serialHost === undefined) throw new Error(`${spec}: expected tcp://HOST:PORT or serial:PATH[@BAUD]`);
  const host = tcp?.[1] ?? '127.0.0.1';
  const hostPort = tcp === null ? 0 : Number(tcp[2]);
  const modbusPort = o.modbusPort ?? 502;
  let scanner: Conn | undefined;
  // Every connection a case opens is closed with the target, so cases do not pile connections up on a device.
  const opened: Conn[] = [];
  const track = (c: Conn | undefined) => {
    if (c !== undefined) opened.push(c);
    return c;
  };
  return {
    name: spec,
    stationId: o.stationId ?? STATION_ID,
    keyId: o.keyId ?? KEY_ID,
    secret,
    ports: { host: hostPort, modbus: modbusPort },
    connect: async (port) => track(serialHost !== undefined && port === hostPort ? serialConn(serialHost) : await tcpConn(host, port)),
    rtu: o.rtu === undefined ? undefined : { conn: serialConn(o.rtu), unitId: o.unitId ?? 1 },
    scan:
      o.scanner === undefined
        ? undefined
        : async (text) => {
            scanner ??= serialConn(o.scanner!);
            await scanner.write(Uint8Array.from(`${text}\r`, (ch) => ch.charCodeAt(0) & 0xff));
          },
    board: undefined,
    relay: undefined,
    powerCycle:
      o.power === undefined
        ? undefined
        : async (offMs) => {
            execFileSync('sh', ['-c', `${o.power} off`]);
            await sleep(offMs);
            execFileSync('sh', ['-c', `${o.power} on`]);
            await sleep(5_000);
          },
    wait: sleep,
    fresh: false,
    close: async () => {
      for (const c of opened.splice(0)) await c.close();
      await scanner?.close();
      scanner = undefined;
    },
  };
}
