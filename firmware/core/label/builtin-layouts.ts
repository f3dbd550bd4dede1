// Manufacturer labels the firmware knows, written in the layout language (layout.ts) and read by the same code
// as host-loaded layouts. Each was checked on the real payloads in firmware/test/label/fixtures/layouts.json;
// what a field means is taken from the sources cited there, and a field whose meaning no source confirms is an
// anchor (`check`), never reported.
import { frozen } from '../../../protocol/src/frozen';
import { readLayoutDocument } from './layout-doc';
import type { CompiledLayout } from './layout';

const GS = '\u001d';

/** Printable part-number characters without spaces or commas (commas separate fields in several layouts). */
const PN = 'A-Z0-9-./#+_';

const DOCS: readonly Record<string, unknown>[] = [
  {
    // KOA PDF417 customer label: `:MPN:sub:qty:X|K|M:lot:serial:printed name[::…]`, the quantity coded as
    // significant digits plus a zero count (`253` = 25000, `14` = 10000).
    layoutId: 'mfr-koa-colon',
    cut: 'delimited',
    separator: ':',
    prefix: ':',
    maxLength: 160,
    minPieces: 7,
    maxPieces: 11,
    fields: [
      { role: 'mpn', piece: 0, chars: 'A-Z0-9/.-', minLen: 3, maxLen: 32 },
      { role: 'check', piece: 1, chars: 'A-Z0-9', minLen: 0, maxLen: 4 },
      { role: 'qty', piece: 2, coding: 'sig-zeros', chars: '0-9', minLen: 2, maxLen: 4 },
      { role: 'check', piece: 3, chars: 'KMX', maxLen: 1 },
      { role: 'lot', piece: 4, chars: 'A-Z0-9', minLen: 6, maxLen: 12 },
      { role: 'check', piece: 5, chars: 'A-Z0-9', maxLen: 6 },
    ],
  },
  {
    // KOA part label: `KHK:n:MPN:qty:X:lot:n:site`.
    layoutId: 'mfr-koa-colon-part',
    cut: 'delimited',
    separator: ':',
    prefix: 'KHK:',
    maxLength: 120,
    minPieces: 7,
    maxPieces: 7,
    fields: [
      { role: 'check', piece: 0, chars: '0-9', maxLen: 4 },
      { role: 'mpn', piece: 1, chars: 'A-Z0-9/.-', minLen: 3, maxLen: 32 },
      { role: 'qty', piece: 2, chars: '0-9', maxLen: 9 },
      { role: 'check', piece: 3, chars: 'A-Z', maxLen: 1 },
      { role: 'lot', piece: 4, chars: 'A-Z0-9', minLen: 4, maxLen: 12 },
      { role: 'check', piece: 5, chars: '0-9', maxLen: 6 },
    ],
  },
  {
    // Seiko Instruments / ABLIC reel QR: `1$MPN$qty$lot$MPN$yyyymm$serial`. The part number is printed twice;
    // the two copies must agree.
    layoutId: 'mfr-sii-dollar',
    cut: 'delimited',
    separator: '$',
    prefix: '1$',
    maxLength: 160,
    minPieces: 6,
    maxPieces: 6,
    fields: [
      { role: 'mpn', piece: 0, chars: 'A-Z0-9-', minLen: 3, maxLen: 32 },
      { role: 'qty', piece: 1, chars: '0-9', maxLen: 7 },
      { role: 'lot', piece: 2, chars: 'A-Z0-9-', minLen: 4, maxLen: 24 },
      { role: 'mpn', piece: 3, chars: 'A-Z0-9-', minLen: 3, maxLen: 32 },
      { role: 'dateCode', piece: 4, chars: '0-9', minLen: 6, maxLen: 6 },
      { role: 'check', piece: 5, chars: 'A-Z0-9', minLen: 6, maxLen: 16 },
    ],
  },
  {
    // TE Connectivity DataMatrix: ISO/IEC 15434 envelope with two-letter tags, not data identifiers.
    layoutId: 'mfr-te-tags',
    cut: 'envelope',
    maxLength: 300,
    minPieces: 8,
    maxPieces: 8,
    fields: [
      { role: 'check', tag: 'LT', chars: 'A-Z0-9', maxLen: 24 },
      { role: 'mpn', tag: 'PN', chars: 'A-Z0-9-', maxLen: 32 },
      { role: 'check', tag: 'RV', chars: 'A-Z0-9', minLen: 0, maxLen: 4 },
      { role: 'qty', tag: 'QT', chars: '0-9', maxLen: 9 },
      { role: 'customerPo', tag: 'PO', chars: 'A-Z0-9-', minLen: 0, maxLen: 24 },
      { role: 'lot', tag: 'BT', chars: 'A-Z0-9 ', maxLen: 16 },
      { role: 'check', tag: 'BX', chars: '0-9', maxLen: 6 },
      { role: 'dateCode', tag: 'DC', chars: '0-9', minLen: 4, maxLen: 8 },
    ],
  },
  {
    // ALPS reel DataMatrix: MH10 data identifiers, with Z fields that are not Digi-Key's.
    layoutId: 'mfr-alps-envelope',
    cut: 'envelope',
    maxLength: 300,
    minPieces: 13,
    maxPieces: 13,
    fields: [
      { role: 'check', tag: '11Z', chars: '0-9', maxLen: 4 },
      { role: 'check', tag: '12Z', chars: 'A-Z0-9', maxLen: 8 },
      { role: 'check', tag: 'T', chars: 'A-Z0-9', maxLen: 32 },
      { role: 'check', tag: '9V', chars: '0-9', maxLen: 10 },
      { role: 'customerPn', tag: 'P', chars: PN, minLen: 0, maxLen: 32 },
      { role: 'mpn', tag: '1P', chars: PN, minLen: 3, maxLen: 32 },
      { role: 'qty', tag: 'Q', chars: '0-9', maxLen: 9 },
      { role: 'lot', tag: '1T', chars: 'A-Z0-9', maxLen: 20 },
      { role: 'salesOrder', tag: '1K', chars: '0-9', minLen: 0, maxLen: 16 },
      { role: 'check', tag: '21L', chars: 'A-Z', minLen: 2, maxLen: 3 },
      { role: 'customerPo', tag: 'K', chars: 'A-Z0-9-', minLen: 0, maxLen: 24 },
      { role: 'check', tag: '4K', chars: '0-9', minLen: 0, maxLen: 6 },
      { role: 'check', tag: '17Z', chars: '0-9', minLen: 0, maxLen: 6 },
    ],
  },
  {
    // Nippon Chemi-Con 28-digit ITF: item code (6), 3, 7, pack (3), quantity (5), serial (4). The item code is
    // Chemi-Con's, not the part number, and which digits are the lot is not confirmed: only the quantity is read.
    layoutId: 'mfr-chemi-con-itf',
    cut: 'fixed',
    minLength: 28,
    maxLength: 28,
    fields: [
      { role: 'check', start: 0, width: 28, trim: 'none', chars: '0-9', minLen: 28, maxLen: 28 },
      { role: 'qty', start: 19, width: 5, trim: 'none', chars: '0-9', minLen: 5, maxLen: 5 },
    ],
  },
  {
    // Chemi-Con 32-digit ITF (varistors): item code (10), 3, 7, pack (2), quantity (6), serial (4).
    layoutId: 'mfr-chemi-con-itf-32',
    cut: 'fixed',
    minLength: 32,
    maxLength: 32,
    fields: [
      { role: 'check', start: 0, width: 32, trim: 'none', chars: '0-9', minLen: 32, maxLen: 32 },
      { role: 'qty', start: 22, width: 6, trim: 'none', chars: '0-9', minLen: 6, maxLen: 6 },
    ],
  },
  {
    // Nidec Copal fixed width (111): item code (12), name (28–48), resistance (48–68), quantity (68–74), a
    // second count, date code, serial. The printed name is not the orderable part number: only the quantity.
    layoutId: 'mfr-copal-fixed',
    cut: 'fixed',
    minLength: 111,
    maxLength: 111,
    fields: [
      { role: 'check', start: 0, width: 12, trim: 'none', chars: '0-9', minLen: 12, maxLen: 12 },
      { role: 'check', start: 12, width: 16, trim: 'none', chars: ' ', minLen: 16, maxLen: 16 },
      { role: 'check', start: 28, width: 20, trim: 'end', chars: 'A-Z0-9 ./-', maxLen: 20 },
      { role: 'qty', start: 68, width: 6, chars: '0-9', maxLen: 6 },
      { role: 'check', start: 74, width: 6, chars: '0-9', maxLen: 6 },
      { role: 'check', start: 80, width: 9, chars: 'A-Z0-9', minLen: 2, maxLen: 9 },
    ],
  },
  {
    // Vishay PDF417, fixed width: part number in 0–18, a date in 28–36, quantity as a decimal in 99–112. Newer
    // labels repeat quantity (221–227) and part number (227–272); when they do, both copies must agree.
    layoutId: 'mfr-vishay-fixed',
    cut: 'fixed',
    minLength: 272,
    maxLength: 340,
    fields: [
      { role: 'mpn', start: 0, width: 18, chars: 'A-Z0-9-/_.', minLen: 3, maxLen: 18 },
      { role: 'check', start: 28, width: 8, trim: 'none', chars: '0-9/', minLen: 8, maxLen: 8 },
      { role: 'qty', start: 99, width: 13, coding: 'decimal', chars: '0-9.', maxLen: 13 },
      { role: 'qty', start: 221, width: 6, chars: '0-9', maxLen: 6, optional: true },
      { role: 'mpn', start: 227, width: 45, chars: 'A-Z0-9-/_.', maxLen: 45, optional: true },
    ],
  },
  {
    // Nichia LED reel: 12 comma-separated fields, part number first and quantity fifth; the rank and lot fields
    // are not reported (their meaning is not confirmed).
    layoutId: 'mfr-nichia-comma',
    cut: 'delimited',
    separator: ',',
    maxLength: 200,
    minPieces: 12,
    maxPieces: 12,
    fields: [
      { role: 'mpn', piece: 0, chars: 'A-Z0-9-', minLen: 3, maxLen: 32 },
      { role: 'check', piece: 1, chars: 'A-Z0-9-', maxLen: 24 },
      { role: 'check', piece: 2, chars: 'A-Za-z0-9-', maxLen: 40 },
      { role: 'check', piece: 3, chars: 'A-Za-z0-9', maxLen: 24 },
      { role: 'qty', piece: 4, chars: '0-9', maxLen: 7 },
      { role: 'check', piece: 5, chars: 'A-Za-z0-9', maxLen: 40 },
      { role: 'check', piece: 7, chars: '0-9', maxLen: 12 },
    ],
  },
  {
    // Yageo composite DataMatrix: `P<pn>,Q<qty>,9D<date>,1P<pn>,<number>`, tags without an envelope.
    layoutId: 'mfr-yageo-comma',
    cut: 'delimited',
    separator: ',',
    maxLength: 120,
    minPieces: 5,
    maxPieces: 5,
    fields: [
      { role: 'customerPn', piece: 0, tag: 'P', chars: PN, minLen: 3, maxLen: 32 },
      { role: 'qty', piece: 1, tag: 'Q', chars: '0-9', maxLen: 9 },
      { role: 'dateCode', piece: 2, tag: '9D', chars: '0-9', minLen: 4, maxLen: 8 },
      { role: 'mpn', piece: 3, tag: '1P', chars: PN, minLen: 3, maxLen: 32 },
      { role: 'check', piece: 4, chars: 'A-Z0-9', minLen: 6, maxLen: 16 },
    ],
  },
  {
    // Sunlord reel code, 8 fields separated by `/`: part number second, lot third, quantity sixth.
    layoutId: 'mfr-sunlord-slash',
    cut: 'delimited',
    separator: '/',
    maxLength: 120,
    minPieces: 8,
    maxPieces: 8,
    fields: [
      { role: 'check', piece: 0, chars: 'A-Z0-9', minLen: 6, maxLen: 20 },
      { role: 'mpn', piece: 1, chars: 'A-Z0-9-', minLen: 6, maxLen: 32 },
      { role: 'lot', piece: 2, chars: 'A-Z0-9', minLen: 4, maxLen: 20 },
      { role: 'check', piece: 3, chars: '0-9', maxLen: 4 },
      { role: 'check', piece: 4, chars: '0-9', maxLen: 4 },
      { role: 'qty', piece: 5, chars: '0-9', maxLen: 9 },
      { role: 'check', piece: 6, chars: 'A-Z0-9', maxLen: 16 },
      { role: 'check', piece: 7, chars: 'A-Z0-9', maxLen: 16 },
    ],
  },
  {
    // Uniroyal (UniOhm) reel code, 4 fields separated by `!`: part number third, lot fourth; no quantity.
    layoutId: 'mfr-uniohm-bang',
    cut: 'delimited',
    separator: '!',
    maxLength: 80,
    minPieces: 4,
    maxPieces: 4,
    fields: [
      { role: 'check', piece: 0, chars: 'A-Z0-9', minLen: 6, maxLen: 16 },
      { role: 'check', piece: 1, chars: '0-9', maxLen: 6 },
      { role: 'mpn', piece: 2, chars: 'A-Z0-9-', minLen: 6, maxLen: 32 },
      { role: 'lot', piece: 3, chars: '0-9', minLen: 4, maxLen: 16 },
    ],
  },
  {
    // A single 1D field with its data identifier (Yageo and others print one Code 128 per field): 1P = part.
    // (Only 1P: the other single fields have no public payload to check a layout on.)
    layoutId: 'mfr-1d-1p',
    cut: 'delimited',
    separator: GS,
    prefix: '1P',
    maxLength: 48,
    maxPieces: 1,
    fields: [{ role: 'mpn', piece: 0, chars: PN, minLen: 3, maxLen: 40, plain: true }],
  },
];

/**
 * The built-in layouts, compiled once at module load and frozen: on a device they are preloaded into flash with
 * the bytecode and cost no RAM (a document that fails its own check is left out: tests catch it).
 */
const COMPILED: readonly CompiledLayout[] = frozen(
  DOCS.flatMap((d) => {
    const c = readLayoutDocument(d);
    return c.ok ? [c.layout] : [];
  }),
);

export function builtinLayouts(): readonly CompiledLayout[] {
  return COMPILED;
}

/** The built-in layout documents, for tests and tools (`warden label test --builtin`). */
export const BUILTIN_LAYOUT_DOCS: readonly Record<string, unknown>[] = DOCS;
