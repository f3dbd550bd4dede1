// Trace benchmark: the recall (where-used) and board queries on a large line's journals (30 placement stations,
// 40 slots each, 24 hours at a board every 20 s: real stations run by tools/test/trace/fixture.ts), each against a
// brute-force scan of the same journals in the same run (every record decoded, the firmware's replay over each
// station's whole journal); cold = a fresh Node process that reads the folder and answers once; and export
// throughput. The line is generated once and kept in the system temp folder (about 5 minutes on 2 cores).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boardTrace, whereUsed as bruteWhereUsed } from '../../firmware/core/trace/replay';
import { readTraceInput } from '../src/trace/input';
import { buildModel, matchDoc } from '../src/trace/model';
import { boardTraces, lotWanted, unitWanted, whereUsed } from '../src/trace/query';
import { writeExport } from '../src/trace/export';
import { runLine, writeLine, type LineOptions } from '../test/trace/fixture';
import type { Section } from './harness';

const LARGE: LineOptions = { seed: 30, stations: 30, slots: 40, hours: 24, cycleS: 20, collectEveryH: 8, journalKib: 2560, plannedQuantity: 4000 };
const ROOT = join(__dirname, '..', '..');

function largeLine(): string {
  // Kept while the generator is unchanged: the folder's name carries a hash of it and of the options.
  const key = createHash('sha256').update(readFileSync(join(ROOT, 'tools', 'test', 'trace', 'fixture.ts'))).update(JSON.stringify(LARGE)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `warden-large-line-${key}`);
  if (existsSync(join(dir, 'line.json'))) return dir;
  const tmp = mkdtempSync(join(tmpdir(), 'warden-large-line-'));
  writeLine(runLine(LARGE), tmp);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function best<T>(n: number, f: () => T): { ms: number; value: T } {
  let b = Infinity;
  let v: T | undefined;
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    v = f();
    b = Math.min(b, ms(t));
  }
  return { ms: b, value: v! };
}

/** A fresh process: tsx, read the folder, answer once; it prints its own figures. */
function cold(dir: string, what: 'where-used' | 'board', arg: string): { inProcessMs: number; wallMs: number } {
  const script = `
    const t0 = process.hrtime.bigint();
    const { readTraceInput } = require('./tools/src/trace/input.ts');
    const { buildModel } = require('./tools/src/trace/model.ts');
    const q = require('./tools/src/trace/query.ts');
    const t1 = process.hrtime.bigint();
    const r = readTraceInput(${JSON.stringify(dir)});
    const n = ${what === 'where-used' ? `q.whereUsed(buildModel(r.input, { want: q.lotWanted(${JSON.stringify(arg)}) }), ${JSON.stringify(arg)}).boards.length` : `q.boardTraces(buildModel(r.input, { want: q.unitWanted(${JSON.stringify(arg)}) }), ${JSON.stringify(arg)}).length`};
    process.stdout.write(JSON.stringify({ n, load: Number(t1 - t0) / 1e6, query: Number(process.hrtime.bigint() - t1) / 1e6 }));`;
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = ms(t);
  if (r.status !== 0) throw new Error(`cold ${what}: ${r.error?.message ?? r.stderr}`);
  const o = JSON.parse(r.stdout) as { query: number };
  return { inProcessMs: o.query, wallMs: wall };
}

