// The line PLC's side of each station: a Modbus/TCP client that polls the station's header block (FC 04, input
// registers 0–15: state, run permit, primary reason), writes the watchdog heartbeat (FC 06, holding register 0,
// a changing value), and runs the conveyor into the station only while the permit it last read is on. The bytes
// go through the firmware's own server codec (over the line's SimNet, or real TCP). A PLC can be told to go
// silent, as one that crashed: no polls, no heartbeat, the conveyor frozen as it was.
import { HEADER } from '../../protocol/src/modbus/map';
import { decodeBlock } from '../../protocol/src/modbus/read';
import { FC, MBAP_HEADER } from '../../protocol/src/modbus/spec';
import { reasonName, type ReasonName } from '../../protocol/src/reasons';
import type { ByteStream, StreamCallbacks } from '../../firmware/platform/hal';

/** How a PLC reaches its station's Modbus server. */
export type ModbusDial = (callbacks: StreamCallbacks) => ByteStream | undefined;

export interface PlcStats {
  polls: number;
  answers: number;
  exceptions: number;
  heartbeats: number;
  /** Times the PLC stopped the conveyor because the permit it read was off. */
  conveyorStops: number;
  reconnects: number;
}

type Pending = 'header' | 'heartbeat';

export class Plc {
  private stream: ByteStream | undefined;
  private rx = new Uint8Array(0);
  private tid = 0;
  private readonly pending = new Map<number, Pending>();
  private beat = 0;
  /** The conveyor into the station runs (as the PLC last decided). */
  conveyor = false;
  /** Until this line time the PLC neither polls nor writes (a crashed or stopped PLC). */
  silentUntil = -Infinity;
  /** The header block as last read. */
  header: Record<string, number | string> | undefined;
  primaryReason: ReasonName | undefined;
  /** Called when the PLC starts or stops the conveyor (its answers may arrive later, over real TCP). */
  onConveyor: () => void = () => {};
  readonly stats: PlcStats = { polls: 0, answers: 0, exceptions: 0, heartbeats: 0, conveyorStops: 0, reconnects: 0 };

  constructor(
    readonly stationId: number,
    private readonly dial: ModbusDial,
  ) {}

  silent(now: number): boolean {
    return now < this.silentUntil;
  }

  /** One poll: read the header block (reconnecting first if the connection is gone). */
  poll(now: number): void {
    if (this.silent(now)) return;
    if (!this.connected()) return;
    this.stats.polls++;
    // FC 04, start 0, quantity 16.
    this.request('header', [FC.READ_INPUT_REGISTERS, 0, 0, 0, HEADER.length]);
  }

  /** One watchdog write: holding register 0 ← a value different from the last. */
  heartbeat(now: number): void {
    if (this.silent(now)) return;
    if (!this.connected()) return;
    this.beat = (this.beat + 1) & 0xffff;
    this.stats.heartbeats++;
    this.request('heartbeat', [FC.WRITE_SINGLE_REGISTER, 0, 0, this.beat >> 8, this.beat & 0xff]);
  }

  private connected(): boolean {
    if (this.stream !== undefined) return true;
    this.rx = new Uint8Array(0);
    this.pending.clear();
    const s = this.dial({ onData: (b) => this.receive(b), onClose: () => this.closed(s) });
    if (s === undefined) return false;
    this.stats.reconnects++;
    this.stream = s;
    return true;
  }

  private closed(s: ByteStream | undefined): void {
    if (this.stream === s) this.stream = undefined;
  }

  private request(kind: Pending, pdu: readonly number[]): void {
    const t = (this.tid = (this.tid + 1) & 0xffff);
    const n = pdu.length + 1;
    const adu = new Uint8Array(MBAP_HEADER + pdu.length);
    adu.set([t >> 8, t & 0xff, 0, 0, n >> 8, n & 0xff, 1], 0);
    adu.set(pdu, MBAP_HEADER);
    this.pending.set(t, kind);
    if (!this.stream!.write(adu)) {
      this.pending.delete(t);
      this.stream = undefined;
    }
  }

  private receive(bytes: Uint8Array): void {
    const buf = new Uint8Array(this.rx.length + bytes.length);
    buf.set(this.rx, 0);
    buf.set(bytes, this.rx.length);
    let i = 0;
    while (buf.length - i >= MBAP_HEADER) {
      const len = (buf[i + 4]! << 8) | buf[i + 5]!;
      const end = i + 6 + len;
      if (len < 2 || end > buf.length) break;
      this.answer(buf.subarray(i, end));
      i = end;
    }
    this.rx = buf.slice(i);
  }

  private answer(adu: Uint8Array): void {
    const t = (adu[0]! << 8) | adu[1]!;
    const kind = this.pending.get(t);
    if (kind === undefined) return;
    this.pending.delete(t);
    this.stats.answers++;
    const fc = adu[MBAP_HEADER]!;
    if ((fc & 0x80) !== 0) {
      this.stats.exceptions++;
      return;
    }
    if (kind !== 'header') return;
    const count = adu[MBAP_HEADER + 1]! / 2;
    const words: number[] = [];
    for (let k = 0; k < count; k++) words.push((adu[MBAP_HEADER + 2 + 2 * k]! << 8) | adu[MBAP_HEADER + 3 + 2 * k]!);
    const h = decodeBlock(HEADER, words);
    this.header = h;
    const code = Number(h['primaryReason'] ?? 0);
    this.primaryReason = code === 0 ? undefined : reasonName(code);
    const run = h['runPermit'] === 1;
    if (this.conveyor && !run) this.stats.conveyorStops++;
    const changed = this.conveyor !== run;
    this.conveyor = run;
    if (changed) this.onConveyor();
  }

  close(): void {
    this.stream?.close();
    this.stream = undefined;
  }
}
