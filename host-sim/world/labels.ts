// Reel labels as the line's scanners read them: built in the real formats the station's parser reads (Digi-Key and
// Mouser ECIA EIGP-114 DataMatrix, LCSC and TME QR codes, manufacturers' own EIGP labels, TI's with the MSL in 3Z,
// Lite-On's and Samsung's delimited codes, and the station's own reel-ID label for reels relabelled at receiving),
// then read the way a station's serial scanner delivers them (AIM prefixes, a leading space; the line end is the
// scanner's own, ./scanner.ts). Every label is checked against the parser: it must read back exactly as the
// simulator means it (part, quantity, lot, reel key), or the generator fails loudly; garbage scans must be refused.
import { parseLabel } from '../../firmware/core/label';
import { makeReelIdLabel } from '../../firmware/core/label/reelid';
import type { ReelLabel } from '../../firmware/core/label/types';
import { reelKeyOf } from '../../firmware/core/setup/identify';
import type { MsdLevel } from '../../protocol/src/vocabulary';
import type { Random } from '../line/random';
import type { Part } from './catalog';

export const LABEL_FORMATS = ['digikey', 'mouser', 'lcsc', 'tme', 'mfr-eigp', 'ti-eigp', 'liteon', 'samsung', 'warden-reel'] as const;
export type LabelFormat = (typeof LABEL_FORMATS)[number];

/** What a reel really is: the simulator's truth, which its label must say. */
export interface ReelTruth {
  readonly mpn: string;
  readonly maker: string;
  readonly qty: number;
  readonly lot: string;
  /** YYWW. */
  readonly dateCode: string;
  readonly country: string;
  readonly msl?: MsdLevel;
  /** A number unique to the reel in this run (order numbers and reel ids are made from it). */
  readonly serial: number;
}

export interface ReelLabelText {
  readonly format: LabelFormat;
  /** The label's payload as printed (real separators). */
  readonly clean: string;
  /** The reel key the station derives from it (label reel id, or a hash of part, lot, quantity and order). */
  readonly key: string;
  /** The label itself carries the lot (otherwise the host's reel record does). */
  readonly carriesLot: boolean;
  /** The label carries part data at all (a reel-ID label does not: the host's record must). */
  readonly carriesPart: boolean;
}

const GS = '\u001d';
const RS = '\u001e';
const EOT = '\u0004';

const digits = (r: Random, n: number): string => Array.from({ length: n }, () => String(r.int(0, 9))).join('');

/** The formats a reel of this part may arrive in: the distributors, and its maker's own label. */
export function formatsFor(part: Part): readonly LabelFormat[] {
  const maker: LabelFormat =
    part.makerLabel === 'ti-eigp' ? 'ti-eigp' : part.makerLabel === 'liteon' ? 'liteon' : part.makerLabel === 'samsung' ? 'samsung' : part.makerLabel === 'relabel' ? 'warden-reel' : 'mfr-eigp';
  // LCSC and TME codes cannot carry a part number with a space or a comma; none of the catalogue's have one.
  return ['digikey', 'digikey', 'mouser', 'lcsc', 'tme', maker, maker, maker];
}

