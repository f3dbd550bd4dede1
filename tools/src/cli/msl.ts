// `warden msl`: the J-STD-033 floor-life calculator (`floor-life`), the MSD state of a reel from its event history
// (`evaluate`) and the plausibility of a sensor reading (`sample`), all on the firmware's own engine. Output is one
// JSON object when piped or with --json, a short readable summary on a terminal; a bad argument or document prints
// {"error":CODE,"message":...} on stdout (and the usual one line on stderr) and exits 2.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { CARRIERS, HIC_SPOTS, MSD_LEVELS, THICKNESS_CLASSES, type MsdLevel } from '../../../protocol/src/messages';
import { REASONS, type ReasonName } from '../../../protocol/src/reasons';
import {
  classifySample,
  defaultEnv,
  evaluate,
  floorLife,
  HOUR,
  MAX_TEMP_C,
  MIN_TEMP_C,
  MINUTE,
  MSL_EVENT_TYPES,
  PACKAGE_TYPES,
  parseIsoTime,
  resolveClasses,
  SENSORS,
  type MslConfig,
  type MslError,
  type MslEvent,
  type MslView,
  type PackageType,
  type ThicknessClass,
} from '../../../firmware/core/msl/index';
import { CliError } from './errors';

type Json = Record<string, unknown>;

/** An error for the JSON contract: printed as {"error","message"} and exit 2. */
class MslCliError extends CliError {}

const fail = (reason: ReasonName, message: string): never => {
  throw new MslCliError(reason, message);
};

const NUMBER = /^-?\d+(\.\d+)?$/;

function numberArg(name: string, v: string | undefined): number {
  if (v === undefined) return fail('BAD_ARGUMENT', `--${name} is required`);
  if (!NUMBER.test(v.trim())) return fail('BAD_ARGUMENT', `--${name} ${v}: not a number`);
  return Number(v);
}

function levelOf(v: unknown, where: string, reason: ReasonName): MsdLevel {
  // Labels print "2a" or "2A"; a number is accepted for the levels that are numbers.
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim().toLowerCase() : v;
  const level = MSD_LEVELS.find((l) => l === s);
  return level ?? fail(reason, `${where}: one of ${MSD_LEVELS.join(', ')}`);
}

function classOf(v: unknown, where: string, reason: ReasonName): ThicknessClass {
  return THICKNESS_CLASSES.find((c) => c === v) ?? fail(reason, `${where}: one of thick, medium, thin, unknown`);
}

function packageOf(v: unknown, where: string, reason: ReasonName): PackageType {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  return PACKAGE_TYPES.find((p) => p === s) ?? fail(reason, `${where}: one of ${PACKAGE_TYPES.join(', ')}`);
}

interface FloorLifeOptions {
  readonly msl?: string;
  readonly class?: string;
  readonly temp?: string;
  readonly rh?: string;
  readonly tolHours?: string;
  readonly bodyMm?: string;
  readonly package?: string;
}

export function floorLifeJson(opts: FloorLifeOptions): Json {
  const level = opts.msl === undefined ? fail('BAD_ARGUMENT', '--msl is required') : levelOf(opts.msl, '--msl', 'BAD_ARGUMENT');
  const thicknessClass = opts.class === undefined ? fail('BAD_ARGUMENT', '--class is required') : classOf(opts.class, '--class', 'BAD_ARGUMENT');
  const tempC = numberArg('temp', opts.temp);
  const rhPct = numberArg('rh', opts.rh);
  if (tempC < MIN_TEMP_C || tempC > MAX_TEMP_C) fail('BAD_ARGUMENT', `--temp ${opts.temp}: °C, ${MIN_TEMP_C}..${MAX_TEMP_C}`);
  if (rhPct < 0 || rhPct > 100) fail('BAD_ARGUMENT', `--rh ${opts.rh}: %RH, 0..100`);
  let floorLifeHours: number | undefined;
  if (opts.tolHours !== undefined) {
    floorLifeHours = numberArg('tol-hours', opts.tolHours);
    if (!(floorLifeHours > 0)) fail('BAD_ARGUMENT', `--tol-hours ${opts.tolHours}: hours > 0`);
  }
  let bodyThicknessMm: number | undefined;
  if (opts.bodyMm !== undefined) {
    bodyThicknessMm = numberArg('body-mm', opts.bodyMm);
    if (!(bodyThicknessMm >= 0.01 && bodyThicknessMm <= 100)) fail('BAD_ARGUMENT', `--body-mm ${opts.bodyMm}: a thickness in mm, 0.01..100`);
  }
  const packageType = opts.package === undefined ? undefined : packageOf(opts.package, '--package', 'BAD_ARGUMENT');
  const spec = {
    level,
    thicknessClass,
    ...(floorLifeHours === undefined ? {} : { floorLifeHours }),
    ...(bodyThicknessMm === undefined ? {} : { bodyThicknessMm }),
    ...(packageType === undefined ? {} : { packageType }),
  };
  const fl = floorLife(spec, defaultEnv().tables, { tempC, rhPct });
  // A class that contradicts the body or package is rated by the more restrictive class; say so (only then).
  const extra = resolveClasses(spec).conflict ? { reasons: ['MSD_CLASS_CONFLICT'] } : {};
  if (!fl.rated) return { rated: false, reason: fl.reason, ...extra };
  const cell = { tempC: fl.cell.tempC, rhPct: fl.cell.rhPct };
  return fl.hours === null ? { rated: true, unlimited: true, cell, ...extra } : { rated: true, hours: fl.hours, cell, ...extra };
}

