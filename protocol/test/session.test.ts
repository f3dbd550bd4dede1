// The session layer as an attacker on the line network meets it. Each describe is one weakness of issue 9,
// stated as the invariant that closes it; the rest pin down the handshake, counters and the flood budget.
import fc from 'fast-check';
import { cobsDecode } from '../src/cobs';
import {
  chunkWorkOrder,
  MacBudget,
  decodeWithoutKeys,
  encodeFrame,
  HostSession,
  Keyring,
  MemoryCounterVault,
  PeerCounters,
  resealCrc,
  SendCounters,
  StationSession,
  unseal,
  wrap,
  type CounterStream,
  type CounterVault,
  type Message,
  type SessionEvent,
  type VaultResult,
  type WorkOrder,
} from '../src/index';
import { arbitraryMessageOf, MESSAGE_NAMES } from './arbitrary';
import { concat, feed, HOST_HELLO, ORDER_HEADER as header, KEY_ID, keyringOf, makeHost, makeStation, openLine, SECRET, SECRET_2, seededRandom, STATION_HELLO, type Line } from './line';
import { MESSAGES } from '../src/messages';

const HOST_TO_STATION = MESSAGE_NAMES.filter((n) => MESSAGES[n].from === 'host');
const STATION_TO_HOST = MESSAGE_NAMES.filter((n) => MESSAGES[n].from !== 'host' && n !== 'Hello' && n !== 'HelloAck');
const hostMessage = fc.constantFrom(...HOST_TO_STATION.filter((n) => !n.startsWith('WorkOrder'))).chain((n) => arbitraryMessageOf(n));
const stationMessage = fc.constantFrom(...STATION_TO_HOST).chain((n) => arbitraryMessageOf(n));

const slots = (n: number, tag = 'I'): WorkOrder['slots'] =>
  Array.from({ length: n }, (_, i) => ({ position: `P${i}`, bomLine: `${i}`, internalPartNumber: `${tag}-${i}`, msd: false, thicknessClass: 'thin', approvedParts: [] }));

function sent(r: ReturnType<StationSession['send']>): Uint8Array {
  if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  return r.wire;
}

/** The kinds of verdict a frame got (the events that are not `send` / `ended`). */
function outcomes(events: readonly SessionEvent[]): string[] {
  return events.filter((e) => e.kind !== 'send' && e.kind !== 'ended').map((e) => (e.kind === 'refused' ? e.reason : e.kind));
}

/** Delivers every frame one end emits to the other, until both are quiet. */
function pump(station: StationSession, host: HostSession, first: Uint8Array, toHost: boolean, now = 0): { station: SessionEvent[]; host: SessionEvent[] } {
  const log = { station: [] as SessionEvent[], host: [] as SessionEvent[] };
  let queue: { wire: Uint8Array; toHost: boolean }[] = [{ wire: first, toHost }];
  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const q of queue) {
      const rx = q.toHost ? host : station;
      rx.receive(q.wire, now, (e) => {
        (q.toHost ? log.host : log.station).push(e);
        if (e.kind === 'send') next.push({ wire: e.wire, toHost: !q.toHost });
      });
    }
    queue = next;
  }
  return log;
}

describe('handshake', () => {
  it('station-initiated: both ends established, the host learns the station limits, frames flow both ways', () => {
    const line = openLine(7);
    expect(line.host.peer(7)).toMatchObject({ stationId: 7, keyId: KEY_ID, protocolMinor: 1, softwareVersion: STATION_HELLO.softwareVersion, initiator: 'station', hello: { maxSlots: 400 } });
    expect(line.station.peer).toMatchObject({ softwareVersion: HOST_HELLO.softwareVersion, initiator: 'station', protocolMinor: 1 });
    const t = feed(line.station, [sent(line.host.send(7, { type: 'TimeSync', body: { utcTime: 100, millis: 5 } }))]);
    expect(outcomes(t.events)).toEqual(['message']);
    const a = feed(line.host, [sent(line.station.send({ type: 'OverrideExpired', body: { requestId: 1, at: 2 } }))]);
    expect(outcomes(a.events)).toEqual(['message']);
    expect(line.host.stations()).toEqual([7]);
  });

  it('host-initiated (a host restarted on a line that stayed up): the station answers, and the old session ends', () => {
    const line = openLine(7);
    const hi = line.host.connect(7, KEY_ID);
    if (!hi.ok) throw new Error(hi.detail);
    const log = pump(line.station, line.host, hi.wire, false);
    expect(log.station.map((e) => e.kind)).toEqual(['ended', 'send', 'established']);
    expect(outcomes(log.host)).toEqual(['established']);
    expect(line.station.peer?.initiator).toBe('host');
    // Frames of the old session no longer verify; new ones do.
    expect(outcomes(feed(line.station, [line.seal({ type: 'StatusRequest', body: {} }, { counter: 50, direction: 'host-to-station' }).wire]).events)).toEqual(['BAD_MAC']);
    expect(outcomes(feed(line.station, [sent(line.host.send(7, { type: 'StatusRequest', body: {} }))]).events)).toEqual(['message']);
  });

  it('crossed Hellos: the station\'s wins; both end in one session', () => {
    const keys = keyringOf([[7, KEY_ID, SECRET]]);
    const station = makeStation(7, { keys });
    const host = makeHost(keys);
    const sh = station.connect();
    const hh = host.connect(7, KEY_ID);
    if (!sh.ok || !hh.ok) throw new Error('connect failed');
    expect(outcomes(feed(station, [hh.wire]).events)).toEqual(['HANDSHAKE_CROSSED']);
    const log = pump(station, host, sh.wire, true);
    expect(outcomes(log.host)).toEqual(['established']);
    expect(outcomes(log.station)).toEqual(['established']);
    expect(outcomes(feed(station, [sent(host.send(7, { type: 'StatusRequest', body: {} }))]).events)).toEqual(['message']);
  });

  it('a HelloAck that answers an earlier Hello is stale; the one that answers the latest opens the session', () => {
    const keys = keyringOf([[7, KEY_ID, SECRET]]);
    const station = makeStation(7, { keys });
    const host = makeHost(keys);
    const first = station.connect();
    const second = station.connect();
    if (!first.ok || !second.ok) throw new Error('connect failed');
    const ack1 = feed(host, [first.wire]).sent[0]!.wire;
    const ack2 = feed(host, [second.wire]).sent[0]!.wire;
    expect(outcomes(feed(station, [ack1]).events)).toEqual(['HANDSHAKE_STALE']);
    expect(outcomes(feed(station, [ack2]).events)).toEqual(['established']);
    expect(outcomes(feed(station, [ack2]).events)).toEqual(['REPLAY']);
  });

  it('property: every handshake gives fresh session keys (both nonces are new), so no two sessions share a key', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 0x7fffffff }), { minLength: 2, maxLength: 6 }), (seeds) => {
        const keys = new Set(seeds.map((seed) => Buffer.from(openLine(9, { seed }).sessionKey['host-to-station']).toString('hex')));
        expect(keys.size).toBe(new Set(seeds).size);
      }),
      { numRuns: 30 },
    );
  });
});

