// How often the station writes what it holds (firmware/runtime/README.md, "Power loss and boot"): a routine sensor
// sample moves the MSD trackers on without writing them, the trackers are written every timeouts.checkpointMs, and
// an input that changes nothing writes nothing. A cut in between charges the time since the last write, as the
// README says, and nothing the station journaled is lost.
import { rig, setUp } from './rig';

const MIN = 60_000;

function running() {
  const r = rig({ config: { timeouts: { checkpointMs: 5 * MIN, sensorPollMs: MIN } } });
  setUp(r);
  r.station.input({ kind: 'board', unitId: 'FIRST' });
  r.station.input({ kind: 'scan', data: 'OP:3001' });
  r.station.input({ kind: 'scan', data: 'CMD:FIRSTOFF-PASS' });
  expect(r.station.permitView().on).toBe(true);
  return r;
}

describe('checkpoint cadence', () => {
  it('routine samples and idle ticks write nothing to the state store; the periodic MSD checkpoint does', () => {
    const r = running();
    // Align with the periodic checkpoint: run past one, then watch the store between two.
    for (let i = 0; i < 6; i++) {
      r.clock.advance(MIN);
      r.station.input({ kind: 'tick' });
    }
    const trackers = () => [...r.station.state.msd.values()].map((x) => x.tracker);
    const writes = () => r.store.steps;
    let before = writes();
    let seen = trackers();
    let quiet = 0;
    let periodic = 0;
    for (let i = 0; i < 20; i++) {
      r.clock.advance(MIN);
      r.station.input({ kind: 'tick' });
      const now = trackers();
      // Every tick here reads the sensor: the trackers move on with each valid sample.
      expect(now.some((t, k) => t !== seen[k])).toBe(true);
      seen = now;
      if (writes() === before) quiet++;
      else periodic++;
      before = writes();
    }
    // One write every five samples (the checkpoint interval), none in between.
    expect(periodic).toBe(4);
    expect(quiet).toBe(16);
  });

  it('a cut between checkpoints gives the reel no floor life back (the gap is charged), and the journal is whole', () => {
    const r = running();
    const key = [...r.station.state.msd.keys()][0]!;
    for (let i = 0; i < 7; i++) {
      r.clock.advance(MIN);
      r.station.input({ kind: 'tick' });
    }
    const journaled = r.station.journalRef!.nextSequence - 1;
    const consumedAtCut = r.station.state.msd.get(key)!.tracker.consumed;
    const st = r.reboot({ offMs: 10 * MIN });
    // Restored from the last periodic checkpoint (two samples before the cut), then charged for the time since:
    // never less used than at the cut.
    expect(st.state.msd.get(key)!.tracker.consumed).toBeGreaterThanOrEqual(consumedAtCut);
    const seqs = [...st.entries()].map((e) => e.seq);
    expect(seqs.slice(0, journaled)).toEqual(Array.from({ length: journaled }, (_, i) => i + 1)); // every record kept
    expect(seqs.length).toBeGreaterThan(journaled); // and the boot's own after them
  });
});