/** `warden msl sample`: the verdict the station runtime gets from classifySample for one reading. */
export function sampleJson(opts: { readonly temp?: string; readonly rh?: string }): Json {
  const tempC = numberArg('temp', opts.temp);
  const rhPct = numberArg('rh', opts.rh);
  const v = classifySample(tempC, rhPct);
  return v.ok ? { ok: true } : { ok: false, reason: v.reason, field: v.field, message: v.message };
}

// ------------------------------------------------------------------------------------------------------------
// evaluate: the document

// Any number of fractional digits (Python writes microseconds); the engine works in whole milliseconds. Impossible
// calendar values (30 February, hour 24) are refused with the field named, never shifted as Date.parse would.
function time(v: unknown, where: string): number {
  if (typeof v !== 'string') return fail('BAD_DOCUMENT', `${where}: an ISO-8601 time with a zone, e.g. 2026-03-01T08:00:00Z`);
  const t = parseIsoTime(v);
  return t.ok ? t.ms : fail('BAD_DOCUMENT', `${where}: ${t.message}`);
}

// An optional field may be absent or null (what many JSON writers emit for "no value").
function num(o: Json, key: string, where: string, optional: boolean): number | undefined {
  const v = o[key];
  if ((v === undefined || v === null) && optional) return undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : fail('BAD_DOCUMENT', `${where}.${key}: a number`);
}

function str(o: Json, key: string, where: string, optional: boolean): string | undefined {
  const v = o[key];
  if ((v === undefined || v === null) && optional) return undefined;
  return typeof v === 'string' ? v : fail('BAD_DOCUMENT', `${where}.${key}: a string`);
}

