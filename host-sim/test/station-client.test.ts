// The host end of a station link against the real station runtime: the handshake, time, a work order with its
// answer, and journal collection that is durable before acknowledged and resumes without a gap or a duplicate.
import { MemoryCounterVault } from '../../protocol/src/counters';
import { Keyring } from '../../protocol/src/keys';
import { seededRandom } from '../../firmware/platform/sim/devices';
import { HostLink } from '../../firmware/runtime/host-link';
import { demoOrder } from '../../firmware/test/setup/helpers';
import { rig, T0, type Rig } from '../../firmware/test/runtime/rig';
import { MemorySink } from '../host/memory-sink';
import { StationClient, type CollectedRecord, type JournalSink } from '../host/station-client';

function wire(r: Rig, sink: JournalSink, wallClock = () => T0 + r.clock.monotonicMs()) {
  const keys = new Keyring(2);
  keys.install(7, 1, new Uint8Array(32).fill(7));
  let toStation: (b: Uint8Array) => void = () => {};
  const client = new StationClient({
    stationId: 7,
    keyId: 1,
    keys,
    vault: new MemoryCounterVault(),
    random: seededRandom(5),
    hello: { softwareVersion: 'mes 1', role: 'other', capabilities: ['journal'], maxFrameBytes: 512, maxSlots: 0, maxReels: 0, journalCapacity: 0 },
    write: (b) => toStation(b),
    sink,
    wallClock,
  });
  const open = () => {
    const link = new HostLink(r.station, { write: (b) => (client.receive(b, r.clock.monotonicMs()), true), close: () => {} });
    const cb = link.callbacks();
    toStation = (b) => cb.onData(b, r.clock.monotonicUs());
    link.connect();
    return link;
  };
  return { client, open };
}

