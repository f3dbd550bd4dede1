// A simulated serial line for the RTU server or the barcode scanner: the test (or the simulator's PLC, or a
// simulated line's scanner) sends bytes with the time each burst arrived, and reads back what the station wrote and
// when.
import type { Clock, SerialPort, StreamCallbacks } from '../hal';

export interface LineSettings {
  readonly baud: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
}

export class SimSerialLine {
  /** What the station wrote, with the clock's time (0 without a clock). */
  readonly sent: { readonly bytes: Uint8Array; readonly atUs: number }[] = [];
  private callbacks: StreamCallbacks | undefined;
  private isOpen = false;

  constructor(
    readonly settings: LineSettings,
    private readonly clock?: Clock,
  ) {}

  /** The `open` a server takes: one port on this line. */
  readonly open = (callbacks: StreamCallbacks): SerialPort => {
    this.callbacks = callbacks;
    this.isOpen = true;
    const { baud, parity, stopBits } = this.settings;
    return {
      baud,
      parity,
      stopBits,
      write: (bytes) => {
        if (!this.isOpen) return false;
        this.sent.push({ bytes: bytes.slice(), atUs: this.clock?.monotonicUs() ?? 0 });
        return true;
      },
      close: () => {
        if (!this.isOpen) return;
        this.isOpen = false;
        const cb = this.callbacks;
        this.callbacks = undefined;
        cb?.onClose?.();
      },
    };
  };

  get opened(): boolean {
    return this.isOpen;
  }

  /** Bytes arriving at the station; `atUs` is when the first of them was complete. */
  receive(bytes: Uint8Array, atUs: number): void {
    this.callbacks?.onData(bytes, atUs);
  }

  /** Takes what the station wrote since the last call. */
  take(): { readonly bytes: Uint8Array; readonly atUs: number }[] {
    return this.sent.splice(0, this.sent.length);
  }
}
