// The checker's journal rules on hand-made evidence: a committed record missing from both the station and the
// host, a host copy that differs, a gap in either; and a whole run: the same seed gives the same line, byte for byte.
import { encodePayload } from '../../protocol/src/frame';
import { MESSAGES, type Message } from '../../protocol/src/messages';
import { Checker, type JournalImage } from '../check/invariants';
import type { CollectedRecord } from '../host/station-client';
import { simulate } from '../run';
import { loadScenario } from '../scenarios';

const booted = (n: number): Message => ({ type: 'StationBooted', body: { at: 1_800_000_000 + n, bootCount: n, softwareVersion: 'fw', clockSource: 'rtc-trusted', restoredUpTo: 0, rolledForward: 0, reasons: [] } });
const bytes = (m: Message): Uint8Array => {
  const p = encodePayload(m);
  if (!p.ok) throw new Error(p.detail);
  return p.payload;
};
const T = MESSAGES.StationBooted.type;
const onStation = (seqs: number[], change?: number): JournalImage => ({
  oldest: seqs[0] ?? 1,
  next: (seqs.at(-1) ?? 0) + 1,
  items: seqs.map((seq) => ({ kind: 'record' as const, seq, at: 0, type: T, payload: bytes(booted(seq === change ? 99 : seq)) })),
});
const atHost = (seqs: number[], change?: number): CollectedRecord[] => seqs.map((seq) => ({ stationId: 1, seq, at: 0, recordType: T, data: bytes(booted(seq === change ? 77 : seq)) }));

function checker(n: number): Checker {
  const c = new Checker({ startEpochMs: 0, clockToleranceMs: 0 });
  for (let i = 1; i <= n; i++) c.committedRecord(1, i, booted(i), 0);
  return c;
}

describe('the journal invariants', () => {
  it('hold when the host has the head and the station the rest, overlapping and equal', () => {
    const c = checker(6);
    c.journals(1, 0, onStation([3, 4, 5, 6]), atHost([1, 2, 3, 4]));
    expect(c.violations).toEqual([]);
  });

  it('a committed record on neither side is lost: committed-kept', () => {
    const c = checker(6);
    c.journals(1, 0, onStation([4, 5, 6]), atHost([1, 2]));
    expect(c.violations.map((v) => [v.invariant, v.detail])).toEqual([['committed-kept', 'record 3 (StationBooted) was committed and is neither on the station nor at the host']]);
  });

  it('a host copy that differs: host-copy-equal; a station record that differs: committed-kept', () => {
    const c = checker(4);
    c.journals(1, 0, onStation([2, 3, 4], 4), atHost([1, 2, 3], 2));
    expect(c.violations.map((v) => v.invariant).sort()).toEqual(['committed-kept', 'host-copy-equal', 'host-copy-equal']);
  });

  it('a jump in the station journal or the host copy: journal-contiguous', () => {
    const c = checker(5);
    c.journals(1, 0, onStation([2, 3, 5]), atHost([1, 3]));
    expect(c.violations.filter((v) => v.invariant === 'journal-contiguous').map((v) => v.detail)).toEqual(["the station's journal jumps from 3 to 5", "the host's copy jumps from 1 to 3"]);
  });

  it('a board journaled with the permit off: permit-respected', () => {
    const c = new Checker({ startEpochMs: 0, clockToleranceMs: 0 });
    c.committedRecord(2, 1, { type: 'BoardTrace', body: { at: 1, unitIdentifier: 'SN1', setupGeneration: 1, lane: 1, firstOff: false, permitOn: false, msdRemaining: [] } }, 0);
    expect(c.violations.map((v) => v.invariant)).toEqual(['permit-respected']);
  });
});

describe('a whole run', () => {
  it('the same seed gives the same summary, flash images and collected records; another seed does not', async () => {
    const l = loadScenario('wrong-reel', { hours: 2, stations: 3 });
    if (!l.ok) throw new Error(l.detail);
    const go = (seed: number) => simulate({ scenario: l.scenario, seed, replay: '' });
    const [a, b, c] = [await go(5), await go(5), await go(6)];
    expect(JSON.stringify(b.summary)).toBe(JSON.stringify(a.summary));
    for (let i = 0; i < a.line.floors.length; i++) {
      expect(Buffer.from(b.line.floors[i]!.station.journal.image()).equals(Buffer.from(a.line.floors[i]!.station.journal.image()))).toBe(true);
      expect(Buffer.from(b.line.floors[i]!.station.store.image()).equals(Buffer.from(a.line.floors[i]!.station.store.image()))).toBe(true);
    }
    expect(JSON.stringify([...b.line.mes.sink.records])).toBe(JSON.stringify([...a.line.mes.sink.records]));
    expect(JSON.stringify(c.summary)).not.toBe(JSON.stringify(a.summary));
  }, 120_000);
});
