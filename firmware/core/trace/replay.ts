// A station's journal replayed into board traces: for every board, the work order and BOM revision it was built
// against, the program, the operator, the reel and lot on every slot at that moment (splices resolved by their
// place in the journal), each MSD reel's floor life left, and the overrides and manual entries in force. Pure: the
// station's own where-used query, the trace exports and the simulator's invariant checker all use it.
import type { Message, MessageBody } from '../../../protocol/src/messages';
import { normLot, normMpn, normPosition } from '../setup/normalize';

export interface JournalEntry {
  readonly seq: number;
  /** Epoch ms the station journaled it. */
  readonly at: number;
  readonly message: Message;
}

export type MaterialSource = 'scanned' | 'quick-assigned' | 'manual';

export interface SlotMaterial {
  readonly position: string;
  readonly reelId: string;
  readonly mpn: string;
  readonly lot: string;
  /** The maker as the host's reel record or the manual entry names it, else as the label does ('' if none). */
  readonly manufacturer: string;
  /** The date code as on the label or the manual entry, verbatim ('' if none or not journaled: before 1.1). */
  readonly dateCode: string;
  readonly permission: MessageBody<'SlotVerified'>['permission'];
  readonly source: MaterialSource;
  readonly customerSupplied: boolean;
  /** Seq of the record from which this reel fed the slot (its SlotVerified or Splice). */
  readonly sinceSeq: number;
  /** Floor life the reel had left when the board was built (MSD reels only), seconds. */
  readonly msdRemainingS?: number;
}

export interface BoardTrace {
  readonly seq: number;
  readonly at: number;
  readonly unitId: string;
  readonly workOrder: string;
  readonly productIdentifier: string;
  readonly bomRevision: string;
  readonly recipe: { readonly name: string; readonly revision: string; readonly checksum: number } | undefined;
  /** The program the machine reported (equal to the recipe on a permitted board). */
  readonly program: { readonly name: string; readonly revision: string; readonly checksum: number } | undefined;
  readonly operator: string;
  readonly setupGeneration: number;
  readonly firstOff: boolean;
  readonly permitOn: boolean;
  readonly slots: readonly SlotMaterial[];
  /** Slots of the work order that had no verified reel when the board was built (a complete trace has none). */
  readonly missing: readonly string[];
  readonly overrides: readonly { readonly requestId: number; readonly reason: string; readonly position?: string; readonly by: string }[];
}

interface Live {
  order: MessageBody<'WorkOrderActivated'> | undefined;
  /** Bumped whenever `slots` changes, so a caller's `want` can keep its answer until the setup changes. */
  version: number;
  positions: string[];
  /** The positions normalised once per order, not once per board. */
  keys: string[];
  slots: Map<string, SlotMaterial>;
  program: BoardTrace['program'];
  operator: string;
  overrides: Map<number, { requestId: number; reason: string; position?: string; by: string; until: number }>;
  requests: Map<number, { reason: string; position?: string }>;
  reels: Map<string, ReelFacts>;
}

/** What the journal said of a reel before it fed a slot. */
interface ReelFacts {
  /** From the host's reel record or the manual entry: preferred, the master data's spelling (`AMD Xilinx`). */
  readonly manufacturer: string;
  /** From the label (ReelIdentified): a label may squash it (`AMDXILINX`); it names reels the host has no record of. */
  readonly labelManufacturer: string;
  readonly dateCode: string;
  readonly source: MaterialSource;
  readonly customerSupplied: boolean;
}

const NO_FACTS: ReelFacts = { manufacturer: '', labelManufacturer: '', dateCode: '', source: 'scanned', customerSupplied: false };

/** Records that may change the slots (every other record leaves them as they are). */
const SLOT_CHANGES = new Set(['StationBooted', 'WorkOrderActivated', 'ClearWorkOrder', 'ReelRecord', 'ManualLotEntry', 'ReelIdentified', 'QuickAssigned', 'SlotVerified', 'Splice', 'SlotUnloaded', 'SlotRejected']);

/** The positions of the active order, when the replay knows them (from the host's work-order document). */
export type OrderSlots = (order: MessageBody<'WorkOrderActivated'>) => readonly string[] | undefined;

/**
 * Replays entries in journal order and calls `board` for every BoardTrace. `orderSlots` gives each order's slot
 * positions (index i of the work order), so MSD figures land on the right slot and missing slots are named.
 */
export function replay(entries: Iterable<JournalEntry>, board: (b: BoardTrace) => void, orderSlots: OrderSlots = () => undefined): void {
  const r = replayer(orderSlots);
  for (const e of entries) {
    const b = r.push(e);
    if (b !== undefined) board(b);
  }
}

