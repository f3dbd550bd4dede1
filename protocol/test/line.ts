// A station and a host session joined by a real handshake, for tests that need an established session and
// its keys (to seal crafted frames as the peer would). Randomness is seeded, so every failure reproduces.
import {
  decodeWithoutKeys,
  deriveSessionKey,
  encodeFrame,
  HostSession,
  Keyring,
  MemoryCounterVault,
  StationSession,
  type CounterVault,
  type Direction,
  type FrameHeader,
  type FrameOptions,
  type LocalHello,
  type MacBudget,
  type MacBudgetOptions,
  type MacKey,
  type PeerCounters,
  type Message,
  type ReasonName,
  type SessionEvent,
  type WorkOrder,
} from '../src/index';

export const KEY_ID = 7;
export const SECRET = Uint8Array.from({ length: 32 }, (_, i) => (i * 73 + 11) & 0xff);
export const SECRET_2 = Uint8Array.from({ length: 32 }, (_, i) => (i * 151 + 5) & 0xff);

export const STATION_HELLO: LocalHello = {
  softwareVersion: 'warden-fw test',
  role: 'placement',
  capabilities: ['reel-verification', 'msl', 'journal'],
  maxFrameBytes: 512,
  maxSlots: 400,
  maxReels: 256,
  journalCapacity: 8192,
};
export const HOST_HELLO: LocalHello = { ...STATION_HELLO, softwareVersion: 'warden-mes test', role: 'other', maxSlots: 0, maxReels: 0, journalCapacity: 0 };

/** A work-order header for transfer tests. */
export const ORDER_HEADER: WorkOrder['header'] = {
  workOrderIdentifier: 'WO-1',
  productIdentifier: 'PCBA-1',
  bomRevision: 'A',
  recipeName: 'TOP',
  recipeRevision: '3',
  recipeChecksum: 77,
  lane: 1,
  timeToReflow: 14_400,
};

/** The flood budget is off in these helpers (tests of the budget set their own): codec tests send thousands of frames at t = 0. */
export const NO_BUDGET = { perSecond: Number.POSITIVE_INFINITY, burst: Number.POSITIVE_INFINITY };

/** xorshift32: deterministic bytes for nonces. */
export function seededRandom(seed = 1): (dst: Uint8Array) => void {
  let x = seed >>> 0 || 1;
  return (dst) => {
    for (let i = 0; i < dst.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      dst[i] = x & 0xff;
    }
  };
}

export function keyringOf(entries: readonly (readonly [number, number, Uint8Array])[]): Keyring {
  const k = new Keyring();
  for (const [stationId, keyId, secret] of entries) {
    const r = k.install(stationId, keyId, secret);
    if (!r.ok) throw new Error(`${r.reason}: ${r.detail}`);
  }
  return k;
}

export function makeStation(stationId: number, o: { keys?: Keyring; vault?: CounterVault; seed?: number; keyId?: number; macBudget?: MacBudgetOptions | MacBudget; peers?: PeerCounters } = {}): StationSession {
  const r = StationSession.create({
    stationId,
    keyId: o.keyId ?? KEY_ID,
    keys: o.keys ?? keyringOf([[stationId, KEY_ID, SECRET]]),
    vault: o.vault ?? new MemoryCounterVault(),
    random: seededRandom(o.seed ?? stationId + 1),
    hello: STATION_HELLO,
    macBudget: o.macBudget ?? NO_BUDGET,
    ...(o.peers === undefined ? {} : { peers: o.peers }),
  });
  if (!r.ok) throw new Error(r.detail);
  return r.session;
}

export function makeHost(keys: Keyring, o: { vault?: CounterVault; seed?: number; macBudget?: MacBudgetOptions | MacBudget; maxStations?: number } = {}): HostSession {
  const r = HostSession.create({
    keys,
    vault: o.vault ?? new MemoryCounterVault(),
    random: seededRandom(o.seed ?? 99),
    hello: HOST_HELLO,
    macBudget: o.macBudget ?? NO_BUDGET,
    ...(o.maxStations === undefined ? {} : { maxStations: o.maxStations }),
  });
  if (!r.ok) throw new Error(r.detail);
  return r.session;
}

/** One frame's verdict, as the session reported it. */
export type Verdict =
  | { readonly ok: true; readonly kind: string; readonly offset: number; readonly header: FrameHeader; readonly message: Message }
  | { readonly ok: false; readonly offset: number; readonly reason: ReasonName; readonly detail: string; readonly header?: FrameHeader; readonly nacked: boolean };

export interface Fed {
  readonly verdicts: Verdict[];
  /** Frames the receiver put on the wire (HelloAck, Nacks, Acks). */
  readonly sent: Extract<SessionEvent, { kind: 'send' }>[];
  readonly events: SessionEvent[];
}

