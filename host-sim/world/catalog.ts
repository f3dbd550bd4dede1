// The parts the simulated line builds with: real-format manufacturer part numbers from the makers' own numbering
// schemes (passives by value series, so a line of any size gets distinct parts), moisture-sensitive ICs in the
// packages J-STD-033 Table 7-1 rates in its ≥3.1 mm class (BGAs with a body of 1 mm or more, MQFPs), and for every
// passive the makers whose equivalent parts a BOM may list as alternates.
import type { MsdLevel } from '../../protocol/src/vocabulary';

/** How a maker labels the reels it ships itself (distributors use their own labels, see labels.ts). */
export type MakerLabel = 'eigp' | 'ti-eigp' | 'liteon' | 'samsung' | 'relabel';

export interface Part {
  readonly mpn: string;
  readonly maker: string;
  readonly description: string;
  readonly makerLabel: MakerLabel;
  /** J-STD-020 level for moisture-sensitive parts (2 and above); absent for MSL 1 and passives. */
  readonly msl?: MsdLevel;
  /** Parts per reel as shipped. */
  readonly reelQty: number;
  /** Placements per board, typical for the part. */
  readonly perBoard: number;
  readonly family: 'R' | 'C' | 'L' | 'D' | 'Q' | 'U';
}

/** A BOM line's approved parts: the primary, plain alternates, and alternates that need a supervisor's approval. */
export interface PartChoice {
  readonly primary: Part;
  readonly alternates: readonly Part[];
  readonly withApproval: readonly Part[];
}

// ---- passives by value ------------------------------------------------------------------------------------------

const E12 = [10, 12, 15, 18, 22, 27, 33, 39, 47, 56, 68, 82];

/** Resistance code as printed in Yageo and Vishay numbers: 4K7, 10K, 100R, 1M. */
function ohmsText(ohms: number): string {
  const unit = ohms >= 1e6 ? ['M', 1e6] : ohms >= 1e3 ? ['K', 1e3] : ['R', 1];
  const v = ohms / (unit[1] as number);
  const s = Number.isInteger(v) ? `${v}` : `${v}`.replace('.', unit[0] as string);
  return Number.isInteger(v) ? `${s}${unit[0]}` : s;
}

/** Panasonic ERJ code: three significant digits and a count of zeros (10 kΩ = 1002); below 100 Ω `47R0`. */
function ohms4(ohms: number): string {
  if (ohms < 100) return `${ohms}R0`;
  let e = 0;
  let m = ohms;
  while (m >= 1000) {
    m /= 10;
    e++;
  }
  return `${Math.round(m)}${e}`;
}

/** Capacitance code in pF, two digits and a multiplier: 100 nF = 104. */
function capCode(pf: number): string {
  let e = 0;
  let m = pf;
  while (m >= 100) {
    m /= 10;
    e++;
  }
  return `${Math.round(m)}${e}`;
}

function resistor(ohms: number): PartChoice {
  const t = ohmsText(ohms);
  const yageo: Part = { mpn: `RC0402FR-07${t}L`, maker: 'Yageo', description: `${t} 1% 0402 resistor`, makerLabel: 'eigp', reelQty: 10000, perBoard: 4, family: 'R' };
  const pana: Part = { mpn: `ERJ-2RKF${ohms4(ohms)}X`, maker: 'Panasonic', description: `${t} 1% 0402 resistor`, makerLabel: 'relabel', reelQty: 10000, perBoard: 4, family: 'R' };
  const vishay: Part = { mpn: `CRCW0402${t.replace(/([KMR])$/, '$1').padEnd(4, '0').slice(0, 4)}FKED`, maker: 'Vishay Dale', description: `${t} 1% 0402 resistor`, makerLabel: 'eigp', reelQty: 10000, perBoard: 4, family: 'R' };
  return { primary: yageo, alternates: [pana], withApproval: [vishay] };
}

function capacitor(pf: number): PartChoice {
  const c = capCode(pf);
  const murata: Part = { mpn: `GRM155R71C${c}KA88D`, maker: 'Murata', description: `${pf} pF X7R 16 V 0402`, makerLabel: 'eigp', reelQty: 10000, perBoard: 6, family: 'C' };
  const samsung: Part = { mpn: `CL05B${c}KO5NNNC`, maker: 'Samsung Electro-Mechanics', description: `${pf} pF X7R 16 V 0402`, makerLabel: 'samsung', reelQty: 10000, perBoard: 6, family: 'C' };
  const kemet: Part = { mpn: `C0402C${c}K4RACTU`, maker: 'KEMET', description: `${pf} pF X7R 16 V 0402`, makerLabel: 'eigp', reelQty: 10000, perBoard: 6, family: 'C' };
  return { primary: murata, alternates: [samsung], withApproval: [kemet] };
}

// ---- fixed parts ------------------------------------------------------------------------------------------------

