// Power loss: what a station restores, what it re-checks, and a cut at every flash step of an input.
import { decodePayload } from '../../../protocol/src/frame';
import type { Message } from '../../../protocol/src/messages';
import { normPosition } from '../../core/setup/normalize';
import type { Rig } from './rig';
import { must, PROGRAM, rig, setUp, sync, T0 } from './rig';
import { REELS } from './scans';
import { FLASH_MODELS } from '../../platform/sim/flash';

/** Every record in the journal, in order, and whether the sequence has a gap. */
function journalOf(r: Rig): { messages: Message[]; seqs: number[] } {
  const j = r.station.journalRef!;
  const messages: Message[] = [];
  const seqs: number[] = [];
  const c = j.cursor(j.oldestSequence());
  if (!('next' in c)) throw new Error(c.detail);
  for (let it = c.next(); 'kind' in it && it.kind !== 'end'; it = c.next()) {
    if (it.kind !== 'record') throw new Error(`lost ${it.from}..${it.to}`);
    seqs.push(it.seq);
    const m = decodePayload(it.type, it.payload);
    if (!m.ok) throw new Error(m.detail);
    messages.push(m.message);
  }
  return { messages, seqs };
}

/** For each slot the station restored as verified, the journal's last slot record says that reel was verified. */
function tracesAgree(r: Rig): void {
  const { messages } = journalOf(r);
  const last = new Map<string, Message>();
  for (const m of messages) {
    const p = (m.body as { locationIdentifier?: string }).locationIdentifier;
    if (p !== undefined && ['SlotVerified', 'SlotUnloaded', 'SlotRejected', 'Splice', 'SlotLoaded'].includes(m.type)) last.set(normPosition(p), m);
  }
  const order = r.station.state.setup.order;
  r.station.state.setup.slots.forEach((s, i) => {
    if (s.status !== 'verified') return;
    const m = last.get(normPosition(order!.order.slots[i]!.position));
    expect(m?.type).toBe('SlotVerified');
    expect((m?.body as { uniqueIdentifier: string }).uniqueIdentifier).toBe(s.reel.facts.key);
  });
  const boards = messages.filter((m) => m.type === 'BoardTrace').length;
  expect(r.station.state.boards).toBe(boards);
}

describe('power loss', () => {
  it('after a reboot the relay stays off until the machine reports its program again; setup, MSD and counts are restored', () => {
    const r = rig();
    setUp(r);
    must(r.station.input({ kind: 'board', unitId: 'FO-1' }));
    must(r.station.input({ kind: 'scan', data: 'OP:3001' }));
    must(r.station.input({ kind: 'first-off', passed: true }));
    must(r.station.input({ kind: 'board', unitId: 'SN-2' }));
    const before = r.station.view();
    r.reboot({ offMs: 60_000 });
    expect(r.relay.value).toBe(0);
    expect(r.station.permitView().reasons).toEqual(['POWER_LOSS_RECOVERY', 'PROGRAM_UNKNOWN']);
    expect(r.station.view()).toMatchObject({ slotsVerified: 6, boardsRecorded: 2, msdReels: 1 });
    must(r.station.input(PROGRAM));
    expect(r.station.permitView().on).toBe(true);
    expect(r.station.view().slots.map((s) => s.state)).toEqual(before.slots.map((s) => s.state));
    expect(r.station.boot?.bootCount).toBe(2);
    tracesAgree(r);
  });

  it('an RTC that did not keep time blocks the permit and the MSD reel until the host syncs, then charges the gap', () => {
    const r = rig();
    setUp(r);
    const key = (r.station.state.setup.slots[3] as { reel: { facts: { key: string } } }).reel.facts.key;
    const consumedBefore = r.station.state.msd.get(key)!.tracker.consumed;
    r.reboot({ offMs: 6 * 3_600_000, rtc: 'untrusted' });
    must(r.station.input(PROGRAM));
    expect(r.station.permitView().reasons).toEqual(['POWER_LOSS_RECOVERY', 'CLOCK_INVALID', 'MSD_CLOCK_LOST']);
    must(sync(r, T0 + 6 * 3_600_000 + 3_600_000));
    expect(r.station.permitView().on).toBe(true);
    const consumedAfter = r.station.state.msd.get(key)!.tracker.consumed;
    // MSL 2 (one year): six hours nobody saw were charged as exposure at the rated worst case.
    expect(consumedAfter).toBeGreaterThan(consumedBefore + 6 / 8760 - 1e-9);
  });
  it('the records of the sync that sets a lost clock are stamped with the time it set; the TimeSync keeps the stamp it replaced', () => {
    const r = rig();
    setUp(r);
    r.reboot({ offMs: 600_000, rtc: 'lost' });
    const j = r.station.journalRef!;
    const from = j.nextSequence;
    const lostClock = r.station.now();
    const t = T0 + 3_600_000;
    must(sync(r, t));
    const c = j.cursor(from);
    if (!('next' in c)) throw new Error(c.detail);
    const stamps: [string, number][] = [];
    for (let it = c.next(); 'kind' in it && it.kind === 'record'; it = c.next()) {
      const m = decodePayload(it.type, it.payload);
      stamps.push([m.ok ? m.message.type : '?', it.at]);
    }
    // The sync lifts CLOCK_INVALID: its alarm and the interlock change happened at the synced time, not in 1970.
    expect(stamps.map(([type]) => type)).toEqual(expect.arrayContaining(['TimeSync', 'Alarm', 'InterlockChanged']));
    for (const [type, at] of stamps) expect([type, at]).toEqual([type, type === 'TimeSync' ? lostClock : t]);
    expect(r.station.now()).toBe(t);
  });
});