/** Every frame the host sends in one session: a time sync, an override grant, a work order, journal acks. */
function recordHostSession(line: Line): Uint8Array[] {
  const frames = [line.helloAck];
  frames.push(sent(line.host.send(line.stationId, { type: 'TimeSync', body: { utcTime: 1_800_000_000, millis: 0 } })));
  frames.push(sent(line.host.send(line.stationId, { type: 'OverrideGrant', body: { requestId: 4, granted: true, grantedBy: 'SUP', expiresAt: 1_800_003_600, reason: 'OK' } })));
  const wo = line.host.sendWorkOrder(line.stationId, { header, slots: slots(3) });
  if (!wo.ok) throw new Error(wo.detail);
  frames.push(...wo.frames);
  frames.push(sent(line.host.send(line.stationId, { type: 'JournalAck', body: { upToSequence: 9 } })));
  return frames;
}

describe('replay across a reboot (recorded frames never act again)', () => {
  it('property: a station that rebooted accepts none of a recorded host session, before or after its new handshake', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 1e9 }), (stationId, seed) => {
        const vault = new MemoryCounterVault();
        const line = openLine(stationId, { stationVault: vault, seed });
        const recording = recordHostSession(line);
        // Every recorded frame was good in its own session.
        const first = makeStation(stationId, { keys: line.keys, seed: seed + 1 });
        expect(feed(first, [line.hello]).verdicts).toHaveLength(1);
        // Power cut: a new StationSession over the same flash (vault), with a fresh nonce.
        const rebooted = makeStation(stationId, { keys: line.keys, vault, seed: seed + 7 });
        const hi = rebooted.connect();
        if (!hi.ok) throw new Error(hi.detail);
        const replayed = feed(rebooted, [concat(...recording)]);
        expect(replayed.verdicts.filter((v) => v.ok)).toEqual([]);
        expect(new Set(outcomes(replayed.events))).toEqual(new Set(['HANDSHAKE_STALE', 'NO_SESSION']));
        // The real host (its counters kept) answers; the recording still does nothing in the new session.
        const ack = feed(line.host, [hi.wire]).sent[0]!.wire;
        expect(outcomes(feed(rebooted, [ack]).events)).toEqual(['established']);
        const again = feed(rebooted, [concat(...recording)]);
        expect(again.verdicts.filter((v) => v.ok)).toEqual([]);
        expect(again.sent.filter((x) => x.message.type !== 'Nack')).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('property: a host that rebooted (its replay memory gone) delivers no recorded station message; a recorded Hello opens only a dead session', () => {
    fc.assert(
      fc.property(fc.array(stationMessage, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 1e9 }), (messages, seed) => {
        const line = openLine(7, { seed });
        const recording = [line.hello, ...messages.map((m) => sent(line.station.send(m)))];
        const rebooted = makeHost(line.keys, { seed: seed + 5 });
        const r = feed(rebooted, [concat(...recording)]);
        expect(r.events.filter((e) => e.kind === 'message')).toEqual([]);
        expect(outcomes(r.events)).toEqual(['established', ...messages.map(() => 'BAD_MAC')]);
      }),
      { numRuns: 40 },
    );
  });

  it('the station\'s counters come from its vault: after a reboot every frame counts above every frame before it', () => {
    const vault = new MemoryCounterVault();
    const line = openLine(7, { stationVault: vault });
    const before = [1, 2, 3].map(() => sent(line.station.send({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } })));
    const top = Math.max(...before.map((w) => counterOf(w)));
    const rebooted = makeStation(7, { keys: line.keys, vault, seed: 77 });
    const hi = rebooted.connect();
    if (!hi.ok) throw new Error(hi.detail);
    expect(counterOf(hi.wire)).toBeGreaterThan(top);
  });
});

function counterOf(wire: Uint8Array): number {
  const [v] = decodeWithoutKeys(wire);
  if (v === undefined || !v.ok) throw new Error('frame does not decode');
  return v.header.counter;
}

