// The station's configuration: one validated document, stored in the state store and shown by
// `warden station config`. Every field is declared once here, with its range, default and meaning; the validator,
// the defaults and the documentation table are all derived from this list. Validation is total: any JSON value
// gets either a config or one error naming the field, never a throw.
import type { ReasonName } from '../../../protocol/src/reasons';
import { frozen } from '../../../protocol/src/frozen';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Num = { readonly kind: 'int'; readonly min: number; readonly max: number; readonly def: number; readonly unit?: string };
type Bool = { readonly kind: 'bool'; readonly def: boolean };
type Text = { readonly kind: 'text'; readonly max: number; readonly def: string; readonly pattern?: RegExp };
type Choice<T extends string> = { readonly kind: 'choice'; readonly values: readonly T[]; readonly def: T };
type FieldSpec = (Num | Bool | Text | Choice<string>) & { readonly doc: string };

const int = (min: number, max: number, def: number, doc: string, unit?: string): Num & { doc: string } =>
  unit === undefined ? { kind: 'int', min, max, def, doc } : { kind: 'int', min, max, def, doc, unit };
const bool = (def: boolean, doc: string): Bool & { doc: string } => ({ kind: 'bool', def, doc });
const text = (max: number, def: string, doc: string, pattern?: RegExp): Text & { doc: string } =>
  pattern === undefined ? { kind: 'text', max, def, doc } : { kind: 'text', max, def, doc, pattern };
const choice = <T extends string>(values: readonly T[], def: T, doc: string): Choice<T> & { doc: string } => ({ kind: 'choice', values, def, doc });

export const STATION_KINDS = ['placement', 'feeder-cart', 'reflow'] as const;
export type StationKind = (typeof STATION_KINDS)[number];

