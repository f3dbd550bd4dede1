// When the state store is written: an MSD reel's tracker changed only by sensor samples and time waits for the
// periodic checkpoint (flash wear: the sensor is read every second here), anything else about it is written at once.
import { host, must, rig, setUp, T0 } from './rig';

const SENSOR_EVERY = 1_000;
const CHECKPOINT = 600_000;

function station() {
  const r = rig({ config: { timeouts: { sensorPollMs: SENSOR_EVERY, checkpointMs: CHECKPOINT } } });
  setUp(r);
  r.clock.advance(CHECKPOINT);
  r.station.input({ kind: 'tick' });
  return r;
}

function msdKey(r: ReturnType<typeof rig>): string {
  const [key] = r.station.state.msd.keys();
  if (key === undefined) throw new Error('no MSD reel');
  return key;
}

describe('checkpoints of MSD trackers', () => {
  it('samples alone write nothing until the periodic checkpoint, which writes the tracker as it now stands', () => {
    const r = station();
    const key = msdKey(r);
    const steps = r.store.steps;
    const before = r.station.state.msd.get(key);
    for (let i = 0; i < 30; i++) {
      r.clock.advance(SENSOR_EVERY);
      r.station.input({ kind: 'tick' });
    }
    // The tracker integrated thirty samples; the store was not touched.
    expect(r.station.state.msd.get(key)).not.toBe(before);
    expect(r.store.steps).toBe(steps);
    r.clock.advance(CHECKPOINT);
    r.station.input({ kind: 'tick' });
    expect(r.store.steps).toBeGreaterThan(steps);
    // What the periodic checkpoint wrote is what a power cut restores.
    const consumed = r.station.state.msd.get(key)!.tracker.consumed;
    r.reboot({ offMs: 0 });
    expect(r.station.state.msd.get(key)!.tracker.consumed).toBeGreaterThanOrEqual(consumed);
  });

  it('an MSD event is written at once, even between periodic checkpoints', () => {
    const r = station();
    const key = msdKey(r);
    for (let i = 0; i < 5; i++) {
      r.clock.advance(SENSOR_EVERY);
      r.station.input({ kind: 'tick' });
    }
    const steps = r.store.steps;
    const at = Math.floor((T0 + r.clock.monotonicMs()) / 1000);
    must(r.station.input(host({ type: 'MsdEvent', body: { at, uniqueIdentifier: key, event: 'dry-in', rhPct: 5, tempC: 25, operatorIdentifier: 'OP-1' } })));
    expect(r.store.steps).toBeGreaterThan(steps);
    r.reboot({ offMs: 0 });
    expect(r.station.state.msd.get(key)!.tracker.place).toBe('cabinet');
  });
});
