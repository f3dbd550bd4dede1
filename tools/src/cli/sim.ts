// `warden sim`: runs the host simulator (host-sim/): a whole line of stations running the real firmware, with the
// MES, PLCs, operators, machines, air and faults of a scenario, much faster than real time and reproducible from
// its seed. On a terminal a progress bar (stderr) and a summary table; with --json or piped, the summary as one
// JSON document. An invariant violation stops the run, prints the seed and the command that replays it, and exits 1.
import { mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { writeOut } from '../../../host-sim/check/out';
import type { SimSummary } from '../../../host-sim/check/summary';
import type { LineTransports } from '../../../host-sim/line/line';
import { SimSockets } from '../../../host-sim/node/sim-links';
import { simulate } from '../../../host-sim/run';
import { BUILTIN_SCENARIOS, loadScenario } from '../../../host-sim/scenarios';
import { CliError } from './errors';
import { table, wantJson } from './output';

interface SimCliOptions {
  scenario: string;
  seed?: string;
  hours?: string;
  stations?: string;
  realtime?: boolean;
  speed?: string;
  modbusBasePort?: string;
  tcp?: boolean;
  out?: string;
  json?: boolean;
  list?: boolean;
}

function intArg(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw new CliError('BAD_ARGUMENT', `--${name} ${v}: a whole number ${min}..${max}`);
  return Number(v);
}

function numArg(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(n >= min && n <= max)) throw new CliError('BAD_ARGUMENT', `--${name} ${v}: a number ${min}..${max}`);
  return n;
}

const hhmm = (ms: number): string => `${String(Math.floor(ms / 3_600_000)).padStart(2, '0')}:${String(Math.floor(ms / 60_000) % 60).padStart(2, '0')}`;

