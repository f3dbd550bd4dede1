// What the suite loads onto a station: a small work order of real parts, their reel labels exactly as scanners
// delivered them (from the reference sample payloads, /work/shared/reference/reel-labels-sample.json), badges, the
// machine's program label. Plain data: a device on a bench is set up with the same.
import type { WorkOrder } from '../protocol/src/workorder';

export const STATION_ID = 7;
export const KEY_ID = 1;
/** The bench stations' provisioned secret; a device target is given its own with --key. */
export const BENCH_SECRET = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);

/** The station configuration the bench targets are provisioned with (a device is provisioned the same way). */
export const STATION_CONFIG = {
  stationId: STATION_ID,
  keyId: KEY_ID,
  name: 'hw-test placement',
  maxSlots: 40,
  journal: { kib: 1024 },
  timeouts: { checkpointMs: 60_000 },
};

const part = (manufacturerPartNumber: string, manufacturer: string) => ({ manufacturerPartNumber, manufacturer, permission: 'primary' as const });

export const PROGRAM = { name: 'PCBA-4711-TOP', revision: '12', checksum: 0x5eed1234 };
/** The program label a technician scans (or the machine reports): `PRG:name|revision|checksum-hex`. */
export const programLabel = (p: { name: string; revision: string; checksum: number } = PROGRAM): string => `PRG:${p.name}|${p.revision}|${p.checksum.toString(16)}`;

export const ORDER: WorkOrder = {
  header: {
    workOrderIdentifier: 'WO-HW-0001',
    productIdentifier: 'PCBA-4711',
    bomRevision: 'C',
    recipeName: PROGRAM.name,
    recipeRevision: PROGRAM.revision,
    recipeChecksum: PROGRAM.checksum,
    lane: 1,
    timeToReflow: 14_400,
  },
  slots: [
    { position: 'B1.F.1', bomLine: '1', internalPartNumber: 'IPN-C1', msd: false, thicknessClass: 'unknown', approvedParts: [part('CL21A475KAQNNNE', 'Samsung Electro-Mechanics')] },
    { position: 'B1.F.2', bomLine: '2', internalPartNumber: 'IPN-C2', msd: false, thicknessClass: 'unknown', approvedParts: [part('885012207041', 'Würth Elektronik')] },
    { position: 'B1.F.3', bomLine: '3', internalPartNumber: 'IPN-D1', msd: false, thicknessClass: 'unknown', approvedParts: [part('LTST-C191KGKT', 'Lite-On Inc.')] },
    { position: 'B1.F.4', bomLine: '4', internalPartNumber: 'IPN-U1', msd: true, thicknessClass: 'thin', approvedParts: [part('TPS548D22RVFR', 'Texas Instruments')] },
  ],
};

/** Raw scans, slot by slot: a reel that fits each. B1.F.4 holds the moisture-sensitive one. */
export const REELS = {
  'B1.F.1': "[)>06\u001dPBINNER C10\u001d1PCL21A475KAQNNNE\u001d30P1276-1244-1-ND\u001dK\u001d1K90837700\u001d10K109914231\u001d9D220309\u001d1TBI1BT6B\u001d11K1\u001d4LCN\u001dQ63\u001d11ZPICK\u001d12Z3889330\u001d13Z999999\u001d20Z000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
  'B1.F.2': "[)>06\u001dP732-8041-1-ND\u001d1P885012207041\u001dK\u001d1K75241773\u001d10K88794085\u001d11K1\u001d4LTW\u001dQ500\u001d11ZPICK\u001d12Z5454668\u001d13Z629759\u001d20Z0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
  'B1.F.3': ";;LTST-C191KGKT;2108404746;5000;5/P/D;RLC21032787551;2113;MADE IN CHINA",
  'B1.F.4': "[)>06\u001dP\u001d1PTPS548D22RVFR\u001d6P\u001d2PA\u001dQ2500\u001dV0033317\u001d1T1396072ZE4\u001d4WTKY\u001dD1850\u001d31T1180915CL8\u001d20LMH8\u001d21LJPN\u001d22LQAB\u001d23LPHL\u001dEX4\u001d3Z2/260C/1YEAR;//;022319\u001dL1518\u001d7K\u001dN02",
} as const;

export type Position = keyof typeof REELS;
export const POSITIONS = Object.keys(REELS) as Position[];

/** A reel of a part no slot of the order takes (LCSC label of an MCP2515). */
export const WRONG_REEL = "{pbn:PICK2305180048,on:GB2305180983,pc:C12368,pm:MCP2515-I/SO,qty:30,mc:,cc:1,pdi:81161401,hp:0,wc:ZH}";

export const BADGES = [
  { badge: '1001', operatorIdentifier: 'OP-1', role: 'operator' as const, active: true },
  { badge: '3001', operatorIdentifier: 'SV-1', role: 'supervisor' as const, active: true },
];
export const OPERATOR = 'OP:1001';
export const SUPERVISOR = 'OP:3001';
