// The gateway's store on its own: durable before acknowledged, what a reopened store holds after any torn last
// write, damage that is not a torn write refused, and reading total on arbitrary bytes.
import fc from 'fast-check';
import type { CollectedRecord } from '../../../host-sim/host/station-client';
import { MemoryDisk } from '../../src/gateway/memory-disk';
import { GatewayStore } from '../../src/gateway/store';

function recs(station: number, from: number, n: number, size = 20): CollectedRecord[] {
  return Array.from({ length: n }, (_, i) => ({ stationId: station, seq: from + i, at: 1_800_000_000 + from + i, recordType: 0x41, data: new Uint8Array(size).fill((from + i) & 0xff) }));
}

function open(disk: MemoryDisk): GatewayStore {
  const s = GatewayStore.open(disk);
  if (!s.ok) throw new Error(`${s.reason}: ${s.detail}`);
  return s.store;
}

function held(s: GatewayStore, station: number): number[] {
  const r = s.reader(station);
  const out: number[] = [];
  for (let it = r.next(); it !== undefined; it = r.next()) if (it.kind === 'record') out.push(it.seq);
  return out;
}

const flush = () => new Promise((r) => setImmediate(r));

describe('the gateway store', () => {
  it('reports records stored only once they are durable, and reads back only durable records', async () => {
    const disk = new MemoryDisk();
    const s = open(disk);
    let stored = false;
    s.store(recs(7, 1, 5), () => (stored = true));
    expect(stored).toBe(false);
    expect(held(s, 7)).toEqual([]);
    expect(s.next(7)).toBe(6); // written: the next batch continues after it
    await flush();
    expect(stored).toBe(true);
    expect(held(s, 7)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a crash before the fsync completed: the batch was never acknowledged and the reopened store may lack it, never part of a record', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const disk = new MemoryDisk();
      const s = open(disk);
      s.store(recs(7, 1, 4), () => undefined);
      await flush();
      let acked = false;
      s.store(recs(7, 5, 4), () => (acked = true));
      // the process dies before the sync completes
      disk.crashAtStep(disk.steps);
      await flush();
      expect(acked).toBe(false);
      const again = open(disk.afterCrash(seed));
      const h = held(again, 7);
      expect(h.slice(0, 4)).toEqual([1, 2, 3, 4]);
      expect(h).toEqual(Array.from({ length: h.length }, (_, i) => i + 1));
      expect(again.next(7)).toBe(h.length + 1);
      // and it goes on from there
      let ok = false;
      again.store(recs(7, again.next(7), 2), () => (ok = true));
      await flush();
      expect(ok).toBe(true);
    }
  });

  it('refuses to start on damage that is not a torn last write, naming the file and the byte', async () => {
    const disk = new MemoryDisk();
    const s = open(disk);
    s.store(recs(7, 1, 3), () => undefined);
    await flush();
    const bytes = disk.read('stations/7.log')!;
    bytes[20] = bytes[20]! ^ 0xff; // inside the first record, with good records after it
    disk.replace('stations/7.log', bytes);
    const r = GatewayStore.open(disk);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('GATEWAY_STORE_CORRUPT');
      expect(r.detail).toMatch(/stations\/7\.log: damaged record at byte 0/);
    }
  });

  it('records a station\'s lost range and moves past it', async () => {
    const disk = new MemoryDisk();
    const s = open(disk);
    s.store(recs(7, 1, 2), () => undefined);
    await flush();
    s.lost(7, 3, 9);
    await flush();
    expect(s.next(7)).toBe(10);
    s.store(recs(7, 10, 1), () => undefined);
    await flush();
    const again = open(disk.afterCrash(1));
    expect(again.next(7)).toBe(11);
    expect(held(again, 7)).toEqual([1, 2, 10]);
    expect(again.holdings(7).gaps).toBe(1);
  });

  it('stops taking records at its size limit (nothing acknowledged) and says so', async () => {
    const disk = new MemoryDisk();
    const r = GatewayStore.open(disk, { maxBytes: 200 });
    if (!r.ok) throw new Error(r.detail);
    let n = 0;
    r.store.store(recs(7, 1, 4), () => n++);
    await flush();
    r.store.store(recs(7, 5, 4), () => n++);
    await flush();
    expect(n).toBe(1);
    expect(r.store.full).toMatch(/limit is 200/);
  });

  it('keeps the counters of the host sessions across a restart', () => {
    const disk = new MemoryDisk();
    const v = open(disk).vault();
    const stream = { stationId: 7, keyId: 1, direction: 'host-to-station' as const };
    expect(v.reserved(stream)).toEqual({ ok: true, value: 0 });
    expect(v.reserve(stream, 256)).toEqual({ ok: true, value: 256 });
    expect(open(disk.afterCrash(3)).vault().reserved(stream)).toEqual({ ok: true, value: 256 });
  });

  it('opening is total on arbitrary bytes: a store or a typed refusal, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        const disk = new MemoryDisk();
        disk.replace('stations/7.log', b);
        const r = GatewayStore.open(disk);
        if (r.ok) {
          const h = held(r.store, 7);
          expect(h.length).toBe(r.store.holdings(7).records);
        } else expect(r.reason).toBe('GATEWAY_STORE_CORRUPT');
      }),
      { numRuns: 300 },
    );
  });

  it('any cut of a good file reopens to a prefix of its records', () => {
    const disk = new MemoryDisk();
    const s = open(disk);
    s.store(recs(7, 1, 12, 37), () => undefined);
    return flush().then(() => {
      const full = disk.read('stations/7.log')!;
      fc.assert(
        fc.property(fc.nat({ max: full.length }), fc.uint8Array({ maxLength: 40 }), (cut, tail) => {
          const d = new MemoryDisk();
          // a torn write: a prefix, then whatever the disk held past it (zeros or junk that is not a record)
          const junk = tail.map((x) => (x === 0xa7 || x === 0xa8 ? 0 : x));
          const bytes = new Uint8Array(cut + junk.length);
          bytes.set(full.subarray(0, cut));
          bytes.set(junk, cut);
          d.replace('stations/7.log', bytes);
          const r = GatewayStore.open(d);
          if (!r.ok) throw new Error(r.detail);
          const h = held(r.store, 7);
          expect(h).toEqual(Array.from({ length: h.length }, (_, i) => i + 1));
          expect(h.length).toBe(Math.floor(cut / (16 + 37)));
        }),
        { numRuns: 300 },
      );
    });
  });
});
