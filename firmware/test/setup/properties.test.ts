// Invariants of setup verification under random work orders and random operator/host event sequences:
// no unapproved MPN is ever approved, no reel is on two slots, the permit is never on with a slot unverified,
// rescans are idempotent, and the step function never throws.
import fc from 'fast-check';
import { REASONS } from '../../../protocol/src/reasons';
import type { LabelResult, ReelLabel } from '../../core/label/types';
import { createSetup, heldReel, makerMatches, normMpn, permit, reelIndexKey, step } from '../../core/setup';
import type { MsdStatus, ReelRecordBody, SetupEnv, SetupEvent, SetupState, Slot, WorkOrder } from '../../core/setup';
import { config, order, T0 } from './helpers';

const MPNS = ['CL21A475KAQNNNE', 'GRM21BR61C475KA88L', '885012207041', 'LTST-C191KGKT', 'MCP2515-I/SO', 'ABC-1x', 'ABC-1X', '2N7002'];
const MAKERS = ['Samsung Electro-Mechanics', 'Murata', 'Würth Elektronik', 'Lite-On', 'Microchip Technology', 'onsemi', 'Diodes Inc'];
const POSITIONS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6'];
const FORMATS = ['eigp114-digikey', 'eigp114-mouser', 'eigp114-manufacturer', 'tme-qr', 'tme-datamatrix', 'lcsc-qr', 'warden-reel', 'mfr-liteon-semicolon'];
const REEL_IDS = ['R1', 'R2', 'R3', 'R4'];

