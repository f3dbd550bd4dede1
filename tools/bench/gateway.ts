// The line gateway end to end: ten real stations (simulated devices, host links on loopback TCP), the gateway
// (store fsynced before every acknowledgement, the CFX mapping, rhea to RabbitMQ), and a consumer on the queue.
// Figures: records per second from the stations' journals to the broker's confirmation (a backlog collected and
// published), and the latency from a station's commit to the consumer (boards built at a steady rate). Peer, same
// run, same broker: rhea publishing the very same CFX messages directly to a queue, with no gateway in between.
// Needs rabbitmq-server (Debian); without it the section says so and measures nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create_container, type Connection, type EventContext } from 'rhea';
import { amqpMessage, bodyText, durableTerminus } from '../src/gateway/amqp';
import { cfxMapper } from '../src/gateway/cfx';
import { nodeDisk } from '../src/gateway/disk';
import type { CfxEnvelopeLike } from '../src/gateway/feed';
import { Gateway } from '../src/gateway/gateway';
import { badgeDoc, operate, orderDoc, testConfig, testKeys } from '../test/gateway/harness';
import { startStation, until, type TestStation } from '../test/gateway/line';
import { Rabbit, rabbitMissing } from '../test/gateway/rabbit';
import type { Section } from './harness';

const STATIONS = 10;
const BACKLOG_BOARDS = 300;
const LIVE_BOARDS = 20;
const LIVE_EVERY_MS = 100;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

interface Arrival {
  readonly at: number;
}

function quiet(c: ReturnType<typeof create_container>): void {
  for (const ev of ['error', 'disconnected', 'connection_error', 'receiver_error', 'sender_error']) c.on(ev, () => undefined);
}

function consumer(port: number, address: string, seen: Map<string, Arrival>): Connection {
  const c = create_container({ id: `bench-consumer-${address}` });
  quiet(c);
  const conn = c.connect({ host: '127.0.0.1', port, username: 'guest', password: 'guest', reconnect: false } as never);
  conn.open_receiver({ source: durableTerminus(address), credit_window: 1000 });
  conn.on('message', (ctx: EventContext) => {
    const env = JSON.parse(bodyText(ctx.message!) ?? '{}') as { UniqueID?: string };
    if (env.UniqueID !== undefined && !seen.has(env.UniqueID)) seen.set(env.UniqueID, { at: performance.now() });
  });
  return conn;
}

/**
 * rhea alone: the same messages, sent as fast as the broker grants credit (or `batch` at a time every `everyMs`),
 * until every one is accepted and at the consumer.
 */
async function direct(port: number, address: string, envs: readonly CfxEnvelopeLike[], seen: Map<string, Arrival>, pace?: { batch: number; everyMs: number }): Promise<{ ms: number; latencies: number[] }> {
  const c = create_container({ id: 'bench-direct' });
  quiet(c);
  const conn = c.connect({ host: '127.0.0.1', port, username: 'guest', password: 'guest', reconnect: false } as never);
  const sender = conn.open_sender({ target: durableTerminus(address), autosettle: true });
  const sentAt = new Map<string, number>();
  let next = 0;
  let accepted = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let allowed = pace === undefined ? envs.length : 0;
    const pump = () => {
      while (next < Math.min(allowed, envs.length) && sender.sendable()) {
        const e = envs[next++]!;
        sentAt.set(e.UniqueID, performance.now());
        sender.send(amqpMessage(e, JSON.stringify(e)));
      }
    };
    sender.on('sendable', pump);
    if (pace !== undefined) {
      const t = setInterval(() => {
        allowed += pace.batch;
        pump();
        if (allowed >= envs.length) clearInterval(t);
      }, pace.everyMs);
    }
    sender.on('accepted', () => {
      if (++accepted === envs.length) resolve();
    });
  });
  const ms = performance.now() - t0;
  await until(() => envs.every((e) => seen.has(e.UniqueID)), 'the direct messages at the consumer', 60_000);
  conn.close();
  return { ms, latencies: envs.map((e) => seen.get(e.UniqueID)!.at - sentAt.get(e.UniqueID)!) };
}

