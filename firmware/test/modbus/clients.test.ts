// modbus-serial and jsmodbus against the firmware's TCP server over real loopback TCP: every function code and
// every exception, each answer checked against the station's own state (view(), identity(), journal()).
import { REASONS } from '../../../protocol/src/reasons';
import { INPUT_REGISTERS, SLOT_BASE, SLOT_STRIDE } from '../../../protocol/src/modbus/map';
import { SLOT_STATES } from '../../../protocol/src/vocabulary';
import { CLIENTS, serveStation, type Answer, type Client } from './clients';
import { expectedHeader, expectedObjects, fakeStation, makeStation, type StationUnderTest } from './station';

const code = (name: keyof typeof REASONS) => REASONS[name].code;
const ascii = (ws: readonly number[]) => String.fromCharCode(...ws.flatMap((w) => [w >>> 8, w & 0xff])).replace(/\0+$/, '');

function ok<T>(a: Answer<T>): T {
  if ('exception' in a) throw new Error(`exception ${a.exception}`);
  return a.ok;
}

function exc(a: Answer<unknown>): number | undefined {
  return 'exception' in a ? a.exception : undefined;
}

/** A client of `make` connected to the firmware's server for `station`, and how to take both down. */
async function connected(station: StationUnderTest, make: (port: number) => Promise<Client>) {
  const served = await serveStation(station);
  const client = await make(served.port);
  return {
    client,
    async close() {
      await client.close();
      served.server.close();
    },
  };
}

/** Per test: a station from the factory, served, and a client of `make` connected to it. */
function perTest(make: (port: number) => Promise<Client>) {
  const ctx = {} as { station: StationUnderTest; client: Client; close(): Promise<void> };
  beforeEach(async () => {
    ctx.station = makeStation();
    const c = await connected(ctx.station, make);
    ctx.client = c.client;
    ctx.close = c.close;
  });
  afterEach(() => ctx.close());
  return ctx;
}

describe.each(CLIENTS.map((make) => [make.name.replace(/Client$/, ''), make] as const))('%s against the firmware over loopback TCP', (_name, make) => {
  const t = perTest(make);

  it('FC 04: the header block says what the station says', async () => {
    expect(ok(await t.client.readInput(0, 16))).toEqual(expectedHeader(t.station.view()));
  });

  it('FC 04: reasons, work order and slot blocks', async () => {
    const v = t.station.view();
    const r = ok(await t.client.readInput(16, 70));
    expect(r.slice(0, v.reasons.length)).toEqual(v.reasons.map((n) => code(n)));
    expect(ascii(r.slice(17, 33))).toBe(v.workOrder!.identifier);
    expect(ascii(r.slice(41, 61))).toBe(v.workOrder!.recipeName);
    for (const [i, s] of v.slots.entries()) {
      const b = ok(await t.client.readInput(SLOT_BASE + SLOT_STRIDE * i, SLOT_STRIDE));
      expect([b[0], b[1], b[2], b[3]! * 65536 + b[4]!, ascii(b.slice(8))]).toEqual([
        SLOT_STATES.indexOf(s.state),
        code(s.reason),
        s.msdRemainingMin === null ? 0xffff : Math.min(s.msdRemainingMin, 0xfffe),
        s.quantity,
        s.position,
      ]);
    }
  });

  it('FC 02 and FC 01: discrete inputs from the station, command coils read 0', async () => {
    const v = t.station.view();
    expect(ok(await t.client.readDiscreteInputs(0, 7))).toEqual([v.runPermit, v.anyAlarm, v.workOrder !== undefined, v.firstOffPending, v.hostOnline, v.clockValid, false]);
    expect(ok(await t.client.readCoils(0, 2))).toEqual([false, false]);
  });

  it('FC 06 and FC 03: the heartbeat reaches the station, which journals the one that starts the watchdog, and reads back', async () => {
    ok(await t.client.writeRegister(0, 4321));
    expect(t.station.view().plcHeartbeat).toEqual({ value: 4321, lost: false });
    const j = t.station.journal().at(-1)!;
    expect(j.write).toEqual({ kind: 'heartbeat', value: 4321 });
    expect(j.from).toMatchObject({ transport: 'tcp', unitId: 1 });
    expect(j.from.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ok(await t.client.readHolding(0, 2))).toEqual([t.station.view().plcHeartbeat!.value, 0]);
  });

  it('FC 05 and FC 15: acknowledge and re-verify; the permit can only stay off', async () => {
    ok(await t.client.writeCoil(0, true));
    ok(await t.client.writeCoils(0, [false, true]));
    expect(t.station.journal().map((e) => e.write)).toEqual([{ kind: 'ack-alarms' }, { kind: 'reverify' }]);
    expect(t.station.view().slotsVerified).toBe(0);
    expect(t.station.view().runPermit).toBe(false);
    expect(ok(await t.client.readInput(6, 1))).toEqual([0]);
    expect(ok(await t.client.readDiscreteInputs(0, 1))).toEqual([false]);
  });

  it('FC 16: heartbeat and re-verify one slot in one request', async () => {
    ok(await t.client.writeRegisters(0, [7, 1]));
    expect(t.station.journal().map((e) => e.write)).toEqual([{ kind: 'heartbeat', value: 7 }, { kind: 'reverify', slot: 0 }]);
    expect(t.station.view().slots[0]).toMatchObject({ reason: 'SLOT_NOT_VERIFIED' });
    expect(t.station.view().slots[0]!.state).not.toBe('verified');
  });

  it('FC 43/14: basic, regular and individual identification from the station', async () => {
    const id = t.station.identity();
    const basic = ok(await t.client.readDeviceId(1, 0));
    expect(basic.conformity).toBe(0x82);
    expect(basic.objects).toEqual({ 0: id.vendorName, 1: id.productCode, 2: id.majorMinorRevision });
    expect(ok(await t.client.readDeviceId(2, 0)).objects).toEqual(expectedObjects(id));
    expect(ok(await t.client.readDeviceId(4, 6)).objects).toEqual({ 6: id.userApplicationName });
  });

  it('exception 02: past the end of every table, nothing written', async () => {
    expect(exc(await t.client.readInput(INPUT_REGISTERS - 1, 2))).toBe(2);
    expect(exc(await t.client.readInput(60000, 1))).toBe(2);
    expect(exc(await t.client.readDiscreteInputs(7, 1))).toBe(2);
    expect(exc(await t.client.readCoils(2, 1))).toBe(2);
    expect(exc(await t.client.readHolding(1, 2))).toBe(2);
    expect(exc(await t.client.writeCoil(2, true))).toBe(2);
    expect(exc(await t.client.writeRegister(2, 1))).toBe(2);
    expect(exc(await t.client.writeRegister(16, 1))).toBe(2); // input registers cannot be written
    expect(exc(await t.client.writeCoils(1, [true, true]))).toBe(2);
    expect(exc(await t.client.writeRegisters(1, [1, 1]))).toBe(2);
    expect(exc(await t.client.readDeviceId(4, 9))).toBe(2);
    expect(t.station.journal()).toHaveLength(0);
  });

  it('exception 03: a quantity outside the specification, even where the address is also bad', async () => {
    expect(exc(await t.client.readInput(0, 126))).toBe(3);
    expect(exc(await t.client.readHolding(60000, 126))).toBe(3);
    expect(exc(await t.client.writeRegisters(0, new Array<number>(120).fill(0)))).toBe(2); // a valid quantity: the range decides
    expect(exc(await t.client.writeRegister(1, 50))).toBe(3); // no slot 50: the value names nothing
    expect(t.station.journal()).toHaveLength(0);
  });

  it('exception 04 when the station fails, 06 when it is busy (a fake station, which can be made to)', async () => {
    const fake = fakeStation();
    const { client: c, close } = await connected(fake, make);
    try {
      fake.fail(true);
      expect(exc(await c.readInput(0, 1))).toBe(4);
      fake.fail(false);
      fake.refuseWrites('BUSY');
      expect(exc(await c.writeCoil(0, true))).toBe(6);
      fake.refuseWrites('JOURNAL_FULL');
      expect(exc(await c.writeRegister(0, 1))).toBe(4);
      expect(ok(await c.readInput(96 + 27, 1))).toEqual([code('JOURNAL_FULL')]);
    } finally {
      await close();
    }
  });
});

