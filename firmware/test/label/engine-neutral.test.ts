// The label parser goes into the firmware bundle: it must build for a neutral platform and give, in an
// embedded-class engine (QuickJS), exactly the answers it gives in Node, for the samples and for damaged scans,
// for the manufacturer layouts, and with a host-loaded layout.
import { join } from 'node:path';
import { bundle } from '../../../tools/src/build/bundle';
import { HOST_GLOBALS, runInQuickJS } from '../../../tools/src/build/quickjs';
import { applyLayoutLoad, EMPTY_LAYOUT_SET, parseLabel, readLayoutDocument } from '../../core/label';
import { LAYOUT_SCANS, SAMPLE_SCANS } from './samples';

const ENTRY = join(__dirname, '..', '..', 'core', 'label', 'index.ts');

/** A host-loaded layout (POCONS thermistor reels, fixed width) and a scan only it reads. */
const POCONS = {
  layoutId: 'site-pocons',
  cut: 'fixed',
  minLength: 26,
  maxLength: 26,
  fields: [
    { role: 'mpn', start: 0, width: 8, chars: 'A-Z0-9', minLen: 8, maxLen: 8 },
    { role: 'lot', start: 8, width: 12, chars: 'A-Z0-9', minLen: 12, maxLen: 12 },
    { role: 'qty', start: 20, width: 6, chars: '0-9', minLen: 6, maxLen: 6 },
  ],
};

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

  it('reads the manufacturer layouts, and loads and uses a host layout, in QuickJS exactly as in Node', async () => {
    const scans = [...LAYOUT_SCANS.map((s) => s.raw), ...LAYOUT_SCANS.map((s) => s.raw.replace(/\u001d/g, '{GS}')), 'PTC4944HEX2038V0314K001700'];
    const program = `(function () {
      var doc = WardenLabel.readLayoutDocument(${JSON.stringify(POCONS)});
      var set = WardenLabel.applyLayoutLoad(WardenLabel.EMPTY_LAYOUT_SET, doc.layout.doc).set;
      return JSON.stringify(${JSON.stringify(scans)}.map(function (s) { return WardenLabel.parseLabel(s, { layouts: set }); }));
    })()`;
    const out = await runInQuickJS([code, program]);
    const c = readLayoutDocument(POCONS);
    if (!c.ok) throw new Error(c.detail);
    const r = applyLayoutLoad(EMPTY_LAYOUT_SET, c.layout.doc);
    if (!r.ok) throw new Error(r.detail);
    expect(JSON.parse(out)).toEqual(scans.map((s) => JSON.parse(JSON.stringify(parseLabel(s, { layouts: r.set }))) as unknown));
    expect(JSON.parse(out).at(-1)).toMatchObject({ ok: true, label: { format: 'site-pocons', qty: 1700 } });
  });
});
