// The checker's journal rules on hand-made evidence: a committed record missing from both the station and the
// host, a host copy that differs, a gap in either; a station's stamps against the true time while its clock is
// valid (station-clock); and a whole run: the same seed gives the same line, byte for byte.
import fc from 'fast-check';
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

// ---- station-clock ---------------------------------------------------------------------------------------------

const E0 = Date.UTC(2026, 11, 1, 7, 0, 0);
type Source = 'none' | 'rtc-untrusted' | 'rtc-trusted';
const boot = (clockSource: Source): Message => ({ type: 'StationBooted', body: { at: 0, bootCount: 1, softwareVersion: 'fw', clockSource, restoredUpTo: 0, rolledForward: 0, reasons: [] } });
const timeSync = (ms: number): Message => ({ type: 'TimeSync', body: { utcTime: Math.floor(ms / 1000), millis: ms % 1000 } });
const reading = (n: number): Message => ({ type: 'SensorReading', body: { at: n, status: 'ok', tempC: 23, rhPct: 40, detail: '' } });

/** One journaled record: the line time it was made at (ms) and the stamp the station gave it (epoch ms). */
interface Stamped {
  readonly m: Message;
  readonly at: number;
  readonly stamp: number;
}

/**
 * The checker's verdicts on `records` (seq 1…): the host holds the first `atHost` (its stamps in whole seconds, as
 * collected), the station the rest, and the check runs at each of `checks` (a prefix length each time, ascending).
 */
function clockVerdicts(records: readonly Stamped[], o: { tol?: number; atHost?: number; checks?: readonly number[] } = {}) {
  const c = new Checker({ startEpochMs: E0, clockToleranceMs: o.tol ?? 5 });
  const atHostN = o.atHost ?? 0;
  let committed = 0;
  for (const n of [...(o.checks ?? []), records.length]) {
    for (; committed < n; committed++) c.committedRecord(1, committed + 1, records[committed]!.m, records[committed]!.at);
    const upTo = records.slice(0, n);
    const host: CollectedRecord[] = upTo.slice(0, atHostN).map((r, i) => ({ stationId: 1, seq: i + 1, at: Math.floor(r.stamp / 1000), recordType: MESSAGES[r.m.type].type, data: bytes(r.m) }));
    const image: JournalImage = {
      oldest: host.length + 1,
      next: n + 1,
      items: upTo.slice(host.length).map((r, i) => ({ kind: 'record' as const, seq: host.length + i + 1, at: r.stamp, type: MESSAGES[r.m.type].type, payload: bytes(r.m) })),
    };
    c.stamps(1, n, host, image);
  }
  return c.violations.filter((v) => v.invariant === 'station-clock');
}

const exact = (m: Message, at: number, off = 0): Stamped => ({ m, at, stamp: E0 + at + off });

