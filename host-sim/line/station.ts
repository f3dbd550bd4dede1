// One station of the simulated line: the real firmware (firmware/runtime Station, its host port and its Modbus TCP
// server) on simulated devices: its own journal and state-store flash behind one power supply, its own virtual
// clock kept in step with line time, its run-permit relay, stack light, T/RH sensor and scanner line (the sim
// platform's serial device, framed into scans by the firmware's own scanner code). Power can be cut between
// flash steps or at any step of the next writes; the station then restarts from what the flash holds, its
// monotonic clock from zero, its RTC trusted, untrusted or lost as the fault says. Every call into the firmware
// goes through `enter`, which first brings the clock to line time and afterwards notices a power cut.
import { startTcpServer, type ModbusTcpServer } from '../../firmware/modbus/tcp-server';
import type { ListenTcp, SerialPort, TcpListener } from '../../firmware/platform/hal';
import { SimClock } from '../../firmware/platform/sim/clock';
import { seededRandom, SimOutput, simStackLight, SimSensor } from '../../firmware/platform/sim/devices';
import { SimFlash } from '../../firmware/platform/sim/flash';
import { PowerDomain } from '../../firmware/platform/sim/power';
import { SimSerialLine, type LineSettings } from '../../firmware/platform/sim/serial';
import { scannerInput } from '../../firmware/main/scanner';
import { HostPort } from '../../firmware/runtime/host-port';
import { Station, type StationEvent } from '../../firmware/runtime/station';
import type { Reply, StationInput } from '../../firmware/core/station/types';
import type { STATION_ROLES } from '../../protocol/src/vocabulary';

type StationRole = (typeof STATION_ROLES)[number];

/** The scanner's line as the controller's wiring opens it (firmware/platform/moddable/README.md). */
const SCANNER_LINE: LineSettings = { baud: 9600, parity: 'none', stopBits: 1 };

/** What the panel and the machine give the station; scans come only over the scanner line (`scan`). */
export type PanelInput = Exclude<StationInput, { readonly kind: 'scan' }>;

export type RtcAfterCut = 'survives' | 'untrusted' | 'lost';

export interface SimStationOptions {
  readonly id: number;
  readonly name: string;
  readonly role: StationRole;
  /** The configuration document it is provisioned with. */
  readonly config: Record<string, unknown>;
  readonly secret: Uint8Array;
  readonly journalKib: number;
  readonly storeKib: number;
  /** Epoch ms of the RTC at line time 0 (trusted). */
  readonly startEpochMs: number;
  readonly seedFor: (what: string) => number;
  /** Where the host port listens (the line's host network, or real TCP). */
  readonly hostListen: ListenTcp;
  readonly hostPort: number;
  /**
   * Where the Modbus TCP servers listen: the line's SimNet, and real TCP for outside tools (given a long idle
   * timeout: the server's clock is the station's, which may run many times faster than the tool's).
   */
  readonly modbusListen: readonly { readonly listen: ListenTcp; readonly idleTimeoutMs?: number }[];
  readonly modbusPort: number;
  /** Line time now (callbacks from the network arrive without it). */
  readonly now: () => number;
  readonly onEvent: (s: SimStation, e: StationEvent) => void;
  /** The station lost power (the line stops its machine and schedules the restart). */
  readonly onPowerLost: (s: SimStation) => void;
  readonly onBoot: (s: SimStation) => void;
}

export class SimStation {
  readonly id: number;
  readonly name: string;
  readonly role: StationRole;
  readonly journal: SimFlash;
  readonly store: SimFlash;
  readonly power = new PowerDomain();
  readonly clock: SimClock;
  readonly relay = new SimOutput();
  readonly light = simStackLight();
  readonly sensor = new SimSensor();
  /** The scanner's serial line: the wire stays, the station's port on it closes with the power. */
  readonly scannerLine: SimSerialLine;
  private scannerPort: SerialPort | undefined;
  /** While a scan is being written: the station's replies to the reads it completed. */
  private heard: Reply[] | undefined;
  private readonly journalFlash;
  private readonly storeFlash;
  station: Station | undefined;
  private hostPort: HostPort | undefined;
  private modbus: ModbusTcpServer<TcpListener>[] = [];
  /** Line time the clock was last brought to. */
  private clockAt = 0;
  /** Line time power was lost (while off). */
  cutAt: number | undefined;
  boots = 0;
  /** Power cuts so far. */
  cuts = 0;

  constructor(private readonly o: SimStationOptions) {
    this.id = o.id;
    this.name = o.name;
    this.role = o.role;
    this.journal = new SimFlash({ sectorSize: 4096, sectorCount: Math.max(3, o.journalKib / 4), wordSize: 4, seed: o.seedFor('journal-flash') });
    this.store = new SimFlash({ sectorSize: 4096, sectorCount: Math.max(4, o.storeKib / 4), wordSize: 4, seed: o.seedFor('store-flash') });
    this.journalFlash = this.power.attach(this.journal);
    this.storeFlash = this.power.attach(this.store);
    this.clock = new SimClock({ rtc: { epochMs: o.startEpochMs, trusted: true } });
    this.scannerLine = new SimSerialLine(SCANNER_LINE, this.clock);
  }

  /** Powered and running the firmware. */
  get up(): boolean {
    return this.station !== undefined;
  }

