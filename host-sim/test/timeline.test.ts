// The line's timeline and links: events in time order, ties in the order scheduled, never inside the code that
// schedules them; link bytes arrive after the latency, in order, never inside the write, and faults corrupt or
// drop what they say.
import fc from 'fast-check';
import { LinkNet } from '../line/link';
import { Random } from '../line/random';
import { Timeline } from '../line/timeline';

describe('the timeline', () => {
  it('runs any schedule in time order, ties in the order they were scheduled', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { maxLength: 200 }), (times) => {
        const t = new Timeline();
        const ran: [number, number][] = [];
        times.forEach((at, i) => t.at(at, () => ran.push([t.now, i])));
        t.runUntil(100);
        const want = times.map((at, i) => [at, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(ran).toEqual(want);
        expect(t.now).toBe(100);
      }),
    );
  });

  it('an event scheduled for now runs after the one scheduling it, not inside it', () => {
    const t = new Timeline();
    const log: string[] = [];
    t.at(5, () => {
      t.at(5, () => log.push('inner'));
      log.push('outer');
    });
    t.runUntil(10);
    expect(log).toEqual(['outer', 'inner']);
  });

  it('stops when asked, with time at the last event run', () => {
    const t = new Timeline();
    let n = 0;
    t.every(10, 0, () => ++n < 100);
    t.runUntil(1000, () => n >= 5);
    expect([n, t.now]).toEqual([5, 40]);
  });
});

describe('in-memory links', () => {
  function pair(latency: number, seed = 1) {
    const t = new Timeline();
    const net = new LinkNet(t, new Random(seed), latency);
    const atServer: [number, string][] = [];
    const atClient: [number, string][] = [];
    let serverEnd: { write(b: Uint8Array): boolean } | undefined;
    net.listenAt('st1')({
      port: 1,
      onConnection: (conn) => {
        serverEnd = conn;
        return { onData: (b) => atServer.push([t.now, new TextDecoder().decode(b)]), onClose: () => atServer.push([t.now, 'closed']) };
      },
    });
    const client = net.connect('st1', 1, { onData: (b) => atClient.push([t.now, new TextDecoder().decode(b)]), onClose: () => atClient.push([t.now, 'closed']) })!;
    return { t, net, client, server: () => serverEnd!, atServer, atClient };
  }

  it('delivers after the latency, in order, never inside the write', () => {
    const p = pair(5);
    p.client.write(new TextEncoder().encode('a'));
    p.client.write(new TextEncoder().encode('b'));
    expect(p.atServer).toEqual([]);
    p.t.runUntil(4);
    expect(p.atServer).toEqual([]);
    p.t.runUntil(5);
    expect(p.atServer).toEqual([[5, 'a'], [5, 'b']]);
    p.server().write(new TextEncoder().encode('c'));
    p.t.runUntil(20);
    expect(p.atClient).toEqual([[10, 'c']]);
  });

  it('a close reaches the peer after what was already on its way; a cut loses it, and both ends hear the cut', () => {
    const p = pair(3);
    p.client.write(new TextEncoder().encode('x'));
    p.client.close();
    p.t.runUntil(10);
    expect(p.atServer).toEqual([[3, 'x'], [3, 'closed']]);
    const q = pair(3);
    q.client.write(new TextEncoder().encode('y'));
    q.net.cut('st1');
    q.t.runUntil(10);
    expect([q.atServer, q.atClient]).toEqual([[[0, 'closed']], [[0, 'closed']]]);
  });

  it('noise flips one bit of a write, drops lose whole writes, as often as set', () => {
    const p = pair(1, 7);
    p.net.setFaults('st1', { noise: 0.5, drop: 0.25 });
    for (let i = 0; i < 400; i++) p.client.write(new Uint8Array([0x55, 0x55]));
    p.t.runUntil(10);
    const got = p.atServer.length;
    const changed = p.atServer.filter(([, s]) => s !== 'UU').length;
    expect(p.net.stats.dropped + got).toBe(400);
    expect(p.net.stats.dropped).toBeGreaterThan(60);
    expect(changed).toBe(p.net.stats.corrupted);
    expect(changed).toBeGreaterThan(100);
  });
});
