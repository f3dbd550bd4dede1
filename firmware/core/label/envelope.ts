// ISO/IEC 15434 envelope: `[)>` RS `06` GS fields… RS EOT, and what scanners make of it (reference 1.1, 3.1, 3.2).
import { KNOWN_DIS, splitField, type DiField } from './di';
import { interpretRecord } from './eigp';
import { MAX_FIELDS, MAX_RECORDS, MAX_SEQUENCE_CHARS } from './limits';
import { EOT, GS, hasControl, isPrintableAscii, replaceAll, RS } from './normalize';
import { reject, sameLabel } from './result';
import { readStripped } from './sequences';
import type { LabelResult, ReelLabel } from './types';

/** Visible characters some scanners send for GS/RS and that cannot be configured away. */
const SUBSTITUTES = [']', '^', '|', '.'];
const RS_LIKE = [RS, ...SUBSTITUTES];

interface Header {
  readonly prefix: string;
  /** The character between the prefix and `06`, when there is one. */
  readonly rs: string | undefined;
  /** Index just after `06`. */
  readonly bodyStart: number;
}

// Longest first: `>[)>` is the old Mouser header; `)>`, `>` and a bare `06` are headers with leading characters lost;
// `[)` lost its `>` (Binner issue #132 echoes `[)▲06↔J2DA…`).
const PREFIXES = ['>[)>', '[)>', '[)', ')>', '>', ''];
/** Truncated headers that are only an envelope when a real separator follows (`06` and `[)` are ordinary data too). */
const NEEDS_REAL_SEPARATOR = new Set(['', '[)']);

function findHeader(text: string): Header | undefined {
  for (const prefix of PREFIXES) {
    if (!text.startsWith(prefix)) continue;
    let i = prefix.length;
    let rs: string | undefined;
    const c = text[i];
    if (c !== undefined && RS_LIKE.includes(c) && text.startsWith('06', i + 1)) {
      rs = c;
      i++;
    }
    if (!text.startsWith('06', i)) continue;
    // A bare `06` (or `[)06`) is only an envelope when a real separator follows; otherwise it is just data.
    if (NEEDS_REAL_SEPARATOR.has(prefix) && rs !== RS && text[i + 2] !== GS) continue;
    return { prefix, rs, bodyStart: i + 2 };
  }
  return undefined;
}

/**
 * Cuts what follows the message: EOT and anything after it, anything after a line break, and a trailing run of
 * substitute characters (a Ctrl-^ or Ctrl-] typed after the last field when real GS are used elsewhere).
 */
function cutTrailer(body: string): string {
  let end = body.length;
  for (const stop of [EOT, '\r', '\n']) {
    const i = body.indexOf(stop);
    if (i >= 0 && i < end) end = i;
  }
  let cut = body.slice(0, end);
  if (cut.includes(GS)) while (cut.length > 0 && ']^|'.includes(cut[cut.length - 1]!)) cut = cut.slice(0, -1);
  return cut;
}

/** Parses a scan that carries an ISO/IEC 15434 envelope, or GS-separated DI fields without one. */
export function parseEnvelope(text: string): LabelResult | undefined {
  const header = findHeader(text);
  if (header === undefined) {
    // GS-separated fields without a header: only a single clean line of at least two fields, since text before
    // a header or a line break is leftover from something else.
    if (!text.includes(GS) || /[\r\n]|\[\)>/.test(text) || !text.startsWith('1P') || !text.includes(`${GS}Q`)) return undefined;
    return readRecords(cutTrailer(text), false, false);
  }
  let body = cutTrailer(text.slice(header.bodyStart));
  const mouserHeader = header.prefix === '>[)>';
  if (body.includes(GS)) return readRecords(body, mouserHeader, false);

  const sep = body[0];
  if (sep !== undefined && SUBSTITUTES.includes(sep)) {
    body = replaceAll(body, sep, GS);
    if (header.rs !== undefined && header.rs !== RS && header.rs !== sep) body = replaceAll(body, header.rs, RS);
    return readRecords(cutTrailer(body), mouserHeader, true);
  }

  const stripped = body.split(RS)[0] ?? '';
  if (!isPrintableAscii(stripped)) {
    return reject('SCAN_UNREADABLE', 'the scanner turned the field separators into stray characters; set it to send GS/RS (or a fixed substitute) and rescan');
  }
  if (stripped.length > MAX_SEQUENCE_CHARS) {
    return reject('LABEL_TOO_LONG', `a separator-less scan longer than ${MAX_SEQUENCE_CHARS} characters is not searched; enable GS/RS output on the scanner`);
  }
  return readStripped(stripped, mouserHeader);
}

