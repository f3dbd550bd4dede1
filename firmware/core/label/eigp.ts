// Meaning of the DI fields of one ISO/IEC 15434 format-06 record, per vendor (reference 1.3, 3.1, 3.3).
// The same DI means different things on different labels (P is the buyer's reference on Digi-Key, the MPN
// nowhere except on Bourns' envelope-less code; 11K is an invoice on Mouser and a packing-list number on
// Digi-Key), so the vendor is decided first, from structural clues only.
import type { DiField } from './di';
import { accept, put, reject, type LabelDraft } from './result';
import type { LabelResult } from './types';
import { mslFromTi3z, mslLevel, parseQuantity } from './values';
import { frozen } from '../../../protocol/src/frozen';

export type Vendor = 'digikey' | 'mouser' | 'farnell' | 'manufacturer';

export interface RecordContext {
  /** The old Mouser header `>[)>06` was seen. */
  readonly mouserHeader: boolean;
}

/** Fields that identify a part or a package; a record with none of them is an order or packing document. */
const PART_DIS = ['P', '1P', '30P', '3P', '31P', 'Q', 'S', '3S', '4S', '5S', 'J'];
/** Fields whose repetition with another value makes the record untrustworthy. */
const CRITICAL_DIS = new Set(['P', '1P', '30P', '3P', 'Q', '1T', 'T', '13E', '3Z']);

// Digi-Key's own Z fields and prepack license plate. 1K alone is not a clue: Murata prints a sales order there too.
const DIGIKEY_CLUES = ['11Z', '12Z', '13Z', '14Z', '15Z', '20Z', 'J'];
const MOUSER_CLUES = ['14K', '1V'];

/** Structured Digi-Key / Mouser fields: a value outside these shapes means a separator was lost inside it. */
const SHAPES: Readonly<Record<Vendor, Readonly<Record<string, RegExp>>>> = frozen({
  digikey: {
    '1K': /^[A-Z]{0,2}[0-9]*$/,
    '10K': /^[A-Z]{0,2}[0-9]*$/,
    '11K': /^[0-9]*$/,
    '4L': /^([A-Z]{2,3})?$/,
    '12Z': /^[0-9]*$/,
    '13Z': /^[0-9]*$/,
    '20Z': /^0*$/,
    '11Z': /^[A-Z]*$/,
  },
  mouser: { '14K': /^[0-9]*$/, '11K': /^[0-9]*$/, '4L': /^([A-Z]{2,3})?$/ },
  farnell: { '4L': /^([A-Z]{2,3})?$/ },
  manufacturer: {},
});

/**
 * A scanner that drops one GS merges two fields: `1PXAF4444` + `Q3` arrives as `1PXAF4444Q3`, and the second
 * field disappears from the record. So when a DI is missing from the record and some value ends with that DI
 * followed by a value of the shape it always has, the scan is rejected. Shapes are strict to keep MPNs such
 * as `RC0603FR-0710KL` (which contains `10K`) readable.
 */
