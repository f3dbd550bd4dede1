// The Moddable adapter, driven through stand-ins for the two device APIs (backed by the simulated flash, so the
// journal runs on top of it unchanged). The real modules exist only on a device.
import fc from 'fast-check';
import { Journal } from '../../storage/journal';
import { flashFromLegacy, flashFromPartition, type Ecma419Partition, type LegacyFlash } from '../../platform/moddable/flash';
import { SimFlash } from '../../platform/sim/flash';
import { bytes } from './harness';

const geo = { sectorSize: 512, sectorCount: 4, wordSize: 4 };

/** Like embedded:storage/flash: throws on failure, reads into the caller's buffer. */
function partition(sim: SimFlash): Ecma419Partition {
  const check = (r: { ok: boolean }) => {
    if (!r.ok) throw new Error('device error');
  };
  return {
    read: (buffer, byteOffset) => check(sim.read(byteOffset, buffer, 0, buffer.length)),
    write: (buffer, byteOffset) => check(sim.program(byteOffset, buffer, 0, buffer.length)),
    eraseBlock: (block) => check(sim.erase(block)),
    status: () => ({ size: geo.sectorSize * geo.sectorCount, blockLength: geo.sectorSize }),
  };
}

/**
 * Like the older `flash` module: every read returns a new ArrayBuffer (modules/files/flash/esp32/flash.c), write
 * takes one. Counts the reads.
 */
function legacy(sim: SimFlash): LegacyFlash & { reads: number } {
  const { sectorSize, sectorCount } = sim.geometry;
  return {
    reads: 0,
    read(offset, byteLength) {
      this.reads++;
      const b = new Uint8Array(byteLength);
      if (!sim.read(offset, b, 0, byteLength).ok) throw new Error('device error');
      return b.buffer;
    },
    write(offset, byteLength, buffer) {
      if (!sim.program(offset, new Uint8Array(buffer, 0, byteLength), 0, byteLength).ok) throw new Error('device error');
    },
    erase(sector) {
      if (!sim.erase(sector).ok) throw new Error('device error');
    },
    byteLength: sectorSize * sectorCount,
    blockSize: sectorSize,
  };
}

describe.each([
  ['ECMA-419 partition', (s: SimFlash) => flashFromPartition(partition(s))],
  ['legacy flash module', (s: SimFlash) => flashFromLegacy(legacy(s))],
])('Moddable adapter over the %s', (_name, adapt) => {
  it('derives the geometry and carries a journal across a reboot', () => {
    const sim = new SimFlash(geo);
    const flash = adapt(sim);
    expect(flash.geometry).toEqual(geo);
    const m = Journal.mount(flash, { sectorCount: 4, maxPayload: 64 });
    if (!m.ok) throw new Error(m.reason);
    for (let i = 0; i < 40; i++) {
      expect(m.journal.append(1, i, bytes(30, i))).toEqual({ ok: true, seq: i + 1 });
      if (i % 8 === 7) m.journal.ack(i + 1);
    }
    const again = Journal.mount(adapt(sim), { sectorCount: 4, maxPayload: 64 });
    expect(again.ok && again.journal.status()).toMatchObject({ nextSequence: 41, ackedSequence: 40 });
  });

  it('turns device exceptions and bad arguments into typed results', () => {
    const sim = new SimFlash(geo);
    const flash = adapt(sim);
    sim.cutAtStep(0);
    expect(flash.erase(0)).toMatchObject({ ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'device error' });
    expect(flash.read(0, new Uint8Array(4), 0, 4)).toMatchObject({ ok: false, reason: 'FLASH_READ_FAILED' });
    sim.reboot();
    expect(flash.program(2, new Uint8Array(4), 0, 4)).toMatchObject({ ok: false, reason: 'FLASH_WRITE_FAILED' });
    expect(flash.erase(9)).toMatchObject({ ok: false, reason: 'FLASH_WRITE_FAILED' });
    expect(flash.read(2047, new Uint8Array(4), 0, 4)).toMatchObject({ ok: false, reason: 'FLASH_READ_FAILED' });
  });
});

describe('the older flash API read path', () => {
  it('mounts a full 1 MiB journal with one device read per sector, not one per field (was about 72,000)', () => {
    const geo1m = { sectorSize: 4096, sectorCount: 256, wordSize: 4 };
    const sim = new SimFlash(geo1m);
    const dev = legacy(sim);
    const reads = () => dev.reads;
    const j = Journal.mount(flashFromLegacy(dev), { sectorCount: 256 });
    if (!j.ok) throw new Error(j.reason);
    let n = 0;
    while (j.journal.append(0x40, n, bytes(41, n)).ok) n++;
    expect(n).toBeGreaterThan(14_000);
    const before = reads();
    const again = Journal.mount(flashFromLegacy(dev), { sectorCount: 256 });
    if (!again.ok) throw new Error(again.reason);
    expect(again.journal.status().pendingRecords).toBe(n);
    const mountReads = reads() - before;
    expect(mountReads).toBeLessThan(256 + 32); // the header and ack field of each sector, then the newest sector
    // A full check of every record: one device read per kibibyte, through the adapter's one window.
    const v = again.journal.verify();
    expect(v).toMatchObject({ lostRecords: 0 });
    expect(reads() - before - mountReads).toBeLessThanOrEqual((256 * 4096) / 1024);
  });

  it('reads what was programmed and erased since, through its window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('read' as const), at: fc.nat({ max: 2040 }), n: fc.integer({ min: 1, max: 8 }) }),
            fc.record({ op: fc.constant('program' as const), word: fc.nat({ max: 511 }), v: fc.nat({ max: 0xffffffff }) }),
            fc.record({ op: fc.constant('erase' as const), sector: fc.nat({ max: 3 }) }),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          const sim = new SimFlash(geo);
          const flash = flashFromLegacy(legacy(sim));
          for (const o of ops) {
            if (o.op === 'read') {
              const a = new Uint8Array(o.n);
              const b = new Uint8Array(o.n);
              expect(flash.read(o.at, a, 0, o.n).ok).toBe(true);
              expect(sim.read(o.at, b, 0, o.n).ok).toBe(true);
              expect(Array.from(a)).toEqual(Array.from(b));
            } else if (o.op === 'program') {
              const w = Uint8Array.of(o.v & 0xff, (o.v >>> 8) & 0xff, (o.v >>> 16) & 0xff, o.v >>> 24);
              expect(flash.program(o.word * 4, w, 0, 4).ok).toBe(true);
            } else {
              expect(flash.erase(o.sector).ok).toBe(true);
            }
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