describe('keys bound to a station and a direction', () => {
  it('property: a frame of station 7, relabelled as station 8, is refused even when both were given the same secret', () => {
    fc.assert(
      fc.property(stationMessage, fc.boolean(), (m, hello) => {
        const keys = keyringOf([[7, KEY_ID, SECRET], [8, KEY_ID, SECRET]]);
        const line = openLine(7, { keys });
        const host8 = openLine(8, { keys, seed: 3 }).host; // station 8 has its own session with this host
        const wire = hello ? line.hello : sent(line.station.send(m));
        const u = unseal(unwrap(wire));
        if (!u.ok) throw new Error(u.detail);
        const body = unwrap(wire).slice();
        body[2] = 8;
        body[3] = 0;
        const forged = wrap(resealCrc(body));
        // Station 8's own host session: its direction key and session key are not station 7's.
        expect(outcomes(feed(host8, [forged]).events)).toEqual(['BAD_MAC']);
        // A host with no session with station 8 takes only a Hello from it, and that one does not verify.
        expect(outcomes(feed(line.host, [forged]).events)).toEqual([hello ? 'BAD_MAC' : 'NO_SESSION']);
      }),
      { numRuns: 60 },
    );
  });

  it('property: a station\'s keys cannot make a host frame: any host message sealed under the station\'s sending key is refused (BAD_MAC)', () => {
    fc.assert(
      fc.property(hostMessage, fc.integer({ min: 2, max: 0xfffffff0 }), (m, counter) => {
        const line = openLine(7);
        const stationKey = line.sessionKey['station-to-host'];
        const forged = line.seal(m, { counter, direction: 'host-to-station', key: stationKey });
        expect(outcomes(feed(line.station, [forged.wire]).events)).toEqual(['BAD_MAC']);
        // The same with the station's long-term key.
        const longTerm = line.keys.directionKey(7, KEY_ID, 'station-to-host')!;
        expect(outcomes(feed(line.station, [line.seal(m, { counter: counter + 1, direction: 'host-to-station', key: longTerm }).wire]).events)).toEqual(['BAD_MAC']);
      }),
      { numRuns: 60 },
    );
  });

  it('a station holding station 7\'s keys refuses frames for station 8 (WRONG_STATION); a host without 8\'s secret, UNKNOWN_KEY', () => {
    const line = openLine(7);
    const m: Message = { type: 'StatusRequest', body: {} };
    const for8 = encodeFrame(m, { stationId: 8, counter: 5, direction: 'host-to-station', keyId: KEY_ID, key: line.sessionKey['host-to-station'] });
    const from8 = encodeFrame({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } }, { stationId: 8, counter: 5, direction: 'station-to-host', keyId: KEY_ID, key: line.sessionKey['station-to-host'] });
    if (!for8.ok || !from8.ok) throw new Error('encode');
    expect(outcomes(feed(line.station, [for8.wire]).events)).toEqual(['WRONG_STATION']);
    expect(outcomes(feed(line.host, [from8.wire]).events)).toEqual(['UNKNOWN_KEY']);
  });
});

function unwrap(wire: Uint8Array): Uint8Array {
  return cobsDecode(wire.subarray(1, wire.length - 1))!;
}