/** An MPN as a label might carry it: stray case, surrounding blanks. */
const scannedMpn = fc
  .tuple(fc.constantFrom(...MPNS, 'CL21A475KAQNNN', 'XYZ'), fc.constantFrom('same', 'lower', 'upper', 'padded'))
  .map(([m, how]) => (how === 'lower' ? m.toLowerCase() : how === 'upper' ? m.toUpperCase() : how === 'padded' ? ` ${m} ` : m));

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const labelArb: fc.Arbitrary<ReelLabel> = fc
  .record({
    format: fc.constantFrom(...FORMATS),
    mpn: fc.option(scannedMpn, { nil: undefined, freq: 10 }),
    qty: fc.constantFrom(5000, 5000, 5000, 100, 5, 0, undefined),
    lot: opt(fc.constantFrom('L1', 'L2', 'l1')),
    reelId: fc.option(fc.constantFrom(...REEL_IDS), { nil: undefined, freq: 2 }),
    manufacturer: fc.option(fc.constantFrom(...MAKERS, 'Vishay', 'MURATA MANUFACTURING CO., LTD.'), { nil: undefined, freq: 2 }),
    expiryDate: fc.constantFrom(undefined, undefined, undefined, undefined, undefined, undefined, '20261201', '20200101', '31/12/27'),
    salesOrder: opt(fc.constantFrom('SO1', 'SO2')),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as ReelLabel);

/**
 * A reel label to scan. Most take their MPN (and often the maker) from a part the active work order approves
 * somewhere, so that approvals, wrong slots and duplicates are all common; the rest are arbitrary.
 */
interface ScanSpec {
  readonly result: LabelResult;
  readonly fromOrder: boolean;
  /** In a pair, take the part from the paired slot's own AVL. */
  readonly forSlot: boolean;
  readonly pick: number;
  readonly avlMaker: boolean;
  readonly spelling: 'same' | 'lower' | 'padded';
}

const scanSpecArb: fc.Arbitrary<ScanSpec> = fc.record({
  result: fc.oneof(
    { weight: 12, arbitrary: labelArb.map((label) => ({ ok: true as const, label })) },
    { weight: 1, arbitrary: fc.constantFrom<LabelResult>({ ok: false, reason: 'SCAN_UNREADABLE', message: 'x' }, { ok: false, reason: 'NOT_A_REEL_LABEL', message: 'packing slip' }) },
  ),
  fromOrder: fc.constantFrom(true, true, true, false),
  forSlot: fc.constantFrom(true, true, true, false),
  pick: fc.nat({ max: 30 }),
  avlMaker: fc.constantFrom(true, true, false),
  spelling: fc.constantFrom('same' as const, 'lower' as const, 'padded' as const),
});

function resolve(spec: ScanSpec, s: SetupState, position?: string): LabelResult {
  const wo = s.order?.order;
  if (!spec.result.ok || !spec.fromOrder || wo === undefined) return spec.result;
  const own = wo.slots.find((x) => x.position === position);
  const parts = spec.forSlot && own !== undefined ? own.approvedParts : wo.slots.flatMap((x) => x.approvedParts);
  const p = parts[spec.pick % parts.length]!;
  const m = p.manufacturerPartNumber;
  const mpn = spec.spelling === 'lower' ? m.toLowerCase() : spec.spelling === 'padded' ? ` ${m} ` : m;
  return { ok: true, label: { ...spec.result.label, mpn, ...(spec.avlMaker ? { manufacturer: p.manufacturer } : {}) } };
}

const slotArb = (position: string): fc.Arbitrary<Slot> =>
  fc.record({
    position: fc.constant(position),
    bomLine: fc.constantFrom('10', '20'),
    internalPartNumber: fc.constantFrom('IPN-1', 'IPN-2'),
    msd: fc.boolean(),
    thicknessClass: fc.constant('unknown' as const),
    approvedParts: fc.array(
      fc.record({
        // Common passives recur across slots, as on real boards.
        manufacturerPartNumber: fc.constantFrom(MPNS[0]!, MPNS[0]!, MPNS[2]!, MPNS[2]!, ...MPNS),
        manufacturer: fc.constantFrom(...MAKERS),
        permission: fc.constantFrom('primary' as const, 'primary' as const, 'alternate' as const, 'alternate-with-approval' as const),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });

const orderArb = (id: string): fc.Arbitrary<WorkOrder> =>
  fc
    .integer({ min: 1, max: POSITIONS.length })
    .chain((n) => fc.tuple(...POSITIONS.slice(0, n).map(slotArb)))
    .chain((slots) => fc.constantFrom('A', 'B', 'C').map((rev) => order(slots, id, rev)));

const recordArb: fc.Arbitrary<ReelRecordBody> = fc.record({
  uniqueIdentifier: fc.constantFrom(...REEL_IDS),
  internalPartNumber: fc.constant('IPN-1'),
  manufacturerPartNumber: fc.constantFrom(...MPNS, '', '', '', ''),
  manufacturer: fc.constantFrom(...MAKERS, ''),
  manufacturerLotCode: fc.constantFrom('L1', 'L2', ''),
  quantity: fc.constantFrom(0, 100, 5000),
  thicknessClass: fc.constant('unknown' as const),
  expiryDate: opt(fc.constantFrom(T0 / 1000 - 1, T0 / 1000 + 86_400 * 30)),
}).map(({ expiryDate, ...r }) => (expiryDate === undefined ? r : { ...r, expiryDate }));

/** A slot position: mostly a slot of the active order (by index, resolved when played), some raw strings. */
type Pos = number | string;
const position: fc.Arbitrary<Pos> = fc.oneof(
  { weight: 8, arbitrary: fc.nat({ max: 11 }) },
  // Negative: a slot that holds a reel, if there is one, so splices, moves and unloads meet loaded slots.
  { weight: 4, arbitrary: fc.integer({ min: -12, max: -1 }) },
  { weight: 1, arbitrary: fc.constantFrom('p2 ', 'P6') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

function at(p: Pos, s: SetupState): string {
  if (typeof p === 'string') return p;
  const slots = s.order?.order.slots ?? [];
  if (slots.length === 0) return 'P1';
  const loaded = [...s.held.values()].sort();
  if (p < 0 && loaded.length > 0) return slots[loaded[-p % loaded.length]!]!.position;
  return slots[Math.abs(p) % slots.length]!.position;
}

/** An event as generated: positions and scans are resolved against the state when played. */
type GenEvent =
  | Exclude<SetupEvent, { kind: 'scan-reel' | 'splice' | 'scan-slot' | 'unload' | 'feeder-moved' | 'override' }>
  | { readonly kind: 'scan-slot'; readonly position: Pos }
  | { readonly kind: 'scan-reel'; readonly spec: ScanSpec }
  /** A reel already on a slot scanned into a slot again (the same reel, or a second reel of the same identity). */
  | { readonly kind: 'rescan-held'; readonly pick: number; readonly position: Pos; readonly format: string }
  /** A slot scan and a reel scan in a row, in either order. */
  | { readonly kind: 'pair'; readonly position: Pos; readonly spec: ScanSpec; readonly reelFirst: boolean }
  | { readonly kind: 'unload'; readonly position: Pos }
  | { readonly kind: 'feeder-moved'; readonly from: Pos; readonly to: Pos }
  | { readonly kind: 'splice'; readonly position: Pos; readonly spec: ScanSpec }
  | { readonly kind: 'override'; readonly position: Pos; readonly expiresAt: number };

const eventArb: fc.Arbitrary<GenEvent> = fc.oneof(
  { weight: 3, arbitrary: position.map((p) => ({ kind: 'scan-slot' as const, position: p })) },
  { weight: 3, arbitrary: scanSpecArb.map((spec) => ({ kind: 'scan-reel' as const, spec })) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('pair' as const), position, spec: scanSpecArb, reelFirst: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('rescan-held' as const), pick: fc.nat({ max: 11 }), position, format: fc.constantFrom(...FORMATS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unload' as const), position }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('feeder-moved' as const),
      from: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -12, max: -1 }) }, { weight: 1, arbitrary: position }),
      to: position,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('splice' as const), position, spec: scanSpecArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('override' as const), position, expiresAt: fc.constantFrom(T0 + 60_000, T0 + 3_600_000) }) },
  { weight: 2, arbitrary: recordArb.map((record) => ({ kind: 'reel-record' as const, record })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: orderArb('WO-1').map((o) => ({ kind: 'work-order' as const, order: o })) },
  { weight: 1, arbitrary: fc.oneof(orderArb('WO-2').map((o) => ({ kind: 'work-order' as const, order: o })), fc.constant({ kind: 'clear-work-order' as const })) },
);

function realise(e: GenEvent, s: SetupState): SetupEvent[] {
  switch (e.kind) {
    case 'scan-slot':
      return [{ kind: 'scan-slot', position: at(e.position, s) }];
    case 'scan-reel':
      return [{ kind: 'scan-reel', scan: resolve(e.spec, s) }];
    case 'pair': {
      const position = at(e.position, s);
      const slotScan: SetupEvent = { kind: 'scan-slot', position };
      const reelScan: SetupEvent = { kind: 'scan-reel', scan: resolve(e.spec, s, position) };
      return e.reelFirst ? [reelScan, slotScan] : [slotScan, reelScan];
    }
    case 'rescan-held': {
      const loaded = s.slots.map(heldReel).filter((r) => r !== undefined);
      if (loaded.length === 0) return [];
      const f = loaded[e.pick % loaded.length]!.facts;
      const label: ReelLabel = { format: e.format, reelId: f.key, mpn: f.mpn, ...(f.lot === undefined ? {} : { lot: f.lot }), ...(f.labelManufacturer === undefined ? {} : { manufacturer: f.labelManufacturer }) };
      // Mostly into another slot that takes the same part, where only the duplicate check can refuse it.
      const holder = s.held.get(reelIndexKey(f.key));
      const same = (s.order?.order.slots ?? []).filter((x, i) => i !== holder && x.approvedParts.some((p) => normMpn(p.manufacturerPartNumber) === normMpn(f.mpn)));
      const target = same.length > 0 && e.pick % 4 !== 0 ? same[e.pick % same.length]!.position : at(e.position, s);
      return [{ kind: 'scan-slot', position: target }, { kind: 'scan-reel', scan: { ok: true, label } }];
    }
    case 'unload':
      return [{ kind: 'unload', position: at(e.position, s) }];
    case 'feeder-moved':
      return [{ kind: 'feeder-moved', from: at(e.from, s), to: at(e.to, s) }];
    case 'splice': {
      const position = at(e.position, s);
      return [{ kind: 'splice', position, scan: resolve(e.spec, s, position) }];
    }
    case 'override':
      return [{ kind: 'override', position: at(e.position, s), expiresAt: e.expiresAt }];
    default:
      return [e];
  }
}

/** The MSL engine's answer depends only on the reel, so rescans see the same status. */
const MSD: readonly MsdStatus[] = [
  { state: 'exposed', reasons: [] },
  { state: 'expired', reasons: ['MSD_EXPIRED'] },
  { state: 'sealed', reasons: [] },
  { state: 'paused', reasons: [] },
  { state: 'exposed', reasons: [] },
];
const env: SetupEnv = { msdStatus: (reel) => MSD[reel.key.charCodeAt(reel.key.length - 1) % MSD.length] };

const scenario = fc.record({
  first: orderArb('WO-1'),
  /** Start with every slot loaded with a reel of its own AVL, so splices, moves and unloads meet running slots. */
  preload: fc.boolean(),
  events: fc.array(
    fc.tuple(eventArb, fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 5000 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 60_000 }) })),
    { minLength: 4, maxLength: 40, size: 'medium' },
  ),
  primaryOnly: fc.constantFrom(false, false, false, true),
  requireHostRecord: fc.constantFrom(false, false, false, false, false, true),
  minQuantity: fc.constantFrom(0, 50),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer S> ? S : never;