/** The label a reel of `t` carries when it arrives in `format`. */
export function buildLabel(format: LabelFormat, t: ReelTruth, r: Random): ReelLabelText {
  const qty = String(t.qty);
  let clean: string;
  let carriesLot = true;
  switch (format) {
    case 'digikey': {
      const dk = `${digits(r, 3)}-${t.mpn.replace(/[^A-Z0-9-]/gi, '').slice(0, 24)}CT-ND`;
      clean = [`[)>${RS}06`, `P${dk}`, `1P${t.mpn}`, `30P${dk}`, 'K', `1K${80000000 + t.serial}`, `10K${100000000 + t.serial * 7}`, `9D${t.dateCode}`, `1T${t.lot}`, '11K1', `4L${t.country}`, `Q${qty}`, '11ZPICK', `12Z${digits(r, 7)}`, '13Z999999', `20Z${'0'.repeat(r.int(20, 120))}`].join(GS);
      break;
    }
    case 'mouser':
      // The older header with a leading '>' and no RS, or the full envelope with its trailer. No lot in the code.
      carriesLot = false;
      clean = r.chance(0.5)
        ? [`>[)>06`, `K${21000000 + t.serial}`, `14K${String(r.int(1, 60)).padStart(3, '0')}`, `1P${t.mpn}`, `Q${qty}`, `11K0${60000000 + t.serial * 3}`, `4L${t.country}`, `1V${t.maker}`].join(GS)
        : [`[)>${RS}06`, `K${21000000 + t.serial}`, `14K${String(r.int(1, 60)).padStart(3, '0')}`, `1P${t.mpn}`, `Q${qty}`, `11K0${60000000 + t.serial * 3}`, `4L${t.country}`, `1V${t.maker}${RS}${EOT}`].join(GS);
      break;
    case 'lcsc':
      carriesLot = false;
      clean = `{pbn:PICK${2400000000 + t.serial},on:GB${2400000000 + t.serial * 3},pc:C${10000 + (t.serial % 90000)},pm:${t.mpn},qty:${qty},mc:,cc:1,pdi:${100000000 + t.serial},hp:0,wc:ZH}`;
      break;
    case 'tme': {
      carriesLot = false;
      const pn = t.mpn.replace(/[^A-Z0-9-]/gi, '').slice(0, 20);
      clean = `QTY:${qty} PN:${pn} PO:${30000000 + t.serial}/${r.int(1, 30)} MFR:${t.maker.toUpperCase().replace(/[^A-Z0-9]/g, '')} MPN:${t.mpn} CoO:${t.country} RoHS https://www.tme.eu/details/${pn.toLowerCase()}`;
      break;
    }
    case 'mfr-eigp': {
      // A maker's own DataMatrix: part, quantity, lot, production date; the MSL in 13E for moisture-sensitive parts.
      const fields = [`[)>${RS}06`, `1P${t.mpn}`, `Q${qty}`, `1T${t.lot}`, `16D20${t.dateCode.slice(0, 2)}0${r.int(1, 9)}1${r.int(0, 9)}`];
      if (t.msl !== undefined) fields.push(`13E${t.msl}`);
      clean = `${fields.join(GS)}${RS}${EOT}`;
      break;
    }
    case 'ti-eigp': {
      const msl = t.msl === undefined ? '1/260C/UNLIM' : `${t.msl}/260C/${t.msl === '3' ? '168HR' : t.msl === '4' ? '72HR' : '1YEAR'}`;
      clean = [`[)>${RS}06`, 'P', `1P${t.mpn}`, '6P', '2PA', `Q${qty}`, `V0033317`, `1T${t.lot}`, '4WTKY', `D${t.dateCode}`, `4L${t.country}`, `3Z${msl};//;0${r.int(1, 9)}${r.int(10, 28)}${t.dateCode.slice(0, 2)}`].join(GS);
      break;
    }
    case 'liteon':
      clean = `;;${t.mpn};${t.lot};${qty};5/P/D;RLC${String(21000000000 + t.serial)};${t.dateCode};MADE IN CHINA`;
      break;
    case 'samsung':
      clean = `${t.lot}/${t.mpn}/${t.dateCode}/${qty.padStart(7, '0')}`;
      break;
    case 'warden-reel': {
      // Relabelled at receiving: the station reads only the id; part, lot and quantity come from the host's record.
      const made = makeReelIdLabel(`R${t.serial.toString(36).toUpperCase().padStart(6, '0')}`);
      if (!made.ok) throw new Error(`reel-ID label: ${made.message}`); // the id is made to the label's rules
      clean = made.text;
      carriesLot = false;
      break;
    }
  }
  const parsed = parseLabel(clean);
  if (!parsed.ok) throw new Error(`the ${format} label of ${t.mpn} does not parse (${parsed.reason}: ${parsed.message}): ${JSON.stringify(clean)}`);
  const key = reelKeyOf(parsed.label);
  if (key === undefined) throw new Error(`the ${format} label of ${t.mpn} gives no reel key`);
  const text: ReelLabelText = { format, clean, key, carriesLot, carriesPart: format !== 'warden-reel' };
  const bad = mismatch(text, t, parsed.label);
  if (bad !== undefined) throw new Error(`the ${format} label of ${t.mpn} reads back wrong: ${bad}`);
  return text;
}

