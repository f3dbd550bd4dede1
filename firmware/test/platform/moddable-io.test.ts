// The Moddable ESP32 adapters over stand-ins that behave as the SDK's ECMA-419 classes do (modules/io/serial/esp32,
// modules/io/socket/lwip, modules/io/i2c/esp32 in SDK 8.2.3): a write that does not fit throws, reads return what
// is there, callbacks say how much. The adapters cannot run here on real devices; these are their contracts.
import fc from 'fast-check';
import { SimClock } from '../../platform/sim/clock';
import { SimOutput } from '../../platform/sim/devices';
import { openSerial, type Ecma419Serial, type Ecma419SerialOptions } from '../../platform/moddable/serial';
import { listenTcp, type Ecma419Listener, type Ecma419Tcp, type Ecma419TcpOptions } from '../../platform/moddable/tcp';
import { ds3231, sht3x, sht3xCrc, type Ecma419I2c } from '../../platform/moddable/i2c';
import { TxQueue } from '../../platform/moddable/txqueue';

/** An ESP32 UART as embedded:io/serial shows it: a 128-byte TX FIFO, an RX FIFO, onWritable after construction. */
class FakeSerial implements Ecma419Serial {
  static last: FakeSerial | undefined;
  static refuse: string | undefined;
  readonly wire: number[] = [];
  fifo: number[] = [];
  rx: number[] = [];
  closed = false;
  constructor(readonly options: Ecma419SerialOptions) {
    if (FakeSerial.refuse !== undefined) throw new Error(FakeSerial.refuse);
    FakeSerial.last = this;
    options.onWritable.call(this, 128);
  }
  write(b: Uint8Array): void {
    if (b.length > 128 - this.fifo.length) throw new Error('output full');
    this.fifo.push(...b);
  }
  read(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.rx.length);
    buf.set(this.rx.splice(0, n));
    return n;
  }
  close(): void {
    this.closed = true;
  }
  /** The UART shifts `n` bytes out; the TX interrupt then reports the room. */
  shift(n: number): void {
    this.wire.push(...this.fifo.splice(0, n));
    this.options.onWritable.call(this, 128 - this.fifo.length);
  }
  receive(bytes: number[]): void {
    this.rx.push(...bytes);
    this.options.onReadable.call(this, this.rx.length);
  }
}

const RS485 = { name: 'RS-485', port: 1, transmit: 25, receive: 26, baud: 19200 } as const;

describe('serial over embedded:io/serial', () => {
  let clock: SimClock;
  beforeEach(() => {
    clock = new SimClock();
    FakeSerial.refuse = undefined;
  });

  it('refuses line settings the stock ESP32 driver cannot set, and passes them to a driver that can', () => {
    const r = openSerial(FakeSerial, { ...RS485, parity: 'even' }, { onData: () => {} }, { clock, timers: clock });
    expect(r).toMatchObject({ device: 'RS-485', reason: 'PLATFORM_UNSUPPORTED' });
    expect('detail' in r && r.detail).toMatch(/8N1 only; RS-485 needs 8E1/);
    const ok = openSerial(FakeSerial, { ...RS485, parity: 'even', lineSettings: 'driver' }, { onData: () => {} }, { clock, timers: clock });
    expect(ok).toMatchObject({ baud: 19200, parity: 'even', stopBits: 1 });
    expect(FakeSerial.last!.options).toMatchObject({ port: 1, transmit: 25, receive: 26, baud: 19200, format: 'buffer', parity: 'even', stopBits: 1 });
  });

  it('sends a frame longer than the FIFO whole and in order, and refuses one that does not fit the queue', () => {
    const p = openSerial(FakeSerial, { ...RS485, txCapacity: 512 }, { onData: () => {} }, { clock, timers: clock });
    if ('device' in p) throw new Error(p.detail);
    const frame = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect(p.write(frame)).toBe(true);
    const dev = FakeSerial.last!;
    expect(dev.fifo.length).toBe(128);
    while (dev.fifo.length > 0) dev.shift(dev.fifo.length);
    expect(dev.wire).toEqual(Array.from(frame));
    // Queue capacity 512: a 600-byte frame is refused whole, nothing of it sent.
    expect(p.write(new Uint8Array(600))).toBe(false);
    expect(dev.fifo.length).toBe(0);
  });

  it('drives RS-485 driver-enable high for a frame and low once its last byte can have left the UART', () => {
    const de = new SimOutput();
    const p = openSerial(FakeSerial, { ...RS485, parity: 'even', lineSettings: 'driver', driverEnable: de }, { onData: () => {} }, { clock, timers: clock });
    if ('device' in p) throw new Error(p.detail);
    expect(de.value).toBe(0);
    p.write(new Uint8Array(16));
    expect(de.value).toBe(1);
    const dev = FakeSerial.last!;
    // The TX interrupt comes with 9 bytes still in the FIFO: those and the one in the shift register are 10
    // characters of 11 bits (8E1) at 19 200 baud, 5.7 ms: released 7 ms later (rounded up, plus 1 ms).
    dev.shift(7);
    clock.advance(6);
    expect(de.value).toBe(1);
    clock.advance(1);
    expect(de.value).toBe(0);
    dev.shift(9);
    // A frame that follows before the release keeps the line driven through both.
    p.write(new Uint8Array(4));
    dev.shift(4);
    clock.advance(1);
    p.write(new Uint8Array(4));
    clock.advance(1);
    expect(de.value).toBe(1);
    dev.shift(4);
    clock.advance(1);
    expect(de.value).toBe(1);
    clock.advance(1);
    expect(de.value).toBe(0);
    p.close();
    expect(dev.closed).toBe(true);
  });

  it('hands received bytes on in order with the time they arrived, and names a port it could not open', () => {
    const got: number[] = [];
    let at = -1;
    const p = openSerial(FakeSerial, { ...RS485, name: 'scanner', port: 2, transmit: 17, receive: 16, baud: 9600 }, { onData: (b, t) => (got.push(...b), (at = t)) }, { clock, timers: clock });
    expect('device' in p).toBe(false);
    clock.advance(3);
    FakeSerial.last!.receive(Array.from({ length: 300 }, (_, i) => i % 251));
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i % 251));
    expect(at).toBe(3000);
    FakeSerial.refuse = 'in use';
    expect(openSerial(FakeSerial, { ...RS485, name: 'scanner', port: 2, transmit: 17, receive: 16, baud: 9600 }, { onData: () => {} }, { clock, timers: clock })).toEqual({
      device: 'scanner',
      reason: 'DEVICE_OPEN_FAILED',
      detail: 'scanner on UART2 (TX 17, RX 16): in use',
    });
  });
});

