// Sending counters that survive power cuts. A counter stream is (station id, key id, direction); its sender
// must never use a value twice. The session asks a CounterVault, which the runtime implements over its state
// store, to record durably "counters up to R may be used" before it uses any counter above the last such R;
// after a reboot it resumes at R + 1. A cut therefore wastes at most one block of counters and never reuses one.
import type { Direction } from './frame';
import type { ReasonName } from './reasons';

export interface CounterStream {
  readonly stationId: number;
  readonly keyId: number;
  readonly direction: Direction;
}

export type VaultResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

/** Durable reservations, one number per stream. Both calls are synchronous and return only once done. */
export interface CounterVault {
  /** The highest counter reserved for the stream (0 if it was never used). A read failure must be reported, never guessed. */
  reserved(stream: CounterStream): VaultResult<number>;
  /** Records durably that counters up to `upTo` (greater than the last reservation) may be used. */
  reserve(stream: CounterStream, upTo: number): VaultResult<number>;
}

/** Counters reserved per write: one state-store update per 256 frames sent. */
export const COUNTER_BLOCK = 256;
export const MAX_COUNTER = 0xffffffff;

export type CounterResult =
  | { readonly ok: true; readonly counter: number }
  | { readonly ok: false; readonly reason: 'COUNTER_EXHAUSTED' | 'COUNTER_NOT_RESERVED'; readonly detail: string };

/** The next counter of one stream, reserved ahead through the vault. */
export class SendCounter {
  /** 0 until the vault has been read. */
  private next = 0;
  private upTo = 0;

  constructor(
    private readonly vault: CounterVault,
    readonly stream: CounterStream,
    private readonly block: number = COUNTER_BLOCK,
  ) {}

  private load(): CounterResult | undefined {
    if (this.next !== 0) return undefined;
    const r = this.vault.reserved(this.stream);
    if (!r.ok) return { ok: false, reason: 'COUNTER_NOT_RESERVED', detail: `${r.reason}: ${r.detail}` };
    if (!Number.isInteger(r.value) || r.value < 0 || r.value > MAX_COUNTER) {
      return { ok: false, reason: 'COUNTER_NOT_RESERVED', detail: `the vault holds ${String(r.value)}, not a counter` };
    }
    this.upTo = r.value;
    this.next = r.value + 1;
    return undefined;
  }

  /** The counter the next frame gets, reserved durably; it is spent only by `spend()`. */
  peek(): CounterResult {
    const failed = this.load();
    if (failed !== undefined) return failed;
    if (this.next > MAX_COUNTER) return { ok: false, reason: 'COUNTER_EXHAUSTED', detail: 'every counter of this key id is used: install a new key id' };
    if (this.next > this.upTo) {
      const upTo = Math.min(this.next + this.block - 1, MAX_COUNTER);
      const r = this.vault.reserve(this.stream, upTo);
      if (!r.ok) return { ok: false, reason: 'COUNTER_NOT_RESERVED', detail: `${r.reason}: ${r.detail}` };
      this.upTo = upTo;
    }
    return { ok: true, counter: this.next };
  }

  /** Marks the peeked counter used (the frame was built). */
  spend(): void {
    this.next++;
  }

  /** Continues above a counter the peer has already accepted (Hello.lastCounterReceived, a REPLAY Nack); never goes back. */
  skipPast(last: number): CounterResult | undefined {
    const failed = this.load();
    if (failed !== undefined) return failed;
    if (Number.isInteger(last) && last >= this.next) this.next = Math.min(last, MAX_COUNTER) + 1;
    return undefined;
  }

  /** The counter the next frame would get (0 before the vault was read). */
  get nextCounter(): number {
    return this.next;
  }
}

/**
 * The send counters of one end, shared by all its sessions: a new session (a reconnect) continues each stream
 * inside the block already reserved, where a counter of its own would reserve (write) a fresh block and skip the
 * rest of the last one. One per stream the end has sent on (its own station id and key ids: bounded).
 */
export class SendCounters {
  private readonly byStream = new Map<string, SendCounter>();
  constructor(
    readonly vault: CounterVault,
    private readonly block: number = COUNTER_BLOCK,
  ) {}
  of(stream: CounterStream): SendCounter {
    const key = `${stream.stationId}/${stream.keyId}/${stream.direction}`;
    let c = this.byStream.get(key);
    if (c === undefined) {
      c = new SendCounter(this.vault, stream, this.block);
      this.byStream.set(key, c);
    }
    return c;
  }
}

/**
 * The highest counter accepted from each peer, per station id and key id, shared by all the sessions of one end: a
 * station passes its one set to every host link, so a frame recorded on one connection is still a replay on the next
 * (and a replay never counts as the peer's own frame, §3.6). RAM only: after a reboot the session nonces refuse what
 * was recorded before (§3.4). Bounded by the peers that authenticated (a station: its own id).
 */
export class PeerCounters {
  private readonly byStation = new Map<number, Map<number, number>>();
  /** The counters of one station's streams, by key id. */
  of(stationId: number): Map<number, number> {
    let m = this.byStation.get(stationId);
    if (m === undefined) {
      m = new Map();
      this.byStation.set(stationId, m);
    }
    return m;
  }
}

/** A vault in memory, for tests and the simulator: `reserved` is what would be on flash. */
export class MemoryCounterVault implements CounterVault {
  readonly stored = new Map<string, number>();
  private static key(s: CounterStream): string {
    return `${s.stationId}/${s.keyId}/${s.direction}`;
  }
  reserved(stream: CounterStream): VaultResult<number> {
    return { ok: true, value: this.stored.get(MemoryCounterVault.key(stream)) ?? 0 };
  }
  reserve(stream: CounterStream, upTo: number): VaultResult<number> {
    this.stored.set(MemoryCounterVault.key(stream), upTo);
    return { ok: true, value: upTo };
  }
}