/** The document's fields, by dotted path. The order is the order of the docs and of `warden station config`. */
export const CONFIG_FIELDS = {
  stationId: int(1, 0xfffe, 1, 'Station id on the line: the header of every frame and the Modbus UserApplicationName.'),
  role: choice(STATION_KINDS, 'placement', 'What the station guards. `reflow` stations have no slots: program, first-off, clock and journal rules only.'),
  name: text(32, 'station', 'Name shown to people (stack-light panel, `warden station`, Modbus ModelName).'),
  lane: int(0, 255, 1, 'Conveyor lane (CFX Lane).'),
  maxSlots: int(0, 256, 120, 'Most slots a work order may have here (feeder positions of the machine); 0 for reflow.'),
  keyId: int(0, 255, 1, 'Key id of the provisioned secret: the header keyId of every authenticated frame.'),
  'journal.kib': int(12, 16_384, 2_560, 'Journal partition size. Default sized for a weekend without host acknowledgements (see firmware/runtime/README.md).', 'KiB'),
  'journal.highWaterPct': int(10, 100, 75, 'Fill at which the station warns JOURNAL_HIGH_WATER.', '%'),
  'store.kib': int(8, 1_024, 128, 'State store partition size (two banks).', 'KiB'),
  'timeouts.pairingMs': int(1_000, 600_000, 30_000, 'A slot scan and its reel scan must come within this time.', 'ms'),
  'timeouts.commandMs': int(1_000, 600_000, 60_000, 'A command barcode (`CMD:…`) waits this long for the scan it needs.', 'ms'),
  'timeouts.hostOfflineMs': int(1_000, 86_400_000, 5 * MINUTE, 'No authenticated frame for this long: the host counts as offline (shown, never a reason to stop: every rule is enforced offline).', 'ms'),
  'timeouts.sensorPollMs': int(1_000, HOUR, MINUTE, 'How often the T/RH sensor is read.', 'ms'),
  'timeouts.sensorStaleMs': int(MINUTE, 24 * HOUR, 10 * MINUTE, 'No valid sample for longer than this: the MSL engine charges the worst rated cell (SENSOR_FAULT raised).', 'ms'),
  'timeouts.checkpointMs': int(10_000, HOUR, 5 * MINUTE, 'MSD floor-life state is written to the store this often (events are written at once); a power loss charges the time since as worst-case exposure.', 'ms'),
  'timeouts.plcHeartbeatMs': int(0, HOUR, 0, 'The PLC must change its heartbeat register this often; 0 turns the watchdog off.', 'ms'),
  'plc.heartbeatDropsPermit': bool(false, 'A PLC that stopped writing its heartbeat also takes the run permit away (PLC_HEARTBEAT_LOST), not only raises an alarm.'),
  'msd.marginMs': int(0, 24 * HOUR, HOUR, 'Safety margin on top of the work order\'s time to reflow: an MSD reel with less floor life left than both stops the permit (MSD_REMAINING_LOW).', 'ms'),
  'msd.warnLeadMs': int(0, 72 * HOUR, 2 * HOUR, 'Warn this long before an MSD reel reaches its margin.', 'ms'),
  'msd.maxReels': int(1, 64, 32, 'Most MSD reels the station tracks at once.'),
  'setup.minQuantity': int(0, 0xffffffff, 0, 'Reels with fewer parts are refused (QUANTITY_LOW); 0 = off.'),
  'setup.requireHostRecord': bool(false, 'Refuse reels the host has sent no ReelRecord for (prototype orders waive it: quick assign).'),
  'setup.requireManufacturer': bool(false, 'Refuse reels whose maker is on neither the label nor the host record.'),
  'setup.primaryOnly': bool(false, 'Plain alternates need a supervisor override too.'),
  'setup.maxReelRecords': int(1, 4_096, 200, 'Host reel records cached (oldest dropped first).'),
  'operators.requireLogin': bool(true, 'Loading, splicing and unloading need a logged-in operator (OPERATOR_REQUIRED).'),
  'operators.maxBadges': int(1, 1_024, 64, 'Badges the station knows (pushed by the host).'),
  'overrides.maxMs': int(MINUTE, 24 * HOUR, 8 * HOUR, 'Longest override a supervisor may grant.', 'ms'),
  'scan.badgePrefix': text(8, 'OP:', 'A scan starting with this is a badge.'),
  'scan.commandPrefix': text(8, 'CMD:', 'A scan starting with this is a command barcode (see firmware/runtime/README.md).'),
  'scan.boardPrefix': text(8, 'PCB:', 'A scan starting with this is a board (panel) id for the next board.'),
  'scan.programPrefix': text(8, 'PRG:', 'A scan starting with this is a program label `PRG:name|revision|checksum-hex`.'),
  firstOff: bool(true, 'A first-off inspection is required after each setup and each program change.'),
  'modbus.unitId': int(1, 247, 1, 'Modbus RTU slave address (TCP answers any unit id).'),
  'modbus.tcpPort': int(0, 65_535, 502, 'Modbus TCP port; 0 = off.'),
  'modbus.rtuBaud': int(0, 1_000_000, 19_200, 'Modbus RTU baud rate; 0 = no RTU port.', 'baud'),
  'modbus.rtuParity': choice(['even', 'none', 'odd'] as const, 'even', 'Modbus RTU parity (none means two stop bits).'),
  'host.tcpPort': int(0, 65_535, 4_840, 'TCP port the station listens on for its host; 0 = serial host link only.'),
} as const satisfies Record<string, FieldSpec>;
frozen(CONFIG_FIELDS);

type Fields = typeof CONFIG_FIELDS;
type ValueOf<S> = S extends Num ? number : S extends Bool ? boolean : S extends Choice<infer T> ? T : string;

/** The configuration as the station uses it: flat and fully defaulted. */
export type StationConfig = { readonly [K in keyof Fields]: ValueOf<Fields[K]> };
export type ConfigKey = keyof StationConfig;

export type ConfigResult =
  | { readonly ok: true; readonly config: StationConfig }
  | { readonly ok: false; readonly reason: ReasonName; readonly field: string; readonly detail: string };

const KEYS = Object.keys(CONFIG_FIELDS) as ConfigKey[];

