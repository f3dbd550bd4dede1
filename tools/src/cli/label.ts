// `warden label parse`: reel-label scans in (JSON Lines, one JSON string per scan), one verdict per line out.
// `warden label learn`: sample scans + the fields a person reads off each label → a proposed layout, or a refusal.
// `warden label test LAYOUT SCANS`: how a layout reads a set of scans, and what the station answers with it.
// `warden label reel-id ID`: the text of the station's own reel-ID label for an id.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  applyLayoutLoad,
  EMPTY_LAYOUT_SET,
  layoutDocumentJson,
  makeReelIdLabel,
  parseLabel,
  type CompiledLayout,
  type LabelResult,
  type LayoutSet,
  type ReelLabel,
} from '../../../firmware/core/label';
import { learnLayout, type LearnSample } from '../../../firmware/core/label/learn';
import { runLayout } from '../../../firmware/core/label/layout-run';
import { layoutLoadBody, layoutWireSize } from '../../../firmware/core/label/layout-store';
import { normalizeScan } from '../../../firmware/core/label/normalize';
import { ALL_SCANS } from '../../../firmware/test/label/samples';
import { MAX_PAYLOAD } from '../../../protocol/src/limits';
import { CliError } from './errors';
import { registerLabelRender } from './label-render';

type Json = Record<string, unknown>;

/** Output order: the contract's fields first, then the extras. */
const FIELD_ORDER: readonly (keyof ReelLabel)[] = [
  'format', 'mpn', 'qty', 'lot', 'dateCode', 'supplierPn', 'customerPn', 'customerPo', 'salesOrder', 'invoice',
  'countryOfOrigin', 'manufacturer', 'msl', 'reelId', 'expiryDate', 'orderLine',
];

function labelJson(r: LabelResult): Json {
  if (!r.ok) return { ok: false, error: r.reason, message: r.message };
  const out: Json = { ok: true };
  for (const k of FIELD_ORDER) if (r.label[k] !== undefined) out[k] = r.label[k];
  return out;
}

