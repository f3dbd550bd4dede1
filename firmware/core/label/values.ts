// Field values with a fixed meaning: quantity, MSL. Anything that does not fit exactly is not guessed.
import { MSD_LEVELS, type MsdLevel } from '../../../protocol/src/vocabulary';

/** Largest quantity accepted: the wire field is a u32, and no reel holds more. */
const MAX_QUANTITY = 0xffffffff;

/** A plain non-negative integer, zero padding allowed (`Q000000001`). Anything else is undefined. */
export function parseQuantity(text: string): number | undefined {
  if (!/^[0-9]{1,12}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_QUANTITY ? n : undefined;
}

/** J-STD-020 level from a `13E` value (`2a`, `3`, `5A`); undefined when it is not one of the eight levels. */
export function mslLevel(text: string): MsdLevel | undefined {
  const t = text.trim().toLowerCase();
  return (MSD_LEVELS as readonly string[]).includes(t) ? (t as MsdLevel) : undefined;
}

// Texas Instruments' `3Z`: `<level>/<peak temp>C/<floor life>` (`2/260C/1YEAR;//;022319`).
const TI_3Z = /^([1-6][aA]?)\/[0-9]{3}C\/[0-9A-Za-z ]+(?:;|$)/;

/** MSL from TI's 3Z pattern; undefined for any other 3Z content (Murata and others use 3Z for other things). */
export function mslFromTi3z(text: string): MsdLevel | undefined {
  const m = TI_3Z.exec(text);
  return m === null ? undefined : mslLevel(m[1]!);
}
