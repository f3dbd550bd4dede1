// The gateway against real stations over loopback TCP, and a real AMQP 1.0 peer (rhea's listener): provisioning
// (keys from the line master), clock sync, work-order and badge download from documents, journal collection that
// is durable before acknowledged, CFX publishing that resumes after a broker outage, a station power cut, and the
// status picture.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeDisk } from '../../src/gateway/disk';
import type { Gateway } from '../../src/gateway/gateway';
import { cfxHandleFor } from '../../src/gateway/cfx-handle';
import { ADDRESS, badgeDoc, dedup, deliver, expectedMessages, LINE, openGateway, operate, orderDoc, REQUESTS, storeMatchesJournal } from './harness';
import { startStation, until, type TestStation } from './line';
import { TestBroker } from './test-broker';

jest.setTimeout(60_000);

function lastSeq(s: TestStation): number {
  return s.rig.station.journalRef!.nextSequence - 1;
}

describe('the line gateway against real stations over TCP', () => {
  let dir: string;
  let broker: TestBroker;
  let stations: TestStation[];
  let g: Gateway | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-gw-'));
    broker = await TestBroker.start();
    stations = [await startStation(7, { rtc: 'untrusted' }), await startStation(8, { rtc: 'untrusted' })];
  });

  afterEach(async () => {
    await g?.stop();
    g = undefined;
    for (const s of stations) s.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const collectedAll = (gw: Gateway) => stations.every((s) => gw.store.holdings(s.id).next - 1 === lastSeq(s) && s.rig.station.view().journalPending === 0);
  const publishedAll = () => stations.every((s) => dedup(broker.published(), cfxHandleFor(LINE, s.id)).ids.length >= expectedMessages(s).length);

  it('provisions from the line master, syncs the clocks, downloads the order and badges, collects every record and publishes each as CFX', async () => {
    g = openGateway(stations, broker.port, nodeDisk(dir));
    g.start();
    await until(() => stations.every((s) => g!.links.get(s.id)!.established), 'both sessions');
    await until(() => stations.every((s) => s.rig.station.view().clockValid), 'the stations\' clocks set by the gateway');
    const wo = await deliver(g, orderDoc());
    expect([...wo.values()].map((r) => [r.ok, r.reason])).toEqual([
      [true, 'OK'],
      [true, 'OK'],
    ]);
    expect(stations.map((s) => s.rig.station.view().workOrder?.identifier)).toEqual(['WO-2026-11873', 'WO-2026-11873']);
    const badges = await deliver(g, badgeDoc());
    expect([...badges.values()].every((r) => r.ok)).toBe(true);
    for (const s of stations) operate(s, 3);
    await until(() => collectedAll(g!), 'every record collected and acknowledged');
    for (const s of stations) {
      const m = storeMatchesJournal(g, s);
      expect(m.held).toEqual(m.journal);
      expect(m.sameBytes).toBe(true);
    }
    await until(publishedAll, 'every CFX message at the broker');
    for (const s of stations) {
      const d = dedup(broker.published(), cfxHandleFor(LINE, s.id));
      expect(d.ids).toEqual(expectedMessages(s).map((e) => e.UniqueID));
      expect(d.copiesAgree).toBe(true);
    }
    // Each message as the CFX SDK sends it: message-id is the UniqueID, subject "<handle>.<MessageName>".
    const r = broker.received.find((x) => x.correlationId === undefined)!;
    const env = JSON.parse(r.json) as { UniqueID: string; Source: string; MessageName: string };
    expect(r.messageId).toBe(env.UniqueID);
    expect(r.subject).toBe(`${env.Source}.${env.MessageName}`);

    const st = g.status();
    expect(st.broker.up).toBe(true);
    await until(() => g!.status().stations.every((x) => x.journal.stationPending === 0 && x.permit !== null && x.journal.published === x.journal.stored), 'a status poll after the last ack, every acceptance counted');
    for (const x of g.status().stations) {
      expect(x.link).toBe('up');
      expect(x.workOrder).toBe('WO-2026-11873');
      expect(x.clock?.valid).toBe(true);
      expect(Math.abs(x.clock!.offsetS!)).toBeLessThanOrEqual(2);
      expect(x.journal.published).toBe(x.journal.stored);
      expect(x.permit).toBe(stations.find((s) => s.id === x.id)!.rig.station.view().runPermit);
    }
  });

  it('a station that loses power is reconnected and resynced; what it committed meanwhile is collected', async () => {
    g = openGateway(stations, broker.port, nodeDisk(dir));
    g.start();
    await until(() => stations.every((s) => g!.links.get(s.id)!.established), 'both sessions');
    await deliver(g, orderDoc());
    await deliver(g, badgeDoc());
    operate(stations[0]!, 1);
    await until(() => collectedAll(g!), 'first collection');
    const s = stations[0]!;
    const sessions = g.links.get(s.id)!.view().sessions;
    s.cut();
    await until(() => !g!.links.get(s.id)!.established, 'the gateway sees the link gone');
    expect(g.status().stations[0]!.link).not.toBe('up');
    await s.boot(); // journals StationBooted; clock untrusted until the gateway syncs it
    await until(() => g!.links.get(s.id)!.view().sessions > sessions, 'a new session');
    await until(() => s.rig.station.view().clockValid, 'the clock set again');
    await until(() => collectedAll(g!), 'the records of the reboot collected');
    expect(storeMatchesJournal(g, s).sameBytes).toBe(true);
    await until(publishedAll, 'published');
    expect(dedup(broker.published(), cfxHandleFor(LINE, s.id)).ids).toEqual(expectedMessages(s).map((e) => e.UniqueID));
  });

  it('publishing resumes after a broker outage from the last message the broker accepted', async () => {
    g = openGateway(stations, broker.port, nodeDisk(dir));
    g.start();
    await until(() => stations.every((s) => g!.links.get(s.id)!.established) && g!.status().broker.up, 'sessions and broker');
    await deliver(g, orderDoc());
    await deliver(g, badgeDoc());
    await broker.down();
    await until(() => !g!.status().broker.up, 'the gateway sees the broker gone');
    for (const s of stations) operate(s, 2);
    // Collection goes on without the broker: records are safe in the store.
    await until(() => collectedAll(g!), 'collected while the broker is down');
    expect(g.status().stations.every((x) => x.journal.unpublished > 0)).toBe(true);
    await broker.up();
    await until(publishedAll, 'published after the outage');
    for (const s of stations) {
      const d = dedup(broker.published(), cfxHandleFor(LINE, s.id));
      expect(d.ids).toEqual(expectedMessages(s).map((e) => e.UniqueID));
      expect(d.copiesAgree).toBe(true);
    }
  });

  it('what the broker accepted survives its restart: the gateway declares its queues durable', async () => {
    // The interop suite's failure: rhea's default terminus asked RabbitMQ for a transient queue, which a broker
    // restart deleted with every message the broker had accepted and the MES had not taken yet.
    g = openGateway(stations, broker.port, nodeDisk(dir));
    g.start();
    await until(() => stations.every((s) => g!.links.get(s.id)!.established) && g!.status().broker.up, 'sessions and broker');
    expect([broker.nodes.get(ADDRESS), broker.nodes.get(REQUESTS)]).toEqual([true, true]);
    await deliver(g, orderDoc());
    await deliver(g, badgeDoc());
    for (const s of stations) operate(s, 2);
    await until(() => collectedAll(g!) && publishedAll(), 'everything accepted by the broker');
    const accepted = broker.published().length;
    await broker.restart();
    expect(broker.published().length).toBe(accepted);
    await until(() => g!.status().broker.up && g!.status().broker.connects === 2, 'the gateway connected again');
    for (const s of stations) s.rig.station.input({ kind: 'board', unitId: `SN-${s.id}-after` });
    await until(() => collectedAll(g!) && publishedAll(), 'published after the restart');
    for (const s of stations) expect(dedup(broker.published(), cfxHandleFor(LINE, s.id)).ids).toEqual(expectedMessages(s).map((e) => e.UniqueID));
  });

  it('a link the broker refuses is reported in the status and tried again, not left silent', async () => {
    // RabbitMQ ends the session, and keeps the connection, when a queue exists with another durability.
    broker.declare(ADDRESS, false);
    g = openGateway(stations, broker.port, nodeDisk(dir));
    g.start();
    await until(() => broker.refused >= 2, 'the link refused, and asked for again');
    const st = g.status().broker;
    expect(st.up).toBe(false);
    expect(st.lastError).toContain('amqp:precondition-failed');
    expect(st.lastError).toContain(`inequivalent arg 'durable' for ${ADDRESS}`);
    await deliver(g, orderDoc());
    await deliver(g, badgeDoc());
    operate(stations[0]!, 1);
    await until(() => collectedAll(g!), 'collection goes on meanwhile');
    broker.deleteNode(ADDRESS); // the administrator removes the transient queue
    await until(() => g!.status().broker.up && publishedAll(), 'published once the link is taken');
    expect(broker.nodes.get(ADDRESS)).toBe(true);
  });

  it('a message the broker releases is sent again, in order; one it rejects waits and is offered again', async () => {
    // Every fifth message is released once, every seventh rejected once, the first time the broker sees it.
    const seen = new Set<string>();
    let n = 0;
    broker.outcome = (r) => {
      if (seen.has(r.messageId)) return 'accept';
      seen.add(r.messageId);
      n++;
      return n % 5 === 0 ? 'release' : n % 7 === 0 ? 'reject' : 'accept';
    };
    g = openGateway(stations, broker.port, nodeDisk(dir));
    g.start();
    await until(() => stations.every((s) => g!.links.get(s.id)!.established), 'sessions');
    await deliver(g, orderDoc());
    await deliver(g, badgeDoc());
    for (const s of stations) operate(s, 2);
    await until(() => collectedAll(g!), 'collected');
    await until(publishedAll, 'published despite releases and rejections', 30_000);
    for (const s of stations) expect(new Set(dedup(broker.published(), cfxHandleFor(LINE, s.id)).ids)).toEqual(new Set(expectedMessages(s).map((e) => e.UniqueID)));
    expect(g.status().broker.rejected).toBeGreaterThan(0);
  });
});
