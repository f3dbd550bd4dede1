// Every function code and every exception of the PDU layer, checked against the station's own state.
import { newCounters } from '../../../protocol/src/modbus/counters';
import { INPUT_REGISTERS, MAP_SLOTS, SLOT_BASE, SLOT_STRIDE } from '../../../protocol/src/modbus/map';
import { REASONS } from '../../../protocol/src/reasons';
import { SLOT_STATES } from '../../../protocol/src/vocabulary';
import { bits, call, deviceObjects, exceptionOf, req, words } from './helpers';
import { expectedHeader, expectedObjects, fakeStation, IDENTITY, makeStation, sampleView } from './station';

const code = (name: keyof typeof REASONS) => REASONS[name].code;
const ascii = (ws: readonly number[]) => String.fromCharCode(...ws.flatMap((w) => [w >>> 8, w & 0xff])).replace(/\0+$/, '');

describe('FC 04 read input registers', () => {
  it('serves the fixed header exactly as the issue lays it out', () => {
    const s = makeStation();
    expect(words(call(s, req.read(0x04, 0, 16)))).toEqual(expectedHeader(s.view()));
  });

  it('saturates and marks absent values as the map says', () => {
    const base = sampleView();
    const s = fakeStation({ ...base, leastMsdRemainingMin: null, journalPending: 1e9, uptimeS: 2 ** 40, reasons: [], runPermit: true, slotsVerified: -3 });
    const r = words(call(s, req.read(0x04, 0, 16)));
    expect(r[3]).toBe(0); // no reason
    expect(r[4]).toBe(0);
    expect(r[6]).toBe(0); // a negative count reads 0, never wraps
    expect(r[8]).toBe(0xffff); // no MSD reel
    expect(r[9]).toBe(0xffff);
    expect([r[10], r[11]]).toEqual([0xffff, 0xffff]);
    const low = fakeStation({ ...base, leastMsdRemainingMin: 70_000 });
    expect(words(call(low, req.read(0x04, 8, 1)))).toEqual([0xfffe]); // a real value never reads as "none"
  });

  it('lists the active reasons after the header, 0 after the last', () => {
    const s = makeStation();
    const list = words(call(s, req.read(0x04, 16, 16)));
    const expected = s.view().reasons.map((n) => code(n));
    expect(list.slice(0, expected.length)).toEqual(expected);
    expect(list.slice(expected.length).every((w) => w === 0)).toBe(true);
  });

  it('carries the work order identity as ASCII registers', () => {
    const s = makeStation();
    const wo = s.view().workOrder!;
    const r = words(call(s, req.read(0x04, 32, 54)));
    expect(r[0]).toBe(1);
    expect(ascii(r.slice(1, 17))).toBe(wo.identifier);
    expect(ascii(r.slice(17, 25))).toBe(wo.bomRevision);
    expect(ascii(r.slice(25, 45))).toBe(wo.recipeName);
    expect(ascii(r.slice(45, 53))).toBe(wo.recipeRevision);
    expect(r[53]).toBe(s.view().slots.length);
  });

  it('replaces non-ASCII text with ? and truncates to the field', () => {
    const s = fakeStation({ ...sampleView(), workOrder: { identifier: 'Ä'.repeat(40), bomRevision: 'B', recipeName: 'x', recipeRevision: '1' } });
    expect(ascii(words(call(s, req.read(0x04, 33, 16))))).toBe('?'.repeat(32));
  });

  it('has a block per slot: state, reason, MSD minutes, quantity, position', () => {
    const s = makeStation();
    s.view().slots.forEach((slot, i) => {
      const r = words(call(s, req.read(0x04, SLOT_BASE + SLOT_STRIDE * i, SLOT_STRIDE)));
      expect(r[0]).toBe(SLOT_STATES.indexOf(slot.state));
      expect(r[1]).toBe(code(slot.reason));
      expect(r[2]).toBe(slot.msdRemainingMin === null ? 0xffff : Math.min(slot.msdRemainingMin, 0xfffe));
      expect(r[3]! * 65536 + r[4]!).toBe(slot.quantity);
      expect(r.slice(5, 8)).toEqual([0, 0, 0]);
      expect(ascii(r.slice(8, 16))).toBe(slot.position);
    });
    const past = words(call(s, req.read(0x04, SLOT_BASE + SLOT_STRIDE * s.view().slots.length, SLOT_STRIDE)));
    expect(past.every((w) => w === 0)).toBe(true);
  });

  it('shows the server counters in the diagnostics block', () => {
    const s = makeStation();
    const counters = newCounters();
    counters.requests = 0x12345;
    counters.crcErrors = 7;
    counters.lastRefusal = 312;
    const r = words(call(s, req.read(0x04, 96, 32), { counters }));
    expect(r[0]! * 65536 + r[1]!).toBe(0x12345);
    expect(r[4]! * 65536 + r[5]!).toBe(7);
    expect(r[27]).toBe(312);
  });

  it('reads any part of a u32, and the last registers of the map', () => {
    const s = makeStation();
    expect(words(call(s, req.read(0x04, 13, 1)))).toEqual([s.view().boardsRecorded % 65536]);
    expect(words(call(s, req.read(0x04, INPUT_REGISTERS - 125, 125)))).toHaveLength(125);
    expect(INPUT_REGISTERS).toBe(SLOT_BASE + SLOT_STRIDE * MAP_SLOTS);
  });

  it('answers 03 for a quantity of 0 or over 125, before it looks at the address', () => {
    const s = makeStation();
    expect(exceptionOf(call(s, req.read(0x04, 0, 0)))).toBe(3);
    expect(exceptionOf(call(s, req.read(0x04, 0, 126)))).toBe(3);
    expect(exceptionOf(call(s, req.read(0x04, 65535, 126)))).toBe(3);
  });

  it('answers 02 for a range past the end of the map', () => {
    const s = makeStation();
    expect(exceptionOf(call(s, req.read(0x04, INPUT_REGISTERS - 124, 125)))).toBe(2);
    expect(exceptionOf(call(s, req.read(0x04, INPUT_REGISTERS, 1)))).toBe(2);
    expect(exceptionOf(call(s, req.read(0x04, 65535, 1)))).toBe(2);
  });

  it('answers 03 to a request of the wrong length', () => {
    const s = makeStation();
    expect(exceptionOf(call(s, [0x04, 0, 0, 0]))).toBe(3);
    expect(exceptionOf(call(s, [...req.read(0x04, 0, 1), 0]))).toBe(3);
    expect(call(s, [0x04, 0, 0, 0])[0]).toBe(0x84);
  });
});

