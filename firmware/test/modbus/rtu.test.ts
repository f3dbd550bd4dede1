// The RTU server on a simulated serial line with virtual time: framing by silence, addresses, CRC, broadcast,
// and the counters a technician reads.
import { crc16 } from '../../../protocol/src/modbus/crc16';
import { SimClock } from '../../platform/sim/clock';
import { SimSerialLine, type LineSettings } from '../../platform/sim/serial';
import { rtuTiming } from '../../modbus/rtu-framer';
import { startRtuServer } from '../../modbus/rtu-server';
import { req, rtuFrame } from './helpers';
import { STATION_STATES } from '../../../protocol/src/vocabulary';
import { makeStation } from './station';

const LINE: LineSettings = { baud: 19200, parity: 'even', stopBits: 1 };
const CHAR = 11e6 / 19200; // µs per character: 11 bits

function rig(settings: LineSettings = LINE, unitId = 7) {
  const clock = new SimClock();
  const line = new SimSerialLine(settings, clock);
  const station = makeStation();
  const r = startRtuServer({ open: line.open, unitId, clock, timers: clock, backend: station.backend, portName: 'sim0' });
  if (!r.ok) throw new Error(r.detail);
  return { clock, line, station, server: r.server };
}

/** Sends a frame as a UART delivers it, one burst at the current time, then lets the line go quiet. */
function send(clock: SimClock, line: SimSerialLine, frame: Uint8Array, quietMs = 10): void {
  line.receive(frame, clock.monotonicUs() + CHAR);
  clock.advanceUs(frame.length * CHAR + quietMs * 1000);
}

describe('RTU line timing', () => {
  it('computes t1.5 and t3.5 from baud and parity, 11 bits with parity or two stop bits', () => {
    const t = rtuTiming(9600, 'even', 1);
    expect(t.charUs).toBeCloseTo(1145.83, 1);
    expect(t.t15Us).toBeCloseTo(1718.75, 1);
    expect(t.t35Us).toBeCloseTo(4010.42, 1);
    expect(rtuTiming(9600, 'none', 2).charUs).toBeCloseTo(t.charUs, 6);
    expect(rtuTiming(9600, 'none', 1).charUs).toBeCloseTo(10e6 / 9600, 6);
    expect(rtuTiming(19200, 'odd', 1).t35Us).toBeCloseTo(3.5 * CHAR, 6);
  });

  it('fixes the timers above 19200 baud: t1.5 = 750 µs, t3.5 = 1750 µs', () => {
    for (const baud of [38400, 57600, 115200]) {
      const t = rtuTiming(baud, 'even', 1);
      expect([t.t15Us, t.t35Us]).toEqual([750, 1750]);
    }
  });
});

