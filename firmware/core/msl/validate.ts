// Checks a reel spec and each event before the engine uses them, so that evaluation is total: anything a caller
// passes (even data that does not match the types) gets a typed error naming the field, never a throw.
import { CARRIERS, HIC_SPOTS, MSD_LEVELS, THICKNESS_CLASSES } from '../../../protocol/src/vocabulary';
import type { MslError } from './types';
import { MSL_EVENT_TYPES, PACKAGE_TYPES, SENSORS } from './types';

/** Latest time accepted: the end of year 9999 UTC, so that shelf-life dates stay representable. */
export const MAX_TIME = 253_402_300_799_999;
export const MAX_TEXT = 64;
/** Physically sensible bounds: anything outside is a unit or sensor error, not a condition to rate. */
export const MIN_TEMP_C = -100;
export const MAX_TEMP_C = 400;

type Fields = Record<string, unknown>;

const bad = (field: string, message: string, index?: number): MslError =>
  index === undefined ? { reason: 'MSD_EVENT_INVALID', field, message: `${field}: ${message}` } : { reason: 'MSD_EVENT_INVALID', index, field, message: `${field}: ${message}` };

export function isTime(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= MAX_TIME;
}

function isNum(x: unknown, min: number, max: number): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= min && x <= max;
}

function isText(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= MAX_TEXT;
}

function oneOf<T extends string>(x: unknown, values: readonly T[]): x is T {
  return typeof x === 'string' && (values as readonly string[]).includes(x);
}

/** The reel's fixed facts. */
export function checkSpec(x: unknown): MslError | undefined {
  if (typeof x !== 'object' || x === null) return { reason: 'MSD_EVENT_INVALID', message: 'reel: not an object' };
  const s = x as Fields;
  if (!oneOf(s['level'], MSD_LEVELS)) return { reason: 'MSD_LEVEL_UNKNOWN', field: 'msl', message: `msl: one of ${MSD_LEVELS.join(', ')}` };
  if (!oneOf(s['thicknessClass'], THICKNESS_CLASSES)) return bad('thicknessClass', `one of ${THICKNESS_CLASSES.join(', ')}`);
  if (s['bodyThicknessMm'] !== undefined && !isNum(s['bodyThicknessMm'], 0.01, 100)) return bad('bodyThicknessMm', 'a thickness in mm, 0.01..100');
  if (s['packageType'] !== undefined && !oneOf(s['packageType'], PACKAGE_TYPES)) return bad('packageType', `one of ${PACKAGE_TYPES.join(', ')}`);
  if (s['floorLifeHours'] !== undefined && !isNum(s['floorLifeHours'], 0.001, 1e6)) return bad('floorLifeHours', 'hours, 0.001..1000000');
  if (s['sealedAt'] !== undefined && !isTime(s['sealedAt'])) return bad('sealedAt', 'a time');
  return undefined;
}

function tempField(e: Fields, name: string, optional: boolean, index: number | undefined): MslError | undefined {
  return (optional && e[name] === undefined) || isNum(e[name], MIN_TEMP_C, MAX_TEMP_C) ? undefined : bad(name, `°C, ${MIN_TEMP_C}..${MAX_TEMP_C}`, index);
}

function rhField(e: Fields, name: string, optional: boolean, index: number | undefined): MslError | undefined {
  return (optional && e[name] === undefined) || isNum(e[name], 0, 100) ? undefined : bad(name, '%RH, 0..100', index);
}

/**
 * A sensor reading only has to be a number: whether it is a plausible condition is the engine's judgement
 * (`classifySample`), and an implausible one is no valid sample, not a malformed event.
 */
function readingField(e: Fields, name: string, optional: boolean, index: number | undefined): MslError | undefined {
  return (optional && e[name] === undefined) || typeof e[name] === 'number' ? undefined : bad(name, name === 'tempC' ? 'a reading in °C' : 'a reading in %RH', index);
}

/** One event's fields (not its place in the history: the tracker judges that). */
export function checkEvent(x: unknown, index?: number): MslError | undefined {
  if (typeof x !== 'object' || x === null) return bad('event', 'not an object', index);
  const e = x as Fields;
  const type = e['type'];
  if (!oneOf(type, MSL_EVENT_TYPES)) return bad('type', `one of ${MSL_EVENT_TYPES.join(', ')}`, index);
  if (!isTime(e['at'])) return bad('at', 'a time (epoch ms, 1970..9999)', index);
  switch (type) {
    case 'open':
      for (const spot of ['hic10', 'hic60']) {
        if (e[spot] !== undefined && !oneOf(e[spot], HIC_SPOTS)) return bad(spot, `one of ${HIC_SPOTS.join(', ')}`, index);
      }
      return undefined;
    case 'ambient':
      return readingField(e, 'tempC', false, index) ?? readingField(e, 'rhPct', false, index);
    case 'dry-in':
    case 'cabinet':
      return readingField(e, 'rhPct', false, index) ?? readingField(e, 'tempC', true, index);
    case 'sensor-lost':
    case 'sensor-ok':
      return e['sensor'] === undefined || oneOf(e['sensor'], SENSORS) ? undefined : bad('sensor', `one of ${SENSORS.join(', ')}`, index);
    case 'bake-start':
      if (e['carrier'] !== undefined && !oneOf(e['carrier'], CARRIERS)) return bad('carrier', `one of ${CARRIERS.join(', ')}`, index);
      return tempField(e, 'tempC', true, index) ?? rhField(e, 'rhPct', true, index);
    case 'disposition':
      if (e['action'] !== 'release' && e['action'] !== 'scrap') return bad('action', 'release or scrap', index);
      if (!isText(e['by'])) return bad('by', `who decided, 1..${MAX_TEXT} characters`, index);
      if (e['spec'] !== undefined && !isText(e['spec'])) return bad('spec', `the bake specification, 1..${MAX_TEXT} characters`, index);
      return undefined;
    case 'reflow':
      if (e['side'] !== undefined && e['side'] !== 'top' && e['side'] !== 'bottom') return bad('side', 'top or bottom', index);
      return undefined;
    default:
      return undefined;
  }
}