type Step = ReturnType<typeof step>;

function must(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}

/** Runs a scenario, calling `each` after every step. */
function play(sc: Scenario, each: (s: SetupState, now: number, e: SetupEvent, r: Step) => void): { state: SetupState; now: number } {
  let s = createSetup(config({ primaryOnly: sc.primaryOnly, requireHostRecord: sc.requireHostRecord, minQuantity: sc.minQuantity }));
  let now = T0;
  const run = (ev: SetupEvent) => {
    const r = step(s, ev, now, env);
    each(r.state, now, ev, r);
    s = r.state;
  };
  run({ kind: 'work-order', order: sc.first });
  if (sc.preload) {
    sc.first.slots.forEach((x, i) => {
      const p = x.approvedParts.find((a) => a.permission === 'primary') ?? x.approvedParts[0]!;
      const r = { uniqueIdentifier: `PRE-${i}`, internalPartNumber: 'IPN-1', manufacturerPartNumber: p.manufacturerPartNumber, manufacturer: p.manufacturer, manufacturerLotCode: '', quantity: 5000, thicknessClass: 'unknown' as const };
      run({ kind: 'reel-record', record: r });
      run({ kind: 'scan-slot', position: x.position });
      run({ kind: 'scan-reel', scan: { ok: true, label: { format: 'warden-reel', reelId: `PRE-${i}`, mpn: p.manufacturerPartNumber, manufacturer: p.manufacturer, qty: 5000 } } });
    });
  }
  for (const [e, dt] of sc.events) {
    now += dt;
    for (const ev of realise(e, s)) run(ev);
  }
  return { state: s, now };
}