describe('reflected frames', () => {
  it('property: nothing a station sends is accepted when it comes back to the station, nothing a host sends when it comes back to the host', () => {
    fc.assert(
      fc.property(stationMessage, hostMessage, (sm, hm) => {
        const line = openLine(7);
        const stationFrames = [line.hello, sent(line.station.send(sm)), sent(line.station.send({ type: 'Ack', body: { ackedCounter: 3, ackedType: 4 } }))];
        const hostFrames = [line.helloAck, sent(line.host.send(7, hm)), sent(line.host.send(7, { type: 'Nack', body: { ackedCounter: 3, ackedType: 4, reason: 'BUSY', detail: 0 } }))];
        const back = feed(line.station, stationFrames);
        expect(outcomes(back.events)).toEqual(stationFrames.map(() => 'WRONG_DIRECTION'));
        expect(back.sent).toEqual([]);
        expect(outcomes(feed(line.host, hostFrames).events)).toEqual(hostFrames.map(() => 'WRONG_DIRECTION'));
        // Flipping the direction bit to get past that check breaks the MAC.
        for (const w of stationFrames) {
          const b = unwrap(w).slice();
          b[8]! ^= 0x01;
          expect(outcomes(feed(line.station, [wrap(resealCrc(b))]).events)).toEqual(['BAD_MAC']);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('roles and keys are mandatory', () => {
  it('a station session needs a station id and key id; a host session a sane station bound', () => {
    const base = { keys: new Keyring(), vault: new MemoryCounterVault(), random: seededRandom(), hello: STATION_HELLO };
    for (const stationId of [undefined, -1, 0x10000, 1.5]) {
      expect(StationSession.create({ ...base, stationId: stationId as number, keyId: 1 })).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    }
    expect(StationSession.create({ ...base, stationId: 1, keyId: 256 })).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
    expect(StationSession.create(undefined as never)).toMatchObject({ ok: false });
    expect(HostSession.create({ ...base, maxStations: 0 })).toMatchObject({ ok: false, reason: 'FIELD_OUT_OF_RANGE' });
  });

  it('without keys (a JavaScript caller that passed none) or with an empty keyring, every frame is refused and nothing is sent: it fails closed', () => {
    const line = openLine(7);
    const frames = [line.hello, line.helloAck, line.seal({ type: 'StatusRequest', body: {} }, { counter: 9, direction: 'host-to-station' }).wire];
    for (const keys of [undefined, new Keyring()]) {
      const r = StationSession.create({ stationId: 7, keyId: KEY_ID, keys: keys as never, vault: new MemoryCounterVault(), random: seededRandom(), hello: STATION_HELLO });
      const h = HostSession.create({ keys: keys as never, vault: new MemoryCounterVault(), random: seededRandom(), hello: HOST_HELLO });
      if (!r.ok || !h.ok) throw new Error('create');
      const atStation = feed(r.session, frames);
      const atHost = feed(h.session, [line.hello]);
      expect(new Set(outcomes([...atStation.events, ...atHost.events]))).toEqual(new Set(['UNKNOWN_KEY', 'WRONG_DIRECTION']));
      expect([...atStation.sent, ...atHost.sent]).toEqual([]);
      expect(r.session.connect()).toMatchObject({ ok: false, reason: 'UNKNOWN_KEY' });
    }
  });
});

describe('replay state belongs to authenticated peers only', () => {
  it('property: a flood of frames under spoofed station ids creates no state, and the real station still connects', () => {
    const spoof = fc.record({
      stationId: fc.integer({ min: 0, max: 0xffff }),
      type: fc.constantFrom(MESSAGES.Hello.type, MESSAGES.Ack.type, MESSAGES.SlotLoaded.type),
      counter: fc.integer({ min: 1, max: 0xffffffff }),
      mac: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    });
    fc.assert(
      fc.property(fc.array(spoof, { minLength: 1, maxLength: 300 }), (flood) => {
        // The host knows stations 1..40 (their secrets), so many spoofed ids have a key and reach the MAC check.
        const keys = keyringOf(Array.from({ length: 40 }, (_, i) => [i + 1, KEY_ID, SECRET] as const));
        const host = makeHost(keys, { maxStations: 40 });
        const frames = flood.map((f) => {
          const r = encodeFrame({ type: 'Ack', body: { ackedCounter: 1, ackedType: 1 } }, { stationId: f.stationId % 41, counter: f.counter, direction: 'station-to-host', keyId: KEY_ID, key: keys.directionKey(1, KEY_ID, 'station-to-host')! });
          if (!r.ok) throw new Error(r.detail);
          const b = r.body.slice();
          b[1] = f.type;
          b.set(f.mac, b.length - 20);
          return wrap(resealCrc(b));
        });
        const r = feed(host, frames);
        expect(r.verdicts.every((v) => !v.ok)).toBe(true);
        expect(host.trackedStations).toBe(0);
        const station = makeStation(1 + (flood[0]!.stationId % 40), { keys });
        const hi = station.connect();
        if (!hi.ok) throw new Error(hi.detail);
        expect(outcomes(feed(host, [hi.wire]).events)).toEqual(['established']);
        expect(host.trackedStations).toBe(1);
      }),
      { numRuns: 40 },
    );
  });

  it('state per station is bounded: past maxStations an authenticated newcomer is refused (LIMIT_EXCEEDED), the others carry on', () => {
    const keys = keyringOf([[1, KEY_ID, SECRET], [2, KEY_ID, SECRET_2]]);
    const host = makeHost(keys, { maxStations: 1 });
    const a = makeStation(1, { keys });
    const b = makeStation(2, { keys });
    const ha = a.connect();
    const hb = b.connect();
    if (!ha.ok || !hb.ok) throw new Error('connect');
    expect(outcomes(pump(a, host, ha.wire, true).host)).toEqual(['established']);
    expect(outcomes(feed(host, [hb.wire]).events)).toEqual(['LIMIT_EXCEEDED']);
    expect(outcomes(feed(host, [sent(a.send({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } }))]).events)).toEqual(['message']);
  });
});

describe('REPLAY is answered with the last counter, and the sender resumes above it', () => {
  it('a station whose counter went back (store restored from a backup) is Nacked, skips past the host\'s counter and connects on its own retry', () => {
    const vault = new MemoryCounterVault(); // cleared below, as when flash is restored from an old backup
    const line = openLine(7, { stationVault: vault });
    for (let i = 0; i < 300; i++) feed(line.host, [sent(line.station.send({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } }))]);
    vault.stored.clear(); // the backup knew nothing of those counters
    const restored = makeStation(7, { keys: line.keys, vault, seed: 5 });
    const hi = restored.connect();
    if (!hi.ok) throw new Error(hi.detail);
    const log = pump(restored, line.host, hi.wire, true);
    expect(outcomes(log.host)).toEqual(['REPLAY', 'established']);
    const nack = log.host.find((e) => e.kind === 'send')!;
    expect(nack).toMatchObject({ message: { type: 'Nack', body: { reason: 'REPLAY', ackedType: MESSAGES.Hello.type, detail: 301 } } }); // the Hello (1) and 300 frames
    expect(outcomes(log.station)).toEqual(['handshake-refused', 'established']);
    expect(restored.peer).toBeDefined();
    expect(outcomes(feed(line.host, [sent(restored.send({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } }))]).events)).toEqual(['message']);
  });

  it('the same for a host whose counter went back and that opens the session itself', () => {
    const vault = new MemoryCounterVault(); // cleared below, as when flash is restored from an old backup
    const line = openLine(7, { hostVault: vault });
    for (let i = 0; i < 10; i++) sent(line.host.send(7, { type: 'StatusRequest', body: {} }));
    for (let i = 0; i < 10; i++) feed(line.station, [sent(line.host.send(7, { type: 'StatusRequest', body: {} }))]);
    vault.stored.clear();
    const host2 = makeHost(line.keys, { vault, seed: 4 });
    const hi = host2.connect(7, KEY_ID);
    if (!hi.ok) throw new Error(hi.detail);
    const log = pump(line.station, host2, hi.wire, false);
    expect(outcomes(log.station)).toEqual(['REPLAY', 'established']);
    expect(outcomes(log.host)).toEqual(['handshake-refused', 'established']);
  });

  it('in a session, a repeated frame is Nacked with the last counter; the Nack takes its sender past it', () => {
    const line = openLine(7);
    const f = sent(line.host.send(7, { type: 'StatusRequest', body: {} }));
    const c = counterOf(f);
    feed(line.station, [f]);
    const again = feed(line.station, [f]);
    expect(again.sent[0]?.message).toEqual({ type: 'Nack', body: { ackedCounter: c, ackedType: MESSAGES.StatusRequest.type, reason: 'REPLAY', detail: c } });
    expect(outcomes(feed(line.host, [again.sent[0]!.wire]).events)).toEqual(['message']);
    expect(counterOf(sent(line.host.send(7, { type: 'StatusRequest', body: {} })))).toBeGreaterThan(c);
  });
});

describe('no session, no frames', () => {
  it('before a handshake every in-session frame is NO_SESSION: no MAC computed, nothing answered, nothing sendable', () => {
    const line = openLine(7);
    const fresh = makeStation(7, { keys: line.keys });
    const r = feed(fresh, [sent(line.host.send(7, { type: 'TimeSync', body: { utcTime: 1, millis: 0 } })), sent(line.host.send(7, { type: 'StatusRequest', body: {} }))]);
    expect(outcomes(r.events)).toEqual(['NO_SESSION', 'NO_SESSION']);
    expect(r.sent).toEqual([]);
    expect(fresh.stats.macChecks).toBe(0);
    expect(fresh.send({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } })).toMatchObject({ ok: false, reason: 'NO_SESSION' });
    expect(line.host.send(9, { type: 'StatusRequest', body: {} })).toMatchObject({ ok: false, reason: 'NO_SESSION' });
  });

  it('after a reset (link lost) the old session is gone at both calls of reset; a new connect opens a new one', () => {
    const line = openLine(7);
    const old = sent(line.host.send(7, { type: 'StatusRequest', body: {} }));
    line.station.reset();
    expect(line.station.peer).toBeUndefined();
    expect(outcomes(feed(line.station, [old]).events)).toEqual(['NO_SESSION']);
    const hi = line.station.connect();
    if (!hi.ok) throw new Error(hi.detail);
    expect(outcomes(pump(line.station, line.host, hi.wire, true).station)).toEqual(['established']);
    line.host.reset(7);
    expect(line.host.peer(7)).toBeUndefined();
    expect(outcomes(feed(line.host, [sent(line.station.send({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } }))]).events)).toEqual(['NO_SESSION']);
  });

  it('a partial frame held when the link drops is forgotten', () => {
    const line = openLine(7);
    const f = sent(line.host.send(7, { type: 'StatusRequest', body: {} }));
    feed(line.station, [f.subarray(0, 8)]);
    line.station.reset();
    const hi = line.station.connect();
    if (!hi.ok) throw new Error(hi.detail);
    const log = pump(line.station, line.host, hi.wire, true);
    expect(outcomes(log.station)).toEqual(['established']);
  });
});

describe('flood budget', () => {
  const badMac = (line: Line, counter: number) => {
    const w = line.seal({ type: 'StatusRequest', body: {} }, { counter, direction: 'host-to-station' });
    const b = w.body.slice();
    b[b.length - 5]! ^= 0xff; // last MAC byte
    return wrap(resealCrc(b));
  };

  it('beyond its burst a link drops frames unchecked (MAC_BUDGET_EXHAUSTED); time refills it and a valid frame gets through', () => {
    const keys = keyringOf([[7, KEY_ID, SECRET]]);
    const station = makeStation(7, { keys, macBudget: { perSecond: 10, burst: 5 } });
    const host = makeHost(keys);
    const hi = station.connect();
    if (!hi.ok) throw new Error(hi.detail);
    pump(station, host, hi.wire, true, 0); // the HelloAck is checked, authenticates, and gives its check back
    const line = { ...openLine(7), station } as Line;
    const flood = feed(station, Array.from({ length: 100 }, (_, i) => badMac(line, i + 2)), 0);
    const reasons = outcomes(flood.events);
    expect(reasons.filter((r) => r === 'BAD_MAC')).toHaveLength(5);
    expect(reasons.filter((r) => r === 'MAC_BUDGET_EXHAUSTED')).toHaveLength(95);
    expect(station.stats.macChecks).toBe(6);
    expect(station.stats.byReason.MAC_BUDGET_EXHAUSTED).toBe(95);
    expect(outcomes(feed(station, [sent(host.send(7, { type: 'StatusRequest', body: {} }))], 50).events)).toEqual(['MAC_BUDGET_EXHAUSTED']);
    expect(outcomes(feed(station, [sent(host.send(7, { type: 'StatusRequest', body: {} }))], 200).events)).toEqual(['message']);
  });

  it('property: MAC checks never exceed burst + rate × elapsed time, whatever arrives when', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 30 })), { maxLength: 40 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 20 }), (steps, perSecond, burst) => {
        const line = openLine(7);
        const station = makeStation(7, { keys: line.keys, macBudget: { perSecond, burst } });
        let now = 0;
        let counter = 2;
        for (const [dt, n] of steps) {
          now += dt;
          feed(station, Array.from({ length: n }, () => badMac(line, counter++)), now);
        }
        expect(station.stats.macChecks).toBeLessThanOrEqual(burst + (perSecond * now) / 1000);
      }),
      { numRuns: 60 },
    );
  });

  it('several links can share one budget, so more connections do not buy an attacker more checks', () => {
    const line = openLine(7);
    const shared = new MacBudget({ perSecond: 0, burst: 6 });
    const a = makeStation(7, { keys: line.keys, macBudget: shared });
    const b = makeStation(7, { keys: line.keys, macBudget: shared });
    for (const st of [a, b]) {
      const hi = st.connect();
      if (!hi.ok) throw new Error(hi.detail);
      pump(st, makeHost(line.keys, { seed: 11 }), hi.wire, true);
    }
    const flood = Array.from({ length: 10 }, (_, i) => badMac(line, i + 2));
    feed(a, flood);
    feed(b, flood);
    // The 2 HelloAcks gave their checks back; the flood got the budget's 6 between both links, no more.
    expect(a.stats.macChecks + b.stats.macChecks).toBe(8);
    expect((a.stats.byReason.BAD_MAC ?? 0) + (b.stats.byReason.BAD_MAC ?? 0)).toBe(6);
    expect(shared.stats).toEqual({ spent: 6, givenBack: 2, refused: 14 });
  });

  // A replayed frame verifies but is no fresh frame: anyone who recorded one can send it, so it keeps its check.
  it('frames of the real peer give their checks back, replays do not: a busy host never spends what a flood is held to', () => {
    const line = openLine(7);
    const budget = new MacBudget({ perSecond: 0, burst: 3 });
    const station = makeStation(7, { keys: line.keys, macBudget: budget });
    const hi = station.connect();
    if (!hi.ok) throw new Error(hi.detail);
    const host = makeHost(line.keys, { seed: 12 });
    pump(station, host, hi.wire, true);
    const polls = Array.from({ length: 50 }, () => sent(host.send(7, { type: 'StatusRequest', body: {} })));
    expect(outcomes(feed(station, polls).events).every((o) => o === 'message')).toBe(true);
    expect(budget.stats).toEqual({ spent: 0, givenBack: 51, refused: 0 });
    const replays = outcomes(feed(station, polls.slice(0, 5)).events);
    expect(replays).toEqual(['REPLAY', 'REPLAY', 'REPLAY', 'MAC_BUDGET_EXHAUSTED', 'MAC_BUDGET_EXHAUSTED']);
    expect(budget.stats.spent).toBe(3);
  });

  it('garbage that needs no session cannot take the reserve: the established session keeps getting through', () => {
    const line = openLine(7);
    const budget = new MacBudget({ perSecond: 0, burst: 10, reserve: 2 });
    const station = makeStation(7, { keys: line.keys, macBudget: budget });
    const hi = station.connect();
    if (!hi.ok) throw new Error(hi.detail);
    const host = makeHost(line.keys, { seed: 13 });
    pump(station, host, hi.wire, true);
    // HelloAcks with a wrong MAC (what a stranger's connection can send): checked only above the reserve.
    const forged = (counter: number) => {
      const w = encodeFrame({ type: 'HelloAck', body: { protocolMinor: 1, softwareVersion: 'x', capabilities: [], lastCounterReceived: 0, nonce: new Uint8Array(16), helloNonce: new Uint8Array(16) } }, { stationId: 7, counter, direction: 'host-to-station', keyId: KEY_ID, key: line.sessionKey['host-to-station'] });
      if (!w.ok) throw new Error(w.detail);
      return w.wire;
    };
    const flood = outcomes(feed(station, Array.from({ length: 30 }, (_, i) => forged(1000 + i))).events);
    expect(flood.filter((o) => o === 'BAD_MAC')).toHaveLength(8);
    expect(flood.filter((o) => o === 'MAC_BUDGET_EXHAUSTED')).toHaveLength(22);
    const polls = Array.from({ length: 20 }, () => sent(host.send(7, { type: 'StatusRequest', body: {} })));
    expect(outcomes(feed(station, polls).events)).toEqual(polls.map(() => 'message'));
  });

  // In-session garbage (a bad MAC under the session's key id, a replay) looks like the host's own frames until the
  // MAC is computed, so it may spend the reserve too: that is a shared medium's limit (PROTOCOL.md §3.6).
  it('property: whatever mix of garbage and real frames arrives when, checks kept stay within burst + rate × time; while the garbage needs no session, every real frame gets through', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.constantFrom('real', 'bad-mac', 'forged-hello', 'replay')), { maxLength: 60 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 2, max: 20 }),
        (steps, perSecond, burst) => {
          const line = openLine(7);
          const budget = new MacBudget({ perSecond, burst, reserve: 1 });
          const station = makeStation(7, { keys: line.keys, macBudget: budget });
          const hi = station.connect();
          if (!hi.ok) throw new Error(hi.detail);
          const host = makeHost(line.keys, { seed: 14 });
          pump(station, host, hi.wire, true);
          let now = 0;
          let counter = 1_000_000;
          const real: Uint8Array[] = [];
          let inSessionGarbage = false;
          for (const [dt, kind] of steps) {
            now += dt;
            if (kind === 'real') {
              const w = sent(host.send(7, { type: 'StatusRequest', body: {} }));
              real.push(w);
              const got = outcomes(feed(station, [w], now).events);
              if (inSessionGarbage) expect([['message'], ['MAC_BUDGET_EXHAUSTED']]).toContainEqual(got);
              else expect(got).toEqual(['message']);
            } else if (kind === 'bad-mac') {
              inSessionGarbage = true;
              feed(station, [badMac(line, counter++)], now);
            } else if (kind === 'forged-hello') {
              const w = encodeFrame({ type: 'Hello', body: { ...HOST_HELLO, lastCounterReceived: 0, nonce: new Uint8Array(16) } }, { stationId: 7, counter: counter++, direction: 'host-to-station', keyId: KEY_ID, key: line.sessionKey['station-to-host'] });
              if (!w.ok) throw new Error(w.detail);
              feed(station, [w.wire], now);
            } else if (real.length > 0) {
              inSessionGarbage = true;
              feed(station, [real[0]!], now);
            }
            expect(budget.stats.spent).toBeLessThanOrEqual(burst + (perSecond * now) / 1000);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('frames that fail before the MAC cost no budget: wrong station, unknown key, no session', () => {
    const line = openLine(7);
    const station = makeStation(7, { keys: line.keys, macBudget: { perSecond: 0, burst: 1 } });
    const other = encodeFrame({ type: 'StatusRequest', body: {} }, { stationId: 8, counter: 2, direction: 'host-to-station', keyId: KEY_ID, key: line.sessionKey['host-to-station'] });
    const noKey = encodeFrame({ type: 'StatusRequest', body: {} }, { stationId: 7, counter: 2, direction: 'host-to-station', keyId: 99, key: line.sessionKey['host-to-station'] });
    if (!other.ok || !noKey.ok) throw new Error('encode');
    const flood = Array.from({ length: 50 }, () => [other.wire, noKey.wire, badMac(line, 5)]).flat();
    expect(new Set(outcomes(feed(station, flood).events))).toEqual(new Set(['WRONG_STATION', 'UNKNOWN_KEY', 'NO_SESSION']));
    expect(station.stats.macChecks).toBe(0);
    const hi = station.connect();
    if (!hi.ok) throw new Error(hi.detail);
    expect(outcomes(pump(station, makeHost(line.keys), hi.wire, true).station)).toEqual(['established']);
  });
});

