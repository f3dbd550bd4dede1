// The PLC end of the suite: a small Modbus master over TCP (MBAP) or RTU (address, PDU, CRC-16) on one Conn. It
// sends one request at a time and waits for its answer; what the registers mean comes from the protocol's own
// register map, so the suite decodes exactly what a PLC programmed from REGISTER-MAP.md would.
import { crc16 } from '../protocol/src/modbus/crc16';
import { DISCRETE_INPUTS, HEADER, REASON_LIST, SLOT_BASE, SLOT_STRIDE } from '../protocol/src/modbus/map';
import { FC, MBAP_HEADER } from '../protocol/src/modbus/spec';
import { STATION_STATES } from '../protocol/src/vocabulary';
import { REASONS, reasonName } from '../protocol/src/reasons';
import { until, type Conn, type Target } from './target';

export type Pdu = { readonly ok: true; readonly pdu: Uint8Array } | { readonly ok: false; readonly exception: number };

export class ModbusClient {
  private rx = new Uint8Array(0);
  private tid = 1;

  constructor(
    private readonly t: Target,
    readonly conn: Conn,
    readonly transport: 'tcp' | 'rtu',
    readonly unitId = 1,
  ) {
    conn.onData((b) => {
      const n = new Uint8Array(this.rx.length + b.length);
      n.set(this.rx);
      n.set(b, this.rx.length);
      this.rx = n;
    });
  }

  static async tcp(t: Target): Promise<ModbusClient> {
    const c = await t.connect(t.ports.modbus);
    if (c === undefined) throw new Error(`${t.name}: nothing listens on Modbus TCP port ${t.ports.modbus}`);
    return new ModbusClient(t, c, 'tcp');
  }

  /** The bytes of one request ADU around `pdu`. */
  adu(pdu: Uint8Array, unit = this.unitId): Uint8Array {
    if (this.transport === 'tcp') {
      const a = new Uint8Array(MBAP_HEADER + pdu.length);
      const dv = new DataView(a.buffer);
      dv.setUint16(0, this.tid++ & 0xffff);
      dv.setUint16(2, 0);
      dv.setUint16(4, pdu.length + 1);
      a[6] = unit;
      a.set(pdu, MBAP_HEADER);
      return a;
    }
    const a = new Uint8Array(1 + pdu.length + 2);
    a[0] = unit;
    a.set(pdu, 1);
    const c = crc16(a, 0, 1 + pdu.length);
    a[1 + pdu.length] = c & 0xff;
    a[2 + pdu.length] = c >> 8;
    return a;
  }

  /** The response PDU in what has arrived, if a whole one has. */
  private answer(): Uint8Array | undefined {
    const r = this.rx;
    if (this.transport === 'tcp') {
      if (r.length < MBAP_HEADER) return undefined;
      const len = (r[4]! << 8) | r[5]!;
      if (r.length < 6 + len) return undefined;
      return r.slice(MBAP_HEADER, 6 + len);
    }
    // RTU: the length follows from the function code (exception 5 bytes, reads by byte count, writes 8).
    if (r.length < 5) return undefined;
    const fc = r[1]!;
    const n = fc & 0x80 ? 5 : fc <= 4 || fc === FC.READ_WRITE_MULTIPLE_REGISTERS ? 5 + r[2]! : fc === FC.ENCAPSULATED_INTERFACE ? r.length : 8;
    if (r.length < n) return undefined;
    if (crc16(r, 0, n - 2) !== (r[n - 2]! | (r[n - 1]! << 8))) throw new Error('RTU answer with a bad CRC');
    return r.slice(1, n - 2);
  }

  /** Sends raw bytes and waits for one answer (or none, within `ms`). */
  async exchangeRaw(bytes: Uint8Array, ms = 2_000): Promise<Pdu | undefined> {
    this.rx = new Uint8Array(0);
    await this.conn.write(bytes);
    let got: Uint8Array | undefined;
    try {
      await until(this.t, () => (got = this.answer()) !== undefined, 'Modbus answer', ms, 10);
    } catch {
      return undefined;
    }
    this.rx = new Uint8Array(0);
    const p = got!;
    return p[0]! & 0x80 ? { ok: false, exception: p[1]! } : { ok: true, pdu: p };
  }

  async request(pdu: Uint8Array): Promise<Pdu> {
    const r = await this.exchangeRaw(this.adu(pdu));
    if (r === undefined) throw new Error(`${this.t.name}: no Modbus answer to FC ${pdu[0]}`);
    return r;
  }

  private static read(fc: number, address: number, count: number): Uint8Array {
    return Uint8Array.of(fc, address >> 8, address & 0xff, count >> 8, count & 0xff);
  }

  async registers(fc: 3 | 4, address: number, count: number): Promise<number[]> {
    const r = await this.request(ModbusClient.read(fc, address, count));
    if (!r.ok) throw new Error(`FC ${fc} at ${address}: exception ${r.exception}`);
    return Array.from({ length: count }, (_, i) => (r.pdu[2 + 2 * i]! << 8) | r.pdu[3 + 2 * i]!);
  }

  async bits(fc: 1 | 2, address: number, count: number): Promise<boolean[]> {
    const r = await this.request(ModbusClient.read(fc, address, count));
    if (!r.ok) throw new Error(`FC ${fc} at ${address}: exception ${r.exception}`);
    return Array.from({ length: count }, (_, i) => ((r.pdu[2 + (i >> 3)]! >> (i & 7)) & 1) === 1);
  }

  /** What the header block and the reason list say, decoded by the map. */
  async station(): Promise<{ state: string; runPermit: boolean; primaryReason: string; reasons: string[]; slotsRequired: number; slotsVerified: number }> {
    const regs = await this.registers(4, HEADER.base, HEADER.length + REASON_LIST.length);
    const at = (name: string) => regs[HEADER.fields.find((f) => f.name === name)!.offset]!;
    const name = (code: number) => reasonName(code) ?? `code ${code}`;
    const list = regs.slice(REASON_LIST.base, REASON_LIST.base + REASON_LIST.length).filter((c) => c !== 0).map(name);
    return { state: STATION_STATES[at('stationState')] ?? `state ${at('stationState')}`, runPermit: at('runPermit') === 1, primaryReason: at('primaryReason') === 0 ? 'OK' : name(at('primaryReason')), reasons: list, slotsRequired: at('slotsRequired'), slotsVerified: at('slotsVerified') };
  }

  /** The run-permit discrete input: how a PLC reads back the relay. */
  async permit(): Promise<boolean> {
    const a = DISCRETE_INPUTS.find((d) => d.name === 'runPermit')!.address;
    return (await this.bits(2, a, 1))[0]!;
  }

  /** Slot n's reason register, by name. */
  async slotReason(n: number): Promise<string> {
    const [code] = await this.registers(4, SLOT_BASE + SLOT_STRIDE * n + 1, 1);
    return code === 0 ? 'OK' : (reasonName(code!) ?? `code ${code}`);
  }
}

export { REASONS };