function readText(file: string | undefined, what: string): string {
  try {
    return readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new CliError('IO_ERROR', `cannot read ${file === undefined || file === '-' ? 'stdin' : file} (${what}): ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function readJson(file: string | undefined, what: string): unknown {
  const text = readText(file, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError('BAD_DOCUMENT', `${file ?? 'stdin'}: the ${what} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Loads layout documents the way a station takes LabelLayoutLoad: each checked whole, in order. */
function loadLayouts(files: readonly string[]): LayoutSet {
  let set = EMPTY_LAYOUT_SET;
  for (const file of files) {
    const json = readJson(file, 'layout document');
    for (const [i, doc] of (Array.isArray(json) ? json : [json]).entries()) {
      const where = Array.isArray(json) ? `${file} [${i}]` : file;
      const c = layoutLoadBody(doc);
      if (!c.ok) throw new CliError(c.reason, `${where}: ${c.detail}; fix the document and try again`);
      const r = applyLayoutLoad(set, c.body);
      if (!r.ok) throw new CliError(r.reason, `${where}: ${r.detail}`);
      set = r.set;
    }
  }
  return set;
}

type ScanLine = { readonly line: number; readonly scan: string } | { readonly line: number; readonly error: Json };

/** The scans of a JSON Lines input (one JSON string per line); blank lines skipped, bad lines answered. */
function scanLines(input: string): ScanLine[] {
  const out: ScanLine[] = [];
  input.split('\n').forEach((raw, i) => {
    const text = raw.replace(/\r$/, '');
    if (text.trim() === '') return;
    let scan: unknown;
    try {
      scan = JSON.parse(text);
    } catch (e) {
      out.push({ line: i + 1, error: { ok: false, error: 'BAD_DOCUMENT', message: `line ${i + 1}: not JSON (${e instanceof Error ? e.message : String(e)})` } });
      return;
    }
    if (typeof scan !== 'string') {
      out.push({ line: i + 1, error: { ok: false, error: 'BAD_DOCUMENT', message: `line ${i + 1}: expected a JSON string holding one raw scan, got ${scan === null ? 'null' : Array.isArray(scan) ? 'an array' : typeof scan}` } });
      return;
    }
    out.push({ line: i + 1, scan });
  });
  return out;
}

interface OutputOptions {
  readonly json?: boolean;
  readonly table?: boolean;
}

/** A readable table on a terminal, JSON with --json or when piped (--table forces the table). */
const asTable = (o: OutputOptions): boolean => (o.json === true ? false : o.table === true ? true : process.stdout.isTTY === true);

/** Columns padded to their widest cell. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')}`.trimEnd()).join('\n');
}

const cut = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
/** A scan with its control characters made visible, for tables. */
const visible = (s: string): string => s.replace(/\u001d/g, '␝').replace(/\u001e/g, '␞').replace(/\u0004/g, '␄').replace(/\r/g, '␍').replace(/\n/g, '␊');

function verdictCell(r: LabelResult): string {
  return r.ok ? `${r.label.format}: ${['mpn', 'qty', 'lot'].map((k) => `${k} ${String(r.label[k as keyof ReelLabel] ?? '-')}`).join(', ')}` : `${r.reason}: ${cut(r.message, 70)}`;
}

function describeLayout(l: CompiledLayout, bytes: number): string {
  const d = l.doc;
  const how = d.cut === 'delimited' ? `delimited by ${JSON.stringify(d.separator)}` : d.cut === 'tagged' ? `tagged, separated by ${JSON.stringify(d.separator)}` : d.cut;
  const pieces = d.cut === 'fixed' ? `${d.minLength === d.maxLength ? d.minLength : `${d.minLength}–${d.maxLength}`} characters` : `${d.minPieces === d.maxPieces ? d.minPieces : `${d.minPieces}–${d.maxPieces}`} pieces`;
  const fields = [['field', 'where', 'coding', 'shape'], ...l.fields.map((f) => [f.role, f.where, f.coding, `${f.equals !== '' ? `= ${JSON.stringify(f.equals)}` : `${f.chars || 'any'} (${f.minLen}–${f.maxLen})`}${f.optional ? ', optional' : ''}`])];
  return `Layout ${l.id}: ${how}${d.prefix === '' ? '' : `, prefix ${JSON.stringify(d.prefix)}`}, ${pieces}; one LabelLayoutLoad of ${bytes} of ${MAX_PAYLOAD} bytes\n${table(fields.map((r) => r.map(String)))}\n`;
}

/**
 * The real payloads of the built-in families that a layout learned from these samples must not claim: all but
 * those of the samples' own family (when the firmware already knows it, or a sample is one of the payloads).
 */
function otherFamilies(samples: readonly LearnSample[]): { id: string; scan: string }[] {
  const own = new Set<string>();
  for (const s of samples) {
    const r = parseLabel(s.scan);
    if (r.ok) own.add(r.label.format);
    for (const p of ALL_SCANS) if (p.raw === s.scan) own.add(p.format);
  }
  return ALL_SCANS.filter((p) => !own.has(p.format)).map((p) => ({ id: p.id, scan: p.raw }));
}

// ------------------------------------------------------------------------------------------------------------

function readSamples(file: string | undefined): { samples: LearnSample[]; layoutId?: string; provenance?: string } {
  const json = readJson(file, 'samples document');
  const doc = Array.isArray(json) ? { samples: json } : json;
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as Json)['samples'])) {
    throw new CliError('BAD_DOCUMENT', `${file ?? 'stdin'}: expected {"samples":[{"scan":"…","fields":{"mpn":"…","qty":N,"lot":"…"}},…]} or that list alone`);
  }
  const d = doc as Json;
  const samples = (d['samples'] as unknown[]).map((s, i): LearnSample => {
    if (typeof s !== 'object' || s === null || typeof (s as Json)['scan'] !== 'string' || typeof (s as Json)['fields'] !== 'object' || (s as Json)['fields'] === null) {
      throw new CliError('BAD_DOCUMENT', `samples[${i}]: expected {"scan":"<raw scan>","fields":{"mpn":"…","qty":N,"lot":"…"}}`);
    }
    return { scan: (s as Json)['scan'] as string, fields: (s as Json)['fields'] as LearnSample['fields'] };
  });
  return {
    samples,
    ...(typeof d['layoutId'] === 'string' ? { layoutId: d['layoutId'] } : {}),
    ...(typeof d['provenance'] === 'string' ? { provenance: d['provenance'] } : {}),
  };
}

