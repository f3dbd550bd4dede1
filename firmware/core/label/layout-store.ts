// Loaded layouts as bytes: one state-store value holding the LabelLayoutLoad payloads themselves, so what a
// station keeps is exactly what the host sent; and the size a layout takes in one message. This is the part of
// the layout code that needs the protocol codec, kept apart so the parser does not carry it.
import { decodePayload, encodePayload } from '../../../protocol/src/frame';
import { MAX_PAYLOAD } from '../../../protocol/src/limits';
import { MESSAGES } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import type { LayoutDoc } from './layout';
import { readLayoutDocument } from './layout-doc';
import { applyLayoutLoad, EMPTY_LAYOUT_SET, MAX_LOADED_LAYOUTS, type LayoutSet } from './layout-set';

/** The bytes a layout takes in one LabelLayoutLoad, or why it cannot be carried (a field too long, too big). */
export function layoutWireSize(doc: LayoutDoc): { ok: true; bytes: number } | { ok: false; detail: string } {
  const enc = encodePayload({ type: 'LabelLayoutLoad', body: doc });
  if (enc.ok) return { ok: true, bytes: enc.payload.length };
  const detail = enc.reason === 'FRAME_OVERSIZE' ? `layout: more than the ${MAX_PAYLOAD} bytes one LabelLayoutLoad carries; use fewer or shorter fields` : enc.detail.replace(/^LabelLayoutLoad\./, '');
  return { ok: false, detail };
}

export type LayoutLoadBody =
  | { readonly ok: true; readonly body: LayoutDoc; readonly bytes: number }
  | { readonly ok: false; readonly reason: 'LABEL_LAYOUT_INVALID'; readonly detail: string };

/**
 * A layout document (any JSON value: what `warden label learn --out` writes, one written by hand with the defaults
 * left out, or a complete body) → the LabelLayoutLoad body, every default filled in, checked whole as the station
 * checks it and sized for one message. The one reader every host path uses (`warden label`, `warden station run`,
 * the gateway's documents), so a document that one of them accepts, all of them accept. Total: never throws.
 */
export function layoutLoadBody(json: unknown): LayoutLoadBody {
  const c = readLayoutDocument(json);
  if (!c.ok) return { ok: false, reason: 'LABEL_LAYOUT_INVALID', detail: c.detail };
  // The station's own load check, on a set with room (a built-in id is refused here, not by the reader).
  const load = applyLayoutLoad(EMPTY_LAYOUT_SET, c.layout.doc);
  if (!load.ok) return { ok: false, reason: 'LABEL_LAYOUT_INVALID', detail: load.detail };
  const size = layoutWireSize(c.layout.doc);
  if (!size.ok) return { ok: false, reason: 'LABEL_LAYOUT_INVALID', detail: size.detail };
  return { ok: true, body: c.layout.doc, bytes: size.bytes };
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
    // A held layout arrived as a LabelLayoutLoad, so it encodes again.
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
    const r = applyLayoutLoad(set, d.message.body);
    if (r.ok) set = r.set;
    else dropped.push({ layoutId: d.message.body.layoutId, detail: r.detail });
  }
  if (o !== bytes.length) return corrupt(`${bytes.length - o} bytes after the last layout`);
  return { ok: true, set, dropped };
}
