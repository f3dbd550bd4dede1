// The host link's send counters in the station's state store: `{ "<keyId>:<direction>": reservedUpTo }` as JSON
// under the `counters` key. A read that fails is reported (STORE_CORRUPT), never taken as 0.
import type { CounterStream, CounterVault, VaultResult } from '../../protocol/src/counters';
import { utf8Decode, utf8Encode } from '../../protocol/src/utf8';
import type { Station } from './station';

/** The vault of `station`'s counter reservations. */
export function storeVault(station: Station): CounterVault {
  const read = (): VaultResult<Record<string, number>> => {
    const v = station.storeValue('counters');
    if (v === undefined) return { ok: true, value: {} };
    if (!(v instanceof Uint8Array)) return { ok: false, reason: 'STORE_CORRUPT', detail: 'counters unreadable' };
    try {
      const doc = JSON.parse(utf8Decode(v) ?? '') as unknown;
      if (typeof doc !== 'object' || doc === null) throw new Error('not an object');
      return { ok: true, value: doc as Record<string, number> };
    } catch {
      return { ok: false, reason: 'STORE_CORRUPT', detail: 'counters do not decode' };
    }
  };
  const key = (s: CounterStream) => `${s.keyId}:${s.direction}`;
  return {
    reserved(s) {
      const r = read();
      return r.ok ? { ok: true, value: r.value[key(s)] ?? 0 } : r;
    },
    reserve(s, upTo) {
      const r = read();
      if (!r.ok) return r;
      const ok = station.storeValue('counters', utf8Encode(JSON.stringify({ ...r.value, [key(s)]: upTo })));
      return ok === true ? { ok: true, value: upTo } : { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'counter reservation not stored' };
    },
  };
}
