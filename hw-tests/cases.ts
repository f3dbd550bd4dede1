// The cases of the acceptance suite. Each reaches the station only through its outside interfaces: the binary
// host link through the protocol's HostSession, Modbus TCP and RTU as a PLC, the scanner line, the machine's
// board signal, and the run-permit output (the relay's coil on a bench, read back over Modbus everywhere).
import { cobsDecode } from '../protocol/src/cobs';
import { wrap } from '../protocol/src/frame';
import { BADGES, OPERATOR, ORDER, POSITIONS, PROGRAM, programLabel, REELS, WRONG_REEL } from './fixtures';
import { HostClient } from './host';
import { ModbusClient } from './modbus';
import { download, loadAll, must, passFirstOff, scanner, setUp } from './steps';
import type { Target } from './target';

/** What a target can do beyond the host link and Modbus TCP, which every target has. */
export type Capability = 'scan' | 'board' | 'powerCycle' | 'fresh' | 'rtu';
export type Capabilities = Readonly<Record<Capability, boolean>>;

/**
 * The run-permit output, measured: at the relay's coil on a bench, and read back over Modbus (the discrete input
 * a PLC interlocks on) everywhere; both must agree.
 */
async function permitOutput(t: Target, m: ModbusClient): Promise<boolean> {
  const plc = await m.permit();
  if (t.relay !== undefined) expect((await t.relay()) === 1).toBe(plc);
  return plc;
}

/**
 * Every case, for one target; `open` gives a station for each case (`fresh` ones on a bench). A case that needs
 * what the target lacks is reported skipped, by name (`missing: 'skip'`, a device run), or left out (`'omit'`).
 */
