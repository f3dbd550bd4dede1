// `warden label parse`, `learn`, `test` and `reel-id` as users and scripts call them: the real bin, in a child process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLayoutDocument } from '../../firmware/core/label';
import { LAYOUT_SCANS, SAMPLE_SCANS, isPackingSlip } from '../../firmware/test/label/samples';

const ROOT = join(__dirname, '..', '..');

function warden(args: string[], input = '') {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (s: string): Record<string, unknown>[] => s.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
const jsonl = (scans: readonly string[]): string => scans.map((s) => JSON.stringify(s)).join('\n') + '\n';

describe('warden label parse', () => {
  it('answers every sample scan with one line, in order, with the sample mpn/qty/lot', () => {
    const r = warden(['label', 'parse'], jsonl(SAMPLE_SCANS.map((s) => s.raw)));
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(SAMPLE_SCANS.length);
    out.forEach((o, i) => {
      const s = SAMPLE_SCANS[i]!;
      if (isPackingSlip(s)) expect(o).toMatchObject({ ok: false, error: 'NOT_A_REEL_LABEL' });
      else if (o['ok'] === true) {
        for (const k of ['mpn', 'qty', 'lot']) if (k in s.expected && k in o) expect(o[k]).toEqual(s.expected[k]);
      } else expect(o).toEqual({ ok: false, error: expect.any(String), message: expect.any(String) });
    });
  });

  it('prints the contract fields in order, omits absent ones and keeps empty ones as ""', () => {
    const raw = '[)>\u001e06\u001dPBINNER C10\u001d1PCL21A475KAQNNNE\u001d30P1276-1244-1-ND\u001dK\u001d1K90837700\u001d10K109914231\u001d9D\u001d1TBI1BT6B\u001d11K1\u001d4LCN\u001dQ63\u001d11ZPICK\u001e\u0004';
    const r = warden(['label', 'parse'], jsonl([raw]));
    expect(r.stdout).toBe(
      '{"ok":true,"format":"eigp114-digikey","mpn":"CL21A475KAQNNNE","qty":63,"lot":"BI1BT6B","dateCode":"","supplierPn":"1276-1244-1-ND","customerPn":"BINNER C10","customerPo":"","salesOrder":"90837700","invoice":"109914231","countryOfOrigin":"CN"}\n',
    );
  });

  it('skips blank lines, answers a non-string line with BAD_DOCUMENT, and exits 0 once every line is answered', () => {
    const r = warden(['label', 'parse'], `\n"WR1:X"\r\n   \n{"raw":"x"}\nnot json\n${JSON.stringify('PWBP-302 1PWBP-302 Q1 K19361337/1')}\n`);
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((o) => o['error'] ?? o['format'])).toEqual(['REEL_ID_CHECK_FAILED', 'BAD_DOCUMENT', 'BAD_DOCUMENT', 'tme-datamatrix']);
    expect(out[1]!['message']).toContain('line 4');
  });

  it('--strict exits 1 when any line was rejected, 0 when none was', () => {
    expect(warden(['label', 'parse', '--strict'], jsonl(['PWBP-302 1PWBP-302 Q1 K19361337/1', 'nonsense'])).status).toBe(1);
    expect(warden(['label', 'parse', '--strict'], jsonl(['PWBP-302 1PWBP-302 Q1 K19361337/1'])).status).toBe(0);
  });

  it('empty input gives empty output and exit 0', () => {
    const r = warden(['label', 'parse'], '');
    expect(r).toMatchObject({ status: 0, stdout: '' });
  });
});

describe('warden label reel-id', () => {
  it('prints a label that label parse reads back to the id', () => {
    const r = warden(['label', 'reel-id', 'R000123']);
    expect(r.status).toBe(0);
    const text = r.stdout.trim();
    expect(text).toMatch(/^WR1:R000123[0-9A-Z*]$/);
    expect(lines(warden(['label', 'parse'], jsonl([text])).stdout)).toEqual([{ ok: true, format: 'warden-reel', reelId: 'R000123' }]);
  });

  it('refuses an id outside 0-9 A-Z with one line on stderr and exit 2', () => {
    const r = warden(['label', 'reel-id', 'ab-1']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('BAD_ARGUMENT');
  });
});

// ------------------------------------------------------------------------------------------------------------
// Layouts: `label learn`, `label test`, `label parse --layout`


const dir = mkdtempSync(join(tmpdir(), 'warden-label-'));
const file = (name: string, content: string): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const family = (prefix: string) => LAYOUT_SCANS.filter((s) => s.id.startsWith(prefix));
const samplesOf = (scans: typeof LAYOUT_SCANS) => JSON.stringify({ samples: scans.map((s) => ({ scan: s.raw, fields: s.expected })) });

// A supplier label the firmware does not know (POCONS thermistor reel, fixed width; a real scan kept in the Yujin
// MES code: part 0-8, lot 8-20, quantity 20-26).
const POCONS_LAYOUT = JSON.stringify({
  layoutId: 'site-pocons',
  cut: 'fixed',
  minLength: 26,
  maxLength: 26,
  fields: [
    { role: 'mpn', start: 0, width: 8, chars: 'A-Z0-9', minLen: 8, maxLen: 8 },
    { role: 'lot', start: 8, width: 12, chars: 'A-Z0-9', minLen: 12, maxLen: 12 },
    { role: 'qty', start: 20, width: 6, chars: '0-9', minLen: 6, maxLen: 6 },
  ],
});

describe('warden label parse --layout', () => {
  it('reads a label the firmware does not know with a loaded layout, as a station that loaded it', () => {
    const layout = file('pocons.json', POCONS_LAYOUT);
    const scan = jsonl(['PTC4944HEX2038V0314K001700']);
    expect(lines(warden(['label', 'parse'], scan).stdout)).toEqual([{ ok: false, error: 'SCAN_UNREADABLE', message: expect.any(String) }]);
    expect(lines(warden(['label', 'parse', '--layout', layout], scan).stdout)).toEqual([{ ok: true, format: 'site-pocons', mpn: 'PTC4944H', qty: 1700, lot: 'EX2038V0314K' }]);
  });

  it('refuses an invalid layout document with the field named, one line on stderr, exit 2', () => {
    const bad = file('bad.json', POCONS_LAYOUT.replace('"A-Z0-9"', '"Z-A"'));
    const r = warden(['label', 'parse', '--layout', bad], jsonl(['x']));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^warden: LABEL_LAYOUT_INVALID \(337\): .*bad\.json: fields\[0\]\.chars: "Z-A" is not a range/);
  });
});

