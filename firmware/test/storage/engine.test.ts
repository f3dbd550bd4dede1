// The storage layer goes into the firmware bundle: it must build for platform "neutral", use no host globals,
// and give bit-for-bit the same results in an embedded-class engine (QuickJS) as in Node.
import { join } from 'node:path';
import { bundle } from '../../../tools/src/build/bundle';
import { HOST_GLOBALS, runInQuickJS } from '../../../tools/src/build/quickjs';
import { runScenario } from './fixtures/scenario';

const ROOT = join(__dirname, '..', '..', '..');

describe('storage in the firmware bundle', () => {
  it('the storage modules and the Moddable adapter bundle engine-neutral, with no host globals', async () => {
    for (const entry of ['firmware/storage/index.ts', 'firmware/platform/moddable/flash.ts']) {
      const { code } = await bundle(join(ROOT, entry), { globalName: 'X' });
      for (const host of [...HOST_GLOBALS, /embedded:/]) {
        expect(code).not.toMatch(host);
      }
    }
  });

  it.each([false, true])('runs a scenario with a power cut in QuickJS exactly as in Node (weak bits: %s)', async (weak) => {
    const { code } = await bundle(join(__dirname, 'fixtures', 'scenario.ts'), { globalName: 'WardenStorage' });
    const inQuickJS = await runInQuickJS([code, `WardenStorage.runScenario(7, ${weak})`]);
    const inNode = runScenario(7, weak);
    expect(inNode).toContain('JOURNAL_TORN_TAIL');
    expect(inQuickJS).toBe(inNode);
  });
});
