// The gateway's AMQP 1.0 connection to the factory's broker, through rhea. CFX messages go out as the IPC-CFX SDK
// sends them (AmqpUtilities.MessageFromEnvelope): the envelope's JSON in one data section, durable, message-id =
// UniqueID, subject = "<handle>.<MessageName>", application properties cfx-topic / cfx-message / cfx-handle /
// cfx-target. A message counts as published only when the broker settles it `accepted`; anything else, or a lost
// connection, and it is sent again. Requests arrive on a receiver link and are settled only after they were
// answered, so a gateway that dies mid-request gets the request again. Reconnects with backoff.
// Its links ask for a durable node (terminus durability `configuration`): RabbitMQ 3.x declares the queue of a
// `/queue/NAME` address with the durability the link asks for, and a transient queue is deleted, with every
// message it had accepted, when the broker restarts; `accepted` then would not mean kept.
import type * as rhea from 'rhea';
import { create_container, message as amqpMessageUtil } from 'rhea';
import type { CfxEnvelopeLike } from './feed';

export interface BrokerOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: boolean;
  readonly address: string;
  readonly requests: string | undefined;
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
  /** AMQP container id (the gateway's CFX handle). */
  readonly containerId: string;
  /** The idle time-out asked of the broker (ms): a silent connection is dropped after twice this. Default 30 s. */
  readonly idleTimeoutMs?: number;
}

export type Outcome = { readonly kind: 'accepted' } | { readonly kind: 'retry'; readonly detail: string } | { readonly kind: 'rejected'; readonly detail: string };

/** A request from the broker: its envelope text and where the answer goes. */
export interface IncomingRequest {
  readonly text: string;
  readonly messageId: string | undefined;
  readonly replyTo: string | undefined;
}

export interface BrokerHooks {
  /** The request must be answered by `answer` (once); the broker takes the request back if the gateway dies first. */
  onRequest(req: IncomingRequest, answer: (reply: CfxEnvelopeLike | undefined) => void): void;
  onState(up: boolean, detail: string): void;
  /** The sender can take more messages. */
  onSendable(): void;
}

const REPLY_SENDERS = 16;

/** AMQP 1.0 terminus durability `configuration` (1): the node outlives the link and a broker restart. */
export const DURABLE_CONFIGURATION = 1;

/**
 * The terminus (source or target) of a link to a node that must survive a broker restart. Every client of such a
 * queue on RabbitMQ 3.x must ask for the same: it refuses a link whose durability disagrees with the queue's.
 */
export function durableTerminus(address: string): { readonly address: string; readonly durable: number } {
  return { address, durable: DURABLE_CONFIGURATION };
}

/** The CFX topic of a message name: everything before its last dot. */
export function cfxTopic(name: string): string {
  const i = name.lastIndexOf('.');
  return i < 0 ? name : name.slice(0, i);
}

/** The AMQP message of a CFX envelope, as the CFX SDK makes it. */
export function amqpMessage(env: CfxEnvelopeLike, json: string, extra: { to?: string; correlation_id?: string } = {}): rhea.Message {
  return {
    durable: true,
    message_id: env.UniqueID,
    ...(env.Target === null ? {} : { to: env.Target }),
    reply_to: env.Source,
    ...(env.RequestID === null ? {} : { correlation_id: env.RequestID }),
    ...extra,
    content_type: 'application/json; charset="utf-8"',
    creation_time: new Date(Date.parse(env.TimeStamp)),
    subject: `${env.Source}.${env.MessageName}`,
    application_properties: { 'cfx-topic': cfxTopic(env.MessageName), 'cfx-message': env.MessageName, 'cfx-handle': env.Source, 'cfx-target': env.Target },
    body: amqpMessageUtil.data_section(Buffer.from(json, 'utf8')),
  };
}

/** The text of a received message body: a data section, or an AMQP string. */
export function bodyText(m: rhea.Message): string | undefined {
  const b = m.body as unknown;
  if (typeof b === 'string') return b;
  if (Buffer.isBuffer(b)) return b.toString('utf8');
  if (typeof b === 'object' && b !== null && 'content' in b) {
    const c = (b as { content: unknown }).content;
    if (Buffer.isBuffer(c)) return c.toString('utf8');
    if (typeof c === 'string') return c;
  }
  return undefined;
}