const SWALLOWED: Readonly<Record<string, RegExp>> = {
  Q: /^[0-9]+$/,
  '1K': /^[0-9]+$/,
  '10K': /^[0-9]+$/,
  '11K': /^[0-9]+$/,
  '14K': /^[0-9]+$/,
  '4L': /^[A-Z]{2}$/,
  '23L': /^[A-Z]{3}$/,
  '4W': /^[A-Z]{3}$/,
  D: /^[0-9]{4,8}$/,
  '9D': /^(?:[0-9]{4,8})?$/,
  '10D': /^[0-9]{4,8}$/,
  '16D': /^[0-9]{8}/, // not end-anchored: a lost RS can leave the trailer's letter after it
  '2P': /^[A-Z]?$/,
  '6P': /^$/,
  '13E': /^[1-6][aA]?$/,
  // Fields manufacturers print empty (NXP 30T/30Q/30D/31D, Murata 3S/6V): a lost separator leaves only the DI
  // at the end of the value before it (`1TL0H4S5` + `30T` → `1TL0H4S530T`).
  '30T': /^$/,
  '30Q': /^$/,
  '30D': /^$/,
  '31D': /^$/,
  '3S': /^$/,
  '6V': /^$/,
  '11Z': /^(PICK|PREPACK)/,
  // Digi-Key's numeric Z fields; not end-anchored, since the field after them may have been swallowed too.
  '12Z': /^[0-9]{5,}/,
  '13Z': /^[0-9]{6}/,
  '14Z': /^[0-9]{6}/,
  '30P': /^[\x21-\x7e]+-ND/,
  K: /^[0-9]{5,}$/,
  // The fields verification depends on: a missing 1P or 1T whose DI shows up inside another value is far more
  // likely a merged field than an MPN or date that happens to contain `1P`/`1T`; the cost is a rescan.
  '1P': /^(?:[\x21-\x7e]|$)/,
  '1T': /^(?:[\x21-\x7e]|$)/,
};
/** Vendor fields that are always present on that vendor's labels, so their absence is itself suspicious. */
const VENDOR_SWALLOWED: Readonly<Record<Vendor, Readonly<Record<string, RegExp>>>> = {
  digikey: {},
  mouser: {},
  farnell: { '3P': /^[0-9]+$/ },
  manufacturer: {},
};

const VENDORS: readonly Vendor[] = ['digikey', 'mouser', 'farnell', 'manufacturer'];
/** SWALLOWED plus each vendor's own, as entries: built once, not per value. */
const SWALLOW_SHAPES = new Map(VENDORS.map((v) => [v, [...Object.entries(SWALLOWED), ...Object.entries(VENDOR_SWALLOWED[v])]] as const));
/** Part-number DIs that may repeat the field they were merged into. */
const REPEAT_DIS = ['P', '1P', '3P', '6P', '30P', '31P', '32P'];

/**
 * The test "which DI did this value swallow, if any" for the values of one record. What the record lacks is
 * the same for all its values, so it is worked out once here rather than once per value.
 */
function swallowTest(m: ReadonlyMap<string, string>, vendor: Vendor): (v: string) => string | undefined {
  // Every label with a sales order (1K) has a K field, and so does every Mouser label; Digi-Key prepack
  // labels and many manufacturer labels have none.
  const kLost = (vendor === 'mouser' || m.has('1K')) && !m.has('K');
  // Kyocera AVX labels (the ones with an expiry date, 14D) end with an empty `I` field; a lost separator before
  // it leaves a trailing `I` on the part number (`1P08052C103M4Z2A` + `I` → `1P08052C103M4Z2AI`).
  const iLost = m.has('14D') && !m.has('I');
  const p30Lost = !m.has('30P');
  const repeatDis = REPEAT_DIS.filter((di) => !m.has(di));
  const missing = SWALLOW_SHAPES.get(vendor)!.filter(([di]) => !m.has(di));
  return (v) => {
    if (iLost && /[Ii]$/.test(v)) return 'I';
    // NXP: the 12NC in 1P followed by the type in 30P (`933714270653` + `30P74HC08D`), the separator lost or garbled.
    if (p30Lost && /^[0-9]{12}\D?30[Pp]./.test(v)) return '30P';
    // A second part-number field that repeats the first (Murata 6P = 1P + `+CN/R01`, Digi-Key P/30P).
    // Bounded: a handful of DIs, each searched once per value (values are capped by the scan length).
    // DI letters arrive in either case. ASCII only, so that indices in `upper` stay indices in `v` ('ß' → 'SS' would not).
    const upper = v.replace(/[a-z]+/g, (x) => x.toUpperCase());
    for (const di of repeatDis) {
      for (let j = upper.indexOf(di, 3); j >= 3; j = upper.indexOf(di, j + 1)) {
        // The separator lost, or garbled into one stray character.
        if (v.startsWith(v.slice(0, j), j + di.length) || v.startsWith(v.slice(0, j - 1), j + di.length)) return di;
      }
    }
    for (let j = 0; j < v.length; j++) {
      for (const [di, shape] of missing) {
        // Scanners change the case of DI letters at random, so a swallowed `11k1` counts as much as `11K1`.
        if (upper.startsWith(di, j) && shape.test(v.slice(j + di.length))) return di;
      }
      if (kLost && (v[j] === 'K' || v[j] === 'k')) return 'K';
    }
    return undefined;
  };
}

