// The trace tools' input folder (`--in DIR`), as the simulator's `--out` writes it and a device dump can be
// arranged into:
//   DIR/line.json                      {"stations":[{"id":7,"name":"…","role":"placement"}], …}   (optional)
//   DIR/stations/<id>/journal.bin      the journal partition image, the same bytes a device dump gives
//   DIR/stations/<id>/config.json      the station configuration document (journal size etc.)
//   DIR/host/work-orders/*.json        work-order documents the host sent
//   DIR/host/records-<id>.jsonl        records the host collected from station <id> (optional)
// Nothing here writes. Every problem found (a damaged journal, a bad document, a host record that disagrees with
// the journal) is reported with where it is; what can be read is read.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodePayload, decodePayload } from '../../../protocol/src/frame';
import { fromHex } from '../../../protocol/src/json';
import { MESSAGES, type Message, type MessageName } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import { DEFAULT_CONFIG, parseConfig, type StationConfig } from '../../../firmware/core/station/config';
import type { JournalEntry } from '../../../firmware/core/trace/replay';
import { describeProblems, parseWorkOrderDoc, type WorkOrderDoc } from '../../../host-sim/host/work-order-doc';
import { parseIsoTime } from '../../../firmware/core/msl/calendar';
import { readJournalImage, type ImageDamage } from './journal-image';

export interface Problem {
  readonly reason: ReasonName;
  /** The file, relative to DIR. */
  readonly file: string;
  readonly station?: number;
  /** Byte offset in the file (journal images), or line number (JSON Lines, CSV). */
  readonly offset?: number;
  readonly line?: number;
  /** Sequence numbers the problem costs, when known. */
  readonly lost?: { readonly from: number; readonly to: number };
  readonly detail: string;
}

export interface StationInfo {
  readonly id: number;
  readonly name: string;
  readonly role: string;
  readonly lane: number;
}

export interface StationJournal {
  readonly station: StationInfo;
  /** Every record held, oldest first: the journal image's and those only the host still has. */
  readonly entries: readonly JournalEntry[];
  readonly fromImage: number;
  readonly fromHost: number;
  /** Damage found when a lazily decoded record was first read (see journal-image.ts). */
  readonly late: ImageDamage[];
}

export interface DocFile {
  readonly file: string;
  readonly doc: WorkOrderDoc;
}

export interface TraceInput {
  readonly dir: string;
  readonly lineName: string;
  readonly stations: readonly StationJournal[];
  readonly docs: readonly DocFile[];
  readonly problems: readonly Problem[];
}

export type InputResult = { readonly ok: true; readonly input: TraceInput } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

