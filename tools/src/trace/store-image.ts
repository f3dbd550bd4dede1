// A state-store partition image (a device dump, or a simulator --out's stations/<id>/store.bin) read the way the
// station reads its own store at boot: mounted on a copy (mount may discard a torn tail: on the copy, never on the
// input), the configuration taken from its key and validated. The secret is never read out: only whether one is
// provisioned and how long it is.
import type { ReasonName } from '../../../protocol/src/reasons';
import type { StationConfig } from '../../../firmware/core/station/config';
import { decodeStoredConfig, K, storeOptions } from '../../../firmware/runtime/layout';
import { StateStore } from '../../../firmware/storage/store';
import { ImageFlash } from './journal-image';

export interface StoredConfig {
  readonly ok: true;
  readonly config: StationConfig;
  /** Whether a secret is provisioned, and its length in bytes (never its value). */
  readonly secret: { readonly provisioned: boolean; readonly bytes: number };
  /** Damage the store reported on mounting (STORE_CORRUPT keys, a torn tail discarded). */
  readonly damage: readonly string[];
}

export type StoredConfigResult = StoredConfig | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

export function readStoredConfig(image: Uint8Array, g: { readonly sectorSize: number; readonly wordSize: number }): StoredConfigResult {
  const sectorCount = Math.floor(image.length / g.sectorSize);
  if (sectorCount < 2 || sectorCount % 2 !== 0 || image.length % g.sectorSize !== 0) {
    return { ok: false, reason: 'DUMP_TRUNCATED', detail: `${image.length} bytes is not a state-store partition (an even number, at least 2, of ${g.sectorSize}-byte sectors)` };
  }
  const m = StateStore.mount(new ImageFlash(image, g.sectorSize, sectorCount, g.wordSize), storeOptions({ sectorCount, sectorSize: g.sectorSize }));
  if (!m.ok) return { ok: false, reason: m.reason, detail: m.detail };
  if (m.report.formatted) return { ok: false, reason: 'NOT_PROVISIONED', detail: 'the image is a blank partition: no configuration is stored' };
  const damage: string[] = [];
  if (m.report.corruptKeys.length > 0) damage.push(`STORE_CORRUPT: keys ${m.report.corruptKeys.join(', ')} destroyed (the station boots fail-safe)`);
  if (m.report.unknownCorruption) damage.push('STORE_CORRUPT: damage not tied to a key (any value may be stale)');
  if (m.report.tornTail) damage.push('a cut update at the tail was discarded; its key kept its previous value');
  const c = m.store.get(K.config);
  if (!c.ok) return { ok: false, reason: c.reason, detail: `the configuration: ${c.detail}` };
  if (c.value === undefined) return { ok: false, reason: 'NOT_PROVISIONED', detail: 'the store holds no configuration: the station was never provisioned' };
  const p = decodeStoredConfig(c.value);
  if (!p.ok) return { ok: false, reason: 'CONFIG_INVALID', detail: `the stored configuration: ${p.detail} (the station refuses to boot with it)` };
  const s = m.store.get(K.secret);
  const bytes = s.ok && s.value !== undefined ? s.value.length : 0;
  if (!s.ok) damage.push(`the secret: ${s.detail}`);
  return { ok: true, config: p.config, secret: { provisioned: bytes > 0, bytes }, damage };
}