const NO_FIELDS: ReadonlyMap<string, string> = new Map();

/**
 * For a value read on its own (a layout's field, a single-field 1D code): the data identifier it appears to
 * have swallowed, if any, by the same rules as a record that lacks every field.
 */
export function swallowedDi(value: string): string | undefined {
  return swallowTest(NO_FIELDS, 'manufacturer')(value);
}

function vendorOf(fields: ReadonlyMap<string, string>, ctx: RecordContext): Vendor {
  const p30 = fields.get('30P');
  if (DIGIKEY_CLUES.some((d) => fields.has(d)) || (p30 !== undefined && p30.endsWith('-ND')) || (fields.has('1K') && fields.has('10K'))) {
    return 'digikey';
  }
  if (ctx.mouserHeader || MOUSER_CLUES.some((d) => fields.has(d))) return 'mouser';
  if (fields.has('3P')) return 'farnell';
  return 'manufacturer';
}

/** First value of each DI; a critical DI repeated with another value is a conflict. */
function fieldMap(fields: readonly DiField[]): Map<string, string> | string {
  const m = new Map<string, string>();
  for (const f of fields) {
    const prev = m.get(f.di);
    if (prev === undefined) m.set(f.di, f.value);
    else if (prev !== f.value && CRITICAL_DIS.has(f.di)) return f.di;
  }
  return m;
}

const first = (m: ReadonlyMap<string, string>, dis: readonly string[]): string | undefined => {
  for (const d of dis) {
    const v = m.get(d);
    if (v !== undefined) return v;
  }
  return undefined;
};

