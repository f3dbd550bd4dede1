// Work-order transfer: a work order (up to hundreds of slots) does not fit one frame, so the host sends
// Begin · Chunk × n · Commit, and the station applies it only at a Commit that matches what arrived. Until
// then the old work order stays active: a cut link or a lost chunk never leaves a half-loaded order. The
// commit's digest covers the Begin, the optional Terms and every chunk, and transfer ids only grow within a
// session, so the Begin of one order can never be committed with the slots of another. An order with no slots is
// refused (ClearWorkOrder ends a work order), except by a station that holds no slots at all (a reflow oven,
// whose order is its program): there setup has no share of the permit to satisfy.
import { crc32Update } from './crc32';
import { encodePayload } from './frame';
import { sameBytes } from './judge';
import type { Infer } from './fields';
import type { Message, MessageBody, SlotRequirement } from './messages';
import type { ReasonName } from './reasons';

export type Slot = Infer<typeof SlotRequirement>;
type BeginBody = MessageBody<'WorkOrderBegin'>;
/** The optional WorkOrderTerms of a transfer (planned quantity, prototype flag), without its transfer id. */
export type OrderTermsBody = Omit<MessageBody<'WorkOrderTerms'>, 'transferId'>;
/** A work order as the station holds it. */
export interface WorkOrder {
  readonly header: Omit<BeginBody, 'transferId' | 'slotCount' | 'chunkCount'>;
  readonly slots: readonly Slot[];
  /** Sent as WorkOrderTerms inside the transfer (1.1), covered by the commit digest. */
  readonly terms?: OrderTermsBody;
}

const MAX_SLOTS_PER_CHUNK = 32;

/** A prototype order is a run of 1 to 5 boards (the "quick assign" scope), held there by its maxBoards. */
export const PROTOTYPE_MAX_BOARDS = 5;

/**
 * Why these terms cannot be a prototype order, or undefined when they can (or are not flagged prototype).
 * Quick assign takes reels without a host record, so it is granted only to a run the station itself stops after
 * at most 5 boards: maxBoards 1..5, and a planned quantity (if stated) of no more than 5. Station and host both
 * ask this, so a host never sends what a station refuses (PROTOTYPE_QUANTITY_INVALID).
 */
export function prototypeTermsProblem(t: OrderTermsBody): { readonly field: 'maxBoards' | 'plannedQuantity'; readonly detail: string } | undefined {
  if (!t.prototype) return undefined;
  if (t.maxBoards < 1 || t.maxBoards > PROTOTYPE_MAX_BOARDS) {
    const given = t.maxBoards === 0 ? 'no board limit (maxBoards 0)' : `maxBoards ${t.maxBoards}`;
    return { field: 'maxBoards', detail: `a prototype order is 1 to ${PROTOTYPE_MAX_BOARDS} boards, and this one has ${given}: set maxBoards 1..${PROTOTYPE_MAX_BOARDS}, or send it as a normal order` };
  }
  if (t.plannedQuantity > PROTOTYPE_MAX_BOARDS) {
    return { field: 'plannedQuantity', detail: `a prototype order is 1 to ${PROTOTYPE_MAX_BOARDS} boards, and this one plans ${t.plannedQuantity}: send it as a normal order` };
  }
  return undefined;
}

/** The commit digest: CRC-32 of the Begin payload, the Terms payload if sent, then each chunk payload in chunk order. */
function digestOf(begin: Uint8Array, terms: Uint8Array | undefined, chunks: readonly (Uint8Array | undefined)[]): number {
  let digest = crc32Update(0, begin, 0, begin.length);
  if (terms !== undefined) digest = crc32Update(digest, terms, 0, terms.length);
  for (const p of chunks) if (p !== undefined) digest = crc32Update(digest, p, 0, p.length);
  return digest;
}

/**
 * Splits a work order into the messages that transfer it, packing as many slots per chunk as fit a frame.
 * The host session (`HostSession.sendWorkOrder`) picks a fresh transfer id for each order.
 */
