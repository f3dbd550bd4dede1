// `warden label render --reel-id ID`: prints the station's own reel-ID label (a DataMatrix of `WR1:` + id + check
// character, made by bwip-js) for a reel whose supplier label has no unique id. The text is the station's
// (firmware/core/label/reelid.ts), so what is printed is what the station reads back.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import bwipjs from 'bwip-js/node';
import { REASONS } from '../../../protocol/src/reasons';
import { makeReelIdLabel } from '../../../firmware/core/label';
import { CliError } from './errors';

export interface ReelLabelSpec {
  readonly reelId: string;
  /** Printed under the code for people (not encoded: the host's reel record carries them). */
  readonly mpn?: string;
  readonly lot?: string;
  readonly quantity?: number;
  readonly manufacturer?: string;
  /** Pixels per module (PNG) or user units per module (SVG). */
  readonly scale?: number;
}

export type Rendered = { readonly ok: true; readonly text: string; readonly data: Uint8Array | string } | { readonly ok: false; readonly message: string };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function humanLines(s: ReelLabelSpec): string[] {
  return [s.mpn === undefined ? '' : `MPN ${s.mpn}`, s.manufacturer ?? '', [s.lot === undefined ? '' : `LOT ${s.lot}`, s.quantity === undefined ? '' : `QTY ${s.quantity}`].filter((x) => x !== '').join('  ')].filter((x) => x !== '');
}

/** The label as SVG: the DataMatrix, the reel-ID text and the human-readable lines; self-contained. */
export function renderSvg(s: ReelLabelSpec): Rendered {
  const t = makeReelIdLabel(s.reelId);
  if (!t.ok) return { ok: false, message: t.message };
  const scale = s.scale ?? 4;
  const code = bwipjs.toSVG({ bcid: 'datamatrix', text: t.text, scale, paddingwidth: scale * 2, paddingheight: scale * 2, backgroundcolor: 'FFFFFF' });
  const vb = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(code);
  const w = Number(vb?.[1] ?? 100);
  const h = Number(vb?.[2] ?? 100);
  const lines = [t.text, ...humanLines(s)];
  const fs = Math.max(8, scale * 3);
  const width = Math.max(w, Math.ceil(Math.max(...lines.map((l) => l.length)) * fs * 0.62) + 8);
  const height = h + lines.length * (fs + 2) + 6;
  const inner = code.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
  const text = lines.map((l, i) => `<text x="${width / 2}" y="${h + (i + 1) * (fs + 2)}" font-family="monospace" font-size="${fs}" text-anchor="middle">${esc(l)}</text>`).join('');
  return {
    ok: true,
    text: t.text,
    data: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/><g transform="translate(${(width - w) / 2},0)">${inner}</g>${text}</svg>\n`,
  };
}

/** The label as PNG: the DataMatrix with the reel-ID text under it (bwip-js's own font). */
export async function renderPng(s: ReelLabelSpec): Promise<Rendered> {
  const t = makeReelIdLabel(s.reelId);
  if (!t.ok) return { ok: false, message: t.message };
  const scale = s.scale ?? 4;
  const extra = humanLines(s);
  const png = await bwipjs.toBuffer({
    bcid: 'datamatrix',
    text: t.text,
    scale,
    // A white quiet zone: the default background is transparent, which decoders read as black.
    paddingwidth: 8,
    paddingheight: 8,
    backgroundcolor: 'FFFFFF',
    includetext: true,
    alttext: [t.text, ...extra].join('  '),
    textxalign: 'center',
  });
  return { ok: true, text: t.text, data: new Uint8Array(png) };
}

function fail(e: unknown): void {
  const reason = e instanceof CliError ? e.reason : 'INTERNAL_ERROR';
  process.stderr.write(`warden: ${reason} (${REASONS[reason].code}): ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = e instanceof CliError ? e.exitCode : 70;
}

/** Adds `render` to `warden label`. */
export function registerLabelRender(label: Command, write: (s: string | Uint8Array) => void): void {
  label
    .command('render')
    .description("Print the station's own reel-ID label (DataMatrix of WR1:<id><check>) as PNG or SVG, for reels whose supplier label lacks a unique id")
    .requiredOption('--reel-id <id>', 'reel id the host assigned: 1 to 24 characters of 0-9 A-Z')
    .option('--format <format>', 'png | svg', 'png')
    .option('--mpn <mpn>', 'printed under the code for people')
    .option('--manufacturer <name>', 'printed under the code for people')
    .option('--lot <lot>', 'printed under the code for people')
    .option('--qty <n>', 'printed under the code for people')
    .option('--scale <n>', 'pixels (PNG) or units (SVG) per module', '4')
    .option('--out <file>', 'write here (default: stdout; a PNG needs --out or a pipe)')
    .action((o: { reelId: string; format: string; mpn?: string; manufacturer?: string; lot?: string; qty?: string; scale: string; out?: string }) => {
      if (o.format !== 'png' && o.format !== 'svg') throw new CliError('BAD_ARGUMENT', `--format ${o.format}: png or svg`);
      const scale = Number(o.scale);
      if (!Number.isInteger(scale) || scale < 1 || scale > 40) throw new CliError('BAD_ARGUMENT', `--scale ${o.scale}: a whole number 1..40`);
      if (o.qty !== undefined && !/^\d+$/.test(o.qty)) throw new CliError('BAD_ARGUMENT', `--qty ${o.qty}: a whole number`);
      if (o.format === 'png' && o.out === undefined && process.stdout.isTTY === true) throw new CliError('BAD_ARGUMENT', 'a PNG is binary: give --out FILE.png, or pipe it (… > label.png)');
      const spec: ReelLabelSpec = {
        reelId: o.reelId,
        scale,
        ...(o.mpn === undefined ? {} : { mpn: o.mpn }),
        ...(o.manufacturer === undefined ? {} : { manufacturer: o.manufacturer }),
        ...(o.lot === undefined ? {} : { lot: o.lot }),
        ...(o.qty === undefined ? {} : { quantity: Number(o.qty) }),
      };
      const done = (r: Rendered): void => {
        if (!r.ok) throw new CliError('BAD_ARGUMENT', `--reel-id ${o.reelId}: ${r.message}`);
        if (o.out === undefined) write(r.data);
        else {
          try {
            writeFileSync(o.out, r.data);
          } catch (e) {
            throw new CliError('IO_ERROR', `cannot write ${o.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
          }
          process.stderr.write(`${o.out}: ${r.text}\n`);
        }
      };
      if (o.format === 'svg') return done(renderSvg(spec));
      // bwip-js makes PNGs asynchronously (zlib streams); errors are reported the way main reports them.
      renderPng(spec).then(done).catch(fail);
      return undefined;
    });
}
