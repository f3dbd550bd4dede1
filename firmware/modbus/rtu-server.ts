// The Modbus RTU server on one serial line (RS-485 or a UART): the framer cuts frames, frames for our address or
// broadcast are answered through the PDU handlers, the rest is dropped without a word, as the specification wants.
import { newCounters, type ModbusCounters } from '../../protocol/src/modbus/counters';
import { crc16 } from '../../protocol/src/modbus/crc16';
import { MAX_RTU_ADU, RTU_BROADCAST, RTU_MAX_ADDRESS } from '../../protocol/src/modbus/spec';
import type { Clock, SerialPort, StreamCallbacks, Timers } from '../platform/hal';
import type { ModbusBackend } from './backend';
import { inRange, invalid, type Started } from './config';
import { answer, type RequestContext } from './pdu';
import { RtuFramer, rtuTiming, type RtuTiming } from './rtu-framer';

export interface RtuServerOptions {
  /** Opens the serial port with the server's callbacks (the platform knows the device and its line settings). */
  readonly open: (callbacks: StreamCallbacks) => SerialPort;
  /** Our slave address, 1–247. */
  readonly unitId: number;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly backend: ModbusBackend;
  /** The port's name, for the journal record of a write (`WriteOrigin.peer`). */
  readonly portName?: string;
  /**
   * Overrides t1.5 / t3.5 (µs). Only for links that deliver bytes late in bursts (USB serial adapters, pseudo-
   * terminals); a station on its own UART keeps the specification's values.
   */
  readonly timing?: { readonly t15Us?: number; readonly t35Us?: number };
}

export interface ModbusRtuServer {
  readonly counters: ModbusCounters;
  readonly timing: RtuTiming;
  /** Stops answering and closes the port. */
  close(): void;
}

export function startRtuServer(opts: RtuServerOptions): Started<ModbusRtuServer> {
  if (!inRange(opts.unitId, 1, RTU_MAX_ADDRESS)) return invalid(`unitId ${opts.unitId}: a slave address is 1–${RTU_MAX_ADDRESS}`);
  const t = opts.timing;
  if (t?.t15Us !== undefined && !(t.t15Us > 0)) return invalid('timing.t15Us must be above 0');
  if (t?.t35Us !== undefined && !(t.t35Us > 0)) return invalid('timing.t35Us must be above 0');

  const counters = newCounters();
  const out = new Uint8Array(MAX_RTU_ADU);
  let framer: RtuFramer | undefined;
  let port: SerialPort | undefined;
  let timer = -1;
  let closed = false;
  const ctx: RequestContext = { backend: opts.backend, counters, transport: 'rtu', peer: opts.portName ?? 'serial', unitId: opts.unitId, broadcast: false };

  const onFrame = (buf: Uint8Array, n: number): void => {
    const addr = buf[0]!;
    if (addr !== opts.unitId && addr !== RTU_BROADCAST) return;
    counters.requests++;
    ctx.unitId = addr;
    ctx.broadcast = addr === RTU_BROADCAST;
    const pdu = answer(buf, 1, n - 3, ctx, out, 1);
    if (pdu === 0 || port === undefined) return;
    out[0] = opts.unitId;
    const crc = crc16(out, 0, 1 + pdu);
    out[1 + pdu] = crc & 0xff;
    out[2 + pdu] = crc >>> 8;
    port.write(out.subarray(0, 3 + pdu));
  };

  // One timer at a time: when it fires, the framer decides from timestamps whether the frame has ended.
  const arm = (): void => {
    if (closed || timer >= 0 || framer === undefined) return;
    const due = framer.dueInUs(opts.clock.monotonicUs());
    if (due < 0) return;
    timer = opts.timers.set(Math.max(1, Math.ceil(due / 1000)), () => {
      timer = -1;
      if (!closed && framer !== undefined && framer.poll(opts.clock.monotonicUs())) arm();
    });
  };

  port = opts.open({
    onData(bytes, atUs) {
      if (closed || framer === undefined) return;
      framer.push(bytes, atUs);
      arm();
    },
    onClose() {
      closed = true;
    },
  });
  const line = rtuTiming(port.baud, port.parity, port.stopBits);
  if (!(line.charUs > 0) || !Number.isFinite(line.charUs)) {
    port.close();
    return invalid(`baud ${port.baud}: must be a positive rate`);
  }
  const timing: RtuTiming = { charUs: line.charUs, t15Us: t?.t15Us ?? line.t15Us, t35Us: t?.t35Us ?? line.t35Us };
  framer = new RtuFramer(timing, counters, onFrame);

  return {
    ok: true,
    server: {
      counters,
      timing,
      close() {
        if (closed) return;
        closed = true;
        if (timer >= 0) opts.timers.clear(timer);
        port?.close();
      },
    },
  };
}
