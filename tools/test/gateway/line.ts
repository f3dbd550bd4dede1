// A simulated line for the gateway's tests: real stations (Station.start over simulated flash, clock and devices),
// each serving its host link on loopback TCP through HostPort and the host-sim/node listener, their clocks moved
// on with real time. A station can lose power (its sockets die with it) and boot again on the same flash and port.
import { createServer } from 'node:net';
import { deriveStationSecret } from '../../../protocol/src/keys';
import type { JournalEntry } from '../../../firmware/core/trace/replay';
import { HostPort } from '../../../firmware/runtime/host-port';
import { nodeListenTcp } from '../../../host-sim/node/tcp';
import { rig, type Rig } from '../../../firmware/test/runtime/rig';

export const LINE_MASTER = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
export const LINE_MASTER_HEX = Buffer.from(LINE_MASTER).toString('hex');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const p = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(p));
    });
  });
}

export interface TestStation {
  readonly id: number;
  readonly port: number;
  readonly rig: Rig;
  readonly powered: boolean;
  /** Cuts the power: the station stops, its connections drop, its flash keeps what was written. */
  cut(): void;
  /** Boots again on the same flash and listens on the same port. */
  boot(): Promise<void>;
  /** Every record the station's journal holds, with its time to the second (as the host link carries it). */
  entries(): JournalEntry[];
  stop(): void;
}

export async function startStation(id: number, opts: { config?: Record<string, unknown>; rtc?: 'trusted' | 'untrusted' } = {}): Promise<TestStation> {
  const secret = deriveStationSecret(LINE_MASTER, id, 1);
  if (!secret.ok) throw new Error(secret.detail);
  const r = rig({ config: { stationId: id, keyId: 1, name: `station ${id}`, journal: { kib: 256 }, ...(opts.config ?? {}) }, secret: secret.key, seed: id, rtc: opts.rtc ?? 'trusted' });
  const tcpPort = await freePort();
  let hostPort: HostPort | undefined;
  let driver: ReturnType<typeof setInterval> | undefined;
  let powered = false;

  const listen = async () => {
    const listenTcp = nodeListenTcp({ lingerMs: 0 });
    let ready: Promise<number> | undefined;
    hostPort = new HostPort(r.station);
    hostPort.listen((o) => {
      const l = listenTcp(o);
      ready = l.ready;
      return l;
    }, tcpPort);
    await ready;
    powered = true;
    let last = performance.now();
    let sinceTick = 0;
    driver = setInterval(() => {
      const now = performance.now();
      const dt = Math.max(0, Math.round(now - last));
      last = now;
      r.clock.advance(dt);
      sinceTick += dt;
      if (sinceTick >= 200) {
        sinceTick = 0;
        r.station.input({ kind: 'tick' });
        hostPort?.tick();
      }
    }, 20);
  };
  await listen();

  const halt = () => {
    if (driver !== undefined) clearInterval(driver);
    driver = undefined;
    hostPort?.close();
    hostPort = undefined;
    powered = false;
  };

  return {
    id,
    port: tcpPort,
    rig: r,
    get powered() {
      return powered;
    },
    cut() {
      r.power.cut();
      halt();
    },
    async boot() {
      r.reboot({ offMs: 2000 });
      await listen();
    },
    entries() {
      return [...r.station.entries()].map((e) => ({ ...e, at: Math.floor(e.at / 1000) * 1000 }));
    },
    stop: halt,
  };
}

/** Waits until `cond` holds, polling; fails with `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