export function toVerdicts(events: readonly SessionEvent[]): Verdict[] {
  const out: Verdict[] = [];
  for (const e of events) {
    if (e.kind === 'refused') {
      out.push(e.header === undefined
        ? { ok: false, offset: e.offset, reason: e.reason, detail: e.detail, nacked: e.nacked }
        : { ok: false, offset: e.offset, reason: e.reason, detail: e.detail, header: e.header, nacked: e.nacked });
    } else if (e.kind === 'established' || e.kind === 'message' || e.kind === 'transfer' || e.kind === 'work-order') {
      out.push({ ok: true, kind: e.kind, offset: e.offset, header: e.header, message: e.message });
    } else if (e.kind === 'handshake-refused') {
      out.push({ ok: true, kind: e.kind, offset: e.offset, header: e.header, message: { type: 'Nack', body: { ackedCounter: 0, ackedType: 0, reason: e.reason, detail: 0 } } });
    }
  }
  return out;
}

export function feed(rx: StationSession | HostSession, chunks: readonly Uint8Array[], nowMs = 0): Fed {
  const events: SessionEvent[] = [];
  for (const c of chunks) rx.receive(c, nowMs, (e) => events.push(e));
  return {
    verdicts: toVerdicts(events),
    sent: events.filter((e): e is Extract<SessionEvent, { kind: 'send' }> => e.kind === 'send'),
    events,
  };
}

export interface Line {
  readonly stationId: number;
  readonly station: StationSession;
  readonly host: HostSession;
  readonly keys: Keyring;
  /** The station's Hello and the host's HelloAck, as they went over the wire. */
  readonly hello: Uint8Array;
  readonly helloAck: Uint8Array;
  /** The session keys, per direction of travel: what a peer MACs with. */
  readonly sessionKey: { readonly 'station-to-host': MacKey; readonly 'host-to-station': MacKey };
  /** The receiving end for frames travelling `direction`. */
  receiver(direction: Direction): StationSession | HostSession;
  /** Seals a message as the peer would in this session (any counter, any flags). */
  seal(m: Message, o: { counter: number; direction: Direction; ackRequested?: boolean } & Partial<FrameOptions>): { wire: Uint8Array; body: Uint8Array };
}

/** A station and a host with an established session (station-initiated). */
export function openLine(stationId: number, o: { keys?: Keyring; seed?: number; stationVault?: CounterVault; hostVault?: CounterVault; stationPeers?: PeerCounters } = {}): Line {
  const keys = o.keys ?? keyringOf([[stationId, KEY_ID, SECRET]]);
  const station = makeStation(stationId, { keys, ...(o.stationVault === undefined ? {} : { vault: o.stationVault }), ...(o.stationPeers === undefined ? {} : { peers: o.stationPeers }), seed: o.seed ?? stationId + 1 });
  const host = makeHost(keys, { ...(o.hostVault === undefined ? {} : { vault: o.hostVault }), seed: (o.seed ?? stationId) + 1000 });
  const hi = station.connect();
  if (!hi.ok) throw new Error(hi.detail);
  const atHost = feed(host, [hi.wire]);
  const ack = atHost.sent[0];
  if (ack === undefined || atHost.verdicts[0]?.ok !== true) throw new Error(`no HelloAck: ${JSON.stringify(atHost.verdicts)}`);
  const atStation = feed(station, [ack.wire]);
  if (atStation.verdicts[0]?.ok !== true) throw new Error('HelloAck refused');
  const [h, a] = decodeWithoutKeys(new Uint8Array([...hi.wire, ...ack.wire]));
  if (!h?.ok || !a?.ok || h.message.type !== 'Hello' || a.message.type !== 'HelloAck') throw new Error('handshake frames do not decode');
  const sessionKey = {
    'station-to-host': deriveSessionKey(keys.directionKey(stationId, KEY_ID, 'station-to-host')!, h.message.body.nonce, a.message.body.nonce),
    'host-to-station': deriveSessionKey(keys.directionKey(stationId, KEY_ID, 'host-to-station')!, h.message.body.nonce, a.message.body.nonce),
  };
  return {
    stationId,
    station,
    host,
    keys,
    hello: hi.wire,
    helloAck: ack.wire,
    sessionKey,
    receiver: (d) => (d === 'host-to-station' ? station : host),
    seal(m, s) {
      const r = encodeFrame(m, { stationId, keyId: KEY_ID, key: sessionKey[s.direction], ...s });
      if (!r.ok) throw new Error(`encodeFrame refused ${m.type}: ${r.reason} ${r.detail}`);
      return r;
    },
  };
}

export function concat(...parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
