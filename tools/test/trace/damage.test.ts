// Bad input: a truncated dump, flipped bits in committed records, a torn tail, a host copy that disagrees, a
// missing sector. Each is read up to the damage, reported with its offset and the records lost, never skipped
// silently; the input bytes are never changed.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readJournalImage } from '../../src/trace/journal-image';
import { readTraceInput } from '../../src/trace/input';
import { buildModel } from '../../src/trace/model';
import { smallLine } from './small-line';

const G = { sectorSize: 4096, wordSize: 4, partitionBytes: 16 * 1024 };

function copyLine(): string {
  const to = mkdtempSync(join(tmpdir(), 'warden-damaged-'));
  cpSync(smallLine().dir, to, { recursive: true });
  return to;
}

const image = (dir: string, id: number) => new Uint8Array(readFileSync(join(dir, 'stations', String(id), 'journal.bin')));

describe('damaged journal dumps', () => {
  it('a clean image reads whole, and reading never changes the bytes', () => {
    const img = image(smallLine().dir, 1);
    const before = img.slice();
    const r = readJournalImage(img, G);
    expect(r.damage).toEqual([]);
    expect(r.entries.length).toBeGreaterThan(100);
    expect(img).toEqual(before);
  });

  it('a truncated dump is read up to its end and reported with the offset where it ends', () => {
    const img = image(smallLine().dir, 1);
    const full = readJournalImage(img, G);
    const cut = 3 * 4096 + 1000;
    const r = readJournalImage(img.subarray(0, cut), G);
    const t = r.damage.find((d) => d.reason === 'DUMP_TRUNCATED');
    expect(t).toMatchObject({ offset: cut });
    // What it holds is part of what the whole image holds, record for record (the ring's order is not the seq order).
    expect(r.entries.length).toBeLessThan(full.entries.length);
    const byseq = new Map(full.entries.map((e) => [e.seq, e.message.type] as const));
    for (const e of r.entries) expect(byseq.get(e.seq)).toBe(e.message.type);
  });

  it('a flipped bit in a committed record loses that record only, named by number and offset (any bit, anywhere)', () => {
    const img = image(smallLine().dir, 2);
    const full = readJournalImage(img, G);
    const used = Math.max(...[0, 1, 2, 3].map((s) => { let e = (s + 1) * 4096; while (e > s * 4096 && img[e - 1] === 0xff) e--; return e; }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: used - 1 }), fc.nat({ max: 7 }), (offset, bit) => {
        const bad = img.slice();
        bad[offset] = bad[offset]! ^ (1 << bit);
        const r = readJournalImage(bad, G);
        const lost = r.damage.filter((d) => d.lost !== undefined);
        const got = new Set(r.entries.map((e) => e.seq));
        const missing = full.entries.filter((e) => !got.has(e.seq)).map((e) => e.seq);
        // Every record that is not returned is reported lost, with where the damaged bytes are.
        for (const s of missing) expect(lost.some((d) => d.lost!.from <= s && d.lost!.to >= s)).toBe(true);
        for (const d of lost) expect(d.offset).toBeGreaterThanOrEqual(0);
        // What is returned is exactly what was written.
        const byseq = new Map(full.entries.map((e) => [e.seq, e] as const));
        for (const e of r.entries) {
          const want = byseq.get(e.seq);
          if (want !== undefined) expect(e.message.type).toBe(want.message.type);
        }
        // A flip in a record's bytes loses at most that record (never silently, never more than the damage).
        if (lost.length > 0) expect(missing.length).toBeLessThanOrEqual(Math.max(1, ...lost.map((d) => d.lost!.to - d.lost!.from + 1)));
      }),
      { numRuns: 150 },
    );
  });

  function flipBoard(dir: string, pick: (seqs: number[], hostLast: number) => number): { seq: number; offset: number } {
    const file = join(dir, 'stations', '3', 'journal.bin');
    const img = new Uint8Array(readFileSync(file));
    const r0 = readJournalImage(img, G);
    const hostLast = Math.max(...readFileSync(join(dir, 'host', 'records-3.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq));
    const target = { seq: pick(r0.entries.filter((e) => e.message.type === 'BoardTrace').map((e) => e.seq), hostLast) };
    let flipped = -1;
    for (let at = 0; at < img.length - 40 && flipped < 0; at += 4) {
      // entry header: magic 0xE5, kind 1, then the sequence number at bytes 4..7
      if (img[at] === 0xe5 && img[at + 1] === 1 && (img[at + 4]! | (img[at + 5]! << 8) | (img[at + 6]! << 16) | (img[at + 7]! << 24)) === target.seq) flipped = at + 24;
    }
    expect(flipped).toBeGreaterThan(0);
    img[flipped] = img[flipped]! ^ 0x10;
    writeFileSync(file, img);
    return { seq: target.seq, offset: flipped - 24 };
  }

  it('through the CLI path: damage shows in the trace with its file, offset and lost range; the boards around it stay', () => {
    const dir = copyLine();
    // The host's last collection did not happen: the last hour of boards is only on the flash.
    const host = join(dir, 'host', 'records-3.jsonl');
    const kept = readFileSync(host, 'utf8').trim().split('\n');
    writeFileSync(host, `${kept.slice(0, kept.length - 70).join('\n')}\n`);
    const target = flipBoard(dir, (seqs, hostLast) => seqs.find((s) => s > hostLast + 5)!);
    const r = readTraceInput(dir);
    if (!r.ok) throw new Error(r.detail);
    const p = r.input.problems.find((x) => x.reason === 'JOURNAL_CORRUPT')!;
    expect(p).toMatchObject({ file: 'stations/3/journal.bin', station: 3, lost: { from: target.seq, to: target.seq } });
    expect(p.offset).toBe(target.offset);
    const m = buildModel(r.input);
    const s3 = m.boards.filter((b) => b.station === 3);
    expect(s3.length).toBe(299);
    // Boards after the loss in the same order are marked: their trace may miss what the lost record said.
    expect(s3.filter((b) => b.seq > target.seq).every((b) => b.uncertain?.from === target.seq)).toBe(true);
    expect(s3.filter((b) => b.seq < target.seq).every((b) => b.uncertain === undefined)).toBe(true);
  });

  it('a record damaged on flash that the host had collected is recovered from the host copy, and the damage still reported', () => {
    const dir = copyLine();
    const target = flipBoard(dir, (seqs, hostLast) => seqs.filter((s) => s < hostLast).at(-1)!);
    const r = readTraceInput(dir);
    if (!r.ok) throw new Error(r.detail);
    const p = r.input.problems.find((x) => x.reason === 'JOURNAL_CORRUPT')!;
    expect(p).toMatchObject({ station: 3, offset: target.offset });
    expect(p.lost).toBeUndefined();
    expect(p.detail).toMatch(/recovered from the host's records/);
    expect(r.input.stations[2]!.entries.some((e) => e.seq === target.seq)).toBe(true);
    expect(buildModel(r.input).boards.filter((b) => b.station === 3).length).toBe(300);
  });

  it('a host record that disagrees with the journal is reported (with --check-host), the journal wins', () => {
    const dir = copyLine();
    const file = join(dir, 'host', 'records-1.jsonl');
    const r0 = readTraceInput(dir);
    if (!r0.ok) throw new Error(r0.detail);
    const inImage = r0.input.stations[0]!.entries.at(-1)!.seq;
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const i = lines.findIndex((l) => (JSON.parse(l) as { seq: number; type: string }).seq > inImage - 50 && (JSON.parse(l) as { type: string }).type === 'BoardTrace');
    expect(i).toBeGreaterThanOrEqual(0);
    const rec = JSON.parse(lines[i]!) as { seq: number; body: { unitIdentifier: string } };
    rec.body.unitIdentifier = 'FORGED-1';
    lines[i] = JSON.stringify(rec);
    lines.push('{"seq":"x"}', 'not json');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const plain = readTraceInput(dir);
    const checked = readTraceInput(dir, { checkHost: true });
    if (!plain.ok || !checked.ok) throw new Error('no input');
    expect(plain.input.problems.filter((p) => p.reason === 'HOST_RECORD_CONFLICT')).toEqual([]);
    expect(checked.input.problems.filter((p) => p.reason === 'HOST_RECORD_CONFLICT')).toEqual([expect.objectContaining({ station: 1, lost: { from: rec.seq, to: rec.seq } })]);
    expect(checked.input.problems.filter((p) => p.file === 'host/records-1.jsonl' && p.line !== undefined).map((p) => [p.reason, p.line])).toEqual([
      ['DOCUMENT_FIELD_INVALID', lines.length - 1],
      ['BAD_DOCUMENT', lines.length],
    ]);
    expect(buildModel(checked.input).boards.some((b) => b.unitId === 'FORGED-1')).toBe(false);
  });

  it('a host record time is read strictly: an ISO time with its zone is taken, an impossible date is reported, never moved', () => {
    const dir = copyLine();
    const file = join(dir, 'host', 'records-2.jsonl');
    const r0 = readTraceInput(dir);
    if (!r0.ok) throw new Error(r0.detail);
    // The oldest records: acknowledged and reclaimed on the station, so only the host's file holds them.
    const st = r0.input.stations[1]!;
    expect(st.fromHost).toBeGreaterThan(3);
    const onlyHost = st.entries.slice(0, 3);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const at = (seq: number) => lines.findIndex((l) => (JSON.parse(l) as { seq: number }).seq === seq);
    const [a, b, c] = onlyHost.map((e) => at(e.seq));
    expect([a, b, c].every((i) => i !== undefined && i >= 0)).toBe(true);
    const edit = (i: number, v: unknown) => (lines[i] = JSON.stringify({ ...(JSON.parse(lines[i]!) as object), at: v }));
    const t = onlyHost[0]!.at;
    edit(a!, new Date(t).toISOString().replace('Z', '+00:00'));
    edit(b!, '2026-02-30T08:00:00Z');
    edit(c!, '2026-12-01T08:00:00');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = readTraceInput(dir);
    if (!r.ok) throw new Error(r.detail);
    expect(r.input.stations[1]!.entries.find((e) => e.seq === onlyHost[0]!.seq)?.at).toBe(t);
    const bad = r.input.problems.filter((p) => p.file === 'host/records-2.jsonl' && p.reason === 'DOCUMENT_FIELD_INVALID');
    expect(bad.map((p) => p.line)).toEqual([b! + 1, c! + 1]);
    expect(bad[0]!.detail).toMatch(/^at: 2026-02-30T08:00:00Z: February 2026 has no day 30/);
    expect(bad[1]!.detail).toMatch(/^at: an ISO-8601 time with a zone/);
    expect(r.input.stations[1]!.entries.some((e) => e.seq === onlyHost[1]!.seq || e.seq === onlyHost[2]!.seq)).toBe(false);
  });

  it('records neither the image nor the host holds are reported as a gap with their numbers', () => {
    const dir = copyLine();
    writeFileSync(join(dir, 'host', 'records-2.jsonl'), '');
    const r = readTraceInput(dir);
    if (!r.ok) throw new Error(r.detail);
    const gap = r.input.problems.find((p) => p.station === 2 && p.reason === 'JOURNAL_SEQ_UNKNOWN');
    const first = r.input.stations[1]!.entries[0]!.seq;
    expect(gap).toMatchObject({ lost: { from: 1, to: first - 1 } });
    expect(gap!.detail).toMatch(/acknowledged and reclaimed/);
  });

  it('an input folder without stations is refused with what to do next', () => {
    const r = readTraceInput(mkdtempSync(join(tmpdir(), 'warden-empty-')));
    expect(r).toMatchObject({ ok: false, reason: 'BAD_ARGUMENT' });
    expect(readTraceInput('/no/such/dir')).toMatchObject({ ok: false, reason: 'IO_ERROR' });
  });
});
