// The state's parts as bytes for the state store, and back. Each part is its own store key, so a scan rewrites
// one slot (a few hundred bytes), not the whole station. Values are JSON in UTF-8 with a version; reading is
// total: a value that does not decode is reported, and the runtime treats its part as lost (fail-safe), never
// as empty-and-fine.
import { utf8Decode, utf8Encode } from '../../../protocol/src/utf8';
import { chunkWorkOrder, type Slot, type WorkOrder } from '../../../protocol/src/workorder';
import { decodePayload, encodePayload } from '../../../protocol/src/frame';
import { MESSAGES } from '../../../protocol/src/messages';
import { validateTable, type TableSet } from '../msl/table';
import { TRACKER_VERSION, type TrackerState } from '../msl/tracker';
import { indexOrder } from '../setup/order';
import { reelIndexKey } from '../setup/normalize';
import { createSetup, heldReel } from '../setup/setup';
import type { SetupState, SlotState } from '../setup/types';
import type { StationConfig } from './config';
import { setupConfigOf } from './station';
import type { Alarm, Badge, CoreState, FirstOff, MsdReel, OrderTerms } from './types';

const V = 1;

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

export function toBytes(value: unknown): Uint8Array {
  return utf8Encode(JSON.stringify({ v: V, value }));
}

function fromBytes(bytes: Uint8Array, what: string): Decoded<unknown> {
  const text = utf8Decode(bytes);
  if (text === undefined) return { ok: false, detail: `${what}: not UTF-8` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, detail: `${what}: not JSON` };
  }
  if (typeof doc !== 'object' || doc === null || (doc as { v?: unknown }).v !== V) return { ok: false, detail: `${what}: unknown format version` };
  return { ok: true, value: (doc as { value: unknown }).value };
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

// ---- the work order ----------------------------------------------------------------------------------------

export interface StoredOrder {
  readonly order: WorkOrder;
  readonly terms: OrderTerms;
  readonly digest: number;
  readonly activatedAt: number;
}

/**
 * The order as a JSON head (header, terms, digest) followed by its slots in their wire encoding (WorkOrderChunk
 * payloads, u16 length each): a 120-slot order takes about 9 KB instead of the 40 KB its JSON would.
 */