/**
 * The pieces of a single-record envelope with real GS separators (header variants and trailer handled as above),
 * for layouts that bring their own tags (TE's `PN`/`QT`, which are not data identifiers). Undefined when the scan
 * is no such envelope, or holds more than one format-06 record.
 */
export function envelopePieces(text: string): string[] | undefined {
  const header = findHeader(text);
  if (header === undefined) return undefined;
  const body = cutTrailer(text.slice(header.bodyStart));
  if (!body.includes(GS)) return undefined;
  const [first, ...more] = body.split(RS);
  if (more.some((p) => p.startsWith('06' + GS))) return undefined;
  const pieces = (first ?? '').split(GS).filter((p) => p !== '');
  return pieces.length > MAX_FIELDS ? undefined : pieces;
}

/** Splits the message into records, keeps the format-06 ones and interprets each. */
function readRecords(body: string, mouserHeader: boolean, strict: boolean): LabelResult {
  const parts = body.split(RS);
  if (parts.length > MAX_RECORDS + 1) return reject('LABEL_TOO_LONG', `more than ${MAX_RECORDS} records in one code`);
  // The first part belongs to the header's 06 record; later ones name their own format (05 = GS1, ignored).
  const records: string[] = [parts[0]!];
  for (const p of parts.slice(1)) if (p.startsWith('06' + GS)) records.push(p.slice(2));

  const labels: ReelLabel[] = [];
  let firstRejection: LabelResult | undefined;
  for (const record of records) {
    const fields = readFields(record, strict);
    if (!Array.isArray(fields)) return fields as LabelResult;
    if (fields.length === 0) continue;
    const res = interpretRecord(fields, { mouserHeader });
    if (res.ok) labels.push(res.label);
    else if (res.reason !== 'NOT_A_REEL_LABEL') return res;
    else firstRejection ??= res;
  }
  const [head, ...rest] = labels;
  if (head === undefined) return firstRejection ?? reject('NOT_A_REEL_LABEL', 'the code holds no part data');
  if (rest.some((l) => !sameLabel(l, head))) {
    return reject('LABEL_MIXED_LOAD', 'the code describes more than one part (a mixed-load label); scan the label of the reel itself');
  }
  return { ok: true, label: head };
}

function readFields(record: string, strict: boolean): DiField[] | LabelResult {
  const raw = record.split(GS).filter((s) => s !== '');
  if (raw.length > MAX_FIELDS) return reject('LABEL_TOO_LONG', `more than ${MAX_FIELDS} fields in one record`);
  const fields: DiField[] = [];
  for (const r of raw) {
    const f = splitField(r);
    if (f === undefined) {
      return reject('SCAN_UNREADABLE', `field "${r.slice(0, 24)}" does not start with a data identifier: the code is damaged or a separator was lost; rescan`);
    }
    if (hasControl(f.value)) {
      return reject('SCAN_UNREADABLE', `field ${f.di} holds control characters the scanner left behind; rescan`);
    }
    if (strict && !KNOWN_DIS.has(f.di)) {
      return reject('LABEL_AMBIGUOUS', `with visible separator characters, field "${r.slice(0, 24)}" is not a known data identifier, so the separator may also be part of the data; set the scanner to send GS/RS and rescan`);
    }
    fields.push(f);
  }
  return fields;
}
