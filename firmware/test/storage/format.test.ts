// What a mount does with a partition that is not a current journal or store: an older on-flash format, flash
// encryption, foreign data, destroyed headers: a typed refusal with nothing written, never a misreading; and the
// deliberate way out, format(), which keeps the host's numbering going.
import { crc32 } from '../../../protocol/src/crc32';
import { FLASH_MODELS, SimFlash } from '../../platform/sim/flash';
import { Journal, type JournalOptions } from '../../storage/journal';
import { StateStore, type StoreOptions } from '../../storage/store';
import { FORMAT_VERSION } from '../../storage/log';
import { bytes } from './harness';

const T0 = 1_767_225_600_000;
const geo = { sectorSize: 512, sectorCount: 8, wordSize: 4 };
const jopts: JournalOptions = { sectorCount: 4, maxPayload: 64 };
const sopts: StoreOptions = { firstSector: 4, sectorCount: 4, maxKeys: 6, maxValueBytes: 160 };

function le(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

function program(f: SimFlash, at: number, b: number[]): void {
  const padded = [...b, ...new Array<number>((4 - (b.length % 4)) % 4).fill(0xff)];
  expect(f.program(at, Uint8Array.from(padded), 0, padded.length).ok).toBe(true);
}

/** A format-1 region (header copies, then entries), as the firmware before format 2 wrote it. */
function writeV1(f: SimFlash, base: number, magic: number, entries: { kind: number; a: number; payload: number[] }[]): void {
  const header = [...le(magic), ...le(1), ...le(1), ...le(0)];
  const copy = [...header, ...le(crc32(Uint8Array.from(header)))];
  program(f, base, copy);
  program(f, base + 20, copy);
  let at = base + 40;
  for (const e of entries) {
    const h = [0xe5, e.kind, e.payload.length & 0xff, e.payload.length >>> 8, ...le(e.a), ...le(0), ...le(0)];
    const hh = [...h, ...le(crc32(Uint8Array.from(h)))];
    const body = [...hh, ...e.payload];
    while (body.length % 4 !== 0) body.push(0xff);
    const all = [...body, ...le(crc32(Uint8Array.from([...hh, ...e.payload]))), 0xc3, 0xa5, 0x5a, 0x3c];
    program(f, at, all);
    at += all.length;
  }
}

const image = (f: SimFlash) => Array.from(f.image());

describe('on-flash format version', () => {
  it(`is ${FORMAT_VERSION}: a format-1 journal or store is refused (STORAGE_FORMAT_OLD), never read as format 2, and left untouched`, () => {
    const f = new SimFlash(geo);
    writeV1(f, 0, 0x314a5757, [1, 2, 3].map((a) => ({ kind: 1, a, payload: [1, 2, 3] })));
    writeV1(f, 4 * 512, 0x31535757, [{ kind: 3, a: 0, payload: [9, 9] }]);
    const before = image(f);
    expect(Journal.mount(f, jopts)).toMatchObject({ ok: false, reason: 'STORAGE_FORMAT_OLD' });
    expect(StateStore.mount(f, sopts)).toMatchObject({ ok: false, reason: 'STORAGE_FORMAT_OLD' });
    expect(image(f)).toEqual(before);
  });

  it('format() is the way out: an empty journal numbered on from where the host left off, and an empty store', () => {
    const f = new SimFlash(geo);
    writeV1(f, 0, 0x314a5757, [{ kind: 1, a: 1, payload: [] }]);
    writeV1(f, 4 * 512, 0x31535757, []);
    expect(Journal.format(f, jopts, 0)).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    const j = Journal.format(f, jopts, 5001);
    if (!j.ok) throw new Error(j.reason);
    expect(j.journal.status()).toMatchObject({ nextSequence: 5001, ackedSequence: 5000, pendingRecords: 0 });
    expect(j.journal.append(1, T0, bytes(9, 1))).toEqual({ ok: true, seq: 5001 });
    const s = StateStore.format(f, sopts);
    if (!s.ok) throw new Error(s.reason);
    expect(s.store.set(2, bytes(7, 2)).ok).toBe(true);
    const again = Journal.mount(f, jopts);
    if (!again.ok) throw new Error(again.reason);
    expect(again.report.reasons).toEqual([]);
    expect(again.journal.status()).toMatchObject({ nextSequence: 5002, pendingRecords: 1 });
    const st = StateStore.mount(f, sopts);
    expect(st.ok && st.report.reasons).toEqual([]);
    expect(st.ok && st.store.get(2)).toEqual({ ok: true, value: bytes(7, 2) });
  });

  it('a cut format leaves the old journal, the new one, or a refusal: never one that hands out a number again', () => {
    for (const { options } of FLASH_MODELS) {
      const base = new SimFlash({ ...geo, ...options, seed: 4 });
      const m = Journal.mount(base, jopts);
      if (!m.ok) throw new Error(m.reason);
      for (let i = 0; i < 25; i++) m.journal.append(1, T0 + i, bytes(30, i));
      const probe = base.clone(1);
      const s0 = probe.steps;
      expect(Journal.format(probe, jopts, 900).ok).toBe(true);
      for (let k = 0; k < probe.steps - s0; k++) {
        const f = base.clone(k + 10);
        f.cutAtStep(f.steps + k);
        expect(Journal.format(f, jopts, 900).ok).toBe(false);
        f.reboot();
        const r = Journal.mount(f, jopts);
        // The old journal (its newest sector goes last, so numbering never goes back), the new one, or a refusal:
        // never a journal that would hand out a number again.
        if (!r.ok) expect(r.reason).toBe('JOURNAL_CORRUPT');
        else if (r.journal.status().nextSequence !== 900) expect(r.journal.status().nextSequence).toBe(26);
        else expect(r.journal.status()).toMatchObject({ nextSequence: 900, pendingRecords: 0 });
      }
    }
  });
});

describe('flash encryption (erased flash reads as noise through decryption)', () => {
  it('a blank encrypted partition is refused with FLASH_ENCRYPTED, before anything is written', () => {
    const f = new SimFlash({ ...geo, encrypted: true });
    const before = image(f);
    expect(Journal.mount(f, jopts)).toMatchObject({ ok: false, reason: 'FLASH_ENCRYPTED' });
    expect(StateStore.mount(f, sopts)).toMatchObject({ ok: false, reason: 'FLASH_ENCRYPTED' });
    expect(image(f)).toEqual(before);
  });

  it('format() refuses too: the first erase does not read back as erased', () => {
    const f = new SimFlash({ ...geo, encrypted: true });
    expect(Journal.format(f, jopts)).toMatchObject({ ok: false, reason: 'FLASH_ENCRYPTED' });
    expect(StateStore.format(f, sopts)).toMatchObject({ ok: false, reason: 'FLASH_ENCRYPTED' });
  });
});

describe('a partition that holds something else', () => {
  it('foreign data is refused (STORAGE_UNRECOGNISED) and left untouched', () => {
    const f = new SimFlash(geo);
    const text = new TextEncoder().encode('ssid=line-7\npsk=hunter2\nbroker=mes.local:5672\n'.repeat(12));
    for (let at = 0; at + 512 <= f.geometry.sectorSize * f.geometry.sectorCount; at += 512) {
      expect(f.program(at, text, 0, 512).ok).toBe(true);
    }
    const before = image(f);
    expect(Journal.mount(f, jopts)).toMatchObject({ ok: false, reason: 'STORAGE_UNRECOGNISED' });
    expect(StateStore.mount(f, sopts)).toMatchObject({ ok: false, reason: 'STORAGE_UNRECOGNISED' });
    expect(image(f)).toEqual(before);
  });

  it('a journal whose every sector header is destroyed is refused (JOURNAL_CORRUPT), not started over at 1', () => {
    const f = new SimFlash(geo);
    const m = Journal.mount(f, jopts);
    if (!m.ok) throw new Error(m.reason);
    for (let i = 0; i < 30; i++) m.journal.append(1, T0 + i, bytes(30, i));
    for (let s = 0; s < 4; s++) expect(f.program(s * 512, new Uint8Array(40), 0, 40).ok).toBe(true);
    const before = image(f);
    expect(Journal.mount(f, jopts)).toMatchObject({ ok: false, reason: 'JOURNAL_CORRUPT' });
    expect(image(f)).toEqual(before);
  });

  it('a blank partition, or one whose very first sector open a cut interrupted, mounts as an empty journal', () => {
    for (const { options } of FLASH_MODELS) {
      const clean = new SimFlash({ ...geo, ...options });
      const probe = clean.clone(1);
      const pj = Journal.mount(probe, jopts);
      if (!pj.ok) throw new Error(pj.reason);
      const s0 = probe.steps;
      pj.journal.append(1, T0, bytes(5, 1));
      for (let k = 0; k < probe.steps - s0; k++) {
        const f = new SimFlash({ ...geo, ...options, seed: k + 1 });
        const j = Journal.mount(f, jopts);
        if (!j.ok) throw new Error(j.reason);
        f.cutAtStep(f.steps + k);
        expect(j.journal.append(1, T0, bytes(5, 1)).ok).toBe(false);
        f.reboot();
        const r = Journal.mount(f, jopts);
        if (!r.ok) throw new Error(`cut ${k}: ${r.reason}`);
        expect(r.report.reasons).not.toContain('JOURNAL_CORRUPT');
        expect(r.journal.status().nextSequence).toBeLessThanOrEqual(2);
        expect(r.journal.append(1, T0, bytes(5, 2)).ok).toBe(true);
      }
    }
  });
});