describe('warden label learn', () => {
  it('proposes a layout from a few samples and shows how every sample reads (JSON when piped)', () => {
    const r = warden(['label', 'learn', file('sii.json', samplesOf(family('docpal-sii-').slice(0, 3))), '--id', 'site-sii-qr']);
    expect(r.status).toBe(0);
    const out = lines(r.stdout)[0]!;
    expect(out).toMatchObject({ ok: true, layout: { layoutId: 'site-sii-qr', cut: 'delimited', separator: '$', prefix: '1$' }, notes: expect.arrayContaining([expect.stringContaining('must agree')]) });
    expect(readLayoutDocument(out['layout'])).toMatchObject({ ok: true });
    expect(out['samples']).toHaveLength(3);
    expect((out['samples'] as Record<string, unknown>[])[0]).toMatchObject({ layout: { ok: true, format: 'site-sii-qr', mpn: 'S-8252AAX-M6T1U', qty: 15000 } });
  });

  it('--table prints the proposal, the readings and the document; --out writes the document', () => {
    const out = join(dir, 'learned.json');
    const r = warden(['label', 'learn', file('sii2.json', samplesOf(family('docpal-sii-').slice(0, 3))), '--id', 'site-sii-qr', '--table', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Proposed Layout site-sii-qr: delimited by "$", prefix "1$", 6 pieces');
    expect(r.stdout).toContain('How every sample reads');
    expect(readLayoutDocument(JSON.parse(readFileSync(out, 'utf8')))).toMatchObject({ ok: true, layout: { id: 'site-sii-qr' } });
  });

  it('refuses when the samples do not determine the layout: exit 1, the reason and what to add', () => {
    const ncc = family('docpal-ncc-').filter((s) => s.raw.length === 28 && s.id !== 'docpal-ncc-label-says-1000').slice(0, 5);
    const r = warden(['label', 'learn', file('ncc.json', samplesOf(ncc)), '--id', 'site-ncc']);
    expect(r.status).toBe(1);
    expect(lines(r.stdout)).toEqual([{ ok: false, error: 'LABEL_LAYOUT_UNDETERMINED', message: expect.stringContaining('qty: columns 19–24 and 20–24 both fit every sample') }]);
  });

  it('refuses bad input with one line on stderr and exit 2 (one sample, no id, not JSON)', () => {
    const one = warden(['label', 'learn', file('one.json', samplesOf(family('docpal-sii-').slice(0, 1))), '--id', 'site-x']);
    expect(one.status).toBe(2);
    expect(one.stderr).toContain('LABEL_LAYOUT_INVALID');
    expect(warden(['label', 'learn', file('noid.json', samplesOf(family('docpal-sii-').slice(0, 3)))]).stderr).toContain('BAD_ARGUMENT');
    expect(warden(['label', 'learn', file('junk.json', '{nope')]).stderr).toContain('BAD_DOCUMENT');
  });
});

describe('warden label test', () => {
  const layout = () => file('pocons-t.json', POCONS_LAYOUT);
  const scans = jsonl(['PTC4944HEX2038V0314K001700', 'PTC4944HEX2038V0314K00170X', LAYOUT_SCANS[0]!.raw]);

  it('shows per scan what the layout reads and what the station answers, with a summary (JSON when piped)', () => {
    const r = warden(['label', 'test', layout(), '-'], scans);
    expect(r.status).toBe(0);
    const out = lines(r.stdout)[0]!;
    expect(out['summary']).toEqual({ scans: 3, read: 1, refused: 0, notClaimed: 2, badLines: 0, crossClaims: [], wireBytes: expect.any(Number) });
    expect((out['scans'] as Record<string, unknown>[])[0]).toMatchObject({ line: 1, layout: { ok: true, mpn: 'PTC4944H' }, station: { ok: true, format: 'site-pocons' } });
    expect((out['scans'] as Record<string, unknown>[])[2]).toMatchObject({ layout: { claimed: false }, station: { ok: true, format: 'mfr-koa-colon' } });
  });

  it('--strict exits 1 when a scan is not read; --table prints a table', () => {
    expect(warden(['label', 'test', layout(), '--strict'], scans).status).toBe(1);
    const t = warden(['label', 'test', layout(), '--table'], scans);
    expect(t.stdout).toContain('3 scans: 1 read, 0 refused, 2 not claimed');
    expect(t.stdout).toContain('not its label');
  });

  it('warns about a layout that changes the station\u2019s answer for real labels of other families', () => {
    const careless = file('careless.json', JSON.stringify({ layoutId: 'site-careless', cut: 'delimited', separator: '$', minPieces: 7, maxPieces: 7, fields: [{ role: 'mpn', piece: 3 }, { role: 'qty', piece: 2 }] }));
    const out = lines(warden(['label', 'test', careless], jsonl([])).stdout)[0]!;
    expect((out['summary'] as { crossClaims: string[] }).crossClaims).toEqual(expect.arrayContaining(['docpal-sii-1']));
  });
});
