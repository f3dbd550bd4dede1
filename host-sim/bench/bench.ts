// One station on a bench: the firmware in an engine of choice (Node, QuickJS or XS), the world's devices bridged
// to it, and the outside ends a test holds: the scanner line, the serial host link, TCP connections, the relay.
// Every way into the firmware goes through one queue, in order, so the firmware never runs twice at once, just
// as on the controller's single event loop.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CMD, MAX_CHUNK, PORT, Writer } from '../../firmware/platform/bridge/abi';
import { utf8Decode, utf8Encode } from '../../protocol/src/utf8';
import { BridgedDevices } from './devices';
import { nodeEngine, qjsEngine, xsEngine, type Engine, type EngineKind, type EngineMemory } from './engines';
import { Link, World, type WorldOptions } from './world';

export interface BenchOptions extends WorldOptions {
  readonly engine: EngineKind;
  /** The station's provisioning: configuration document and secret (first boot only). */
  readonly provision?: { readonly config: unknown; readonly secret?: Uint8Array };
  /** The firmware's tick, ms (default 1000). */
  readonly tickMs?: number;
  /** The engine bundle's code (default: what `warden build --target qjs|xs` left in dist/). */
  readonly code?: string;
  /** Devices to use instead of new ones: another bench's world, its flash as that bench left it (power it off first). */
  readonly world?: World;
}

/** What the firmware says of itself (CMD.STATUS): the same picture Modbus and StatusReport carry. */
export interface BenchStatus {
  readonly booted: boolean;
  readonly failure?: { readonly reason: string; readonly detail: string } | null;
  readonly permit?: { readonly on: boolean; readonly reasons: readonly string[]; readonly state: string; readonly warnings: readonly string[] };
  readonly view?: Record<string, unknown>;
  readonly faults?: readonly { readonly device: string; readonly reason: string; readonly detail: string }[];
  readonly bootCount?: number;
}

/** Where `warden build --target qjs|xs` leaves the engine bundles (the jest setup builds them before the suites). */
export function engineBundlePath(kind: 'qjs' | 'xs'): string {
  return join(__dirname, '..', '..', 'dist', kind, `warden-${kind}.js`);
}

const bundles = new Map<EngineKind, string>();

/** The `qjs` or `xs` bundle as `warden build` made it, read once per process. */
export function engineBundle(kind: 'qjs' | 'xs'): string {
  let b = bundles.get(kind);
  if (b === undefined) {
    const path = engineBundlePath(kind);
    if (!existsSync(path)) throw new Error(`no ${kind} bundle at ${path}: run \`npx warden build --target ${kind}\` first`);
    bundles.set(kind, (b = readFileSync(path, 'utf8')));
  }
  return b;
}

export class BenchStation {
  readonly world: World;
  private engine: Engine | undefined;
  private readonly links = new Map<number, Link>();
  /** The wires: serial lines stay connected through power cuts. */
  private readonly wires = new Map<number, Link>();
  private readonly listeners = new Map<number, number>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Times the engine was started (the first boot and every reboot). */
  boots = 0;
  /** Device calls the firmware made through the bridge (each is an issueCommand round trip). */
  deviceCalls = 0;

  private constructor(private readonly o: BenchOptions) {
    this.world = o.world ?? new World(o);
    if (this.world.serial.scanner) this.wires.set(PORT.scanner, this.newLink('scanner'));
    if (this.world.serial.hostSerial) this.wires.set(PORT.hostSerial, this.newLink('host serial'));
    if (this.world.serial.rs485) this.wires.set(PORT.rs485, this.newLink('rs485'));
  }

  static async start(o: BenchOptions): Promise<BenchStation> {
    const b = new BenchStation(o);
    await b.boot();
    return b;
  }

  /** A bench whose engine has loaded the bundle but not started the firmware (to read the engine's baseline). */
  static async loaded(o: BenchOptions): Promise<BenchStation> {
    const b = new BenchStation(o);
    await b.run(() => b.powerUp());
    return b;
  }

  get kind(): EngineKind {
    return this.o.engine;
  }

  /** The scanner's line (the test is the scanner). */
  get scanner(): Link | undefined {
    return this.wires.get(PORT.scanner);
  }

  /** The RS-485 line (the test is the PLC, the Modbus RTU master). */
  get rs485(): Link | undefined {
    return this.wires.get(PORT.rs485);
  }

  /** The serial host link, when the world wires one. */
  get hostSerial(): Link | undefined {
    return this.wires.get(PORT.hostSerial);
  }

  /** The run-permit relay's coil, as a meter on its contacts reads it. */
  get relay(): 0 | 1 {
    return this.world.relay.value;
  }

  /** Runs `job` when everything queued before it is done; every entry into the firmware goes through here. */
  private run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private newLink(name: string): Link {
    const id = this.nextId++;
    const link = new Link(
      id,
      name,
      (l, bytes) => this.deliver(l, bytes),
      (l) => this.run(async () => void (await this.engine?.command(new Writer(5).u8(CMD.CLOSED).u32(l.id).bytes))),
    );
    this.links.set(id, link);
    return link;
  }

  private deliver(l: Link, bytes: Uint8Array): Promise<void> {
    return this.run(async () => {
      for (let i = 0; i < bytes.length; i += MAX_CHUNK) {
        const part = bytes.subarray(i, Math.min(bytes.length, i + MAX_CHUNK));
        await this.engine?.command(new Writer(13 + part.length).u8(CMD.DATA).u32(l.id).f64(this.world.clock.monotonicUs()).put(part).bytes);
      }
    });
  }

  /** Powers the station up: a fresh engine, the firmware booted from what the flash holds. */
  async boot(): Promise<void> {
    await this.run(async () => {
      if (this.engine === undefined) await this.powerUp();
      await this.startFirmware();
    });
  }

