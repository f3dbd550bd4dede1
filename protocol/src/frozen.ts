// Tables made at module load are preloaded into flash on a Moddable device (the `preload` of its manifest). XS
// keeps a RAM pointer for every preloaded object that is not frozen, so that it could be changed later
// (Moddable's documentation/xs/preload.md); a frozen one costs no RAM. `frozen` freezes a table whole.
// Typed arrays and Maps cannot be frozen in standard JavaScript; preloaded ones are read-only in XS and cost no
// pointer, so they are left as they are (their contents are frozen).

/** Freezes `table` and everything it holds (objects, arrays, Map and Set entries); returns it. */
export function frozen<T>(table: T): T {
  if (typeof table !== 'object' || table === null || ArrayBuffer.isView(table) || table instanceof ArrayBuffer) return table;
  if (table instanceof Map) {
    for (const [k, v] of table) {
      frozen(k);
      frozen(v);
    }
    return table;
  }
  if (table instanceof Set) {
    for (const v of table) frozen(v);
    return table;
  }
  if (Object.isFrozen(table)) return table;
  Object.freeze(table);
  for (const v of Object.values(table)) frozen(v);
  return table;
}