/** A vault that can be made to fail. */
class SwitchVault implements CounterVault {
  readonly inner = new MemoryCounterVault();
  failing = false;
  reserved(s: CounterStream): VaultResult<number> {
    return this.inner.reserved(s);
  }
  reserve(s: CounterStream, upTo: number): VaultResult<number> {
    return this.failing ? { ok: false, reason: 'FLASH_WRITE_FAILED', detail: 'program did not verify' } : this.inner.reserve(s, upTo);
  }
}

describe('send counters shared by the sessions of one end', () => {
  it('a new session on shared counters continues the block already reserved: one vault write for many reconnects, no counter used twice', () => {
    const keys = keyringOf([[7, KEY_ID, SECRET]]);
    const vault = new SwitchVault();
    const writes = jest.spyOn(vault, 'reserve');
    const counters = new SendCounters(vault);
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const st = StationSession.create({ stationId: 7, keyId: KEY_ID, keys, vault, counters, random: seededRandom(i + 1), hello: STATION_HELLO });
      if (!st.ok) throw new Error(st.detail);
      const hi = st.session.connect();
      if (!hi.ok) throw new Error(hi.detail);
      seen.push(hi.counter);
    }
    expect(seen).toEqual(seen.map((_, i) => i + 1));
    expect(writes).toHaveBeenCalledTimes(1);
    // Sessions with counters of their own each reserve a block of their own: what a reconnect cost before.
    const own = new SwitchVault();
    const ownWrites = jest.spyOn(own, 'reserve');
    for (let i = 0; i < 3; i++) {
      const st = StationSession.create({ stationId: 7, keyId: KEY_ID, keys, vault: own, random: seededRandom(i + 1), hello: STATION_HELLO });
      if (!st.ok) throw new Error(st.detail);
      expect(st.session.connect()).toMatchObject({ ok: true, counter: 1 + 256 * i });
    }
    expect(ownWrites).toHaveBeenCalledTimes(3);
  });
});

