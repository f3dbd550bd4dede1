// What the suite needs of a station under test: its outside interfaces and nothing else. A bench target (sim,
// QuickJS, XS) and a device target (TCP, serial) both give these; the cases never see more.

/** One byte stream to the station: a TCP connection or a serial line. */
export interface Conn {
  /** Sends bytes; resolves once they are on their way (on a bench: once the firmware has taken them). */
  write(bytes: Uint8Array): Promise<void>;
  /** Every chunk the station sends from now on (chunks already received are handed over first). */
  onData(fn: (bytes: Uint8Array) => void): void;
  onClose(fn: () => void): void;
  close(): Promise<void>;
  readonly open: boolean;
}

export interface Target {
  readonly name: string;
  readonly stationId: number;
  readonly keyId: number;
  readonly secret: Uint8Array;
  /** TCP ports of the host link and of Modbus. */
  readonly ports: { readonly host: number; readonly modbus: number };
  /** Opens a TCP connection to one of the station's ports; undefined when it refuses or nothing listens. */
  connect(port: number): Promise<Conn | undefined>;
  /** The RS-485 line as the PLC (the Modbus RTU master) sees it, with the station's unit id; undefined when not wired. */
  readonly rtu: { readonly conn: Conn; readonly unitId: number } | undefined;
  /** The scanner line: one read, as the scanner sends it (text and CR). Undefined when no scanner line is wired. */
  readonly scan: ((text: string) => Promise<void>) | undefined;
  /** The machine's board-out signal pulses once. Undefined when the bench cannot pulse it. */
  readonly board: (() => Promise<void>) | undefined;
  /** The run-permit output measured at the relay's coil (a bench; a device reads it back over Modbus instead). */
  readonly relay: (() => Promise<0 | 1>) | undefined;
  /** Power off for `offMs`, then on again. Undefined when the bench has no power switch. */
  readonly powerCycle: ((offMs: number) => Promise<void>) | undefined;
  /** Lets time pass: virtual on a bench (timers fire), real on a device. */
  wait(ms: number): Promise<void>;
  /** A fresh station: factory-new flash, provisioned (bench targets only; a device is prepared by hand). */
  readonly fresh: boolean;
  close(): Promise<void>;
}

/** Waits until `pred` holds, letting the target's time pass in small steps; throws with `what` after `ms`. */
export async function until(t: Target, pred: () => boolean, what: string, ms = 5_000, step = 50): Promise<void> {
  for (let waited = 0; ; waited += step) {
    if (pred()) return;
    if (waited >= ms) throw new Error(`${t.name}: no ${what} within ${ms} ms`);
    await t.wait(step);
  }
}
