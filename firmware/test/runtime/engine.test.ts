// The runtime goes onto the controller: it must bundle engine-neutral and behave in an embedded-class engine
// (QuickJS: no console, no timers, no TextEncoder, no Node) exactly as in Node, byte for byte.
import { join } from 'node:path';
import { bundle } from '../../../tools/src/build/bundle';
import { HOST_GLOBALS, runInQuickJS } from '../../../tools/src/build/quickjs';
import { demoOrder } from '../setup/helpers';
import { runStation } from './fixtures/scenario';
import { POSITIONS, REELS } from './scans';

const ROOT = join(__dirname, '..', '..', '..');

describe('the station runtime in the firmware bundle', () => {
  it('bundles engine-neutral, with no host globals', async () => {
    const { code } = await bundle(join(ROOT, 'firmware', 'runtime', 'station.ts'), { globalName: 'X' });
    for (const host of [...HOST_GLOBALS, /embedded:/]) expect(code).not.toMatch(host);
  });

  it('runs setup, production and a power cut in QuickJS exactly as in Node', async () => {
    const order = demoOrder();
    const reels = POSITIONS.filter((p) => p !== 'B1.F.4').map((p) => [p, REELS[p]] as const);
    const noMsd = { ...order, slots: order.slots.filter((s) => !s.msd) };
    const { code } = await bundle(join(__dirname, 'fixtures', 'scenario.ts'), { globalName: 'WardenStation' });
    const args = JSON.stringify([noMsd, reels, 40]);
    const inQuickJS = await runInQuickJS([code, `WardenStation.runStation(...${args})`]);
    const inNode = runStation(noMsd, reels, 40);
    expect(JSON.parse(inNode)).toEqual(expect.arrayContaining([expect.objectContaining({ relay: 1 })]));
    expect(inQuickJS).toBe(inNode);
  });
});