/** The same replay one entry at a time, for readers that get records as they come (the host link, a gateway). */
export interface Replayer {
  /** Takes the next entry in journal order; a BoardTrace entry gives its board. */
  push(e: JournalEntry): BoardTrace | undefined;
  /** The work order active after the entries pushed so far. */
  readonly order: MessageBody<'WorkOrderActivated'> | undefined;
}

export interface ReplayOptions {
  /**
   * Which boards to build: asked at each BoardTrace before its body is read, with the slots as they stand and
   * their version. A query that needs few boards (a recall, one board id) skips the rest cheaply.
   */
  readonly want?: (e: JournalEntry, slots: ReadonlyMap<string, SlotMaterial>, version: number) => boolean;
}

export function replayer(orderSlots: OrderSlots = () => undefined, opts: ReplayOptions = {}): Replayer {
  const s: Live = { order: undefined, version: 0, positions: [], keys: [], slots: new Map(), program: undefined, operator: '', overrides: new Map(), requests: new Map(), reels: new Map() };
  return {
    push(e) {
      let out: BoardTrace | undefined;
      const before = s.slots.size;
      if (e.message.type === 'BoardTrace' && opts.want !== undefined && !opts.want(e, s.slots, s.version)) return undefined;
      step(s, e, (b) => (out = b), orderSlots);
      if (e.message.type !== 'BoardTrace' && (s.slots.size !== before || SLOT_CHANGES.has(e.message.type))) s.version++;
      return out;
    },
    get order() {
      return s.order;
    },
  };
}

function step(s: Live, e: JournalEntry, board: (b: BoardTrace) => void, orderSlots: OrderSlots): void {
  const m = e.message;
  switch (m.type) {
    case 'StationBooted':
      // A restart forgets the program report and the login; the setup is the station's to restore.
      s.program = undefined;
      s.operator = '';
      s.overrides.clear();
      break;
    case 'WorkOrderActivated': {
      const changeover = s.order === undefined || s.order.workOrderIdentifier !== m.body.workOrderIdentifier;
      s.order = m.body;
      s.positions = [...(orderSlots(m.body) ?? [])];
      s.keys = s.positions.map(normPosition);
      if (changeover) s.slots.clear();
      break;
    }
    case 'ClearWorkOrder':
      s.order = undefined;
      s.positions = [];
      s.keys = [];
      s.slots.clear();
      break;
    case 'ReelRecord':
      s.reels.set(m.body.uniqueIdentifier, { ...(s.reels.get(m.body.uniqueIdentifier) ?? NO_FACTS), manufacturer: m.body.manufacturer });
      break;
    case 'ManualLotEntry':
      s.reels.set(m.body.uniqueIdentifier, { ...NO_FACTS, manufacturer: m.body.manufacturer, dateCode: m.body.dateCode, source: 'manual', customerSupplied: m.body.customerSupplied });
      break;
    case 'ReelIdentified': {
      // Its SlotVerified follows. Empty label fields keep what the journal said before (a manual entry's date code).
      const r = s.reels.get(m.body.uniqueIdentifier) ?? NO_FACTS;
      s.reels.set(m.body.uniqueIdentifier, { ...r, labelManufacturer: m.body.manufacturer || r.labelManufacturer, dateCode: m.body.dateCode || r.dateCode });
      break;
    }
    case 'QuickAssigned': {
      const r = s.reels.get(m.body.uniqueIdentifier) ?? NO_FACTS;
      s.reels.set(m.body.uniqueIdentifier, { ...r, source: 'quick-assigned' });
      const held = s.slots.get(normPosition(m.body.locationIdentifier));
      if (held !== undefined && held.reelId === m.body.uniqueIdentifier) s.slots.set(normPosition(m.body.locationIdentifier), { ...held, source: 'quick-assigned' });
      break;
    }
    case 'SlotVerified': {
      const r = s.reels.get(m.body.uniqueIdentifier);
      const key = normPosition(m.body.locationIdentifier);
      const prev = s.slots.get(key);
      const same = prev !== undefined && prev.reelId === m.body.uniqueIdentifier;
      s.slots.set(key, {
        position: m.body.locationIdentifier,
        reelId: m.body.uniqueIdentifier,
        mpn: m.body.manufacturerPartNumber,
        lot: m.body.manufacturerLotCode,
        manufacturer: r === undefined ? '' : r.manufacturer || r.labelManufacturer,
        dateCode: r?.dateCode ?? '',
        permission: m.body.permission,
        source: r?.source ?? 'scanned',
        customerSupplied: r?.customerSupplied ?? false,
        sinceSeq: same ? prev.sinceSeq : e.seq,
      });
      break;
    }
    case 'Splice':
      // The new reel's SlotVerified follows; from here on boards use it. A refused splice stopped the slot.
      if (m.body.result !== 'OK') s.slots.delete(normPosition(m.body.locationIdentifier));
      break;
    case 'SlotUnloaded':
    case 'SlotRejected':
      s.slots.delete(normPosition(m.body.locationIdentifier));
      break;
    case 'ProgramReport':
      s.program = { name: m.body.recipeName, revision: m.body.recipeRevision, checksum: m.body.recipeChecksum };
      break;
    case 'OperatorLogin':
      s.operator = m.body.operatorIdentifier;
      break;
    case 'OperatorLogout':
      if (s.operator === m.body.operatorIdentifier) s.operator = '';
      break;
    case 'OverrideRequest':
      s.requests.set(m.body.requestId, { reason: m.body.reason, ...(m.body.locationIdentifier === undefined ? {} : { position: m.body.locationIdentifier }) });
      break;
    case 'OverrideGrant': {
      const q = s.requests.get(m.body.requestId);
      if (m.body.granted && q !== undefined) s.overrides.set(m.body.requestId, { requestId: m.body.requestId, ...q, by: m.body.grantedBy, until: m.body.expiresAt * 1000 });
      break;
    }
    case 'OverrideExpired':
      s.overrides.delete(m.body.requestId);
      break;
    case 'BoardTrace': {
      const o = s.order;
      const msd = new Map(m.body.msdRemaining.map((x) => [x.slotIndex, x.remainingExposureTime] as const));
      const slots: SlotMaterial[] = [];
      const missing: string[] = [];
      if (s.positions.length > 0) {
        s.positions.forEach((p, i) => {
          const x = s.slots.get(s.keys[i]!);
          const left = msd.get(i);
          if (x === undefined) missing.push(p);
          else slots.push(left === undefined ? x : withMsd(x, left));
        });
      } else {
        for (const x of s.slots.values()) slots.push(x);
      }
      const at = m.body.at * 1000;
      board({
        seq: e.seq,
        at: e.at,
        unitId: m.body.unitIdentifier,
        workOrder: o?.workOrderIdentifier ?? '',
        productIdentifier: o?.productIdentifier ?? '',
        bomRevision: o?.bomRevision ?? '',
        recipe: o === undefined ? undefined : { name: o.recipeName, revision: o.recipeRevision, checksum: o.recipeChecksum },
        program: s.program,
        operator: s.operator,
        setupGeneration: m.body.setupGeneration,
        firstOff: m.body.firstOff,
        permitOn: m.body.permitOn,
        slots,
        missing,
        overrides: [...s.overrides.values()].filter((x) => at < x.until).map(({ until: _u, ...rest }) => rest),
      });
      break;
    }
    default:
      break;
  }
}

