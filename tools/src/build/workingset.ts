// The station's working set on the standard load (./load.ts), read from the engine itself after each step: for
// XS the live chunk bytes and slots of a snapshot after a collection, for QuickJS its own memory accounting. The
// baseline is the engine with the bundle loaded and nothing run: on a device the bytecode and the tables the
// modules build at load are preloaded into flash, so what the station adds above it is what needs RAM.
import { ModbusClient } from '../../../hw-tests/modbus';
import { benchAsTarget } from '../../../hw-tests/targets';
import { BenchStation } from '../../../host-sim/bench/bench';
import type { EngineMemory } from '../../../host-sim/bench/engines';
import { buildStandardLoad, LOAD_CONFIG, LOAD_SECRET, loadLabel, loadPosition, reconnectLoad, STANDARD_LOAD, type LoadBuilt } from './load';

/** A classic ESP32's XS machine (firmware/platform/moddable/README.md, tools/src/build/moddable.ts CREATION). */
export const ESP32_XS = { chunkBytes: 78_848, slots: 4_928, slotBytes: 16 } as const;

export interface WorkingSetStep {
  readonly step: string;
  /** Above the baseline (the bundle loaded). XS: live chunk bytes and slots; QuickJS: bytes in use. */
  readonly chunkBytes?: number;
  readonly slots?: number;
  readonly usedBytes?: number;
}

export interface Garbage {
  readonly event: string;
  /** Slots allocated per event (XS: the slot count climbs between collections), and of them kept after one. */
  readonly allocatedSlots: number;
  readonly retainedSlots: number;
  /** Device calls per event through the bridge (each allocates a request and an answer in the engine). */
  readonly bridgeCalls: number;
}

export interface WorkingSet {
  readonly engine: 'xs' | 'qjs';
  /** What was loaded, and what the station in the engine restored of it (verified slots, MSD reels). */
  readonly load: LoadBuilt & { readonly journalKiB: number; readonly slotsVerified: number; readonly msdReels: number };
  readonly baseline: EngineMemory;
  readonly steps: readonly WorkingSetStep[];
  readonly garbage: readonly Garbage[];
}

function above(m: EngineMemory, base: EngineMemory, step: string): WorkingSetStep {
  if (m.engine === 'xs' && base.engine === 'xs') return { step, chunkBytes: m.chunkBytes - base.chunkBytes, slots: m.slots - base.slots };
  if (m.engine === 'qjs' && base.engine === 'qjs') return { step, usedBytes: m.usedBytes - base.usedBytes };
  throw new Error('mixed engines');
}

export interface MeasureOptions {
  /** Boards in the day of journal (default the standard day, 4 320). */
  readonly boards?: number;
  /** Boards of the "hour more of production" step (default 180). */
  readonly production?: number;
  /** Events per garbage figure (default 5; 20 ticks). */
  readonly rounds?: number;
}

