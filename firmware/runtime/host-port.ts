// Where the host reaches a station: a TCP port the station listens on, or its serial host link. Over TCP at most
// two connections are held: the current session and one newcomer that must authenticate within the handshake
// time, so a stranger can neither pile up connections nor push the real host out (a newcomer replaces the old
// session only once its own handshake has succeeded). Every link's session spends the station's one MAC budget
// (`station.macBudget`, PROTOCOL.md §3.6), so reconnecting buys a flood no HMAC checks.
import type { ByteStream, ListenTcp, TcpListener } from '../platform/hal';
import { HostLink } from './host-link';
import type { Station } from './station';

/** A connection that has not authenticated within this long is closed (ms). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS = 2;

export class HostPort {
  private links: { link: HostLink; since: number }[] = [];
  private listener: TcpListener | undefined;

  constructor(private readonly station: Station) {}

  /** Listens for the host on `port` (0: do not listen). */
  listen(listenTcp: ListenTcp, port: number): void {
    if (port === 0) return;
    this.listener = listenTcp({
      port,
      onConnection: (conn) => {
        this.expire();
        if (this.links.length >= MAX_CONNECTIONS) {
          // Drop the oldest newcomer that has not authenticated; never the established session.
          const stranger = this.links.find((x) => !x.link.established);
          if (stranger === undefined) return undefined;
          this.drop(stranger.link);
        }
        return this.attach(conn);
      },
    });
  }

  /** The serial host link: one stream, always the station's, opened now. */
  serial(stream: ByteStream): (bytes: Uint8Array, atUs: number) => void {
    const cb = this.attach(stream);
    return (bytes, atUs) => cb.onData(bytes, atUs);
  }

  private attach(conn: ByteStream) {
    const link = new HostLink(this.station, conn, (l) => this.established(l));
    this.links.push({ link, since: this.station.monotonicMs() });
    link.connect();
    const cb = link.callbacks();
    return {
      onData: cb.onData,
      onClose: () => {
        cb.onClose?.();
        this.links = this.links.filter((x) => x.link !== link);
      },
    };
  }

  private established(l: HostLink): void {
    for (const x of this.links) if (x.link !== l) this.drop(x.link);
  }

  private drop(l: HostLink): void {
    l.close();
    this.links = this.links.filter((x) => x.link !== l);
  }

  private expire(): void {
    const now = this.station.monotonicMs();
    for (const x of [...this.links]) if (!x.link.established && now - x.since > HANDSHAKE_TIMEOUT_MS) this.drop(x.link);
  }

  /** Time passed: Hello retries, handshake timeouts. Call with the station's tick. */
  tick(): void {
    this.expire();
    for (const x of this.links) x.link.tick();
  }

  /** The established session, if any (status pages, tests). */
  get current(): HostLink | undefined {
    return this.links.find((x) => x.link.established)?.link;
  }

  close(): void {
    this.listener?.close();
    for (const x of [...this.links]) this.drop(x.link);
  }
}
