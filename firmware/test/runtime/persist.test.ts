// Stored parts restored at one boot share their strings (on XS every string JSON.parse makes is its own chunk; what
// that saves is measured in XS by the working-set test). Sharing must change no value.
import fc from 'fast-check';
import { historyOf } from '../../core/setup/history';
import type { SlotState } from '../../core/setup/types';
import { decodeSlot, stampedBytes } from '../../core/station/persist';

function slot(key: string, mpn: string): SlotState {
  return {
    status: 'verified',
    reel: {
      facts: { key, derivedKey: false, format: 'eigp114-manufacturer', mpn, mpnFrom: 'label', lot: 'L1', quantity: 10 },
      label: { format: 'eigp114-manufacturer', mpn, reelId: key, lot: 'L1', qty: 10 },
      permission: 'primary',
      approvedMpn: mpn,
      history: historyOf({ reelKey: key, from: 1 }),
    },
  };
}

describe('restoring stored parts', () => {
  it('gives the values that were stored, with or without a shared table', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, mpn) => {
        const bytes = stampedBytes(3, slot(key, mpn));
        const alone = decodeSlot(bytes);
        const strings = new Map<string, string>();
        expect(alone).toEqual({ ok: true, value: { seq: 3, value: slot(key, mpn) } });
        // The same table across parts, as at boot: the second part's values are unchanged by the first's.
        expect(decodeSlot(stampedBytes(1, slot(mpn, key)), strings)).toEqual({ ok: true, value: { seq: 1, value: slot(mpn, key) } });
        expect(decodeSlot(bytes, strings)).toEqual(alone);
      }),
    );
  });
});