describe('modbus-serial only: FC 23, exception 01 and raw requests no library helper sends', () => {
  const t = perTest(CLIENTS[0]);

  it('FC 23 writes the heartbeat, then reads it back', async () => {
    expect(ok(await t.client.readWrite!(0, 2, 0, [0x0a0b]))).toEqual([0x0a0b, 0]);
    expect(t.station.journal().map((e) => e.write)).toEqual([{ kind: 'heartbeat', value: 0x0a0b }]);
    expect(exc(await t.client.readWrite!(0, 3, 0, [1]))).toBe(2);
    expect(t.station.journal()).toHaveLength(1);
  });

  it('exception 01 for a function the station does not implement (08 diagnostics, 22 mask write, 17 report id)', async () => {
    for (const fc of [0x07, 0x08, 0x11, 0x14, 0x16, 0x18, 0x41]) expect(exc(await t.client.raw!(fc, [0, 0, 0, 1]))).toBe(1);
    expect(exc(await t.client.raw!(0x2b, [0x0d, 1, 0]))).toBe(1);
  });

  it('exception 03 for values and lengths the helpers would never send', async () => {
    expect(exc(await t.client.raw!(0x05, [0, 0, 0x12, 0x34]))).toBe(3);
    expect(exc(await t.client.raw!(0x01, [0, 0, 0x07, 0xd1]))).toBe(3);
    expect(exc(await t.client.raw!(0x04, [0, 0, 0]))).toBe(3);
    expect(exc(await t.client.raw!(0x2b, [0x0e, 7, 0]))).toBe(3);
    expect(exc(await t.client.raw!(0x10, [0, 0, 0, 1, 3, 0, 0, 0]))).toBe(3);
  });
});

describe('jsmodbus quirk', () => {
  it('a write of 121–123 registers arrives cut short (jsmodbus caps its byte count at 246): 03, and nothing is written', async () => {
    const station = makeStation();
    const { client, close } = await connected(station, CLIENTS[1]);
    try {
      expect(exc(await client.writeRegisters(0, new Array<number>(123).fill(1)))).toBe(3);
      expect(station.journal()).toHaveLength(0);
      expect(ok(await client.readInput(0, 1))).toEqual([1]); // the connection is still in step
    } finally {
      await close();
    }
  });
});
