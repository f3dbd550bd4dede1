// A test line: real stations (`Station.start` over firmware/platform/sim) run through a production day, written
// out as the trace tools' input folder (the layout the simulator's --out writes). Every station gets its own
// work-order document (its share of one BOM), badges, a shift change, reels scanned from their labels, an MSD reel
// per few slots opened at the station, splices and reel changes, a power cut, an override, a manual lot entry, a
// first-off, and a host that collects and acknowledges the journal now and then (so early records live only in
// the host's records file, as on a real line). Everything comes from the seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJsonValue } from '../../../protocol/src/json';
import type { Message } from '../../../protocol/src/messages';
import { PROTOTYPE_MAX_BOARDS, type Slot, type WorkOrder } from '../../../protocol/src/workorder';
import { parseLabel } from '../../../firmware/core/label';
import { configDocument, parseConfig } from '../../../firmware/core/station/config';
import type { HostMessage, OrderTerms, Reply, StationInput } from '../../../firmware/core/station/types';
import { SimClock } from '../../../firmware/platform/sim/clock';
import { seededRandom, SimOutput, SimSensor } from '../../../firmware/platform/sim/devices';
import { SimFlash } from '../../../firmware/platform/sim/flash';
import { PowerDomain } from '../../../firmware/platform/sim/power';
import { Station } from '../../../firmware/runtime/station';
import { WORK_ORDER_DOC_FORMAT, WORK_ORDER_DOC_VERSION, type BomLine, type WorkOrderDoc } from '../../../host-sim/host/work-order-doc';

export const DAY0 = Date.UTC(2026, 11, 1, 6, 0, 0);

export interface LineOptions {
  readonly seed: number;
  readonly stations: number;
  readonly slots: number;
  /** Production time after setup. */
  readonly hours: number;
  /** One board every this many seconds at every station. */
  readonly cycleS: number;
  readonly journalKib?: number;
  /** Host collection (read + ack) every this many hours; 0 = never. */
  readonly collectEveryH?: number;
  readonly prototype?: boolean;
  readonly plannedQuantity?: number;
  /** Every station names its slots F.1, F.2, … (as cells with the same feeder carts do), not S<id>.F.1. */
  readonly sharedPositions?: boolean;
}

export interface StationRun {
  readonly id: number;
  readonly journal: SimFlash;
  readonly config: Record<string, unknown>;
  readonly doc: WorkOrderDoc;
  /** Records the host collected (and acknowledged), in order. */
  readonly collected: { seq: number; at: number; message: Message }[];
  readonly station: Station;
  /** Each scanned reel's date code as its label carried it, and under which data identifier (9D, or 10D, YYWW). */
  readonly dateCodes: ReadonlyMap<string, { readonly dateCode: string; readonly di: '9D' | '10D' }>;
}

export interface LineRun {
  readonly stations: StationRun[];
  readonly workOrder: string;
}

