// `warden trace report`: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched) with a page
// per work order: the summary, stops by reason, the material reconciliation, and one SVG timeline per MSD reel
// (floor life left over time, with the reel's exposures, dry storage, bakes and resets marked). A prototype order
// gets a one-page report: the summary and every board's full trace. The figures are the export's (tables.ts).
import type { Board, ReelHistory, TraceModel } from './model';
import { iso, reconcile, type Reconciliation } from './tables';

const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function hm(ms: number): string {
  const m = Math.round(ms / 60_000);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}

/** What the report says about one work order; the test compares these with the export. */
export interface OrderSummary {
  readonly workOrder: string;
  readonly product: string;
  readonly bomRevisions: readonly string[];
  readonly prototype: boolean;
  readonly plannedQuantity: number;
  readonly boards: number;
  readonly stations: readonly number[];
  /** Board traces: one per board and station it passed. */
  readonly traces: number;
  readonly complete: number;
  readonly withoutPermit: number;
  readonly uncertain: number;
  readonly firstOff: readonly { readonly station: number; readonly unitId: string; readonly verdict: string }[];
  /** By reason: one stop counts under every reason it had; the time is the permit-off time while the reason held. */
  readonly stops: readonly { readonly reason: string; readonly stops: number; readonly ms: number }[];
  /** Every stop once and all permit-off time once (less than the rows' sums when stops had several reasons). */
  readonly stopsTotal: { readonly stops: number; readonly ms: number };
  readonly from: number;
  readonly to: number;
}

export function orderSummaries(m: TraceModel): OrderSummary[] {
  const ids = [...new Set(m.orders.map((o) => o.body.workOrderIdentifier))];
  return ids.map((wo) => {
    const orders = m.orders.filter((o) => o.body.workOrderIdentifier === wo);
    const boards = m.boards.filter((b) => b.workOrder === wo);
    const stops = new Map<string, { stops: number; ms: number }>();
    for (const o of orders) for (const [r, s] of o.stops) {
      const t = stops.get(r) ?? { stops: 0, ms: 0 };
      t.stops += s.count;
      t.ms += s.ms;
      stops.set(r, t);
    }
    const results = m.firstOff.filter((f) => f.workOrder === wo && f.kind === 'result');
    return {
      workOrder: wo,
      product: orders[0]!.body.productIdentifier,
      bomRevisions: [...new Set(orders.map((o) => o.body.bomRevision))],
      prototype: orders.some((o) => o.body.prototype),
      plannedQuantity: Math.max(...orders.map((o) => o.body.plannedQuantity)),
      boards: new Set(boards.map((b) => b.unitId)).size,
      stations: [...new Set(orders.map((o) => o.station))].sort((a, b) => a - b),
      traces: boards.length,
      complete: boards.filter((b) => b.complete).length,
      withoutPermit: boards.filter((b) => !b.permitOn).length,
      uncertain: boards.filter((b) => b.uncertain !== undefined).length,
      firstOff: results.map((f) => ({ station: f.station, unitId: f.unitId, verdict: f.passed === true ? 'passed' : 'failed' })),
      stops: [...stops].map(([reason, s]) => ({ reason, ...s })).sort((a, b) => b.stops - a.stops || b.ms - a.ms || (a.reason < b.reason ? -1 : 1)),
      stopsTotal: { stops: orders.reduce((n, o) => n + o.offTotal.count, 0), ms: orders.reduce((n, o) => n + o.offTotal.ms, 0) },
      from: Math.min(...orders.map((o) => o.at)),
      to: Math.max(...orders.map((o) => o.until)),
    };
  });
}

const W = 640;
const H = 170;
const PAD = { l: 48, r: 12, t: 14, b: 26 };

