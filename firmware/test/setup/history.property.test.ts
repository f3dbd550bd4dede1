// A slot's packed reel history: any reel keys (the wire allows any text) and times survive packing, appending
// keeps exactly the newest `max` entries in order, and slots stored before histories were packed still restore.
import fc from 'fast-check';
import { historyEntries, historyFrom, historyOf, historyWith } from '../../core/setup/history';
import type { SlotState, TraceEntry } from '../../core/setup/types';
import { decodeSlot, stampedBytes } from '../../core/station/persist';

const entry: fc.Arbitrary<TraceEntry> = fc.record({ reelKey: fc.string({ maxLength: 40, unit: 'binary' }), from: fc.nat({ max: 2 ** 44 }) });

describe('reel history', () => {
  it('appending keeps the newest max entries, in order, whatever the keys hold', () => {
    fc.assert(
      fc.property(entry, fc.array(entry, { maxLength: 20 }), fc.integer({ min: 1, max: 8 }), (first, more, max) => {
        let h = historyOf(first);
        const model = [first];
        for (const e of more) {
          h = historyWith(h, e, max);
          model.push(e);
        }
        expect(historyEntries(h)).toEqual(more.length === 0 ? [first] : model.slice(-max));
      }),
    );
  });

  it('a stored slot round-trips, and one written with a list of entries restores the same history', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), fc.nat(), (entries, seq) => {
        const reel = {
          facts: { key: 'R-1', derivedKey: false, format: 'eigp114-manufacturer', mpn: 'MPN-1', mpnFrom: 'label' as const },
          label: { format: 'eigp114-manufacturer', mpn: 'MPN-1', reelId: 'R-1' },
          permission: 'primary' as const,
          approvedMpn: 'MPN-1',
        };
        const slot: SlotState = { status: 'verified', reel: { ...reel, history: historyFrom(entries) } };
        expect(decodeSlot(stampedBytes(seq, slot))).toEqual({ ok: true, value: { seq, value: slot } });
        const before = decodeSlot(stampedBytes(seq, { status: 'verified', reel: { ...reel, history: entries } }));
        expect(before).toEqual({ ok: true, value: { seq, value: slot } });
        const changed = decodeSlot(stampedBytes(seq, { status: 'bom-changed', previous: { ...reel, history: entries } }));
        expect(changed).toEqual({ ok: true, value: { seq, value: { status: 'bom-changed', previous: { ...reel, history: historyFrom(entries) } } } });
      }),
    );
  });

  it('a stored history that is neither packed nor a list of entries is refused, so the slot must be scanned again', () => {
    const reel = { facts: { key: 'R-1' }, label: {}, history: [{ reelKey: 'R-1' }] };
    expect(decodeSlot(stampedBytes(1, { status: 'verified', reel }))).toEqual({ ok: false, detail: 'slot: malformed reel history' });
  });
});
