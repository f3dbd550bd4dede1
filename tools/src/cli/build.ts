// `warden build --target moddable|qjs|xs [--out DIR]`: the firmware bundle for a controller or an embedded engine,
// with its size by module group and the budget. For `moddable`, the project mcconfig builds (manifest.json,
// partitions.csv, the two modules) with the station's first-boot configuration if given.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { REASONS, type ReasonName } from '../../../protocol/src/reasons';
import { buildFirmware, ROOT, TARGETS, type FirmwareBuild, type Target } from '../build/firmware';
import type { ModdableProjectOptions } from '../build/moddable';
import { CliError } from './errors';
import { table, wantJson } from './output';

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

export interface BuildArgs {
  target?: string;
  out?: string;
  config?: string;
  secretFile?: string;
  wiring?: string;
  check?: boolean;
  json?: boolean;
}

export function targetOf(v: string | undefined): Target {
  if (v === undefined || !(TARGETS as readonly string[]).includes(v)) throw new CliError('BAD_ARGUMENT', `--target ${v ?? '(missing)'}: one of ${TARGETS.join(', ')}`);
  return v as Target;
}

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError('IO_ERROR', `cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError('BAD_DOCUMENT', `the ${what} ${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The Moddable project's first-boot settings from the command line. */
export function projectOptions(a: BuildArgs): ModdableProjectOptions {
  let secret: Uint8Array | undefined;
  if (a.secretFile !== undefined) {
    try {
      secret = new Uint8Array(readFileSync(a.secretFile));
    } catch (e) {
      throw new CliError('IO_ERROR', `cannot read the secret ${a.secretFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (secret.length < 16) throw new CliError('CONFIG_INVALID', `the secret in ${a.secretFile} is ${secret.length} bytes; a station needs at least 16 (32 random bytes: head -c 32 /dev/urandom > key.bin)`);
  }
  return {
    ...(a.config === undefined ? {} : { station: readJsonFile(a.config, 'station configuration') }),
    ...(secret === undefined ? {} : { secret }),
    ...(a.wiring === undefined ? {} : { wiring: readJsonFile(a.wiring, 'wiring') }),
  };
}

export function defaultOut(target: Target): string {
  return join(ROOT, 'dist', target);
}

/** The build as a person reads it. */
export function buildSummary(b: FirmwareBuild, out: string): string {
  const lines: string[] = [`warden build: ${b.target} → ${relative(process.cwd(), out) || '.'}`, ''];
  lines.push(table(['file', 'minified', 'gzipped'], b.files.map((f) => [f.file, kib(f.bytes), kib(f.gzip)])));
  lines.push(table(['module group', 'minified', 'gzipped alone'], b.groups.map((g) => [g.group, kib(g.minified), kib(g.gzip)])));
  const budget = b.budget === undefined ? 'no budget for this target' : b.budget.ok ? `within the ${kib(b.budget.limit)} budget (${kib(b.budget.limit - b.bytes)} to spare)` : `OVER the ${kib(b.budget.limit)} budget by ${kib(b.bytes - b.budget.limit)}`;
  lines.push(`total ${kib(b.bytes)} minified, ${kib(b.gzip)} gzipped: ${budget}`);
  lines.push(`documentation left out: ${b.docs.texts} texts (${kib(b.docs.bytes)} of source)`);
  if (Object.keys(b.project).length > 0) lines.push(`project: ${Object.keys(b.project).join(', ')} (mcconfig -m -p esp32, or: warden flash --target moddable)`);
  return `${lines.join('\n')}\n`;
}

export function buildJson(b: FirmwareBuild, out: string): Record<string, unknown> {
  return {
    target: b.target,
    out,
    files: b.files.map((f) => ({ file: f.file, bytes: f.bytes, gzip: f.gzip })),
    groups: b.groups,
    bytes: b.bytes,
    gzip: b.gzip,
    budget: b.budget ?? null,
    docs: b.docs,
    project: Object.keys(b.project),
  };
}

/** Runs an async command: errors end as `warden: REASON (code): message` and a non-zero exit, as in main.ts. */
export function runAsync(job: () => Promise<void>): void {
  job().catch((e: unknown) => {
    const reason: ReasonName = e instanceof CliError ? e.reason : 'INTERNAL_ERROR';
    process.stderr.write(`warden: ${reason} (${REASONS[reason].code}): ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}\n`);
    process.exitCode = e instanceof CliError ? e.exitCode : 70;
  });
}

export async function buildCommand(a: BuildArgs, write: (s: string) => void): Promise<FirmwareBuild> {
  const target = targetOf(a.target);
  const out = a.out ?? defaultOut(target);
  const project = target === 'moddable' ? projectOptions(a) : {};
  let b: FirmwareBuild;
  try {
    b = await buildFirmware(target, { outDir: out, moddable: project });
  } catch (e) {
    throw new CliError('TOOLCHAIN_FAILED', `the bundle did not build: ${e instanceof Error ? e.message : String(e)}`);
  }
  write(wantJson(a) ? `${JSON.stringify(buildJson(b, out))}\n` : buildSummary(b, out));
  if (a.check === true && b.budget !== undefined && !b.budget.ok) {
    throw new CliError('BUDGET_EXCEEDED', `${b.target} bundle is ${kib(b.bytes)}, over its ${kib(b.budget.limit)} budget by ${kib(b.bytes - b.budget.limit)}`, 1);
  }
  return b;
}

export function registerBuild(program: Command, write: (s: string) => void): void {
  program
    .command('build')
    .description('bundle the firmware for a controller (moddable) or an embedded engine (qjs, xs), with its size by module group')
    .requiredOption('--target <target>', `${TARGETS.join(' | ')}`)
    .option('--out <dir>', 'output directory (default dist/<target>)')
    .option('--config <file>', 'moddable: the station configuration stored at its first boot (firmware/runtime/README.md)')
    .option('--secret-file <file>', 'moddable: the secret (raw bytes, 16 or more) stored at its first boot')
    .option('--wiring <file>', 'moddable: pin assignments that differ from firmware/platform/moddable/README.md')
    .option('--check', 'exit 1 (BUDGET_EXCEEDED) when the bundle is over its budget')
    .option('--json', 'JSON output (the default when stdout is not a terminal)')
    .action((opts: BuildArgs) => runAsync(async () => void (await buildCommand(opts, write))));
}
