// `warden bom import FILE.csv [--avl FILE.csv]`: a BOM export to the work-order document the host sends stations.
// `warden bom diff OLD NEW`: what a new revision changes, in the station's own terms.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { REASONS } from '../../../protocol/src/reasons';
import { describeProblems, parseWorkOrderDoc, type WorkOrderDoc } from '../../../host-sim/host/work-order-doc';
import { diffDocs, obsoleteLots, type ObsoleteLot } from '../bom/diff';
import { importBom, type BomError } from '../bom/import';
import { readTraceInput } from '../trace/input';
import { buildModel } from '../trace/model';
import { CliError } from './errors';
import { table, wantJson } from './output';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new CliError('IO_ERROR', `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function readDoc(file: string): WorkOrderDoc {
  let v: unknown;
  try {
    v = JSON.parse(readText(file, 'work-order document'));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('BAD_DOCUMENT', `${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const d = parseWorkOrderDoc(v);
  if (!d.ok) throw new CliError('DOCUMENT_FIELD_INVALID', `${file}: ${describeProblems(d.problems)}`);
  return d.doc;
}

const int = (v: string, name: string, min: number, max: number): number => {
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError('BAD_ARGUMENT', `${name} ${v}: a whole number ${min}..${max}${name === '--checksum' ? ' (decimal or 0x hex)' : ''}`);
  return n;
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)?$/;
function seconds(v: string, name: string): number {
  const m = DURATION.exec(v.trim());
  if (m === null) throw new CliError('BAD_ARGUMENT', `${name} ${v}: a duration such as 4h, 90m or 3600 (seconds)`);
  return Math.round(Number(m[1]) * { s: 1, m: 60, min: 60, h: 3600, d: 86_400 }[m[2] ?? 's']!);
}

function errorLine(e: BomError): string {
  return `${e.file}${e.line === undefined ? '' : `:${e.line}`}${e.column === undefined ? '' : ` (${e.column})`}: ${e.reason} (${REASONS[e.reason].code}): ${e.message}`;
}

interface ImportOpts {
  avl?: string;
  workOrder: string;
  product?: string;
  bomRevision: string;
  recipe?: string;
  recipeRevision?: string;
  checksum?: string;
  lane: string;
  timeToReflow: string;
  planned: string;
  prototype?: boolean;
  maxBoards: string;
  station?: string[];
  slotPrefix: string;
  out?: string;
}

export function registerBom(program: Command, write: (s: string) => void): void {
  const bom = program.command('bom').description('BOM exports to work-order documents, and what a BOM revision changes');

  bom
    .command('import')
    .description('Turn a BOM export (KiCad, Altium, or a plain CSV of refdes, MPN, manufacturer, quantity, alternates) into the work-order document the host sends stations')
    .argument('<file>', 'BOM CSV (comma, semicolon or tab separated), or - for stdin')
    .option('--avl <file>', 'approved vendor list CSV: Part (IPN or primary MPN), MPN, Manufacturer, Approval (alternate | alternate-with-approval)')
    .requiredOption('--work-order <id>', 'work order id')
    .option('--product <pn>', 'product (assembly) part number', '')
    .requiredOption('--bom-revision <rev>', 'BOM revision')
    .option('--recipe <name>', 'machine program name', '')
    .option('--recipe-revision <rev>', 'machine program revision', '')
    .option('--checksum <n>', 'program checksum as the machine reports it (decimal or 0x hex)', '0')
    .option('--lane <n>', 'conveyor lane', '1')
    .option('--time-to-reflow <duration>', 'time from placement to reflow, for the MSD margin', '4h')
    .option('--planned <n>', 'boards planned (0: not stated)', '0')
    .option('--prototype', 'a prototype order of 1 to 5 boards: quick assign allowed (needs --max-boards 1..5)')
    .option('--max-boards <n>', 'the station holds after this many boards (0: no limit)', '0')
    .option('--station <id...>', 'stations the order is for')
    .option('--slot-prefix <text>', 'positions for a BOM without a Position column: prefix + 1, 2, …', 'F')
    .option('--out <file>', 'write the document here (default: stdout)')
    .addHelpText(
      'after',
      [
        '',
        'Columns are found by the names KiCad, Altium and most tools use: Reference/Refs/Designator, MPN/Manufacturer Part Number,',
        'Manufacturer, Qty/Quantity; optional IPN, Position/Slot, MSL, Thickness Class, Description/Value, DNP, Line/Item, and',
        'Alternates as "MPN (Manufacturer); ?MPN2 (Manufacturer 2)" (a leading ? needs a supervisor\'s approval at the station).',
        'Every bad row is reported with its line; nothing is written unless the whole BOM is good. Exit status: 0, or 2 on errors.',
      ].join('\n'),
    )
    .action((file: string, o: ImportOpts) => {
      const text = readText(file, 'BOM');
      const avl = o.avl === undefined ? undefined : { text: readText(o.avl, 'AVL'), file: o.avl };
      const stations = o.station?.map((s) => int(s, '--station', 1, 65534));
      const r = importBom(text, file, {
        workOrder: o.workOrder,
        product: o.product ?? '',
        bomRevision: o.bomRevision,
        recipeName: o.recipe ?? '',
        recipeRevision: o.recipeRevision ?? '',
        recipeChecksum: int(o.checksum ?? '0', '--checksum', 0, 0xffffffff),
        lane: int(o.lane, '--lane', 0, 255),
        timeToReflowS: seconds(o.timeToReflow, '--time-to-reflow'),
        terms: { prototype: o.prototype === true, plannedQuantity: int(o.planned, '--planned', 0, 0xffffffff), maxBoards: int(o.maxBoards, '--max-boards', 0, 0xffff) },
        ...(stations === undefined ? {} : { stations }),
        slotPrefix: o.slotPrefix,
      }, avl);
      if (!r.ok) {
        for (const e of r.errors.slice(1)) process.stderr.write(`warden: ${errorLine(e)}\n`);
        if (!process.stdout.isTTY) write(`${JSON.stringify({ ok: false, errors: r.errors.map((e) => ({ ...e, code: REASONS[e.reason].code })) })}\n`);
        const first = r.errors[0]!;
        throw new CliError(first.reason, `${errorLine(first).replace(/: [A-Z_]+ \(\d+\): /, ': ')}${r.errors.length > 1 ? ` (and ${r.errors.length - 1} more above)` : ''}`);
      }
      for (const w of r.warnings) process.stderr.write(`warden: warning: ${w}\n`);
      const json = `${JSON.stringify(r.doc, null, 2)}\n`;
      if (o.out === undefined) write(json);
      else {
        try {
          writeFileSync(o.out, json);
        } catch (e) {
          throw new CliError('IO_ERROR', `cannot write ${o.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
        process.stderr.write(`${o.out}: ${r.format} BOM, ${r.doc.bom.lines.length} lines, ${r.doc.workOrder.slots.length} slots, ${r.doc.bom.lines.reduce((n, l) => n + l.quantityPerBoard, 0)} parts per board\n`);
      }
    });

  bom
    .command('diff')
    .description('What a BOM revision changes at the station: slots to verify again, slots added and removed, lots made obsolete')
    .argument('<old>', 'work-order document of the revision the stations run')
    .argument('<new>', 'work-order document of the new revision')
    .option('--in <dir>', 'trace input folder: name the lots on the changed slots now (they become obsolete: LOT_OBSOLETE)')
    .option('--json', 'as JSON (the default when piped)')
    .action((oldFile: string, newFile: string, opts: { in?: string; json?: boolean }) => {
      const a = readDoc(oldFile);
      const b = readDoc(newFile);
      const d = diffDocs(a, b);
      let obsolete: ObsoleteLot[] | undefined;
      if (opts.in !== undefined) {
        const r = readTraceInput(opts.in);
        if (!r.ok) throw new CliError(r.reason, r.detail);
        obsolete = obsoleteLots(a, d, buildModel(r.input, { want: () => () => false }).usage);
      }
      if (wantJson(opts)) {
        write(`${JSON.stringify({ ...d, ...(obsolete === undefined ? {} : { obsoleteLots: obsolete }) })}\n`);
        return;
      }
      write(`${d.changeover ? 'a different work order: a changeover, every slot is verified afresh' : `the station says: ${d.station}`}\n`);
      if (d.header.length > 0) write(`header: ${d.header.join('; ')}\n`);
      write(`verify again: ${d.reverify.length === 0 ? 'nothing' : d.reverify.join(', ')}\n`);
      if (d.removed.length > 0) write(`removed (reels come off): ${d.removed.join(', ')}\n`);
      if (d.changed.length > 0) write(table(['slot', 'what changed'], d.changed.map((c) => [c.position, c.what.join('; ')])));
      for (const r of d.refdes) write(`line ${r.line}: ${r.added.length > 0 ? `+${r.added.join(' +')}` : ''}${r.removed.length > 0 ? ` -${r.removed.join(' -')}` : ''}\n`);
      if (obsolete !== undefined) {
        write(obsolete.length === 0 ? 'no reel on a changed slot now\n' : `lots made obsolete (LOT_OBSOLETE):\n${table(['station', 'slot', 'reel', 'MPN', 'lot'], obsolete.map((x) => [String(x.station), x.position, x.reelId, x.mpn, x.lot]))}`);
      }
    });
}
