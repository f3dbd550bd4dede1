// A simulated line of ten stations through the gateway (a child process, as it runs in a factory) to RabbitMQ over
// AMQP 1.0, consumed by an independent rhea receiver. Faults on the way: the broker restarted mid-run, the gateway
// killed with SIGKILL mid-run and started again, a station's power cut. The broker restarts while the MES is away, so
// what it had accepted must outlive the restart in its queue. At the end every record a station committed
// has arrived at least once as its CFX message, and after de-duplication by UniqueID exactly once, in each station's
// journal order; every copy of a message is the same message. The broker runs on loopback, started and stopped
// here, every step bounded in time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create_container, type Connection, type EventContext } from 'rhea';
import { bodyText, durableTerminus } from '../src/gateway/amqp';
import { cfxHandleFor } from '../src/gateway/cfx-handle';
import { queueDocument, readStatus, runningPid } from '../src/gateway/service';
import { badgeDoc, dedup, expectedMessages, HANDLE, LINE, operate, orderDoc } from './gateway/harness';
import { LINE_MASTER_HEX, startStation, until, type TestStation } from './gateway/line';
import { Rabbit, rabbitMissing } from './gateway/rabbit';

jest.setTimeout(420_000);

const BIN = join(__dirname, '../bin/warden.cjs');
const QUEUE = '/queue/warden-cfx-interop';
const STATIONS = 10;

interface Consumed {
  envelope: { UniqueID: string; Source: string; MessageName: string };
  messageId: string;
}

/**
 * The MES side: an independent rhea receiver on the queue, with a durable source as every client of the gateway's
 * durable queue must have on RabbitMQ 3.x. It connects afresh whenever its connection, session or link is lost:
 * rhea's own reconnect re-opens only the sessions still open, and RabbitMQ ends every session as it shuts down, so
 * a receiver left to it is never attached again (the queue then fills with no consumer).
 */
class Consumer {
  private conn: Connection | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  attached = false;

  constructor(
    private readonly port: number,
    private readonly into: Consumed[],
  ) {}

  open(): void {
    this.stopped = false;
    const c = create_container({ id: 'warden-interop-consumer' });
    c.on('error', () => undefined);
    const conn = c.connect({ host: '127.0.0.1', port: this.port, username: 'guest', password: 'guest', reconnect: false } as never);
    this.conn = conn;
    const r = conn.open_receiver({ source: durableTerminus(QUEUE), autoaccept: false, credit_window: 500 } as never);
    r.on('receiver_open', () => (this.attached = true));
    r.on('message', (ctx: EventContext) => {
      this.into.push({ envelope: JSON.parse(bodyText(ctx.message!) ?? '{}'), messageId: String(ctx.message!.message_id) });
      ctx.delivery!.accept();
    });
    r.on('receiver_close', () => this.lost(conn));
    r.session.on('session_close', () => this.lost(conn));
    conn.on('disconnected', () => this.lost(conn));
    conn.on('connection_error', () => undefined);
    conn.on('error', () => undefined);
  }

  private lost(conn: Connection): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    this.attached = false;
    setImmediate(() => conn.is_open() && conn.close());
    if (!this.stopped) this.timer = setTimeout(() => this.open(), 500);
  }

  /** The MES goes away: its connection closed, nothing consumed until `open` again. */
  close(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const c = this.conn;
    this.conn = undefined;
    this.attached = false;
    c?.close();
  }
}