  /** The firmware starts in an engine that has its bundle loaded (`loaded()`). */
  start(): Promise<void> {
    return this.run(() => this.startFirmware());
  }

  private async startFirmware(): Promise<void> {
    const p = this.o.provision;
    const doc = p === undefined ? new Uint8Array(0) : utf8Encode(JSON.stringify(p.config));
    const secret = p?.secret ?? new Uint8Array(0);
    await this.engine!.command(new Writer(10 + doc.length + secret.length).u8(CMD.BOOT).u32(doc.length).put(doc).u8(secret.length).put(secret).u32(this.o.tickMs ?? 0).bytes);
  }

  /** A fresh engine with the bundle loaded and the devices bridged; the firmware not started yet. */
  private async powerUp(): Promise<void> {
    {
      const devices = new BridgedDevices(this.world, {
        openPort: (port) => this.wires.get(port),
        streamWrite: (id, bytes) => {
          const l = this.links.get(id);
          if (l === undefined || !l.open) return false;
          l.received(bytes);
          return true;
        },
        streamClose: (id) => {
          const l = this.links.get(id);
          if (l !== undefined && !this.isWire(l)) {
            this.links.delete(id);
            l.closedByStation();
          }
        },
        listen: (port) => {
          if ([...this.listeners.values()].includes(port)) return 0;
          const id = this.nextId++;
          this.listeners.set(id, port);
          return id;
        },
        unlisten: (id) => void this.listeners.delete(id),
      });
      const onCommand = (req: Uint8Array) => {
        this.deviceCalls++;
        return devices.handle(req);
      };
      const k = this.o.engine;
      this.engine = k === 'node' ? nodeEngine(onCommand) : k === 'qjs' ? await qjsEngine(this.o.code ?? engineBundle('qjs'), onCommand) : await xsEngine(this.o.code ?? engineBundle('xs'), onCommand);
      this.boots++;
    }
  }

  private isWire(l: Link): boolean {
    return [...this.wires.values()].includes(l);
  }

  /** Opens a TCP connection to the station's port; undefined when nothing listens there or the station refuses it. */
  connect(port: number, remote = '10.0.0.2:50000'): Promise<Link | undefined> {
    return this.run(async () => {
      const lid = [...this.listeners].find(([, p]) => p === port)?.[0];
      if (lid === undefined || this.engine === undefined) return undefined;
      const link = this.newLink(`tcp ${port}`);
      const rem = utf8Encode(remote);
      const r = await this.engine.command(new Writer(9 + rem.length).u8(CMD.ACCEPT).u32(lid).u32(link.id).put(rem).bytes);
      if (r[0] !== 1) {
        this.links.delete(link.id);
        link.closedByStation();
        return undefined;
      }
      return link;
    });
  }

  /** The scanner reads a label: its text and a CR, as a serial scanner sends it. */
  scan(text: string): Promise<void> {
    const s = this.scanner;
    if (s === undefined) return Promise.reject(new Error('no scanner is wired on this bench'));
    const bytes = new Uint8Array(text.length + 1);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    bytes[text.length] = 0x0d;
    return s.write(bytes);
  }

  /** The machine built a board: its board-out signal pulses once. */
  machineBoard(): Promise<void> {
    return this.run(async () => void (await this.engine?.command(new Uint8Array([CMD.BOARD]))));
  }

  /** Moves virtual time on, firing the firmware's timers in order. */
  advance(ms: number): Promise<void> {
    return this.run(async () => {
      const clock = this.world.clock;
      const end = clock.monotonicUs() + Math.round(ms * 1000);
      for (;;) {
        const due = this.world.timers.takeDue(end);
        if (due === undefined) break;
        clock.advance(Math.max(0, due.atUs - clock.monotonicUs()) / 1000);
        await this.engine?.command(new Writer(5).u8(CMD.TIMER).u32(due.handle).bytes);
      }
      clock.advance(Math.max(0, end - clock.monotonicUs()) / 1000);
    });
  }

  /**
   * A power cut: the engine and everything in its memory are gone, the flash keeps what it holds, TCP peers see
   * their connections drop. Power comes back after `offMs`, and the station boots again.
   */
  async powerCycle(offMs = 1000, rtc: 'survives' | 'untrusted' | 'lost' = 'survives'): Promise<void> {
    await this.cut();
    this.world.restore(offMs, rtc);
    await this.boot();
  }

  /** Power off, and stay off until `boot()` (after `world.restore`). */
  cut(): Promise<void> {
    return this.run(async () => {
      this.engine?.dispose();
      this.engine = undefined;
      this.world.cut();
      this.listeners.clear();
      for (const [id, l] of this.links) {
        if (this.isWire(l)) continue;
        this.links.delete(id);
        l.closedByStation();
      }
    });
  }

  /** The firmware's picture of itself. */
  status(): Promise<BenchStatus> {
    return this.run(async () => {
      if (this.engine === undefined) return { booted: false };
      const r = await this.engine.command(new Uint8Array([CMD.STATUS]));
      return JSON.parse(utf8Decode(r) ?? '{}') as BenchStatus;
    });
  }

  /** The engine's own memory figures, after everything queued so far. */
  memory(): Promise<EngineMemory | undefined> {
    return this.run(async () => this.engine?.memory());
  }

  /** Slots in use after the last command (XS only), without a collection. */
  lastHeapCount(): number | undefined {
    return this.engine?.lastHeapCount();
  }

  /** Ends the bench (the engine's process, for XS). */
  async stop(): Promise<void> {
    await this.run(async () => {
      await this.engine?.command(new Uint8Array([CMD.STOP]));
      this.engine?.dispose();
      this.engine = undefined;
    });
  }
}