const nonEmpty = (m: ReadonlyMap<string, string>, dis: readonly string[]): string | undefined => {
  for (const d of dis) {
    const v = m.get(d);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
};

/** NXP reels: 12NC (12 digits) in 1P, the type name in 30P. */
function isNxp12nc(m: ReadonlyMap<string, string>): boolean {
  const p1 = m.get('1P');
  const p30 = m.get('30P');
  return p1 !== undefined && /^[0-9]{12}$/.test(p1) && p30 !== undefined && p30 !== '' && !p30.endsWith('-ND');
}

/** Infineon reels: the SP number (Infineon's material number) in 1P, the orderable part name in 50P. */
function isInfineonSp(m: ReadonlyMap<string, string>): boolean {
  const p1 = m.get('1P');
  const p50 = m.get('50P');
  return p1 !== undefined && /^SP[0-9]{9}$/.test(p1) && p50 !== undefined && p50 !== '' && p50 !== p1;
}

/** Interprets one format-06 record. */
export function interpretRecord(fields: readonly DiField[], ctx: RecordContext): LabelResult {
  const fm = fieldMap(fields);
  if (typeof fm === 'string') {
    return reject('LABEL_CONFLICT', `the label carries ${fm} twice with different values; rescan or enter by hand`);
  }
  const m = fm;
  if (!PART_DIS.some((d) => m.has(d))) {
    return reject('NOT_A_REEL_LABEL', 'this code carries order fields only (K/1K/10K/11K): it is a packing slip, not a reel label; scan the label on the reel');
  }
  if (!m.has('Q')) {
    // Every reel label in this envelope carries a quantity; a record without one was cut short or is not a reel label.
    return reject('SCAN_UNREADABLE', 'the code has no quantity field: the scan was cut short or this is not the reel label; rescan the label on the reel');
  }
  const vendor = vendorOf(m, ctx);

  for (const [di, shape] of Object.entries(SHAPES[vendor])) {
    const v = m.get(di);
    if (v !== undefined && !shape.test(v)) {
      return reject('SCAN_UNREADABLE', `field ${di} reads "${v}", which no ${vendor} label carries: the scanner probably dropped a separator; rescan`);
    }
  }
  for (const di of ['P', '1P', '30P', 'Q', '1T', 'T']) {
    const v = m.get(di);
    if (v !== undefined && !/^[\x20-\x7e]*$/.test(v)) {
      return reject('SCAN_UNREADABLE', `field ${di} holds characters no part number or lot has: the scanner garbled a separator; rescan`);
    }
  }
  const swallowed = swallowTest(m, vendor);
  for (const [di, v] of m) {
    // Any field can swallow the one after it (a date code followed by the lot: `9D21211T3091…`).
    const lost = swallowed(v);
    if (lost !== undefined) {
      return reject('LABEL_AMBIGUOUS', `field ${di} ("${v}") ends like a ${lost} field, which this label lacks: a separator was probably dropped; rescan`);
    }
  }

  const d: LabelDraft = {};
  const q = m.get('Q');
  if (q !== undefined) {
    const n = parseQuantity(q);
    if (n === undefined) return reject('LABEL_BAD_QUANTITY', `quantity "${q}" is not a plain whole number; count the reel or enter the quantity by hand`);
    d.qty = n;
  }

  const p = m.get('P');
  const p30 = m.get('30P');
  if (isNxp12nc(m)) {
    // NXP labels carry the 12NC in 1P and the type (`74HC08D`) in 30P. Both name the part, and decoders disagree
    // on which is the MPN (Binner reports the 12NC), so either answer could be wrong for the BOM at hand.
    return reject('LABEL_AMBIGUOUS', `this NXP label gives the 12NC ${m.get('1P')!} and the type ${p30!}; enter the part number your BOM uses by hand`);
  }
  const p1 = m.get('1P');
  if (vendor === 'manufacturer' && p1 !== undefined && p30 !== undefined && p30 !== '' && p30 !== p1) {
    // A maker's label that names its part twice (onsemi repeats 1P in 30P): two that differ are not guessed between.
    return reject('LABEL_CONFLICT', `the label names the part twice and the two differ (1P ${p1}, 30P ${p30}); scan another label of the reel or enter the part by hand`);
  }
  if (isInfineonSp(m)) {
    // Both name the part: generic decoders report the SP number, line MES software the 50P name.
    return reject('LABEL_AMBIGUOUS', `this Infineon label gives the SP number ${m.get('1P')!} and the part ${m.get('50P')!}; enter the part number your BOM uses by hand`);
  }
  put(d, 'mpn', m.get('1P'));

  if (vendor === 'digikey') {
    // Current labels: Digi-Key PN in 30P, the buyer's reference in P. Older ones: Digi-Key PN in P.
    const pIsDigikeyPn = p !== undefined && (p.endsWith('-ND') || (p30 !== undefined && p === p30));
    put(d, 'supplierPn', p30 ?? (pIsDigikeyPn ? p : undefined));
    if (!pIsDigikeyPn) put(d, 'customerPn', p);
    put(d, 'invoice', m.get('10K'));
  } else {
    put(d, 'customerPn', p);
    if (vendor === 'farnell') put(d, 'supplierPn', m.get('3P'));
    put(d, 'invoice', vendor === 'mouser' ? m.get('11K') : m.get('10K'));
  }
  put(d, 'customerPo', m.get('K'));
  put(d, 'salesOrder', m.get('1K'));
  put(d, 'orderLine', vendor === 'mouser' ? m.get('14K') : m.get('4K'));
  put(d, 'lot', first(m, ['1T', 'T']));
  put(d, 'dateCode', first(m, ['9D', '10D', 'D', '11D', '16D']));
  put(d, 'countryOfOrigin', first(m, ['4L', '23L']));
  put(d, 'manufacturer', m.get('1V'));
  put(d, 'expiryDate', m.get('14D'));
  put(d, 'reelId', nonEmpty(m, ['S', '3S', '4S', '5S', 'J']));
  const e13 = m.get('13E');
  const z3 = m.get('3Z');
  put(d, 'msl', e13 !== undefined ? mslLevel(e13) : z3 !== undefined ? mslFromTi3z(z3) : undefined);

  return accept(`eigp114-${vendor}`, d);
}