export function chunkWorkOrder(
  order: WorkOrder,
  transferId: number,
  opts: { readonly slotless?: boolean } = {},
): { ok: true; messages: Message[] } | { ok: false; reason: ReasonName; detail: string } {
  // Only a station that holds no slots at all (a reflow oven) takes an order without slots: its program alone.
  if (order.slots.length === 0 && opts.slotless !== true) {
    return { ok: false, reason: 'TRANSFER_EMPTY', detail: 'a work order needs at least one slot; send ClearWorkOrder to end one' };
  }
  if (!Number.isInteger(transferId) || transferId < 1 || transferId > 0xffff) {
    return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `transfer id ${String(transferId)} is not 1..65535` };
  }
  const chunks: Slot[][] = [];
  let current: Slot[] = [];
  for (const slot of order.slots) {
    const trial = [...current, slot];
    const fits =
      trial.length <= MAX_SLOTS_PER_CHUNK &&
      encodePayload({ type: 'WorkOrderChunk', body: { transferId, chunkIndex: chunks.length, slots: trial } }).ok;
    if (fits) {
      current = trial;
    } else if (current.length === 0) {
      const single = encodePayload({ type: 'WorkOrderChunk', body: { transferId, chunkIndex: 0, slots: [slot] } });
      return { ok: false, reason: single.ok ? 'LIMIT_EXCEEDED' : single.reason, detail: single.ok ? 'slot does not fit' : single.detail };
    } else {
      chunks.push(current);
      current = [slot];
    }
  }
  if (current.length > 0) chunks.push(current);
  const messages: Message[] = [
    {
      type: 'WorkOrderBegin',
      body: { ...order.header, transferId, slotCount: order.slots.length, chunkCount: chunks.length },
    },
  ];
  const begin = encodePayload(messages[0]!);
  if (!begin.ok) return begin;
  let termsPayload: Uint8Array | undefined;
  if (order.terms !== undefined) {
    const t: Message = { type: 'WorkOrderTerms', body: { transferId, ...order.terms } };
    const p = encodePayload(t);
    if (!p.ok) return p;
    termsPayload = p.payload;
    messages.push(t);
  }
  const payloads: Uint8Array[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const m: Message = { type: 'WorkOrderChunk', body: { transferId, chunkIndex: i, slots: chunks[i]! } };
    const p = encodePayload(m);
    if (!p.ok) return p;
    payloads.push(p.payload);
    messages.push(m);
  }
  messages.push({
    type: 'WorkOrderCommit',
    body: { transferId, slotCount: order.slots.length, chunkCount: chunks.length, digest: digestOf(begin.payload, termsPayload, payloads) },
  });
  return { ok: true, messages };
}

export type AssemblyResult =
  | { readonly ok: true; readonly committed?: WorkOrder }
  | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/**
 * The station side: collects one transfer at a time, bounded by the station's slot limit. One assembler lives
 * as long as one session (the station session makes a new one at each handshake): its transfer ids only grow.
 */
export class WorkOrderAssembler {
  private begin: BeginBody | undefined;
  private beginPayload: Uint8Array | undefined;
  private terms: OrderTermsBody | undefined;
  private termsPayload: Uint8Array | undefined;
  private chunks: (Uint8Array | undefined)[] = [];
  private slots: (Slot[] | undefined)[] = [];
  /** Highest transfer id begun in this session (0: none). */
  private lastTransferId = 0;

  constructor(private readonly maxSlots: number) {}

  /** Takes one transfer message; other types are not this class's business. */
  accept(m: Message): AssemblyResult {
    switch (m.type) {
      case 'WorkOrderBegin':
        return this.onBegin(m.body);
      case 'WorkOrderChunk':
        return this.onChunk(m.body);
      case 'WorkOrderTerms':
        return this.onTerms(m.body);
      case 'WorkOrderCommit':
        return this.onCommit(m.body);
      default:
        return { ok: false, reason: 'UNEXPECTED_MESSAGE', detail: `${m.type} is not part of a work-order transfer` };
    }
  }