describe('replay state shared by the sessions of one end', () => {
  it('a host frame recorded on one connection is a replay on the next, and keeps the check it cost', () => {
    const peers = new PeerCounters();
    const line = openLine(7, { stationPeers: peers });
    const recorded = sent(line.host.send(7, { type: 'StatusRequest', body: {} }));
    expect(outcomes(feed(line.station, [recorded]).events)).toEqual(['message']);
    // The next connection: a new session on the same station, which has sent its own Hello and waits for the answer.
    const budget = new MacBudget({ perSecond: 0, burst: 10 });
    const again = makeStation(7, { keys: line.keys, peers, macBudget: budget, seed: 3 });
    const hi = again.connect();
    if (!hi.ok) throw new Error(hi.detail);
    expect(outcomes(feed(again, [line.helloAck]).events)).toEqual(['REPLAY']);
    expect(budget.stats).toMatchObject({ spent: 1, givenBack: 0 });
    // Without the shared state the same recorded HelloAck reads as the host's own frame (refused only later, by its
    // nonce) and gives its check back: a replay flood through reconnects would cost the budget nothing.
    const alone = new MacBudget({ perSecond: 0, burst: 10 });
    const fresh = makeStation(7, { keys: line.keys, macBudget: alone, seed: 4 });
    if (!fresh.connect().ok) throw new Error('connect');
    expect(outcomes(feed(fresh, [line.helloAck]).events)).not.toContain('REPLAY');
    expect(alone.stats.givenBack).toBe(1);
  });
});