describe('the station-clock invariant', () => {
  it('a trusted RTC that came back fast by a two-minute cut: the boot record and every one after it', () => {
    const run = [exact(boot('rtc-trusted'), 0), exact(reading(1), 60_000), exact(boot('rtc-trusted'), 600_000, 120_000), exact(reading(2), 660_000, 120_000)];
    expect(clockVerdicts(run).map((v) => v.detail)).toEqual([
      'record 3 (StationBooted) is stamped 2026-12-01T07:12:00Z, 120.000 s ahead of the true time 2026-12-01T07:10:00Z, with its clock valid (a trusted RTC at boot); allowed 5 ms',
      'record 4 (SensorReading) is stamped 2026-12-01T07:13:00Z, 120.000 s ahead of the true time 2026-12-01T07:11:00Z, with its clock valid (a trusted RTC at boot); allowed 5 ms',
    ]);
  });

  it('an untrusted or lost clock is not judged until a TimeSync; the TimeSync keeps the stamp it replaced', () => {
    for (const source of ['none', 'rtc-untrusted'] as const) {
      const run = [exact(boot(source), 0, -E0), exact(reading(1), 5_000, 300_000), exact(timeSync(E0 + 6_000), 6_000, -E0 + 12), exact(reading(2), 7_000, 3), exact(reading(3), 8_000, -2_000)];
      expect(clockVerdicts(run).map((v) => [v.detail.slice(0, 27), v.station])).toEqual([['record 5 (SensorReading) is', 1]]);
    }
  });

  it('a valid clock stepped by more than the tolerance: the TimeSync record shows the step', () => {
    const run = [exact(boot('rtc-trusted'), 0), exact(timeSync(E0 + 600_000), 600_000, 4_000), exact(reading(1), 601_000)];
    expect(clockVerdicts(run).map((v) => v.detail)).toEqual([expect.stringMatching(/^record 2 \(TimeSync\) is stamped \S+, 4\.000 s ahead/)]);
  });

  it("the host's stamps are whole seconds: up to a second below the clock is its rounding, not a fault", () => {
    const run = [exact(boot('rtc-trusted'), 0), exact(reading(1), 1_999), exact(reading(2), 2_500, 3), exact(reading(3), 3_000, -4)];
    expect(clockVerdicts(run, { atHost: 4 })).toEqual([]);
    expect(clockVerdicts([...run, exact(reading(4), 5_000, 1_006)], { atHost: 5 }).map((v) => v.detail.slice(0, 26))).toEqual(['record 5 (SensorReading) i']);
  });

  // Journals of boots (each clock source), syncs and readings: every record valid by the journal is stamped within
  // the tolerance, the others anywhere. Nothing is flagged, however the records split between the host and the
  // station and however many checks see them; moving one valid record past the tolerance flags that one alone.
  const arbJournal = fc
    .array(fc.record({ kind: fc.constantFrom('boot-trusted', 'boot-untrusted', 'boot-none', 'sync', 'reading', 'reading'), gap: fc.integer({ min: 0, max: 600_000 }), within: fc.integer({ min: -5, max: 5 }), wild: fc.integer({ min: -3_600_000, max: 3_600_000 }) }), { minLength: 1, maxLength: 40 })
    .map((steps) => {
      let at = 0;
      let valid = false;
      const out: { r: Stamped; judged: boolean }[] = [];
      for (const s of steps) {
        at += s.gap;
        const m = s.kind === 'sync' ? timeSync(E0 + at) : s.kind === 'reading' ? reading(out.length) : boot(s.kind === 'boot-trusted' ? 'rtc-trusted' : s.kind === 'boot-untrusted' ? 'rtc-untrusted' : 'none');
        if (m.type === 'StationBooted') valid = s.kind === 'boot-trusted';
        out.push({ r: exact(m, at, valid ? s.within : s.wild), judged: valid });
        if (m.type === 'TimeSync') valid = true;
      }
      return out;
    });

  it('property: a journal kept within the tolerance passes, one record past it is the one flagged', () => {
    fc.assert(
      fc.property(arbJournal, fc.nat(), fc.nat(), fc.array(fc.nat(), { maxLength: 3 }), fc.integer({ min: 6, max: 10_000_000 }), (journal, hostCut, pick, checkAt, far) => {
        const records = journal.map((x) => x.r);
        const atHost = hostCut % (records.length + 1);
        const checks = checkAt.map((n) => n % (records.length + 1)).sort((a, b) => a - b);
        // On the station the stamps are to the millisecond; the host's copy gets a second of rounding more.
        const slack = (i: number) => (i < atHost ? 1000 : 0);
        if (clockVerdicts(records, { atHost, checks }).length !== 0) return false;
        const judged = journal.flatMap((x, i) => (x.judged ? [i] : []));
        if (judged.length === 0) return true;
        const i = judged[pick % judged.length]!;
        const bad = records.map((r, k) => (k === i ? { ...r, stamp: E0 + r.at + (far % 2 === 0 ? 1 : -1) * (far + slack(k)) } : r));
        const v = clockVerdicts(bad, { atHost, checks });
        return v.length === 1 && v[0]!.detail.startsWith(`record ${i + 1} (`);
      }),
      { numRuns: 300 },
    );
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