export class Broker {
  private readonly container: rhea.Container;
  private conn: rhea.Connection | undefined;
  private sender: rhea.Sender | undefined;
  private readonly outcomes = new Map<rhea.Delivery, (o: Outcome) => void>();
  private readonly replies = new Map<string, rhea.Sender>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delay: number;
  private stopped = false;
  private isUp = false;
  lastError = '';
  connects = 0;

  constructor(
    private readonly o: BrokerOptions,
    private readonly hooks: BrokerHooks,
  ) {
    this.container = create_container({ id: o.containerId });
    // Session and link errors the connection does not handle reach the container; unhandled they would throw.
    this.container.on('error', (ctx: rhea.EventContext) => (this.lastError = errorText((ctx as { error?: unknown }).error)));
    this.delay = o.reconnect.minMs;
  }

  get up(): boolean {
    return this.isUp;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const c = this.container.connect({
      host: this.o.host,
      port: this.o.port,
      ...(this.o.username === undefined ? {} : { username: this.o.username }),
      ...(this.o.password === undefined ? {} : { password: this.o.password }),
      ...(this.o.tls ? { transport: 'tls' as const } : {}),
      reconnect: false,
      idle_time_out: this.o.idleTimeoutMs ?? 30_000,
    } as rhea.ConnectionOptions);
    this.conn = c;
    const sender = c.open_sender({ target: durableTerminus(this.o.address), autosettle: true });
    this.sender = sender;
    sender.on('sendable', () => {
      if (this.conn !== c) return; // a connection already given up
      if (!this.isUp) {
        this.isUp = true;
        this.delay = this.o.reconnect.minMs;
        this.connects++;
        this.hooks.onState(true, `connected to ${this.o.host}:${this.o.port}`);
      }
      this.hooks.onSendable();
    });
    const settled = (kind: 'accepted' | 'released' | 'rejected' | 'modified') => (ctx: rhea.EventContext) => {
      const d = ctx.delivery;
      if (d === undefined) return;
      const cb = this.outcomes.get(d);
      if (cb === undefined) return;
      this.outcomes.delete(d);
      if (kind === 'accepted') cb({ kind: 'accepted' });
      else if (kind === 'rejected') cb({ kind: 'rejected', detail: errorText(d.remote_state) });
      else cb({ kind: 'retry', detail: `the broker ${kind} it` });
    };
    sender.on('accepted', settled('accepted'));
    sender.on('released', settled('released'));
    sender.on('rejected', settled('rejected'));
    sender.on('modified', settled('modified'));
    sender.on('sender_error', (ctx: rhea.EventContext) => (this.lastError = `sender: ${errorText(ctx.sender?.error)}`));
    const requests = this.o.requests === undefined ? undefined : c.open_receiver({ source: durableTerminus(this.o.requests), autoaccept: false, credit_window: 16 });
    requests?.on('message', (ctx: rhea.EventContext) => this.onRequest(ctx));
    requests?.on('receiver_error', (ctx: rhea.EventContext) => (this.lastError = `requests: ${errorText(ctx.receiver?.error)}`));
    c.on('connection_error', (ctx: rhea.EventContext) => (this.lastError = errorText(ctx.connection.error)));
    c.on('error', (ctx: rhea.EventContext) => (this.lastError = errorText((ctx as { error?: unknown }).error)));
    c.on('disconnected', (ctx: rhea.EventContext) => this.lost(c, errorText((ctx as { error?: unknown }).error) || this.lastError || 'disconnected'));
    // The broker may end the session or detach a link and keep the connection open: RabbitMQ ends the session when
    // it refuses a link (a queue of another durability) and when it shuts down. Nothing flows on it again, so it is
    // lost like a dropped socket: said in the status, and connected afresh.
    sender.session.on('session_close', (ctx: rhea.EventContext) => this.lost(c, `the broker ended the session${colon(errorText(ctx.session?.error))}`));
    sender.on('sender_close', (ctx: rhea.EventContext) => this.lost(c, `the broker detached the link to ${this.o.address}${colon(errorText(ctx.sender?.error))}`));
    requests?.on('receiver_close', (ctx: rhea.EventContext) => this.lost(c, `the broker detached the link from ${this.o.requests}${colon(errorText(ctx.receiver?.error))}`));
  }

