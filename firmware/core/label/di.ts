// ANSI MH10.8.2 data identifiers: an optional number and one letter (`P`, `1P`, `30P`, `10K`, `13E`).
// Leading zeros are not significant; the longest DI always wins because a DI ends at its first letter.

export interface DiField {
  /** Canonical DI: number without leading zeros, letter upper-case (`01p` → `1P`). */
  readonly di: string;
  readonly value: string;
}

const DI_SHAPE = /^0*([1-9][0-9]?)?([A-Za-z])/;

/**
 * Splits one field into DI and value. Case folding touches the DI letter only, never the value
 * (`q50` → Q, 50; `1VNexperia` keeps its case). Undefined when the field does not start with a DI.
 */
export function splitField(field: string): DiField | undefined {
  const m = DI_SHAPE.exec(field);
  if (m === null) return undefined;
  return { di: (m[1] ?? '') + m[2]!.toUpperCase(), value: field.slice(m[0].length) };
}

/**
 * Tokens of an envelope-less code, each one DI of `allowed` written exactly (upper case, no leading zeros: without
 * an envelope anything else is ordinary data) followed by its value. Undefined when a token is not, or a DI repeats.
 */
export function exactDiTokens(tokens: readonly string[], allowed: ReadonlySet<string>): Map<string, string> | undefined {
  const m = new Map<string, string>();
  for (const t of tokens) {
    const f = splitField(t);
    if (f === undefined || !allowed.has(f.di) || !t.startsWith(f.di) || m.has(f.di)) return undefined;
    m.set(f.di, f.value);
  }
  return m;
}

/**
 * DIs seen on reel, bag and shipping labels of the electronics industry (EIGP 114, MH10.8.2 and the corpus).
 * When separators are visible substitutes (`]`, `|`, `.`), a reading is trusted only if every field starts
 * with one of these: an MPN such as `M0.6W-10K` split at its dot yields `6W…`, which is not here.
 */
export const KNOWN_DIS: ReadonlySet<string> = new Set([
  'P', '1P', '2P', '3P', '4P', '5P', '6P', '30P', '31P', '32P', '33P', '99P',
  'Q', '7Q', '13Q', '30Q',
  'K', '1K', '2K', '3K', '4K', '5K', '7K', '10K', '11K', '12K', '14K',
  'D', '6D', '9D', '10D', '11D', '14D', '16D', '30D', '31D',
  'T', '1T', '2T', '30T', '31T', '32T', '33T',
  'L', '3L', '4L', '20L', '21L', '22L', '23L',
  'V', '1V', '6V',
  'E', '13E',
  'S', '3S', '4S', '5S',
  'J', 'N', '3N', 'I', '4W',
  '3Z', '10Z', '11Z', '12Z', '13Z', '14Z', '15Z', '20Z',
]);