interface LearnCliOptions extends OutputOptions {
  readonly id?: string;
  readonly provenance?: string;
  readonly out?: string;
}

function learnCommand(file: string | undefined, opts: LearnCliOptions, write: (s: string) => void): void {
  const input = readSamples(file);
  const layoutId = opts.id ?? input.layoutId;
  if (layoutId === undefined) throw new CliError('BAD_ARGUMENT', 'give the layout an id with --id (a letter, then a-z 0-9 -, e.g. site-acme-reel)');
  const provenance = opts.provenance ?? input.provenance;
  const avoid = otherFamilies(input.samples);
  const r = learnLayout(input.samples, { layoutId, ...(provenance === undefined ? {} : { provenance }), avoid });
  if (!r.ok) {
    if (r.reason !== 'LABEL_LAYOUT_UNDETERMINED') throw new CliError(r.reason, r.detail);
    if (asTable(opts)) write(`No layout: the samples do not determine one.\n  ${r.detail}\n`);
    else write(`${JSON.stringify({ ok: false, error: r.reason, message: r.detail })}\n`);
    process.exitCode = 1;
    return;
  }
  const doc = layoutDocumentJson(r.doc);
  const size = layoutWireSize(r.doc);
  const bytes = size.ok ? size.bytes : 0;
  if (opts.out !== undefined) {
    try {
      writeFileSync(opts.out, `${JSON.stringify(doc, null, 2)}\n`);
    } catch (e) {
      throw new CliError('IO_ERROR', `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  const samples = input.samples.map((s, i) => ({ scan: s.scan, layout: labelJson(runLayout(r.layout, normalizeScan(s.scan))!), station: labelJson(r.readings[i]!) }));
  if (!asTable(opts)) {
    write(`${JSON.stringify({ ok: true, layout: doc, wireBytes: bytes, notes: r.notes, samples })}\n`);
    return;
  }
  const rows = [['#', 'scan', 'the layout reads', 'the station answers'], ...input.samples.map((s, i) => [String(i + 1), cut(visible(s.scan), 36), verdictCell(runLayout(r.layout, normalizeScan(s.scan))!), r.readings[i]!.ok ? (r.readings[i] as { label: ReelLabel }).label.format : (r.readings[i] as { reason: string }).reason])];
  write(
    [
      `Proposed ${describeLayout(r.layout, bytes)}`,
      `How every sample reads (the station answers with its built-in formats and this layout loaded):\n${table(rows)}\n`,
      r.notes.length > 0 ? `Notes:\n${r.notes.map((n) => `  - ${n}`).join('\n')}\n` : '',
      `It claims none of the ${avoid.length} real payloads of other label families.`,
      opts.out !== undefined ? `Written to ${opts.out}; try it with: warden label test ${opts.out} SCANS.jsonl` : 'Layout document (save it, then: warden label test LAYOUT.json SCANS.jsonl):',
      opts.out !== undefined ? '' : JSON.stringify(doc, null, 2),
      '',
    ].filter((l, i, all) => l !== '' || i === all.length - 1).join('\n'),
  );
}

// ------------------------------------------------------------------------------------------------------------

interface TestCliOptions extends OutputOptions {
  readonly strict?: boolean;
}

function testCommand(layoutFile: string, scansFile: string | undefined, opts: TestCliOptions, write: (s: string) => void): void {
  const set = loadLayouts([layoutFile]);
  const layout = set.layouts[set.layouts.length - 1]!;
  const size = layoutWireSize(layout.doc);
  const lines = scanLines(readText(scansFile, 'scans'));
  const results = lines.map((l) => {
    if ('error' in l) return { line: l.line, error: l.error };
    const own = runLayout(layout, normalizeScan(l.scan));
    return { line: l.line, scan: l.scan, layout: own === undefined ? { claimed: false } : labelJson(own), station: labelJson(parseLabel(l.scan, { layouts: set })), own };
  });
  // A real payload of a built-in family that the layout claims and reads differently: with the layout loaded,
  // the station's answer for that label changes (it becomes ambiguous).
  const crossClaims = ALL_SCANS.filter(
    (s) => runLayout(layout, normalizeScan(s.raw)) !== undefined && JSON.stringify(parseLabel(s.raw)) !== JSON.stringify(parseLabel(s.raw, { layouts: set })),
  ).map((s) => s.id);
  const summary = {
    scans: results.length,
    read: results.filter((r) => r.own?.ok === true).length,
    refused: results.filter((r) => r.own !== undefined && !r.own.ok).length,
    notClaimed: results.filter((r) => 'scan' in r && r.own === undefined).length,
    badLines: results.filter((r) => 'error' in r).length,
    crossClaims,
    wireBytes: size.ok ? size.bytes : 0,
  };
  if (opts.strict === true && (summary.read < summary.scans || crossClaims.length > 0)) process.exitCode = 1;
  if (!asTable(opts)) {
    write(`${JSON.stringify({ layout: layout.id, scans: results.map(({ own: _own, ...r }) => r), summary })}\n`);
    return;
  }
  const rows = [['line', 'scan', 'the layout reads', 'the station answers'], ...results.map((r) => ('error' in r ? [String(r.line), '(not a JSON string)', String(r.error['message']), ''] : [String(r.line), cut(visible(r.scan), 36), r.own === undefined ? 'not its label' : verdictCell(r.own), r.station['ok'] === true ? String(r.station['format']) : String(r.station['error'])]))];
  write(
    [
      describeLayout(layout, summary.wireBytes),
      `${summary.scans} scans: ${summary.read} read, ${summary.refused} refused, ${summary.notClaimed} not claimed${summary.badLines > 0 ? `, ${summary.badLines} bad lines` : ''}`,
      table(rows),
      crossClaims.length === 0
        ? `It changes the station's answer for none of the ${ALL_SCANS.length} real payloads of the built-in families.`
        : `Warning: it changes the station's answer for ${crossClaims.length} real payload(s) of the built-in families (${crossClaims.slice(0, 5).join(', ')}): those labels become ambiguous; tighten its anchors.`,
      '',
    ].join('\n'),
  );
}

// ------------------------------------------------------------------------------------------------------------

export function registerLabel(program: Command, write: (s: string) => void): void {
  const label = program.command('label').description('Reel labels: parse scans, learn and test layouts, print station reel-ID labels');

  label
    .command('parse')
    .description('Parse reel-label scans: JSON Lines on stdin, each line a JSON string holding one raw scan; one JSON object per line out')
    .option('--strict', 'exit 1 when any line was rejected (default: exit 0 once every line is answered)')
    .option('--layout <file>', 'also read with the layouts of this layout document (or list of documents), as a station that loaded them (repeatable)', collect, [])
    .addHelpText(
      'after',
      [
        '',
        'Each output line: {"ok":true,"format":"eigp114-digikey","mpn":"…","qty":63,"lot":"…",…} (absent fields omitted,',
        'present-but-empty as "") or {"ok":false,"error":"SCAN_UNREADABLE","message":"…"}. A line that is not a JSON string',
        'gives {"ok":false,"error":"BAD_DOCUMENT",…}. Blank lines are skipped and give no output line.',
        'Exit status: 0 when every line was answered (rejections are answers), 1 with --strict if any was rejected, 2 on a usage or I/O error.',
        '',
        'Example: printf \'%s\\n\' \'"[)>\\u001e06\\u001d1PABC\\u001dQ5\\u001e\\u0004"\' | warden label parse',
      ].join('\n'),
    )
    .action((opts: { strict?: boolean; layout?: string[] }) => {
      const set = loadLayouts(opts.layout ?? []);
      const out = scanLines(readText(undefined, 'scans')).map((l) => ('error' in l ? l.error : labelJson(parseLabel(l.scan, { layouts: set }))));
      for (const o of out) write(`${JSON.stringify(o)}\n`);
      if (opts.strict === true && out.some((o) => o['ok'] !== true)) process.exitCode = 1;
    });

  label
    .command('learn')
    .description('Propose a layout from a few sample scans of one label and the fields read off each; refuse when the samples do not determine it')
    .argument('[samples]', 'samples document ("-" or none: stdin): {"samples":[{"scan":"<raw>","fields":{"mpn":"…","qty":N,"lot":"…"}},…]}')
    .option('--id <id>', 'id of the layout (a letter, then a-z 0-9 -; not a built-in prefix such as mfr-)')
    .option('--provenance <text>', 'who made the layout from which samples (kept with it on the station)')
    .option('--out <file>', 'also write the layout document to this file')
    .option('--json', 'JSON output (the default when stdout is not a terminal)')
    .option('--table', 'readable output even when stdout is not a terminal')
    .addHelpText(
      'after',
      [
        '',
        'Fields a sample may give: mpn, qty, lot, dateCode, customerPn, supplierPn, customerPo, salesOrder, countryOfOrigin,',
        'manufacturer, msl, reelId, expiryDate (the same ones for every sample). Give 3 or more samples of different reels.',
        'JSON output: {"ok":true,"layout":{…document…},"wireBytes":N,"notes":[…],"samples":[{"scan","layout","station"}]}',
        'or {"ok":false,"error":"LABEL_LAYOUT_UNDETERMINED","message":"…"}.',
        'Exit status: 0 with a proposal, 1 when the samples do not determine one, 2 on bad input.',
      ].join('\n'),
    )
    .action((file: string | undefined, opts: LearnCliOptions) => learnCommand(file === '-' ? undefined : file, opts, write));

  label
    .command('test')
    .description('Show how a layout reads a set of scans (JSON Lines of raw scans), and what a station answers with it loaded')
    .argument('<layout>', 'layout document (JSON)')
    .argument('[scans]', 'JSON Lines, one JSON string per scan ("-" or none: stdin)')
    .option('--strict', 'exit 1 unless the layout reads every scan and changes the answer for no real payload of a built-in family')
    .option('--json', 'JSON output (the default when stdout is not a terminal)')
    .option('--table', 'readable output even when stdout is not a terminal')
    .addHelpText(
      'after',
      [
        '',
        'JSON output: {"layout":ID,"scans":[{"line","scan","layout":{…}|{"claimed":false},"station":{…}}],',
        '"summary":{"scans","read","refused","notClaimed","badLines","crossClaims":[ids],"wireBytes"}}.',
        'Exit status: 0 (1 with --strict, see above), 2 on an invalid layout or a usage error.',
      ].join('\n'),
    )
    .action((layoutFile: string, scansFile: string | undefined, opts: TestCliOptions) => testCommand(layoutFile, scansFile, opts, write));

  label
    .command('reel-id')
    .description('Print the text of a station reel-ID label (WR1: + id + ISO 7064 MOD 37-2 check character)')
    .argument('<id>', 'reel id: 1 to 24 characters of 0-9 A-Z')
    .action((id: string) => {
      const r = makeReelIdLabel(id);
      if (!r.ok) throw new CliError('BAD_ARGUMENT', r.message);
      write(`${r.text}\n`);
    });

  registerLabelRender(label, (d) => (typeof d === 'string' ? write(d) : process.stdout.write(d)));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
