// Where the station keeps what in its state store. Key numbers never change once released: a firmware update
// reads the store the previous version wrote.
import { utf8Decode } from '../../protocol/src/utf8';
import { parseConfig } from '../core/station/config';
export const K = {
  config: 0,
  secret: 1,
  counters: 2,
  order: 3,
  core: 4,
  badges: 5,
  tables: 6,
  layouts: 7,
  /** First slot key: slot i of the active order is at slot0 + i. */
  slot0: 16,
} as const;

/** Most slots and MSD reels the layout has room for (the config's ranges stay inside these). */
export const MAX_SLOT_KEYS = 256;
export const MAX_MSD_KEYS = 64;
export const MSD0 = K.slot0 + MAX_SLOT_KEYS;
export const STORE_KEYS = MSD0 + MAX_MSD_KEYS;
/** Largest value: a 256-slot work order as JSON. */
export const MAX_VALUE_BYTES = 48 * 1024;

/** How the station mounts its state store on a partition of this geometry (a tool reading a dump mounts it the same). */
export function storeOptions(g: { readonly sectorCount: number; readonly sectorSize: number }): { sectorCount: number; maxKeys: number; maxValueBytes: number } {
  return { sectorCount: g.sectorCount, maxKeys: STORE_KEYS, maxValueBytes: Math.min(MAX_VALUE_BYTES, Math.floor(((g.sectorCount / 2) * g.sectorSize * 3) / 4) - 64) };
}

/** The configuration as stored under K.config (UTF-8 JSON of its document), validated as at provisioning. */
export function decodeStoredConfig(bytes: Uint8Array): ReturnType<typeof parseConfig> {
  const text = utf8Decode(bytes);
  let doc: unknown;
  try {
    doc = text === undefined ? undefined : JSON.parse(text);
  } catch {
    doc = undefined;
  }
  return parseConfig(doc);
}
