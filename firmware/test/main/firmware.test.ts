// The firmware as a platform's main module starts it: a board of devices in, the station with its scanner line,
// tick, host port and Modbus servers running. Here on the sim devices directly, without the engine bridge.
import { SimClock } from '../../platform/sim/clock';
import { seededRandom, SimOutput, simStackLight, SimSensor } from '../../platform/sim/devices';
import { SimFlash } from '../../platform/sim/flash';
import { SimNet } from '../../platform/sim/net';
import { PowerDomain } from '../../platform/sim/power';
import { SimSerialLine } from '../../platform/sim/serial';
import type { ByteStream, StreamCallbacks } from '../../platform/hal';
import { startFirmware, type Board, type DeviceFault } from '../../main/firmware';

const SECRET = new Uint8Array(32).fill(9);

function board(o: { faults?: DeviceFault[]; scanner?: boolean; rs485?: 'ok' | 'fault' } = {}) {
  const power = new PowerDomain();
  const clock = new SimClock({ rtc: { epochMs: Date.UTC(2026, 5, 1), trusted: true } });
  const net = new SimNet({ clock });
  const relay = new SimOutput();
  let scannerCb: StreamCallbacks | undefined;
  let scannerClosed = false;
  const line = new SimSerialLine({ baud: 19200, parity: 'even', stopBits: 1 }, clock);
  const boardHooks: (() => void)[] = [];
  const b: Board = {
    hal: {
      journalFlash: power.attach(new SimFlash({ sectorSize: 4096, sectorCount: 64, wordSize: 4 })),
      storeFlash: power.attach(new SimFlash({ sectorSize: 4096, sectorCount: 16, wordSize: 4 })),
      clock,
      runPermit: relay,
      stackLight: simStackLight(),
      sensor: new SimSensor(),
      random: seededRandom(3),
    },
    timers: clock,
    listen: net.listen,
    ...(o.scanner === false
      ? {}
      : {
          scanner: (cb: StreamCallbacks): ByteStream => {
            scannerCb = cb;
            return { write: () => true, close: () => void (scannerClosed = true) };
          },
        }),
    ...(o.rs485 === undefined ? {} : { rs485: (_l, cb) => (o.rs485 === 'ok' ? line.open(cb) : { device: 'RS-485', reason: 'DEVICE_OPEN_FAILED' as const, detail: 'UART1 in use' }) }),
    boardSignal: (fn) => {
      boardHooks.push(fn);
      return undefined;
    },
    ...(o.faults === undefined ? {} : { faults: o.faults }),
  };
  const scan = (s: string) => scannerCb!.onData(Uint8Array.from(`${s}\r`, (c) => c.charCodeAt(0)), clock.monotonicUs());
  return { b, clock, net, relay, scan, line, pulse: () => boardHooks.forEach((f) => f()), scannerClosed: () => scannerClosed };
}

describe('startFirmware', () => {
  it('starts the station fail-safe and feeds it scanner reads, ticks and board pulses', () => {
    const w = board();
    const events: string[] = [];
    const fw = startFirmware(w.b, { provision: { config: { stationId: 3 }, secret: SECRET }, onEvent: (e) => e.kind === 'reply' && events.push(`${e.input.kind}:${e.reply.reason}`) });
    expect(w.relay.value).toBe(0);
    expect(fw.station.permitView().reasons).toContain('NO_WORK_ORDER');
    w.scan('OP:unknown-badge');
    expect(events.at(-1)).toBe('scan:OPERATOR_UNKNOWN');
    // The tick is the board's timer: about once a second.
    const before = events.filter((e) => e.startsWith('tick')).length;
    w.clock.advance(5_000);
    expect(events.filter((e) => e.startsWith('tick')).length - before).toBe(5);
    w.pulse();
    expect(events.at(-1)).toMatch(/^board:/);
    fw.stop();
    w.clock.advance(5_000);
    expect(events.filter((e) => e.startsWith('tick')).length - before).toBe(5);
    expect(w.scannerClosed()).toBe(true);
  });

  it('serves the host and Modbus on the configured TCP ports, and Modbus RTU on RS-485 with the configured line', () => {
    const w = board({ rs485: 'ok' });
    const fw = startFirmware(w.b, { provision: { config: { stationId: 3, host: { tcpPort: 4000 }, modbus: { tcpPort: 1502, rtuBaud: 9600, rtuParity: 'odd' } }, secret: SECRET } });
    expect(fw.modbus.tcp).toBeDefined();
    expect(fw.modbus.rtu?.timing).toBeDefined();
    expect(w.line.opened).toBe(true);
    const got: Uint8Array[] = [];
    const c = w.net.connect(1502, { onData: (b) => void got.push(b.slice()) });
    expect(c).toBeDefined();
    c!.write(Uint8Array.of(0, 1, 0, 0, 0, 6, 1, 4, 0, 0, 0, 1));
    w.net.run();
    expect(got.length).toBe(1);
    expect(Array.from(got[0]!.subarray(7, 9))).toEqual([4, 2]);
    // The host port speaks first: the station's Hello.
    const host: Uint8Array[] = [];
    w.net.connect(4000, { onData: (b) => void host.push(b.slice()) });
    w.net.run();
    expect(host.length).toBeGreaterThan(0);
    expect(w.net.connect(502, { onData: () => {} })).toBeUndefined();
    fw.stop();
  });

  it('runs on without a device that could not be opened, and names it', () => {
    const w = board({ rs485: 'fault', faults: [{ device: 'SHT3x sensor', reason: 'DEVICE_OPEN_FAILED', detail: 'no answer at 0x44' }] });
    const fw = startFirmware(w.b, { provision: { config: { stationId: 3, modbus: { tcpPort: 0, rtuBaud: 19200 } }, secret: SECRET } });
    expect(fw.faults.map((f) => f.device)).toEqual(['SHT3x sensor', 'RS-485']);
    expect(fw.modbus.tcp).toBeUndefined();
    expect(fw.station.permitView().reasons).toContain('NO_WORK_ORDER');
    fw.stop();
  });
});