describe('the host end of a station link', () => {
  it('syncs the clock, downloads a work order, and collects the whole journal with acks', () => {
    const r = rig({ rtc: 'untrusted' });
    const sink = new MemorySink();
    const { client, open } = wire(r, sink);
    open();
    expect(client.established).toBe(true);
    expect(r.station.state.clock.valid).toBe(true);
    let answer: [boolean, string] | undefined;
    client.sendWorkOrder(demoOrder(), (ok, reason) => (answer = [ok, reason]));
    expect(answer).toEqual([true, 'OK']);
    expect(r.station.view().workOrder?.identifier).toBe('WO-2026-11873');
    for (let i = 0; i < 5; i++) {
      r.clock.advance(31_000);
      r.station.input({ kind: 'tick' });
      client.tick(r.clock.monotonicMs());
    }
    const seqs = (sink.records.get(7) ?? []).map((x) => x.seq);
    const last = r.station.journalRef!.nextSequence - 1;
    expect(seqs).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(r.station.view().journalPending).toBe(0);
    expect(client.status?.workOrderIdentifier).toBe('WO-2026-11873');
  });

  it('paces its frames below the station\'s flood budget: 120 reel records pushed at once all arrive, none dropped', () => {
    const r = rig({ config: { 'setup.maxReelRecords': 200 } });
    const { client, open } = wire(r, new MemorySink());
    open();
    let acked = 0;
    for (let i = 0; i < 120; i++) {
      client.send(
        { type: 'ReelRecord', body: { uniqueIdentifier: `R-${i}`, internalPartNumber: 'IPN', manufacturerPartNumber: 'CL21A475KAQNNNE', manufacturer: 'Samsung', manufacturerLotCode: 'L1', quantity: 100, thicknessClass: 'unknown' } },
        'reel',
        true,
        (ok) => (acked += ok ? 1 : 0),
      );
    }
    expect(client.queued).toBeGreaterThan(0);
    for (let t = 0; t < 20 && client.queued > 0; t++) {
      r.clock.advance(1000);
      client.tick(r.clock.monotonicMs());
    }
    expect(client.queued).toBe(0);
    expect(acked).toBe(120);
    expect(r.station.state.setup.reels.records.length).toBe(120);
  });

  it('a time sync waits for a queue to drain and then carries the time it leaves at, not the time it was asked for', () => {
    const r = rig({ rtc: 'untrusted' });
    // The host's wall clock is the truth; the station's RTC came up a second slow and untrusted.
    const truth = () => T0 + 1000 + r.clock.monotonicMs();
    const { client, open } = wire(r, new MemorySink(), truth);
    open();
    expect(r.station.now()).toBe(truth());
    // 120 reel records queue at the station's pace (about 6 s of frames beyond the burst), then a sync is asked for.
    for (let i = 0; i < 120; i++) {
      client.send({ type: 'ReelRecord', body: { uniqueIdentifier: `R-${i}`, internalPartNumber: 'IPN', manufacturerPartNumber: 'CL21A475KAQNNNE', manufacturer: 'Samsung', manufacturerLotCode: 'L1', quantity: 100, thicknessClass: 'unknown' } }, 'reel', true);
    }
    let synced: [boolean, string] | undefined;
    client.syncClock((ok, reason) => (synced = [ok, reason]));
    // Meanwhile something steps the station's clock two seconds back: the sync must set it right when it lands.
    r.station.input({ kind: 'host', message: { type: 'TimeSync', body: { utcTime: Math.floor((truth() - 2000) / 1000), millis: (truth() - 2000) % 1000 } } });
    for (let t = 0; t < 20 && (synced === undefined || client.queued > 0); t++) {
      r.clock.advance(1000);
      client.tick(r.clock.monotonicMs());
    }
    expect(synced).toEqual([true, 'OK']);
    expect(client.queued).toBe(0);
    // Sealed when it went on the wire: the station's clock is the host's, to the millisecond (a TimeSync sealed
    // when asked for would have set it back by the seconds it waited).
    expect(r.station.now()).toBe(truth());
  });

  it('a refused work order is reported with the station\'s reason and the old one is kept', () => {
    const r = rig({ config: { maxSlots: 3 } });
    const { client, open } = wire(r, new MemorySink());
    open();
    let answer: [boolean, string] | undefined;
    client.sendWorkOrder(demoOrder(), (ok, reason) => (answer = [ok, reason]));
    expect(answer).toEqual([false, 'LIMIT_EXCEEDED']);
    expect(r.station.view().workOrder).toBeUndefined();
  });

  it('does not acknowledge records before the sink stored them; after a reconnect it resumes with no gap and no duplicate', () => {
    const r = rig();
    const held: { records: readonly CollectedRecord[]; stored: () => void }[] = [];
    const kept: CollectedRecord[] = [];
    let next = 1;
    const slow: JournalSink = {
      next: () => next,
      store: (records, stored) => held.push({ records, stored }),
      lost: () => {},
    };
    const { client, open } = wire(r, slow);
    const link = open();
    client.sendWorkOrder(demoOrder());
    expect(held.length).toBeGreaterThan(0);
    expect(r.station.view().journalPending).toBeGreaterThan(0);
    const pending = r.station.view().journalPending;
    // The link drops before the store finished: nothing was acknowledged.
    link.close();
    client.reset();
    expect(r.station.view().journalPending).toBe(pending);
    // The first batch becomes durable only now; its ack has no session to travel in.
    const first = held.shift()!;
    kept.push(...first.records);
    next = first.records.at(-1)!.seq + 1;
    first.stored();
    held.length = 0;
    // Reconnect: collection resumes from what the host holds.
    const fast: JournalSink = {
      next: () => next,
      store: (records, stored) => {
        kept.push(...records);
        next = records.at(-1)!.seq + 1;
        stored();
      },
      lost: () => {},
    };
    const again = wire(r, fast);
    again.open();
    for (let i = 0; i < 5; i++) {
      r.clock.advance(31_000);
      r.station.input({ kind: 'tick' });
      again.client.tick(r.clock.monotonicMs());
    }
    const seqs = kept.map((x) => x.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.at(-1)).toBe(r.station.journalRef!.nextSequence - 1);
    expect(r.station.view().journalPending).toBe(0);
  });
});
