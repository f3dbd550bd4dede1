// The packed reel cache against a plain model: whatever text the host sends (any characters, empty fields,
// ids that are prefixes of one another), a lookup returns exactly the last record put for that id, while it is
// among the `max` most recently put ids, and nothing once it has been dropped.
import fc from 'fast-check';
import { cachedIds, cachedRecord, emptyReelCache, putRecord } from '../../core/setup/reel-cache';
import type { ReelRecordBody } from '../../core/setup/types';
import { record } from './helpers';

const text = fc.string({ maxLength: 40, unit: 'binary' });
const ids = fc.constantFrom('R1', 'R10', 'R1 ', 'R', 'R2', '\u0002R', 'x'.repeat(40));
const put = fc.record({
  uniqueIdentifier: ids,
  manufacturerPartNumber: text,
  manufacturerLotCode: text,
  manufacturer: text,
  quantity: fc.nat(),
  expiryDate: fc.option(fc.nat(), { nil: undefined }),
});

describe('reel cache', () => {
  it('returns the last record put for an id while it is among the newest max ids, in age order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(put, { maxLength: 30 }), (max, puts) => {
        let cache = emptyReelCache(max);
        const model = new Map<string, ReelRecordBody>();
        for (const p of puts) {
          const { expiryDate, ...rest } = p;
          const r = record({ ...rest, ...(expiryDate === undefined ? {} : { expiryDate }) });
          const step = putRecord(cache, r);
          cache = step.cache;
          const id = r.uniqueIdentifier.trim();
          model.delete(id);
          model.set(id, r);
          const dropped: string[] = [];
          for (const k of model.keys()) {
            if (model.size <= max) break;
            model.delete(k);
            dropped.push(k);
          }
          expect(step.dropped).toEqual(dropped);
        }
        expect(cachedIds(cache)).toEqual([...model.keys()]);
        for (const id of ['R1', 'R10', 'R', 'R2', '\u0002R', 'x'.repeat(40), 'R3']) {
          const m = model.get(id);
          const got = cachedRecord(cache, id);
          if (m === undefined) expect(got).toBeUndefined();
          else
            expect(got).toEqual({
              manufacturerPartNumber: m.manufacturerPartNumber,
              manufacturerLotCode: m.manufacturerLotCode,
              manufacturer: m.manufacturer,
              quantity: m.quantity,
              ...(m.expiryDate === undefined ? {} : { expiryDate: m.expiryDate }),
            });
        }
      }),
      { numRuns: 300 },
    );
  });
});