const SECTOR_SIZE = 4096;
const WORD_SIZE = 4;
const MAX_STATIONS = 1024;
const SEQ_PREFIX = /^\s*\{\s*"seq"\s*:\s*(\d{1,10})\s*,/;

function readJson(path: string): { ok: true; value: unknown } | { ok: false; detail: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, detail: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, detail: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

interface LineStation {
  name?: string;
  role?: string;
  lane?: number;
  sectorSize?: number;
  wordSize?: number;
}

function readLine(dir: string, problems: Problem[]): { name: string; stations: Map<number, LineStation> } {
  const out = new Map<number, LineStation>();
  const path = join(dir, 'line.json');
  if (!existsSync(path)) return { name: '', stations: out };
  const r = readJson(path);
  const bad = (detail: string) => problems.push({ reason: 'DOCUMENT_FIELD_INVALID', file: 'line.json', detail });
  if (!r.ok) {
    problems.push({ reason: 'BAD_DOCUMENT', file: 'line.json', detail: r.detail });
    return { name: '', stations: out };
  }
  const v = r.value as { name?: unknown; stations?: unknown };
  if (typeof v !== 'object' || v === null || !Array.isArray(v.stations)) {
    bad('stations: a list of {"id", "name", "role"}');
    return { name: '', stations: out };
  }
  v.stations.slice(0, MAX_STATIONS).forEach((s: unknown, i: number) => {
    const o = s as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || typeof o['id'] !== 'number' || !Number.isInteger(o['id']) || o['id'] < 1 || o['id'] > 65534) {
      bad(`stations[${i}].id: a station id 1..65534`);
      return;
    }
    const flash = (typeof o['flash'] === 'object' && o['flash'] !== null ? o['flash'] : {}) as Record<string, unknown>;
    const pow2 = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
    if (flash['sectorSize'] !== undefined && !pow2(flash['sectorSize'])) bad(`stations[${i}].flash.sectorSize: a power of two`);
    if (flash['wordSize'] !== undefined && !pow2(flash['wordSize'])) bad(`stations[${i}].flash.wordSize: a power of two`);
    out.set(o['id'], {
      ...(typeof o['name'] === 'string' ? { name: o['name'] } : {}),
      ...(typeof o['role'] === 'string' ? { role: o['role'] } : {}),
      ...(typeof o['lane'] === 'number' ? { lane: o['lane'] } : {}),
      ...(pow2(flash['sectorSize']) ? { sectorSize: flash['sectorSize'] as number } : {}),
      ...(pow2(flash['wordSize']) ? { wordSize: flash['wordSize'] as number } : {}),
    });
  });
  return { name: typeof v.name === 'string' ? v.name : '', stations: out };
}

/** A host-collected record line: {"seq","at","type","body"}, `at` epoch ms or ISO, bytes fields as hex. */
function hostRecord(v: unknown): { ok: true; entry: JournalEntry } | { ok: false; detail: string } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, detail: 'a JSON object {"seq","at","type","body"}' };
  const o = v as Record<string, unknown>;
  const seq = o['seq'];
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || seq > 0xffffffff) return { ok: false, detail: 'seq: a journal sequence number' };
  // A written time is read strictly (no 30 February moved to 2 March, no zoneless local time): the same parser
  // as every time on the command line and in an MSD history.
  const written = typeof o['at'] === 'string' ? parseIsoTime(o['at']) : undefined;
  if (written !== undefined && !written.ok) return { ok: false, detail: `at: ${written.message}; or epoch ms` };
  const at = written !== undefined && written.ok ? written.ms : o['at'];
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) return { ok: false, detail: 'at: epoch ms, or an ISO-8601 time with a zone (2026-12-01T06:00:00Z)' };
  const type = o['type'];
  if (typeof type !== 'string' || !(type in MESSAGES)) return { ok: false, detail: 'type: a message name of protocol/PROTOCOL.md' };
  let body = o['body'];
  if (type === 'ScanEvent' && typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>)['data'] === 'string') {
    const data = fromHex((body as Record<string, unknown>)['data'] as string);
    if (data === undefined) return { ok: false, detail: 'body.data: hex bytes' };
    body = { ...(body as object), data };
  }
  const m = { type, body } as Message;
  const p = encodePayload(m);
  if (!p.ok) return { ok: false, detail: `body: ${p.detail}` };
  // Through the codec and back: the same canonical body as a record read from flash.
  const d = decodePayload(MESSAGES[type as MessageName].type, p.payload);
  if (!d.ok) return { ok: false, detail: `body: ${d.detail}` };
  return { ok: true, entry: { seq, at, message: d.message } };
}

function sameMessage(a: Message, b: Message): boolean {
  if (a.type !== b.type) return false;
  const pa = encodePayload(a);
  const pb = encodePayload(b);
  if (!pa.ok || !pb.ok || pa.payload.length !== pb.payload.length) return false;
  return pa.payload.every((x, i) => x === pb.payload[i]);
}

