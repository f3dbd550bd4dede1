// The TCP server on the in-memory network with virtual time: MBAP echo, pipelining, split and coalesced
// segments, the connection limit, eviction and the idle timeout.
import { SimClock } from '../../platform/sim/clock';
import { SimNet, type SimNetOptions } from '../../platform/sim/net';
import { startTcpServer, TCP_DEFAULTS, type TcpServerOptions } from '../../modbus/tcp-server';
import type { TcpListener } from '../../platform/hal';
import { be16, mbap, req } from './helpers';
import { makeStation } from './station';

const PORT = 502;

function rig(opts: Partial<TcpServerOptions<TcpListener>> = {}, net: SimNetOptions = {}) {
  const clock = new SimClock();
  const sim = new SimNet({ clock, ...net });
  const station = makeStation();
  const r = startTcpServer({ listen: sim.listen, port: PORT, clock, timers: clock, backend: station.backend, ...opts });
  if (!r.ok) throw new Error(r.detail);
  return { clock, sim, station, server: r.server };
}

/** A client connection that collects what it receives. */
function client(sim: SimNet) {
  const got: number[] = [];
  let closed = false;
  const conn = sim.connect(PORT, {
    onData: (b) => got.push(...b),
    onClose: () => {
      closed = true;
    },
  });
  return {
    conn,
    got,
    send(bytes: Uint8Array) {
      expect(conn!.write(bytes)).toBe(true);
      sim.run();
    },
    get closed() {
      return closed;
    },
  };
}

