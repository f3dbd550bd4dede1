// `warden trace export`: the tables as CSV files or one JSON document, or the journals as IPC-CFX messages
// (one JSON Lines file per station, envelopes in journal order, as the gateway would publish them).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfxStream } from '../cfx/map';
import { cfxHandle } from '../cfx/envelope';
import type { TraceInput } from './input';
import { matchDoc, type TraceModel } from './model';
import { tables, type Cell, type Table } from './tables';

export type ExportFormat = 'csv' | 'json' | 'cfx';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvCell(v: Cell): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(t: Table): string {
  const lines = [t.columns.join(',')];
  for (const r of t.rows) lines.push(t.columns.map((c) => csvCell(r[c] ?? null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export interface ExportSummary {
  readonly format: ExportFormat;
  readonly files: readonly { readonly file: string; readonly rows: number }[];
}

/** The CFX messages of every station, in journal order. */
export function* cfxMessages(input: TraceInput): Generator<{ station: number; json: string }> {
  for (const s of input.stations) {
    const stream = new CfxStream({ stationId: s.station.id, source: cfxHandle(input.lineName, s.station.id), lane: s.station.lane, doc: (o) => matchDoc(input.docs, s.station.id, o)?.doc });
    for (const e of s.entries) for (const env of stream.push(e)) yield { station: s.station.id, json: JSON.stringify(env) };
  }
}

export function writeExport(input: TraceInput, model: TraceModel, format: ExportFormat, out: string): ExportSummary {
  mkdirSync(out, { recursive: true });
  const files: { file: string; rows: number }[] = [];
  if (format === 'csv') {
    for (const t of tables(model)) {
      writeFileSync(join(out, `${t.name}.csv`), toCsv(t));
      files.push({ file: `${t.name}.csv`, rows: t.rows.length });
    }
  } else if (format === 'json') {
    const ts = tables(model);
    const doc = {
      format: 'smt-warden.trace-export',
      version: 1,
      line: model.lineName,
      stations: model.stations,
      boards: model.boards,
      ...Object.fromEntries(ts.filter((t) => t.name !== 'boards').map((t) => [t.name, t.rows])),
    };
    writeFileSync(join(out, 'trace.json'), `${JSON.stringify(doc, null, 1)}\n`);
    files.push({ file: 'trace.json', rows: model.boards.length });
  } else {
    const per = new Map<number, string[]>();
    for (const m of cfxMessages(input)) {
      const l = per.get(m.station) ?? [];
      l.push(m.json);
      per.set(m.station, l);
    }
    for (const [station, lines] of per) {
      const file = `cfx-station-${station}.jsonl`;
      writeFileSync(join(out, file), `${lines.join('\n')}\n`);
      files.push({ file, rows: lines.length });
    }
  }
  return { format, files };
}