export async function gatewayBench(): Promise<Section> {
  const title = 'Line gateway: stations to the broker (RabbitMQ, AMQP 1.0)';
  const missing = rabbitMissing();
  if (missing !== undefined) return { title, body: `Not measured: ${missing}.\n` };
  const rabbit = await Rabbit.create();
  const dir = mkdtempSync(join(tmpdir(), 'warden-gw-bench-'));
  const stations: TestStation[] = [];
  const conns: Connection[] = [];
  let g: Gateway | undefined;
  try {
    await rabbit.start();
    for (let id = 1; id <= STATIONS; id++) stations.push(await startStation(id));
    const seen = new Map<string, Arrival>();
    const published = new Map<string, CfxEnvelopeLike>();
    conns.push(consumer(rabbit.port, '/queue/bench-gateway', seen));
    const open = Gateway.open({
      config: testConfig(stations, rabbit.port, { broker: { url: `amqp://guest@127.0.0.1:${rabbit.port}`, address: '/queue/bench-gateway', window: 256 }, poll: { statusMs: 1000, readMs: 200, syncMs: 600_000 } }),
      keys: testKeys(stations),
      brokerPassword: 'guest',
      disk: nodeDisk(dir),
      mapper: cfxMapper,
      tickMs: 20,
      onPublished: (o) => published.set(o.envelope.UniqueID, o.envelope),
    });
    if (!open.ok) throw new Error(open.detail);
    const gw = open.gateway;
    g = gw;
    gw.start();
    await until(() => stations.every((s) => gw.links.get(s.id)!.established) && gw.status().broker.up, 'sessions and broker', 60_000);
    await new Promise<void>((r) => gw.deliver(orderDoc(), () => r()));
    await new Promise<void>((r) => gw.deliver(badgeDoc(), () => r()));
    const last = (s: TestStation) => s.rig.station.journalRef!.nextSequence - 1;
    const caughtUp = () => stations.every((s) => gw.status().stations.find((x) => x.id === s.id)!.journal.published === last(s));
    await until(caughtUp, 'the set-up published', 60_000);

    // 1. A backlog: every station builds boards while the gateway is cut off from them, then it collects all.
    for (const s of stations) gw.links.get(s.id)!.stop();
    const before = stations.reduce((a, s) => a + last(s), 0);
    for (const s of stations) operate(s, BACKLOG_BOARDS);
    const records = stations.reduce((a, s) => a + last(s), 0) - before;
    const published0 = gw.status().broker.published;
    const t0 = performance.now();
    for (const s of stations) gw.links.get(s.id)!.start();
    await until(caughtUp, 'the backlog published', 300_000);
    const backlogMs = performance.now() - t0;
    const backlogMessages = gw.status().broker.published - published0;

    // 2. Live: boards at a steady rate; commit time of each record against its message's arrival.
    const commitAt = new Map<string, number>();
    const seqAt: Map<number, number>[] = stations.map(() => new Map());
    for (let i = 0; i < LIVE_BOARDS; i++) {
      stations.forEach((s, k) => {
        const from = last(s);
        s.rig.station.input({ kind: 'board', unitId: `LIVE-${s.id}-${i}` });
        const now = performance.now();
        for (let q = from + 1; q <= last(s); q++) seqAt[k]!.set(q, now);
      });
      await new Promise((r) => setTimeout(r, LIVE_EVERY_MS));
    }
    await until(caughtUp, 'the live boards published', 60_000);
    const latencies: number[] = [];
    stations.forEach((s, k) => {
      const m = cfxMapper({ stationId: s.id, source: `SMTWarden.L1.station${s.id}`, lane: 1, doc: () => undefined });
      for (const e of s.entries()) {
        const envs = m.push(e);
        const at = seqAt[k]!.get(e.seq);
        if (at === undefined) continue;
        for (const env of envs) commitAt.set(env.UniqueID, at);
      }
    });
    await until(() => [...commitAt.keys()].every((id) => seen.has(id)), 'the live messages at the consumer', 60_000);
    for (const [id, at] of commitAt) latencies.push(seen.get(id)!.at - at);

    // 3. The peer: the very messages the gateway published, published by rhea alone.
    const envs = [...published.values()];
    const directSeen = new Map<string, Arrival>();
    conns.push(consumer(rabbit.port, '/queue/bench-direct', directSeen));
    const d = await direct(rabbit.port, '/queue/bench-direct', envs, directSeen);
    // and for latency, at the live phase's pace: one message per station every LIVE_EVERY_MS
    const paced = [...commitAt.keys()].map((id) => published.get(id)!).map((e) => ({ ...e, UniqueID: `${e.UniqueID.slice(0, -4)}beef` }));
    const pacedSeen = new Map<string, Arrival>();
    conns.push(consumer(rabbit.port, '/queue/bench-direct-paced', pacedSeen));
    const dp = await direct(rabbit.port, '/queue/bench-direct-paced', paced, pacedSeen, { batch: STATIONS, everyMs: LIVE_EVERY_MS });

    const f0 = (x: number) => Math.round(x).toLocaleString('en-US');
    const f1 = (x: number) => x.toFixed(1);
    const rows = [
      `| gateway: journal backlog → broker confirmation | ${f0((records * 1000) / backlogMs)} records/s (${f0((backlogMessages * 1000) / backlogMs)} CFX messages/s) | ${f0(records)} records of ${STATIONS} stations in ${f0(backlogMs)} ms |`,
      `| rhea directly: the same messages → broker confirmation | ${f0((envs.length * 1000) / d.ms)} messages/s | ${f0(envs.length)} messages in ${f0(d.ms)} ms |`,
      `| gateway: station commit → consumer | median ${f1(pct(latencies, 50))} ms, p95 ${f1(pct(latencies, 95))} ms, max ${f1(Math.max(...latencies))} ms | ${latencies.length} messages, one board per station every ${LIVE_EVERY_MS} ms |`,
      `| rhea directly: send → consumer | median ${f1(pct(dp.latencies, 50))} ms, p95 ${f1(pct(dp.latencies, 95))} ms, max ${f1(Math.max(...dp.latencies))} ms | the live phase's messages, ${STATIONS} every ${LIVE_EVERY_MS} ms |`,
    ];
    return {
      title,
      body: [
        `${STATIONS} stations on loopback TCP (simulated devices, the real runtime), the gateway in the bench process (store fsynced before each acknowledgement, on ${tmpdir()}), RabbitMQ (Debian's) with its AMQP 1.0 plugin on loopback, one consumer. The host end paces frames to each station below its MAC budget (15 frames/s, 16 records per JournalRecords), which bounds collection per station.`,
        '',
        '| what | figure | how |',
        '|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    };
  } finally {
    await g?.stop();
    for (const c of conns) c.close();
    for (const s of stations) s.stop();
    await rabbit.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