export function stationCases(open: () => Promise<Target>, has: Capabilities, missing: 'skip' | 'omit' = 'skip'): void {
  let t: Target;
  afterEach(async () => {
    await t?.close();
  });
  const none = (() => undefined) as unknown as jest.It;
  const needs = (what: readonly Capability[]) => (what.every((w) => has[w]) ? it : missing === 'skip' ? it.skip : none);

  needs(['fresh'])('powers up fail-safe: relay off, permit off with the reason, until a work order is loaded', async () => {
    t = await open();
    if (t.relay !== undefined) expect(await t.relay()).toBe(0);
    const h = await HostClient.open(t);
    const s = await h.status();
    expect(s).toMatchObject({ runPermit: false, bootCount: 1, slotsTotal: 0 });
    expect(s.reasons).toContain('NO_WORK_ORDER');
    const m = await ModbusClient.tcp(t);
    expect(await m.station()).toMatchObject({ runPermit: false, primaryReason: s.reasons[0], reasons: s.reasons });
    expect(await permitOutput(t, m)).toBe(false);
    // The boot itself is on the record.
    await h.readJournal();
    expect(h.records('StationBooted')).toHaveLength(1);
  });

  it('takes a work order from the host atomically and waits for its reels', async () => {
    t = await open();
    const h = await HostClient.open(t);
    await download(h);
    const s = await h.status();
    expect(s).toMatchObject({ runPermit: false, workOrderIdentifier: ORDER.header.workOrderIdentifier, slotsTotal: ORDER.slots.length, slotsVerified: 0, clockValid: true });
    expect(s.reasons).toEqual(expect.arrayContaining(['SLOT_NOT_VERIFIED', 'PROGRAM_UNKNOWN']));
    expect(h.records('WorkOrderActivated')).toHaveLength(1);
    const m = await ModbusClient.tcp(t);
    // The machine has not reported its program yet: that holds the line (only missing reels would be `setup`).
    expect(await m.station()).toMatchObject({ state: 'hold', runPermit: false, reasons: s.reasons, slotsRequired: ORDER.slots.length, slotsVerified: 0 });
    expect(await permitOutput(t, m)).toBe(false);
  });

  needs(['scan'])('is in setup while only reels are missing, and grants the run permit once every slot holds an approved one', async () => {
    t = await open();
    const h = await HostClient.open(t);
    await download(h);
    const scan = scanner(t);
    await scan(OPERATOR);
    await scan(programLabel());
    await scan(POSITIONS[0]!);
    await scan(REELS[POSITIONS[0]!]);
    const half = await ModbusClient.tcp(t);
    expect(await half.station()).toMatchObject({ state: 'setup', runPermit: false, primaryReason: 'SLOT_NOT_VERIFIED', slotsVerified: 1 });
    await half.conn.close();
    await loadAll(t);
    const s = await h.status();
    expect(s).toMatchObject({ runPermit: true, reasons: [], slotsVerified: ORDER.slots.length });
    const m = await ModbusClient.tcp(t);
    expect(await m.station()).toMatchObject({ state: 'ready', runPermit: true, primaryReason: 'OK', reasons: [], slotsVerified: ORDER.slots.length });
    expect(await permitOutput(t, m)).toBe(true);
    // Every slot's verification went to the host, with the reel it verified.
    expect(h.records('SlotVerified').map((r) => r.locationIdentifier).sort()).toEqual([...POSITIONS].sort());
  });

  needs(['scan'])('refuses a wrong reel with WRONG_PART on the wire and in Modbus, and the line stops', async () => {
    t = await open();
    const h = await setUp(t);
    const scan = scanner(t);
    await scan('B1.F.1');
    await scan(WRONG_REEL);
    const s = await h.status();
    expect(s.runPermit).toBe(false);
    expect(s.reasons).toEqual(['SLOT_NOT_VERIFIED', 'WRONG_PART']);
    expect(h.records('SlotRejected').at(-1)).toMatchObject({ locationIdentifier: 'B1.F.1', reason: 'WRONG_PART' });
    const m = await ModbusClient.tcp(t);
    // Before the order's first board a wrong reel is still setup (amber): the operator is loading, nothing is built.
    expect(await m.station()).toMatchObject({ state: 'setup', runPermit: false, primaryReason: 'SLOT_NOT_VERIFIED', reasons: ['SLOT_NOT_VERIFIED', 'WRONG_PART'] });
    expect(await m.slotReason(0)).toBe('WRONG_PART');
    expect(await permitOutput(t, m)).toBe(false);
    // The right reel puts it back.
    await scan('B1.F.1');
    await scan(REELS['B1.F.1']);
    expect((await h.status()).runPermit).toBe(true);
  });

  needs(['scan'])('stops the line with MSD_EXPIRED on the wire and in Modbus when a loaded reel runs out of floor life', async () => {
    t = await open();
    const h = await HostClient.open(t);
    await download(h);
    const scan = scanner(t);
    await scan(OPERATOR);
    // The part master says this reel has two minutes of floor life once its bag is opened.
    must(
      await h.send({
        type: 'ReelRecord',
        body: { uniqueIdentifier: 'DK:b045c530184dbf03', internalPartNumber: 'IPN-U1', manufacturerPartNumber: 'TPS548D22RVFR', manufacturer: 'Texas Instruments', manufacturerLotCode: '1396072ZE4', quantity: 2500, msdLevel: '2', thicknessClass: 'thin', floorLifeOverride: 120 },
      }),
      'ReelRecord',
    );
    await loadAll(t);
    // Loaded, but too little floor life left for the order's time to reflow.
    expect((await h.status()).reasons).toEqual(['MSD_REMAINING_LOW']);
    await t.wait(150_000);
    const s = await h.status();
    expect(s.reasons).toEqual(['MSD_EXPIRED']);
    const m = await ModbusClient.tcp(t);
    expect(await m.station()).toMatchObject({ runPermit: false, primaryReason: 'MSD_EXPIRED' });
    expect(await m.slotReason(ORDER.slots.findIndex((x) => x.msd))).toBe('MSD_EXPIRED');
    expect(await permitOutput(t, m)).toBe(false);
  });

  needs(['scan'])('holds on a program that is not the approved revision, with PROGRAM_MISMATCH on the wire and in Modbus', async () => {
    t = await open();
    const h = await setUp(t);
    await scanner(t)(programLabel({ ...PROGRAM, revision: '13' }));
    const s = await h.status();
    expect(s.reasons).toEqual(['PROGRAM_MISMATCH']);
    const m = await ModbusClient.tcp(t);
    expect(await m.station()).toMatchObject({ runPermit: false, primaryReason: 'PROGRAM_MISMATCH', reasons: ['PROGRAM_MISMATCH'] });
    expect(await permitOutput(t, m)).toBe(false);
    expect(h.records('ProgramReport').at(-1)).toMatchObject({ recipeRevision: '13' });
    await scanner(t)(programLabel());
    expect((await h.status()).runPermit).toBe(true);
  });

  needs(['scan', 'board'])('builds one first-off board, then holds with FIRST_OFF_PENDING on the wire and in Modbus until it passes', async () => {
    t = await open();
    const h = await setUp(t);
    await t.board!();
    let s = await h.status();
    expect(s.reasons).toEqual(['FIRST_OFF_PENDING']);
    const m = await ModbusClient.tcp(t);
    expect(await m.station()).toMatchObject({ runPermit: false, primaryReason: 'FIRST_OFF_PENDING' });
    expect(await permitOutput(t, m)).toBe(false);
    expect(h.records('BoardTrace')).toHaveLength(1);
    await passFirstOff(t);
    s = await h.status();
    expect(s.runPermit).toBe(true);
    expect(h.records('FirstOffResult').at(-1)).toMatchObject({ passed: true, inspector: 'SV-1' });
    expect(await permitOutput(t, m)).toBe(true);
  });

  needs(['scan', 'board', 'powerCycle'])('loses nothing to a power cut: boots fail-safe, the journal is whole, the permit comes back', async () => {
    t = await open();
    let h = await setUp(t);
    await t.board!();
    await passFirstOff(t);
    for (let i = 0; i < 3; i++) await t.board!();
    const before = await h.readJournal();
    const beforeRecords = new Map(h.journal);
    await t.powerCycle!(5_000);
    if (t.relay !== undefined) expect(await t.relay()).toBe(0);
    h = await HostClient.open(t);
    const s = await h.status();
    expect(s).toMatchObject({ runPermit: false, bootCount: 2, workOrderIdentifier: ORDER.header.workOrderIdentifier });
    expect(s.reasons).toContain('POWER_LOSS_RECOVERY');
    // Every record from before the cut is still there, unchanged, in one unbroken sequence, then the boot.
    const after = await h.readJournal();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toEqual(after.map((_, i) => after[0]! + i));
    for (const [seq, m] of beforeRecords) expect(h.journal.get(seq)).toEqual(m);
    expect(h.records('BoardTrace')).toHaveLength(4);
    expect(h.records('StationBooted').at(-1)).toMatchObject({ bootCount: 2 });
    // The slots survived the cut; the machine's program is reported again and the line may run.
    await scanner(t)(OPERATOR);
    await scanner(t)(programLabel());
    const back = await h.status();
    expect(back.slotsVerified).toBe(ORDER.slots.length);
    expect(back.reasons).not.toContain('POWER_LOSS_RECOVERY');
    const m = await ModbusClient.tcp(t);
    expect(await m.station()).toMatchObject({ runPermit: back.runPermit, reasons: back.reasons });
    expect(await permitOutput(t, m)).toBe(back.runPermit);
  });

  it('answers bad Modbus TCP requests with the exception the specification puts there, and changes nothing', async () => {
    t = await open();
    const m = await ModbusClient.tcp(t);
    const before = await m.station();
    // Function 0x41 does not exist; an input register past the map; a read of 0 registers; a coil that is not there.
    expect(await m.request(Uint8Array.of(0x41, 0, 0, 0, 1))).toEqual({ ok: false, exception: 0x01 });
    expect(await m.request(Uint8Array.of(4, 0xff, 0x00, 0, 1))).toEqual({ ok: false, exception: 0x02 });
    expect(await m.request(Uint8Array.of(4, 0, 0, 0, 0))).toEqual({ ok: false, exception: 0x03 });
    expect(await m.request(Uint8Array.of(5, 0, 99, 0xff, 0))).toEqual({ ok: false, exception: 0x02 });
    // A coil written with a value that is neither ON nor OFF.
    expect(await m.request(Uint8Array.of(5, 0, 0, 0x12, 0x34))).toEqual({ ok: false, exception: 0x03 });
    // Nothing a PLC may write is the run permit: the permit's discrete input is read-only.
    expect(await m.request(Uint8Array.of(5, 0, 2, 0xff, 0))).toEqual({ ok: false, exception: 0x02 });
    expect(await m.station()).toEqual(before);
    // The connection still answers.
    expect((await m.registers(4, 0, 1))[0]).toBe(1);
  });

  needs(['rtu'])('on the RS-485 line, drops a frame with a bad CRC or for another unit, and answers its own', async () => {
    t = await open();
    const rtu = t.rtu!;
    const m = new ModbusClient(t, rtu.conn, 'rtu', rtu.unitId);
    const good = m.adu(Uint8Array.of(4, 0, 0, 0, 16));
    const bad = good.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    expect(await m.exchangeRaw(bad, 500)).toBeUndefined();
    expect(await m.exchangeRaw(m.adu(Uint8Array.of(4, 0, 0, 0, 16), rtu.unitId + 1), 500)).toBeUndefined();
    const r = await m.exchangeRaw(good);
    expect(r).toMatchObject({ ok: true });
    expect(await m.request(Uint8Array.of(0x41, 0, 0, 0, 1))).toEqual({ ok: false, exception: 0x01 });
    // The line's own counters saw the bad CRC (input registers 96 on: requests, bus frames, CRC errors).
    const diag = await m.registers(4, 96, 6);
    expect((diag[4]! << 16) | diag[5]!).toBeGreaterThanOrEqual(1);
  });

  it('drains its journal to a host that acknowledges it, and refuses an acknowledgement beyond it', async () => {
    t = await open();
    const h = await HostClient.open(t);
    await download(h);
    const seqs = await h.readJournal();
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    must(await h.send({ type: 'JournalAck', body: { upToSequence: seqs.at(-1)! } }), 'JournalAck');
    expect((await h.status()).journalPending).toBe(0);
    expect(await h.send({ type: 'JournalAck', body: { upToSequence: seqs.at(-1)! + 1000 } })).toMatchObject({ ok: false });
    expect((await h.status()).journalPending).toBe(0);
  });

  it('drops frames that do not authenticate without a word, Nacks a replay, and changes nothing', async () => {
    t = await open();
    const h = await HostClient.open(t);
    must(await h.send({ type: 'BadgeRecord', body: BADGES[0]! }), 'BadgeRecord');
    const locked = { type: 'StationHold', body: { at: 0, hold: true, lockReason: 'quality-issue', requestor: 'QA', comment: 'hw-test' } } as const;
    // A genuine frame, kept for a replay, then bytes that are not frames at all.
    must(await h.send(locked), 'StationHold');
    must(await h.send({ ...locked, body: { ...locked.body, hold: false } }), 'StationHold release');
    const recorded = h.sent.slice(-2);
    const answers = h.messages().length;
    await h.inject(new Uint8Array([0, 1, 2, 3, 0xff, 0xfe, 0, 0]));
    await h.inject(new Uint8Array(600).fill(0x55));
    // A real frame with one bit of its payload flipped (CRC then fails), and one with its CRC fixed up (MAC fails).
    const body = cobsDecode(recorded[0]!.subarray(1, recorded[0]!.length - 1))!;
    const flipped = body.slice();
    flipped[12] = flipped[12]! ^ 0x01;
    await h.inject(wrap(flipped));
    await t.wait(200);
    // Nothing that failed to authenticate was answered: answering would let anyone make a station talk.
    expect(h.messages().length).toBe(answers);
    // The recorded lock, replayed: it authenticates, so it is refused out loud (REPLAY), and not acted on.
    await h.inject(recorded[0]!);
    await t.wait(200);
    expect(h.messages().slice(answers)).toEqual([expect.objectContaining({ type: 'Nack', body: expect.objectContaining({ reason: 'REPLAY' }) })]);
    const s = await h.status();
    expect(s.reasons).not.toContain('LOCKED_BY_HOST');
  });
}
