// No counter is ever reused: a host stays connected to a station through random inputs, power cuts at random
// flash steps (the counter reservation itself may be cut) and reboots; every frame the station sends, across all
// its sessions, carries a counter above every counter it sent before, and the host never sees a replay. Runs on
// both flash models (ordered word tearing; unordered page tearing with weak bits).
import fc from 'fast-check';
import { connectHost, type Host } from './host';
import { badges, rig, wo } from './rig';
import { POSITIONS, REELS } from './scans';
import { FLASH_MODELS } from '../../platform/sim/flash';

const RUNS = process.env['WARDEN_CI_SCALE'] === '1' ? 10_000 : 60;

type Step = { a: 'scan'; i: number } | { a: 'status' } | { a: 'board' } | { a: 'cut'; k: number } | { a: 'wait' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ a: fc.constant('scan' as const), i: fc.nat({ max: 11 }) }) },
  { weight: 2, arbitrary: fc.constant({ a: 'status' as const }) },
  { weight: 2, arbitrary: fc.constant({ a: 'board' as const }) },
  { weight: 2, arbitrary: fc.record({ a: fc.constant('cut' as const), k: fc.nat({ max: 300 }) }) },
  { weight: 1, arbitrary: fc.constant({ a: 'wait' as const }) },
);

describe.each(FLASH_MODELS)('session counters (fast-check, $name)', (model) => {
  it('every frame a station sends carries a counter above all it sent before, across cuts and reboots', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 3, maxLength: 25 }), (steps) => {
        const r = rig({ journalKib: 32, flash: model });
        const h: Host = connectHost(r);
        badges(r);
        r.station.input(wo());
        r.station.input({ kind: 'scan', data: 'OP:1001' });
        let seen = 0;
        let highest = 0;
        const check = () => {
          for (const e of h.events.slice(seen)) {
            if (e.kind === 'refused') expect(e.reason).not.toBe('REPLAY');
            if (e.kind === 'message' || e.kind === 'established') {
              expect(e.header.counter).toBeGreaterThan(highest);
              highest = e.header.counter;
            }
          }
          seen = h.events.length;
        };
        for (const s of steps) {
          switch (s.a) {
            case 'scan':
              r.station.input({ kind: 'scan', data: s.i < 6 ? POSITIONS[s.i]! : REELS[POSITIONS[s.i - 6]!] });
              break;
            case 'status':
              h.send({ type: 'StatusRequest', body: {} }, false);
              break;
            case 'board':
              r.station.input({ kind: 'board' });
              break;
            case 'wait':
              r.clock.advance(60_000);
              r.station.input({ kind: 'tick' });
              break;
            case 'cut': {
              r.power.cutAtStep(r.power.steps + s.k);
              h.send({ type: 'StatusRequest', body: {} }, false);
              r.station.input({ kind: 'scan', data: POSITIONS[s.k % 6]! });
              r.station.input({ kind: 'scan', data: REELS[POSITIONS[s.k % 6]!] });
              if (r.power.powered) r.power.cut();
              check();
              r.reboot();
              // The same host (its replay memory intact) meets the rebooted station.
              h.reconnect(r);
              break;
            }
          }
          check();
        }
      }),
      { numRuns: RUNS, seed: Number(process.env['WARDEN_SEED'] ?? 4242) },
    );
  });
});
