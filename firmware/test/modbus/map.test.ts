// The register map as a PLC programmer depends on it: a header that never moves, values encoded as documented,
// CRC-16 as the specification computes it, and the journal record of a write.
import fc from 'fast-check';
import { decodePayload, encodePayload } from '../../../protocol/src/frame';
import { MESSAGES } from '../../../protocol/src/messages';
import { crc16 } from '../../../protocol/src/modbus/crc16';
import { newCounters } from '../../../protocol/src/modbus/counters';
import { plcWriteRecord } from '../../../protocol/src/modbus/journal';
import { BLOCKS, DISCRETE_INPUTS, fieldWords, HEADER, INPUT_REGISTERS, MAP_VERSION, SLOT, SLOT_BASE } from '../../../protocol/src/modbus/map';
import { decodeBlock, inputRegister } from '../../../protocol/src/modbus/read';
import { REASONS } from '../../../protocol/src/reasons';
import type { PlcWrite, StationView } from '../../../protocol/src/station-view';
import { STATION_STATES } from '../../../protocol/src/vocabulary';
import { sampleView } from './station';

describe('the register map', () => {
  it('keeps the header block exactly where the issue put it, for ever', () => {
    expect(MAP_VERSION).toBe(1);
    expect(HEADER.fields.map((f) => [f.offset, f.name, fieldWords(f)])).toEqual([
      [0, 'mapVersion', 1],
      [1, 'stationState', 1],
      [2, 'runPermit', 1],
      [3, 'primaryReason', 1],
      [4, 'activeReasons', 1],
      [5, 'slotsRequired', 1],
      [6, 'slotsVerified', 1],
      [7, 'msdReels', 1],
      [8, 'leastMsdRemaining', 1],
      [9, 'journalPending', 1],
      [10, 'uptime', 2],
      [12, 'boardsRecorded', 2],
      [14, 'hostOnline', 1],
      [15, 'clockValid', 1],
    ]);
    expect(DISCRETE_INPUTS.slice(0, 6).map((d) => [d.address, d.name])).toEqual([
      [0, 'runPermit'],
      [1, 'anyAlarm'],
      [2, 'workOrderLoaded'],
      [3, 'firstOffPending'],
      [4, 'hostOnline'],
      [5, 'clockValid'],
    ]);
  });

  it('lays out its blocks back to back without overlap, each field inside its block', () => {
    let next = 0;
    for (const b of [...BLOCKS, { ...SLOT, base: SLOT_BASE }]) {
      expect(b.base).toBe(next);
      next = b.base + b.length;
      const covered = new Set<number>();
      for (const f of b.fields as readonly { offset: number }[]) {
        const w = fieldWords(f as never);
        for (let i = f.offset; i < f.offset + w; i++) {
          expect(covered.has(i)).toBe(false);
          covered.add(i);
        }
        expect(f.offset + w).toBeLessThanOrEqual(b.length);
      }
    }
    expect(INPUT_REGISTERS).toBeLessThanOrEqual(65536);
  });

  it('decodes what it encodes: a client reading the header gets the view back', () => {
    const viewArb = fc.record({
      state: fc.constantFrom(...STATION_STATES),
      runPermit: fc.boolean(),
      reasons: fc.array(fc.constantFrom('SLOT_NOT_VERIFIED', 'MSD_EXPIRED', 'HOST_OFFLINE', 'PLC_HEARTBEAT_LOST') as fc.Arbitrary<keyof typeof REASONS>, { maxLength: 20 }),
      slotsRequired: fc.nat(0xffff),
      slotsVerified: fc.nat(0xffff),
      msdReels: fc.nat(0xffff),
      leastMsdRemainingMin: fc.option(fc.nat(0xfffe), { nil: null }),
      journalPending: fc.nat(0xffff),
      uptimeS: fc.nat(0xffffffff),
      boardsRecorded: fc.nat(0xffffffff),
      hostOnline: fc.boolean(),
      clockValid: fc.boolean(),
    });
    fc.assert(
      fc.property(viewArb, (partial) => {
        const v = { ...sampleView(), ...partial } as StationView;
        const words = Array.from({ length: 16 }, (_, i) => inputRegister(v, newCounters(), i));
        const h = decodeBlock(HEADER, words);
        expect(h).toEqual({
          mapVersion: 1,
          stationState: STATION_STATES.indexOf(v.state),
          runPermit: Number(v.runPermit),
          primaryReason: v.reasons.length > 0 ? REASONS[v.reasons[0]!].code : 0,
          activeReasons: v.reasons.length,
          slotsRequired: v.slotsRequired,
          slotsVerified: v.slotsVerified,
          msdReels: v.msdReels,
          leastMsdRemaining: v.leastMsdRemainingMin ?? 0xffff,
          journalPending: v.journalPending,
          uptime: v.uptimeS,
          boardsRecorded: v.boardsRecorded,
          hostOnline: Number(v.hostOnline),
          clockValid: Number(v.clockValid),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is total on any number the runtime hands over: NaN, infinities, negatives and fractions read as whole u16s', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), (a, b) => {
        const v = { ...sampleView(), uptimeS: a, slotsRequired: b, leastMsdRemainingMin: a } as StationView;
        for (const addr of [5, 8, 10, 11]) {
          const w = inputRegister(v, newCounters(), addr);
          expect(Number.isInteger(w) && w >= 0 && w <= 0xffff).toBe(true);
        }
      }),
    );
  });
});

describe('CRC-16/MODBUS', () => {
  it('matches the specification and published frames', () => {
    // "123456789" → 0x4B37 (the CRC catalogue's check value for CRC-16/MODBUS).
    expect(crc16(Uint8Array.from('123456789', (c) => c.charCodeAt(0)), 0, 9)).toBe(0x4b37);
    // 01 03 00 00 00 0A → C5 CD on the wire (low byte first: CD C5).
    expect(crc16(Uint8Array.of(0x01, 0x03, 0x00, 0x00, 0x00, 0x0a), 0, 6)).toBe(0xcdc5);
    // 11 03 00 6B 00 03 → 76 87 on the wire (Modbus over Serial Line, the classic example).
    expect(crc16(Uint8Array.of(0x11, 0x03, 0x00, 0x6b, 0x00, 0x03), 0, 6)).toBe(0x8776);
  });
});

describe('the journal record of a PLC write', () => {
  it('encodes every write as a valid PlcWriteAccepted payload that decodes back to it', () => {
    const writeArb: fc.Arbitrary<PlcWrite> = fc.oneof(
      fc.constant<PlcWrite>({ kind: 'ack-alarms' }),
      fc.option(fc.nat(0xffff), { nil: undefined }).map((slot): PlcWrite => (slot === undefined ? { kind: 'reverify' } : { kind: 'reverify', slot })),
      fc.nat(0xffff).map((value): PlcWrite => ({ kind: 'heartbeat', value })),
    );
    const originArb = fc.record({ transport: fc.constantFrom('rtu' as const, 'tcp' as const), unitId: fc.nat(255), peer: fc.string({ maxLength: 80 }) });
    fc.assert(
      fc.property(writeArb, originArb, fc.nat(0xffffffff), (w, from, at) => {
        const body = plcWriteRecord(w, from, at);
        const enc = encodePayload({ type: 'PlcWriteAccepted', body });
        expect(enc.ok).toBe(true);
        if (!enc.ok) return;
        const dec = decodePayload(MESSAGES.PlcWriteAccepted.type, enc.payload);
        expect(dec.ok && dec.message.body).toEqual(body);
        expect(body.write).toBe(w.kind);
        if (w.kind === 'heartbeat') expect(body.value).toBe(w.value);
        if (w.kind === 'reverify') expect(body.slot).toBe(w.slot);
      }),
      { numRuns: 300 },
    );
  });
});
