// `warden label render`: the printed DataMatrix, decoded by an independent decoder (ZXing-C++ compiled to wasm,
// its .wasm loaded from node_modules: nothing is downloaded) and read back by the station's own label parser.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { parseLabel } from '../../firmware/core/label';
import { renderPng, renderSvg } from '../src/cli/label-render';

const ROOT = join(__dirname, '..', '..');

beforeAll(() => {
  // The default would fetch the .wasm from a CDN; the package ships it.
  void prepareZXingModule({ overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')) }, fireImmediately: true });
});

async function decode(png: Uint8Array): Promise<string[]> {
  const r = await readBarcodes(png, { formats: ['DataMatrix'], tryHarder: true });
  return r.filter((x) => x.isValid).map((x) => x.text);
}

// Each case renders a PNG and decodes it with zxing-wasm: a few seconds on a busy machine.
jest.setTimeout(60_000);

describe('warden label render', () => {
  it('prints a DataMatrix that an independent decoder reads and the station parses back to the same reel id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[0-9A-Z]{1,24}$/), fc.integer({ min: 2, max: 6 }), async (id, scale) => {
        const r = await renderPng({ reelId: id, scale, mpn: 'GRM188R71C104KA01D', lot: 'L1', quantity: 4000 });
        if (!r.ok) throw new Error(r.message);
        const texts = await decode(r.data as Uint8Array);
        expect(texts).toEqual([r.text]);
        const p = parseLabel(texts[0]!);
        expect(p.ok && p.label.reelId).toBe(id);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses an id the station could not read back, with what is allowed', async () => {
    expect(await renderPng({ reelId: 'MAN-7-1' })).toEqual({ ok: false, message: 'a reel id uses only 0-9 and A-Z' });
    expect(renderSvg({ reelId: 'X'.repeat(25) })).toEqual({ ok: false, message: 'a reel id has 1 to 24 characters' });
  });

  it('SVG: self-contained, the code and the human-readable lines', () => {
    const r = renderSvg({ reelId: 'R000123', mpn: 'TPS548D22RVFR', lot: '8013587ZF4', quantity: 250 });
    if (!r.ok) throw new Error(r.message);
    const svg = r.data as string;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).not.toMatch(/href=|<image|url\(/);
    expect(svg).toContain('>WR1:R0001231<');
    expect(svg).toContain('>MPN TPS548D22RVFR<');
    expect(svg).toContain('>LOT 8013587ZF4  QTY 250<');
  });

  it('through the CLI: PNG to a pipe decodes; a bad id exits 2 with the reason', async () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), 'label', 'render', '--reel-id', 'R7N42'], { encoding: 'buffer' });
    expect(r.status).toBe(0);
    expect(await decode(new Uint8Array(r.stdout))).toEqual(['WR1:R7N425']);
    const bad = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), 'label', 'render', '--reel-id', 'r-1', '--format', 'svg'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^warden: BAD_ARGUMENT \(700\): --reel-id r-1: a reel id uses only 0-9 and A-Z/);
  });
});
