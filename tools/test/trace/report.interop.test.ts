// The HTML report as a person sees it, in headless Chromium (Debian's `chromium`, installed by .ci/run; driven by
// playwright-core): the numbers on the page equal the export's, every MSD reel's timeline is drawn, nothing is
// fetched from anywhere. And the SVG reel-ID label, rendered by the browser, decodes back to the station's text.
// Run with `npm run test:interop`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { readFileSync } from 'node:fs';
import { parseLabel } from '../../../firmware/core/label';
import { readTraceInput } from '../../src/trace/input';
import { buildModel, type TraceModel } from '../../src/trace/model';
import { renderReport, orderSummaries } from '../../src/trace/report';
import { boardRows, reconcile } from '../../src/trace/tables';
import { renderSvg } from '../../src/cli/label-render';
import { runLine, writeLine } from './fixture';
import { smallLine } from './small-line';

jest.setTimeout(120_000);

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;
const out = mkdtempSync(join(tmpdir(), 'warden-report-'));

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium', args: FLAGS });
  void prepareZXingModule({ overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')) }, fireImmediately: true });
});
afterAll(async () => {
  await browser?.close();
});

function model(dir: string): TraceModel {
  const r = readTraceInput(dir);
  if (!r.ok) throw new Error(r.detail);
  return buildModel(r.input);
}

/** Opens a file in a fresh page; every request that is not the file itself is refused and recorded. */
async function open(file: string) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const foreign: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === `file://${file}`) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`);
  return { page, foreign };
}

describe('the trace report in a browser', () => {
  it('shows the export’s numbers, a stops table, the reconciliation, and a drawn timeline per MSD reel; fetches nothing', async () => {
    const m = model(smallLine().dir);
    const file = join(out, 'report.html');
    writeFileSync(file, renderReport(m));
    const { page, foreign } = await open(file);
    const wo = 'WO-2026-4011';
    const sec = page.locator(`section[data-work-order="${wo}"]`);
    await expect(sec.locator('h1').innerText()).resolves.toBe(`Work order ${wo}`);
    // The figures a person reads equal the export's.
    const boardsRows = [...boardRows(m.boards)].filter((r) => r['work_order'] === wo);
    const distinct = new Set(boardsRows.map((r) => r['unit_id'])).size;
    await expect(sec.locator('[data-field="boards"]').innerText()).resolves.toBe(String(distinct));
    await expect(sec.locator('[data-field="plannedQuantity"]').innerText()).resolves.toBe('150');
    await expect(sec.locator('[data-field="complete"]').innerText()).resolves.toBe(String(m.boards.filter((b) => b.workOrder === wo && b.complete).length));
    await expect(sec.locator('[data-field="stations"]').innerText()).resolves.toBe('1, 2, 3');
    const rec = reconcile(m).filter((r) => r.workOrder === wo);
    const rows = sec.locator('table.reconciliation tbody tr');
    const cells: string[][] = [];
    for (let i = 0; i < (await rows.count()); i++) cells.push(await rows.nth(i).locator('td').allInnerTexts());
    expect(cells.map((c) => [c[0], c[1], c[4], c[6], c[8]])).toEqual(rec.map((r) => [String(r.station), r.bomLine, String(r.boards), String(r.placed), r.flags.join(' ')]));
    const stops = await sec.locator('table.stops tbody tr td:first-child').allInnerTexts();
    expect(stops).toEqual(orderSummaries(m)[0]!.stops.map((s) => s.reason));
    expect(stops.length).toBeGreaterThan(0);
    // One timeline per MSD reel of the order, drawn: a polyline with points, a real size on screen, events marked.
    const reels = [...m.reels.values()].filter((h) => m.usage.some((u) => u.workOrder === wo && u.reelId === h.reelId));
    const svgs = sec.locator('svg.timeline');
    await expect(svgs.count()).resolves.toBe(reels.length);
    for (let i = 0; i < reels.length; i++) {
      const svg = svgs.nth(i);
      const box = await svg.boundingBox();
      expect(box!.width).toBeGreaterThan(500);
      expect(box!.height).toBeGreaterThan(100);
      const points = await svg.locator('polyline.life').getAttribute('points');
      expect((points ?? '').trim().split(/\s+/).length).toBeGreaterThanOrEqual(2);
      await expect(svg.locator('g.event[data-event="opened"]').count()).resolves.toBeGreaterThan(0);
    }
    await page.screenshot({ path: join(out, 'report.png'), fullPage: false });
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('a prototype work order gets its one-page report: the summary and every board’s trace', async () => {
    const run = runLine({ seed: 5, stations: 1, slots: 4, hours: 0.1, cycleS: 120, journalKib: 64, prototype: true, plannedQuantity: 3 });
    const dir = writeLine(run, mkdtempSync(join(tmpdir(), 'warden-proto-')));
    const m = model(dir);
    const file = join(out, 'prototype.html');
    writeFileSync(file, renderReport(m));
    const { page, foreign } = await open(file);
    const sec = page.locator('section.order.prototype');
    await expect(sec.count()).resolves.toBe(1);
    await expect(sec.locator('h1').innerText()).resolves.toMatch(/\(prototype\)$/);
    await expect(sec.locator('table.board').count()).resolves.toBe(m.boards.length);
    // One page: it fits an A4 sheet's height when printed at 96 dpi (about 1,120 px).
    await page.emulateMedia({ media: 'print' });
    const h = (await sec.boundingBox())!.height;
    expect(h).toBeLessThan(1120);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('the SVG reel-ID label, rendered by the browser, decodes to the station’s text', async () => {
    const r = renderSvg({ reelId: 'R7N42', mpn: 'GRM188R71C104KA01D', lot: 'L7', quantity: 4000, scale: 4 });
    if (!r.ok) throw new Error(r.message);
    const file = join(out, 'label.html');
    writeFileSync(file, `<!doctype html><html><body style="margin:20px;background:#fff">${r.data as string}</body></html>`);
    const { page } = await open(file);
    const png = await page.locator('svg').first().screenshot();
    const found = await readBarcodes(new Uint8Array(png), { formats: ['DataMatrix'], tryHarder: true });
    expect(found.map((x) => x.text)).toEqual([r.text]);
    const p = parseLabel(found[0]!.text);
    expect(p.ok && p.label.reelId).toBe('R7N42');
    await page.close();
  });
});