describe('FC 02 read discrete inputs and FC 01 read coils', () => {
  it('serves the six fixed discrete inputs and the heartbeat watchdog', () => {
    const s = makeStation();
    const v = s.view();
    expect(bits(call(s, req.read(0x02, 0, 7)), 7)).toEqual([v.runPermit, v.anyAlarm, v.workOrder !== undefined, v.firstOffPending, v.hostOnline, v.clockValid, false]);
    const lost = fakeStation({ ...sampleView(), runPermit: true, reasons: [], plcHeartbeat: { value: 3, lost: true } });
    expect(bits(call(lost, req.read(0x02, 0, 7)), 7)).toEqual([true, true, true, true, true, true, true]);
  });

  it('packs bits from the low bit of the first byte and pads with 0', () => {
    const s = fakeStation({ ...sampleView(), runPermit: false, anyAlarm: true, firstOffPending: false, hostOnline: true });
    const r = call(s, req.read(0x02, 1, 4));
    // DI 1–4: alarm 1, work order 1, first-off 0, host 1
    expect(Array.from(r)).toEqual([0x02, 1, 0b1011]);
  });

  it('reads the command coils as 0', () => {
    const s = makeStation();
    expect(Array.from(call(s, req.read(0x01, 0, 2)))).toEqual([0x01, 1, 0]);
  });

  it('answers 03 for a quantity of 0 or over 2000, and 02 past the map', () => {
    const s = makeStation();
    for (const fc of [0x01, 0x02]) {
      expect(exceptionOf(call(s, req.read(fc, 0, 0)))).toBe(3);
      expect(exceptionOf(call(s, req.read(fc, 0, 2001)))).toBe(3);
      expect(exceptionOf(call(s, req.read(fc, 0, 2000)))).toBe(2);
      expect(exceptionOf(call(s, req.read(fc, 0, 8)))).toBe(2);
      expect(exceptionOf(call(s, [fc, 0, 0, 0, 1, 9]))).toBe(3);
    }
  });
});