describe('sending', () => {
  it('when the vault cannot reserve counters nothing is sent (COUNTER_NOT_RESERVED), and sending resumes once it can', () => {
    const vault = new SwitchVault();
    const line = openLine(7, { stationVault: vault });
    for (let i = 0; i < 255; i++) sent(line.station.send({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } }));
    vault.failing = true;
    expect(line.station.send({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } })).toMatchObject({ ok: false, reason: 'COUNTER_NOT_RESERVED' });
    vault.failing = false;
    const w = sent(line.station.send({ type: 'OverrideExpired', body: { requestId: 1, at: 1 } }));
    expect(counterOf(w)).toBe(257);
    expect(outcomes(feed(line.host, [w]).events)).toEqual(['message']);
  });

  it('acks and nacks travel in the session and name the frame they answer', () => {
    const line = openLine(7);
    const f = sent(line.host.send(7, { type: 'JournalRead', body: { fromSequence: 1, maxRecords: 4 } }, { ackRequested: true }));
    const got = feed(line.station, [f]).events.find((e) => e.kind === 'message');
    if (got?.kind !== 'message') throw new Error('no message');
    expect(got.header.ackRequested).toBe(true);
    const a = feed(line.host, [sent(line.station.ack(got.header))]).events[0];
    expect(a).toMatchObject({ kind: 'message', message: { type: 'Ack', body: { ackedCounter: got.header.counter, ackedType: MESSAGES.JournalRead.type } } });
    const n = feed(line.host, [sent(line.station.nack(got.header, 'JOURNAL_SEQ_UNKNOWN', 1))]).events[0];
    expect(n).toMatchObject({ kind: 'message', message: { type: 'Nack', body: { reason: 'JOURNAL_SEQ_UNKNOWN', detail: 1 } } });
  });
});

