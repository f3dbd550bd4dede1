// The Moddable adapter, driven through stand-ins for the two device APIs (backed by the simulated flash, so the
// journal runs on top of it unchanged). The real modules exist only on a device.
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

/** Like the older `flash` module: read returns a new ArrayBuffer, write takes one. */
function legacy(sim: SimFlash): LegacyFlash {
  return {
    read(offset, byteLength) {
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
    byteLength: geo.sectorSize * geo.sectorCount,
    blockSize: geo.sectorSize,
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