export async function traceBench(): Promise<Section> {
  const dir = largeLine();
  const r = readTraceInput(dir);
  if (!r.ok) throw new Error(r.detail);
  const input = r.input;
  const records = input.stations.reduce((n, s) => n + s.entries.length, 0);
  const full = buildModel(input);
  const boards = full.boards.length;
  // A lot that fed one slot all day, and a board in the middle of the day.
  const lot = full.usage.find((u) => u.station === 15 && u.end === 'on-slot' && u.boards > 1000)?.lot ?? full.usage[0]!.lot;
  const unit = full.boards[Math.floor(boards / 2)]!.unitId;
  const wu = best(5, () => {
    const rr = readTraceInput(dir);
    if (!rr.ok) throw new Error(rr.detail);
    return whereUsed(buildModel(rr.input, { want: lotWanted(lot) }), lot).boards.length;
  });
  const bq = best(5, () => {
    const rr = readTraceInput(dir);
    if (!rr.ok) throw new Error(rr.detail);
    return boardTraces(buildModel(rr.input, { want: unitWanted(unit) }), unit).length;
  });
  // Brute force: every record decoded, the whole replay per station.
  const brute = best(3, () => {
    const rr = readTraceInput(dir);
    if (!rr.ok) throw new Error(rr.detail);
    let n = 0;
    for (const s of rr.input.stations) {
      const decoded = s.entries.map((e) => ({ seq: e.seq, at: e.at, message: { type: e.message.type, body: e.message.body } as typeof e.message }));
      n += bruteWhereUsed(decoded, lot, undefined, (o) => matchDoc(rr.input.docs, s.station.id, o)?.doc.workOrder.slots.map((x) => x.position.trim())).length;
    }
    return n;
  });
  const bruteBoard = best(3, () => {
    const rr = readTraceInput(dir);
    if (!rr.ok) throw new Error(rr.detail);
    let n = 0;
    for (const s of rr.input.stations) {
      const decoded = s.entries.map((e) => ({ seq: e.seq, at: e.at, message: { type: e.message.type, body: e.message.body } as typeof e.message }));
      if (boardTrace(decoded, unit, (o) => matchDoc(rr.input.docs, s.station.id, o)?.doc.workOrder.slots.map((x) => x.position.trim())) !== undefined) n++;
    }
    return n;
  });
  const readOnly = best(5, () => readTraceInput(dir));
  const coldWu = cold(dir, 'where-used', lot);
  const coldBoard = cold(dir, 'board', unit);
  const cli = (() => {
    const t = process.hrtime.bigint();
    const c = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), 'trace', 'where-used', '--in', dir, '--lot', lot, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (c.status !== 0) throw new Error(`warden trace where-used: ${c.error?.message ?? c.stderr}`);
    return ms(t);
  })();
  // Exports as a user runs them: the whole model, then the files written (to a temp folder, removed after).
  const exportTo = (format: 'csv' | 'cfx') => {
    const out = mkdtempSync(join(tmpdir(), `warden-bench-export-${format}-`));
    try {
      const t = process.hrtime.bigint();
      const m = format === 'csv' ? buildModel(input) : full;
      const s = writeExport(input, m, format, out);
      const elapsed = ms(t);
      const bytes = s.files.reduce((n, f) => n + statSync(join(out, f.file)).size, 0);
      return { ms: elapsed, bytes, rows: s.files.reduce((n, f) => n + f.rows, 0) };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  };
  const exp = exportTo('csv');
  const cfx = exportTo('cfx');
  const mb = (b: number) => (b / 2 ** 20).toFixed(0);
  return {
    title: 'Traceability queries and exports',
    body: [
      `The large line: ${input.stations.length} placement stations, ${LARGE.slots} slots each, ${LARGE.hours} h at a board every ${LARGE.cycleS} s, the host collecting every ${LARGE.collectEveryH} h`,
      `(${records.toLocaleString('en')} journal records, ${boards.toLocaleString('en')} board traces; 2.5 MiB journal images plus host records). Generated once by real stations`,
      '(`tools/test/trace/fixture.ts`) into the system temp folder. The index is built on the fly from the journals at every query, never kept beside them.',
      '',
      '| query | time | peer (same run) | peer time |',
      '|---|---|---|---|',
      `| where-used, lot ${lot} (${wu.value.toLocaleString('en')} boards), read + answer | ${wu.ms.toFixed(0)} ms | brute force: every record decoded, the firmware replay over every journal | ${brute.ms.toFixed(0)} ms |`,
      `| board ${unit} (${bq.value} stations), read + answer | ${bq.ms.toFixed(0)} ms | brute force: firmware \`boardTrace\` over every journal | ${bruteBoard.ms.toFixed(0)} ms |`,
      `| reading the folder alone (mount 30 images, merge host records) | ${readOnly.ms.toFixed(0)} ms | | |`,
      `| where-used cold: a fresh process, read + answer | ${coldWu.inProcessMs.toFixed(0)} ms | the same process's wall time (Node + tsx start included) | ${coldWu.wallMs.toFixed(0)} ms |`,
      `| board cold: a fresh process, read + answer | ${coldBoard.inProcessMs.toFixed(0)} ms | the same process's wall time | ${coldBoard.wallMs.toFixed(0)} ms |`,
      `| \`warden trace where-used --json\` wall time | ${cli.toFixed(0)} ms | | |`,
      '',
      '| export | time | throughput |',
      '|---|---|---|',
      `| \`--format csv\`: the whole model and every file (${exp.rows.toLocaleString('en')} rows, ${mb(exp.bytes)} MiB) | ${(exp.ms / 1000).toFixed(1)} s | ${Math.round(boards / (exp.ms / 1000)).toLocaleString('en')} board traces/s, ${(exp.bytes / 2 ** 20 / (exp.ms / 1000)).toFixed(0)} MiB/s |`,
      `| \`--format cfx\`: every station's messages (${cfx.rows.toLocaleString('en')}, ${mb(cfx.bytes)} MiB) | ${(cfx.ms / 1000).toFixed(1)} s | ${Math.round(cfx.rows / (cfx.ms / 1000)).toLocaleString('en')} messages/s |`,
      '',
    ].join('\n'),
  };
}