describe('work orders through the session', () => {
  function commit(line: Line, order: WorkOrder, ack = false): SessionEvent[] {
    const wo = line.host.sendWorkOrder(line.stationId, order, { ackRequested: ack });
    if (!wo.ok) throw new Error(wo.detail);
    return feed(line.station, wo.frames).events;
  }

  it('each order gets a transfer id new to the session; the station commits each; chunks asked for are Acked by the session', () => {
    const line = openLine(7);
    const e1 = commit(line, { header, slots: slots(40) }, true);
    expect(outcomes(e1)).toEqual(['transfer', 'transfer', 'transfer', 'work-order']);
    expect(e1.filter((e) => e.kind === 'send').map((e) => (e as { message: Message }).message.type)).toEqual(['Ack', 'Ack', 'Ack']);
    const done = e1.find((e) => e.kind === 'work-order');
    expect(done).toMatchObject({ order: { header, slots: slots(40) } });
    const e2 = commit(line, { header: { ...header, workOrderIdentifier: 'WO-2' }, slots: slots(2) });
    expect(e2.find((e) => e.kind === 'work-order')).toMatchObject({ message: { body: { transferId: 2 } } });
    // A new session starts its transfer ids again; the station takes them, as its assembler is new too.
    const hi = line.station.connect();
    if (!hi.ok) throw new Error(hi.detail);
    pump(line.station, line.host, hi.wire, true);
    const e3 = commit(line, { header, slots: slots(1) });
    expect(e3.find((e) => e.kind === 'work-order')).toMatchObject({ message: { body: { transferId: 1 } } });
  });

  it('an empty order is refused by the host (TRANSFER_EMPTY), and a crafted empty Begin by the station, Nacked', () => {
    const line = openLine(7);
    expect(line.host.sendWorkOrder(7, { header, slots: [] })).toMatchObject({ ok: false, reason: 'TRANSFER_EMPTY' });
    const begin = line.seal({ type: 'WorkOrderBegin', body: { ...header, transferId: 1, slotCount: 0, chunkCount: 0 } }, { counter: 2, direction: 'host-to-station' });
    const r = feed(line.station, [begin.wire]);
    expect(outcomes(r.events)).toEqual(['TRANSFER_EMPTY']);
    expect(r.sent[0]?.message).toMatchObject({ type: 'Nack', body: { reason: 'TRANSFER_EMPTY' } });
  });

  it('the Begin of one order with the chunks and commit of another is refused; a transfer id used before in the session is refused', () => {
    const line = openLine(7);
    const a = chunkWorkOrder({ header, slots: slots(3, 'A') }, 5);
    const b = chunkWorkOrder({ header: { ...header, workOrderIdentifier: 'WO-B', recipeRevision: '4' }, slots: slots(3, 'B') }, 5);
    if (!a.ok || !b.ok) throw new Error('chunk');
    let counter = 2;
    const seal = (m: Message) => line.seal(m, { counter: counter++, direction: 'host-to-station' }).wire;
    const mixed = feed(line.station, [seal(a.messages[0]!), ...b.messages.slice(1).map(seal)]);
    expect(outcomes(mixed.events)).toEqual(['transfer', 'transfer', 'TRANSFER_MISMATCH']);
    const reused = feed(line.station, [seal(b.messages[0]!)]);
    expect(outcomes(reused.events)).toEqual(['TRANSFER_ID_REUSED']);
  });

  it('the host will not send an order larger than the station said it holds (LIMIT_EXCEEDED, no transfer id spent)', () => {
    const line = openLine(7);
    expect(line.host.sendWorkOrder(7, { header, slots: slots(STATION_HELLO.maxSlots + 1) })).toMatchObject({ ok: false, reason: 'LIMIT_EXCEEDED' });
    const ok = line.host.sendWorkOrder(7, { header, slots: slots(STATION_HELLO.maxSlots) });
    expect(ok).toMatchObject({ ok: true, transferId: 1 });
  });

  it('the host refuses raw transfer messages: only sendWorkOrder picks transfer ids', () => {
    const line = openLine(7);
    expect(line.host.send(7, { type: 'WorkOrderCommit', body: { transferId: 1, slotCount: 1, chunkCount: 1, digest: 0 } })).toMatchObject({ ok: false, reason: 'UNEXPECTED_MESSAGE' });
    expect(line.host.sendWorkOrder(8, { header, slots: slots(1) })).toMatchObject({ ok: false, reason: 'NO_SESSION' });
  });
});
