// A run's output directory (`warden sim --out DIR`), the input of the trace tools:
//   DIR/line.json                  the line: seed, scenario, stations (id, name, role), times, the summary
//   DIR/stations/<id>/journal.bin  the journal partition image, byte for byte what a device dump gives
//   DIR/stations/<id>/store.bin    the state-store partition image
//   DIR/stations/<id>/config.json  the station's configuration document
//   DIR/host/work-orders/*.json    every work-order document the MES sent (host-sim/host/work-order-doc.ts)
//   DIR/host/records-<id>.jsonl    the records the MES collected: {"seq","at","type","body"} per line
// Everything in it is a function of the run: the same seed writes the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex, toJsonValue } from '../../protocol/src/json';
import { messageNameOf } from '../../protocol/src/messages';
import { configDocument, parseConfig } from '../../firmware/core/station/config';
import { decodeRecord } from '../line/mes';
import type { Line } from '../line/line';
import type { SimSummary } from './summary';

export const LINE_FORMAT = 'smt-warden.sim-line';

export function writeOut(dir: string, line: Line, summary: SimSummary): string[] {
  const written: string[] = [];
  const put = (path: string, data: string | Uint8Array): void => {
    writeFileSync(join(dir, path), data);
    written.push(path);
  };
  mkdirSync(join(dir, 'host', 'work-orders'), { recursive: true });
  put(
    'line.json',
    `${JSON.stringify(
      {
        format: LINE_FORMAT,
        version: 1,
        seed: summary.seed,
        scenario: summary.scenario,
        stations: summary.stations,
        start: summary.start,
        end: summary.end,
        simulatedHours: summary.simulatedHours,
        workOrder: line.plan.workOrder,
        product: line.plan.product,
        // Simulation only: every station's secret derives from it (PROTOCOL.md §3.1), so captures can be decoded
        // with `warden decode --line-master`.
        lineMasterHex: toHex(line.lineMaster),
        replay: summary.replay,
        summary,
      },
      null,
      2,
    )}\n`,
  );
  for (const f of line.floors) {
    const st = join('stations', String(f.id));
    mkdirSync(join(dir, st), { recursive: true });
    put(join(st, 'journal.bin'), f.station.journal.image());
    put(join(st, 'store.bin'), f.station.store.image());
    const running = f.station.station?.config;
    const parsed = running === undefined ? parseConfig(line.configOf(f.id, f.plan.role)) : undefined;
    const config = running ?? (parsed?.ok === true ? parsed.config : undefined);
    if (config !== undefined) put(join(st, 'config.json'), `${JSON.stringify(configDocument(config), null, 2)}\n`);
    for (const doc of line.docsOf(f.id)) {
      const h = doc.workOrder.header;
      put(join('host', 'work-orders', `${safe(h.workOrderIdentifier)}-station-${f.id}-rev-${safe(h.recipeRevision)}.json`), `${JSON.stringify(doc, null, 2)}\n`);
    }
    const lines: string[] = [];
    for (const r of line.mes.sink.records.get(f.id) ?? []) {
      const m = decodeRecord(r);
      lines.push(JSON.stringify({ seq: r.seq, at: r.at, type: m?.type ?? messageNameOf(r.recordType) ?? `0x${r.recordType.toString(16)}`, body: m === undefined ? { undecoded: toHex(r.data) } : toJsonValue(m.body) }));
    }
    put(join('host', `records-${f.id}.jsonl`), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  }
  return written;
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_');
}
