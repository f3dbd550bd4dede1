// An AMQP 1.0 peer for `npm test`, made with rhea's own listener: it accepts every message the gateway publishes and
// keeps it, hands the gateway requests on the address it listens to, and collects the answers. It can go away
// (connections dropped, the port closed) and come back on the same port: a broker outage. It can also restart as
// RabbitMQ 3.x does, whose semantics of a node's durability it keeps: the first link to an address declares the node
// with the durability its terminus asks for, a link asking for another is refused (the session ended with
// amqp:precondition-failed), and a restart deletes every transient node with the messages it had accepted. The real
// broker (RabbitMQ) is in the interop suite; this one lets the default test run exercise the gateway's AMQP code.
import type * as rhea from 'rhea';
import { create_container, message as amqpMessageUtil } from 'rhea';
import type { Server, Socket } from 'node:net';
import { bodyText } from '../../src/gateway/amqp';

export interface Received {
  readonly address: string;
  readonly messageId: string;
  readonly subject: string | undefined;
  readonly correlationId: string | undefined;
  readonly json: string;
  /** Whether the node it was accepted into survives a restart. */
  readonly durableNode: boolean;
}

export class TestBroker {
  readonly received: Received[] = [];
  private container = create_container({ id: 'test-broker', autoaccept: false } as never);
  private server: Server | undefined;
  private readonly conns = new Set<rhea.Connection>();
  private readonly sockets = new Set<Socket>();
  private requestSenders: rhea.Sender[] = [];
  /** Nodes by address, with their durability (true: survives a restart). */
  readonly nodes = new Map<string, boolean>();
  /** Links refused because they asked for another durability than their node's. */
  refused = 0;
  /** Messages are settled `accepted` unless this says otherwise. */
  outcome: (r: Received) => 'accept' | 'release' | 'reject' | 'ignore' = () => 'accept';

  private constructor(readonly port: number) {
    this.container.on('connection_open', (ctx: rhea.EventContext) => this.conns.add(ctx.connection));
    this.container.on('disconnected', (ctx: rhea.EventContext) => this.conns.delete(ctx.connection));
    this.container.on('connection_close', (ctx: rhea.EventContext) => this.conns.delete(ctx.connection));
    this.container.on('receiver_open', (ctx: rhea.EventContext) => this.attach(ctx, ctx.receiver?.target));
    this.container.on('sender_open', (ctx: rhea.EventContext) => {
      if (this.attach(ctx, ctx.sender?.source)) this.requestSenders.push(ctx.sender!);
    });
    this.container.on('sender_close', (ctx: rhea.EventContext) => (this.requestSenders = this.requestSenders.filter((s) => s !== ctx.sender)));
    this.container.on('error', () => undefined);
    this.container.on('message', (ctx: rhea.EventContext) => {
      const m = ctx.message!;
      const r: Received = {
        address: ctx.receiver?.target?.address ?? '',
        messageId: String(m.message_id),
        subject: m.subject,
        correlationId: m.correlation_id === undefined ? undefined : String(m.correlation_id),
        json: bodyText(m) ?? '',
        durableNode: this.nodes.get(ctx.receiver?.target?.address ?? '') === true,
      };
      const o = this.outcome(r);
      if (o === 'ignore') return;
      if (o === 'accept') this.received.push(r);
      if (o === 'accept') ctx.delivery!.accept();
      else if (o === 'release') ctx.delivery!.release();
      else ctx.delivery!.reject({ condition: 'amqp:precondition-failed', description: 'test broker refuses it' });
      // rhea 3.0.5 batches consecutive dispositions into one range and, for a range of two, does not compare their
      // outcomes (session.js write_dispositions): an accept followed by a release would go out as two accepts. Each
      // settlement is therefore written at once, on its own.
      const session = (ctx as unknown as { session: { incoming: { process(s: unknown): void } } }).session;
      session.incoming.process(session);
    });
  }