const ic = (mpn: string, maker: string, description: string, makerLabel: MakerLabel, reelQty: number, msl?: MsdLevel): Part => ({
  mpn,
  maker,
  description,
  makerLabel,
  reelQty,
  perBoard: 1,
  family: 'U',
  ...(msl === undefined ? {} : { msl }),
});

/** Moisture-sensitive ICs in BGA (body ≥1 mm) and MQFP packages: the ≥3.1 mm class of Table 7-1. */
export const MSD_PARTS: readonly Part[] = [
  ic('XC7A35T-1CSG324C', 'AMD Xilinx', 'Artix-7 FPGA, CSBGA-324', 'eigp', 1000, '3'),
  ic('EP4CE10F17C8N', 'Intel', 'Cyclone IV FPGA, FBGA-256', 'eigp', 1200, '3'),
  ic('MIMXRT1062DVJ6B', 'NXP Semiconductors', 'i.MX RT1062 MCU, LFBGA-196', 'eigp', 1500, '3'),
  ic('AM3358BZCZA100', 'Texas Instruments', 'Sitara AM3358 MPU, NFBGA-324', 'ti-eigp', 1000, '3'),
  ic('XCZU3EG-1SFVC784E', 'AMD Xilinx', 'Zynq UltraScale+ MPSoC, FCBGA-784', 'eigp', 800, '4'),
  ic('STM32H743XIH6', 'STMicroelectronics', 'STM32H7 MCU, TFBGA-240', 'eigp', 1500, '3'),
  ic('10M08SAU169C8G', 'Intel', 'MAX 10 FPGA, UBGA-169', 'eigp', 1200, '3'),
  ic('ADSP-2181KSZ-133', 'Analog Devices', 'DSP, MQFP-128', 'eigp', 1000, '3'),
  ic('TMS320F28379DZWTT', 'Texas Instruments', 'C2000 MCU, NFBGA-337', 'ti-eigp', 1200, '4'),
  ic('LFE5U-25F-6BG256C', 'Lattice Semiconductor', 'ECP5 FPGA, CABGA-256', 'eigp', 1600, '5a'),
];

/** ICs, discretes and LEDs that are not moisture sensitive (MSL 1), one maker each. */
export const OTHER_PARTS: readonly Part[] = [
  ic('LM358BIDDFR', 'Texas Instruments', 'dual op amp, SOT-23-8', 'ti-eigp', 3000),
  ic('TPS63000DRCR', 'Texas Instruments', 'buck-boost converter, VSON-10', 'ti-eigp', 3000),
  ic('MCP2515-I/SO', 'Microchip Technology', 'CAN controller, SOIC-18', 'eigp', 1600),
  ic('LTST-C191KGKT', 'Lite-On Inc.', 'green LED, 0603', 'liteon', 5000),
  ic('LTST-C191KRKT', 'Lite-On Inc.', 'red LED, 0603', 'liteon', 5000),
  ic('BSS138', 'onsemi', 'N-channel MOSFET, SOT-23', 'eigp', 3000),
  ic('SMAJ15A-13-F', 'Diodes Incorporated', 'TVS diode, SMA', 'eigp', 5000),
  ic('1N4148W-7-F', 'Diodes Incorporated', 'switching diode, SOD-123', 'eigp', 3000),
  ic('744228S', 'Wurth Elektronik', 'common-mode choke, 1812', 'eigp', 1000),
  ic('LQH3NPN100MJ0L', 'Murata', '10 uH inductor, 1212', 'eigp', 2000),
];

/** Resistances 10 Ω … 8.2 MΩ and capacitances 10 pF … 8.2 µF of the E12 series, the n-th of each (n wraps around). */
const ohmsAt = (n: number): number => E12[n % E12.length]! * 10 ** (1 + (Math.floor(n / E12.length) % 6));
const pfAt = (n: number): number => E12[n % E12.length]! * 10 ** (Math.floor(n / E12.length) % 6);
/** Distinct values before the series wrap: beyond these a line reuses parts on several stations, as lines do. */
const VALUES = E12.length * 6;

/** `count` BOM choices: MSD ICs for `msd` of them, then resistors, capacitors and other parts in turn. */
export function bomChoices(count: number, msd: number): PartChoice[] {
  const out: PartChoice[] = [];
  const single = (p: Part): PartChoice => ({ primary: p, alternates: [], withApproval: [] });
  for (let i = 0; i < Math.min(msd, count); i++) out.push(single(MSD_PARTS[i % MSD_PARTS.length]!));
  let r = 0;
  let c = 0;
  let o = 0;
  while (out.length < count) {
    const k = out.length % 3;
    if (k === 0) out.push(resistor(ohmsAt(r++ % VALUES)));
    else if (k === 1) out.push(capacitor(pfAt(c++ % VALUES)));
    else out.push(single(OTHER_PARTS[o++ % OTHER_PARTS.length]!));
  }
  return out;
}