function readHostRecords(dir: string, id: number, problems: Problem[], skip: (seq: number) => boolean): Map<number, JournalEntry> {
  const out = new Map<number, JournalEntry>();
  const file = `host/records-${id}.jsonl`;
  const path = join(dir, file);
  if (!existsSync(path)) return out;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    problems.push({ reason: 'IO_ERROR', file, station: id, detail: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
    return out;
  }
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    // A record the journal image still holds is read from the image: the station's own copy is the original.
    const quick = SEQ_PREFIX.exec(line);
    if (quick !== null && skip(Number(quick[1]))) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      problems.push({ reason: 'BAD_DOCUMENT', file, station: id, line: i + 1, detail: `not JSON: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    const r = hostRecord(v);
    if (!r.ok) {
      problems.push({ reason: 'DOCUMENT_FIELD_INVALID', file, station: id, line: i + 1, detail: r.detail });
      return;
    }
    const had = out.get(r.entry.seq);
    if (had !== undefined && !sameMessage(had.message, r.entry.message)) {
      problems.push({ reason: 'HOST_RECORD_CONFLICT', file, station: id, line: i + 1, lost: { from: r.entry.seq, to: r.entry.seq }, detail: `record ${r.entry.seq} appears twice, different (the first is kept)` });
      return;
    }
    out.set(r.entry.seq, r.entry);
  });
  return out;
}

function readDocs(dir: string, problems: Problem[]): DocFile[] {
  const folder = join(dir, 'host', 'work-orders');
  if (!existsSync(folder)) return [];
  const out: DocFile[] = [];
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.json')).sort()) {
    const file = `host/work-orders/${name}`;
    const r = readJson(join(folder, name));
    if (!r.ok) {
      problems.push({ reason: 'BAD_DOCUMENT', file, detail: r.detail });
      continue;
    }
    const d = parseWorkOrderDoc(r.value);
    if (!d.ok) problems.push({ reason: 'DOCUMENT_FIELD_INVALID', file, detail: describeProblems(d.problems) });
    else out.push({ file, doc: d.doc });
  }
  return out;
}

/** The station ids present: a folder under stations/ or a host records file. */
function stationIds(dir: string): number[] {
  const ids = new Set<number>();
  const st = join(dir, 'stations');
  if (existsSync(st)) for (const n of readdirSync(st)) if (/^\d{1,5}$/.test(n) && statSync(join(st, n)).isDirectory()) ids.add(Number(n));
  const host = join(dir, 'host');
  if (existsSync(host)) for (const n of readdirSync(host)) {
    const m = /^records-(\d{1,5})\.jsonl$/.exec(n);
    if (m !== null) ids.add(Number(m[1]));
  }
  return [...ids].filter((i) => i >= 1 && i <= 65534).sort((a, b) => a - b).slice(0, MAX_STATIONS);
}

function readStation(dir: string, id: number, line: LineStation | undefined, problems: Problem[], checkHost: boolean): StationJournal {
  const base = `stations/${id}`;
  let config: StationConfig = { ...DEFAULT_CONFIG, stationId: id };
  const cpath = join(dir, base, 'config.json');
  if (existsSync(cpath)) {
    const r = readJson(cpath);
    const c = r.ok ? parseConfig(r.value) : undefined;
    if (!r.ok) problems.push({ reason: 'BAD_DOCUMENT', file: `${base}/config.json`, station: id, detail: r.detail });
    else if (c !== undefined && !c.ok) problems.push({ reason: 'CONFIG_INVALID', file: `${base}/config.json`, station: id, detail: `${c.detail}; the defaults are used` });
    else if (c !== undefined && c.ok) {
      config = c.config;
      if (c.config.stationId !== id) problems.push({ reason: 'DOCUMENT_FIELD_INVALID', file: `${base}/config.json`, station: id, detail: `stationId ${c.config.stationId} in the folder of station ${id}: the folder's id is used` });
    }
  }
  const station: StationInfo = { id, name: line?.name ?? config.name, role: line?.role ?? config.role, lane: line?.lane ?? config.lane };
  const byseq = new Map<number, JournalEntry>();
  const jpath = join(dir, base, 'journal.bin');
  let fromImage = 0;
  const late: ImageDamage[] = [];
  let held: { from: number; to: number } | undefined;
  if (existsSync(jpath)) {
    let image: Uint8Array | undefined;
    try {
      image = new Uint8Array(readFileSync(jpath));
    } catch (e) {
      problems.push({ reason: 'IO_ERROR', file: `${base}/journal.bin`, station: id, detail: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
    }
    if (image !== undefined) {
      const r = readJournalImage(image, { sectorSize: line?.sectorSize ?? SECTOR_SIZE, wordSize: line?.wordSize ?? WORD_SIZE, partitionBytes: config['journal.kib'] * 1024 }, late);
      for (const d of r.damage) problems.push({ reason: d.reason, file: `${base}/journal.bin`, station: id, ...(d.offset === undefined ? {} : { offset: d.offset }), ...(d.lost === undefined ? {} : { lost: d.lost }), detail: d.detail });
      for (const e of r.entries) byseq.set(e.seq, e);
      fromImage = r.entries.length;
      held = r.held;
    }
  }
  // An image that still holds record 1 has everything the host could add: its file is read only to check it.
  const host = !checkHost && held !== undefined && held.from === 1 ? new Map<number, JournalEntry>() : readHostRecords(dir, id, problems, (seq) => !checkHost && byseq.has(seq));
  let fromHost = 0;
  for (const [seq, e] of host) {
    const j = byseq.get(seq);
    if (j === undefined) {
      byseq.set(seq, e);
      fromHost++;
    } else if (!sameMessage(j.message, e.message)) {
      problems.push({ reason: 'HOST_RECORD_CONFLICT', file: `host/records-${id}.jsonl`, station: id, lost: { from: seq, to: seq }, detail: `record ${seq}: the host has ${e.message.type}, the journal ${j.message.type} (the journal's is used)` });
    }
  }
  const entries = [...byseq.values()].sort((a, b) => a.seq - b.seq);
  // Sequence numbers neither the image nor the host holds (acknowledged and reclaimed, never collected).
  let expect = 1;
  const gaps: [number, number][] = [];
  for (const e of entries) {
    if (e.seq > expect) gaps.push([expect, e.seq - 1]);
    expect = e.seq + 1;
  }
  const damaged = problems.filter((p) => p.station === id && p.lost !== undefined).map((p) => p.lost!);
  for (const [from, to] of gaps) {
    if (damaged.some((l) => l.from <= from && l.to >= to)) continue;
    if (held !== undefined && to < held.from) {
      problems.push({ reason: 'JOURNAL_SEQ_UNKNOWN', file: `host/records-${id}.jsonl`, station: id, lost: { from, to }, detail: `records ${from}–${to} were acknowledged and reclaimed on the station, and the host folder does not hold them` });
    } else {
      problems.push({ reason: 'JOURNAL_SEQ_UNKNOWN', file: base, station: id, lost: { from, to }, detail: `records ${from}–${to} are in neither the journal image nor the host's records` });
    }
  }
  return { station, entries, fromImage, fromHost, late };
}

export interface ReadOptions {
  /** Also compare every host record with the journal image's record of the same number (HOST_RECORD_CONFLICT). */
  readonly checkHost?: boolean;
}

/** Reads an input folder. Fails only when the folder holds no station at all. */
export function readTraceInput(dir: string, opts: ReadOptions = {}): InputResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { ok: false, reason: 'IO_ERROR', detail: `${dir} is not a folder` };
  const problems: Problem[] = [];
  const line = readLine(dir, problems);
  const ids = stationIds(dir);
  if (ids.length === 0) return { ok: false, reason: 'BAD_ARGUMENT', detail: `${dir} holds no stations/<id>/journal.bin and no host/records-<id>.jsonl: is it a simulator --out folder or an arranged device dump?` };
  const raw: Problem[] = [];
  const stations = ids.map((id) => readStation(dir, id, line.stations.get(id), raw, opts.checkHost === true));
  // Drop a journal's lost range when the host's records cover it all.
  for (const p of raw) {
    if (p.lost !== undefined && p.reason === 'JOURNAL_CORRUPT') {
      const st = stations.find((s) => s.station.id === p.station);
      const have = st?.entries.filter((e) => e.seq >= p.lost!.from && e.seq <= p.lost!.to).length ?? 0;
      if (have === p.lost.to - p.lost.from + 1) {
        const { lost: _recovered, ...rest } = p;
        problems.push({ ...rest, detail: `${p.detail}; recovered from the host's records` });
        continue;
      }
    }
    problems.push(p);
  }
  return { ok: true, input: { dir, lineName: line.name, stations, docs: readDocs(dir, problems), problems } };
}
