// The host end of the suite: the protocol's own HostSession on one connection to the station, as the line's
// MES or gateway runs it. It answers the station's Hello, sends sealed frames, waits for their Ack or Nack, and
// keeps every journal record the station pushes or the host reads, decoded.
import { randomFillSync } from 'node:crypto';
import { MemoryCounterVault } from '../protocol/src/counters';
import { cobsDecode } from '../protocol/src/cobs';
import { decodePayload, unseal, type FrameHeader } from '../protocol/src/frame';
import { HostSession } from '../protocol/src/host-session';
import { Keyring } from '../protocol/src/keys';
import { MESSAGES, type Message, type MessageBody, type MessageName } from '../protocol/src/messages';
import type { SessionEvent } from '../protocol/src/session';
import type { WorkOrder } from '../protocol/src/workorder';
import { until, type Conn, type Target } from './target';

export interface JournalItem {
  readonly sequence: number;
  readonly message: Message;
}

export type Answer = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export class HostClient {
  readonly events: SessionEvent[] = [];
  /** Every wire frame the host sent, in order (to replay them). */
  readonly sent: Uint8Array[] = [];
  /** Journal records by sequence, as pushed live or read. */
  readonly journal = new Map<number, Message>();
  private readonly session: HostSession;
  private t0 = Date.now();

  private constructor(
    private readonly t: Target,
    readonly conn: Conn,
    vault: MemoryCounterVault,
  ) {
    const keys = new Keyring(4);
    const k = keys.install(t.stationId, t.keyId, t.secret);
    if (!k.ok) throw new Error(k.detail);
    const made = HostSession.create({
      keys,
      vault,
      random: (dst) => void randomFillSync(dst),
      hello: { softwareVersion: 'warden hw-test 1.0', role: 'other', capabilities: ['journal'], maxFrameBytes: 512, maxSlots: 0, maxReels: 0, journalCapacity: 0 },
    });
    if (!made.ok) throw new Error(made.detail);
    this.session = made.session;
    conn.onData((bytes) => this.session.receive(bytes, Date.now() - this.t0, (e) => this.onEvent(e)));
  }

  /** Connects to the station's host port and completes the handshake (the station speaks first). */
  static async open(t: Target, vault = new MemoryCounterVault()): Promise<HostClient> {
    const conn = await t.connect(t.ports.host);
    if (conn === undefined) throw new Error(`${t.name}: the host port ${t.ports.host} refused the connection`);
    const h = new HostClient(t, conn, vault);
    await until(t, () => h.established, 'session with the station');
    return h;
  }

  get established(): boolean {
    return this.session.peer(this.t.stationId) !== undefined;
  }

  private onEvent(e: SessionEvent): void {
    this.events.push(e);
    if (e.kind === 'send') void this.put(e.wire);
    if (e.kind === 'message' && e.message.type === 'JournalRecords') {
      for (const r of e.message.body.records) {
        const d = decodePayload(r.recordType, r.data);
        if (d.ok) this.journal.set(r.sequence, d.message);
      }
    }
  }

  /** When our frames went out (target time), to stay inside the station's MAC budget (20 frames/s, burst 40). */
  private readonly sentAt: number[] = [];
  private elapsed = 0;

  private async put(wire: Uint8Array): Promise<void> {
    // A station drops frames beyond its MAC budget unanswered (a flood looks like one), so a host paces itself.
    while (this.sentAt.filter((x) => x > this.elapsed - 1000).length >= 18) {
      await this.t.wait(50);
      this.elapsed += 50;
    }
    this.sentAt.push(this.elapsed);
    if (this.sentAt.length > 64) this.sentAt.splice(0, 32);
    this.sent.push(wire);
    return this.conn.write(wire);
  }

  /** Messages the station sent in the session, in order. */
  messages(): Message[] {
    return this.events.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
  }

  /** Journal records of one type, in sequence order. */
  records<N extends MessageName>(type: N): MessageBody<N>[] {
    return [...this.journal.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, m]) => (m.type === type ? [m.body as MessageBody<N>] : []));
  }

  private answerTo(counter: number): Answer | undefined {
    for (const m of this.messages()) {
      if (m.type === 'Ack' && m.body.ackedCounter === counter) return { ok: true };
      if (m.type === 'Nack' && m.body.ackedCounter === counter) return { ok: false, reason: m.body.reason };
    }
    return undefined;
  }

  /** Sends a message with an Ack requested; resolves with the station's Ack or Nack. */
  async send(m: Message): Promise<Answer> {
    const s = this.session.send(this.t.stationId, m, { ackRequested: true });
    if (!s.ok) throw new Error(`${m.type}: ${s.reason} ${s.detail}`);
    await this.put(s.wire);
    let a: Answer | undefined;
    await until(this.t, () => (a = this.answerTo(s.counter)) !== undefined, `answer to ${m.type}`);
    return a!;
  }

  /** Sends a request and resolves with the first reply of `type` that came after it. */
  async request<N extends MessageName>(m: Message, type: N): Promise<MessageBody<N>> {
    const before = this.messages().length;
    const s = this.session.send(this.t.stationId, m, { ackRequested: false });
    if (!s.ok) throw new Error(`${m.type}: ${s.reason} ${s.detail}`);
    await this.put(s.wire);
    let reply: Message | undefined;
    await until(this.t, () => (reply = this.messages().slice(before).find((x) => x.type === type)) !== undefined, type);
    return reply!.body as MessageBody<N>;
  }

  status(): Promise<MessageBody<'StatusReport'>> {
    return this.request({ type: 'StatusRequest', body: {} }, 'StatusReport');
  }

  /** Downloads a work order (Begin, Terms, chunks, Commit); resolves with the answer to the Commit. */
  async workOrder(order: WorkOrder): Promise<Answer> {
    const w = this.session.sendWorkOrder(this.t.stationId, order, { ackRequested: true });
    if (!w.ok) throw new Error(`work order: ${w.reason} ${w.detail}`);
    for (const f of w.frames) await this.put(f);
    const commit = headerOf(w.frames.at(-1)!)?.counter ?? -1;
    let a: Answer | undefined;
    await until(this.t, () => (a = this.answerTo(commit)) !== undefined, 'answer to the work order');
    return a!;
  }

  /** Reads the whole journal from `from` on (JournalRead until nothing more), keeping every record. */
  async readJournal(from = 1): Promise<number[]> {
    const seqs: number[] = [];
    for (let next = from, more = true; more; ) {
      const r = await this.request({ type: 'JournalRead', body: { fromSequence: next, maxRecords: 16 } }, 'JournalRecords');
      for (const x of r.records) seqs.push(x.sequence);
      more = r.moreAvailable && r.records.length > 0;
      next = (seqs.at(-1) ?? next - 1) + 1;
    }
    return seqs;
  }

  /** Raw bytes onto the wire (garbage, a recorded frame). */
  inject(bytes: Uint8Array): Promise<void> {
    return this.conn.write(bytes);
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}

/** The header of a frame as it is on the wire (0x00 · COBS(body) · 0x00). */
export function headerOf(wire: Uint8Array): FrameHeader | undefined {
  const body = cobsDecode(wire.subarray(1, wire.length - 1));
  if (body === undefined) return undefined;
  const u = unseal(body);
  return u.ok ? u.header : u.header;
}

export { MESSAGES };
