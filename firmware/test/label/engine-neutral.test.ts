// The label parser goes into the firmware bundle: it must build for a neutral platform and give, in an
// embedded-class engine (QuickJS), exactly the answers it gives in Node, for the samples and for damaged scans.
import { join } from 'node:path';
import { bundle } from '../../../tools/src/build/bundle';
import { HOST_GLOBALS, runInQuickJS } from '../../../tools/src/build/quickjs';
import { parseLabel } from '../../core/label';
import { SAMPLE_SCANS } from './samples';

const ENTRY = join(__dirname, '..', '..', 'core', 'label', 'index.ts');

describe('label parser in an embedded-class engine', () => {
  let code = '';
  beforeAll(async () => {
    code = (await bundle(ENTRY, { globalName: 'WardenLabel' })).code;
  });

  it('builds for platform "neutral" and uses no host globals', () => {
    for (const host of HOST_GLOBALS) expect(code).not.toMatch(host);
  });

  it('parses every sample (clean and with its separators dropped or pictured) in QuickJS exactly as in Node', async () => {
    const scans = SAMPLE_SCANS.flatMap((s) => [s.raw, s.raw.replace(/\u001d/g, '␝'), s.raw.replace(/[\u001d\u001e]/g, ''), s.raw.toLowerCase()]);
    const out = await runInQuickJS([code, `JSON.stringify(${JSON.stringify(scans)}.map(function (s) { return WardenLabel.parseLabel(s); }))`]);
    expect(JSON.parse(out)).toEqual(scans.map((s) => JSON.parse(JSON.stringify(parseLabel(s))) as unknown));
  });
});
