// The firmware in its engines: the bridge protocol round-trips and is total on any bytes, nothing of Node's reaches
// the engines' globals, QuickJS runs under a 256 KiB stack, XS's heap figures are its own, and the same inputs give
// the same journal, record for record, in Node, QuickJS and XS.
import fc from 'fast-check';
import { bridge } from '../../firmware/platform/bridge/engine';
import { Reader, Writer } from '../../firmware/platform/bridge/abi';
import type { Message } from '../../protocol/src/messages';
import { BenchStation, engineBundle } from '../../host-sim/bench/bench';
import { QJS_STACK_BYTES, qjsEngine, xsEngine } from '../../host-sim/bench/engines';
import { xsnapBinary, xsnapWordBits } from '../../host-sim/bench/xsnap';
import { OPERATOR, ORDER, POSITIONS, programLabel, REELS, STATION_CONFIG, BENCH_SECRET } from '../../hw-tests/fixtures';
import { HostClient } from '../../hw-tests/host';
import { benchAsTarget } from '../../hw-tests/targets';

jest.setTimeout(120_000);

/** What Node has and an engine on a controller must not: the firmware must never find these. */
const NODE_ONLY = ['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'console', 'setTimeout', 'setInterval', 'queueMicrotask', 'fetch', 'structuredClone'];

describe('the bridge protocol', () => {
  it('reads back what was written, and reads any bytes without throwing (short reads say so)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.double({ noNaN: true }), fc.uint8Array({ maxLength: 64 }), (a, b, c, d, e) => {
        const w = new Writer(15 + e.length).u8(a).u16(b).u32(c).f64(d).put(e);
        const r = new Reader(w.bytes);
        expect([r.u8(), r.u16(), r.u32(), r.f64(), Array.from(r.rest())]).toEqual([a, b, c, d, Array.from(e)]);
        expect(r.ok).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), (bytes) => {
        const r = new Reader(bytes);
        r.u32();
        r.f64();
        r.bytesN(100);
        expect(r.ok).toBe(bytes.length >= 112);
      }),
    );
  });

  it('takes any command from the host without throwing, booted or not', () => {
    const calls: number[] = [];
    const handle = bridge((req) => {
      calls.push(new Uint8Array(req)[0]!);
      return new ArrayBuffer(0);
    });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(() => handle(bytes.slice().buffer)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe('the engines', () => {
  const engines: ('qjs' | 'xs')[] = ['qjs', ...(xsnapBinary() === undefined ? [] : ['xs' as const])];

  it.each(engines)('%s: no Node global is there, and the bundle adds no global but handleCommand', async (kind) => {
    // A handleCommand that answers with the engine's global names, run with and without the bundle before it.
    const probe = `globalThis.handleCommand = function () { var s = JSON.stringify(Object.getOwnPropertyNames(globalThis)); var b = new Uint8Array(s.length); for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); return b.buffer; };`;
    const globals = async (code: string) => {
      const e = kind === 'qjs' ? await qjsEngine(code, () => new Uint8Array(0)) : await xsEngine(code, () => new Uint8Array(0));
      const seen = JSON.parse(new TextDecoder().decode(await e.command(new Uint8Array([0])))) as string[];
      e.dispose();
      return seen;
    };
    const bare = await globals(probe);
    const withBundle = await globals(`${engineBundle(kind)};${probe}`);
    for (const n of NODE_ONLY) expect(withBundle).not.toContain(n);
    expect(bare).toContain('issueCommand');
    expect(withBundle.filter((n) => !bare.includes(n))).toEqual([]);
  });

  it('qjs: the interpreter stack is limited to 256 KiB, so runaway recursion is an error, not a crash', async () => {
    expect(QJS_STACK_BYTES).toBeLessThanOrEqual(256 * 1024);
    const e = await qjsEngine('globalThis.handleCommand = function(){ function f(n){ return f(n + 1) + 1; } try { f(0); return new Uint8Array([0]).buffer; } catch (e) { return new Uint8Array([e instanceof RangeError || String(e).indexOf("stack") >= 0 ? 1 : 2]).buffer; } };', () => new Uint8Array(0));
    expect(Array.from(await e.command(new Uint8Array([0])))).toEqual([1]);
    e.dispose();
  });

  it.each(engines)('%s: memory is read from the engine after each step', async (kind) => {
    const b = await BenchStation.loaded({ engine: kind, provision: { config: STATION_CONFIG, secret: BENCH_SECRET } });
    const base = (await b.memory())!;
    await b.start();
    const booted = (await b.memory())!;
    if (base.engine === 'xs' && booted.engine === 'xs') {
      expect(booted.slots).toBeGreaterThan(base.slots);
      expect(booted.chunkBytes).toBeGreaterThan(base.chunkBytes);
      // The snapshot's slot count and the meter's (taken after the same collection) agree.
      expect(Math.abs(booted.slots - booted.meter.currentHeapCount)).toBeLessThan(booted.slots * 0.05);
      // The slot size is the worker's pointer width: 32 bytes built for 64 bits, 16 for 32 (tools/bin/xsnap-32bit.sh).
      expect(booted.slotBytes).toBe(xsnapWordBits() === 32 ? 16 : 32);
    } else if (base.engine === 'qjs' && booted.engine === 'qjs') {
      expect(booted.usedBytes).toBeGreaterThan(base.usedBytes);
      expect(base.codeBytes).toBeGreaterThan(100_000);
    }
    await b.stop();
  });
});

/** The same inputs on each engine: host session, work order, setup, a board, the first-off, a power cut. */
async function journalOf(kind: 'node' | 'qjs' | 'xs'): Promise<Map<number, Message>> {
  const bench = await BenchStation.start({ engine: kind, provision: { config: STATION_CONFIG, secret: BENCH_SECRET } });
  const t = benchAsTarget(bench, BENCH_SECRET);
  const h = await HostClient.open(t);
  const at = Date.UTC(2026, 0, 5, 6, 0, 0) / 1000;
  await h.send({ type: 'TimeSync', body: { utcTime: at, millis: 0 } });
  await h.send({ type: 'BadgeRecord', body: { badge: '1001', operatorIdentifier: 'OP-1', role: 'operator', active: true } });
  await h.workOrder(ORDER);
  await bench.scan(OPERATOR);
  await bench.scan('CMD:OPEN-DRY');
  await bench.scan(REELS['B1.F.4']);
  for (const p of POSITIONS) {
    await bench.scan(p);
    await bench.scan(REELS[p]);
  }
  await bench.scan(programLabel());
  await bench.advance(20_000);
  await bench.machineBoard();
  await bench.advance(90_000);
  await bench.powerCycle(2_000);
  const h2 = await HostClient.open(t);
  await h2.readJournal();
  await bench.stop();
  const out = new Map<number, Message>();
  for (const [seq, m] of h2.journal) out.set(seq, m);
  return out;
}

describe('one firmware, three engines', () => {
  it('journals the same records, in the same order, with the same contents, in Node, QuickJS and XS', async () => {
    const node = await journalOf('node');
    expect(node.size).toBeGreaterThan(20);
    expect([...node.values()].map((m) => m.type)).toEqual(expect.arrayContaining(['WorkOrderActivated', 'SlotVerified', 'BoardTrace', 'StationBooted']));
    const engines: ('qjs' | 'xs')[] = ['qjs', ...(xsnapBinary() === undefined ? [] : ['xs' as const])];
    for (const kind of engines) expect([...(await journalOf(kind))]).toEqual([...node]);
  });
});
