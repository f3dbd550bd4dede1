// `warden bom import` and `warden bom diff`: the BOM exports a line gets (KiCad, Altium, plain CSV, an AVL) to
// the work-order document, every bad row named by its line, and the diff a station would give.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffDocs } from '../src/bom/diff';
import { importBom, refdesList, type HeaderOptions } from '../src/bom/import';
import { parseWorkOrderDoc, type WorkOrderDoc } from '../../host-sim/host/work-order-doc';
import { createSetup, step } from '../../firmware/core/setup';
import { readTraceInput } from '../src/trace/input';
import { buildModel } from '../src/trace/model';
import { smallLine } from './trace/small-line';
import { runLine, writeLine } from './trace/fixture';
import { setupConfig } from '../../firmware/core/setup/config';

const ROOT = join(__dirname, '..', '..');
const FIX = join(__dirname, 'fixtures', 'bom');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');
const H: HeaderOptions = { workOrder: 'WO-77', product: 'PCBA-77', bomRevision: 'A', recipeName: 'P77', recipeRevision: '1', recipeChecksum: 0x77, lane: 1, timeToReflowS: 14_400, terms: { prototype: false, plannedQuantity: 50, maxBoards: 0 }, slotPrefix: 'F' };

function ok(text: string, file: string, h: HeaderOptions = H, avl?: string) {
  const r = importBom(text, file, h, avl === undefined ? undefined : { text: read(avl), file: avl });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}