function oneOf<T extends string>(o: Json, key: string, where: string, values: readonly T[]): T | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return values.find((x) => x === v) ?? fail('BAD_DOCUMENT', `${where}.${key}: one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
}

function object(v: unknown, where: string): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : fail('BAD_DOCUMENT', `${where}: an object`);
}

function onlyKeys(o: Json, where: string, allowed: readonly string[]): void {
  // Strict on purpose: a misspelt optional field (say "hic_10") must not be silently ignored.
  for (const k of Object.keys(o)) if (!allowed.includes(k)) fail('BAD_DOCUMENT', `${where}.${k}: unknown field`);
}

const EVENT_FIELDS: Record<MslEvent['type'], readonly string[]> = {
  seal: [],
  open: ['hic10', 'hic60'],
  ambient: ['tempC', 'rhPct'],
  'dry-in': ['rhPct', 'tempC'],
  cabinet: ['rhPct', 'tempC'],
  'dry-out': [],
  'bake-start': ['tempC', 'rhPct', 'carrier'],
  'bake-interrupt': [],
  'bake-resume': [],
  'bake-end': [],
  'sensor-lost': ['sensor'],
  'sensor-ok': ['sensor'],
  'clock-lost': [],
  'time-sync': [],
  disposition: ['action', 'by', 'spec'],
  reflow: ['side'],
};

/** One event of the document, checked for shape and types; the engine then judges ranges and order. */
export function parseEvent(v: unknown, where: string): MslEvent {
  const o = object(v, where);
  const type = MSL_EVENT_TYPES.find((t) => t === o['type']) ?? fail('BAD_DOCUMENT', `${where}.type: one of ${MSL_EVENT_TYPES.join(', ')}`);
  onlyKeys(o, where, ['at', 'type', ...EVENT_FIELDS[type]]);
  const at = time(o['at'], `${where}.at`);
  const e: Json = { type, at };
  for (const k of EVENT_FIELDS[type]) {
    if (k === 'tempC' || k === 'rhPct') {
      // Unstated cabinet and oven temperatures take the worst the standard allows (firmware/core/msl/defaults.ts).
      const optional = k === 'tempC' ? type !== 'ambient' : type === 'bake-start';
      const n = num(o, k, where, optional);
      if (n !== undefined) e[k] = n;
    } else if (k === 'hic10' || k === 'hic60') {
      const spot = oneOf(o, k, where, HIC_SPOTS);
      if (spot !== undefined) e[k] = spot;
    } else if (k === 'action') {
      e[k] = oneOf(o, k, where, ['release', 'scrap'] as const) ?? fail('BAD_DOCUMENT', `${where}.action: "release" or "scrap"`);
    } else if (k === 'by') {
      e[k] = str(o, k, where, false);
    } else if (k === 'spec') {
      const s = str(o, k, where, true);
      if (s !== undefined) e[k] = s;
    } else if (k === 'carrier') {
      const c = oneOf(o, k, where, CARRIERS);
      if (c !== undefined) e[k] = c;
    } else if (k === 'side') {
      const side = oneOf(o, k, where, ['top', 'bottom'] as const);
      if (side !== undefined) e[k] = side;
    } else if (k === 'sensor') {
      const sensor = oneOf(o, k, where, SENSORS);
      if (sensor !== undefined) e[k] = sensor;
    }
  }
  return e as unknown as MslEvent;
}

export interface EvaluateDocument {
  readonly input: Parameters<typeof evaluate>[0];
  readonly at: number;
  readonly config: Partial<MslConfig>;
}

export function parseDocument(text: string): EvaluateDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail('BAD_DOCUMENT', `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const d = object(raw, 'document');
  onlyKeys(d, 'document', ['msl', 'thicknessClass', 'bodyThicknessMm', 'packageType', 'floorLifeHours', 'sealedAt', 'at', 'events', 'config']);
  if (d['msl'] === undefined) fail('BAD_DOCUMENT', 'msl: missing');
  const level = levelOf(d['msl'], 'msl', 'MSD_LEVEL_UNKNOWN');
  if (d['thicknessClass'] === undefined) fail('BAD_DOCUMENT', 'thicknessClass: missing');
  const thicknessClass = classOf(d['thicknessClass'], 'thicknessClass', 'BAD_DOCUMENT');
  const bodyThicknessMm = num(d, 'bodyThicknessMm', 'document', true);
  const packageType = d['packageType'] === undefined || d['packageType'] === null ? undefined : packageOf(d['packageType'], 'packageType', 'BAD_DOCUMENT');
  const floorLifeHours = num(d, 'floorLifeHours', 'document', true);
  const sealedAt = d['sealedAt'] === undefined || d['sealedAt'] === null ? undefined : time(d['sealedAt'], 'sealedAt');
  if (d['at'] === undefined) fail('BAD_DOCUMENT', 'at: missing (the time to evaluate at)');
  const at = time(d['at'], 'at');
  const eventsRaw = d['events'] ?? [];
  if (!Array.isArray(eventsRaw)) fail('BAD_DOCUMENT', 'events: a list');
  const events = (eventsRaw as unknown[]).map((e, i) => parseEvent(e, `events[${i}]`));
  const config: { -readonly [K in keyof MslConfig]?: MslConfig[K] } = {};
  if (d['config'] !== undefined && d['config'] !== null) {
    const c = object(d['config'], 'config');
    onlyKeys(c, 'config', ['staleMinutes', 'cabinetStaleMinutes', 'timeToReflowHours', 'marginHours']);
    const span = (key: string, unit: number): number | undefined => {
      const n = num(c, key, 'config', true);
      if (n !== undefined && !(n >= 0 && n <= 1e6)) fail('BAD_DOCUMENT', `config.${key}: 0..1000000`);
      return n === undefined ? undefined : n * unit;
    };
    const stale = span('staleMinutes', MINUTE);
    const cabinetStale = span('cabinetStaleMinutes', MINUTE);
    const ttr = span('timeToReflowHours', HOUR);
    const margin = span('marginHours', HOUR);
    if (stale !== undefined) config.staleAfterMs = stale;
    if (cabinetStale !== undefined) config.cabinetStaleAfterMs = cabinetStale;
    if (ttr !== undefined) config.timeToReflowMs = ttr;
    if (margin !== undefined) config.marginMs = margin;
  }
  const input = {
    level,
    thicknessClass,
    events,
    ...(bodyThicknessMm === undefined ? {} : { bodyThicknessMm }),
    ...(packageType === undefined ? {} : { packageType }),
    ...(floorLifeHours === undefined ? {} : { floorLifeHours }),
    ...(sealedAt === undefined ? {} : { sealedAt }),
  };
  return { input, at, config };
}