export function registerSim(program: Command, write: (s: string) => void): void {
  program
    .command('sim')
    .description('Run the line simulator: stations on the real firmware, MES, PLCs, operators and faults, from a scenario and a seed')
    .option('--scenario <name|file>', `a built-in scenario (${BUILTIN_SCENARIOS.join(', ')}) or a scenario file`, 'demo')
    .option('--seed <n>', "the seed (default: the scenario's)")
    .option('--hours <h>', "simulated hours (default: the scenario's)")
    .option('--stations <n>', "stations on the line, the last one the reflow oven (default: the scenario's)")
    .option('--realtime', 'run at the speed of the wall clock')
    .option('--speed <x>', 'run at x times real time (1 = --realtime)')
    .option('--modbus-base-port <p>', 'serve each station\'s Modbus/TCP on 127.0.0.1:P+i (station i), for a real PLC tool; real time unless --speed')
    .option('--tcp', "the MES talks to the stations' host ports over real loopback TCP")
    .option('--out <dir>', 'write the journals, state stores, configurations, work orders and collected records there')
    .option('--json', 'the summary as one JSON document (the default when piped)')
    .option('--list', 'list the built-in scenarios and exit')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  warden sim                                   the demo: 6 stations, one 8-hour shift, a few faults',
        '  warden sim --scenario power-cuts --seed 7    one fault family, another seed',
        '  warden sim --scenario large-line --out run1  30 stations for 24 h; journals and records in run1/',
        '  warden sim --modbus-base-port 1500           real time; station 1 on port 1501: mbpoll -m tcp -p 1501 -a 1 -0 -t 3 -r 0 -c 16 127.0.0.1',
        'The same scenario and seed give the same summary, JSON and --out files, byte for byte.',
        'Exit status: 0 when every invariant held, 1 when one failed (the seed and the replay command are printed),',
        '130 when interrupted (Ctrl-C; the summary of what ran is printed), 2 for a bad argument or scenario.',
      ].join('\n'),
    )
    .action(async (o: SimCliOptions) => {
      if (o.list === true) {
        const rows = BUILTIN_SCENARIOS.map((name) => {
          const l = loadScenario(name);
          return l.ok ? [name, `${l.scenario.line.stations}`, `${l.scenario.hours}`, l.scenario.description.split('. ')[0]!.replace(/\.$/, '')] : [name, '', '', l.detail];
        });
        if (wantJson(o)) write(`${JSON.stringify(rows.map(([name, stations, hours, about]) => ({ name, stations: Number(stations), hours: Number(hours), about })))}\n`);
        else write(table(['scenario', 'stations', 'hours', 'what it shows'], rows));
        return;
      }
      const seed = intArg('seed', o.seed, 0, 0xffffffff);
      const hours = numArg('hours', o.hours, 0.01, 720);
      const stations = intArg('stations', o.stations, 2, 200);
      if (o.realtime === true && o.speed !== undefined) throw new CliError('BAD_ARGUMENT', '--realtime and --speed: give one (--realtime is --speed 1)');
      const speedX = numArg('speed', o.speed, 0.01, 1e9);
      const modbusBase = intArg('modbus-base-port', o.modbusBasePort, 1, 65535 - 201);
      const loaded = loadScenario(o.scenario, { ...(hours === undefined ? {} : { hours }), ...(stations === undefined ? {} : { stations }) });
      if (!loaded.ok) throw new CliError(loaded.reason, `${loaded.detail} (see \`warden sim --list\` and host-sim/scenarios/README.md)`);
      const sc = loaded.scenario;
      const s = seed ?? sc.seed;
      const speed = speedX ?? (o.realtime === true || modbusBase !== undefined ? 1 : undefined);
      const replay = `npx warden sim --scenario ${loaded.source} --seed ${s} --hours ${sc.hours} --stations ${sc.line.stations}`;
      if (o.out !== undefined) {
        try {
          mkdirSync(o.out, { recursive: true });
        } catch (e) {
          throw new CliError('IO_ERROR', `--out ${o.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
      }
      const sockets = o.tcp === true || modbusBase !== undefined ? new SimSockets() : undefined;
      const transports: LineTransports | undefined =
        sockets === undefined
          ? undefined
          : {
              ...(o.tcp === true ? { host: { listen: (id: number) => sockets.hostListen(id), net: sockets.hostNet } } : {}),
              ...(modbusBase !== undefined ? { modbus: sockets.modbusListen(modbusBase), plc: sockets.plcDial(modbusBase) } : {}),
            };
      let stop = false;
      const onSigint = (): void => {
        if (stop) process.exit(130);
        stop = true;
      };
      process.on('SIGINT', onSigint);
      const tty = process.stderr.isTTY === true;
      const bar = tty ? new SingleBar({ stream: process.stderr, format: ' {bar} {percentage}% | {sim} of {end} simulated | {speed} | {scenario} seed {seed}', hideCursor: true, barsize: 30 }) : undefined;
      const wall0 = performance.now();
      const endMs = Math.round(sc.hours * 3_600_000);
      bar?.start(endMs, 0, { sim: '00:00', end: hhmm(endMs), speed: '', scenario: sc.name, seed: s });
      let summary: SimSummary;
      let result: Awaited<ReturnType<typeof simulate>>;
      try {
        result = await simulate({
          scenario: sc,
          seed: s,
          replay,
          ...(transports === undefined ? {} : { transports }),
          ...(speed === undefined ? {} : { speed }),
          ...(o.tcp === true && sockets !== undefined ? { settle: () => sockets.settle() } : {}),
          interrupted: () => stop,
          onStart: async () => {
            if (modbusBase !== undefined && sockets !== undefined) {
              await sockets.ports();
              process.stderr.write(`Modbus/TCP: station i on 127.0.0.1:${modbusBase}+i (station 1 on ${modbusBase + 1} … station ${sc.line.stations} on ${modbusBase + sc.line.stations}); Ctrl-C stops\n`);
            }
          },
          onProgress: (p) => {
            const wall = (performance.now() - wall0) / 1000;
            bar?.update(p.simMs, { sim: hhmm(p.simMs), speed: wall > 0 ? `${Math.round(p.simMs / 1000 / wall).toLocaleString('en')}× real time` : '' });
          },
        });
        summary = result.summary;
      } finally {
        bar?.stop();
        process.off('SIGINT', onSigint);
        sockets?.close();
      }
      const wall = (performance.now() - wall0) / 1000;
      if (o.out !== undefined) writeOut(o.out, result.line, summary);
      if (wantJson(o)) write(`${JSON.stringify(summary)}\n`);
      else write(render(summary));
      if (tty) process.stderr.write(`${summary.simulatedHours} h simulated in ${wall.toFixed(1)} s wall (${Math.round((summary.simulatedHours * 3600) / Math.max(wall, 1e-3)).toLocaleString('en')}× real time)${o.out === undefined ? '' : `; files in ${o.out}`}\n`);
      if (summary.violation !== null) {
        const v = summary.violation;
        process.stderr.write(`warden: invariant ${v.invariant} violated at station ${v.station}, ${v.at}: ${v.detail}\nseed ${s}; replay with: ${replay}\n`);
        process.exitCode = 1;
      } else if (summary.interrupted) process.exitCode = 130;
    });
}

/** The summary for people: what ran, boards, stops by reason and by station, MSD, traceability, invariants. */
export function render(s: SimSummary): string {
  const out: string[] = [];
  const name = (id: number): string => s.stations.find((x) => x.id === id)?.name ?? String(id);
  const placement = s.stations.filter((x) => x.role !== 'reflow').length;
  out.push(`SMT Warden line simulation: scenario ${s.scenario}, seed ${s.seed}`);
  out.push(`${s.start.replace('T', ' ').slice(0, 16)} to ${s.end.replace('T', ' ').slice(0, 16)} UTC, ${s.simulatedHours} h simulated; ${s.stations.length} stations (${placement} placement, ${s.stations.length - placement} reflow)${s.completed ? '' : s.interrupted ? '; INTERRUPTED' : '; STOPPED AT A VIOLATION'}`);
  out.push('');
  out.push(`Boards: ${s.boards.started} started, ${s.boards.out} out of the oven`);
  out.push(table(['station', ...s.boards.byStation.map((b) => name(b.station))], [['built', ...s.boards.byStation.map((b) => String(b.built))]]).trimEnd());
  out.push('');
  out.push(`Stops: ${s.stops.total}, ${s.stops.minutes.toFixed(1)} min in all`);
  if (s.stops.byReason.length > 0) {
    out.push(table(['reason', 'code', 'stops', 'stations', 'minutes'], s.stops.byReason.map((r) => [r.reason, String(r.code), String(r.stops), r.stations.map(name).join(' '), r.minutes.toFixed(1)])).trimEnd());
    out.push('');
    out.push(table(['station', 'stops', 'minutes', 'reasons'], s.stops.byStation.map((r) => [name(r.station), String(r.stops), r.minutes.toFixed(1), r.reasons.join(', ')])).trimEnd());
  }
  out.push('');
  const alarms = Object.entries(s.msd.alarms).map(([k, n]) => `${k} ${n}`).join(', ');
  out.push(`MSD: ${s.msd.bagsOpened} dry bags opened, ${s.msd.reelsTakenOff} reels off the feeders (${s.msd.toDryCabinet} to the dry cabinet, ${s.msd.toBake} to the oven), ${s.msd.partUsedReels} part-used reel${s.msd.partUsedReels === 1 ? '' : 's'} loaded; alarms: ${alarms === '' ? 'none' : alarms}`);
  const lost = s.traceability.lostToCut;
  out.push(`Traceability: ${s.traceability.complete} of ${s.traceability.boards} boards fully traced (${s.traceability.percent.toFixed(2)} %)${lost === 0 ? '' : `; ${lost} reported in the instant a station lost power, never acknowledged`}`);
  const refused = Object.entries(s.host.refused).map(([k, n]) => `${k} ${n}`).join(', ');
  out.push(`Host: ${s.host.sessions} sessions, ${s.host.outages} outage${s.host.outages === 1 ? '' : 's'}, ${s.host.sent} messages sent (${s.host.acked} acked${refused === '' ? '' : `; refused: ${refused}`}), ${s.host.recordsCollected} records collected; link: ${s.host.link.writes} writes, ${s.host.link.corrupted} corrupted, ${s.host.link.dropped} dropped`);
  out.push(`PLC: ${s.plc.polls} polls, ${s.plc.heartbeats} heartbeats, ${s.plc.exceptions} exceptions, ${s.plc.conveyorStops} conveyor stops`);
  const rs = Object.entries(s.scans.refused).map(([k, n]) => `${k} ${n}`).join(', ');
  out.push(`Scans: ${s.scans.total}, ${Object.values(s.scans.refused).reduce((a, b) => a + b, 0)} refused${rs === '' ? '' : ` (${rs})`}; first-offs: ${s.firstOffs.requested} (${s.firstOffs.passedByHost} passed by the MES, ${s.firstOffs.passedAtStation} at the station, ${s.firstOffs.failedByHost} failed); overrides: ${s.overrides.requested} asked, ${s.overrides.granted} granted`);
  const faults = Object.entries(s.faults.injected).map(([k, n]) => `${k} ${n}`).join(', ');
  out.push(`Faults: ${faults === '' ? 'none' : faults}; ${s.faults.powerCuts} power cut${s.faults.powerCuts === 1 ? '' : 's'}, ${s.faults.boots} boots`);
  out.push('');
  out.push(table(['invariant', 'verdict'], s.invariants.map((i) => [i.name, i.ok ? 'held' : `VIOLATED (${i.violations})`])).trimEnd());
  if (s.expectations !== null) {
    const e = s.expectations;
    out.push(
      `Expected stops: ${e.met ? 'met' : 'NOT MET'}${e.missing.length > 0 ? `; missing ${e.missing.map((m) => `${m.reason} at ${name(m.station)}`).join(', ')}` : ''}${e.unexpected.length > 0 ? `; unexpected ${e.unexpected.map((u) => `${u.reasons.join('+')} at ${name(u.station)}`).join(', ')}` : ''}`,
    );
  }
  if (s.violation !== null) {
    out.push('');
    out.push(`VIOLATION: ${s.violation.invariant} at ${name(s.violation.station)}, ${s.violation.at}: ${s.violation.detail}`);
    out.push(`Replay: ${s.replay}`);
  }
  return `${out.join('\n')}\n`;
}
