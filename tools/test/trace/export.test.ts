// The trace export on a fixed-seed line of real stations: golden files (UPDATE_GOLDEN=1 rewrites them), and what
// an OEM, a quality engineer and an auditor rely on, checked against what the test line did.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readTraceInput, type TraceInput } from '../../src/trace/input';
import { buildModel, type TraceModel } from '../../src/trace/model';
import { writeExport } from '../../src/trace/export';
import { reconcile, tables, usageOf } from '../../src/trace/tables';
import { smallLine } from './small-line';

const GOLDEN = join(__dirname, 'golden');

function golden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

let input: TraceInput;
let model: TraceModel;
let out: string;

beforeAll(() => {
  const { dir } = smallLine();
  const r = readTraceInput(dir);
  if (!r.ok) throw new Error(r.detail);
  input = r.input;
  model = buildModel(input);
  out = mkdtempSync(join(tmpdir(), 'warden-export-'));
});

const csv = (file: string): Record<string, string>[] => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

describe('warden trace export on a fixed-seed line', () => {
  it('reads every station whole: the journal image and, for what the station reclaimed, the host records', () => {
    expect(input.problems).toEqual([]);
    for (const s of input.stations) {
      expect(s.fromHost).toBeGreaterThan(0);
      expect(s.entries.map((e) => e.seq)).toEqual(s.entries.map((_, i) => i + 1));
    }
  });

  it('golden CSV files: material usage, reconciliation, reel histories, interlocks, first-off, work-order basis', () => {
    const s = writeExport(input, model, 'csv', join(out, 'csv'));
    expect(s.files.map((f) => f.file)).toEqual(['boards.csv', 'material-usage.csv', 'reconciliation.csv', 'reel-histories.csv', 'interlocks.csv', 'first-off.csv', 'work-orders.csv', 'damage.csv']);
    for (const f of ['material-usage.csv', 'reconciliation.csv', 'reel-histories.csv', 'interlocks.csv', 'first-off.csv', 'work-orders.csv']) golden(f, readFileSync(join(out, 'csv', f), 'utf8'));
    // The per-board file is large: its first boards and its size are golden.
    const boards = readFileSync(join(out, 'csv', 'boards.csv'), 'utf8').split('\r\n');
    golden('boards-head.csv', `${boards.slice(0, 60).join('\r\n')}\r\n`);
    expect(boards.length - 2).toBe(s.files[0]!.rows);
  });

  it('per-board trace: every placed board has a complete trace, every reference designator its reel, lot and MPN', () => {
    const rows = csv(join(out, 'csv', 'boards.csv'));
    const docs = input.docs.map((d) => d.doc);
    const refdes = new Set(docs.flatMap((d) => d.bom.lines.flatMap((l) => l.refdes)));
    const perStationBoards = new Map<string, Set<string>>();
    for (const r of rows) {
      const k = `${r['station']}`;
      const set = perStationBoards.get(k) ?? new Set<string>();
      set.add(r['unit_id']!);
      perStationBoards.set(k, set);
      if (r['permit_on'] === 'true') expect(r['complete']).toBe('true');
      expect(refdes.has(r['refdes']!)).toBe(true);
      expect(r['lot']).not.toBe('');
      expect(r['mpn']).toMatch(/^WP\d+X\d+$/);
      expect(r['work_order']).toBe(docs[0]!.workOrder.header.workOrderIdentifier);
      expect(r['bom_revision']).toBe('B');
      expect(['scanned', 'manual']).toContain(r['lot_source']);
    }
    // Every refdes of a station's BOM is on every board the station built (with the permit on).
    for (const d of docs) {
      const st = String(d.stations![0]);
      const mine = rows.filter((r) => r['station'] === st && r['unit_id'] === 'PCB-000100');
      expect(new Set(mine.map((r) => r['refdes']))).toEqual(new Set(d.bom.lines.flatMap((l) => l.refdes)));
      expect(mine.length).toBe(d.bom.lines.reduce((n, l) => n + l.refdes.length, 0));
    }
    expect(perStationBoards.get('1')!.size).toBe(300);
  });

  it('marks material entered by hand, with its date code and the customer-supplied flag, on the boards that used it', () => {
    const rows = csv(join(out, 'csv', 'boards.csv')).filter((r) => r['lot_source'] === 'manual');
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r['station']))).toEqual(new Set(['3']));
    expect(rows.every((r) => r['lot'] === 'MLOT3' && r['date_code'] === '2549' && r['reel_id']!.startsWith('MAN-3-'))).toBe(true);
  });

  it('gives every scanned reel the date code and maker its label carried (9D or EIGP-114 10D), on every board, in CSV and JSON', () => {
    const { run } = smallLine();
    const truth = new Map(run.stations.flatMap((st) => [...st.dateCodes]));
    const makers = new Map(run.stations.flatMap((st) => st.doc.workOrder.slots.map((x) => [x.position, x.approvedParts[0]!.manufacturer] as const)));
    const rows = csv(join(out, 'csv', 'boards.csv')).filter((r) => r['lot_source'] === 'scanned');
    expect(rows.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const r of rows) {
      const t = truth.get(r['reel_id']!);
      expect(t).toBeDefined();
      expect(r['date_code']).toBe(t!.dateCode);
      seen.add(t!.di);
      if (r['permission'] === 'primary') expect(r['manufacturer']).toBe(makers.get(r['position']!));
    }
    expect([...seen].sort()).toEqual(['10D', '9D']);
    writeExport(input, model, 'json', join(out, 'json-dc'));
    const doc = JSON.parse(readFileSync(join(out, 'json-dc', 'trace.json'), 'utf8')) as { boards: { slots: { reelId: string; source: string; dateCode: string }[] }[] };
    const slots = doc.boards.flatMap((b) => b.slots).filter((x) => x.source === 'scanned');
    expect(slots.length).toBeGreaterThan(0);
    for (const x of slots) expect(x.dateCode).toBe(truth.get(x.reelId)!.dateCode);
  });

  it('gives the floor life an MSD reel had left on every board built with it, falling as the day goes on', () => {
    const rows = csv(join(out, 'csv', 'boards.csv')).filter((r) => r['station'] === '1' && r['position'] === 'S1.F.4');
    expect(new Set(rows.map((r) => r['unit_id'])).size).toBe(300);
    for (const reel of new Set(rows.map((r) => r['reel_id']))) {
      // MSL 3, thick body, 24 °C / 45 %RH: the derated table gives more than the nominal 168 h.
      const left = rows.filter((r) => r['reel_id'] === reel).map((r) => Number(r['msd_floor_life_left_h']));
      expect(left.every((x) => x > 150 && x < 400)).toBe(true);
      expect(left.every((x, i) => i === 0 || x <= left[i - 1]!)).toBe(true);
      expect(left[left.length - 1]!).toBeLessThan(left[0]!);
    }
  });

  it('reconciles material against the BOM: placed = boards × quantity per board; a reel spliced out counts as used up', () => {
    for (const u of model.usage) {
      const x = usageOf(u);
      if (u.quantityPerBoard !== undefined) expect(x.placed).toBe(u.boards * u.quantityPerBoard);
      if (u.end === 'spliced-out') expect(x.consumed).toBe(u.loaded);
    }
    // A reel run empty by a splice gave all it had: more parts than its boards needed is flagged. A reel that was
    // itself spliced on has no loaded quantity in the journal (Splice carries none), so it is not counted.
    const spliced = model.usage.filter((u) => u.end === 'spliced-out');
    expect(spliced.length).toBeGreaterThan(0);
    for (const u of spliced) expect(usageOf(u).flag).toBe(u.loaded === undefined ? 'not-counted' : 'over');
    expect(spliced.some((u) => u.loaded !== undefined)).toBe(true);
    // 300 boards against a planned 150: the boards needed more than the order planned.
    const rec = reconcile(model);
    expect(rec.length).toBe(18);
    // Station 2 journaled one board more: the one the machine reported as power was cut.
    for (const r of rec) {
      expect(r.boards).toBe(r.station === 2 ? 301 : 300);
      expect(r.planned).toBe(150 * r.qtyPerBoard!);
      expect(r.placed).toBe(r.boards * r.qtyPerBoard!);
      expect(r.flags).toContain('over-plan');
    }
  });

  it('logs interlocks, overrides and first-off records; gives the work-order basis every board was built against', () => {
    const t = Object.fromEntries(tables(model).map((x) => [x.name, x]));
    const kinds = new Set(t['interlocks']!.rows.map((r) => r['kind']));
    expect([...kinds].sort()).toEqual(['override-request', 'permit']);
    expect(t['first-off']!.rows.filter((r) => r['kind'] === 'result' && r['passed'] === true).length).toBe(3);
    const basis = t['work-orders']!.rows;
    expect(basis.map((r) => [r['station'], r['work_order'], r['bom_revision'], r['program_revision'], r['boards']])).toEqual([1, 2, 3].map((s) => [s, 'WO-2026-4011', 'B', '4', s === 2 ? 301 : 300]));
  });

  it('writes one JSON document with the same figures, and the CFX messages of every station', () => {
    writeExport(input, model, 'json', join(out, 'json'));
    const doc = JSON.parse(readFileSync(join(out, 'json', 'trace.json'), 'utf8')) as { boards: unknown[]; reconciliation: unknown[]; 'material-usage': unknown[] };
    expect(doc.boards.length).toBe(model.boards.length);
    expect(doc.reconciliation).toEqual(tables(model).find((t) => t.name === 'reconciliation')!.rows);
    const c = writeExport(input, model, 'cfx', join(out, 'cfx'));
    expect(c.files.map((f) => f.file)).toEqual(['cfx-station-1.jsonl', 'cfx-station-2.jsonl', 'cfx-station-3.jsonl']);
    const names = readFileSync(join(out, 'cfx', 'cfx-station-1.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { MessageName: string }).MessageName);
    const count = (n: string) => names.filter((x) => x === n).length;
    expect(count('CFX.Production.Assembly.MaterialsInstalled')).toBe(300);
    expect(count('CFX.Materials.Storage.MaterialsLoaded')).toBeGreaterThanOrEqual(6);
    expect(count('CFX.Materials.Storage.SplicePointDetected')).toBeGreaterThan(0);
    expect(count('CFX.Materials.Management.MSDManagement.MaterialsOpened')).toBeGreaterThan(0);
    expect(count('CFX.Production.RecipeActivated')).toBe(1);
    golden('cfx-station-1-head.jsonl', `${readFileSync(join(out, 'cfx', 'cfx-station-1.jsonl'), 'utf8').split('\n').slice(0, 16).join('\n')}\n`);
  });
});
