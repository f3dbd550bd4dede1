// Modbus/TCP server benchmark: requests per second and latency of the firmware's server (over the node:net HAL
// adapter) against modbus-serial's ServerTCP serving the same registers and against a bare socket that answers
// with a fixed reply. Each server runs in its own process; the same raw-socket client drives all three with the
// same load, one request at a time on one connection, then on 30 connections at once (one per station of a line).
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Section } from './harness';

const WARMUP_MS = 200;
const MEASURE_MS = 600;
/** Rounds per configuration, the servers taking turns; the best round counts (the machine is shared). */
const ROUNDS = 5;
/** FC 04, input registers 0–15: the header block a PLC polls. */
const REQUEST_PDU = [0x04, 0x00, 0x00, 0x00, 0x10];

interface Result {
  readonly requests: number;
  readonly rate: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

function startServer(kind: string): Promise<{ port: number; stop(): void }> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', 'bin', 'run-ts.cjs'), join(__dirname, 'modbus-serve.ts'), kind], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), stop: () => child.stdin!.end() });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code ?? 'signal'}) before listening`)));
  });
}

/** One connection polling as fast as it is answered, one request outstanding. */
function poller(port: number, latencies: number[], state: { measuring: boolean; stop: boolean; errors: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port, noDelay: true });
    let tid = 0;
    let sentAt = 0n;
    let pending: Buffer = Buffer.alloc(0);
    const send = () => {
      tid = (tid + 1) & 0xffff;
      sentAt = process.hrtime.bigint();
      socket.write(Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, REQUEST_PDU.length + 1, 1, ...REQUEST_PDU]));
    };
    socket.on('connect', send);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (pending.length < 6 || pending.length < 6 + pending.readUInt16BE(4)) return;
      const n = 6 + pending.readUInt16BE(4);
      if (pending.readUInt16BE(0) !== tid || pending[7] !== 0x04) state.errors++;
      pending = pending.subarray(n);
      if (state.measuring) latencies.push(Number(process.hrtime.bigint() - sentAt) / 1000);
      if (state.stop) {
        socket.end();
        resolve();
      } else send();
    });
    socket.on('error', reject);
  });
}

async function load(port: number, clients: number): Promise<Result> {
  const latencies: number[] = [];
  const state = { measuring: false, stop: false, errors: 0 };
  const done = Promise.all(Array.from({ length: clients }, () => poller(port, latencies, state)));
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  state.measuring = true;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  state.measuring = false;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  state.stop = true;
  await done;
  if (state.errors > 0) throw new Error(`${state.errors} wrong answers`);
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { requests: latencies.length, rate: latencies.length / seconds, p50Us: at(0.5), p99Us: at(0.99) };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function modbusBench(): Promise<Section> {
  const servers = [
    ['firmware', 'SMT Warden firmware server (node:net adapter)'],
    ['servertcp', 'modbus-serial 8.0 ServerTCP, same registers'],
    ['bare', 'bare socket, fixed reply (the harness limit)'],
  ] as const;
  const running = await Promise.all(servers.map(([kind]) => startServer(kind)));
  const best = new Map<string, Result>();
  try {
    for (const clients of [1, 30]) {
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, [kind]] of servers.entries()) {
          const r = await load(running[i]!.port, clients);
          const key = `${kind}/${clients}`;
          if ((best.get(key)?.rate ?? 0) < r.rate) best.set(key, r);
        }
      }
    }
  } finally {
    for (const s of running) s.stop();
  }
  const get = (kind: string, clients: number) => best.get(`${kind}/${clients}`)!;
  const table = [
    "| server | clients | requests/s | p50 | p99 | of the bare socket's rate |",
    '|---|---|---|---|---|---|',
    ...[1, 30].flatMap((clients) =>
      servers.map(([kind, label]) => {
        const r = get(kind, clients);
        return `| ${label} | ${clients} | ${fmt(r.rate)} | ${r.p50Us.toFixed(0)} µs | ${r.p99Us.toFixed(0)} µs | ${((100 * r.rate) / get('bare', clients).rate).toFixed(0)} % |`;
      }),
    ),
  ].join('\n');
  return {
    title: 'Modbus/TCP server',
    body: `Each server in its own Node process on loopback; one client process polls FC 04, input registers 0–15 (the
header block), each connection keeping one request outstanding: 1 connection, then 30 at once (one per station of
a line). The servers take turns, ${ROUNDS} rounds of ${MEASURE_MS} ms each after ${WARMUP_MS} ms of warm-up; the best round counts. The
firmware server and ServerTCP answer from the same StationView through the same map readers; the bare socket answers
every request with one fixed 11-byte reply and decodes nothing, so it is the limit of this client and this loopback.

${table}
`,
  };
}
