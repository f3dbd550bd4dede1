// The humidity indicator card read when a dry bag is opened (J-STD-033 3.3 and 4.1): for levels 2a-5a the 10 %
// spot must be blue, for level 2 the 60 % spot; otherwise the parts must be baked. A spot that was not read is not
// a blue spot: an unread card is not a dry card.
import type { MsdLevel } from '../../../protocol/src/vocabulary';
import type { HicSpot } from './types';

/** dry: the spots the level needs read blue; wet: a needed spot read pink; unread: a needed spot not read. */
export type CardReading = 'dry' | 'wet' | 'unread';

/** The card's verdict for a level, or null where no card rule applies (MSL 1 has no limit; MSL 6 is baked anyway). */
export function readCard(level: MsdLevel, hic10: HicSpot | undefined, hic60: HicSpot | undefined): CardReading | null {
  if (level === '1' || level === '6') return null;
  // A pink 60 % spot means above 60 %RH for every level, a pink 10 % spot above 10 %RH (level 2 tolerates that).
  if (hic60 === 'pink' || (hic10 === 'pink' && level !== '2')) return 'wet';
  // A blue 10 % spot means below 10 %RH, so below 60 %RH too: it shows level 2's spot blue as well.
  const shown = level === '2' ? hic60 === 'blue' || hic10 === 'blue' : hic10 === 'blue';
  return shown ? 'dry' : 'unread';
}
