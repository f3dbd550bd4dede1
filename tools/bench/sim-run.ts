// One measured run of the line simulator, in its own process (so its peak memory is its own): prints one JSON line
// with the wall and CPU time, the peak resident set and what was simulated. Used by `npm run bench -- sim`.
//   node tools/bin/run-ts.cjs tools/bench/sim-run.ts SCENARIO STATIONS HOURS
//   node tools/bin/run-ts.cjs tools/bench/sim-run.ts --bare HOURS        (the peer: one station's firmware alone)
import { simulate } from '../../host-sim/run';
import { loadScenario } from '../../host-sim/scenarios';
import { rig, setUp } from '../../firmware/test/runtime/rig';

async function line(name: string, stations: number, hours: number): Promise<object> {
  const l = loadScenario(name, { stations, hours });
  if (!l.ok) throw new Error(l.detail);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await simulate({ scenario: l.scenario, seed: l.scenario.seed, replay: '' });
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return {
    scenario: name,
    stations,
    hours,
    wallMs,
    cpuMs: (c.user + c.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    boards: r.summary.boards.out,
    events: r.line.timeline.ran,
    violation: r.summary.violation?.invariant ?? null,
  };
}

/** The firmware's own share: one station, set up, ticked and given boards at the line's rates, nothing else. */
function bare(hours: number, tickS: number, cycleS: number): object {
  const r = rig({ journalKib: 512, config: { timeouts: { checkpointMs: 300_000 } } });
  setUp(r);
  const st = r.station;
  st.input({ kind: 'board', unitId: 'FIRST' });
  st.input({ kind: 'scan', data: 'OP:3001' });
  st.input({ kind: 'scan', data: 'CMD:FIRSTOFF-PASS' });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const end = hours * 3_600_000;
  let boards = 0;
  for (let t = 0, nextBoard = 0; t < end; t += tickS * 1000) {
    r.clock.advance(tickS * 1000);
    st.input({ kind: 'tick' });
    if (t >= nextBoard) {
      st.input({ kind: 'board', unitId: `SN-${boards++}` });
      nextBoard += cycleS * 1000;
      // The host acknowledges what it collected, as the MES would (else the journal fills).
      if (boards % 100 === 0) st.ackJournal(st.journalRef!.nextSequence - 1);
    }
  }
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { scenario: 'bare station', stations: 1, hours, wallMs, cpuMs: (c.user + c.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, boards, violation: null };
}

async function main(): Promise<void> {
  const [a, b, c] = process.argv.slice(2);
  const out = a === '--bare' ? bare(Number(b), Number(c ?? 10), 45) : await line(a!, Number(b), Number(c));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`sim-run: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