function warden(args: string[], input = '') {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('warden bom import', () => {
  it('reads a KiCad BOM: reference designators, quantities, MPN and maker; DNP rows and rows without a part are left out', () => {
    const r = ok(read('kicad.csv'), 'kicad.csv');
    expect(r.format).toBe('kicad');
    expect(r.doc.bom.lines.map((l) => [l.refdes.join(' '), l.quantityPerBoard])).toEqual([['C1 C2 C5', 3], ['C3', 1], ['R1 R2', 2], ['U1', 1]]);
    expect(r.doc.workOrder.slots.map((s) => [s.position, s.approvedParts[0]!.manufacturerPartNumber, s.msd])).toEqual([
      ['F1', 'GRM188R71C104KA01D', false],
      ['F2', 'CL21A475KAQNNNE', false],
      ['F3', 'RC0603FR-0710KL', false],
      ['F4', 'TPS548D22RVFR', true],
    ]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^line 7: TP1 has no part number/),
      expect.stringMatching(/^3 of 4 lines have no MSL: treated as not moisture-sensitive/),
      expect.stringMatching(/^no position column: slots numbered F1…F4/),
    ]);
    // What the host sends is what a station accepts.
    const cfg = setupConfig({});
    if (!cfg.ok) throw new Error(cfg.detail);
    expect(step(createSetup(cfg.config), { kind: 'work-order', order: r.doc.workOrder }, 0, { msdStatus: () => undefined }).verdict.ok).toBe(true);
    expect(parseWorkOrderDoc(JSON.parse(JSON.stringify(r.doc)))).toEqual({ ok: true, doc: r.doc });
  });

  it('reads an Altium BOM: designator ranges, second-source columns as approved alternates', () => {
    const r = ok(read('altium.csv'), 'altium.csv');
    expect(r.format).toBe('altium');
    expect(r.doc.bom.lines[1]!.refdes).toEqual(['R1', 'R2', 'R3', 'R4']);
    expect(r.doc.workOrder.slots[0]!.approvedParts).toEqual([
      { manufacturerPartNumber: 'GRM188R71C104KA01D', manufacturer: 'Murata', permission: 'primary' },
      { manufacturerPartNumber: 'CL10B104KO8NNNC', manufacturer: 'Samsung Electro-Mechanics', permission: 'alternate' },
    ]);
  });

  it('reads a plain CSV with positions, MSL, thickness class and alternates (? = needs a supervisor)', () => {
    const r = ok(read('plain.csv'), 'plain.csv');
    expect(r.doc.workOrder.slots.map((s) => s.position)).toEqual(['B1.F.3', 'B1.F.4', 'B1.F.2']);
    expect(r.doc.workOrder.slots[0]!.approvedParts[1]).toEqual({ manufacturerPartNumber: 'APTD1608LSURCK', manufacturer: 'Kingbright', permission: 'alternate-with-approval' });
    expect(r.doc.workOrder.slots[1]).toMatchObject({ msd: true, thicknessClass: 'thick' });
    expect(r.doc.workOrder.slots[2]!.approvedParts.length).toBe(3);
  });

  it('adds an AVL: alternates for the BOM part they name (by IPN or primary MPN)', () => {
    const r = ok(read('kicad.csv'), 'kicad.csv', H, 'avl.csv');
    expect(r.doc.workOrder.slots[2]!.approvedParts.map((p) => [p.manufacturerPartNumber, p.permission])).toEqual([['RC0603FR-0710KL', 'primary'], ['ERJ-3EKF1002V', 'alternate']]);
    expect(r.doc.workOrder.slots[3]!.approvedParts.map((p) => [p.manufacturerPartNumber, p.permission])).toEqual([['TPS548D22RVFR', 'primary'], ['TPS548D22RVFT', 'alternate-with-approval']]);
    const bad = importBom(read('kicad.csv'), 'kicad.csv', H, { text: 'Part,MPN,Manufacturer,Approval\nNOPE,X1,Y,alternate\nRC0603FR-0710KL,X2,Y,sometimes\n', file: 'avl2.csv' });
    expect(bad.ok ? [] : bad.errors.map((e) => [e.reason, e.file, e.line])).toEqual([['BOM_ROW_INVALID', 'avl2.csv', 2], ['BOM_ROW_INVALID', 'avl2.csv', 3]]);
  });

  it('names the line and column of every bad row, and refuses conflicting duplicates', () => {
    const r = importBom(read('bad.csv'), 'bad.csv', H);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.reason, e.line, e.column ?? ''])).toEqual([
      ['BOM_ROW_INVALID', 2, 'Qty'],
      ['BOM_ROW_INVALID', 3, 'Qty'],
    ]);
    expect(r.errors[0]!.message).toBe('quantity 3, but 2 reference designators (C1 C2)');
    const dup = importBom('Reference,MPN,Qty\nC1 C2,A1,2\nC2,B1,1\n', 'dup.csv', H);
    expect(dup.ok ? [] : dup.errors.map((e) => [e.reason, e.line, e.message])).toEqual([['BOM_DUPLICATE_CONFLICT', 3, 'C2 is also on line 2: a designator is placed from one BOM line']]);
    const cols = importBom(read('nocols.csv'), 'nocols.csv', H);
    expect(cols.ok ? [] : cols.errors.map((e) => e.reason)).toEqual(['BOM_COLUMN_MISSING']);
    const quoted = importBom('Reference,MPN,Qty\n"C1,\nC2",A1,2\nR1,"B1 ""x""",1\n', 'q.csv', H);
    expect(quoted.ok && quoted.doc.bom.lines.map((l) => l.refdes)).toEqual([['C1', 'C2'], ['R1']]);
    expect(importBom('Reference,MPN,Qty\n"C1,A1,2\n', 'broken.csv', H)).toMatchObject({ ok: false, errors: [{ reason: 'BAD_DOCUMENT', file: 'broken.csv' }] });
  });

  it('expands designator lists the way the tools write them', () => {
    expect(refdesList('C1, C2 C3;C4')).toEqual(['C1', 'C2', 'C3', 'C4']);
    expect(refdesList('R1-R3')).toEqual(['R1', 'R2', 'R3']);
    expect(refdesList('R1-C3')).toBe('range R1-C3 mixes prefixes');
    expect(refdesList('R5-R2')).toBe('range R5-R2 is backwards or too long');
  });

  it('through the CLI: the document on stdout, warnings on stderr; errors with line numbers and exit 2', () => {
    const r = warden(['bom', 'import', join(FIX, 'kicad.csv'), '--work-order', 'WO-77', '--bom-revision', 'A', '--recipe', 'P77', '--checksum', '0x77', '--planned', '50', '--station', '3']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as WorkOrderDoc;
    expect(doc).toMatchObject({ format: 'smt-warden.work-order', stations: [3], terms: { plannedQuantity: 50 }, workOrder: { header: { recipeChecksum: 0x77 } } });
    expect(r.stderr).toMatch(/warning: 3 of 4 lines have no MSL/);
    const bad = warden(['bom', 'import', join(FIX, 'bad.csv'), '--work-order', 'W', '--bom-revision', 'A']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.csv:3 \(Qty\): BOM_ROW_INVALID \(706\)/);
    expect(bad.stderr).toMatch(/warden: BOM_ROW_INVALID \(706\): .*bad\.csv:2 \(Qty\): quantity 3, but 2 reference designators \(C1 C2\) \(and 1 more above\)/);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, errors: [{ line: 2 }, { line: 3 }] });
  });

  it('a prototype order is 1 to 5 boards: without --max-boards 1..5 (or planning more) it is refused as the station would', () => {
    const proto = (maxBoards: number, plannedQuantity: number) => importBom(read('kicad.csv'), 'kicad.csv', { ...H, terms: { prototype: true, plannedQuantity, maxBoards } });
    expect(proto(3, 3).ok).toBe(true);
    for (const [max, planned, column] of [[0, 3, 'terms.maxBoards'], [6, 0, 'terms.maxBoards'], [5, 500, 'terms.plannedQuantity']] as const) {
      const r = proto(max, planned);
      expect(r.ok ? [] : r.errors.map((e) => [e.reason, e.column])).toEqual([['PROTOTYPE_QUANTITY_INVALID', column]]);
    }
    const cli = warden(['bom', 'import', join(FIX, 'kicad.csv'), '--work-order', 'WO-P', '--bom-revision', 'A', '--prototype', '--planned', '3']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/PROTOTYPE_QUANTITY_INVALID \(712\): .*terms\.maxBoards: a prototype order is 1 to 5 boards, and this one has no board limit/);
    expect(cli.stdout).not.toMatch(/smt-warden\.work-order/);
  });
});