/** Conservative rounding for output: consumed up (6 decimals), remaining down (0.001 h), expiry down (1 ms). */
export function viewJson(v: MslView): Json {
  // The tiny tolerance only absorbs binary floating-point noise (e.g. 0.30000000000000004), never a real amount.
  const up = (x: number, scale: number) => Math.ceil(x * scale - 1e-7) / scale;
  const down = (x: number, scale: number) => Math.floor(x * scale + 1e-7) / scale;
  return {
    state: v.state,
    consumedFraction: Math.max(0, up(v.consumedFraction, 1e6)),
    remainingHours: v.remainingHours === null ? null : down(v.remainingHours, 1e3),
    expiresAt: v.expiresAt === null ? null : new Date(Math.floor(v.expiresAt)).toISOString(),
    reasons: v.reasons,
  };
}

function errorMessage(e: MslError): string {
  if (e.index === undefined) return e.message;
  return e.field !== undefined && e.message.startsWith(`${e.field}:`) ? `events[${e.index}].${e.message}` : `events[${e.index}]: ${e.message}`;
}

export function evaluateJson(text: string): Json {
  const doc = parseDocument(text);
  const r = evaluate(doc.input, doc.at, defaultEnv(doc.config));
  return r.ok ? viewJson(r.value) : fail(r.error.reason, errorMessage(r.error));
}

// ------------------------------------------------------------------------------------------------------------
// terminal summaries (JSON stays the output when piped, or with --json)

const reasonLine = (r: string) => `${r} (${REASONS[r as ReasonName]?.code ?? '?'}): ${REASONS[r as ReasonName]?.meaning ?? ''}`;
const cellText = (c: unknown) => {
  const cell = c as { tempC: number; rhPct: number };
  return `${cell.tempC} °C / ${cell.rhPct} %RH`;
};

export function floorLifeText(j: Json): string {
  const notes = ((j['reasons'] as string[] | undefined) ?? []).map((r) => `note: ${reasonLine(r)}`);
  const head =
    j['rated'] === false ? `not rated: ${reasonLine(j['reason'] as string)}`
    : j['unlimited'] === true ? `no limit: the floor-life clock does not run (cell ${cellText(j['cell'])})`
    : `${j['hours'] as number} h floor life (${((j['hours'] as number) / 24).toFixed(1)} days), from the ${cellText(j['cell'])} cell`;
  return [head, ...notes].join('\n') + '\n';
}

export function viewText(j: Json): string {
  const remaining = j['remainingHours'] === null ? 'no limit' : `${j['remainingHours'] as number} h`;
  const expires = j['expiresAt'] === null ? '' : `  (${j['state'] === 'expired' ? 'expired' : 'expires'} ${(j['expiresAt'] as string).replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})`;
  const reasons = j['reasons'] as string[];
  const lines = [
    `state      ${j['state'] as string}`,
    `remaining  ${remaining}${expires}`,
    `consumed   ${((j['consumedFraction'] as number) * 100).toFixed(2)} % of the floor life since the last reset`,
    ...(reasons.length === 0 ? ['reasons    none'] : reasons.map((r, i) => `${i === 0 ? 'reasons   ' : '          '} ${reasonLine(r)}`)),
  ];
  return lines.join('\n') + '\n';
}

export function sampleText(j: Json): string {
  return j['ok'] === true ? 'plausible: the engine uses this reading\n' : `implausible (${j['reason'] as string}): ${j['message'] as string}; it counts as no valid sample\n`;
}

