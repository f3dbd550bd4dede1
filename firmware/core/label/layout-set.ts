// The layouts a host has loaded into a station (LabelLayoutLoad / LabelLayoutRemove), as a bounded set that the
// runtime keeps in the state store. Like the floor-life tables (msl/table-load.ts): a message is validated whole
// against the set it joins, and a refusal leaves the old set in place. The stored form is the wire bodies
// themselves, so what the station holds is exactly what the host sent.
import { decodePayload, encodePayload } from '../../../protocol/src/frame';
import { MESSAGES, type MessageBody } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import { compileLayout, isReservedId, type CompiledLayout, type LayoutDoc } from './layout';

/** Most layouts a station holds besides its built-in ones. */
export const MAX_LOADED_LAYOUTS = 16;

/** Loaded layouts, in load order. Immutable: every change returns a new set. */
export interface LayoutSet {
  readonly layouts: readonly CompiledLayout[];
}

export const EMPTY_LAYOUT_SET: LayoutSet = { layouts: [] };

export type LayoutSetResult =
  | { readonly ok: true; readonly set: LayoutSet }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

const refuse = (reason: ReasonName, detail: string): LayoutSetResult => ({ ok: false, reason, detail });

/**
 * Applies one LabelLayoutLoad to the station's set: a layout with a new id is added (up to MAX_LOADED_LAYOUTS),
 * one with an id the set holds replaces it. A layout that fails its check, or takes a built-in id, is refused.
 */
export function applyLayoutLoad(set: LayoutSet, body: MessageBody<'LabelLayoutLoad'>): LayoutSetResult {
  if (isReservedId(body.layoutId)) {
    return refuse('LABEL_LAYOUT_INVALID', `layoutId: "${body.layoutId}" starts like the firmware's own formats (eigp114, mfr-, tme-, lcsc-, digikey-, warden-); choose another id`);
  }
  const c = compileLayout(body);
  if (!c.ok) return refuse(c.reason, c.detail);
  const i = set.layouts.findIndex((l) => l.id === body.layoutId);
  if (i < 0 && set.layouts.length >= MAX_LOADED_LAYOUTS) {
    return refuse('LIMIT_EXCEEDED', `layouts: the station holds ${MAX_LOADED_LAYOUTS} loaded layouts already; remove one first`);
  }
  const layouts = i < 0 ? [...set.layouts, c.layout] : set.layouts.map((l, j) => (j === i ? c.layout : l));
  return { ok: true, set: { layouts } };
}

/** Applies one LabelLayoutRemove. */
export function applyLayoutRemove(set: LayoutSet, body: MessageBody<'LabelLayoutRemove'>): LayoutSetResult {
  if (!set.layouts.some((l) => l.id === body.layoutId)) {
    return refuse('LABEL_LAYOUT_UNKNOWN', `layoutId: the station holds no loaded layout "${body.layoutId}"${isReservedId(body.layoutId) ? ' (built-in layouts cannot be removed)' : ''}`);
  }
  return { ok: true, set: { layouts: set.layouts.filter((l) => l.id !== body.layoutId) } };
}

// Stored form: magic `WL`, format version 1, count, then per layout a u16 length and its LabelLayoutLoad payload.
const MAGIC0 = 0x57;
const MAGIC1 = 0x4c;
const STORE_VERSION = 1;

/** The set as one state-store value. */
export function encodeLayoutSet(set: LayoutSet): Uint8Array {
  const payloads: Uint8Array[] = [];
  for (const l of set.layouts) {
    const enc = encodePayload({ type: 'LabelLayoutLoad', body: l.doc });
    // A held layout was checked and encoded on its way in, so it encodes again.
    if (enc.ok) payloads.push(enc.payload);
  }
  const out = new Uint8Array(4 + payloads.reduce((n, p) => n + 2 + p.length, 0));
  out[0] = MAGIC0;
  out[1] = MAGIC1;
  out[2] = STORE_VERSION;
  out[3] = payloads.length;
  let o = 4;
  for (const p of payloads) {
    out[o] = p.length & 0xff;
    out[o + 1] = p.length >> 8;
    out.set(p, o + 2);
    o += 2 + p.length;
  }
  return out;
}

export type LayoutSetDecode =
  | {
      readonly ok: true;
      readonly set: LayoutSet;
      /** Stored layouts this firmware refuses (a check it has tightened, an id it now reserves), with why. */
      readonly dropped: readonly { readonly layoutId: string; readonly detail: string }[];
    }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/** Reads the stored set back. Total: a damaged value is STORE_CORRUPT, never a throw. */
export function decodeLayoutSet(bytes: Uint8Array): LayoutSetDecode {
  const corrupt = (detail: string): LayoutSetDecode => ({ ok: false, reason: 'STORE_CORRUPT', detail: `label layouts: ${detail}` });
  if (bytes.length < 4 || bytes[0] !== MAGIC0 || bytes[1] !== MAGIC1) return corrupt('not a stored layout set');
  if (bytes[2] !== STORE_VERSION) return corrupt(`stored format ${bytes[2]!}, this firmware reads ${STORE_VERSION}`);
  const count = bytes[3]!;
  if (count > MAX_LOADED_LAYOUTS) return corrupt(`${count} layouts, more than the ${MAX_LOADED_LAYOUTS} a station holds`);
  let set = EMPTY_LAYOUT_SET;
  const dropped: { layoutId: string; detail: string }[] = [];
  let o = 4;
  for (let i = 0; i < count; i++) {
    if (o + 2 > bytes.length) return corrupt(`layout ${i} is cut short`);
    const n = bytes[o]! | (bytes[o + 1]! << 8);
    if (o + 2 + n > bytes.length) return corrupt(`layout ${i} is cut short`);
    const d = decodePayload(MESSAGES.LabelLayoutLoad.type, bytes.subarray(o + 2, o + 2 + n));
    o += 2 + n;
    if (!d.ok || d.message.type !== 'LabelLayoutLoad') return corrupt(`layout ${i}: ${d.ok ? 'wrong type' : d.detail}`);
    const r = applyLayoutLoad(set, d.message.body as LayoutDoc);
    if (r.ok) set = r.set;
    else dropped.push({ layoutId: d.message.body.layoutId, detail: r.detail });
  }
  if (o !== bytes.length) return corrupt(`${bytes.length - o} bytes after the last layout`);
  return { ok: true, set, dropped };
}