/** What differs between what a label read as and what the reel is (undefined: nothing). */
function mismatch(text: ReelLabelText, t: ReelTruth, l: ReelLabel): string | undefined {
  if (reelKeyOf(l) !== text.key) return `reel key ${reelKeyOf(l) ?? 'none'}, expected ${text.key}`;
  if (!text.carriesPart) return l.mpn === undefined && l.qty === undefined ? undefined : 'a reel-ID label read as a part label';
  if (l.mpn !== t.mpn) return `mpn ${l.mpn ?? 'none'}, expected ${t.mpn}`;
  if (l.qty !== t.qty) return `qty ${l.qty ?? 'none'}, expected ${t.qty}`;
  if ((l.lot ?? '') !== (text.carriesLot ? t.lot : '')) return `lot ${l.lot ?? 'none'}, expected ${text.carriesLot ? t.lot : 'none'}`;
  if (t.msl !== undefined && l.msl !== undefined && l.msl !== t.msl) return `msl ${l.msl}, expected ${t.msl}`;
  return undefined;
}

/** Checks a scan as the station will read it against the reel's truth; undefined when it reads exactly as meant. */
export function checkScan(scan: string, text: ReelLabelText, t: ReelTruth): string | undefined {
  const p = parseLabel(scan);
  if (!p.ok) return `${p.reason}: ${p.message}`;
  return mismatch(text, t, p.label);
}

type Damage = (s: string) => string;

/**
 * What a serial scanner's own settings add to a read (reference §3.2): an AIM symbology identifier, a leading space.
 * Its line end is the scanner's, not the read's (./scanner.ts). A keyboard wedge's renderings (Control Pictures,
 * CP437 glyphs, function keys, `^D`) never reach a serial line: the station's parser repairs them all the same
 * (firmware/test/label/damage.property.test.ts).
 */
const ENVELOPE_DAMAGE: readonly Damage[] = [(s) => `]d1${s}`, (s) => ` ${s}`];
const QR_DAMAGE: readonly Damage[] = [(s) => `]Q1${s}`, (s) => ` ${s}`];

/**
 * The label as one serial scanner reads it: `damage` is the chance that the scanner adds to the read (in ways the
 * parser repairs). Each damaged rendering is read back; one that the parser would not read exactly is not used.
 */
export function scanOf(text: ReelLabelText, t: ReelTruth, r: Random, damage: number): string {
  if (!r.chance(damage)) return text.clean;
  const kinds = text.format === 'digikey' || text.format === 'mouser' || text.format === 'mfr-eigp' || text.format === 'ti-eigp' ? ENVELOPE_DAMAGE : QR_DAMAGE;
  const n = r.int(1, 2);
  let s = text.clean;
  for (let i = 0; i < n; i++) s = r.pick(kinds)(s);
  return checkScan(s, text, t) === undefined ? s : text.clean;
}

/** A scan the station must refuse: a wrong code page, a packing slip, a scanner glitch. */
export function garbageOf(text: ReelLabelText, t: ReelTruth, r: Random): string {
  const k = r.int(0, 2);
  const s =
    k === 0
      ? // The wedge in the wrong code page: UTF-8 shown as Windows-1252 in the part number.
        text.clean.replace(t.mpn.slice(0, 3), 'Ã¼Ã©')
      : k === 1
        ? // The packing slip's code on the bag instead of the reel label.
          [`[)>${RS}06`, 'K', `1K${80000000 + t.serial}`, `10K${100000000 + t.serial * 7}`, `11K1${RS}${EOT}`].join(GS)
        : // A half-read code with control noise.
          `\u0002${text.clean.slice(0, 5)}\u0000\u0013`;
  return parseLabel(s).ok ? '\u0002\u0003' : s;
}