describe('writes', () => {
  it('FC 05: 0xFF00 on coil 0 acknowledges the alarms; 0x0000 asks nothing; both are echoed', () => {
    const s = makeStation();
    expect(Array.from(call(s, req.writeCoil(0, 0xff00)))).toEqual(req.writeCoil(0, 0xff00));
    expect(s.journal().map((j) => j.write)).toEqual([{ kind: 'ack-alarms' }]);
    expect(Array.from(call(s, req.writeCoil(1, 0x0000)))).toEqual(req.writeCoil(1, 0x0000));
    expect(s.journal()).toHaveLength(1);
  });

  it('FC 05: a value other than 0xFF00/0x0000 is 03, checked before the address; a coil past 1 is 02', () => {
    const s = makeStation();
    expect(exceptionOf(call(s, req.writeCoil(0, 0x0001)))).toBe(3);
    expect(exceptionOf(call(s, req.writeCoil(9, 0x1234)))).toBe(3);
    expect(exceptionOf(call(s, req.writeCoil(2, 0xff00)))).toBe(2);
    expect(s.journal()).toHaveLength(0);
  });

  it('FC 05 on coil 1 re-verifies every slot: verification is taken away, the permit stays off', () => {
    const s = makeStation();
    call(s, req.writeCoil(1, 0xff00));
    expect(s.view().slotsVerified).toBe(0);
    expect(s.view().runPermit).toBe(false);
    expect(words(call(s, req.read(0x04, 6, 1)))).toEqual([0]);
  });

  it('FC 06: the heartbeat register takes any value and reads back what the station took', () => {
    const s = makeStation();
    expect(Array.from(call(s, req.writeRegister(0, 0xbeef)))).toEqual(req.writeRegister(0, 0xbeef));
    expect(s.journal().at(-1)).toEqual({ write: { kind: 'heartbeat', value: 0xbeef }, from: { transport: 'tcp', unitId: 1, peer: 'test' } });
    expect(words(call(s, req.read(0x03, 0, 2)))).toEqual([s.view().plcHeartbeat!.value, 0]);
  });

  it('FC 06: register 1 re-verifies slot n (1-based); 0 asks nothing; an unknown slot is 03 with its reason kept', () => {
    const s = makeStation();
    const counters = newCounters();
    call(s, req.writeRegister(1, 2), { counters });
    expect(s.view().slots[1]).toMatchObject({ reason: 'SLOT_NOT_VERIFIED' });
    expect(s.view().slots[1]!.state).not.toBe('verified');
    expect(s.view().slots[0]!.state).toBe('verified');
    expect(s.journal().at(-1)!.write).toEqual({ kind: 'reverify', slot: 1 });
    call(s, req.writeRegister(1, 0), { counters });
    expect(s.journal()).toHaveLength(1);
    expect(exceptionOf(call(s, req.writeRegister(1, 99), { counters }))).toBe(3);
    expect(counters.writesAccepted).toBe(1);
    expect(counters.writesRefused).toBe(1);
    expect(counters.lastRefusal).toBe(REASONS.SLOT_UNKNOWN.code);
  });

  it('FC 06: any register past the two writable ones is 02, the input registers included', () => {
    const s = makeStation();
    for (const addr of [2, 3, 16, 128, 65535]) expect(exceptionOf(call(s, req.writeRegister(addr, 1)))).toBe(2);
    expect(s.journal()).toHaveLength(0);
  });

  it('FC 15: writes coils in address order and answers start and quantity', () => {
    const s = makeStation();
    expect(Array.from(call(s, req.writeCoils(0, [true, true])))).toEqual([0x0f, 0, 0, 0, 2]);
    expect(s.journal().map((j) => j.write)).toEqual([{ kind: 'ack-alarms' }, { kind: 'reverify' }]);
  });

  it('FC 15: 03 for quantity 0, over 1968 or a byte count that does not match; 02 past coil 1', () => {
    const s = makeStation();
    expect(exceptionOf(call(s, [0x0f, 0, 0, 0, 0, 0]))).toBe(3);
    expect(exceptionOf(call(s, [0x0f, 0, 0, 0x07, 0xb1, 247, ...new Array<number>(247).fill(0)]))).toBe(3);
    expect(exceptionOf(call(s, [0x0f, 0, 0, 0, 2, 2, 3, 0]))).toBe(3);
    expect(exceptionOf(call(s, [0x0f, 0, 0, 0, 2, 1]))).toBe(3);
    expect(exceptionOf(call(s, req.writeCoils(1, [true, true])))).toBe(2);
    expect(exceptionOf(call(s, req.writeCoils(0, new Array<boolean>(1968).fill(false))))).toBe(2);
    expect(s.journal()).toHaveLength(0);
  });

  it('FC 16: writes registers in order; 03 for a bad quantity or byte count; 02 past register 1', () => {
    const s = makeStation();
    expect(Array.from(call(s, req.writeRegisters(0, [5, 3])))).toEqual([0x10, 0, 0, 0, 2]);
    expect(s.journal().map((j) => j.write)).toEqual([{ kind: 'heartbeat', value: 5 }, { kind: 'reverify', slot: 2 }]);
    expect(exceptionOf(call(s, [0x10, 0, 0, 0, 0, 0]))).toBe(3);
    expect(exceptionOf(call(s, [0x10, 0, 0, 0, 124, 248, ...new Array<number>(248).fill(0)]))).toBe(3);
    expect(exceptionOf(call(s, [0x10, 0, 0, 0, 1, 3, 0, 0, 0]))).toBe(3);
    expect(exceptionOf(call(s, [0x10, 0, 0, 0, 1, 2, 0]))).toBe(3);
    expect(exceptionOf(call(s, req.writeRegisters(1, [1, 1])))).toBe(2);
    expect(exceptionOf(call(s, req.writeRegisters(0, new Array<number>(123).fill(0))))).toBe(2);
    expect(s.journal()).toHaveLength(2);
  });

  it('FC 23: the write happens before the read', () => {
    const s = makeStation();
    const r = call(s, req.readWrite(0, 2, 0, [0x4242]));
    expect(r[0]).toBe(0x17);
    expect(r[1]).toBe(4);
    expect(words(r)).toEqual([0x4242, 0]);
    expect(s.journal().map((j) => j.write)).toEqual([{ kind: 'heartbeat', value: 0x4242 }]);
  });

  it('FC 23: both ranges are checked before anything is written', () => {
    const s = makeStation();
    expect(exceptionOf(call(s, req.readWrite(0, 3, 0, [1])))).toBe(2);
    expect(exceptionOf(call(s, req.readWrite(0, 1, 1, [1, 1])))).toBe(2);
    expect(exceptionOf(call(s, req.readWrite(0, 126, 0, [1])))).toBe(3);
    expect(exceptionOf(call(s, req.readWrite(0, 0, 0, [1])))).toBe(3);
    expect(exceptionOf(call(s, req.readWrite(0, 1, 0, new Array<number>(122).fill(0))))).toBe(3);
    expect(exceptionOf(call(s, [0x17, 0, 0, 0, 1, 0, 0, 0, 0, 0]))).toBe(3);
    expect(exceptionOf(call(s, [0x17, 0, 0, 0, 1, 0, 0, 0, 1, 3, 0, 0, 0]))).toBe(3);
    expect(s.journal()).toHaveLength(0);
  });

  it('a refusal answers 04 unless the reason says 03 or 06; writes before it in the request stand', () => {
    const s = fakeStation();
    s.refuseWrites('JOURNAL_FULL');
    expect(exceptionOf(call(s, req.writeCoil(0, 0xff00)))).toBe(4);
    s.refuseWrites('BUSY');
    expect(exceptionOf(call(s, req.writeRegister(0, 1)))).toBe(6);
    s.refuseWrites(undefined);
    expect(exceptionOf(call(s, req.writeRegisters(0, [9, 50])))).toBe(3);
    expect(s.journal().map((j) => j.write)).toEqual([{ kind: 'heartbeat', value: 9 }]);
  });
});