  private onBegin(b: BeginBody): AssemblyResult {
    const p = encodePayload({ type: 'WorkOrderBegin', body: b });
    if (!p.ok) return p;
    if (b.transferId <= this.lastTransferId) {
      // The Begin of the transfer in progress, repeated byte for byte, is a harmless retransmission.
      if (this.beginPayload !== undefined && sameBytes(this.beginPayload, p.payload)) return { ok: true };
      return { ok: false, reason: 'TRANSFER_ID_REUSED', detail: `transfer id ${b.transferId}, this session has used up to ${this.lastTransferId}` };
    }
    // A station that holds no slots (a reflow oven) takes orders with none; every other station refuses them.
    if (b.slotCount === 0 && this.maxSlots > 0) {
      return { ok: false, reason: 'TRANSFER_EMPTY', detail: 'a work order needs at least one slot; ClearWorkOrder ends one' };
    }
    if (b.slotCount > this.maxSlots) {
      return { ok: false, reason: 'LIMIT_EXCEEDED', detail: `${b.slotCount} slots, this station holds ${this.maxSlots}` };
    }
    if (b.slotCount === 0 ? b.chunkCount !== 0 : b.chunkCount === 0 || b.chunkCount > b.slotCount) {
      return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `${b.chunkCount} chunks for ${b.slotCount} slots` };
    }
    // A new Begin abandons any transfer in progress; the active work order is untouched.
    this.lastTransferId = b.transferId;
    this.begin = b;
    this.beginPayload = p.payload;
    this.terms = undefined;
    this.termsPayload = undefined;
    this.chunks = new Array<Uint8Array | undefined>(b.chunkCount).fill(undefined);
    this.slots = new Array<Slot[] | undefined>(b.chunkCount).fill(undefined);
    return { ok: true };
  }

  private onChunk(c: MessageBody<'WorkOrderChunk'>): AssemblyResult {
    const b = this.begin;
    if (b === undefined || c.transferId !== b.transferId) {
      return { ok: false, reason: 'TRANSFER_UNKNOWN', detail: `transfer ${c.transferId} was not begun` };
    }
    if (c.chunkIndex >= b.chunkCount) {
      return { ok: false, reason: 'FIELD_OUT_OF_RANGE', detail: `chunk ${c.chunkIndex} of ${b.chunkCount}` };
    }
    const p = encodePayload({ type: 'WorkOrderChunk', body: c });
    if (!p.ok) return p;
    const held = this.chunks[c.chunkIndex];
    if (held !== undefined) {
      // A retransmission of the same chunk is harmless; a different one means two senders or a bug.
      return sameBytes(held, p.payload)
        ? { ok: true }
        : { ok: false, reason: 'TRANSFER_DUPLICATE_CHUNK', detail: `chunk ${c.chunkIndex} arrived twice, different` };
    }
    const received = this.slots.reduce((n, s) => n + (s?.length ?? 0), 0);
    if (received + c.slots.length > b.slotCount) {
      return { ok: false, reason: 'TRANSFER_MISMATCH', detail: `more than the ${b.slotCount} slots announced` };
    }
    this.chunks[c.chunkIndex] = p.payload;
    this.slots[c.chunkIndex] = c.slots;
    return { ok: true };
  }

  private onTerms(t: MessageBody<'WorkOrderTerms'>): AssemblyResult {
    const b = this.begin;
    if (b === undefined || t.transferId !== b.transferId) {
      return { ok: false, reason: 'TRANSFER_UNKNOWN', detail: `transfer ${t.transferId} was not begun` };
    }
    const p = encodePayload({ type: 'WorkOrderTerms', body: t });
    if (!p.ok) return p;
    if (this.termsPayload !== undefined) {
      return sameBytes(this.termsPayload, p.payload) ? { ok: true } : { ok: false, reason: 'TRANSFER_DUPLICATE_CHUNK', detail: 'the terms arrived twice, different' };
    }
    const { transferId: _t, ...terms } = t;
    this.terms = terms;
    this.termsPayload = p.payload;
    return { ok: true };
  }

  private onCommit(c: MessageBody<'WorkOrderCommit'>): AssemblyResult {
    const b = this.begin;
    if (b === undefined || c.transferId !== b.transferId) {
      return { ok: false, reason: 'TRANSFER_UNKNOWN', detail: `transfer ${c.transferId} was not begun` };
    }
    const missing = this.chunks.findIndex((x) => x === undefined);
    if (missing >= 0) return { ok: false, reason: 'TRANSFER_INCOMPLETE', detail: `chunk ${missing} missing` };
    const slots = this.slots.flatMap((s) => s ?? []);
    const digest = digestOf(this.beginPayload!, this.termsPayload, this.chunks);
    if (c.slotCount !== b.slotCount || slots.length !== b.slotCount || c.chunkCount !== b.chunkCount || c.digest !== digest) {
      return {
        ok: false,
        reason: 'TRANSFER_MISMATCH',
        detail: `commit says ${c.slotCount} slots/${c.chunkCount} chunks/digest ${c.digest}, received ${slots.length}/${this.chunks.length}/${digest}`,
      };
    }
    const seen = new Set<string>();
    for (const s of slots) {
      if (seen.has(s.position)) return { ok: false, reason: 'TRANSFER_MISMATCH', detail: `position ${s.position} appears twice` };
      seen.add(s.position);
    }
    const { transferId: _t, slotCount: _s, chunkCount: _c, ...header } = b;
    const terms = this.terms;
    this.begin = undefined;
    this.beginPayload = undefined;
    this.terms = undefined;
    this.termsPayload = undefined;
    this.chunks = [];
    this.slots = [];
    return { ok: true, committed: terms === undefined ? { header, slots } : { header, slots, terms } };
  }
}
