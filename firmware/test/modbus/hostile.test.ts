// The hostile run: random and mutated PDUs straight into the PDU layer, RTU ADUs down a simulated line and
// TCP ADUs through the simulated network, cut at random. Every answer must be the one the specification
// gives (oracle.ts), every write the one the request asked for; 0 crashes (no throw, no 04 from a healthy
// station), 0 hangs (everything here is synchronous and bounded; a loop would trip jest's timeout).
// WARDEN_CI_SCALE=1 (set by .ci/run): 10⁶ requests in all, about 11 s on an idle machine of this kind and three
// times that on a busy one; by default 2·10⁵. A failure names its seed: WARDEN_SEED=n replays it.
import { newCounters } from '../../../protocol/src/modbus/counters';
import { crc16 } from '../../../protocol/src/modbus/crc16';
import { MAX_PDU } from '../../../protocol/src/modbus/spec';
import type { PlcWrite, StationView } from '../../../protocol/src/station-view';
import type { ModbusBackend, WriteOrigin } from '../../modbus/backend';
import { answer, type RequestContext } from '../../modbus/pdu';
import { startRtuServer } from '../../modbus/rtu-server';
import { startTcpServer } from '../../modbus/tcp-server';
import { SimClock } from '../../platform/sim/clock';
import { SimNet } from '../../platform/sim/net';
import { SimSerialLine } from '../../platform/sim/serial';
import { hostilePdu, prng, type Rnd } from './hostile';
import { broadcastable, checkAnswer, expectedVerdict, expectedWrites, hex } from './oracle';
import { rtuFrame } from './helpers';
import { IDENTITY, sampleView } from './station';

const CI_SCALE = process.env['WARDEN_CI_SCALE'] === '1';
const N = CI_SCALE ? { pdu: 600_000, rtu: 200_000, tcp: 200_000 } : { pdu: 120_000, rtu: 40_000, tcp: 40_000 };
const SEED = Number(process.env['WARDEN_SEED'] ?? 20261201);

/** A station that takes every write and records it: the oracle then knows every answer. */
function permissive(): { backend: ModbusBackend; writes: { w: PlcWrite; from: WriteOrigin }[] } {
  const view: StationView = sampleView();
  const writes: { w: PlcWrite; from: WriteOrigin }[] = [];
  return {
    writes,
    backend: {
      view: () => view,
      identity: () => IDENTITY,
      write: (w, from) => {
        writes.push({ w, from });
        return 'OK';
      },
    },
  };
}

function fail(what: string, seed: number, i: number, req: Uint8Array, detail: string): never {
  throw new Error(`${what} #${i}: ${detail}\n  request ${hex(req)}\n  replay: WARDEN_SEED=${seed} npx jest firmware/test/modbus/hostile`);
}

const int = (rnd: Rnd, n: number) => Math.floor(rnd() * n);