function defaults(): StationConfig {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) out[k] = CONFIG_FIELDS[k].def;
  return out as StationConfig;
}

/** The defaults, as the documented starting point of a station's document. */
export const DEFAULT_CONFIG: StationConfig = frozen(defaults());

function check(key: ConfigKey, v: unknown): string | undefined {
  const s: FieldSpec = CONFIG_FIELDS[key];
  switch (s.kind) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= s.min && v <= s.max ? undefined : `an integer ${s.min}..${s.max}${s.unit === undefined ? '' : ` (${s.unit})`}`;
    case 'bool':
      return typeof v === 'boolean' ? undefined : 'true or false';
    case 'text':
      return typeof v === 'string' && v.length >= 1 && v.length <= s.max && (s.pattern === undefined || s.pattern.test(v)) ? undefined : `text of 1..${s.max} characters`;
    case 'choice':
      return typeof v === 'string' && s.values.includes(v) ? undefined : `one of ${s.values.join(', ')}`;
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const bad = (field: string, detail: string): ConfigResult => ({ ok: false, reason: 'CONFIG_INVALID', field, detail: `${field}: ${detail}` });

/**
 * Reads a configuration document: nested objects (`{"timeouts": {"pairingMs": 20000}}`) or dotted keys, any field
 * may be left out (its default applies). Unknown fields are refused, so a typo never silently keeps a default.
 */
export function parseConfig(doc: unknown): ConfigResult {
  if (!isObject(doc)) return bad('(document)', 'a JSON object');
  const flat: Record<string, unknown> = {};
  const walk = (o: Record<string, unknown>, prefix: string): string | undefined => {
    for (const [k, v] of Object.entries(o)) {
      const path = prefix === '' ? k : `${prefix}.${k}`;
      if (isObject(v) && !Object.prototype.hasOwnProperty.call(CONFIG_FIELDS, path)) {
        const e = walk(v, path);
        if (e !== undefined) return e;
      } else {
        flat[path] = v;
      }
    }
    return undefined;
  };
  walk(doc, '');
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [path, v] of Object.entries(flat)) {
    if (!Object.prototype.hasOwnProperty.call(CONFIG_FIELDS, path)) return bad(path, 'not a configuration field');
    const e = check(path as ConfigKey, v);
    if (e !== undefined) return bad(path, e);
    config[path] = v;
  }
  const c = config as StationConfig;
  if (c.role === 'reflow' && c.maxSlots !== 0) return bad('maxSlots', 'must be 0 for a reflow station (it has no feeder slots)');
  if (c.role !== 'reflow' && c.maxSlots === 0) return bad('maxSlots', 'must be at least 1 for a placement station or feeder cart');
  const prefixes: ConfigKey[] = ['scan.badgePrefix', 'scan.commandPrefix', 'scan.boardPrefix', 'scan.programPrefix'];
  for (const a of prefixes) {
    for (const b of prefixes) {
      if (a !== b && (c[a] as string).startsWith(c[b] as string)) return bad(a, `must not start with ${b} (${String(c[b])}): a scan could not be told apart`);
    }
  }
  return { ok: true, config: c };
}

/** The document in nested form (what `warden station config` prints and what parseConfig reads back). */
export function configDocument(c: StationConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) {
    const parts = k.split('.');
    let o = out;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts[parts.length - 1]!] = c[k];
  }
  return out;
}

/** One row per field, for the generated documentation and `warden station config --explain`. */
export function configTable(): readonly { readonly field: string; readonly range: string; readonly def: string; readonly doc: string }[] {
  return KEYS.map((k) => {
    const s: FieldSpec = CONFIG_FIELDS[k];
    const range =
      s.kind === 'int' ? `${s.min}..${s.max}${s.unit === undefined ? '' : ` ${s.unit}`}` : s.kind === 'bool' ? 'true/false' : s.kind === 'choice' ? s.values.join(' / ') : `text ≤ ${s.max}`;
    return { field: k, range, def: JSON.stringify(s.def), doc: s.doc };
  });
}
