// The layouts a host has loaded into a station (LabelLayoutLoad / LabelLayoutRemove), as a bounded set that the
// runtime keeps in the state store. Like the floor-life tables (msl/table-load.ts): a message is validated whole
// against the set it joins, and a refusal leaves the old set in place. (The stored form, the wire bodies
// themselves, is in layout-store.ts, beside the codec.)
import type { MessageBody } from '../../../protocol/src/messages';
import type { ReasonName } from '../../../protocol/src/reasons';
import { compileLayout, isReservedId, type CompiledLayout } from './layout';
import { frozen } from '../../../protocol/src/frozen';

/** Most layouts a station holds besides its built-in ones. */
export const MAX_LOADED_LAYOUTS = 16;

/** Loaded layouts, in load order. Immutable: every change returns a new set. */
export interface LayoutSet {
  readonly layouts: readonly CompiledLayout[];
}

export const EMPTY_LAYOUT_SET: LayoutSet = frozen({ layouts: [] });

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
