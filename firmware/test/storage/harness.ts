// Test bench for the storage layer: a small flash holding a journal and a store side by side, a reference model of
// what was committed, a driver that runs operations until power dies, and the checks a reboot must pass.
import { Journal, type JournalMountReport, type JournalOptions } from '../../storage/journal';
import { StateStore, type StoreMountReport, type StoreOptions } from '../../storage/store';
import { SimFlash } from '../../platform/sim/flash';
import { forgedPayload, materialise } from './forge';

export const GEOMETRY = { sectorSize: 512, sectorCount: 8, wordSize: 4 } as const;
export const JOURNAL: JournalOptions = { firstSector: 0, sectorCount: 4, maxPayload: 64 };
export const STORE: StoreOptions = { firstSector: 4, sectorCount: 4, maxKeys: 6, maxValueBytes: 160 };

/** Where the journal and the store live on one flash; the default is the small geometry above. */
export interface Layout {
  readonly journal: JournalOptions;
  readonly store: StoreOptions;
}
export const DEFAULT_LAYOUT: Layout = { journal: JOURNAL, store: STORE };

export type Op =
  | { readonly op: 'append'; readonly type: number; readonly at: number; readonly payload: Uint8Array }
  /** Acknowledge everything but the last `keep` records returned so far. */
  | { readonly op: 'ack'; readonly keep: number }
  | { readonly op: 'set'; readonly key: number; readonly value: Uint8Array }
  | { readonly op: 'delete'; readonly key: number };

export interface Rec {
  readonly type: number;
  readonly at: number;
  readonly payload: Uint8Array;
}

/** What the caller was told: only what returned ok is committed. */
export class Model {
  readonly records = new Map<number, Rec>();
  lastSeq = 0;
  acked = 0;
  /** Highest ack ever asked for (returned or cut): an interrupted ack may take effect up to here, never beyond. */
  ackAsked = 0;
  readonly store = new Map<number, Uint8Array>();
  /** The operation power died in: it may or may not have taken effect. */
  inflight: { op: 'append'; seq: number; rec: Rec } | { op: 'ack'; upTo: number } | { op: 'set'; key: number; value: Uint8Array | undefined } | undefined;
  refused = 0;
}

export function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

export function mountBoth(
  flash: SimFlash,
  layout: Layout = DEFAULT_LAYOUT,
): { journal: Journal; store: StateStore; jr: JournalMountReport; sr: StoreMountReport } | undefined {
  const j = Journal.mount(flash, layout.journal);
  if (!j.ok) return undefined;
  const s = StateStore.mount(flash, layout.store);
  if (!s.ok) return undefined;
  return { journal: j.journal, store: s.store, jr: j.report, sr: s.report };
}

/**
 * Cuts power at every step of an operation in turn, several times each with a different seed for what the cut
 * leaves. `flash` is the state before (left untouched: each run works on a copy); `setUp` mounts what it needs on
 * a copy, uncut, and returns the operation. `check` sees the copy after the cut and a reboot, with the step the
 * cut fell on and the steps the operation takes uncut. Returns how many cuts ran.
 */
export function cutAtEveryStep(
  flash: SimFlash,
  setUp: (f: SimFlash) => () => unknown,
  check: (f: SimFlash, step: number, span: number) => void,
  seeds = 4,
): number {
  const probe = flash.clone(1);
  const run = setUp(probe);
  const before = probe.steps;
  run();
  const span = probe.steps - before;
  for (let k = 0; k < span; k++) {
    for (let seed = 1; seed <= seeds; seed++) {
      const f = flash.clone(1000 * k + seed);
      const op = setUp(f);
      f.cutAtStep(f.steps + k);
      op();
      if (f.powered) throw new Error(`the cut at step ${k} of ${span} did not fall inside the operation`);
      f.reboot();
      check(f, k, span);
    }
  }
  return span * seeds;
}

/** Runs ops against a mounted pair until they end or power dies; updates the model from what returned. */
export function drive(flash: SimFlash, journal: Journal, store: StateStore, ops: readonly Op[], m: Model): void {
  for (const o of ops) {
    if (o.op === 'append') {
      const r = journal.append(o.type, o.at, o.payload);
      if (r.ok) {
        if (r.seq !== m.lastSeq + 1) throw new Error(`append returned ${r.seq} after ${m.lastSeq}`);
        m.records.set(r.seq, { type: o.type, at: o.at, payload: o.payload });
        m.lastSeq = r.seq;
      } else if (!flash.powered) {
        m.inflight = { op: 'append', seq: m.lastSeq + 1, rec: { type: o.type, at: o.at, payload: o.payload } };
      } else if (r.reason === 'JOURNAL_FULL') {
        m.refused++;
      } else {
        throw new Error(`append failed: ${r.reason} ${r.detail}`);
      }
    } else if (o.op === 'ack') {
      const upTo = m.lastSeq - o.keep;
      if (upTo <= m.acked) continue;
      m.ackAsked = Math.max(m.ackAsked, upTo);
      const r = journal.ack(upTo);
      if (r.ok) m.acked = upTo;
      else if (!flash.powered) m.inflight = { op: 'ack', upTo };
      else throw new Error(`ack failed: ${r.reason} ${r.detail}`);
    } else {
      const value = o.op === 'set' ? o.value : undefined;
      const r = o.op === 'set' ? store.set(o.key, o.value) : store.delete(o.key);
      if (r.ok) {
        if (value === undefined) m.store.delete(o.key);
        else m.store.set(o.key, value);
      } else if (!flash.powered) {
        m.inflight = { op: 'set', key: o.key, value };
      } else {
        throw new Error(`${o.op} failed: ${r.reason} ${r.detail}`);
      }
    }
    if (!flash.powered) return;
  }
}