/** Splits a response stream into ADUs by their MBAP length. */
function adus(bytes: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 6 <= bytes.length; ) {
    const n = 6 + ((bytes[i + 4]! << 8) | bytes[i + 5]!);
    out.push(bytes.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('Modbus/TCP server', () => {
  it('echoes transaction and unit ids, protocol 0, and a length that counts unit and PDU', () => {
    const r = rig();
    const c = client(r.sim);
    c.send(mbap(0xabcd, 0x11, req.read(0x04, 0, 1)));
    expect(c.got).toEqual([0xab, 0xcd, 0, 0, 0, 5, 0x11, 0x04, 2, 0, 1]);
  });

  it('answers pipelined requests in order, coalesced in one segment', () => {
    const r = rig();
    const c = client(r.sim);
    const reqs = [mbap(1, 1, req.read(0x04, 0, 1)), mbap(2, 1, req.read(0x04, 0, 126)), mbap(3, 1, req.read(0x02, 0, 1)), mbap(4, 1, [0x07])];
    c.send(Uint8Array.from(reqs.flatMap((a) => [...a])));
    const got = adus(c.got);
    expect(got.map((a) => (a[0]! << 8) | a[1]!)).toEqual([1, 2, 3, 4]);
    expect(got[1]!.slice(7)).toEqual([0x84, 3]);
    expect(got[3]!.slice(7)).toEqual([0x87, 1]);
  });

  it('reassembles a request split into single bytes', () => {
    const r = rig();
    const c = client(r.sim);
    const whole = rig();
    const w = client(whole.sim);
    const a = mbap(9, 1, req.read(0x04, 0, 16));
    w.send(a);
    for (const b of a) c.send(Uint8Array.of(b));
    expect(c.got).toEqual(w.got);
    expect(c.got.length).toBe(9 + 32);
  });

  it('drops an ADU whose protocol id is not 0 and keeps the connection in step', () => {
    const r = rig();
    const c = client(r.sim);
    c.send(Uint8Array.from([...mbap(1, 1, req.read(0x04, 0, 1), 1), ...mbap(2, 1, req.read(0x04, 0, 1))]));
    expect(adus(c.got).map((a) => a[1])).toEqual([2]);
    expect(r.server.counters.frameErrors).toBe(1);
    expect(c.closed).toBe(false);
  });

  it('closes a connection whose length field cannot be right (0, 1, over 254), after answering what came before', () => {
    for (const length of [0, 1, 255, 0xffff]) {
      const r = rig();
      const c = client(r.sim);
      c.send(Uint8Array.from([...mbap(1, 1, req.read(0x04, 0, 1)), 0, 2, 0, 0, ...be16(length), 1, 4]));
      expect(adus(c.got)).toHaveLength(1);
      expect(c.closed).toBe(true);
      expect(r.server.counters.connectionsOpen).toBe(0);
    }
  });

  it('accepts a PDU of the maximum 253 bytes', () => {
    const r = rig();
    const c = client(r.sim);
    const pdu = [0x10, 0, 0, 0, 123, 246, ...new Array<number>(246).fill(0)];
    expect(pdu.length).toBe(252);
    c.send(mbap(1, 1, [...pdu, 0]));
    expect(adus(c.got)[0]!.slice(7)).toEqual([0x90, 3]);
  });

  it('serves several connections at once, each its own stream', () => {
    const r = rig();
    const a = client(r.sim);
    const b = client(r.sim);
    const f = mbap(5, 1, req.read(0x04, 0, 1));
    a.conn!.write(f.subarray(0, 4));
    b.conn!.write(f);
    a.conn!.write(f.subarray(4));
    r.sim.run();
    expect(a.got).toEqual(b.got);
    expect(r.server.counters.connectionsOpen).toBe(2);
  });

  it('refuses connections over the limit while the others are busy, and counts them', () => {
    const r = rig({ maxConnections: 2 });
    client(r.sim);
    client(r.sim);
    const third = client(r.sim);
    r.sim.run();
    expect(third.closed).toBe(true);
    expect(r.server.counters.connectionsRefused).toBe(1);
  });

  it('makes room for a new connection by closing the one idle longest, once it has been idle evictIdleMs', () => {
    const r = rig({ maxConnections: 2, evictIdleMs: 5000 });
    const old = client(r.sim);
    r.clock.advance(3000);
    const busy = client(r.sim);
    r.clock.advance(2500);
    busy.send(mbap(1, 1, req.read(0x04, 0, 1)));
    const fresh = client(r.sim);
    r.sim.run();
    expect(old.closed).toBe(true);
    expect(busy.closed).toBe(false);
    expect(fresh.closed).toBe(false);
    expect(r.server.counters.connectionsEvicted).toBe(1);
  });

  it('closes a connection with no complete request for the idle timeout, a trickle of bytes included', () => {
    const r = rig({ idleTimeoutMs: 5000 });
    const c = client(r.sim);
    const a = mbap(1, 1, req.read(0x04, 0, 1));
    for (let i = 0; i < 4; i++) {
      r.clock.advance(1000);
      c.send(a.subarray(i, i + 1));
    }
    r.clock.advance(999);
    r.sim.run();
    expect(c.closed).toBe(false);
    r.clock.advance(1);
    r.sim.run();
    expect(c.closed).toBe(true);
    expect(r.server.counters.connectionsIdleClosed).toBe(1);
  });

  it('keeps a polled connection open past the timeout', () => {
    const r = rig({ idleTimeoutMs: 5000 });
    const c = client(r.sim);
    for (let i = 0; i < 10; i++) {
      r.clock.advance(4000);
      c.send(mbap(i, 1, req.read(0x04, 0, 1)));
    }
    expect(c.closed).toBe(false);
    expect(adus(c.got)).toHaveLength(10);
  });

  it('drops a client that does not read its answers', () => {
    const r = rig({}, { sendBuffer: 200 });
    const c = client(r.sim);
    r.sim.setReading(c.conn!, false);
    const four = Uint8Array.from(Array.from({ length: 4 }, (_, i) => [...mbap(i, 1, req.read(0x04, 0, 16))]).flat());
    c.send(four); // 4 × 41 bytes of answers wait in the server's send buffer
    expect(r.server.counters.connectionsOpen).toBe(1);
    c.send(four); // 328 bytes would not fit: the server gives up on this client
    expect(r.server.counters.connectionsOpen).toBe(0);
    r.sim.setReading(c.conn!, true);
    r.sim.run();
    expect(adus(c.got)).toHaveLength(4);
    expect(c.closed).toBe(true);
  });

  it('closes everything at close()', () => {
    const r = rig();
    const c = client(r.sim);
    r.server.close();
    r.sim.run();
    expect(c.closed).toBe(true);
    expect(r.sim.connect(PORT, { onData: () => undefined })).toBeUndefined();
    expect(r.clock.timersPending).toBe(0);
  });

  it('refuses settings out of range with a typed result', () => {
    const clock = new SimClock();
    const sim = new SimNet();
    const backend = makeStation().backend;
    for (const bad of [{ maxConnections: 0 }, { maxConnections: 65 }, { idleTimeoutMs: 10 }, { evictIdleMs: -1 }, { port: 70000 }]) {
      expect(startTcpServer({ listen: sim.listen, clock, timers: clock, backend, ...bad })).toMatchObject({ ok: false, reason: 'MODBUS_CONFIG_INVALID' });
    }
    expect(TCP_DEFAULTS).toEqual({ maxConnections: 8, idleTimeoutMs: 60_000, evictIdleMs: 10_000 });
  });
});
