// Crash at every step of the gateway's own store. The gateway runs on a disk that keeps what is durable apart from
// what is only written (MemoryDisk); at step k of its disk operations the process dies (nothing more is written,
// acknowledged or flushed; its connections drop). A new gateway starts on what a real disk would then hold (the
// durable bytes plus a random part of the rest) and runs to the end. Whatever k: every record the station
// committed is in the store once, in order, byte for byte; the station has every record acknowledged; and the
// broker has every CFX message, under the UniqueID the journal gives it, with every copy identical.
import { MemoryDisk } from '../../src/gateway/memory-disk';
import type { Gateway } from '../../src/gateway/gateway';
import { cfxHandleFor } from '../../src/gateway/cfx-handle';
import { badgeDoc, dedup, deliver, expectedMessages, LINE, openGateway, operate, orderDoc, storeMatchesJournal } from './harness';
import { startStation, until, type TestStation } from './line';
import { TestBroker } from './test-broker';

jest.setTimeout(120_000);

interface Run {
  crashed: boolean;
  steps: number;
}

async function runOnce(k: number, seed: number): Promise<Run> {
  const broker = await TestBroker.start();
  const s: TestStation = await startStation(7);
  const disk = new MemoryDisk();
  disk.crashAtStep(k);
  let g: Gateway | undefined;
  try {
    g = openGateway([s], broker.port, disk);
  } catch (e) {
    if (!disk.crashed) throw e; // the crash came while it opened its store
  }
  try {
    const first = g;
    first?.start();
    await until(() => disk.crashed || first!.links.get(7)!.established, 'a session');
    if (first !== undefined && !disk.crashed) {
      void deliver(first, orderDoc());
      void deliver(first, badgeDoc());
      await until(() => s.rig.station.view().workOrder !== undefined || disk.crashed, 'the order');
      if (!disk.crashed) operate(s, 4);
    }
    const done = (x: Gateway) => x.store.holdings(7).next - 1 === s.rig.station.journalRef!.nextSequence - 1 && s.rig.station.view().journalPending === 0 && dedup(broker.published(), cfxHandleFor(LINE, 7)).ids.length >= expectedMessages(s).length && x.status().stations[0]!.journal.published === x.store.holdings(7).next - 1;
    await until(() => disk.crashed || done(first!), 'the first run to finish or crash');
    const crashed = disk.crashed;
    const steps = disk.steps;
    if (crashed) {
      first?.crash();
      // The restarted gateway, on what survived; the station and the broker carry on.
      g = openGateway([s], broker.port, disk.afterCrash(seed));
      g.start();
      const second = g;
      if (s.rig.station.view().workOrder === undefined) {
        await until(() => second.links.get(7)!.established, 'a session after the restart');
        await deliver(second, orderDoc());
        await deliver(second, badgeDoc());
        operate(s, 2);
      }
      await until(() => done(second), `the restarted gateway to catch up (crash at step ${k})`);
    }
    const m = storeMatchesJournal(g!, s);
    expect(m.held).toEqual(m.journal);
    expect(m.sameBytes).toBe(true);
    const d = dedup(broker.published(), cfxHandleFor(LINE, 7));
    expect(d.ids).toEqual(expectedMessages(s).map((e) => e.UniqueID));
    expect(d.copiesAgree).toBe(true);
    return { crashed, steps };
  } finally {
    await g?.stop();
    s.stop();
    await broker.stop();
  }
}

describe('a gateway crash at any step of its store', () => {
  it('loses nothing the station committed and publishes nothing twice under another id', async () => {
    const crashes: number[] = [];
    let k = 0;
    for (; k < 200; k++) {
      const r = await runOnce(k, 1000 + k);
      if (!r.crashed) break; // past the last step of the run: every step has been a crash point
      crashes.push(k);
    }
    expect(crashes.length).toBe(k);
    expect(k).toBeGreaterThan(10);
  });
});
