// `warden trace` as a quality engineer runs it: the real bin in a child process, on the test line's folder.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceInput } from '../src/trace/input';
import { buildModel } from '../src/trace/model';
import { orderSummaries } from '../src/trace/report';
import { smallLine } from './trace/small-line';

const ROOT = join(__dirname, '..', '..');

function warden(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = smallLine().dir;
});

describe('warden trace', () => {
  it('where-used: the boards, work orders and stations that used a lot (case-blind), as JSON when piped', () => {
    // The lot of station 2's first reel on S2.F.1, and the boards the full export says used it.
    const r0 = readTraceInput(dir);
    if (!r0.ok) throw new Error(r0.detail);
    const model = buildModel(r0.input);
    const u = model.usage.find((x) => x.station === 2 && x.position === 'S2.F.1')!;
    const used = new Set(model.boards.filter((b) => b.slots.some((x) => x.lot === u.lot)).map((b) => b.unitId));
    expect(used.size).toBeGreaterThan(50);
    const r = warden(['trace', 'where-used', '--in', dir, '--lot', u.lot.toLowerCase()]);
    expect(r.status).toBe(0);
    const w = JSON.parse(r.stdout) as { boards: number; workOrders: { workOrder: string; boards: number }[]; stations: { station: number }[]; hits: { position: string; refdes: string[]; unitId: string }[]; problems: unknown[] };
    expect(w.boards).toBe(used.size);
    expect(new Set(w.hits.map((h) => h.unitId))).toEqual(used);
    expect(w.stations).toEqual([{ station: 2, boards: used.size }]);
    expect(w.workOrders).toEqual([{ workOrder: 'WO-2026-4011', boards: used.size }]);
    expect(new Set(w.hits.map((h) => h.position))).toEqual(new Set(['S2.F.1']));
    expect(w.hits[0]!.refdes.length).toBeGreaterThan(0);
    expect(w.problems).toEqual([]);
    const none = JSON.parse(warden(['trace', 'where-used', '--in', dir, '--lot', 'NO-SUCH-LOT']).stdout) as { boards: number };
    expect(none.boards).toBe(0);
  });

  it('board: what a board was built from at every station, and BOARD_NOT_FOUND (exit 1) for an unknown id', () => {
    const r = warden(['trace', 'board', '--in', dir, 'PCB-000120', '--json']);
    expect(r.status).toBe(0);
    const b = JSON.parse(r.stdout) as { stations: { station: number; complete: boolean; slots: { refdes: string[]; lot: string; reelId: string; source: string; dateCode: string; manufacturer: string }[] }[] };
    expect(b.stations.map((s) => [s.station, s.complete, s.slots.length])).toEqual([[1, true, 6], [2, true, 6], [3, true, 6]]);
    // Each scanned reel's date code as its label carried it (9D or 10D), and a maker, for a recall by date code.
    const truth = new Map(smallLine().run.stations.flatMap((st) => [...st.dateCodes]));
    for (const x of b.stations.flatMap((s) => s.slots).filter((x) => x.source === 'scanned')) {
      expect(x.dateCode).toBe(truth.get(x.reelId)!.dateCode);
      expect(x.manufacturer).not.toBe('');
    }
    const miss = warden(['trace', 'board', '--in', dir, 'PCB-999999']);
    expect(miss.status).toBe(1);
    expect(miss.stderr).toMatch(/^warden: BOARD_NOT_FOUND \(711\): no journal holds board PCB-999999/);
  });

  it('export --format cfx and report: files written, the summary says what was written', () => {
    const out = mkdtempSync(join(tmpdir(), 'warden-cli-'));
    const e = warden(['trace', 'export', '--in', dir, '--format', 'cfx', '--out', join(out, 'cfx')]);
    expect(e.status).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ format: 'cfx', boards: 901, files: [{ file: 'cfx-station-1.jsonl' }, { file: 'cfx-station-2.jsonl' }, { file: 'cfx-station-3.jsonl' }] });
    const rep = warden(['trace', 'report', '--in', dir, '--out', join(out, 'report.html')]);
    expect(rep.status).toBe(0);
    expect(JSON.parse(rep.stdout)).toMatchObject({ workOrders: ['WO-2026-4011'] });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    // Self-contained: nothing to fetch.
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/i);
    expect((html.match(/<svg class="timeline"/g) ?? []).length).toBeGreaterThan(2);
  });

  it('report: stops by reason count a stop under every reason it had, as the simulator does: the wrong reel shows WRONG_PART', () => {
    const out = mkdtempSync(join(tmpdir(), 'warden-cli-wrong-reel-'));
    const sim = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), 'sim', '--scenario', 'wrong-reel', '--out', join(out, 'run'), '--json'], { encoding: 'utf8', timeout: 120_000 });
    expect(sim.status).toBe(0);
    const summary = JSON.parse(sim.stdout) as { stops: { total: number; byReason: { reason: string; stops: number }[] } };
    expect(summary.stops.byReason.map((r) => r.reason)).toContain('WRONG_PART');
    const rep = warden(['trace', 'report', '--in', join(out, 'run'), '--out', join(out, 'report.html')]);
    expect(rep.status).toBe(0);
    const input = readTraceInput(join(out, 'run'));
    if (!input.ok) throw new Error(input.detail);
    const [order] = orderSummaries(buildModel(input.input));
    // The same stops as the simulator saw on the line, reason by reason, and in all.
    const counted = Object.fromEntries(order!.stops.filter((r) => r.stops > 0).map((r) => [r.reason, r.stops]));
    expect(counted).toEqual(Object.fromEntries(summary.stops.byReason.map((r) => [r.reason, r.stops])));
    expect(order!.stopsTotal.stops).toBe(summary.stops.total);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const wrong = summary.stops.byReason.find((r) => r.reason === 'WRONG_PART')!.stops;
    expect(html).toMatch(new RegExp(`<tr><td>WRONG_PART</td><td>${wrong}</td><td>\\d+:\\d\\d</td></tr>`));
    expect(html).toContain(`${summary.stops.total} stops`);
    expect(html).toContain('One stop may appear under several reasons');
  });

  it('reports damage on stderr with file and offset, and --strict makes it exit 1', () => {
    const copy = mkdtempSync(join(tmpdir(), 'warden-cli-damaged-'));
    cpSync(dir, copy, { recursive: true });
    const f = join(copy, 'stations', '1', 'journal.bin');
    const img = readFileSync(f);
    writeFileSync(f, img.subarray(0, 10_000));
    const r = warden(['trace', 'where-used', '--in', copy, '--lot', 'LOTA1A1', '--strict', '--json']);
    expect(r.status).toBe(1);
    const w = JSON.parse(r.stdout) as { problems: { reason: string; code: number; file: string; offset?: number }[] };
    expect(w.problems).toContainEqual(expect.objectContaining({ reason: 'DUMP_TRUNCATED', code: 708, file: 'stations/1/journal.bin', offset: 10_000 }));
    const e = warden(['trace', 'export', '--in', copy, '--out', join(copy, 'out')]);
    expect(e.status).toBe(0);
    expect(readFileSync(join(copy, 'out', 'damage.csv'), 'utf8')).toMatch(/DUMP_TRUNCATED,stations\/1\/journal\.bin,1,10000/);
  });

  it('says what to do next when --in is missing or not a trace folder', () => {
    expect(warden(['trace', 'where-used', '--lot', 'X']).stderr).toMatch(/BAD_ARGUMENT \(700\): --in DIR is required: a simulator --out folder/);
    expect(warden(['trace', 'board', 'X', '--in', tmpdir()]).stderr).toMatch(/BAD_ARGUMENT \(700\): .* holds no stations\/<id>\/journal\.bin/);
    expect(warden(['trace', 'export', '--in', dir, '--format', 'xml', '--out', '/tmp/x']).stderr).toMatch(/--format xml: csv, json or cfx/);
  });
});