/** A slot's material with the floor life its reel had left (a literal: `{ ...x, k }` is slow on V8 per board). */
function withMsd(x: SlotMaterial, msdRemainingS: number): SlotMaterial {
  return {
    position: x.position,
    reelId: x.reelId,
    mpn: x.mpn,
    lot: x.lot,
    manufacturer: x.manufacturer,
    dateCode: x.dateCode,
    permission: x.permission,
    source: x.source,
    customerSupplied: x.customerSupplied,
    sinceSeq: x.sinceSeq,
    msdRemainingS,
  };
}

/** Boards that used a lot (the recall query), optionally of one MPN only. */
export function whereUsed(entries: Iterable<JournalEntry>, lot: string, mpn?: string, orderSlots?: OrderSlots): BoardTrace[] {
  const want = normLot(lot);
  const part = mpn === undefined ? undefined : normMpn(mpn);
  const out: BoardTrace[] = [];
  replay(entries, (b) => {
    if (b.slots.some((x) => normLot(x.lot) === want && (part === undefined || normMpn(x.mpn) === part))) out.push(b);
  }, orderSlots);
  return out;
}

/** What one board was built from (the last board of that id, if the id was reused). */
export function boardTrace(entries: Iterable<JournalEntry>, unitId: string, orderSlots?: OrderSlots): BoardTrace | undefined {
  let found: BoardTrace | undefined;
  replay(entries, (b) => {
    if (b.unitId === unitId) found = b;
  }, orderSlots);
  return found;
}

/** Whether a board's trace is complete: built under a work order, the approved program, a reel on every slot. */
export function complete(b: BoardTrace): boolean {
  return (
    b.workOrder !== '' &&
    b.missing.length === 0 &&
    b.recipe !== undefined &&
    b.program !== undefined &&
    b.program.name === b.recipe.name &&
    b.program.revision === b.recipe.revision &&
    b.program.checksum === b.recipe.checksum
  );
}
