// The MSL engine's independent check, shared by the property tests and the benchmark (as its peer).
import { floorLife, hasTable, MINUTE, nominalHours, WORST_CELL, type Conditions, type MslEnv, type MslEvent, type ReelSpec } from '../../core/msl/index';

// An independent, naive integrator: walks the history minute by minute, asks floorLife for each minute's
// conditions and applies the short-exposure reset rule by counting minutes. Same policy, no closed form.

interface RefState {
  place: 'new' | 'bag' | 'floor' | 'cabinet';
  ambient: Conditions | null;
  cabinet: Conditions | null;
  lostAt: number | null;
  consumed: number;
  exposureMin: number;
  dryMin: number;
}

export function referenceConsumed(spec: ReelSpec, events: readonly MslEvent[], at: number, env: MslEnv): number {
  const rule = ['2', '2a', '3'].includes(spec.level) ? { limit: 12 * 60, factor: 5, bag: true, maxRh: 10 } : ['4', '5', '5a'].includes(spec.level) ? { limit: 8 * 60, factor: 10, bag: false, maxRh: 5 } : null;
  const hoursAt = (c: Conditions): number | null => {
    const f = floorLife(spec, env.tables, c);
    if (f.rated) return f.hours;
    const w = floorLife(spec, env.tables, WORST_CELL);
    return hasTable(spec, env.tables) && w.rated ? w.hours : nominalHours(spec);
  };
  const s: RefState = { place: 'new', ambient: null, cabinet: null, lostAt: null, consumed: 0, exposureMin: 0, dryMin: 0 };
  let i = 0;
  const start = events.length === 0 ? at : events[0]!.at;
  for (let u = start; u < at; u += MINUTE) {
    for (; i < events.length && events[i]!.at <= u; i++) {
      const e = events[i]!;
      if (e.type === 'open' || e.type === 'dry-out') s.place = 'floor';
      if (e.type === 'seal') s.place = 'bag';
      if (e.type === 'dry-in') (s.place = 'cabinet'), (s.cabinet = { tempC: e.tempC ?? 25, rhPct: e.rhPct });
      if (e.type === 'ambient') (s.ambient = { tempC: e.tempC, rhPct: e.rhPct }), (s.lostAt = null);
      if (e.type === 'sensor-lost' && s.lostAt === null) s.lostAt = e.at;
      if (e.type === 'sensor-ok') s.lostAt = null;
    }
    let hours: number | null = null;
    let kind: 'exposure' | 'credit' | 'neutral' = 'neutral';
    if (s.place === 'new' || s.place === 'bag') kind = rule?.bag ? 'credit' : 'neutral';
    else if (s.place === 'cabinet' && rule !== null && s.cabinet!.rhPct <= rule.maxRh) kind = 'credit';
    else if (s.place === 'cabinet' && s.cabinet!.rhPct <= 5) kind = 'neutral';
    else {
      const stale = s.place === 'floor' && (s.ambient === null || (s.lostAt !== null && u - s.lostAt >= env.config.staleAfterMs));
      hours = stale ? (hasTable(spec, env.tables) ? hoursAt(WORST_CELL) : nominalHours(spec)) : hoursAt(s.place === 'floor' ? s.ambient! : s.cabinet!);
      kind = hours === null ? 'neutral' : 'exposure';
    }
    if (hours !== null) s.consumed += 1 / (hours * 60);
    if (kind === 'exposure') (s.exposureMin += 1), (s.dryMin = 0);
    if (kind === 'credit') {
      s.dryMin += 1;
      if (rule !== null && s.exposureMin > 0 && s.exposureMin <= rule.limit && s.consumed < 1 - 1e-9 && s.dryMin >= rule.factor * s.exposureMin) {
        s.consumed = 0;
        s.exposureMin = 0;
        s.dryMin = 0;
      }
    }
  }
  return s.consumed;
}