/** Floor life left against time for one MSD reel, with its events marked. */
export function reelTimeline(h: ReelHistory): string {
  const times = [...h.samples.map((s) => s[0]), ...h.events.map((e) => e.at)];
  if (times.length === 0) return '';
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 60_000);
  const ymax = Math.max(1, ...h.samples.map((s) => s[1] / 3600), ...h.events.map((e) => (e.remainingS ?? 0) / 3600));
  const x = (t: number) => PAD.l + ((t - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (hours: number) => PAD.t + (1 - hours / ymax) * (H - PAD.t - PAD.b);
  // At most 400 points: a day of boards every 20 s would be 4,000.
  const step = Math.max(1, Math.ceil(h.samples.length / 400));
  const pts = h.samples.filter((_, i) => i % step === 0 || i === h.samples.length - 1).map(([t, s]) => `${x(t).toFixed(1)},${y(s / 3600).toFixed(1)}`);
  const shade: string[] = [];
  let open: { at: number; kind: string } | undefined;
  const KIND: Record<string, string> = { opened: 'exposure', 'dry-out': 'exposure', restored: 'exposure', 'dry-in': 'pause', sealed: 'pause', 'bake-start': 'bake', 'bake-end': 'exposure', expired: 'expired' };
  const evs = [...h.events].sort((a, b) => a.at - b.at);
  for (const e of evs) {
    const k = KIND[e.event];
    if (k === undefined) continue;
    if (open !== undefined) shade.push(`<rect class="${open.kind}" x="${x(open.at).toFixed(1)}" y="${PAD.t}" width="${Math.max(0.5, x(e.at) - x(open.at)).toFixed(1)}" height="${H - PAD.t - PAD.b}"/>`);
    open = { at: e.at, kind: k };
  }
  if (open !== undefined) shade.push(`<rect class="${open.kind}" x="${x(open.at).toFixed(1)}" y="${PAD.t}" width="${Math.max(0.5, x(t1) - x(open.at)).toFixed(1)}" height="${H - PAD.t - PAD.b}"/>`);
  const marks = evs.map((e) => `<g class="event" data-event="${esc(e.event)}"><line x1="${x(e.at).toFixed(1)}" x2="${x(e.at).toFixed(1)}" y1="${PAD.t}" y2="${H - PAD.b}"/><text x="${(x(e.at) + 2).toFixed(1)}" y="${PAD.t + 9}">${esc(e.event)}</text><title>${esc(`${iso(e.at)} ${e.event} ${e.detail}`)}</title></g>`);
  const ticks = [0, 0.5, 1].map((f) => `<text class="axis" x="${PAD.l - 4}" y="${(y(ymax * f) + 3).toFixed(1)}" text-anchor="end">${(ymax * f).toFixed(0)} h</text>`);
  return [
    `<svg class="timeline" data-reel="${esc(h.reelId)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="floor life of reel ${esc(h.reelId)}">`,
    `<title>Floor life left of reel ${esc(h.reelId)} (${esc(h.mpn)}, lot ${esc(h.lot)})</title>`,
    ...shade,
    `<line class="axis" x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}"/>`,
    `<line class="axis" x1="${PAD.l}" x2="${PAD.l}" y1="${PAD.t}" y2="${H - PAD.b}"/>`,
    ...ticks,
    `<text class="axis" x="${PAD.l}" y="${H - 8}">${esc(iso(t0).slice(0, 16).replace('T', ' '))}</text>`,
    `<text class="axis" x="${W - PAD.r}" y="${H - 8}" text-anchor="end">${esc(iso(t1).slice(0, 16).replace('T', ' '))}</text>`,
    pts.length > 0 ? `<polyline class="life" points="${pts.join(' ')}"/>` : '',
    ...marks,
    '</svg>',
  ].join('');
}

function tableHtml(cls: string, head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  if (rows.length === 0) return '<p class="none">none</p>';
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const opt = (v: number | undefined) => (v === undefined ? '' : String(Math.round(v * 100) / 100));

function reconciliationHtml(rows: readonly Reconciliation[]): string {
  return tableHtml(
    'reconciliation',
    ['station', 'BOM line', 'MPN', 'per board', 'boards', 'planned', 'placed', 'consumed (counted)', 'flags'],
    rows.map((r) => [r.station, r.bomLine, r.mpns, opt(r.qtyPerBoard), r.boards, opt(r.planned), opt(r.placed), opt(r.consumed), r.flags.join(' ')]),
  );
}

function boardHtml(b: Board): string {
  return `<h3>Board ${esc(b.unitId)} at station ${b.station}, ${esc(iso(b.at))}${b.firstOff ? ' (first-off)' : ''}</h3><p>operator ${esc(b.operator || '–')}, program ${esc(b.program?.name ?? '–')} rev ${esc(b.program?.revision ?? '–')}, ${b.complete ? 'complete trace' : 'INCOMPLETE trace'}</p>${tableHtml(
    'board',
    ['slot', 'refdes', 'MPN', 'maker', 'lot', 'reel', 'how', 'floor life left (h)'],
    b.slots.map((s) => [s.position, s.refdes.join(' '), s.mpn, s.manufacturer, s.lot, s.reelId, s.source, s.msdRemainingS === undefined ? '' : (s.msdRemainingS / 3600).toFixed(1)]),
  )}`;
}

const CSS = `body{font:13px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:20px}h3{font-size:14px}
section.order{page-break-before:always;border-top:3px solid #333;padding-top:8px}table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}
th{background:#eee}dl.summary{display:grid;grid-template-columns:max-content auto;gap:2px 12px}dt{font-weight:600}.flag{color:#b00}
svg.timeline{border:1px solid #ccc;margin:4px 0}svg .life{fill:none;stroke:#1565c0;stroke-width:1.5}svg .axis{stroke:#555;font-size:9px;fill:#555}
svg .exposure{fill:#ffe0b2}svg .pause{fill:#e3f2fd}svg .bake{fill:#ffcdd2}svg .expired{fill:#e0e0e0}svg .event line{stroke:#888;stroke-dasharray:2 2}svg .event text{font-size:8px;fill:#333}`;

function orderPage(m: TraceModel, s: OrderSummary): string {
  const rec = reconcile(m).filter((r) => r.workOrder === s.workOrder);
  const reels = [...m.reels.values()].filter((h) => m.usage.some((u) => u.workOrder === s.workOrder && u.reelId === h.reelId));
  const dl = (pairs: readonly (readonly [string, string, string | number])[]) => `<dl class="summary">${pairs.map(([k, f, v]) => `<dt>${esc(k)}</dt><dd data-field="${f}">${esc(v)}</dd>`).join('')}</dl>`;
  const summary = dl([
    ['Product', 'product', s.product],
    ['BOM revision', 'bomRevisions', s.bomRevisions.join(', ')],
    ['Planned quantity', 'plannedQuantity', s.plannedQuantity],
    ['Boards built', 'boards', s.boards],
    ['Stations', 'stations', s.stations.join(', ')],
    ['Station traces (board × station)', 'traces', s.traces],
    ['Complete traces', 'complete', s.complete],
    ['Boards without permit', 'withoutPermit', s.withoutPermit],
    ['Traces with lost records', 'uncertain', s.uncertain],
    ['First-off', 'firstOff', s.firstOff.map((f) => `station ${f.station} ${f.unitId} ${f.verdict}`).join('; ') || 'none'],
    ['Period', 'period', `${iso(s.from)} – ${iso(s.to)}`],
  ]);
  const stops = [
    `<p class="stops-total" data-stops="${s.stopsTotal.stops}">${s.stopsTotal.stops} ${s.stopsTotal.stops === 1 ? 'stop' : 'stops'}, ${hm(s.stopsTotal.ms)} with the permit off (setup included).</p>`,
    tableHtml('stops', ['reason', 'stops', 'time off (h:mm)'], s.stops.map((x) => [x.reason, x.stops, hm(x.ms)])),
    '<p class="note">One stop may appear under several reasons: it counts under every reason the station gave while it lasted, and its time under each reason while that reason held, so the rows add up to more than the total.</p>',
  ].join('');
  const title = `<h1>Work order ${esc(s.workOrder)}${s.prototype ? ' (prototype)' : ''}</h1>`;
  if (s.prototype) {
    const boards = m.boards.filter((b) => b.workOrder === s.workOrder);
    return `<section class="order prototype" data-work-order="${esc(s.workOrder)}">${title}${summary}<h2>Boards</h2>${boards.map(boardHtml).join('')}<h2>Material</h2>${reconciliationHtml(rec)}</section>`;
  }
  const problems = m.problems.filter((p) => p.station === undefined || s.stations.includes(p.station));
  return [
    `<section class="order" data-work-order="${esc(s.workOrder)}">`,
    title,
    '<h2>Summary</h2>',
    summary,
    '<h2>Stops by reason</h2>',
    stops,
    '<h2>Material usage against the BOM</h2>',
    reconciliationHtml(rec),
    '<h2>MSD reels: floor life left</h2>',
    reels.length === 0 ? '<p class="none">no MSD reels</p>' : reels.map((h) => `<h3>Reel ${esc(h.reelId)}: ${esc(h.mpn)}, lot ${esc(h.lot)}${h.msdLevel === '' ? '' : `, MSL ${esc(h.msdLevel)}`}</h3>${reelTimeline(h)}`).join(''),
    '<h2>Input damage and gaps</h2>',
    tableHtml('damage', ['reason', 'file', 'offset', 'records lost', 'detail'], problems.map((p) => [p.reason, p.file, p.offset === undefined ? '' : `0x${p.offset.toString(16)}`, p.lost === undefined ? '' : `${p.lost.from}–${p.lost.to}`, p.detail])),
    '</section>',
  ].join('\n');
}

export function renderReport(m: TraceModel): string {
  const orders = orderSummaries(m);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Traceability report${m.lineName === '' ? '' : `: ${esc(m.lineName)}`}</title>`,
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
    `<style>${CSS}</style></head><body>`,
    `<header><p>SMT Warden traceability report${m.lineName === '' ? '' : ` for ${esc(m.lineName)}`}: ${m.stations.length} stations, ${orders.length} work orders, generated from the station journals.</p>`,
    `<ul class="toc">${orders.map((o) => `<li>${esc(o.workOrder)}: ${o.boards} boards</li>`).join('')}</ul></header>`,
    ...orders.map((o) => orderPage(m, o)),
    '</body></html>',
  ].join('\n');
}
