// Which reel was scanned and what is known of it: the label's fields, completed and cross-checked by the
// host's record. A reel without a unique id on its label gets a key derived from part, lot, quantity and
// order, so the same reel scanned twice gets the same key and two reels that cannot be told apart are
// flagged as duplicates rather than silently treated as one.
import type { ReasonName } from '../../../protocol/src/reasons';
import { utf8Length } from '../../../protocol/src/utf8';
import type { ReelLabel } from '../label/types';
import { cachedRecord, type HostReel, type ReelCache } from './reel-cache';
import { fnv64hex, normLot, normMpn } from './normalize';
import type { ReelFacts, SetupConfig } from './types';

/** Wire limits of the fields the station sends about a reel (uniqueIdentifier, manufacturerLotCode). */
const MAX_REEL_ID_BYTES = 32;
const MAX_LOT_BYTES = 32;

export type Identified =
  | { readonly ok: true; readonly facts: ReelFacts }
  | { readonly ok: false; readonly reason: Exclude<ReasonName, 'OK'>; readonly detail: string; readonly reelKey: string };

function present(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  return t === '' ? undefined : t;
}

/**
 * The reel's key. A label reel id is used as it is when it fits the wire's 32 bytes; a longer one, or a
 * label without one, gets `DK:` + a 64-bit hash, which the host can compute the same way to key its record.
 */
export function reelKeyOf(label: ReelLabel): string | undefined {
  return keyOf(label)?.key;
}

function keyOf(label: ReelLabel): { readonly key: string; readonly derived: boolean } | undefined {
  const id = present(label.reelId);
  if (id !== undefined) {
    return utf8Length(id) <= MAX_REEL_ID_BYTES ? { key: id, derived: false } : { key: `DK:${fnv64hex(`id\u001f${id}`)}`, derived: true };
  }
  const mpn = present(label.mpn);
  if (mpn === undefined) return undefined;
  const order = [label.customerPo, label.salesOrder, label.invoice].map((s) => present(s) ?? '').join('/');
  const parts = [normMpn(mpn), normLot(label.lot ?? ''), label.qty === undefined ? '' : String(label.qty), order];
  return { key: `DK:${fnv64hex(parts.join('\u001f'))}`, derived: true };
}

/** Epoch ms at which a label expiry date (the whole day is usable, UTC) has passed; undefined if unreadable. */
function labelExpiry(s: string): number | undefined {
  const m = /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})$/.exec(s.trim());
  if (m === null) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 2000 || y > 2099 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const day = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 31 February into March; a real date round-trips.
  if (new Date(day).getUTCDate() !== d) return undefined;
  return day + 86_400_000;
}

export function identify(label: ReelLabel, reels: ReelCache, config: SetupConfig): Identified {
  const k = keyOf(label);
  if (k === undefined) {
    return { ok: false, reason: 'UNKNOWN_REEL', detail: 'label names neither a reel id nor a part number', reelKey: '' };
  }
  const key = k.key;
  const record = cachedRecord(reels, key);
  if (record === undefined && config.requireHostRecord) {
    return { ok: false, reason: 'UNKNOWN_REEL', detail: `host has no record of reel ${key}`, reelKey: key };
  }
  const labelMpn = present(label.mpn);
  const hostMpn = present(record?.manufacturerPartNumber);
  if (labelMpn !== undefined && hostMpn !== undefined && normMpn(labelMpn) !== normMpn(hostMpn)) {
    return { ok: false, reason: 'REEL_RECORD_MISMATCH', detail: `label MPN ${labelMpn}, host record ${hostMpn}`, reelKey: key };
  }
  const mpn = hostMpn ?? labelMpn;
  if (mpn === undefined) {
    return { ok: false, reason: 'UNKNOWN_REEL', detail: `no part number for reel ${key} on label or host record`, reelKey: key };
  }
  const labelLot = present(label.lot);
  const hostLot = present(record?.manufacturerLotCode);
  if (labelLot !== undefined && hostLot !== undefined && normLot(labelLot) !== normLot(hostLot)) {
    return { ok: false, reason: 'REEL_RECORD_MISMATCH', detail: `label lot ${labelLot}, host record ${hostLot}`, reelKey: key };
  }
  const lot = labelLot ?? hostLot;
  if (lot !== undefined && utf8Length(lot) > MAX_LOT_BYTES) {
    return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `lot longer than ${MAX_LOT_BYTES} bytes`, reelKey: key };
  }
  const expiry = expiryOf(label, record);
  const labelMaker = present(label.manufacturer);
  const hostMaker = present(record?.manufacturer);
  // The host's count is the one kept current as parts are used; the label's is what the reel left the maker with.
  const quantity = record !== undefined ? record.quantity : label.qty;
  const facts: ReelFacts = {
    key,
    derivedKey: k.derived,
    format: label.format,
    mpn,
    mpnFrom: hostMpn !== undefined ? 'host' : 'label',
    ...(labelMaker !== undefined ? { labelManufacturer: labelMaker } : {}),
    ...(hostMaker !== undefined ? { hostManufacturer: hostMaker } : {}),
    ...(lot !== undefined ? { lot } : {}),
    ...(quantity !== undefined ? { quantity } : {}),
    ...expiry,
  };
  return { ok: true, facts };
}

function expiryOf(label: ReelLabel, record: HostReel | undefined): { expiresAt?: number; expiryUnreadable?: string } {
  const host = record?.expiryDate === undefined ? undefined : record.expiryDate * 1000;
  const text = present(label.expiryDate);
  const fromLabel = text === undefined ? undefined : labelExpiry(text);
  if (text !== undefined && fromLabel === undefined) {
    // An expiry the station cannot read counts only when the host gives none: then it cannot be cleared.
    return host === undefined ? { expiryUnreadable: text } : { expiresAt: host };
  }
  // Both known: the earlier one applies.
  if (host === undefined) return fromLabel === undefined ? {} : { expiresAt: fromLabel };
  return { expiresAt: fromLabel === undefined ? host : Math.min(host, fromLabel) };
}
