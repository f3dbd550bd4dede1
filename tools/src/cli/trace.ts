// `warden trace export|where-used|board|report`: the line's journals (a simulator --out folder or an arranged
// device dump, see tools/src/trace/input.ts) turned into the records people and other systems ask for.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { REASONS } from '../../../protocol/src/reasons';
import { readTraceInput, type Problem, type TraceInput } from '../trace/input';
import { buildModel, type Board, type ModelOptions, type TraceModel } from '../trace/model';
import { writeExport, type ExportFormat } from '../trace/export';
import { renderReport } from '../trace/report';
import { boardTraces, lotWanted, unitWanted, whereUsed } from '../trace/query';
import { iso } from '../trace/tables';
import { CliError } from './errors';
import { table, wantJson } from './output';

function load(dir: string | undefined, opts: ModelOptions & { checkHost?: boolean } = {}): { input: TraceInput; model: TraceModel } {
  if (dir === undefined) throw new CliError('BAD_ARGUMENT', '--in DIR is required: a simulator --out folder or a device dump arranged as stations/<id>/journal.bin');
  const r = readTraceInput(dir, { checkHost: opts.checkHost === true });
  if (!r.ok) throw new CliError(r.reason, r.detail);
  return { input: r.input, model: buildModel(r.input, opts) };
}

function problemLine(p: Problem): string {
  const where = [p.file, p.offset === undefined ? '' : `offset 0x${p.offset.toString(16)}`, p.line === undefined ? '' : `line ${p.line}`].filter((x) => x !== '').join(' ');
  return `${p.reason} (${REASONS[p.reason].code}) ${where}: ${p.detail}`;
}

/** Damage is never silent: on a terminal it goes to stderr after the answer; in JSON it is part of the answer. */
function reportProblems(problems: readonly Problem[], strict: boolean | undefined): void {
  for (const p of problems) process.stderr.write(`warden: warning: ${problemLine(p)}\n`);
  if (strict === true && problems.length > 0) process.exitCode = 1;
}

function problemJson(p: Problem): Record<string, unknown> {
  return { ...p, code: REASONS[p.reason].code };
}

function boardText(b: Board): string {
  const head = [
    `station ${b.station}  built ${iso(b.at)}  work order ${b.workOrder || '–'} (BOM ${b.bomRevision || '–'})  program ${b.program?.name ?? '–'} rev ${b.program?.revision ?? '–'}`,
    `operator ${b.operator || '–'}  ${b.firstOff ? 'first-off board  ' : ''}${b.permitOn ? 'permit on' : 'PERMIT OFF'}  ${b.complete ? 'complete trace' : 'INCOMPLETE trace'}${b.missing.length > 0 ? ` (no reel on ${b.missing.join(', ')})` : ''}${b.uncertain === undefined ? '' : `  records ${b.uncertain.from}–${b.uncertain.to} lost before it`}`,
    ...b.overrides.map((o) => `override ${o.requestId}: ${o.reason}${o.position === undefined ? '' : ` at ${o.position}`} by ${o.by}`),
  ];
  return `${head.join('\n')}\n${table(
    ['slot', 'refdes', 'MPN', 'maker', 'lot', 'date code', 'reel', 'how', 'MSD h left'],
    b.slots.map((s) => [s.position, s.refdes.join(' '), s.mpn, s.manufacturer, s.lot, s.dateCode, s.reelId, s.source + (s.customerSupplied ? ' (customer)' : ''), s.msdRemainingS === undefined ? '' : (s.msdRemainingS / 3600).toFixed(1)]),
  )}`;
}

