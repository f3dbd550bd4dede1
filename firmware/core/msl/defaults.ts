// Values the engine assumes where a document or event leaves one out. Each is the worst the standard allows for
// what it stands for, so that a default can never give more floor life than the value it replaces (the README's
// "Defaults" list says why each one is safe; the property tests check it against every value it stands for).

/** J-STD-033 dry cabinets are specified at 25 ± 5 °C: a dry cabinet of unstated temperature is taken at the top. */
export const DRY_CABINET_WORST_C = 30;
/** Up to this humidity a cabinet is dry storage in the standard's sense (the ≤10 %RH and ≤5 %RH cabinets). */
export const DRY_CABINET_MAX_RH = 10;
/** A cabinet above 10 %RH is no dry storage, just air of unknown temperature: the warmest rated row. */
export const UNKNOWN_AIR_WORST_C = 35;

/** The temperature a cabinet sample stands for. */
export function cabinetTempC(stated: number | undefined, rhPct: number): number {
  if (stated !== undefined) return stated;
  return rhPct <= DRY_CABINET_MAX_RH ? DRY_CABINET_WORST_C : UNKNOWN_AIR_WORST_C;
}