describe('the transmit queue', () => {
  it('delivers any sequence of frames whole, in order, for any room the device reports', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { maxLength: 12 }), fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 40 }), (frames, rooms) => {
        const sent: number[] = [];
        const q = new TxQueue(512, (b) => void sent.push(...b), 0);
        const accepted: number[] = [];
        let r = 0;
        for (const f of frames) {
          if (q.push(f)) accepted.push(...f);
          q.writable(rooms[r++ % rooms.length]!);
        }
        for (let i = 0; i < 50 && q.queued > 0; i++) q.writable(64);
        expect(sent).toEqual(accepted);
      }),
      { numRuns: 200 },
    );
  });
});

/** lwIP TCP as embedded:io/socket/tcp shows it: read(buffer) takes exactly its length or throws, write throws "would block". */
class FakeTcp implements Ecma419Tcp {
  static all: FakeTcp[] = [];
  rx: number[] = [];
  sent: number[] = [];
  room = 2920;
  closed = false;
  readonly remoteAddress = '10.0.0.9';
  readonly remotePort = 50123;
  constructor(readonly o: Ecma419TcpOptions) {
    FakeTcp.all.push(this);
  }
  read(buf: Uint8Array): number {
    if (buf.length > this.rx.length) throw new Error('invalid');
    buf.set(this.rx.splice(0, buf.length));
    return buf.length;
  }
  write(buf: Uint8Array): number {
    if (buf.length > this.room) throw new Error('would block');
    this.room -= buf.length;
    this.sent.push(...buf);
    return this.room;
  }
  close(): void {
    this.closed = true;
  }
  data(bytes: number[]): void {
    this.rx.push(...bytes);
    this.o.onReadable.call(this, this.rx.length);
  }
}

class FakeListener implements Ecma419Listener {
  static last: FakeListener;
  pending: unknown[] = [];
  closed = false;
  constructor(readonly o: { port: number; onReadable(this: Ecma419Listener, n: number): void }) {
    FakeListener.last = this;
  }
  read(): unknown {
    return this.pending.shift();
  }
  close(): void {
    this.closed = true;
  }
  connect(): void {
    this.pending.push({ raw: true });
    this.o.onReadable.call(this, this.pending.length);
  }
}