export function registerTrace(program: Command, write: (s: string) => void): void {
  const trace = program.command('trace').description('Traceability from station journals: exports for OEMs and MES, the recall query, board traces, reports');
  const IN = ['--in <dir>', 'input folder: stations/<id>/journal.bin (+ config.json), host/work-orders/*.json, host/records-<id>.jsonl, line.json'] as const;

  trace
    .command('export')
    .description('Write the per-board trace, material usage and reconciliation, MSD reel histories, interlock/override and first-off logs and the work-order basis (csv, json), or the IPC-CFX messages (cfx)')
    .option(...IN)
    .option('--format <format>', 'csv | json | cfx', 'csv')
    .option('--check-host', "also compare every host record with the journal's own copy (HOST_RECORD_CONFLICT)")
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .option('--strict', 'exit 1 when the input has damage or gaps (they are always reported)')
    .option('--json', 'the summary as JSON (the default when piped)')
    .action((opts: { in?: string; format: string; out: string; checkHost?: boolean; strict?: boolean; json?: boolean }) => {
      if (!['csv', 'json', 'cfx'].includes(opts.format)) throw new CliError('BAD_ARGUMENT', `--format ${opts.format}: csv, json or cfx`);
      const { input, model } = load(opts.in, { checkHost: opts.checkHost === true });
      let s;
      try {
        s = writeExport(input, model, opts.format as ExportFormat, opts.out);
      } catch (e) {
        throw new CliError('IO_ERROR', `cannot write into ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      if (wantJson(opts)) write(`${JSON.stringify({ ...s, out: opts.out, boards: model.boards.length, problems: model.problems.map(problemJson) })}\n`);
      else {
        write(`${model.boards.length} board traces from ${model.stations.length} stations → ${opts.out}\n${table(['file', 'rows'], s.files.map((f) => [f.file, String(f.rows)]))}`);
        reportProblems(model.problems, opts.strict);
        return;
      }
      if (opts.strict === true && model.problems.length > 0) process.exitCode = 1;
    });

  trace
    .command('where-used')
    .description('The recall query: every board, work order and station that used a lot')
    .option(...IN)
    .requiredOption('--lot <lot>', 'manufacturer lot code (compared case-blind, as the station does)')
    .option('--mpn <mpn>', 'only this manufacturer part number')
    .option('--strict', 'exit 1 when the input has damage or gaps')
    .option('--json', 'as JSON (the default when piped)')
    .action((opts: { in?: string; lot: string; mpn?: string; strict?: boolean; json?: boolean }) => {
      const { model } = load(opts.in, { want: lotWanted(opts.lot, opts.mpn) });
      const w = whereUsed(model, opts.lot, opts.mpn);
      if (wantJson(opts)) {
        write(`${JSON.stringify({ lot: w.lot, ...(w.mpn === undefined ? {} : { mpn: w.mpn }), boards: w.boards.length, workOrders: w.workOrders, stations: w.stations, hits: w.hits.map((h) => ({ ...h, at: iso(h.at) })), problems: model.problems.map(problemJson) })}\n`);
        if (opts.strict === true && model.problems.length > 0) process.exitCode = 1;
        return;
      }
      const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
      write(`lot ${opts.lot}${opts.mpn === undefined ? '' : ` of ${opts.mpn}`}: ${n(w.boards.length, 'board')} in ${n(w.workOrders.length, 'work order')} on ${n(w.stations.length, 'station')}\n`);
      if (w.hits.length > 0) {
        write(table(['work order', 'boards'], w.workOrders.map((x) => [x.workOrder, String(x.boards)])));
        write(table(['board', 'station', 'built', 'work order', 'slot', 'refdes', 'MPN', 'reel', 'how'], w.hits.map((h) => [h.unitId, String(h.station), iso(h.at), h.workOrder, h.position, h.refdes.join(' '), h.mpn, h.reelId, h.source + (h.uncertain ? ' (records lost before it)' : '')])));
      }
      reportProblems(model.problems, opts.strict);
    });

  trace
    .command('board')
    .description('What a board was built from, at every station it passed')
    .argument('<id>', 'board (panel) id as the machine or the board scan gave it')
    .option(...IN)
    .option('--json', 'as JSON (the default when piped)')
    .action((id: string, opts: { in?: string; json?: boolean }) => {
      const { model } = load(opts.in, { want: unitWanted(id) });
      const bs = boardTraces(model, id);
      if (bs.length === 0) throw new CliError('BOARD_NOT_FOUND', `no journal holds board ${id}: check the id (board ids are exact), or that --in holds every station's journal`, 1);
      if (wantJson(opts)) write(`${JSON.stringify({ unitId: id, stations: bs.map((b) => ({ ...b, at: iso(b.at) })), problems: model.problems.map(problemJson) })}\n`);
      else {
        write(`board ${id}: ${bs.length} station${bs.length === 1 ? '' : 's'}\n\n${bs.map(boardText).join('\n')}`);
        reportProblems(model.problems, undefined);
      }
    });

  trace
    .command('report')
    .description('One self-contained HTML file with a page per work order: summary, stops by reason, material reconciliation, an SVG floor-life timeline per MSD reel')
    .option(...IN)
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--json', 'the summary as JSON (the default when piped)')
    .action((opts: { in?: string; out: string; json?: boolean }) => {
      const { model } = load(opts.in);
      const html = renderReport(model);
      try {
        writeFileSync(opts.out, html);
      } catch (e) {
        throw new CliError('IO_ERROR', `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      const orders = [...new Set(model.orders.map((o) => o.body.workOrderIdentifier))];
      if (wantJson(opts)) write(`${JSON.stringify({ out: opts.out, workOrders: orders, bytes: html.length, problems: model.problems.map(problemJson) })}\n`);
      else {
        write(`${opts.out}: ${orders.length} work order page${orders.length === 1 ? '' : 's'} (${orders.join(', ')}), ${Math.round(html.length / 1024)} KiB\n`);
        reportProblems(model.problems, undefined);
      }
    });
}