  /** The relay as the machine sees it: energised only while powered and switched on (fail-safe wiring). */
  get permitted(): boolean {
    return this.station !== undefined && this.power.powered && this.relay.value === 1;
  }

  /** Starts (or restarts) the firmware from what the flash holds. */
  boot(now: number): void {
    this.clockAt = now;
    this.boots++;
    const st = Station.start({
      hal: {
        journalFlash: this.journalFlash,
        storeFlash: this.storeFlash,
        clock: this.clock,
        runPermit: this.relay,
        stackLight: this.light,
        sensor: this.sensor,
        random: seededRandom(this.o.seedFor(`nonces/${this.boots}`)),
      },
      provision: { config: this.o.config, secret: this.o.secret },
      onEvent: (e) => this.event(e),
    });
    if (!this.power.powered) {
      // Power went again during the boot's own writes.
      this.lost(now);
      return;
    }
    this.station = st;
    this.scannerPort = this.scannerLine.open(scannerInput(st));
    const port = new HostPort(st);
    port.listen(this.guardListen(this.o.hostListen), this.o.hostPort);
    this.hostPort = port;
    this.modbus = [];
    for (const l of this.o.modbusListen) {
      const m = startTcpServer({
        listen: this.guardListen(l.listen),
        port: this.o.modbusPort,
        clock: this.clock,
        timers: this.clock,
        backend: st.modbusBackend(),
        ...(l.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: l.idleTimeoutMs }),
      });
      if (m.ok) this.modbus.push(m.server);
    }
    this.o.onBoot(this);
  }

  /** Runs `fn` against the firmware at line time `now`: the clock first, a power check after. Undefined while off. */
  enter<T>(now: number, fn: (st: Station) => T): T | undefined {
    const st = this.station;
    if (st === undefined) return undefined;
    this.sync(now);
    const out = fn(st);
    if (!this.power.powered) this.lost(now);
    return out;
  }

  input(now: number, i: PanelInput): Reply | undefined {
    return this.enter(now, (st) => st.input(i));
  }

  /**
   * A scanner sends `bytes` on the station's scanner line: the replies are the station's answers to the reads
   * those bytes completed, in order (none when no line end came); undefined while the station is off.
   */
  scan(now: number, bytes: Uint8Array): readonly Reply[] | undefined {
    return this.enter(now, () => {
      const heard: Reply[] = (this.heard = []);
      this.scannerLine.receive(bytes, this.clock.monotonicUs());
      this.heard = undefined;
      return heard;
    });
  }

  tick(now: number): void {
    this.enter(now, (st) => {
      st.input({ kind: 'tick' });
      this.hostPort?.tick();
    });
  }

  /**
   * Brings the station's clock to line time (its own timers, the Modbus idle sweeps, run on the way). Not while it
   * is off: an unpowered station runs no timers, and its RTC's time across the cut is `restore`'s to account for
   * (`SimClock.powerCycle` adds the off time once, as a battery-backed RTC keeps it).
   */
  sync(now: number): void {
    if (this.station === undefined) return;
    if (now > this.clockAt) {
      this.clock.advance(now - this.clockAt);
      this.clockAt = now;
    }
  }

  /** Power off now, between flash steps. */
  cutNow(now: number): void {
    if (this.station === undefined) return;
    this.sync(now);
    this.power.cut();
    this.lost(now);
  }

  /** Power off during flash step `k` from now (whatever the station writes next). */
  armCut(k: number): void {
    this.power.cutAtStep(this.power.steps + k);
  }

  /** Power back after a cut: monotonic time restarts, the RTC as the fault says. */
  restore(now: number, rtc: RtcAfterCut): void {
    if (this.station !== undefined || this.cutAt === undefined) return;
    this.clock.powerCycle(now - this.cutAt, rtc);
    this.cutAt = undefined;
    this.power.reboot();
    this.boot(now);
  }

  /** The Modbus servers' diagnostics (the PLC side reads them too). */
  get modbusServers(): readonly ModbusTcpServer<TcpListener>[] {
    return this.modbus;
  }

  private lost(now: number): void {
    this.station = undefined;
    this.cuts++;
    this.cutAt = now;
    this.relay.write(0);
    this.scannerPort?.close();
    this.scannerPort = undefined;
    // The connections die with the power: the peers see them close.
    this.hostPort?.close();
    this.hostPort = undefined;
    for (const m of this.modbus) m.close();
    this.modbus = [];
    this.o.onPowerLost(this);
  }

  private event(e: StationEvent): void {
    if (e.kind === 'reply' && e.input.kind === 'scan') this.heard?.push(e.reply);
    this.o.onEvent(this, e);
  }

  /** Every callback the firmware's servers get runs inside `enter`, at line time. */
  private guardListen(listen: ListenTcp): ListenTcp {
    return (opts) =>
      listen({
        port: opts.port,
        onConnection: (conn, remote) => {
          const cb = opts.onConnection(conn, remote);
          if (cb === undefined) return undefined;
          return {
            onData: (bytes, atUs) => {
              this.enter(this.o.now(), () => cb.onData(bytes, atUs));
            },
            onClose: () => {
              this.enter(this.o.now(), () => cb.onClose?.());
            },
          };
        },
      });
  }
}
