// The world around one station on a bench: the devices (two flash partitions on one power supply, a virtual clock,
// the relay, the stack light, the T/RH sensor, an RNG), the wires (scanner line, serial host link) and a small TCP
// network, all simulated and deterministic from a seed. Whichever engine runs the firmware (Node, QuickJS, XS),
// it runs against this world, and a test reaches the station only through the world's outside ends: the links,
// the TCP ports and the relay contacts.
import type { Flash, RandomBytes } from '../../firmware/platform/hal';
import { SimClock } from '../../firmware/platform/sim/clock';
import { seededRandom, SimOutput, simStackLight, SimSensor } from '../../firmware/platform/sim/devices';
import { SimFlash } from '../../firmware/platform/sim/flash';
import { PowerDomain } from '../../firmware/platform/sim/power';

export interface WorldOptions {
  readonly seed?: number;
  /** Journal partition, KiB (default 1024: what a 4 MB ESP32 module has room for beside the application). */
  readonly journalKiB?: number;
  /** State-store partition, KiB (default 128). */
  readonly storeKiB?: number;
  /** Erase sector (default 4096, SPI NOR) and program word (default 4). */
  readonly sectorSize?: number;
  readonly wordSize?: number;
  /** The RTC at power-up (default: trusted, 2026-01-05T06:00:00Z); undefined in the object for no RTC time. */
  readonly rtc?: { readonly epochMs: number; readonly trusted: boolean } | null;
  /** Serial lines wired to the station (default: the scanner and RS-485; the host reaches it over TCP). */
  readonly serial?: { readonly scanner?: boolean; readonly hostSerial?: boolean; readonly rs485?: boolean };
}

export const DEFAULT_EPOCH_MS = Date.UTC(2026, 0, 5, 6, 0, 0);

/** One end-to-end byte stream: the station at one end (the firmware on a bench, a socket to a device), a test at the other. */
export class Link {
  /** What the firmware sent before anyone listened, not yet taken. */
  private inbox: Uint8Array[] = [];
  private readonly listeners: ((bytes: Uint8Array) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];
  open = true;

  constructor(
    readonly id: number,
    readonly name: string,
    /** Delivers bytes to the station; on a bench it resolves once the firmware has handled them. */
    private readonly toStation: (link: Link, bytes: Uint8Array) => Promise<void>,
    private readonly closeStationEnd: (link: Link) => Promise<void>,
  ) {}

  /** The outside end writes (a scanner read, a host frame, a Modbus request). */
  write(bytes: Uint8Array): Promise<void> {
    if (!this.open) return Promise.resolve();
    return this.toStation(this, bytes);
  }

  /** Calls `fn` for every chunk the firmware sends; what arrived before anyone listened is handed over first. */
  onData(fn: (bytes: Uint8Array) => void): void {
    this.listeners.push(fn);
    const pending = this.inbox;
    this.inbox = [];
    for (const b of pending) fn(b);
  }

  onClose(fn: () => void): void {
    this.closeListeners.push(fn);
  }

  /** Everything the firmware sent since the last take, joined (while nobody listens with onData). */
  take(): Uint8Array {
    const n = this.inbox.reduce((a, b) => a + b.length, 0);
    const out = new Uint8Array(n);
    let at = 0;
    for (const b of this.inbox) {
      out.set(b, at);
      at += b.length;
    }
    this.inbox = [];
    return out;
  }

  /** The outside end hangs up. */
  close(): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.open = false;
    return this.closeStationEnd(this);
  }

  /** The station's end sent bytes (the firmware on a bench; a socket's data on a device). */
  received(bytes: Uint8Array): void {
    if (!this.open) return;
    const copy = bytes.slice();
    if (this.listeners.length === 0) this.inbox.push(copy);
    for (const l of this.listeners) l(copy);
  }

  /** The station's end closed (or lost power). */
  closedByStation(): void {
    if (!this.open) return;
    this.open = false;
    for (const l of this.closeListeners) l();
  }
}

/** Host-side timers on the virtual clock: the engine asks for them, the world fires them as time advances. */
export class VirtualTimers {
  private next = 1;
  private readonly due = new Map<number, number>();

  constructor(private readonly clock: SimClock) {}

  set(delayMs: number): number {
    const h = this.next++;
    this.due.set(h, this.clock.monotonicUs() + Math.max(0, delayMs) * 1000);
    return h;
  }

  clear(handle: number): void {
    this.due.delete(handle);
  }

  /** The earliest timer due at or before `untilUs`, removed; undefined when none is. */
  takeDue(untilUs: number): { handle: number; atUs: number } | undefined {
    let best: { handle: number; atUs: number } | undefined;
    for (const [handle, atUs] of this.due) if (atUs <= untilUs && (best === undefined || atUs < best.atUs)) best = { handle, atUs };
    if (best !== undefined) this.due.delete(best.handle);
    return best;
  }

  reset(): void {
    this.due.clear();
  }
}

/** The devices. The flash chips keep their contents through power cuts; everything else starts again. */
export class World {
  readonly power = new PowerDomain();
  readonly journalChip: SimFlash;
  readonly storeChip: SimFlash;
  readonly journal: Flash;
  readonly store: Flash;
  readonly clock: SimClock;
  readonly relay = new SimOutput();
  readonly light = simStackLight();
  readonly sensor = new SimSensor();
  readonly timers: VirtualTimers;
  readonly serial: { readonly scanner: boolean; readonly hostSerial: boolean; readonly rs485: boolean };
  random: RandomBytes;
  private readonly seed: number;
  private boots = 0;

  constructor(readonly options: WorldOptions = {}) {
    this.seed = options.seed ?? 1;
    const sectorSize = options.sectorSize ?? 4096;
    const wordSize = options.wordSize ?? 4;
    this.journalChip = new SimFlash({ sectorSize, wordSize, sectorCount: ((options.journalKiB ?? 1024) * 1024) / sectorSize, seed: this.seed });
    this.storeChip = new SimFlash({ sectorSize, wordSize, sectorCount: ((options.storeKiB ?? 128) * 1024) / sectorSize, seed: this.seed + 1 });
    this.journal = this.power.attach(this.journalChip);
    this.store = this.power.attach(this.storeChip);
    const rtc = options.rtc === undefined ? { epochMs: DEFAULT_EPOCH_MS, trusted: true } : options.rtc;
    this.clock = new SimClock(rtc === null ? {} : { rtc });
    this.timers = new VirtualTimers(this.clock);
    this.serial = { scanner: options.serial?.scanner ?? true, hostSerial: options.serial?.hostSerial ?? false, rs485: options.serial?.rs485 ?? true };
    this.random = seededRandom(this.seed);
  }

  /** Power off: the flash stops mid-operation if one is running, timers and RAM are gone. */
  cut(): void {
    this.power.cut();
    this.timers.reset();
    // Unpowered coils drop out: the relay is wired fail-safe, so the permit is off without anyone deciding it.
    this.relay.write(0);
    this.light.red.write(0);
    this.light.amber.write(0);
    this.light.green.write(0);
  }

  /** Power back on after `offMs`; the RTC keeps time, comes back untrusted, or loses it. */
  restore(offMs: number, rtc: 'survives' | 'untrusted' | 'lost' = 'survives'): void {
    this.clock.powerCycle(offMs, rtc);
    this.power.reboot();
    this.boots++;
    this.random = seededRandom(this.seed + 1000 * this.boots);
  }
}
