// `warden label parse`: reel-label scans in (JSON Lines, one JSON string per scan), one verdict per line out.
// `warden label reel-id ID`: the text of the station's own reel-ID label for an id.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { makeReelIdLabel, parseLabel, type LabelResult, type ReelLabel } from '../../../firmware/core/label';
import { CliError } from './errors';
import { registerLabelRender } from './label-render';

/** Output order: the contract's fields first, then the extras. */
const FIELD_ORDER: readonly (keyof ReelLabel)[] = [
  'format', 'mpn', 'qty', 'lot', 'dateCode', 'supplierPn', 'customerPn', 'customerPo', 'salesOrder', 'invoice',
  'countryOfOrigin', 'manufacturer', 'msl', 'reelId', 'expiryDate', 'orderLine',
];

function labelJson(r: LabelResult): Record<string, unknown> {
  if (!r.ok) return { ok: false, error: r.reason, message: r.message };
  const out: Record<string, unknown> = { ok: true };
  for (const k of FIELD_ORDER) if (r.label[k] !== undefined) out[k] = r.label[k];
  return out;
}

/** One output object per non-blank input line; blank (whitespace-only) lines are skipped. */
function parseLines(input: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const lines = input.split('\n');
  lines.forEach((line, i) => {
    const text = line.replace(/\r$/, '');
    if (text.trim() === '') return;
    let scan: unknown;
    try {
      scan = JSON.parse(text);
    } catch (e) {
      out.push({ ok: false, error: 'BAD_DOCUMENT', message: `line ${i + 1}: not JSON (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    if (typeof scan !== 'string') {
      out.push({ ok: false, error: 'BAD_DOCUMENT', message: `line ${i + 1}: expected a JSON string holding one raw scan, got ${scan === null ? 'null' : Array.isArray(scan) ? 'an array' : typeof scan}` });
      return;
    }
    out.push(labelJson(parseLabel(scan)));
  });
  return out;
}

export function registerLabel(program: Command, write: (s: string) => void): void {
  const label = program.command('label').description('Reel labels: parse scans, print station reel-ID labels');

  label
    .command('parse')
    .description('Parse reel-label scans: JSON Lines on stdin, each line a JSON string holding one raw scan; one JSON object per line out')
    .option('--strict', 'exit 1 when any line was rejected (default: exit 0 once every line is answered)')
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
    .action((opts: { strict?: boolean }) => {
      let input: string;
      try {
        input = readFileSync(0, 'utf8');
      } catch (e) {
        throw new CliError('IO_ERROR', `cannot read stdin: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      const out = parseLines(input);
      for (const o of out) write(`${JSON.stringify(o)}\n`);
      if (opts.strict === true && out.some((o) => o['ok'] !== true)) process.exitCode = 1;
    });

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