/** The MPN a verified slot holds is one of the slot's approved parts, spelled exactly where case matters. */
function approvedHere(s: SetupState, i: number): boolean {
  const st = s.slots[i]!;
  if (st.status !== 'verified') return true;
  const slot = s.order!.order.slots[i]!;
  const reel = st.reel.facts;
  const spellings = new Set(s.order!.order.slots.flatMap((x) => x.approvedParts.map((p) => p.manufacturerPartNumber)).filter((m) => normMpn(m) === normMpn(reel.mpn)));
  const entries = slot.approvedParts.filter((p) => (spellings.size > 1 ? p.manufacturerPartNumber === reel.mpn : normMpn(p.manufacturerPartNumber) === normMpn(reel.mpn)));
  if (entries.length === 0) return false;
  const makers = [reel.labelManufacturer, reel.hostManufacturer].filter((m): m is string => m !== undefined);
  return makers.every((m) => entries.some((p) => makerMatches(p.manufacturer, m)));
}

describe('setup verification invariants', () => {
  it('a reel whose MPN (or maker) is not approved for the slot is never approved, in any scan order or sequence', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        play(sc, (s, _now, e, r) => {
          if (s.order === undefined) return;
          s.slots.forEach((_, i) => must(approvedHere(s, i), `slot ${i} holds an unapproved reel after ${e.kind}`));
          if (r.verdict.ok && (r.verdict.outcome === 'verified' || r.verdict.outcome === 'spliced')) {
            const i = s.order.order.slots.findIndex((x) => x.position === r.verdict.position);
            must(s.slots[i]?.status === 'verified', 'an OK verdict left its slot unverified');
          }
        });
      }),
      { numRuns: 250 },
    );
  });

  it('no reel id is ever held on two slots, and the held index matches the slots', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        play(sc, (s, _now, e) => {
          const keys = s.slots.map(heldReel).filter((r) => r !== undefined).map((r) => r.facts.key);
          must(new Set(keys).size === keys.length, `a reel is on two slots after ${e.kind}`);
          must(s.held.size === keys.length, 'held index size');
          s.slots.forEach((st, i) => {
            const r = heldReel(st);
            if (r !== undefined) must(s.held.get(reelIndexKey(r.facts.key)) === i, 'held index points elsewhere');
          });
        });
      }),
      { numRuns: 250 },
    );
  });

  it('the permit contribution is never ok while any slot is unverified or relies on a lapsed override', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 7_200_000 }), (sc, later) => {
        play(sc, (s, now) => {
          for (const t of [now, now + later]) {
            const p = permit(s, t);
            const allGood =
              s.order !== undefined &&
              s.slots.length === s.order.order.slots.length &&
              s.slots.every((st) => st.status === 'verified' && (st.reel.overrideUntil === undefined || t < st.reel.overrideUntil));
            must(p.ok === allGood, `permit ${p.ok} with slots ${s.slots.map((x) => x.status).join(',')}`);
            must(p.ok === (p.reasons.length === 0), 'permit ok iff no reasons');
            must(p.slotsVerified + p.blocked.length === (s.order?.order.slots.length ?? 0), 'every slot counted once');
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('verification is idempotent: the same reel scanned into the same slot again gives the same verdict and no change', () => {
    fc.assert(
      fc.property(scenario, position, scanSpecArb, fc.boolean(), (sc, p, spec, reelFirst) => {
        const { state, now } = play(sc, () => undefined);
        const pos = at(p, state);
        const scan = resolve(spec, state, pos);
        const pairOnce = (s: SetupState, t: number) => {
          const events: SetupEvent[] = reelFirst
            ? [{ kind: 'scan-reel', scan }, { kind: 'scan-slot', position: pos }]
            : [{ kind: 'scan-slot', position: pos }, { kind: 'scan-reel', scan }];
          const a = step(s, events[0]!, t, env);
          return step(a.state, events[1]!, t + 1000, env);
        };
        const first = pairOnce({ ...state, pending: undefined }, now);
        const again = pairOnce(first.state, now);
        const pick = (v: Step['verdict']) => ({ ok: v.ok, reason: v.reason, position: v.position, reelKey: v.reelKey, permission: v.ok ? v.permission : undefined });
        expect(pick(again.verdict)).toEqual(pick(first.verdict));
        expect(again.state.slots).toEqual(first.state.slots);
        expect(again.state.held).toEqual(first.state.held);
        expect(again.state.generation).toBe(first.state.generation);
        expect(again.effects).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a splice scanned twice gives the same verdict the second time and changes nothing more', () => {
    fc.assert(
      fc.property(scenario, position, scanSpecArb, (sc, p, spec) => {
        const { state, now } = play({ ...sc, preload: true }, () => undefined);
        const pos = at(p, state);
        const ev: SetupEvent = { kind: 'splice', position: pos, scan: resolve(spec, state, pos) };
        const first = step(state, ev, now, env);
        const again = step(first.state, ev, now + 1000, env);
        if (first.verdict.reason === 'SLOT_NOT_VERIFIED' || first.verdict.reason === 'NO_WORK_ORDER') return;
        expect({ reason: again.verdict.reason, reelKey: again.verdict.reelKey }).toEqual({ reason: first.verdict.reason, reelKey: first.verdict.reelKey });
        expect(again.state.slots).toEqual(first.state.slots);
        expect(again.effects).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('step never throws and every answer carries a defined reason name, for any event sequence', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        play(sc, (_s, _now, e, r) => {
          must(Object.prototype.hasOwnProperty.call(REASONS, r.verdict.reason), `${e.kind}: unknown reason ${r.verdict.reason}`);
          must(r.verdict.ok === (r.verdict.reason === 'OK'), 'ok iff OK');
          must(r.verdict.changed || r.effects.length === 0, 'effects without a change');
          must(r.verdict.reason !== 'INTERNAL_ERROR', `${e.kind}: ${r.verdict.detail}`);
        });
      }),
      { numRuns: 200 },
    );
  });
});