  /** Connection `c` can carry nothing more: everything in flight is sent again on the next one, after a backoff. */
  private lost(c: rhea.Connection, why: string): void {
    if (this.conn !== c) return;
    this.conn = undefined;
    this.lastError = why;
    this.down(why);
    // Closed once rhea has answered what the broker ended (its `end` goes out on the next tick; a close before it
    // is a protocol error RabbitMQ answers with a second close).
    setImmediate(() => c.is_open() && c.close());
    if (this.stopped) return;
    this.timer = setTimeout(() => this.connect(), this.delay * (0.8 + Math.random() * 0.4));
    this.timer.unref?.();
    this.delay = Math.min(this.o.reconnect.maxMs, this.delay * 2);
  }

  private down(why: string): void {
    const was = this.isUp;
    this.isUp = false;
    this.sender = undefined;
    this.replies.clear();
    // Nothing in flight will be settled now: the publisher sends it all again.
    const cbs = [...this.outcomes.values()];
    this.outcomes.clear();
    for (const cb of cbs) cb({ kind: 'retry', detail: `connection lost: ${why}` });
    if (was) this.hooks.onState(false, why);
  }

  /** True when a message sent now would go out. */
  canSend(): boolean {
    return this.isUp && this.sender !== undefined && this.sender.sendable();
  }

  send(env: CfxEnvelopeLike, json: string, outcome: (o: Outcome) => void): boolean {
    if (!this.canSend()) return false;
    const d = this.sender!.send(amqpMessage(env, json));
    this.outcomes.set(d, outcome);
    return true;
  }

  private onRequest(ctx: rhea.EventContext): void {
    const m = ctx.message;
    const delivery = ctx.delivery;
    if (m === undefined || delivery === undefined) return;
    const text = bodyText(m);
    const replyTo = typeof m.reply_to === 'string' ? m.reply_to : undefined;
    const messageId = m.message_id === undefined ? undefined : String(m.message_id);
    let done = false;
    this.hooks.onRequest({ text: text ?? '', messageId, replyTo }, (reply) => {
      if (done) return;
      done = true;
      if (reply !== undefined && replyTo !== undefined) this.reply(replyTo, reply, messageId);
      delivery.accept();
    });
  }

  private reply(address: string, env: CfxEnvelopeLike, correlationId: string | undefined): void {
    const c = this.conn;
    if (c === undefined || !this.isUp) return;
    let s = this.replies.get(address);
    if (s === undefined) {
      if (this.replies.size >= REPLY_SENDERS) {
        const [oldest, old] = this.replies.entries().next().value as [string, rhea.Sender];
        old.close();
        this.replies.delete(oldest);
      }
      s = c.open_sender({ target: { address }, autosettle: true });
      this.replies.set(address, s);
    }
    s.send(amqpMessage(env, JSON.stringify(env), correlationId === undefined ? {} : { correlation_id: correlationId }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const c = this.conn;
    this.conn = undefined;
    this.down('stopped');
    if (c === undefined || !c.is_open()) {
      c?.close();
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      t.unref?.();
      c.once('connection_close', () => {
        clearTimeout(t);
        resolve();
      });
      c.close();
    });
  }
}

function colon(detail: string): string {
  return detail === '' ? '' : `: ${detail}`;
}

function errorText(e: unknown): string {
  if (e === undefined || e === null) return '';
  if (e instanceof Error) return e.message;
  if (typeof e === 'object') {
    const x = e as { condition?: unknown; description?: unknown; error?: unknown; code?: unknown };
    if (x.condition !== undefined) return `${String(x.condition)}${x.description === undefined ? '' : `: ${String(x.description)}`}`;
    if (x.code !== undefined) return String(x.code);
    if (x.error !== undefined) return errorText(x.error);
  }
  return String(e);
}