function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * After a reboot with no bit flips: nothing committed is lost, nothing uncommitted is half-visible, and the
 * sequence goes on without a gap or a repeat. Settles the model (the in-flight operation did or did not happen).
 * Returns a description of the first violation, or undefined.
 */
export function checkAfterCut(flash: SimFlash, m: Model, layout: Layout = DEFAULT_LAYOUT): string | undefined {
  const both = mountBoth(flash, layout);
  if (both === undefined) return 'mount failed';
  const { journal, store, jr, sr } = both;
  if (jr.corruptRegions !== 0 || jr.lostRecords !== 0) return `journal reported corruption: ${JSON.stringify(jr)}`;
  if (sr.reasons.length !== 0) return `store reported ${sr.reasons.join()}`;
  const inflight = m.inflight;
  m.inflight = undefined;

  const st = journal.status();
  // An ack cut short may have taken effect for a prefix of its records: anything between the last ack that
  // returned ok and the highest one asked for is true (the host holds those records); nothing else is.
  if (st.ackedSequence < m.acked || st.ackedSequence > Math.max(m.acked, m.ackAsked)) {
    return `acked ${st.ackedSequence}, expected ${m.acked}..${Math.max(m.acked, m.ackAsked)}`;
  }
  m.acked = st.ackedSequence;
  if (journal.oldestSequence() > m.acked + 1) return `unacknowledged records reclaimed (oldest ${journal.oldestSequence()}, acked ${m.acked})`;

  const start = m.acked + 1;
  const c = journal.cursor(start);
  if ('ok' in c) return `cursor: ${c.reason}`;
  let expect = start;
  for (;;) {
    const it = c.next();
    if ('ok' in it) return `read: ${it.reason}`;
    if (it.kind === 'end') break;
    if (it.kind === 'lost') return `lost ${it.from}..${it.to}`;
    if (it.seq !== expect) return `read seq ${it.seq}, expected ${expect}`;
    const want = m.records.get(it.seq) ?? (inflight?.op === 'append' && inflight.seq === it.seq ? inflight.rec : undefined);
    if (want === undefined) return `record ${it.seq} was never appended`;
    if (want.type !== it.type || want.at !== it.at || !same(want.payload, it.payload)) return `record ${it.seq} differs`;
    if (!m.records.has(it.seq)) {
      m.records.set(it.seq, want); // the in-flight append made it whole
      m.lastSeq = it.seq;
    }
    expect++;
  }
  if (expect !== m.lastSeq + 1) return `read up to ${expect - 1}, committed up to ${m.lastSeq}`;
  if (st.nextSequence !== m.lastSeq + 1) return `next sequence ${st.nextSequence}, expected ${m.lastSeq + 1}`;

  for (let k = 0; k < (layout.store.maxKeys ?? 0); k++) {
    const g = store.get(k);
    if (!g.ok) return `store get ${k}: ${g.reason}`;
    const old = m.store.get(k);
    if (same(g.value, old)) continue;
    if (inflight?.op === 'set' && inflight.key === k && same(g.value, inflight.value)) {
      if (inflight.value === undefined) m.store.delete(k);
      else m.store.set(k, inflight.value);
      continue;
    }
    return `store key ${k} holds neither the old nor the new value`;
  }
  return undefined;
}

/**
 * A deterministic script that wraps the journal ring several times, fills it once, and compacts the store. Every
 * fourth record's payload and every third value hold structure: a whole record numbered like the next ones, with
 * its own commit word, commit words of format 1, a region header.
 */
export function script(): Op[] {
  const ops: Op[] = [];
  const sizes = [0, 3, 17, 64, 40, 9];
  for (let i = 0; i < 78; i++) {
    const at = 1_767_225_600_000 + i * 20_000;
    const payload = i % 4 === 1 ? forgedPayload(i + 2, at, 64) : bytes(sizes[i % sizes.length]!, i);
    ops.push({ op: 'append', type: i % 5, at, payload });
    if (i % 2 === 0) {
      const value = i % 3 === 0 ? materialise([{ t: 'value', key: (i / 2 + 1) % 5, len: 8 }, { t: 'run', byte: 0, n: 8 }, { t: 'value', key: 2, len: 30 }], { nextSeq: 1, at }, 100) : bytes((i * 53) % 100, i + 1);
      ops.push({ op: 'set', key: (i / 2) % 5, value });
    }
    if (i % 11 === 5) ops.push({ op: 'delete', key: (i + 1) % 4 });
    // No acks between 18 and 52: the journal fills up and refuses appends until the host catches up.
    if (i % 6 === 0 && (i < 18 || i > 52)) ops.push({ op: 'ack', keep: 2 });
  }
  ops.push({ op: 'ack', keep: 0 });
  return ops;
}
