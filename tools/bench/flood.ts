// A running station under a bad-MAC flood on its host port: reel scans decided per second through the whole runtime
// while an attacker reconnects and floods, against the same scans on a quiet station (the peer) in the same run;
// and what the station's one MAC budget let the attacker make it hash, against what one budget per connection did.
import { DEFAULT_MAC_BUDGET } from '../../protocol/src/session';
import { floodLine } from '../../firmware/test/runtime/flood';
import { rig, setUp } from '../../firmware/test/runtime/rig';
import { REELS } from '../../firmware/test/runtime/scans';
import { rate, type Section } from './harness';

/** Two reels of the same part taking turns on B1.F.6: every scan replaces the reel (unload, load, verify, checkpoint). */
const A = REELS['B1.F.6'];
const B = REELS['B1.F.6'].replace('1TBI1BT7C', '1TBI1BT9X');

/** Forged frames per second of station time, from a new connection every second (40 frames each, as in the probe). */
const FLOOD_PER_S = 200;
const PER_CONNECTION = 40;

/** Scan pairs (slot, reel) per second of wall time; each pair is one second of station time, flooded or not. */
function scansPerSecond(flooded: boolean): { rate: number; checks: number; refused: number; seconds: number } {
  const r = rig({ journalKib: 16384 });
  setUp(r);
  const l = floodLine(r);
  let i = 0;
  const n = rate(() => {
    r.clock.advance(1000);
    if (flooded) for (let k = 0; k < FLOOD_PER_S / PER_CONNECTION; k++) l.attack(PER_CONNECTION);
    r.station.input({ kind: 'scan', data: 'B1.F.6' });
    const reply = r.station.input({ kind: 'scan', data: i++ % 2 === 0 ? B : A });
    if (!reply.ok) throw new Error(`${reply.reason}: ${reply.detail}`);
  }, 200, 3);
  const s = r.station.macBudget.stats;
  return { rate: n, checks: s.spent, refused: s.refused, seconds: r.clock.monotonicMs() / 1000 };
}

export async function floodBench(): Promise<Section> {
  const quiet = scansPerSecond(false);
  const flooded = scansPerSecond(true);
  const connections = (flooded.seconds * FLOOD_PER_S) / PER_CONNECTION;
  const perConnection = connections * (DEFAULT_MAC_BUDGET.burst - (DEFAULT_MAC_BUDGET.reserve ?? 0));
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  return {
    title: 'Station under a bad-MAC flood',
    body: [
      'Reel scans decided per second through the whole runtime (slot scan, reel scan: parse, verify, journal, checkpoint, outputs),',
      `each pair one second of station time. Peer: a quiet station. Flooded: the same station while an attacker opens a new TCP`,
      `connection to its host port every ${PER_CONNECTION / FLOOD_PER_S} s of station time and sends ${PER_CONNECTION} forged HelloAcks on each (${FLOOD_PER_S} frames/s).`,
      '',
      '| station | scan pairs/s | HMAC checks the attacker forced | forged frames dropped unchecked | station time |',
      '|---|---|---|---|---|',
      `| quiet (peer) | ${fmt(quiet.rate)} | 0 | 0 | ${fmt(quiet.seconds)} s |`,
      `| flooded | ${fmt(flooded.rate)} | ${fmt(flooded.checks)} | ${fmt(flooded.refused)} | ${fmt(flooded.seconds)} s |`,
      '',
      `The station's one budget held the attacker to ${(flooded.checks / flooded.seconds).toFixed(1)} checks per second of station time`,
      `(${DEFAULT_MAC_BUDGET.perSecond}/s after a burst of ${DEFAULT_MAC_BUDGET.burst}); a fresh budget per connection, as before issue 9's fix, would have allowed ${fmt(perConnection)}`,
      `over the same ${fmt(connections)} connections. Scans keep being decided at ${((flooded.rate / quiet.rate) * 100).toFixed(0)} % of the quiet rate (firmware/test/runtime/flood.test.ts`,
      'shows the decisions, boards and Modbus answers themselves are unchanged).',
    ].join('\n'),
  };
}
