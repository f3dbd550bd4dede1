// `warden station`: one station on simulated devices, driven from a terminal. `run` feeds a script of inputs
// (JSON Lines) and shows each answer, the permit and what was journaled; `config` validates and shows a
// configuration document, or with --store the one a station's state-store image holds (never its secret);
// `commands` lists the command barcodes an operator scans.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readHostMessage } from '../../../host-sim/host/host-message';
import { REASONS } from '../../../protocol/src/reasons';
import { COMMANDS, configDocument, configTable, parseConfig, RIGHTS, type StationConfig } from '../../../firmware/core/station';
import type { HostMessage, PermitView, StationInput } from '../../../firmware/core/station/types';
import { NO_TERMS } from '../../../firmware/core/station/types';
import { SimClock } from '../../../firmware/platform/sim/clock';
import { seededRandom, SimOutput, simStackLight, SimSensor } from '../../../firmware/platform/sim/devices';
import { SimFlash } from '../../../firmware/platform/sim/flash';
import { PowerDomain } from '../../../firmware/platform/sim/power';
import { Station, type StationEvent } from '../../../firmware/runtime/station';
import { readStoredConfig, type StoredConfig } from '../trace/store-image';
import { CliError } from './errors';
import { table, wantJson } from './output';
import { TIME_FORM, timeArg } from './time-arg';