/** Uniform [0, 1) from the simulator's seeded bytes. */
function prng(seed: number): () => number {
  const bytes = seededRandom(seed);
  const b = new Uint8Array(4);
  return () => {
    bytes(b);
    return ((b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0) / 2 ** 32;
  };
}

const MAKERS = ['Samsung Electro-Mechanics', 'Murata', 'Yageo', 'Texas Instruments', 'Vishay', 'Nexperia', 'Bourns', 'ROHM'];

/** An EIGP-114 reel label as a scanner delivers it (ISO/IEC 15434 envelope). */
export function reelLabel(r: { mpn: string; qty: number; lot: string; dateCode: string; maker: string; reelId: string; dateDi?: '9D' | '10D' }): string {
  return `[)>\u001e06\u001d1P${r.mpn}\u001dQ${r.qty}\u001d1T${r.lot}\u001d${r.dateDi ?? '9D'}${r.dateCode}\u001d1V${r.maker}\u001d3S${r.reelId}\u001e\u0004`;
}

interface Part {
  readonly line: BomLine;
  readonly slot: Slot;
  readonly maker: string;
  readonly mpn: string;
}

function partsFor(station: number, slots: number, rnd: () => number, shared = false): Part[] {
  const out: Part[] = [];
  for (let i = 0; i < slots; i++) {
    const n = station * 1000 + i + 1;
    const qty = 1 + Math.floor(rnd() * 4);
    const refdes = Array.from({ length: qty }, (_, k) => `${i % 3 === 0 ? 'C' : i % 3 === 1 ? 'R' : 'U'}${station}${String(i * 4 + k + 1).padStart(3, '0')}`);
    const maker = MAKERS[Math.floor(rnd() * MAKERS.length)]!;
    const mpn = `WP${n}X${Math.floor(rnd() * 900 + 100)}`;
    const msd = i % 5 === 3;
    const line: BomLine = { line: String(n), internalPartNumber: `IPN-${n}`, refdes, quantityPerBoard: qty, ...(msd ? { msl: '3' as const } : {}) };
    const slot: Slot = {
      position: `${shared ? '' : `S${station}.`}F.${i + 1}`,
      bomLine: String(n),
      internalPartNumber: `IPN-${n}`,
      msd,
      thicknessClass: msd ? 'thick' : 'unknown',
      approvedParts: [
        { manufacturerPartNumber: mpn, manufacturer: maker, permission: 'primary' },
        ...(i % 7 === 2 ? [{ manufacturerPartNumber: `${mpn}ALT`, manufacturer: 'Second Source Inc', permission: 'alternate' as const }] : []),
      ],
    };
    out.push({ line, slot, maker, mpn });
  }
  return out;
}

/** The work-order document of one station's share of the order. */
export function stationDoc(station: number, parts: readonly Part[], terms: OrderTerms, wo: string): WorkOrderDoc {
  const order: WorkOrder = {
    header: {
      workOrderIdentifier: wo,
      productIdentifier: 'PCBA-7781',
      bomRevision: 'B',
      recipeName: `PCBA-7781-S${station}`,
      recipeRevision: '4',
      recipeChecksum: 0x7781_0000 + station,
      lane: 1,
      timeToReflow: 4 * 3600,
    },
    slots: parts.map((p) => p.slot),
  };
  return { format: WORK_ORDER_DOC_FORMAT, version: WORK_ORDER_DOC_VERSION, workOrder: order, terms, bom: { lines: parts.map((p) => p.line) }, stations: [station], source: 'tools/test/trace/fixture.ts' };
}

const host = (message: Message): StationInput => ({ kind: 'host', message: message as HostMessage });

function runStation(id: number, o: LineOptions, wo: string, rnd: () => number): StationRun {
  const kib = o.journalKib ?? 1024;
  const clock = new SimClock({ rtc: { epochMs: DAY0, trusted: true } });
  const power = new PowerDomain();
  const journal = new SimFlash({ sectorSize: 4096, sectorCount: kib / 4, wordSize: 4, seed: o.seed + id });
  const store = new SimFlash({ sectorSize: 4096, sectorCount: 64, wordSize: 4, seed: o.seed + id + 1 });
  const sensor = new SimSensor();
  const config = { stationId: id, name: `line 1 station ${id}`, role: 'placement', maxSlots: 120, journal: { kib }, timeouts: { checkpointMs: 300_000 } };
  const c = parseConfig(config);
  if (!c.ok) throw new Error(c.detail);
  const start = () =>
    Station.start({
      hal: { journalFlash: power.attach(journal), storeFlash: power.attach(store), clock, runPermit: new SimOutput(), sensor, random: seededRandom(o.seed + id) },
      provision: { config, secret: new Uint8Array(32).fill(id) },
    });
  let st = start();
  const must = (r: Reply, what: string): Reply => {
    if (!r.ok) throw new Error(`station ${id}: ${what}: ${r.reason}: ${r.detail}`);
    return r;
  };
  const sync = () => {
    const t = DAY0 + clock.monotonicMs();
    return st.input(host({ type: 'TimeSync', body: { utcTime: Math.floor(t / 1000), millis: t % 1000 } }));
  };
  const parts = partsFor(id, o.slots, rnd, o.sharedPositions === true);
  const terms: OrderTerms = { prototype: o.prototype ?? false, plannedQuantity: o.plannedQuantity ?? 0, maxBoards: o.prototype === true ? PROTOTYPE_MAX_BOARDS : 0 };
  const doc = stationDoc(id, parts, terms, wo);
  const collected: { seq: number; at: number; message: Message }[] = [];
  let reelNo = 0;
  const dateCodes = new Map<string, { dateCode: string; di: '9D' | '10D' }>();
  let ticked = 0;
  /** Time passes as on a real station: the runtime ticks (sensor, checkpoints, timeouts) every minute here. */
  const wait = (ms: number) => {
    for (let left = ms; left > 0; left -= 60_000) {
      clock.advance(Math.min(60_000, left));
      ticked = clock.monotonicMs();
      st.input({ kind: 'tick' });
    }
  };
  const newReel = (p: Part) => {
    reelNo++;
    const reelId = `R${id}N${reelNo}`;
    const qty = 2000 + Math.floor(rnd() * 3000);
    // The station's parser refuses a label whose field looks like a dropped separator (e.g. a lot ending "13E3"):
    // pick a lot spelling the station reads unambiguously, as a supplier's labels do.
    // Every other reel carries its date code under 10D (EIGP-114's YYWW) instead of 9D.
    const dateCode = `26${String(10 + (reelNo % 40)).padStart(2, '0')}`;
    const di = reelNo % 2 === 0 ? '10D' : '9D';
    for (const letter of 'ABCGHMNRWXY') {
      const lot = `LOT${letter}${id}${letter}${reelNo}`;
      const raw = reelLabel({ mpn: p.mpn, qty, lot, dateCode, maker: p.maker, reelId, dateDi: di });
      const l = parseLabel(raw);
      if (l.ok && l.label.lot === lot && l.label.reelId === reelId && l.label.dateCode === dateCode) {
        dateCodes.set(reelId, { dateCode, di });
        return { reelId, lot, qty, raw };
      }
    }
    throw new Error(`no readable label for reel ${reelId}`);
  };
  const hostRecord = (p: Part, r: ReturnType<typeof newReel>) =>
    host({ type: 'ReelRecord', body: { uniqueIdentifier: r.reelId, internalPartNumber: p.slot.internalPartNumber, manufacturerPartNumber: p.mpn, manufacturer: p.maker, manufacturerLotCode: r.lot, quantity: r.qty, msdLevel: '3', thicknessClass: 'thick' } });
  const load = (p: Part) => {
    const r = newReel(p);
    if (p.slot.msd) {
      must(st.input(hostRecord(p, r)), 'reel record');
      must(st.input({ kind: 'scan', data: 'CMD:OPEN-DRY' }), 'open');
      must(st.input({ kind: 'scan', data: r.raw }), 'open reel');
    }
    // An operator takes about half a minute a reel: scan the slot, fetch and scan the reel.
    wait(20_000);
    must(st.input({ kind: 'scan', data: p.slot.position }), 'slot scan');
    wait(10_000);
    must(st.input({ kind: 'scan', data: r.raw }), `reel scan ${p.slot.position}`);
  };
  const program = () => must(st.input({ kind: 'program', name: doc.workOrder.header.recipeName, revision: doc.workOrder.header.recipeRevision, checksum: doc.workOrder.header.recipeChecksum }), 'program');
  const collect = () => {
    const from = (collected.at(-1)?.seq ?? 0) + 1;
    let last = 0;
    for (const e of st.entries()) {
      if (e.seq < from) continue;
      collected.push({ seq: e.seq, at: e.at, message: e.message });
      last = e.seq;
    }
    if (last > 0) st.ackJournal(last);
  };

  must(sync(), 'time sync');
  for (const [badge, op, role] of [['1001', `OP-${id}A`, 'operator'], ['1002', `OP-${id}B`, 'operator'], ['2001', `TE-${id}`, 'technician'], ['3001', `SV-${id}`, 'supervisor']] as const) {
    must(st.input(host({ type: 'BadgeRecord', body: { badge, operatorIdentifier: op, role, active: true } })), 'badge');
  }
  must(st.input({ kind: 'work-order', order: doc.workOrder, terms, digest: 0x1000 + id }), 'work order');
  must(st.input({ kind: 'scan', data: 'OP:1001' }), 'login');
  sensor.reading = { ok: true, tempC: 24, rhPct: 45 };
  for (const p of parts) load(p);
  program();

  const cycle = o.cycleS * 1000;
  const boards = Math.floor((o.hours * 3_600_000) / cycle);
  const spliceEvery = Math.max(50, Math.floor(boards / (o.slots * 0.6 + 1)));
  const collectEvery = o.collectEveryH === undefined || o.collectEveryH === 0 ? Infinity : Math.floor((o.collectEveryH * 3_600_000) / cycle);
  const cutAt = Math.floor(boards * 0.55);
  const overrideAt = Math.floor(boards * 0.3);
  const manualAt = Math.floor(boards * 0.7);
  for (let n = 1; n <= boards; n++) {
    clock.advance(cycle);
    if (clock.monotonicMs() - ticked >= 60_000) {
      ticked = clock.monotonicMs();
      st.input({ kind: 'tick' });
    }
    const unitId = `PCB-${String(n).padStart(6, '0')}`;
    const r = st.input({ kind: 'board', unitId });
    if (n === 1) {
      if (r.outcome !== 'first-off') throw new Error(`station ${id}: the first board is not the first-off: ${r.reason} ${r.detail}`);
      wait(12 * 60_000); // the first-off board at inspection
      must(st.input(host({ type: 'FirstOffResult', body: { at: 0, unitIdentifier: unitId, passed: true, inspector: `QA-${id}`, reason: 'OK', comment: 'AOI and visual' } })), 'first-off');
    } else if (!r.ok) {
      throw new Error(`station ${id}: board ${n}: ${r.reason}: ${r.detail}`);
    }
    if (n % spliceEvery === 0) {
      // A reel runs low: splice a new reel of the same part (a new lot) onto it.
      const p = parts[Math.floor(rnd() * parts.length)]!;
      if (!p.slot.msd) {
        const nr = newReel(p);
        must(st.input({ kind: 'scan', data: 'CMD:SPLICE' }), 'splice');
        must(st.input({ kind: 'scan', data: p.slot.position }), 'splice slot');
        must(st.input({ kind: 'scan', data: nr.raw }), 'splice reel');
      } else {
        must(st.input({ kind: 'unload', position: p.slot.position, remaining: 40 + Math.floor(rnd() * 60) }), 'unload');
        load(p);
      }
    }
    if (n === Math.floor(boards / 2)) {
      // Shift change.
      must(st.input({ kind: 'scan', data: 'OP:1002' }), 'shift change');
      sensor.reading = { ok: true, tempC: 26.5, rhPct: 58 };
    }
    if (n === overrideAt && id % 2 === 1) {
      must(st.input({ kind: 'override-request', reason: 'PLC_HEARTBEAT_LOST', durationMs: 1_800_000, comment: 'PLC firmware update' }), 'override request');
    }
    if (n === manualAt && id % 3 === 0) {
      // A reel with a faded label, entered by hand by a technician.
      const p = parts.find((x) => !x.slot.msd)!;
      must(st.input({ kind: 'scan', data: 'OP:2001' }), 'technician login');
      must(st.input({ kind: 'unload', position: p.slot.position }), 'unload for manual entry');
      must(st.input({ kind: 'manual-lot', entry: { position: p.slot.position, mpn: p.mpn, manufacturer: p.maker, lot: `MLOT${id}`, quantity: 1500, dateCode: '2549', reason: 'label faded', customerSupplied: id % 2 === 0 } }), 'manual lot');
      must(st.input({ kind: 'scan', data: 'OP:1002' }), 'operator back');
    }
    if (n === cutAt && id % 2 === 0) {
      // A power cut in the middle of the next board, and back after 2 minutes.
      power.cutAtStep(power.steps + 30);
      st.input({ kind: 'board', unitId: `${unitId}X` });
      clock.powerCycle(120_000, 'survives');
      power.reboot();
      st = start();
      ticked = clock.monotonicMs();
      wait(90_000); // the operator comes back to the station, the machine reports its program
      must(st.input({ kind: 'scan', data: 'OP:1002' }), 'login after boot');
      program();
    }
    if (n % collectEvery === 0) collect();
  }
  return { id, journal, config: configDocument(c.config), doc, collected, station: st, dateCodes };
}

/** Runs the line. Deterministic for given options. */
export function runLine(o: LineOptions): LineRun {
  const rnd = prng(o.seed);
  const wo = `WO-2026-${String(4000 + (o.seed % 1000)).padStart(4, '0')}`;
  const stations: StationRun[] = [];
  for (let i = 1; i <= o.stations; i++) stations.push(runStation(i, o, wo, rnd));
  return { stations, workOrder: wo };
}

/** Writes the run as an input folder; returns the folder. */
export function writeLine(run: LineRun, dir: string): string {
  mkdirSync(join(dir, 'host', 'work-orders'), { recursive: true });
  writeFileSync(join(dir, 'line.json'), `${JSON.stringify({ name: 'line 1', stations: run.stations.map((s) => ({ id: s.id, name: `line 1 station ${s.id}`, role: 'placement' })) }, null, 2)}\n`);
  for (const s of run.stations) {
    const sd = join(dir, 'stations', String(s.id));
    mkdirSync(sd, { recursive: true });
    writeFileSync(join(sd, 'journal.bin'), s.journal.image());
    writeFileSync(join(sd, 'config.json'), `${JSON.stringify(s.config, null, 2)}\n`);
    writeFileSync(join(dir, 'host', 'work-orders', `${run.workOrder}-station-${s.id}.json`), `${JSON.stringify(s.doc, null, 2)}\n`);
    if (s.collected.length > 0) {
      writeFileSync(join(dir, 'host', `records-${s.id}.jsonl`), s.collected.map((r) => JSON.stringify({ seq: r.seq, at: new Date(r.at).toISOString(), type: r.message.type, body: toJsonValue(r.message.body) })).join('\n') + '\n');
    }
  }
  return dir;
}
