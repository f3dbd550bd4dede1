// Properties of the two decoders a PLC relies on: whatever the bytes and however they are cut, the RTU framer
// and the MBAP reader never throw, account for every frame, and give the same answers for the same stream.
import fc from 'fast-check';
import { newCounters } from '../../../protocol/src/modbus/counters';
import { RtuFramer, rtuTiming } from '../../modbus/rtu-framer';
import { startTcpServer } from '../../modbus/tcp-server';
import { SimClock } from '../../platform/sim/clock';
import { SimNet } from '../../platform/sim/net';
import { hostilePdu, prng } from './hostile';
import { mbap, rtuFrame } from './helpers';
import { makeStation } from './station';

const RUNS = 1000;
const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });
/** A request PDU of any kind (drawn from the hostile generator, seeded by fast-check). */
const pduArb = fc.integer().map((seed) => Array.from(hostilePdu(prng(seed))));

describe('RTU framer', () => {
  const timing = rtuTiming(19200, 'even', 1);

  it('is total on arbitrary bytes at arbitrary times, and accounts for every frame it ends', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(bytes(300), fc.integer({ min: -10_000, max: 20_000 })), { maxLength: 30 }), (chunks) => {
        const counters = newCounters();
        let delivered = 0;
        const framer = new RtuFramer(timing, counters, (buf, n) => {
          expect(n).toBeGreaterThanOrEqual(4);
          expect(n).toBeLessThanOrEqual(256);
          expect(buf.length).toBeGreaterThanOrEqual(n);
          delivered++;
        });
        let t = 0;
        for (const [b, gap] of chunks) {
          t += gap;
          framer.push(b, t);
          framer.poll(t);
        }
        framer.poll(Number.MAX_SAFE_INTEGER);
        expect(framer.dueInUs(0)).toBe(-1);
        expect(counters.busFrames).toBe(delivered + counters.crcErrors + counters.frameErrors);
      }),
      { numRuns: RUNS },
    );
  });

  it('delivers exactly the frames sent, however each is cut, while no gap inside a frame exceeds 1.5 characters', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(pduArb, fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 6 }), fc.double({ min: 0, max: 1.4, noNaN: true })), { minLength: 1, maxLength: 12 }),
        (frames) => {
          const got: string[] = [];
          const framer = new RtuFramer(timing, newCounters(), (buf, n) => got.push(Buffer.from(buf.subarray(0, n)).toString('hex')));
          const want: string[] = [];
          let t = 1000;
          for (const [pdu, cuts, gapChars] of frames) {
            const f = rtuFrame(5, pdu);
            want.push(Buffer.from(f).toString('hex'));
            let i = 0;
            for (const c of [...cuts, f.length]) {
              const j = Math.min(f.length, i + c);
              if (j <= i) continue;
              framer.push(f.subarray(i, j), t + i * timing.charUs);
              t += gapChars * timing.charUs; // silence inside the frame, under t1.5
              i = j;
            }
            t += f.length * timing.charUs + timing.t35Us + 1;
          }
          framer.poll(t + 1e9);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('Modbus/TCP reader', () => {
  function serve(maxSegment: number | undefined, seed: number) {
    const clock = new SimClock();
    const net = new SimNet({ clock, seed, ...(maxSegment === undefined ? {} : { maxSegment }) });
    const r = startTcpServer({ listen: net.listen, port: 502, clock, timers: clock, backend: makeStation().backend });
    if (!r.ok) throw new Error(r.detail);
    const got: number[] = [];
    let closed = false;
    const conn = net.connect(502, { onData: (b) => got.push(...b), onClose: () => (closed = true) })!;
    return {
      send(b: Uint8Array) {
        conn.write(b);
        net.run();
      },
      got,
      counters: r.server.counters,
      get closed() {
        return closed;
      },
    };
  }

  it('is total on arbitrary bytes in arbitrary segments: it answers or closes, and never throws', () => {
    fc.assert(
      fc.property(fc.array(bytes(400), { maxLength: 10 }), fc.integer({ min: 1, max: 64 }), fc.integer(), (writes, seg, seed) => {
        const s = serve(seg, seed);
        for (const w of writes) s.send(w);
        expect(s.counters.connectionsOpen).toBe(s.closed ? 0 : 1);
        // Every answer is a whole, well-formed ADU.
        let at = 0;
        while (at < s.got.length) {
          expect(s.got[at + 2]).toBe(0);
          expect(s.got[at + 3]).toBe(0);
          const len = (s.got[at + 4]! << 8) | s.got[at + 5]!;
          expect(len).toBeGreaterThanOrEqual(2);
          expect(len).toBeLessThanOrEqual(254);
          at += 6 + len;
        }
        expect(at).toBe(s.got.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same answers to a stream of requests however it is cut into segments', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 255 }), pduArb), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer(),
        (reqs, seg, seed) => {
          const stream = Uint8Array.from(reqs.flatMap(([tid, unit, pdu]) => [...mbap(tid, unit, pdu)]));
          const whole = serve(undefined, 1);
          whole.send(stream);
          const cut = serve(seg, seed);
          cut.send(stream);
          expect(cut.got).toEqual(whole.got);
          expect(whole.counters.requests).toBe(reqs.length);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
