// Where the station keeps what in its state store. Key numbers never change once released: a firmware update
// reads the store the previous version wrote.
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