describe(`hostile run (${N.pdu + N.rtu + N.tcp} requests${CI_SCALE ? ', CI scale' : ''}, seed ${SEED})`, () => {
  it(`PDU layer: ${N.pdu} random and mutated PDUs get only specified answers`, () => {
    const rnd = prng(SEED);
    const { backend, writes } = permissive();
    const counters = newCounters();
    const ctx: RequestContext = { backend, counters, transport: 'tcp', peer: 'hostile', unitId: 1, broadcast: false };
    const out = new Uint8Array(MAX_PDU);
    const seen = new Map<string, number>();
    for (let i = 0; i < N.pdu; i++) {
      const p = hostilePdu(rnd);
      writes.length = 0;
      const n = answer(p, 0, p.length, ctx, out, 0);
      const r = out.subarray(0, n);
      const bad = checkAnswer(p, r);
      if (bad !== undefined) fail('PDU', SEED, i, p, bad);
      const want = 'ok' in expectedVerdict(p) ? expectedWrites(p) : [];
      if (JSON.stringify(writes.map((x) => x.w)) !== JSON.stringify(want)) {
        fail('PDU', SEED, i, p, `writes ${JSON.stringify(writes.map((x) => x.w))}, expected ${JSON.stringify(want)}`);
      }
      const key = (r[0]! & 0x80) !== 0 ? `ex${r[1]}` : 'ok';
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(counters.serverFailures).toBe(0);
    // The run reached every kind of answer, not just the easy ones.
    for (const k of ['ok', 'ex1', 'ex2', 'ex3']) expect(seen.get(k) ?? 0).toBeGreaterThan(N.pdu / 100);
  });

  it(`RTU: ${N.rtu} frames for us, for others, broadcast, damaged or spoiled by a gap`, () => {
    const rnd = prng(SEED + 1);
    const clock = new SimClock();
    const line = new SimSerialLine({ baud: 115200, parity: 'even', stopBits: 1 }, clock);
    const { backend, writes } = permissive();
    const started = startRtuServer({ open: line.open, unitId: 17, clock, timers: clock, backend });
    if (!started.ok) throw new Error(started.detail);
    const charUs = started.server.timing.charUs;
    for (let i = 0; i < N.rtu; i++) {
      const p = hostilePdu(rnd);
      const k = rnd();
      const addr = k < 0.7 ? 17 : k < 0.8 ? 0 : 1 + int(rnd, 255);
      const f = rtuFrame(addr, Array.from(p));
      const damage = rnd() < 0.1;
      if (damage) f[int(rnd, f.length)]! ^= 1 << int(rnd, 8);
      // Deliver in 1–3 bursts; sometimes with a gap over t1.5 inside the frame.
      const spoil = rnd() < 0.05 && f.length > 1;
      const cut = f.length > 1 ? 1 + int(rnd, f.length - 1) : f.length;
      const t0 = clock.monotonicUs() + 1;
      line.receive(f.subarray(0, cut), t0);
      if (cut < f.length) line.receive(f.subarray(cut), t0 + cut * charUs + (spoil ? 800 : int(rnd, 600)));
      writes.length = 0;
      clock.advanceUs(f.length * charUs + 3000 + (spoil ? 800 : 600));
      const sent = line.take();
      const intact = !damage || crc16(f, 0, f.length - 2) === (f[f.length - 2]! | (f[f.length - 1]! << 8));
      const ours = intact && !spoil && f[0] === 17;
      if (!ours) {
        if (sent.length !== 0) fail('RTU', SEED + 1, i, f, `answered a frame it must drop: ${hex(sent[0]!.bytes)}`);
        const pdu = f.subarray(1, f.length - 2);
        const acts = intact && !spoil && f[0] === 0 && broadcastable(pdu) && 'ok' in expectedVerdict(pdu);
        if (JSON.stringify(writes.map((x) => x.w)) !== JSON.stringify(acts ? expectedWrites(pdu) : [])) fail('RTU', SEED + 1, i, f, `writes ${JSON.stringify(writes)}`);
        continue;
      }
      if (sent.length !== 1) fail('RTU', SEED + 1, i, f, `${sent.length} answers`);
      const r = sent[0]!.bytes;
      const rc = crc16(r, 0, r.length - 2);
      if (r[0] !== 17 || r[r.length - 2] !== (rc & 0xff) || r[r.length - 1] !== rc >>> 8) fail('RTU', SEED + 1, i, f, `bad answer frame ${hex(r)}`);
      const bad = checkAnswer(f.subarray(1, f.length - 2), r.subarray(1, r.length - 2));
      if (bad !== undefined) fail('RTU', SEED + 1, i, f, bad);
    }
    expect(started.server.counters.serverFailures).toBe(0);
    expect(started.server.counters.requests).toBeGreaterThan(N.rtu / 2);
  });

  it(`TCP: ${N.tcp} ADUs pipelined and cut into random segments, bad headers among them`, () => {
    const rnd = prng(SEED + 2);
    const clock = new SimClock();
    const net = new SimNet({ clock, maxSegment: 40, seed: SEED + 2 });
    const { backend } = permissive();
    const started = startTcpServer({ listen: net.listen, port: 502, clock, timers: clock, backend, maxConnections: 2 });
    if (!started.ok) throw new Error(started.detail);
    let sent = 0;
    let reconnects = 0;
    while (sent < N.tcp) {
      const got: number[] = [];
      let closed = false;
      const conn = net.connect(502, { onData: (b) => got.push(...b), onClose: () => (closed = true) })!;
      // A pipelined batch: what each ADU must get back (a PDU, or nothing).
      const batch: { tid: number; unit: number; pdu: Uint8Array; answered: boolean }[] = [];
      const wire: number[] = [];
      let poisoned = false;
      for (let k = 0; k < 25 && sent < N.tcp; k++, sent++) {
        const p = hostilePdu(rnd);
        const tid = int(rnd, 65536);
        const unit = int(rnd, 256);
        const h = rnd();
        if (h < 0.01) {
          // A length no server can trust: the connection must close after answering what came before.
          wire.push(tid >> 8, tid & 0xff, 0, 0, 0, rnd() < 0.5 ? 1 : 255, unit);
          poisoned = true;
          break;
        }
        const proto = h < 0.06 ? 1 + int(rnd, 65535) : 0;
        wire.push(tid >> 8, tid & 0xff, proto >> 8, proto & 0xff, (p.length + 1) >> 8, (p.length + 1) & 0xff, unit, ...p);
        batch.push({ tid, unit, pdu: p, answered: proto === 0 });
      }
      conn.write(Uint8Array.from(wire));
      net.run();
      let at = 0;
      for (const b of batch) {
        if (!b.answered) continue;
        if (at + 7 > got.length) fail('TCP', SEED + 2, sent, b.pdu, 'missing answer');
        const tid = (got[at]! << 8) | got[at + 1]!;
        const len = (got[at + 4]! << 8) | got[at + 5]!;
        if (tid !== b.tid || got[at + 2] !== 0 || got[at + 3] !== 0 || got[at + 6] !== b.unit) fail('TCP', SEED + 2, sent, b.pdu, `MBAP ${hex(Uint8Array.from(got.slice(at, at + 7)))}`);
        const bad = checkAnswer(b.pdu, Uint8Array.from(got.slice(at + 7, at + 6 + len)));
        if (bad !== undefined) fail('TCP', SEED + 2, sent, b.pdu, bad);
        at += 6 + len;
      }
      if (at !== got.length) fail('TCP', SEED + 2, sent, new Uint8Array(0), `${got.length - at} bytes of answers nobody asked for`);
      if (closed !== poisoned) fail('TCP', SEED + 2, sent, new Uint8Array(0), poisoned ? 'a bad length did not close the connection' : 'a good connection closed');
      conn.close();
      net.run();
      reconnects++;
    }
    expect(started.server.counters.serverFailures).toBe(0);
    expect(started.server.counters.connectionsOpen).toBe(0);
    expect(started.server.counters.connectionsAccepted).toBe(reconnects);
  });
});
