// `warden label parse` and `warden label reel-id` as users and scripts call them: the real bin, in a child process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SAMPLE_SCANS, isPackingSlip } from '../../firmware/test/label/samples';

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
