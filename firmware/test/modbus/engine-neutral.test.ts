// The Modbus server goes into the firmware bundle: it must build for a neutral platform, reach no host global,
// and give, in an embedded-class engine (QuickJS), byte for byte the answers it gives in Node: PDUs, an RTU
// line with its timing, and a TCP connection with split segments, all on the simulated platform.
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { bundle } from '../../../tools/src/build/bundle';
import { HOST_GLOBALS, runInQuickJS } from '../../../tools/src/build/quickjs';
import { hostilePdu, prng } from './hostile';
import { IDENTITY, sampleView } from './station';

/** Runs in either engine against the bundle's global `M`; returns the answers as one JSON string. */
function script(pdus: number[][]): string {
  return `(function () {
  var view = ${JSON.stringify(sampleView())};
  var identity = ${JSON.stringify(IDENTITY)};
  var log = [];
  var backend = {
    view: function () { return view; },
    identity: function () { return identity; },
    write: function (w, from) { log.push([w, from]); return w.kind === 'reverify' && w.slot > 3 ? 'SLOT_UNKNOWN' : 'OK'; }
  };
  var hex = function (b) { var s = ''; for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16); return s; };
  var pdus = ${JSON.stringify(pdus)};
  var out = { pdu: [], rtu: [], tcp: [], log: log };
  var counters = M.newCounters();
  var buf = new Uint8Array(260);
  pdus.forEach(function (p) {
    var ctx = { backend: backend, counters: counters, transport: 'tcp', peer: 'qjs', unitId: 1, broadcast: false };
    var n = M.answer(new Uint8Array(p), 0, p.length, ctx, buf, 0);
    out.pdu.push(hex(buf.subarray(0, n)));
  });
  var clock = new M.SimClock();
  var line = new M.SimSerialLine({ baud: 9600, parity: 'even', stopBits: 1 }, clock);
  var rtu = M.startRtuServer({ open: line.open, unitId: 3, clock: clock, timers: clock, backend: backend });
  pdus.slice(0, 200).forEach(function (p) {
    var f = new Uint8Array(p.length + 3); f[0] = 3; f.set(p, 1);
    var c = M.crc16(f, 0, p.length + 1); f[p.length + 1] = c & 255; f[p.length + 2] = c >>> 8;
    line.receive(f.subarray(0, 2), clock.monotonicUs() + 1000);
    line.receive(f.subarray(2), clock.monotonicUs() + 1000 + 2 * 1146);
    clock.advance(400);
    line.take().forEach(function (s) { out.rtu.push([hex(s.bytes), s.atUs]); });
  });
  out.rtuCounters = rtu.server.counters;
  var net = new M.SimNet({ clock: clock, maxSegment: 7, seed: 9 });
  var tcp = M.startTcpServer({ listen: net.listen, port: 502, clock: clock, timers: clock, backend: backend });
  var got = [];
  var conn = net.connect(502, { onData: function (b) { got.push(hex(b)); } });
  var stream = [];
  pdus.slice(0, 200).forEach(function (p, i) { stream.push(i >> 8, i & 255, 0, 0, (p.length + 1) >> 8, (p.length + 1) & 255, 1); p.forEach(function (x) { stream.push(x); }); });
  conn.write(new Uint8Array(stream));
  net.run();
  out.tcp = got.join('');
  out.tcpCounters = tcp.server.counters;
  return JSON.stringify(out);
})()`;
}

describe('Modbus server in an embedded-class engine', () => {
  let code = '';
  let server = '';
  beforeAll(async () => {
    code = (await bundle(join(__dirname, 'quickjs-entry.ts'), { globalName: 'M' })).code;
    server = (await bundle(join(__dirname, '..', '..', 'modbus', 'index.ts'), { globalName: 'WardenModbus' })).code;
  });

  it('builds for platform "neutral" and uses no host globals', () => {
    for (const host of HOST_GLOBALS) {
      expect(server).not.toMatch(host);
      expect(code).not.toMatch(host);
    }
  });

  it('answers PDUs, RTU frames and TCP streams in QuickJS byte for byte as in Node', async () => {
    const rnd = prng(7);
    const pdus = Array.from({ length: 600 }, () => Array.from(hostilePdu(rnd)));
    const s = script(pdus);
    const inQuickJS = await runInQuickJS([code, s]);
    const inNode = runInNewContext(`${code};${s}`, {}) as string;
    const parsed = JSON.parse(inQuickJS) as { pdu: string[]; rtu: unknown[]; tcp: string };
    expect(parsed.pdu).toHaveLength(600);
    expect(parsed.rtu.length).toBeGreaterThan(50);
    expect(parsed.tcp.length).toBeGreaterThan(1000);
    expect(inQuickJS).toBe(inNode);
  });
});