export function orderBytes(o: StoredOrder): Uint8Array | undefined {
  const chunks = chunkWorkOrder(o.order, 1, { slotless: true });
  if (!chunks.ok) return undefined;
  const payloads: Uint8Array[] = [];
  for (const m of chunks.messages) {
    if (m.type !== 'WorkOrderChunk') continue;
    const p = encodePayload(m);
    if (!p.ok) return undefined;
    payloads.push(p.payload);
  }
  const head = toBytes({ header: o.order.header, terms: o.terms, digest: o.digest, activatedAt: o.activatedAt });
  const out = new Uint8Array(4 + head.length + payloads.reduce((n, p) => n + 2 + p.length, 0));
  let at = 0;
  const u16 = (n: number) => {
    out[at++] = n & 0xff;
    out[at++] = n >>> 8;
  };
  u16(head.length & 0xffff);
  u16(head.length >>> 16);
  out.set(head, at);
  at += head.length;
  for (const p of payloads) {
    u16(p.length);
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function decodeOrder(bytes: Uint8Array): Decoded<StoredOrder> {
  const bad = { ok: false, detail: 'work order: malformed' } as const;
  if (bytes.length < 4) return bad;
  const headLen = bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24);
  if (headLen < 0 || 4 + headLen > bytes.length) return bad;
  const d = fromBytes(bytes.subarray(4, 4 + headLen), 'work order');
  if (!d.ok) return d;
  const x = d.value;
  if (!isObj(x) || !isObj(x['header']) || !isObj(x['terms']) || typeof x['digest'] !== 'number' || typeof x['activatedAt'] !== 'number') return bad;
  const slots: Slot[] = [];
  for (let at = 4 + headLen; at < bytes.length; ) {
    if (at + 2 > bytes.length) return bad;
    const len = bytes[at]! | (bytes[at + 1]! << 8);
    at += 2;
    if (at + len > bytes.length) return bad;
    const m = decodePayload(MESSAGES.WorkOrderChunk.type, bytes.subarray(at, at + len));
    if (!m.ok || m.message.type !== 'WorkOrderChunk') return bad;
    slots.push(...m.message.body.slots);
    at += len;
  }
  const header = x['header'] as unknown as WorkOrder['header'];
  return { ok: true, value: { order: { header, slots }, terms: x['terms'] as unknown as OrderTerms, digest: x['digest'] as number, activatedAt: x['activatedAt'] as number } };
}

// ---- slots -------------------------------------------------------------------------------------------------

/**
 * A part of the state and the journal sequence it is current at: journal records after that sequence are the
 * ones a power cut may have kept from it (recover.ts applies them).
 */
export interface Stamped<T> {
  readonly seq: number;
  readonly value: T;
}

export function stampedBytes(seq: number, value: unknown): Uint8Array {
  return toBytes({ seq, part: value });
}

function stamped(bytes: Uint8Array, what: string): Decoded<Stamped<unknown>> {
  const d = fromBytes(bytes, what);
  if (!d.ok) return d;
  const x = d.value;
  if (!isObj(x) || typeof x['seq'] !== 'number' || !Number.isInteger(x['seq']) || x['seq'] < 0) return { ok: false, detail: `${what}: malformed` };
  return { ok: true, value: { seq: x['seq'], value: x['part'] } };
}

export function decodeSlot(bytes: Uint8Array): Decoded<Stamped<SlotState>> {
  const d = stamped(bytes, 'slot');
  if (!d.ok) return d;
  const x = d.value.value;
  if (!isObj(x) || typeof x['status'] !== 'string') return { ok: false, detail: 'slot: malformed' };
  if (x['status'] === 'verified' && !(isObj(x['reel']) && isObj((x['reel'] as Record<string, unknown>)['facts']) && isObj((x['reel'] as Record<string, unknown>)['label']))) {
    return { ok: false, detail: 'slot: verified without a reel' };
  }
  return { ok: true, value: { seq: d.value.seq, value: x as unknown as SlotState } };
}

// ---- MSD trackers ------------------------------------------------------------------------------------------

export function decodeReel(bytes: Uint8Array): Decoded<Stamped<MsdReel>> {
  const d = stamped(bytes, 'MSD reel');
  if (!d.ok) return d;
  const x = d.value.value;
  if (!isObj(x) || typeof x['key'] !== 'string' || !isObj(x['tracker']) || (x['tracker'] as { v?: unknown }).v !== TRACKER_VERSION) {
    return { ok: false, detail: 'MSD reel: malformed, or written by another version of the MSL engine' };
  }
  return { ok: true, value: { seq: d.value.seq, value: x as unknown as MsdReel & { tracker: TrackerState } } };
}

// ---- the rest of the core ------------------------------------------------------------------------------------

/** What is kept of the core beyond slots, trackers and the order. Volatile by design: operator, overrides,
 *  program report (the machine reports it again), sensor state, pending scans and commands. */
export interface StoredCore {
  /**
   * Journal sequence up to which these fields include every record's effect (board counts, first-off, holds,
   * alarms). Written when they change, except board counts, which are written with the periodic checkpoint and
   * counted again at boot from the BoardTrace records after this sequence.
   */
  readonly journalSeq: number;
  readonly generation: number;
  readonly obsolete: readonly string[];
  readonly firstOff: FirstOff;
  readonly hold: CoreState['hold'];
  readonly boards: number;
  readonly orderBoards: number;
  readonly alarms: readonly Alarm[];
  readonly seq: CoreState['seq'];
  readonly bootCount: number;
}

export function coreOf(s: CoreState, journalSeq: number, bootCount: number): StoredCore {
  return {
    journalSeq,
    generation: s.setup.generation,
    obsolete: [...s.setup.obsolete],
    firstOff: s.firstOff,
    hold: s.hold,
    boards: s.boards,
    orderBoards: s.order?.boards ?? 0,
    alarms: s.alarms,
    seq: s.seq,
    bootCount,
  };
}

export function decodeCore(bytes: Uint8Array): Decoded<StoredCore> {
  const d = fromBytes(bytes, 'station state');
  if (!d.ok) return d;
  const x = d.value;
  const nums = ['journalSeq', 'generation', 'boards', 'orderBoards', 'bootCount'];
  if (!isObj(x) || nums.some((k) => typeof x[k] !== 'number') || !Array.isArray(x['obsolete']) || !Array.isArray(x['alarms']) || !isObj(x['firstOff']) || !isObj(x['seq'])) {
    return { ok: false, detail: 'station state: malformed' };
  }
  return { ok: true, value: x as unknown as StoredCore };
}

export function decodeBadges(bytes: Uint8Array): Decoded<ReadonlyMap<string, Badge>> {
  const d = fromBytes(bytes, 'badges');
  if (!d.ok) return d;
  if (!Array.isArray(d.value)) return { ok: false, detail: 'badges: malformed' };
  const m = new Map<string, Badge>();
  for (const e of d.value as unknown[]) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || !isObj(e[1])) return { ok: false, detail: 'badges: malformed' };
    m.set(e[0], e[1] as unknown as Badge);
  }
  return { ok: true, value: m };
}

export function badgesBytes(b: ReadonlyMap<string, Badge>): Uint8Array {
  return toBytes([...b.entries()]);
}

export function decodeTables(bytes: Uint8Array): Decoded<TableSet> {
  const d = fromBytes(bytes, 'MSL tables');
  if (!d.ok) return d;
  if (!isObj(d.value)) return { ok: false, detail: 'MSL tables: malformed' };
  const out: Record<string, unknown> = {};
  for (const k of ['thick', 'medium', 'thin']) {
    const t = d.value[k];
    if (t === undefined) continue;
    const v = validateTable(t);
    if (!v.ok) return { ok: false, detail: `MSL tables: ${k}: ${v.detail}` };
    out[k] = v.table;
  }
  return { ok: true, value: out as TableSet };
}

// ---- putting the parts together --------------------------------------------------------------------------------

/** The setup state rebuilt from its parts; slots that did not decode are refused (rescan), never trusted. */
export function restoreSetup(config: StationConfig, stored: StoredOrder | undefined, slots: readonly (SlotState | undefined)[], core: StoredCore | undefined): SetupState {
  const base = createSetup(setupConfigOf(config, stored?.terms.prototype ?? false));
  if (stored === undefined) return { ...base, generation: core?.generation ?? 0 };
  const idx = indexOrder(stored.order, base.config.maxSlots);
  if (!idx.ok) return { ...base, generation: core?.generation ?? 0 };
  const n = stored.order.slots.length;
  const restored: SlotState[] = [];
  const held = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s = slots[i] ?? LOST;
    restored.push(s);
    const r = heldReel(s);
    if (r !== undefined) held.set(reelIndexKey(r.facts.key), i);
  }
  return { ...base, order: idx.index, slots: restored, held, obsolete: new Set(core?.obsolete ?? []), generation: core?.generation ?? 0 };
}

/** A slot whose stored state is missing or unreadable: it vouches for nothing until scanned again. */
export const LOST: SlotState = { status: 'rejected', reason: 'POWER_LOSS_RECOVERY', reelKey: '', detail: 'its state was lost: scan the reel again' };
