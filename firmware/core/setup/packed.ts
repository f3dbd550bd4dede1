// Lists of short strings packed into one string, each item prefixed by one character holding its length. On XS a
// string costs no slot, only its chunk, where an array costs its own slots and an object one slot per property:
// the reel cache (200 records) and the slots' reel histories (8 entries each) are kept this way.

/** Packs `items` (each at most 65 535 characters; wire strings are at most 255 bytes). */
export function pack(items: readonly string[]): string {
  let out = '';
  for (const s of items) out += String.fromCharCode(s.length) + s;
  return out;
}

export function unpack(packed: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < packed.length; ) {
    const n = packed.charCodeAt(i);
    out.push(packed.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

/** True when the first item of `packed` is `s`, without unpacking. */
export function startsWithItem(packed: string, s: string): boolean {
  return packed.charCodeAt(0) === s.length && packed.startsWith(s, 1);
}
