// The MSL engine goes into the firmware bundle: it must build for a neutral platform and give, in an embedded-class
// engine (QuickJS), exactly the answers it gives in Node for the same histories.
import { join } from 'node:path';
import fc from 'fast-check';
import { bundle } from '../../../tools/src/build/bundle';
import { HOST_GLOBALS, runInQuickJS } from '../../../tools/src/build/quickjs';
import { evaluate, MINUTE } from '../../core/msl/index';
import { historyArb, specArb } from './arbitrary';

const ENTRY = join(__dirname, '..', '..', 'core', 'msl', 'index.ts');

describe('MSL engine in an embedded-class engine', () => {
  let code = '';
  beforeAll(async () => {
    code = (await bundle(ENTRY, { globalName: 'WardenMsl' })).code;
  });

  it('builds for platform "neutral" and uses no host globals', () => {
    for (const host of HOST_GLOBALS) expect(code).not.toMatch(host);
  });

  it('evaluates random histories in QuickJS exactly as in Node', async () => {
    const cases = fc.sample(fc.tuple(specArb, historyArb(30), fc.integer({ min: 0, max: 5000 })), { numRuns: 60, seed: 42 }).map(([spec, events, extra]) => ({
      input: { ...spec, events },
      at: (events.length === 0 ? 1_770_000_000_000 : events[events.length - 1]!.at) + extra * MINUTE,
    }));
    const out = await runInQuickJS([code, `JSON.stringify(${JSON.stringify(cases)}.map(function (c) { return WardenMsl.evaluate(c.input, c.at); }))`]);
    expect(JSON.parse(out)).toEqual(cases.map((c) => JSON.parse(JSON.stringify(evaluate(c.input, c.at))) as unknown));
  });
});
