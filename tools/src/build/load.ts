// The standard load of issue 14, built on a bench station through its outside interfaces: a 40-slot work order
// with every slot verified (10 of them moisture-sensitive reels with their bags opened), 200 reel records the
// host pushed, and a full day of production journaled: a board every 20 s (4 320), a splice and re-verification
// every 3 minutes (480, as the journal sizing in firmware/runtime/README.md assumes), the sensor and interlock
// records between. Then, in the engine being measured,
// the station boots from that flash and the host pushes its reel records again (they are not kept in the store).
import type { WorkOrder } from '../../../protocol/src/workorder';
import { HostClient } from '../../../hw-tests/host';
import { benchAsTarget } from '../../../hw-tests/targets';
import type { Target } from '../../../hw-tests/target';
import type { BenchStation } from '../../../host-sim/bench/bench';

export const STANDARD_LOAD = {
  slots: 40,
  msdReels: 10,
  reelRecords: 200,
  boardEveryMs: 20_000,
  /** A day at one board every 20 s. */
  boards: 4_320,
  /** A splice every 9 boards (480 a day, as the journal sizing assumes), on the 30 slots without MSD reels. */
  spliceEveryBoards: 9,
} as const;

export const LOAD_SECRET = new Uint8Array(32).map((_, i) => (i * 53 + 7) & 0xff);

export const LOAD_CONFIG = {
  stationId: 7,
  keyId: 1,
  name: 'standard load',
  maxSlots: 40,
  journal: { kib: 1024 },
  timeouts: { checkpointMs: 300_000 },
};

const PROGRAM = { name: 'LOAD-TOP', revision: '3', checksum: 0x1234abcd };
const pos = (i: number) => `B${1 + Math.floor(i / 20)}.F.${1 + (i % 20)}`;
const mpn = (i: number) => `MPN-LOAD-${String(i).padStart(3, '0')}`;
const isMsd = (i: number) => i % 4 === 0 && i < STANDARD_LOAD.msdReels * 4;

/** A reel label (EIGP-114, manufacturer style) for part `i`, reel number `n`: what the scanner reads. */
export function loadLabel(i: number, n: number): string {
  return `[)>\x1e06\x1dPIPN-${i}\x1d1P${mpn(i)}\x1d1TLOT${i}-${n}\x1dQ5000\x1dS${reelId(i, n)}\x1e\x04`;
}

export function reelId(i: number, n: number): string {
  return `R${String(i).padStart(3, '0')}-${String(n).padStart(4, '0')}`;
}

export function loadOrder(): WorkOrder {
  return {
    header: {
      workOrderIdentifier: 'WO-LOAD-0001',
      productIdentifier: 'PCBA-LOAD',
      bomRevision: 'A',
      recipeName: PROGRAM.name,
      recipeRevision: PROGRAM.revision,
      recipeChecksum: PROGRAM.checksum,
      lane: 1,
      timeToReflow: 14_400,
    },
    slots: Array.from({ length: STANDARD_LOAD.slots }, (_, i) => ({
      position: pos(i),
      bomLine: String(i + 1),
      internalPartNumber: `IPN-${i}`,
      msd: isMsd(i),
      thicknessClass: isMsd(i) ? ('thick' as const) : ('unknown' as const),
      approvedParts: [{ manufacturerPartNumber: mpn(i), manufacturer: `Maker ${i % 7}`, permission: 'primary' as const }],
    })),
  };
}

/**
 * The host's reel records, 200 in all: every loaded reel (MSL 3 for the 10 MSD ones), then spare reels of the
 * other parts (a station tracks the MSD reels it is told about, so spares of MSD parts would be more than 10).
 */
const spareParts = Array.from({ length: STANDARD_LOAD.slots }, (_, i) => i).filter((i) => !isMsd(i));

