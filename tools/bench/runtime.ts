// Station runtime benchmark: scan → verdict latency through the whole runtime (parse, verify, journal, checkpoint,
// outputs), against the bare core step on the same scans; and boot time with a full 1 MiB journal, against the
// journal's recovery alone on the same flash.
import { parseLabel } from '../../firmware/core/label';
import { createSetup, step } from '../../firmware/core/setup';
import { setupConfig } from '../../firmware/core/setup/config';
import { NO_TERMS } from '../../firmware/core/station/types';
import { SimClock } from '../../firmware/platform/sim/clock';
import { seededRandom, SimOutput, SimSensor } from '../../firmware/platform/sim/devices';
import { SimFlash } from '../../firmware/platform/sim/flash';
import { Station } from '../../firmware/runtime/station';
import { Journal } from '../../firmware/storage/journal';
import { demoOrder } from '../../firmware/test/setup/helpers';
import { REELS } from '../../firmware/test/runtime/scans';
import type { Section } from './harness';

const T0 = Date.UTC(2026, 11, 1, 6);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function lat(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99) };
}

const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;

function makeStation(journalKib: number, journal?: SimFlash, store?: SimFlash) {
  const clock = new SimClock({ rtc: { epochMs: T0, trusted: true } });
  const j = journal ?? new SimFlash({ sectorSize: 4096, sectorCount: journalKib / 4, wordSize: 4 });
  const s = store ?? new SimFlash({ sectorSize: 4096, sectorCount: 64, wordSize: 4 });
  const station = Station.start({
    hal: { journalFlash: j, storeFlash: s, clock, runPermit: new SimOutput(), sensor: new SimSensor(), random: seededRandom(1) },
    provision: { config: { stationId: 7, journal: { kib: journalKib }, operators: { requireLogin: false } }, secret: new Uint8Array(32).fill(1) },
  });
  return { station, clock, journal: j, store: s };
}

/** Two reels of the same part taking turns on B1.F.6: every scan replaces the reel (unload, load, verify, checkpoint). */
const A = REELS['B1.F.6'];
const B = REELS['B1.F.6'].replace('1TBI1BT7C', '1TBI1BT9X');

function runtimeLatency(n: number): { p50: number; p99: number } {
  const { station, clock } = makeStation(4096);
  station.input({ kind: 'work-order', order: demoOrder(), terms: NO_TERMS, digest: 1 });
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    clock.advance(1000);
    station.input({ kind: 'scan', data: 'B1.F.6' });
    const t = process.hrtime.bigint();
    const r = station.input({ kind: 'scan', data: i % 2 === 0 ? A : B });
    samples.push(Number(process.hrtime.bigint() - t));
    if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  }
  return lat(samples.slice(n / 10));
}

function coreLatency(n: number): { p50: number; p99: number } {
  const cfg = setupConfig({});
  if (!cfg.ok) throw new Error(cfg.detail);
  const env = { msdStatus: () => ({ state: 'exposed' as const, reasons: [] }) };
  let s = step(createSetup(cfg.config), { kind: 'work-order', order: demoOrder() }, T0, env).state;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    s = step(s, { kind: 'scan-slot', position: 'B1.F.6' }, T0 + i * 1000, env).state;
    const t = process.hrtime.bigint();
    const r = step(s, { kind: 'scan-reel', scan: parseLabel(i % 2 === 0 ? A : B) }, T0 + i * 1000 + 500, env);
    samples.push(Number(process.hrtime.bigint() - t));
    s = r.state;
  }
  return lat(samples.slice(n / 10));
}

function bootFull(kib: number): { bootMs: number; recoveryMs: number; records: number } {
  const { station, clock, journal, store } = makeStation(kib);
  station.input({ kind: 'work-order', order: demoOrder(), terms: NO_TERMS, digest: 1 });
  let records = 0;
  // Fill the journal with real board records until the station says it is full.
  for (let i = 0; ; i++) {
    clock.advance(20_000);
    station.input({ kind: 'board', unitId: `SN-${i}` });
    const st = station.journalRef!.status();
    records = st.pendingRecords;
    if (st.permitBlocked !== undefined) break;
  }
  const best = (f: () => void) => {
    let min = Infinity;
    for (let k = 0; k < 7; k++) {
      const t = process.hrtime.bigint();
      f();
      min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
    }
    return min;
  };
  const bootMs = best(() => {
    const again = makeStation(kib, journal.clone(1), store.clone(2));
    if (again.station.failure !== undefined) throw new Error(again.station.failure.detail);
  });
  const sectors = kib / 4;
  const recoveryMs = best(() => {
    const m = Journal.mount(journal.clone(1), { sectorCount: sectors });
    if (!m.ok) throw new Error(m.detail);
  });
  return { bootMs, recoveryMs, records };
}

export async function runtimeBench(): Promise<Section> {
  const n = 4000;
  coreLatency(500);
  runtimeLatency(500);
  const core = coreLatency(n);
  const rt = runtimeLatency(n);
  const boot = bootFull(1024);
  return {
    title: 'Station runtime',
    body: [
      '### Scan → verdict latency',
      '',
      `${n} reel scans, each replacing the reel on a slot of the demo order (unload, load, verify). "Runtime" is \`station.input()\` end to end:`,
      'label parse, verification, the journal appends, the state-store checkpoint and the outputs, on simulated NOR flash. The peer is the bare',
      'core `step` (parse + verify) on the same scans. Aim: p99 ≤ 50 µs in Node.',
      '',
      '| path | p50 | p99 |',
      '|---|---|---|',
      `| whole runtime (\`station.input\`) | ${us(rt.p50)} | ${us(rt.p99)} |`,
      `| bare core step (peer) | ${us(core.p50)} | ${us(core.p99)} |`,
      '',
      '### Boot with a full journal',
      '',
      `A 1 MiB journal filled with real board records until the station reports it full (${boot.records.toLocaleString('en')} records), then a cold`,
      '`Station.start` on a copy of that flash: store mount, configuration, state parts, journal recovery, roll-forward, the boot record and the first',
      'permit decision. The peer is `Journal.mount` alone (recovery) on the same flash. Best of 7. Aim: boot ≤ 50 ms.',
      '',
      '| what | time |',
      '|---|---|',
      `| \`Station.start\` (whole boot) | ${boot.bootMs.toFixed(1)} ms |`,
      `| journal recovery alone (peer) | ${boot.recoveryMs.toFixed(1)} ms |`,
      '',
    ].join('\n'),
  };
}
