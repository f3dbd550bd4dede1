// `warden trace export`: the tables as CSV files or one JSON document, or the journals as IPC-CFX messages
// (one JSON Lines file per station, envelopes in journal order, as the gateway would publish them).
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CfxStream } from '../cfx/map';
import { cfxHandle } from '../cfx/envelope';
import type { TraceInput } from './input';
import { matchDoc, type Board, type TraceModel } from './model';
import { BOARD_COLUMNS, boardRows, tables, type Cell, type Row, type Table } from './tables';

export type ExportFormat = 'csv' | 'json' | 'cfx';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvCell(v: Cell): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(columns: readonly string[], r: Row): string {
  return columns.map((c) => csvCell(r[c] ?? null)).join(',');
}

export function toCsv(t: Table): string {
  const lines = [t.columns.join(',')];
  for (const r of t.rows) lines.push(csvLine(t.columns, r));
  return `${lines.join('\r\n')}\r\n`;
}

/** Appends text to a file through a 1 MiB buffer: an export of a line's day is gigabytes, never one string. */
class Sink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 1 << 20) this.flush();
  }
  private flush(): void {
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** boards.csv, streamed; returns the rows written. */
export function writeBoardsCsv(file: string, boards: readonly Board[]): number {
  const out = new Sink(file);
  out.write(`${BOARD_COLUMNS.join(',')}\r\n`);
  let n = 0;
  for (const r of boardRows(boards)) {
    out.write(`${csvLine(BOARD_COLUMNS, r)}\r\n`);
    n++;
  }
  out.close();
  return n;
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
    files.push({ file: 'boards.csv', rows: writeBoardsCsv(join(out, 'boards.csv'), model.boards) });
    for (const t of tables(model)) {
      writeFileSync(join(out, `${t.name}.csv`), toCsv(t));
      files.push({ file: `${t.name}.csv`, rows: t.rows.length });
    }
  } else if (format === 'json') {
    // One document, streamed: the boards one by one, then the other tables.
    const sink = new Sink(join(out, 'trace.json'));
    sink.write(`{"format":"smt-warden.trace-export","version":1,"line":${JSON.stringify(model.lineName)},"stations":${JSON.stringify(model.stations)},"boards":[`);
    model.boards.forEach((b, i) => sink.write(`${i === 0 ? '\n' : ',\n'}${JSON.stringify(b)}`));
    sink.write('\n]');
    for (const t of tables(model)) sink.write(`,\n${JSON.stringify(t.name)}:${JSON.stringify(t.rows)}`);
    sink.write('}\n');
    sink.close();
    files.push({ file: 'trace.json', rows: model.boards.length });
  } else {
    // One JSON Lines file per station, in journal order (the messages come station by station).
    let sink: Sink | undefined;
    let current = -1;
    for (const m of cfxMessages(input)) {
      if (m.station !== current) {
        sink?.close();
        current = m.station;
        const file = `cfx-station-${current}.jsonl`;
        sink = new Sink(join(out, file));
        files.push({ file, rows: 0 });
      }
      sink!.write(`${m.json}\n`);
      files[files.length - 1]!.rows++;
    }
    sink?.close();
  }
  return { format, files };
}