describe('ten stations through the gateway to RabbitMQ', () => {
  const missing = rabbitMissing();
  let rabbit: Rabbit;
  let dir: string;
  let stations: TestStation[] = [];
  let gateway: ChildProcess | undefined;
  let consumer: Consumer | undefined;
  const got: Consumed[] = [];
  let gatewayLog = '';

  beforeAll(async () => {
    if (missing !== undefined) throw new Error(missing);
    rabbit = await Rabbit.create();
    await rabbit.start();
    dir = mkdtempSync(join(tmpdir(), 'warden-gw-interop-'));
    for (let id = 1; id <= STATIONS; id++) stations.push(await startStation(id));
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ lineMaster: LINE_MASTER_HEX, brokerPassword: 'guest' }), { mode: 0o600 });
    writeFileSync(
      join(dir, 'gateway.json'),
      JSON.stringify({
        line: LINE,
        dataDir: 'data',
        keys: { file: 'keys.json' },
        cfx: { handle: HANDLE },
        broker: { url: `amqp://guest@127.0.0.1:${rabbit.port}`, address: QUEUE },
        stations: stations.map((s) => ({ id: s.id, address: `127.0.0.1:${s.port}` })),
        poll: { statusMs: 500, readMs: 500 },
        reconnect: { minMs: 100, maxMs: 2000 },
      }),
    );
  });

  afterAll(async () => {
    gateway?.kill('SIGKILL');
    consumer?.close();
    for (const s of stations) s.stop();
    await rabbit?.dispose();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const data = () => join(dir, 'data');
  const startGateway = () => {
    const g = spawn(process.execPath, [BIN, 'gateway', '--config', join(dir, 'gateway.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
    g.stderr!.on('data', (d: Buffer) => (gatewayLog += d.toString()));
    gateway = g;
    return g;
  };
  const status = () => readStatus(data());
  /** Waits, and on a timeout says where the line stood. */
  const wait = (cond: () => boolean, what: string, ms: number) =>
    until(cond, what, ms).catch((e: Error) => {
      const st = status();
      throw new Error(`${e.message}\nstatus: ${JSON.stringify(st === undefined ? null : { broker: st.broker, stations: st.stations.map((x) => [x.id, x.link, x.lastError, x.journal]) })}\ngateway log:\n${gatewayLog.slice(-3000)}`);
    });
  const allUp = () => {
    const s = status();
    return runningPid(data()) === gateway?.pid && s !== undefined && s.stations.length === STATIONS && s.stations.every((x) => x.link === 'up') && s.broker.up;
  };
  const published = () => status()?.stations.every((x) => x.journal.published === x.journal.stored && x.journal.unpublished === 0) ?? false;
  const collected = () => stations.every((s) => status()?.stations.find((x) => x.id === s.id)?.journal.stored === s.rig.station.journalRef!.nextSequence - 1);
  const boards = (from: number, n: number, only?: TestStation[]) => {
    for (const s of only ?? stations) for (let i = 0; i < n; i++) s.rig.station.input({ kind: 'board', unitId: `SN-${s.id}-${from + i}` });
  };

  it('every committed record arrives, exactly once after de-duplication by UniqueID, in per-station order', async () => {
    consumer = new Consumer(rabbit.port, got);
    consumer.open();
    startGateway();
    await wait(allUp, 'ten links and the broker up', 60_000);
    queueDocument(data(), JSON.stringify(orderDoc().doc), 'order.json');
    queueDocument(data(), JSON.stringify(badgeDoc().doc), 'badges.json');
    await wait(() => stations.every((s) => s.rig.station.view().workOrder !== undefined), 'the order on every station', 60_000);
    await wait(() => status()!.documents.pending === 0 && status()!.documents.delivered >= 2, 'the badges on every station', 60_000);
    await wait(() => consumer!.attached, 'the consumer on the queue', 60_000);

    // Fault 1: the broker restarts while the MES is away; the stations go on building boards. Whatever the broker
    // accepted before is in its queue and nowhere else (the gateway moved its watermark past it).
    consumer.close();
    for (const s of stations) operate(s, 3);
    await wait(() => collected() && published(), 'the broker accepting every message, with nobody consuming', 60_000);
    const queued = rabbit.queues().find((q) => `/queue/${q.name}` === QUEUE);
    expect(queued?.durable).toBe(true);
    expect(queued?.messages).toBeGreaterThan(0);
    const publishedBefore = status()!.broker.published;
    await rabbit.stop();
    boards(10, 3);
    await wait(collected, 'collection going on while the broker is down', 60_000);
    await rabbit.start();
    expect(rabbit.queues().find((q) => `/queue/${q.name}` === QUEUE)?.messages ?? 0).toBeGreaterThanOrEqual(queued!.messages);
    consumer.open();
    boards(20, 2);

    // Fault 2: the gateway is killed mid-run, and started again on its data directory.
    await wait(() => (status()?.broker.published ?? 0) > publishedBefore && status()!.broker.up, 'publishing again after the restart', 90_000);
    gateway!.kill('SIGKILL');
    await new Promise((r) => gateway!.once('exit', r));
    boards(30, 2);
    startGateway();
    await wait(allUp, 'the gateway back', 60_000);

    // Fault 3: a station's power is cut, the others go on; it boots again.
    const victim = stations[2]!;
    boards(40, 1, [victim]);
    victim.cut();
    boards(50, 2, stations.filter((s) => s !== victim));
    await victim.boot();
    boards(60, 1, [victim]);

    // The end: every station's journal, as its CFX messages, at the consumer.
    const want = new Map(stations.map((s) => [s.id, expectedMessages(s).map((e) => e.UniqueID)]));
    await until(
      () => stations.every((s) => dedup(got, cfxHandleFor(LINE, s.id)).ids.length >= want.get(s.id)!.length),
      'every CFX message at the consumer',
      180_000,
    ).catch((e) => {
      const queues = (() => {
        try {
          return JSON.stringify(rabbit.queues());
        } catch (q) {
          return (q as Error).message;
        }
      })();
      const st = status();
      throw new Error(
        `${(e as Error).message}\n${stations.map((s) => `station ${s.id}: ${dedup(got, cfxHandleFor(LINE, s.id)).ids.length} of ${want.get(s.id)!.length}`).join('\n')}\n` +
          `consumer attached: ${consumer!.attached}; broker queues: ${queues}\ngateway status: ${JSON.stringify(st === undefined ? null : { broker: st.broker, journals: st.stations.map((x) => [x.id, x.journal]) })}\n${gatewayLog.slice(-3000)}`,
      );
    });
    let copies = 0;
    for (const s of stations) {
      const d = dedup(got, cfxHandleFor(LINE, s.id));
      expect(d.ids).toEqual(expectedMessages(s).map((e) => e.UniqueID));
      expect(d.copiesAgree).toBe(true);
      copies += d.copies;
    }
    for (const m of got) expect(m.messageId).toBe(m.envelope.UniqueID);
    // The records themselves: every station's whole journal is in the gateway's store.
    await wait(collected, 'the store holding every journal', 60_000);
    process.stdout.write(`interop: ${got.length} messages consumed, ${got.length - copies} distinct, ${copies} duplicates (dropped by UniqueID)\n`);
  });
});