async function pushReelRecords(h: HostClient): Promise<void> {
  for (let k = 0; k < STANDARD_LOAD.reelRecords; k++) {
    const spare = k - STANDARD_LOAD.slots;
    const i = spare < 0 ? k : spareParts[spare % spareParts.length]!;
    const n = spare < 0 ? 0 : 1 + Math.floor(spare / spareParts.length);
    const a = await h.send({
      type: 'ReelRecord',
      body: {
        uniqueIdentifier: reelId(i, n),
        internalPartNumber: `IPN-${i}`,
        manufacturerPartNumber: mpn(i),
        manufacturer: `Maker ${i % 7}`,
        manufacturerLotCode: `LOT${i}-${n}`,
        quantity: 5000,
        thicknessClass: isMsd(i) ? 'thick' : 'unknown',
        ...(isMsd(i) ? { msdLevel: '3' as const } : {}),
      },
    });
    if (!a.ok) throw new Error(`ReelRecord ${reelId(i, n)}: ${a.reason}`);
  }
}

function scan(t: Target): (s: string) => Promise<void> {
  return t.scan!;
}

export interface LoadBuilt {
  readonly boards: number;
  readonly splices: number;
  readonly journalRecords: number;
}

/** Builds the standard load on `bench` (any engine; Node is the fast one). `boards` shortens the day for tests. */
export async function buildStandardLoad(bench: BenchStation, boards: number = STANDARD_LOAD.boards): Promise<LoadBuilt> {
  const t = benchAsTarget(bench, LOAD_SECRET);
  const h = await HostClient.open(t);
  const now = Date.now();
  const must = (a: { ok: boolean; reason?: string }, what: string) => {
    if (!a.ok) throw new Error(`${what}: ${a.reason}`);
  };
  must(await h.send({ type: 'TimeSync', body: { utcTime: Math.floor(now / 1000), millis: 0 } }), 'TimeSync');
  must(await h.send({ type: 'BadgeRecord', body: { badge: '1001', operatorIdentifier: 'OP-1', role: 'operator', active: true } }), 'badge');
  must(await h.send({ type: 'BadgeRecord', body: { badge: '3001', operatorIdentifier: 'SV-1', role: 'supervisor', active: true } }), 'badge');
  await pushReelRecords(h);
  must(await h.workOrder(loadOrder()), 'work order');
  const s = scan(t);
  await s('OP:1001');
  const next = new Array<number>(STANDARD_LOAD.slots).fill(0);
  for (let i = 0; i < STANDARD_LOAD.slots; i++) {
    if (isMsd(i)) {
      await s('CMD:OPEN-DRY');
      await s(loadLabel(i, 0));
    }
    await s(pos(i));
    await s(loadLabel(i, 0));
  }
  await s(`PRG:${PROGRAM.name}|${PROGRAM.revision}|${PROGRAM.checksum.toString(16)}`);
  const st = await h.status();
  if (!st.runPermit) throw new Error(`the standard load did not reach run permit: ${st.reasons.join(', ')}`);
  let splices = 0;
  for (let b = 0; b < boards; b++) {
    await bench.advance(STANDARD_LOAD.boardEveryMs);
    await bench.machineBoard();
    if (b === 0) {
      await s('OP:3001');
      await s('CMD:FIRSTOFF-PASS');
      await s('OP:1001');
    }
    if (b % STANDARD_LOAD.spliceEveryBoards === STANDARD_LOAD.spliceEveryBoards - 1) {
      // MSD reels run to the end of their reel here: a spliced MSD reel would be an eleventh tracked one.
      const i = spareParts[splices % spareParts.length]!;
      next[i] = next[i]! + 1;
      await s('CMD:SPLICE');
      await s(pos(i));
      await s(loadLabel(i, next[i]!));
      splices++;
    }
  }
  const end = await h.status();
  await h.close();
  return { boards, splices, journalRecords: end.journalPending };
}

/** After a reboot into the engine under test: the host session, and the reel records pushed again. */
export async function reconnectLoad(bench: BenchStation): Promise<HostClient> {
  const t = benchAsTarget(bench, LOAD_SECRET);
  const h = await HostClient.open(t);
  await pushReelRecords(h);
  await scan(t)('OP:1001');
  await scan(t)(`PRG:${PROGRAM.name}|${PROGRAM.revision}|${PROGRAM.checksum.toString(16)}`);
  return h;
}

export { pos as loadPosition };