describe.each(FLASH_MODELS)('power loss during an input ($name)', (model) => {
  it('a cut at any flash step of an input loses nothing committed and never leaves a slot verified without its record', () => {
    const base = rig({ flash: model });
    setUp(base);
    must(base.station.input({ kind: 'board', unitId: 'FO-1' }));
    const start = { journal: base.journal, store: base.store, clock: base.clock };
    // The input under test: a different good reel replaces the one on B1.F.6 (unload + load + verify + checkpoint).
    const input = { kind: 'scan', data: REELS['B1.F.6'].replace('1TBI1BT7C', '1TBI1BT8D') } as const;
    const probe = rig({ from: start });
    must(probe.station.input(PROGRAM));
    must(probe.station.input({ kind: 'scan', data: 'OP:1001' }));
    const s0 = probe.power.steps;
    must(probe.station.input({ kind: 'scan', data: 'B1.F.6' }));
    must(probe.station.input(input));
    const total = probe.power.steps - s0;
    expect(total).toBeGreaterThan(10);
    for (let k = 0; k < total; k++) {
      const r = rig({ from: start, seed: k + 1 });
      must(r.station.input(PROGRAM));
      must(r.station.input({ kind: 'scan', data: 'OP:1001' }));
      r.power.cutAtStep(r.power.steps + k);
      r.station.input({ kind: 'scan', data: 'B1.F.6' });
      r.station.input(input);
      expect(r.power.powered).toBe(false);
      r.reboot();
      // One cut is never taken for damage: nothing reported lost or corrupt, every stored part decodes.
      expect(r.station.failure).toBeUndefined();
      expect(r.station.boot).toMatchObject({ journal: { lostRecords: 0, corruptRegions: 0 }, store: { reasons: [] }, lostParts: [] });
      // Fail-safe after the cut, and the journal is whole and contiguous.
      expect(r.relay.value).toBe(0);
      const { seqs } = journalOf(r);
      seqs.forEach((q, i) => i > 0 && expect(q).toBe(seqs[i - 1]! + 1));
      tracesAgree(r);
      must(r.station.input(PROGRAM));
      // Either B1.F.6 holds a verified reel the journal names, or it waits for a scan: never anything else.
      const s6 = r.station.state.setup.slots[5]!;
      expect(['verified', 'rejected', 'empty']).toContain(s6.status);
      if (s6.status === 'rejected') expect(r.station.permitView().on).toBe(false);
    }
  });
});