describe('warden bom diff', () => {
  const a = ok(read('kicad.csv'), 'kicad.csv').doc;
  // Revision B: C3 gets another part, R1/R2 gain an alternate, U1's position is unchanged, a line is added.
  const text = read('kicad.csv').replace('CL21A475KAQNNNE', 'GRM21BR61C475KA88L').replace('"Samsung Electro-Mechanics"', '"Murata"') + '"L1","10u","","L_0805","1","","LQM21PN100MC0D","Murata",""\n';
  const b = ok(text, 'kicad-b.csv', { ...H, bomRevision: 'B' }, 'avl.csv').doc;

  it('gives the slots to verify again as the station does, with what changed', () => {
    const d = diffDocs(a, b);
    expect(d.changeover).toBe(false);
    expect(d.station).toBe('BOM A → B: 3 slots changed, 1 added, 0 removed');
    expect(d.reverify).toEqual(['F2', 'F3', 'F4', 'F5']);
    expect(d.changed.find((c) => c.position === 'F2')!.what).toEqual(['approves GRM21BR61C475KA88L (Murata) primary', 'no longer approves CL21A475KAQNNNE (Samsung Electro-Mechanics) primary']);
    expect(d.header).toEqual(['bomRevision: A → B']);
    expect(diffDocs(a, { ...b, workOrder: { ...b.workOrder, header: { ...b.workOrder.header, workOrderIdentifier: 'WO-78' } } }).changeover).toBe(true);
  });

  it('through the CLI as JSON; a file that is not a work-order document is refused with its name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-bom-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(a));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(b));
    const r = warden(['bom', 'diff', join(dir, 'a.json'), join(dir, 'b.json'), '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ reverify: ['F2', 'F3', 'F4', 'F5'], added: ['F5'] });
    const bad = warden(['bom', 'diff', join(dir, 'a.json'), join(FIX, 'kicad.csv')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/BAD_DOCUMENT \(701\): .*kicad\.csv is not JSON/);
  });

  it('with --in, names the lots on the changed slots now: the revision makes them obsolete', () => {
    const { run, dir } = smallLine();
    const a1 = run.stations[0]!.doc;
    const slots = a1.workOrder.slots.map((x, i) => (i === 1 ? { ...x, approvedParts: [{ manufacturerPartNumber: 'NEW-PART-1', manufacturer: 'Murata', permission: 'primary' as const }] } : x));
    const b1 = { ...a1, workOrder: { header: { ...a1.workOrder.header, bomRevision: 'C' }, slots } };
    const tmp = mkdtempSync(join(tmpdir(), 'warden-bom-in-'));
    writeFileSync(join(tmp, 'a.json'), JSON.stringify(a1));
    writeFileSync(join(tmp, 'b.json'), JSON.stringify(b1));
    const r = warden(['bom', 'diff', join(tmp, 'a.json'), join(tmp, 'b.json'), '--in', dir, '--json']);
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout) as { reverify: string[]; obsoleteLots: { station: number; position: string; lot: string }[] };
    expect(d.reverify).toEqual(['S1.F.2']);
    // The reel on S1.F.2 at the end of the day (the last one loaded there).
    const r0 = readTraceInput(dir);
    if (!r0.ok) throw new Error(r0.detail);
    const last = buildModel(r0.input).usage.filter((u) => u.station === 1 && u.position === 'S1.F.2').at(-1)!;
    expect(d.obsoleteLots).toEqual([{ station: 1, position: 'S1.F.2', reelId: last.reelId, mpn: last.mpn, lot: last.lot }]);
  });

  it('with --in, names only the lots of the stations the document is for, when stations share a position name', () => {
    // Two stations, one work order, each naming its slots F.1…F.4: station 1's revision C changes F.2.
    const run = runLine({ seed: 5, stations: 2, slots: 4, hours: 1, cycleS: 60, sharedPositions: true });
    const dir = writeLine(run, mkdtempSync(join(tmpdir(), 'warden-bom-shared-')));
    const a1 = run.stations[0]!.doc;
    expect(a1.stations).toEqual([1]);
    expect(run.stations[1]!.doc.workOrder.header.workOrderIdentifier).toBe(a1.workOrder.header.workOrderIdentifier);
    const slots = a1.workOrder.slots.map((x) => (x.position === 'F.2' ? { ...x, approvedParts: [{ manufacturerPartNumber: 'NEW-PART-2', manufacturer: 'Murata', permission: 'primary' as const }] } : x));
    const b1 = { ...a1, workOrder: { header: { ...a1.workOrder.header, bomRevision: 'C' }, slots } };
    const tmp = mkdtempSync(join(tmpdir(), 'warden-bom-in-'));
    const diff = (old: WorkOrderDoc) => {
      writeFileSync(join(tmp, 'a.json'), JSON.stringify(old));
      writeFileSync(join(tmp, 'b.json'), JSON.stringify(b1));
      const r = warden(['bom', 'diff', join(tmp, 'a.json'), join(tmp, 'b.json'), '--in', dir, '--json']);
      expect(r.status).toBe(0);
      return (JSON.parse(r.stdout) as { obsoleteLots: { station: number; position: string; lot: string }[] }).obsoleteLots;
    };
    const r0 = readTraceInput(dir);
    if (!r0.ok) throw new Error(r0.detail);
    const onF2 = (st: number) => buildModel(r0.input).usage.filter((u) => u.station === st && u.position === 'F.2' && u.end === 'on-slot').map((u) => ({ station: st, position: 'F.2', reelId: u.reelId, mpn: u.mpn, lot: u.lot }));
    expect(onF2(1)).toHaveLength(1);
    expect(onF2(2)).toHaveLength(1);
    // Station 2's F.2 is another slot with another part: its lot is not made obsolete by station 1's revision.
    expect(diff(a1)).toEqual(onF2(1));
    // A document without a station list goes to any station: every station on that order and revision is named.
    const { stations: _for, ...anyStation } = a1;
    expect(diff(anyStation)).toEqual([...onF2(1), ...onF2(2)]);
  });
});