describe('RTU server', () => {
  let r: ReturnType<typeof rig>;
  beforeEach(() => {
    r = rig();
  });

  const answerTo = (pdu: number[]): number[] => {
    send(r.clock, r.line, rtuFrame(7, pdu));
    const sent = r.line.take();
    expect(sent).toHaveLength(1);
    return Array.from(sent[0]!.bytes);
  };

  it('answers a request for its address with address, PDU and CRC low byte first, after 3.5 characters of silence', () => {
    r.line.receive(rtuFrame(7, req.read(0x04, 0, 2)), 1000);
    r.clock.advanceUs(1000 + 7 * CHAR + 3.4 * CHAR);
    expect(r.line.sent).toHaveLength(0); // 3.4 characters after the last byte: the frame may go on
    r.clock.advance(5);
    const [reply] = r.line.take();
    const v = r.station.view();
    const body = [7, 0x04, 4, 0, 1, 0, STATION_STATES.indexOf(v.state)];
    const crc = crc16(Uint8Array.from(body), 0, body.length);
    expect(Array.from(reply!.bytes)).toEqual([...body, crc & 0xff, crc >>> 8]);
    expect(reply!.atUs - (1000 + 7 * CHAR)).toBeGreaterThanOrEqual(r.server.timing.t35Us);
  });

  it('drops frames for other addresses and reserved addresses without a word', () => {
    for (const a of [1, 6, 8, 247, 248, 255]) send(r.clock, r.line, rtuFrame(a, req.read(0x04, 0, 1)));
    expect(r.line.take()).toHaveLength(0);
    expect(r.server.counters.busFrames).toBe(6);
    expect(r.server.counters.requests).toBe(0);
  });

  it('drops a frame with a bad CRC and counts it', () => {
    const f = rtuFrame(7, req.read(0x04, 0, 1));
    f[f.length - 1]! ^= 0x01;
    send(r.clock, r.line, f);
    expect(r.line.take()).toHaveLength(0);
    expect(r.server.counters.crcErrors).toBe(1);
  });

  it('discards a frame with a gap over 1.5 characters inside it', () => {
    const f = rtuFrame(7, req.read(0x04, 0, 1));
    r.line.receive(f.subarray(0, 3), 1000);
    r.line.receive(f.subarray(3), 1000 + 3 * CHAR + 2 * CHAR); // 2 characters of silence
    r.clock.advance(20);
    expect(r.line.take()).toHaveLength(0);
    expect(r.server.counters.frameErrors).toBe(1);
  });

  it('keeps a frame whose gap is within 1.5 characters', () => {
    const f = rtuFrame(7, req.read(0x04, 0, 1));
    r.line.receive(f.subarray(0, 3), 1000);
    r.line.receive(f.subarray(3), 1000 + 3 * CHAR + 1.4 * CHAR);
    r.clock.advance(20);
    expect(r.line.take()).toHaveLength(1);
  });

  it('separates two frames by 3.5 characters of silence, even when the timer is late', () => {
    const a = rtuFrame(7, req.read(0x04, 0, 1));
    const b = rtuFrame(7, req.read(0x04, 1, 1));
    r.line.receive(a, 1000);
    r.line.receive(b, 1000 + (a.length - 1) * CHAR + 4.6 * CHAR); // 3.6 characters of silence; arrives before any timer ran
    r.clock.advance(20);
    expect(r.line.take()).toHaveLength(2);
    expect(r.server.counters.requests).toBe(2);
  });

  it('treats frames closer than 3.5 characters as one, which fails its CRC', () => {
    const a = rtuFrame(7, req.read(0x04, 0, 1));
    const b = rtuFrame(7, req.read(0x04, 1, 1));
    r.line.receive(a, 1000);
    r.line.receive(b, 1000 + (a.length - 1) * CHAR + 2 * CHAR); // 1 character of silence
    r.clock.advance(20);
    expect(r.line.take()).toHaveLength(0);
    expect(r.server.counters.busFrames).toBe(1);
  });

  it('drops frames over 256 bytes and under 4 as framing errors', () => {
    send(r.clock, r.line, new Uint8Array(300).fill(7));
    send(r.clock, r.line, Uint8Array.from([7, 4, 0]));
    expect(r.line.take()).toHaveLength(0);
    expect(r.server.counters.frameErrors).toBe(2);
  });

  it('acts on a broadcast write and never answers it', () => {
    send(r.clock, r.line, rtuFrame(0, req.writeCoil(0, 0xff00)));
    send(r.clock, r.line, rtuFrame(0, req.read(0x04, 0, 1)));
    expect(r.line.take()).toHaveLength(0);
    expect(r.station.journal()).toEqual([{ write: { kind: 'ack-alarms' }, from: { transport: 'rtu', unitId: 0, peer: 'sim0' } }]);
    expect(r.server.counters.noResponse).toBe(2);
  });

  it('answers exceptions with the function code | 0x80', () => {
    const reply = answerTo(req.read(0x04, 0, 126));
    expect(reply.slice(0, 3)).toEqual([7, 0x84, 3]);
  });

  it('shows its counters in input registers 96–127', () => {
    const bad = rtuFrame(7, req.read(0x04, 0, 1));
    bad[2]! ^= 0xff;
    send(r.clock, r.line, bad);
    send(r.clock, r.line, rtuFrame(9, req.read(0x04, 0, 1)));
    const reply = answerTo(req.read(0x04, 96, 10));
    const w = (i: number) => (reply[3 + 4 * i]! << 24) | (reply[4 + 4 * i]! << 16) | (reply[5 + 4 * i]! << 8) | reply[6 + 4 * i]!;
    expect([w(0), w(1), w(2), w(3), w(4)]).toEqual([1, 3, 1, 0, 0]); // requests, bus frames, CRC, framing, exceptions
  });

  it('stops at close(): no answers, the port closed', () => {
    r.server.close();
    expect(r.line.opened).toBe(false);
    send(r.clock, r.line, rtuFrame(7, req.read(0x04, 0, 1)));
    expect(r.line.take()).toHaveLength(0);
  });

  it('refuses settings out of range with a typed result', () => {
    const clock = new SimClock();
    for (const unitId of [0, 248, 1.5]) {
      const res = startRtuServer({ open: new SimSerialLine(LINE).open, unitId, clock, timers: clock, backend: makeStation().backend });
      expect(res).toMatchObject({ ok: false, reason: 'MODBUS_CONFIG_INVALID' });
    }
    const line = new SimSerialLine({ baud: 0, parity: 'none', stopBits: 1 });
    expect(startRtuServer({ open: line.open, unitId: 1, clock, timers: clock, backend: makeStation().backend })).toMatchObject({ ok: false, reason: 'MODBUS_CONFIG_INVALID' });
    expect(line.opened).toBe(false);
  });
});

describe('RTU server at 115200 baud', () => {
  it('uses the fixed 1.75 ms end-of-frame silence', () => {
    const r = rig({ baud: 115200, parity: 'none', stopBits: 2 }, 1);
    r.line.receive(rtuFrame(1, req.read(0x04, 0, 1)), 0);
    r.clock.advanceUs(8 * (11e6 / 115200) + 1700);
    expect(r.line.sent).toHaveLength(0);
    r.clock.advance(2);
    expect(r.line.take()).toHaveLength(1);
  });
});
