// Runs one conformance vector exactly as PROTOCOL.md ("Conformance") tells a third party to, with this
// implementation: the generator records what it gives, the tests check it still gives the same.
import {
  frameToJson,
  fromHex,
  HostSession,
  Keyring,
  MemoryCounterVault,
  REASONS,
  StationSession,
  toHex,
  type LocalHello,
  type ReasonName,
  type SessionEvent,
} from '../src/index';

export interface VectorSecret {
  readonly stationId: number;
  readonly keyId: number;
  readonly secret: string;
  /** Installing this secret must be refused with this reason. */
  readonly refused?: ReasonName;
}

export interface Vector {
  readonly name: string;
  readonly description: string;
  /** Who judges the stream: a station (with its id and the key id it opens sessions with) or a host. */
  readonly receiver: { readonly role: 'station'; readonly stationId: number; readonly keyId: number } | { readonly role: 'host' };
  readonly secrets: readonly VectorSecret[];
  /** The receiver's own Hello fields. */
  readonly local: LocalHello;
  /** What the receiver's random source yields, in order, over and over (its session nonces). */
  readonly random: string;
  /** The receiver opens the session itself before the stream arrives (its Hello is the first of `sends`). */
  readonly connect: boolean;
  /** The bytes on the wire to the receiver. Only the verdict on the last frame is specified. */
  readonly hex: string;
  /** Every frame the receiver sends, in order, as hex: its Hello, HelloAck, Nacks, Acks. */
  readonly sends: readonly string[];
  readonly decoded?: unknown;
  readonly reject?: ReasonName;
  readonly rejectCode?: number;
}

export type LastVerdict = { readonly ok: true; readonly kind: string; readonly frame: unknown } | { readonly ok: false; readonly reason: ReasonName };

export interface Run {
  readonly refusals: readonly (ReasonName | undefined)[];
  readonly sends: readonly string[];
  readonly last: LastVerdict | undefined;
  /** Every verdict in order, for diagnostics. */
  readonly verdicts: readonly LastVerdict[];
}

function cyclic(hex: string): (dst: Uint8Array) => void {
  const bytes = fromHex(hex) ?? new Uint8Array(0);
  let at = 0;
  return (dst) => {
    for (let i = 0; i < dst.length; i++) dst[i] = bytes.length === 0 ? 0 : bytes[at++ % bytes.length]!;
  };
}

export function runVector(v: Omit<Vector, 'sends' | 'decoded' | 'reject' | 'rejectCode'>): Run {
  const keys = new Keyring();
  const refusals = v.secrets.map((s) => {
    const r = keys.install(s.stationId, s.keyId, fromHex(s.secret) ?? new Uint8Array(0));
    return r.ok ? undefined : r.reason;
  });
  const common = { keys, vault: new MemoryCounterVault(), random: cyclic(v.random), hello: v.local };
  const rx = v.receiver.role === 'station'
    ? StationSession.create({ ...common, stationId: v.receiver.stationId, keyId: v.receiver.keyId })
    : HostSession.create(common);
  if (!rx.ok) throw new Error(rx.detail);
  const sends: string[] = [];
  if (v.connect) {
    if (!(rx.session instanceof StationSession)) throw new Error('only a station receiver connects in the vectors');
    const hi = rx.session.connect();
    if (!hi.ok) throw new Error(`connect: ${hi.reason} ${hi.detail}`);
    sends.push(toHex(hi.wire));
  }
  const verdicts: LastVerdict[] = [];
  const on = (e: SessionEvent) => {
    if (e.kind === 'send') sends.push(toHex(e.wire));
    else if (e.kind === 'refused') verdicts.push({ ok: false, reason: e.reason });
    else if (e.kind === 'handshake-refused') verdicts.push({ ok: true, kind: e.kind, frame: { nackReason: e.reason } });
    else if (e.kind !== 'ended') verdicts.push({ ok: true, kind: e.kind, frame: JSON.parse(JSON.stringify(frameToJson(e.header, e.message))) });
  };
  rx.session.receive(fromHex(v.hex) ?? new Uint8Array(0), 0, on);
  return { refusals, sends, last: verdicts.at(-1), verdicts };
}

/** The expectation of a finished vector, in its JSON fields. */
export function expectation(last: LastVerdict): Pick<Vector, 'decoded' | 'reject' | 'rejectCode'> {
  return last.ok ? { decoded: last.frame } : { reject: last.reason, rejectCode: REASONS[last.reason].code };
}