describe('FC 43 / 14 read device identification', () => {
  it('basic stream: objects 0–2; regular: 0–6; conformity 0x82; nothing more follows', () => {
    const s = makeStation();
    const id = s.identity();
    const basic = deviceObjects(call(s, req.deviceId(1, 0)));
    expect(basic.conformity).toBe(0x82);
    expect(basic.more).toBe(0);
    expect([...basic.objects.entries()]).toEqual([
      [0, id.vendorName],
      [1, id.productCode],
      [2, id.majorMinorRevision],
    ]);
    const regular = deviceObjects(call(s, req.deviceId(2, 0)));
    expect(Object.fromEntries(regular.objects)).toEqual(expectedObjects(id));
  });

  it('extended (03) is answered at our level; a stream may start mid-category; an id outside it restarts at 0', () => {
    const s = makeStation();
    expect(deviceObjects(call(s, req.deviceId(3, 0))).objects.size).toBe(7);
    expect([...deviceObjects(call(s, req.deviceId(2, 4))).objects.keys()]).toEqual([4, 5, 6]);
    expect([...deviceObjects(call(s, req.deviceId(1, 5))).objects.keys()]).toEqual([0, 1, 2]);
    expect([...deviceObjects(call(s, req.deviceId(2, 0x80))).objects.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('individual access returns one object; an unknown id is 02', () => {
    const s = makeStation();
    const one = deviceObjects(call(s, req.deviceId(4, 6)));
    expect([...one.objects.entries()]).toEqual([[6, s.identity().userApplicationName]]);
    expect(exceptionOf(call(s, req.deviceId(4, 7)))).toBe(2);
    expect(exceptionOf(call(s, req.deviceId(4, 0x80)))).toBe(2);
  });

  it('03 for a ReadDevId code outside 1–4 or a request of the wrong length; 01 for another MEI type', () => {
    const s = makeStation();
    expect(exceptionOf(call(s, req.deviceId(0, 0)))).toBe(3);
    expect(exceptionOf(call(s, req.deviceId(5, 0)))).toBe(3);
    expect(exceptionOf(call(s, [0x2b, 0x0e, 1]))).toBe(3);
    expect(exceptionOf(call(s, [0x2b, 0x0e, 1, 0, 0]))).toBe(3);
    expect(exceptionOf(call(s, [0x2b, 0x0d, 1, 0]))).toBe(1);
    expect(exceptionOf(call(s, [0x2b]))).toBe(1);
  });

  it('splits a long identification with MoreFollows and NextObjectId; a client that follows gets every object', () => {
    const long = { ...IDENTITY, vendorUrl: 'u'.repeat(120), productName: 'p'.repeat(120), modelName: 'm'.repeat(120) };
    const s = fakeStation(sampleView(), long);
    const got = new Map<number, string>();
    let next = 0;
    for (let turn = 0; turn < 7; turn++) {
      const r = deviceObjects(call(s, req.deviceId(2, next)));
      r.objects.forEach((v, k) => got.set(k, v));
      if (r.more === 0) break;
      expect(r.more).toBe(0xff);
      expect(r.next).toBeGreaterThan(next);
      next = r.next;
    }
    expect(got.get(3)).toBe(long.vendorUrl);
    expect(got.get(4)).toBe(long.productName);
    expect(got.get(5)).toBe(long.modelName);
    expect(got.size).toBe(7);
  });

  it('cuts an object too long for any response to fit one', () => {
    const s = fakeStation(sampleView(), { ...IDENTITY, userApplicationName: 'x'.repeat(400) });
    const r = call(s, req.deviceId(4, 6));
    expect(r.length).toBe(253);
    expect(deviceObjects(r).objects.get(6)).toBe('x'.repeat(244));
  });
});

describe('everything else', () => {
  it('answers 01 to every function code the station does not implement', () => {
    const s = makeStation();
    const implemented = new Set([1, 2, 3, 4, 5, 6, 15, 16, 23, 43]);
    for (let fc = 0; fc < 256; fc++) {
      if (implemented.has(fc)) continue;
      expect(Array.from(call(s, [fc, 0, 0, 0, 1]))).toEqual([(fc | 0x80) & 0xff, 1]);
    }
  });

  it('answers 04 when the station fails while answering, and counts it', () => {
    const s = fakeStation();
    const counters = newCounters();
    s.fail(true);
    expect(exceptionOf(call(s, req.read(0x04, 0, 1), { counters }))).toBe(4);
    expect(exceptionOf(call(s, req.deviceId(1, 0), { counters }))).toBe(4);
    expect(counters.serverFailures).toBe(2);
    expect(counters.exceptions).toBe(2);
    s.fail(false);
    expect(exceptionOf(call(s, req.read(0x04, 0, 1), { counters }))).toBeUndefined();
  });

  it('acts on broadcast writes without answering, and ignores broadcast reads', () => {
    const s = makeStation();
    const counters = newCounters();
    expect(call(s, req.writeCoil(0, 0xff00), { broadcast: true, counters })).toHaveLength(0);
    expect(s.journal()).toEqual([{ write: { kind: 'ack-alarms' }, from: { transport: 'tcp', unitId: 0, peer: 'test' } }]);
    expect(call(s, req.read(0x04, 0, 1), { broadcast: true, counters })).toHaveLength(0);
    expect(call(s, req.writeCoil(7, 0xff00), { broadcast: true, counters })).toHaveLength(0);
    expect(call(s, req.readWrite(0, 1, 0, [1]), { broadcast: true, counters })).toHaveLength(0);
    expect(s.journal()).toHaveLength(1);
    expect(counters.noResponse).toBe(4);
    expect(counters.exceptions).toBe(0);
  });
});