type Json = Record<string, unknown>;

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new CliError('IO_ERROR', `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError('BAD_DOCUMENT', `${what} ${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The configuration a station's state store holds (its secret only as provisioned or not). */
function showStored(path: string, opts: { sectorSize: string; wordSize: string; explain?: boolean; json?: boolean }, write: (s: string) => void): void {
  const sectorSize = Number(opts.sectorSize);
  const wordSize = Number(opts.wordSize);
  if (!Number.isInteger(sectorSize) || sectorSize < 256 || sectorSize > 65536) throw new CliError('BAD_ARGUMENT', `--sector-size ${opts.sectorSize}: an integer 256..65536`);
  if (![1, 2, 4, 8, 16].includes(wordSize)) throw new CliError('BAD_ARGUMENT', `--word-size ${opts.wordSize}: 1, 2, 4, 8 or 16`);
  let image: Uint8Array;
  try {
    image = new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (e) {
    throw new CliError('IO_ERROR', `cannot read the state-store image ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const r = readStoredConfig(image, { sectorSize, wordSize });
  if (!r.ok) throw new CliError(r.reason, `${path}: ${r.detail}`);
  if (wantJson(opts)) {
    write(`${JSON.stringify({ source: path, config: configDocument(r.config), secret: r.secret, damage: r.damage }, null, 2)}\n`);
    return;
  }
  write(storedConfigText(path, r, opts.explain === true));
}

/** What a person reads on a terminal: the station, whether it has a secret, any damage, then the fields. */
export function storedConfigText(path: string, r: StoredConfig, explain: boolean): string {
  const secret = r.secret.provisioned ? `secret provisioned (${r.secret.bytes} bytes, never shown)` : 'NO SECRET: the station refuses every host command until one is provisioned';
  const head = [`${path}: station ${r.config.stationId} (${r.config.role}), ${secret}`, ...r.damage.map((d) => `damage: ${d}`)].join('\n');
  const rows = configTable().map((t) => [t.field, JSON.stringify(r.config[t.field as keyof StationConfig]), ...(explain ? [t.range, t.doc] : [])]);
  return `${head}\n${table(explain ? ['field', 'value', 'range', 'meaning'] : ['field', 'value'], rows)}`;
}

function configFrom(file: string | undefined): StationConfig {
  const doc = file === undefined ? {} : readJson(file, 'configuration');
  const c = parseConfig(doc);
  if (!c.ok) throw new CliError('CONFIG_INVALID', `${c.detail} (see \`warden station config --explain\`)`);
  return c.config;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?$/;
function durationMs(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  const m = typeof v === 'string' ? DURATION.exec(v.trim()) : null;
  if (m === null) throw new Error(`${where}: a duration (ms as a number, or "90s", "10m", "2h", "1d")`);
  const unit = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms']!;
  return Number(m[1]) * unit;
}

/** One line of a script, checked: what it asks the bench to do. */
type Step =
  | { readonly do: 'input'; readonly input: StationInput }
  | { readonly do: 'advance'; readonly ms: number }
  | { readonly do: 'reboot'; readonly offMs: number; readonly rtc: 'survives' | 'untrusted' | 'lost' }
  | { readonly do: 'sensor'; readonly reading: { ok: true; tempC: number; rhPct: number } | { ok: false; detail: string } }
  | { readonly do: 'sync' };

const INPUT_KINDS = new Set(['scan', 'board', 'program', 'sensor', 'unload', 'move', 'splice', 'bag-opened', 'manual-lot', 'logout', 'override', 'override-request', 'first-off', 'first-off-restart', 'ack-alarms', 'plc', 'host', 'work-order', 'tick']);

function stepOf(x: unknown): Step {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error('each line is a JSON object');
  const o = x as Json;
  if ('advance' in o) return { do: 'advance', ms: durationMs(o['advance'], 'advance') };
  if ('reboot' in o) {
    const r = (typeof o['reboot'] === 'object' && o['reboot'] !== null ? o['reboot'] : {}) as Json;
    const rtc = r['rtc'] ?? 'survives';
    if (rtc !== 'survives' && rtc !== 'untrusted' && rtc !== 'lost') throw new Error('reboot.rtc: survives, untrusted or lost');
    return { do: 'reboot', offMs: durationMs(r['off'] ?? 1000, 'reboot.off'), rtc };
  }
  if ('setSensor' in o) {
    const s = o['setSensor'] as Json;
    if (typeof s !== 'object' || s === null) throw new Error('setSensor: {"tempC":…,"rhPct":…} or {"fault":"…"}');
    if (typeof s['fault'] === 'string') return { do: 'sensor', reading: { ok: false, detail: s['fault'] } };
    if (typeof s['tempC'] !== 'number' || typeof s['rhPct'] !== 'number') throw new Error('setSensor: tempC and rhPct are numbers');
    return { do: 'sensor', reading: { ok: true, tempC: s['tempC'], rhPct: s['rhPct'] } };
  }
  if (o['kind'] === 'sync') return { do: 'sync' };
  if (typeof o['kind'] !== 'string' || !INPUT_KINDS.has(o['kind'])) throw new Error(`kind: one of ${[...INPUT_KINDS, 'sync'].join(', ')}, or advance / reboot / setSensor`);
  if (o['kind'] === 'host') {
    const m = readHostMessage(o['message']);
    if (!m.ok) throw new Error(m.field === 'type' ? 'message: {"type": a host message type, "body": {…}}' : `message.body: ${m.detail}`);
    return { do: 'input', input: { kind: 'host', message: m.message as HostMessage } };
  }
  if (o['kind'] === 'work-order') {
    const order = o['order'];
    if (typeof order !== 'object' || order === null) throw new Error('order: a work order {"header": {…}, "slots": […]}');
    const terms = { ...NO_TERMS, ...((o['terms'] as object | undefined) ?? {}) };
    return { do: 'input', input: { kind: 'work-order', order: order as never, terms, digest: typeof o['digest'] === 'number' ? o['digest'] : 0 } };
  }
  return { do: 'input', input: o as unknown as StationInput };
}

function bench(config: StationConfig, start: number) {
  const clock = new SimClock({ rtc: { epochMs: start, trusted: true } });
  const power = new PowerDomain();
  const journal = new SimFlash({ sectorSize: 4096, sectorCount: Math.max(3, Math.floor((config['journal.kib'] * 1024) / 4096)), wordSize: 4 });
  const store = new SimFlash({ sectorSize: 4096, sectorCount: 64, wordSize: 4 });
  const relay = new SimOutput();
  const light = simStackLight();
  const sensor = new SimSensor();
  const events: StationEvent[] = [];
  const make = () =>
    Station.start({
      hal: { journalFlash: power.attach(journal), storeFlash: power.attach(store), clock, runPermit: relay, stackLight: light, sensor, random: seededRandom(1) },
      provision: { config: configDocument(config), secret: new Uint8Array(32).fill(1) },
      onEvent: (e) => events.push(e),
    });
  return { clock, power, sensor, relay, events, make };
}

/** The stack light as people name it: the lamps lit, or "off". */
function lightText(l: PermitView['light']): string {
  const lit = (['red', 'amber', 'green'] as const).filter((c) => l[c]);
  return lit.length === 0 ? 'off' : lit.join('+');
}

function describeInput(i: StationInput): string {
  switch (i.kind) {
    case 'scan':
      return `scan ${JSON.stringify(i.data.length > 40 ? `${i.data.slice(0, 37)}…` : i.data)}`;
    case 'host':
      return `host ${i.message.type}`;
    case 'work-order':
      return `work order ${i.order.header?.workOrderIdentifier ?? '?'}`;
    default:
      return i.kind;
  }
}

export function registerStation(program: Command, write: (s: string) => void): void {
  const station = program.command('station').description('Drive one station on simulated devices; show and check its configuration');

  station
    .command('run')
    .description('Feed a script of inputs (JSON Lines) to a station on simulated devices; show each answer, the permit and the records')
    .argument('[script]', 'JSON Lines file, or - for stdin', '-')
    .option('--config <file>', 'configuration document (default: the defaults, station 1)')
    .option('--start <time>', `wall clock at power-on: ${TIME_FORM}`, '2026-12-01T06:00:00Z')
    .option('--json', 'one JSON object per script line (the default when piped)')
    .addHelpText(
      'after',
      [
        '',
        'Each line is a station input, e.g. {"kind":"scan","data":"OP:1001"}, {"kind":"board","unitId":"SN1"},',
        '{"kind":"program","name":"P","revision":"3","checksum":305419896}, {"kind":"host","message":{"type":"BadgeRecord","body":{…}}},',
        '{"kind":"work-order","order":{"header":{…},"slots":[…]},"terms":{"prototype":false}}; or a bench step:',
        '{"advance":"10m"}, {"kind":"sync"} (the host sets the clock), {"setSensor":{"tempC":24,"rhPct":45}}, {"reboot":{"off":"1h","rtc":"untrusted"}}.',
        'Example: warden station run tools/examples/station-demo.jsonl',
        'Exit status: 0 when every line was taken (refusals are answers), 2 for a line that is not a valid input.',
      ].join('\n'),
    )
    .action((script: string, opts: { config?: string; start: string; json?: boolean }) => {
      const config = configFrom(opts.config);
      const start = timeArg('--start', opts.start);
      let text: string;
      try {
        text = readFileSync(script === '-' ? 0 : script, 'utf8');
      } catch (e) {
        throw new CliError('IO_ERROR', `cannot read ${script}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      const json = wantJson(opts);
      const b = bench(config, start);
      let st = b.make();
      const lines = text.split('\n');
      let bad = 0;
      const show = (n: number, what: string, out: Json, records: string[]) => {
        const p = st.permitView();
        const permit = { on: p.on, state: p.state, reasons: p.reasons, warnings: p.warnings, light: lightText(p.light) };
        if (json) write(`${JSON.stringify({ line: n, ...out, records, permit })}\n`);
        else {
          const reply = out['reply'] as { ok: boolean; reason: string; detail: string } | undefined;
          const verdict = reply === undefined ? '' : reply.ok ? `ok: ${reply.detail}` : `REFUSED ${reply.reason} (${REASONS[reply.reason as keyof typeof REASONS].code}): ${reply.detail}`;
          write(`${String(n).padStart(3)}  ${what.padEnd(34)} ${verdict}\n`);
          if (records.length > 0) write(`     journaled: ${records.join(', ')}\n`);
          write(`     permit ${p.on ? 'ON ' : 'OFF'} ${p.state}${p.reasons.length > 0 ? `: ${p.reasons.join(', ')}` : ''}; light ${permit.light}${p.warnings.length > 0 ? `; warnings: ${p.warnings.join(', ')}` : ''}\n`);
        }
      };
      lines.forEach((line, i) => {
        const n = i + 1;
        if (line.trim() === '') return;
        let step: Step;
        try {
          step = stepOf(JSON.parse(line));
        } catch (e) {
          bad++;
          const msg = `line ${n}: ${e instanceof Error ? e.message : String(e)}`;
          if (json) write(`${JSON.stringify({ line: n, error: 'BAD_DOCUMENT', message: msg })}\n`);
          else write(`${String(n).padStart(3)}  BAD_DOCUMENT: ${msg}\n`);
          return;
        }
        const before = b.events.length;
        const records = () => b.events.slice(before).flatMap((e) => (e.kind === 'record' ? [e.message.type] : []));
        switch (step.do) {
          case 'advance':
            b.clock.advance(step.ms);
            st.input({ kind: 'tick' });
            show(n, `advance ${step.ms / 1000} s`, { advancedMs: step.ms }, records());
            break;
          case 'reboot':
            b.power.cut();
            b.clock.powerCycle(step.offMs, step.rtc);
            b.power.reboot();
            st = b.make();
            show(n, `power off ${step.offMs / 1000} s, RTC ${step.rtc}`, { rebooted: true, boot: st.boot ?? null }, records());
            break;
          case 'sensor':
            b.sensor.reading = step.reading;
            show(n, 'sensor set', { sensor: step.reading }, records());
            break;
          case 'sync': {
            const t = b.clock.readRtc()?.epochMs ?? start + b.clock.monotonicMs();
            const reply = st.input({ kind: 'host', message: { type: 'TimeSync', body: { utcTime: Math.floor(t / 1000), millis: t % 1000 } } });
            show(n, 'host TimeSync', { reply }, records());
            break;
          }
          case 'input': {
            const reply = st.input(step.input);
            show(n, describeInput(step.input), { input: step.input.kind, reply }, records());
            break;
          }
        }
      });
      const v = st.view();
      const p = st.permitView();
      const clock = v.clockValid ? new Date(st.now()).toISOString() : null;
      if (json) write(`${JSON.stringify({ summary: v, warnings: p.warnings, light: lightText(p.light), clock })}\n`);
      else {
        write(`\nstation ${config.stationId} (${config.role}): ${v.state}, permit ${v.runPermit ? 'ON' : 'OFF'}${v.reasons.length > 0 ? ` (${v.reasons.join(', ')})` : ''}\n`);
        write(`stack light ${lightText(p.light)}; warnings: ${p.warnings.length === 0 ? 'none' : p.warnings.map((w) => `${w} (${REASONS[w].code})`).join(', ')}; clock ${clock ?? 'not valid (needs a host time sync)'}\n`);
        write(`slots ${v.slotsVerified}/${v.slotsRequired} verified, ${v.msdReels} MSD reels${v.leastMsdRemainingMin === null ? '' : ` (least ${v.leastMsdRemainingMin} min left)`}, boards ${v.boardsRecorded}, journal ${v.journalPending} records pending\n`);
        if (v.slots.length > 0) write(table(['slot', 'state', 'reason', 'MSD min', 'qty'], v.slots.map((s) => [s.position, s.state, s.reason, s.msdRemainingMin === null ? '' : String(s.msdRemainingMin), String(s.quantity)])));
      }
      if (bad > 0) process.exitCode = 2;
    });

  station
    .command('config')
    .description('Validate a configuration document and show it with every default filled in, or show the one a station holds')
    .argument('[file]', 'configuration document (JSON); none shows the defaults')
    .option('--store <image>', "the station's state-store partition image (a device dump, or a simulator --out's stations/<id>/store.bin): show the configuration it holds")
    .option('--sector-size <bytes>', 'flash sector size of the image', '4096')
    .option('--word-size <bytes>', 'flash program word of the image', '4')
    .option('--explain', 'show every field with its range, default and meaning')
    .option('--json', 'the document as JSON (the default when piped)')
    .action((file: string | undefined, opts: { store?: string; sectorSize: string; wordSize: string; explain?: boolean; json?: boolean }) => {
      if (opts.store !== undefined) {
        if (file !== undefined) throw new CliError('BAD_ARGUMENT', 'give a configuration document or --store, not both');
        showStored(opts.store, opts, write);
        return;
      }
      const c = configFrom(file);
      if (opts.explain === true) {
        const rows = configTable().map((r) => [r.field, String(c[r.field as keyof StationConfig]), r.range, r.doc]);
        if (wantJson(opts)) write(`${JSON.stringify(configTable())}\n`);
        else write(table(['field', 'value', 'range', 'meaning'], rows));
        return;
      }
      if (wantJson(opts)) write(`${JSON.stringify(configDocument(c), null, 2)}\n`);
      else write(table(['field', 'value'], configTable().map((r) => [r.field, JSON.stringify(c[r.field as keyof StationConfig])])));
    });

  station
    .command('commands')
    .description('The command barcodes an operator scans, and who may do what')
    .option('--json', 'as JSON (the default when piped)')
    .action((opts: { json?: boolean }) => {
      const rows = Object.entries(COMMANDS).map(([code, c]) => [`CMD:${code}`, c.what]);
      const rights = Object.values(RIGHTS).map((r) => [r.what, r.role] as [string, string]);
      if (wantJson(opts)) write(`${JSON.stringify({ commands: Object.fromEntries(rows), rights: Object.fromEntries(rights) })}\n`);
      else write(`${table(['barcode', 'what it does'], rows)}\n${table(['action', 'needs at least'], rights)}`);
    });
}