describe('TCP over embedded:io/socket/listener and tcp', () => {
  it('accepts a connection from the listener, reads in segment-sized pieces, queues writes the socket cannot take yet', () => {
    FakeTcp.all = [];
    const listen = listenTcp(FakeListener, FakeTcp, () => 42, 8192);
    const got: number[] = [];
    let remote = '';
    let conn: { write(b: Uint8Array): boolean; close(): void } | undefined;
    let closed = false;
    const l = listen({ port: 502, onConnection: (c, r) => ((conn = c), (remote = r), { onData: (b) => void got.push(...b), onClose: () => void (closed = true) }) });
    expect(FakeListener.last.o.port).toBe(502);
    FakeListener.last.connect();
    const s = FakeTcp.all[0]!;
    expect(s.o.from).toEqual({ raw: true });
    expect(remote).toBe('10.0.0.9:50123');
    s.data(Array.from({ length: 3000 }, (_, i) => i & 0xff));
    expect(got).toEqual(Array.from({ length: 3000 }, (_, i) => i & 0xff));
    // Nothing is tried before the socket says how much it takes (lwIP triggers onWritable once it is taken over).
    expect(conn!.write(new Uint8Array(5000).fill(7))).toBe(true);
    expect(s.sent.length).toBe(0);
    s.o.onWritable.call(s, 2920);
    expect(s.sent.length).toBe(2920);
    s.room = 4000;
    s.o.onWritable.call(s, 4000);
    expect(s.sent.length).toBe(5000);
    // A disconnect (lwIP reports every one through onError) ends the stream once.
    s.o.onError.call(s);
    s.o.onError.call(s);
    expect(closed).toBe(true);
    expect(conn!.write(new Uint8Array(1))).toBe(false);
    l.close();
    expect(FakeListener.last.closed).toBe(true);
  });

  it('closes a connection the firmware refuses', () => {
    FakeTcp.all = [];
    listenTcp(FakeListener, FakeTcp, () => 0)({ port: 4840, onConnection: () => undefined });
    FakeListener.last.connect();
    expect(FakeTcp.all[0]!.closed).toBe(true);
  });
});

/** A Sensirion SHT3x on the bus: periodic mode on 0x2130, results fetched with 0xE000. */
class FakeSht implements Ecma419I2c {
  writes: number[][] = [];
  t = 0x6666;
  h = 0x8000;
  fail: string | undefined;
  corrupt = false;
  write(b: Uint8Array): void {
    if (this.fail !== undefined) throw new Error(this.fail);
    this.writes.push(Array.from(b));
  }
  read(buf: Uint8Array): void {
    if (this.fail !== undefined) throw new Error(this.fail);
    const [t1, t2, h1, h2] = [this.t >> 8, this.t & 0xff, this.h >> 8, this.h & 0xff];
    buf.set([t1, t2, sht3xCrc(t1, t2) ^ (this.corrupt ? 1 : 0), h1, h2, sht3xCrc(h1, h2)]);
  }
}

describe('the SHT3x T/RH sensor on embedded:io/i2c', () => {
  it('checks the datasheet CRC example and converts readings as the datasheet says', () => {
    expect(sht3xCrc(0xbe, 0xef)).toBe(0x92);
    const dev = new FakeSht();
    const s = sht3x(dev);
    expect(dev.writes[0]).toEqual([0x21, 0x30]);
    expect(s.sample()).toEqual({ ok: true, tempC: 25, rhPct: 50 });
    expect(dev.writes.at(-1)).toEqual([0xe0, 0x00]);
  });

  it('reports a CRC error or a bus error as no reading, and starts the sensor again after a bus error', () => {
    const dev = new FakeSht();
    const s = sht3x(dev);
    dev.corrupt = true;
    expect(s.sample()).toEqual({ ok: false, detail: 'SHT3x CRC error' });
    dev.corrupt = false;
    dev.fail = 'read failed';
    expect(s.sample()).toEqual({ ok: false, detail: 'SHT3x read: read failed' });
    dev.fail = undefined;
    const before = dev.writes.length;
    expect(s.sample()).toMatchObject({ ok: false });
    expect(dev.writes[before]).toEqual([0x21, 0x30]);
    expect(s.sample()).toMatchObject({ ok: true });
  });
});

/** A DS3231: a register pointer set by the first written byte, the rest written from there. */
class FakeRtc implements Ecma419I2c {
  regs = new Uint8Array(19);
  ptr = 0;
  write(b: Uint8Array): void {
    this.ptr = b[0]!;
    for (let i = 1; i < b.length; i++) this.regs[this.ptr + i - 1] = b[i]!;
  }
  read(buf: Uint8Array): void {
    buf.set(this.regs.subarray(this.ptr, this.ptr + buf.length));
  }
}

describe('the DS3231 RTC', () => {
  it('keeps any time of this century to the second, and is trusted once set', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31, 23, 59, 59) / 1000 }), (s) => {
        const dev = new FakeRtc();
        dev.regs[0x0f] = 0x80;
        const rtc = ds3231(dev);
        expect(rtc.read()?.trusted).toBe(false);
        expect(rtc.write(s * 1000)).toBe(true);
        expect(rtc.read()).toEqual({ epochMs: s * 1000, trusted: true });
      }),
      { numRuns: 300 },
    );
  });

  it('does not trust a chip whose oscillator stopped, or one left in 12-hour mode', () => {
    const dev = new FakeRtc();
    const rtc = ds3231(dev);
    rtc.write(Date.UTC(2026, 0, 5, 6, 0, 0));
    dev.regs[0x0f] = 0x80;
    expect(rtc.read()?.trusted).toBe(false);
    rtc.write(Date.UTC(2026, 0, 5, 6, 0, 0));
    dev.regs[2] = dev.regs[2]! | 0x40;
    expect(rtc.read()?.trusted).toBe(false);
  });
});