/** Builds the standard load in Node (fast), then boots it in `engine` and measures each step there. */
export async function measureWorkingSet(engine: 'xs' | 'qjs', o: MeasureOptions = {}): Promise<WorkingSet> {
  const boards = o.boards ?? STANDARD_LOAD.boards;
  const production = o.production ?? 180;
  const rounds = o.rounds ?? 5;
  const provision = { config: LOAD_CONFIG, secret: LOAD_SECRET };
  // Ticks every 20 s while the day is built (one per board): the state is the same, the day is built faster.
  const builder = await BenchStation.start({ engine: 'node', tickMs: 20_000, provision });
  const built = await buildStandardLoad(builder, boards);
  const journalKiB = Math.round(builder.world.journalChip.image().reduce((n, b) => n + (b !== 0xff ? 1 : 0), 0) / 1024);
  await builder.cut();
  builder.world.restore(1000);
  const bench = await BenchStation.loaded({ engine, provision, world: builder.world });
  const baseline = (await bench.memory())!;
  const steps: WorkingSetStep[] = [];
  const step = async (name: string) => steps.push(above((await bench.memory())!, baseline, name));
  await bench.start();
  await step('booted from flash: order, 40 slots, 10 MSD trackers, a day of journal');
  const restored = await bench.status();
  const h = await reconnectLoad(bench);
  await step('host session up, 200 reel records pushed again, program reported');
  const target = benchAsTarget(bench, LOAD_SECRET);
  let m = await ModbusClient.tcp(target);
  const poll = async () => {
    // A PLC that went quiet for longer than the idle timeout (an hour of production here) connects again.
    if (!m.conn.open) m = await ModbusClient.tcp(target);
    await m.registers(4, 0, 32);
    for (let a = 128; a < 128 + 16 * STANDARD_LOAD.slots; a += 125) await m.registers(4, a, Math.min(125, 128 + 16 * STANDARD_LOAD.slots - a));
  };
  await poll();
  await step('a PLC polls the header, reasons and every slot');
  await h.status();
  await step('the host asks for a StatusReport');
  let n = 100;
  const splice = async () => {
    const i = 1 + (n % 30);
    n++;
    await bench.scan('CMD:SPLICE');
    await bench.scan(loadPosition(i));
    await bench.scan(loadLabel(i, 50 + n));
  };
  await splice();
  await step('a splice scanned (command, slot, reel)');
  await bench.advance(STANDARD_LOAD.boardEveryMs);
  await bench.machineBoard();
  await step('a board built');
  for (let i = 0; i < production; i++) {
    await bench.advance(STANDARD_LOAD.boardEveryMs);
    await bench.machineBoard();
  }
  await step(`${production} more boards (${Math.round((production * STANDARD_LOAD.boardEveryMs) / 60_000)} min of production)`);

  // Garbage per event: the slot count between collections (XS only; QuickJS frees as it goes).
  const garbage: Garbage[] = [];
  if (engine === 'xs') {
    const per = async (event: string, k: number, run: () => Promise<void>) => {
      const before = (await bench.memory()) as Extract<EngineMemory, { engine: 'xs' }>;
      const calls = bench.deviceCalls;
      let peak = bench.lastHeapCount() ?? 0;
      for (let i = 0; i < k; i++) {
        await run();
        peak = Math.max(peak, bench.lastHeapCount() ?? 0);
      }
      const perCalls = (bench.deviceCalls - calls) / k;
      const after = (await bench.memory()) as Extract<EngineMemory, { engine: 'xs' }>;
      garbage.push({ event, allocatedSlots: Math.round((peak - before.meter.currentHeapCount) / k), retainedSlots: Math.round((after.slots - before.slots) / k), bridgeCalls: Math.round(perCalls) });
    };
    await per('a PLC poll (header, reasons, 40 slots: 7 requests)', rounds, poll);
    await per('a splice (three scans)', rounds, splice);
    await per('a board (with its 20 s of ticks)', rounds, async () => {
      await bench.advance(STANDARD_LOAD.boardEveryMs);
      await bench.machineBoard();
    });
    await per('a tick (1 s, nothing due)', 4 * rounds, () => bench.advance(1000));
  }
  await m.conn.close();
  await h.close();
  await bench.stop();
  const view = restored.view as { slotsVerified?: number; msdReels?: number } | undefined;
  return { engine, load: { ...built, journalKiB, slotsVerified: view?.slotsVerified ?? 0, msdReels: view?.msdReels ?? 0 }, baseline, steps, garbage };
}

/**
 * The XS figures against a classic ESP32's machine. Slot counts carry over from this 64-bit host (one slot per
 * value either way); chunk bytes do not quite: on a 32-bit MCU the slot arrays inside chunks take half the room,
 * strings and byte buffers the same, so the host's figure is an upper bound and half of it a lower one.
 */
export interface Esp32Verdict {
  /** The largest figures of any step (the working set the machine must hold at once). */
  readonly slots: number;
  readonly chunkBytesUpper: number;
  readonly chunkBytesLower: number;
  /** Measured in a 32-bit XS (tools/bin/xsnap-32bit.sh): the controller's slot size and chunk layout, so the chunk
   * figure is the controller's own (lower = upper). A 64-bit XS's pointers are twice as wide: at most twice it. */
  readonly exact: boolean;
  readonly slotsFit: boolean;
  /** True, false, or undefined when the chunk figure's range straddles the budget. */
  readonly chunksFit: boolean | undefined;
}

export function esp32Verdict(ws: WorkingSet): Esp32Verdict {
  const slots = Math.max(...ws.steps.map((s) => s.slots ?? 0));
  const upper = Math.max(...ws.steps.map((s) => s.chunkBytes ?? 0));
  const exact = ws.baseline.engine === 'xs' && ws.baseline.slotBytes === ESP32_XS.slotBytes;
  const lower = exact ? upper : Math.round(upper / 2);
  return {
    slots,
    exact,
    chunkBytesUpper: upper,
    chunkBytesLower: lower,
    slotsFit: slots <= ESP32_XS.slots,
    chunksFit: upper <= ESP32_XS.chunkBytes ? true : lower > ESP32_XS.chunkBytes ? false : undefined,
  };
}

/** The peer of the standard load: a station on fresh flash, nothing loaded, in the same engine. */
export async function emptyStation(engine: 'xs' | 'qjs'): Promise<WorkingSetStep> {
  const bench = await BenchStation.loaded({ engine, provision: { config: LOAD_CONFIG, secret: LOAD_SECRET } });
  const base = (await bench.memory())!;
  await bench.start();
  const m = (await bench.memory())!;
  await bench.stop();
  return above(m, base, 'an empty station (fresh flash, no work order)');
}