export function registerMsl(program: Command, write: (s: string) => void, isTerminal: () => boolean = () => process.stdout.isTTY === true): void {
  const printError = (reason: string, message: string) => write(`${JSON.stringify({ error: reason, message })}\n`);
  // Usage errors that commander itself detects (an option without its value) also get the JSON error line.
  const onCommanderError = (e: CommanderError) => {
    if (e.exitCode !== 0) printError('BAD_ARGUMENT', e.message.replace(/^error:\s*/, ''));
    throw e;
  };
  const guarded =
    <A extends unknown[]>(fn: (...args: A) => Json, text: (j: Json) => string) =>
    (...args: A) => {
      const opts = args.find((a): a is { json?: boolean } => typeof a === 'object' && a !== null && 'json' in a);
      try {
        const out = fn(...args);
        write(opts?.json === true || !isTerminal() ? `${JSON.stringify(out)}\n` : text(out));
      } catch (e) {
        if (e instanceof MslCliError) printError(e.reason, e.message);
        throw e;
      }
    };

  const msl = program
    .command('msl')
    .description('Moisture-sensitive devices (IPC/JEDEC J-STD-033): floor life at given conditions, a reel\'s MSD state from its events, sensor plausibility');

  msl
    .command('floor-life')
    .description('Floor life for a level and thickness class at a temperature and humidity, after conservative rounding to the table')
    .option('--msl <level>', `moisture sensitivity level: ${MSD_LEVELS.join(', ')}`)
    .option('--class <class>', 'body thickness class: thick (≥3.1 mm, and BGA ≥1 mm), medium, thin, unknown')
    .option('--temp <C>', 'ambient temperature, °C')
    .option('--rh <pct>', 'relative humidity, %')
    .option('--tol-hours <H>', 'floor life from the label or host, hours (for MSL 6: the time on label)')
    .option('--body-mm <mm>', 'body thickness, mm (checked against the class; Table 7-1)')
    .option('--package <type>', `package type where it decides the class: ${PACKAGE_TYPES.join(', ')}`)
    .option('--json', 'JSON output (the default when piped)')
    .exitOverride(onCommanderError)
    .addHelpText(
      'after',
      '\nPrints {"rated":true,"hours":N,"cell":{"tempC":T,"rhPct":R}}, {"rated":true,"unlimited":true,"cell":{...}} or {"rated":false,"reason":"CODE"},\nwith "reasons":["MSD_CLASS_CONFLICT"] added when the class contradicts --body-mm/--package (the more restrictive class is used).\nExit status: 0 with an answer, 2 on a bad argument ({"error":"CODE","message":"..."}).',
    )
    .action(guarded((opts: FloorLifeOptions) => floorLifeJson(opts), floorLifeText));

  msl
    .command('evaluate')
    .description('MSD state of a reel from a JSON document of its events (stdin, or FILE)')
    .argument('[file]', 'the document ("-" or absent: stdin)')
    .option('--json', 'JSON output (the default when piped)')
    .exitOverride(onCommanderError)
    .addHelpText(
      'after',
      '\nPrints {"state":...,"consumedFraction":F,"remainingHours":H,"expiresAt":"ISO"|null,"reasons":[...]}.\nExit status: 0 with an answer, 2 on a malformed document or event ({"error":"CODE","message":"events[3].tempC: ..."}).',
    )
    .action(
      guarded((file: string | undefined) => {
        let text: string;
        try {
          text = readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8');
        } catch (e) {
          return fail('IO_ERROR', `cannot read ${file ?? 'stdin'}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
        return evaluateJson(text);
      }, viewText),
    );

  msl
    .command('sample')
    .description('Whether a temperature/RH reading is plausible, as the station judges every sensor sample')
    .option('--temp <C>', 'temperature reading, °C')
    .option('--rh <pct>', 'relative humidity reading, %')
    .option('--json', 'JSON output (the default when piped)')
    .exitOverride(onCommanderError)
    .addHelpText(
      'after',
      '\nPrints {"ok":true} or {"ok":false,"reason":"MSD_SENSOR_IMPLAUSIBLE","field":"tempC"|"rhPct","message":"..."}; an implausible\nreading counts as no valid sample (the last valid one holds through the staleness limit, then the worst case applies).\nExit status: 0 with an answer, 2 on a bad argument.',
    )
    .action(guarded((opts: { temp?: string; rh?: string }) => sampleJson(opts), sampleText));
}