  /** A link attaches to the node at its terminus's address: declared on first use, refused if durability disagrees. */
  private attach(ctx: rhea.EventContext, terminus: rhea.TerminusOptions | undefined): boolean {
    const address = terminus?.address;
    if (address === undefined || address === '') return true;
    const durable = (terminus?.durable ?? 0) >= 1;
    const node = this.nodes.get(address);
    if (node === undefined) this.nodes.set(address, durable);
    else if (node !== durable) {
      this.refused++;
      ctx.session!.close({ condition: 'amqp:precondition-failed', description: `inequivalent arg 'durable' for ${address}: received '${durable}' but current is '${node}'` });
      return false;
    }
    return true;
  }

  /** Declares a node, as an administrator (or another client) would before the gateway attaches. */
  declare(address: string, durable: boolean): void {
    this.nodes.set(address, durable);
  }

  /** Forgets a node, as an administrator deleting an empty queue would: the next link declares it anew. */
  deleteNode(address: string): void {
    this.nodes.delete(address);
  }

  static async start(port = 0): Promise<TestBroker> {
    const b = new TestBroker(port);
    await b.listen(port);
    return b;
  }

  private async listen(port: number): Promise<void> {
    const s = this.container.listen({ port, host: '127.0.0.1' }) as unknown as Server;
    await new Promise<void>((resolve, reject) => {
      s.once('listening', () => resolve());
      s.once('error', reject);
    });
    this.server = s;
    s.on('connection', (sock: Socket) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
    });
    const a = s.address();
    (this as { port: number }).port = typeof a === 'object' && a !== null ? a.port : port;
  }

  /** The broker goes away: every connection dropped, nobody may connect. */
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    // With an error: rhea hears of a socket's end only through 'end' or 'error' (not 'close'), and would otherwise
    // keep its heartbeat timer going for a connection that is gone.
    for (const sock of this.sockets) sock.destroy(new Error('the broker went away'));
    this.sockets.clear();
    this.conns.clear();
    this.requestSenders = [];
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  async up(): Promise<void> {
    await this.listen(this.port);
  }

  /** Restarts as RabbitMQ does: transient nodes are gone, and every message they had accepted with them. */
  async restart(): Promise<void> {
    await this.down();
    for (const [address, durable] of [...this.nodes]) if (!durable) this.nodes.delete(address);
    for (let i = this.received.length - 1; i >= 0; i--) if (!this.received[i]!.durableNode) this.received.splice(i, 1);
    await this.up();
  }

  /** Sends a request to whoever listens on `address`; resolves with the answer sent to `replyTo`. */
  async request(address: string, envelope: object, replyTo = 'test-replies', ms = 10_000): Promise<Received> {
    const id = `req-${Math.random().toString(36).slice(2)}`;
    const end = Date.now() + ms;
    let sender: rhea.Sender | undefined;
    while ((sender = this.requestSenders.find((s) => s.source?.address === address && s.sendable())) === undefined) {
      if (Date.now() > end) throw new Error(`nobody takes requests on ${address}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    sender.send({ message_id: id, reply_to: replyTo, body: amqpMessageUtil.data_section(Buffer.from(JSON.stringify(envelope), 'utf8')) });
    while (true) {
      const r = this.received.find((x) => x.correlationId === id);
      if (r !== undefined) return r;
      if (Date.now() > end) throw new Error(`no answer to ${id}`);
      await new Promise((res) => setTimeout(res, 10));
    }
  }

  /** CFX messages published (not answers), parsed. */
  published(address?: string): { messageId: string; envelope: { MessageName: string; UniqueID: string; Source: string } & Record<string, unknown> }[] {
    return this.received.filter((r) => r.correlationId === undefined && (address === undefined || r.address === address)).map((r) => ({ messageId: r.messageId, envelope: JSON.parse(r.json) }));
  }

  async stop(): Promise<void> {
    await this.down();
  }
}
