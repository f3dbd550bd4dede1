// How scanned text is compared with the work order. MPNs: exact after trimming, case-folded, because
// scanners and QR alphanumeric mode change letter case (TME QRs arrive all upper case) while makers do not
// issue two parts whose numbers differ only by case. Where a work order does hold two such spellings, the
// order index marks that MPN case-sensitive (see order.ts). Inner spaces and punctuation are significant:
// `WR06X221 JTL` and `LM75BD,118` are whole part numbers.

function caseBlind(s: string): string {
  return s.trim().toUpperCase();
}

export const normMpn = caseBlind;

/** Lots are compared like MPNs: some makers print them in lower case, scanners change case. */
export const normLot = caseBlind;

/** Slot positions as scanned from a feeder or slot barcode. */
export const normPosition = caseBlind;

// Legal-form words that vary between the AVL, distributor labels and host master data.
const LEGAL_FORMS = new Set([
  'INC', 'INCORPORATED', 'CORP', 'CORPORATION', 'CO', 'COMPANY', 'LTD', 'LIMITED', 'LLC', 'GMBH', 'AG', 'KG',
  'SA', 'SAS', 'SPA', 'BV', 'NV', 'KK', 'PLC', 'AB', 'OY', 'AS', 'SE', 'PTE', 'PTY',
]);

// Latin letters with diacritics folded to ASCII (Würth → WURTH). XS has no Intl, so no String.normalize here.
const FOLD: Readonly<Record<string, string>> = {
  À: 'A', Á: 'A', Â: 'A', Ã: 'A', Ä: 'A', Å: 'A', Æ: 'AE', Ç: 'C', È: 'E', É: 'E', Ê: 'E', Ë: 'E', Ì: 'I', Í: 'I',
  Î: 'I', Ï: 'I', Ñ: 'N', Ò: 'O', Ó: 'O', Ô: 'O', Õ: 'O', Ö: 'O', Ø: 'O', Ù: 'U', Ú: 'U', Û: 'U', Ü: 'U', Ý: 'Y',
};

function makerTokens(s: string): string[] {
  const folded = s.toUpperCase().replace(/[À-Ý]/g, (c) => FOLD[c] ?? c);
  const t = folded.split(/[^0-9A-Z]+/).filter((w) => w !== '');
  while (t.length > 1 && LEGAL_FORMS.has(t[t.length - 1]!)) t.pop();
  return t;
}

function containsRun(hay: readonly string[], needle: readonly string[]): boolean {
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let all = true;
    for (let j = 0; j < needle.length && all; j++) all = hay[i + j] === needle[j];
    if (all) return true;
  }
  return false;
}

/**
 * Whether a manufacturer name from a label or host record names the AVL maker. Names vary in punctuation,
 * legal form and squashing (`EPCOS / TDK`, `Murata Manufacturing Co., Ltd.`, TME's `MICROCHIPTECHNOLOGY`), so
 * this accepts: the same letters and digits; the AVL name as a run of words inside the scanned name; the
 * scanned name as the first words of the AVL name; one squashed name starting the other (4+ characters).
 * It never matches an empty name.
 */
export function makerMatches(avl: string, scanned: string): boolean {
  const a = makerTokens(avl);
  const b = makerTokens(scanned);
  if (a.length === 0 || b.length === 0) return false;
  const sa = a.join('');
  const sb = b.join('');
  if (sa === sb) return true;
  if (containsRun(b, a)) return true;
  if (b.length <= a.length && containsRun(a.slice(0, b.length), b)) return true;
  const [short, long] = sa.length <= sb.length ? [sa, sb] : [sb, sa];
  return short.length >= 4 && long.startsWith(short);
}

/** A stable form of a maker name for comparing two work-order revisions. */
export function makerKey(s: string): string {
  return makerTokens(s).join('');
}

/** 64-bit FNV-1a over UTF-16 code units, as two 32-bit lanes: 16 hex digits. Not cryptographic. */
export function fnv64hex(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 15);
  }
  return hex8(h1) + hex8(h2);
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * How reel keys are compared to find the same reel on two slots: letter case ignored, since scanners and QR
 * alphanumeric mode change it. Erring this way refuses a reel (DUPLICATE_REEL), never accepts one twice.
 */
export const reelIndexKey = caseBlind;
