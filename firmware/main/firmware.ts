// The firmware as it runs on any platform: one function that takes a board (the devices a platform's main module
// opened) and starts the station with everything around it: the tick, the scanner line, and the links. The same
// code runs in Node over the sim devices, in QuickJS and XS over bridged devices, and on the controller over
// ECMA-419 IO, so what the tests exercise is what goes onto the device.
import type { ReasonName } from '../../protocol/src/reasons';
import type { ByteStream, ListenTcp, SerialPort, StreamCallbacks, TcpListener, Timers } from '../platform/hal';
import { startRtuServer, startTcpServer, type ModbusRtuServer, type ModbusTcpServer } from '../modbus';
import { HostPort } from '../runtime/host-port';
import { Station, type Provisioning, type StationEvent, type StationHal } from '../runtime/station';
import { scannerInput } from './scanner';

/** A device a platform could not open, as a value: the firmware runs on without it and says why. */
export interface DeviceFault {
  readonly device: string;
  readonly reason: ReasonName;
  readonly detail: string;
}

/** Opens a byte stream with the firmware's callbacks, or says why it cannot. */
export type OpenStream<S extends ByteStream = ByteStream> = (callbacks: StreamCallbacks) => S | DeviceFault;

/** Modbus RTU line settings (parity none means two stop bits, as the specification wants). */
export interface RtuLine {
  readonly baud: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
}

/** Everything a platform hands the firmware. Optional devices may be missing on a given board. */
export interface Board {
  /** The station's own devices: the two flash partitions, clock, run-permit relay, stack light, sensor, RNG. */
  readonly hal: StationHal;
  readonly timers: Timers;
  /** The barcode scanner's line (UART; USB through a bridge). */
  readonly scanner?: OpenStream;
  /** The host link over a UART (the binary station protocol), when the host is not reached over TCP. */
  readonly hostSerial?: OpenStream<SerialPort>;
  /** TCP listeners (Modbus TCP, the host link). */
  readonly listen?: ListenTcp;
  /** The RS-485 port for Modbus RTU, opened with the line settings of the station's configuration. */
  readonly rs485?: (line: RtuLine, callbacks: StreamCallbacks) => SerialPort | DeviceFault;
  /**
   * The machine's board-out signal (a dry contact or the SMEMA board-available line to the next machine):
   * `onBoard` is called once per board built. Returns a fault when the input cannot be opened.
   */
  readonly boardSignal?: (onBoard: () => void) => DeviceFault | undefined;
  /** Devices the platform could not open (a pin in use, no I²C answer), now or later: reported, never thrown. */
  readonly faults?: readonly DeviceFault[];
}

export interface FirmwareOptions {
  /** Stored at the first boot only (see firmware/runtime/README.md, "Configuration and provisioning"). */
  readonly provision?: Provisioning;
  /** The station's tick: sensor polls, checkpoints, timeouts. Default 1000 ms. */
  readonly tickMs?: number;
  readonly onEvent?: (e: StationEvent) => void;
}

export interface Firmware {
  readonly station: Station;
  /** The Modbus servers that are running (a port of 0 or a baud of 0 in the configuration turns one off). */
  readonly modbus: { readonly tcp?: ModbusTcpServer<TcpListener>; readonly rtu?: ModbusRtuServer };
  /** Where the host reaches the station: its TCP port and the serial host link. */
  readonly host: HostPort;
  /** Devices that are missing or failed, for the status report and the boot screen. */
  readonly faults: readonly DeviceFault[];
  /** Stops the tick and closes every stream (before a simulated power cut, or a clean shutdown). */
  stop(): void;
}

export function isFault(x: unknown): x is DeviceFault {
  return typeof x === 'object' && x !== null && 'device' in x && 'reason' in x;
}

export function startFirmware(board: Board, options: FirmwareOptions = {}): Firmware {
  const faults: DeviceFault[] = [];
  const station = Station.start({
    hal: board.hal,
    ...(options.provision === undefined ? {} : { provision: options.provision }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  const streams: ByteStream[] = [];
  let stopped = false;

  if (board.scanner !== undefined) {
    const s = board.scanner(scannerInput(station));
    if (isFault(s)) faults.push(s);
    else streams.push(s);
  }

  if (board.boardSignal !== undefined) {
    const f = board.boardSignal(() => {
      if (!stopped) station.input({ kind: 'board' });
    });
    if (f !== undefined) faults.push(f);
  }

  const host = new HostPort(station);
  if (board.listen !== undefined) host.listen(board.listen, station.config['host.tcpPort']);
  if (board.hostSerial !== undefined) {
    // The link needs the stream before it can give the stream's callbacks: bytes are handed on once it exists.
    let deliver: ((bytes: Uint8Array, atUs: number) => void) | undefined;
    const s = board.hostSerial({ onData: (bytes, atUs) => deliver?.(bytes, atUs) });
    if (isFault(s)) faults.push(s);
    else {
      streams.push(s);
      deliver = host.serial(s);
    }
  }

  const modbus = startModbus(board, station, faults);

  const tickMs = options.tickMs ?? 1000;
  let tick = -1;
  const arm = (): void => {
    tick = board.timers.set(tickMs, () => {
      if (stopped) return;
      station.input({ kind: 'tick' });
      host.tick();
      arm();
    });
  };
  arm();

  return {
    station,
    host,
    modbus,
    get faults() {
      return [...(board.faults ?? []), ...faults];
    },
    stop() {
      if (stopped) return;
      stopped = true;
      board.timers.clear(tick);
      host.close();
      modbus.tcp?.close();
      modbus.rtu?.close();
      for (const s of streams) s.close();
    },
  };
}

/** A port that takes nothing: what the RTU server gets when the board could not open RS-485 (the fault says why). */
const DEAD_PORT: SerialPort = { baud: 0, parity: 'none', stopBits: 1, write: () => false, close: () => {} };

function startModbus(board: Board, station: Station, faults: DeviceFault[]): Firmware['modbus'] {
  const c = station.config;
  const backend = station.modbusBackend();
  const clock = board.hal.clock;
  const out: { tcp?: ModbusTcpServer<TcpListener>; rtu?: ModbusRtuServer } = {};
  if (board.listen !== undefined && c['modbus.tcpPort'] > 0) {
    const r = startTcpServer({ listen: board.listen, port: c['modbus.tcpPort'], clock, timers: board.timers, backend });
    if (r.ok) out.tcp = r.server;
    else faults.push({ device: 'Modbus TCP', reason: r.reason, detail: r.detail });
  }
  const rs485 = board.rs485;
  if (rs485 !== undefined && c['modbus.rtuBaud'] > 0) {
    const line: RtuLine = { baud: c['modbus.rtuBaud'], parity: c['modbus.rtuParity'], stopBits: c['modbus.rtuParity'] === 'none' ? 2 : 1 };
    let portFault = false;
    const r = startRtuServer({
      open: (cb) => {
        const p = rs485(line, cb);
        if (!isFault(p)) return p;
        faults.push(p);
        portFault = true;
        return DEAD_PORT;
      },
      unitId: c['modbus.unitId'],
      clock,
      timers: board.timers,
      backend,
      portName: 'rs485',
    });
    if (r.ok) out.rtu = r.server;
    else if (!portFault) faults.push({ device: 'Modbus RTU', reason: r.reason, detail: r.detail });
  }
  return out;
}
