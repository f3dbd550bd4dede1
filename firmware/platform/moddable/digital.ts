// Discrete I/O over ECMA-419 `embedded:io/digital` (Moddable SDK 8.2.3, modules/io/digital/digital.js; options as
// in documentation/io/io.md "Digital"): `new Digital({ pin, mode: Digital.Output })` and `write(0 | 1)`; an input
// is `new Digital({ pin, mode: Digital.InputPullUp, edge: Digital.Falling, onReadable() })` with `read()`.
// Outputs are written 0 at once: the relay and the lamps start de-energised whatever the pin did during reset.
import type { DeviceFault } from '../../main/firmware';
import type { DigitalOut } from '../hal';

export interface Ecma419Digital {
  write(value: 0 | 1): void;
  read(): number;
}

export interface Ecma419DigitalOptions {
  readonly pin: number;
  readonly mode: number;
  readonly edge?: number;
  onReadable?(this: Ecma419Digital): void;
}

export interface Ecma419DigitalClass {
  new (options: Ecma419DigitalOptions): Ecma419Digital;
  readonly Output: number;
  readonly InputPullUp: number;
  readonly Falling: number;
}

export function digitalOut(Digital: Ecma419DigitalClass, name: string, pin: number): DigitalOut | DeviceFault {
  try {
    const d = new Digital({ pin, mode: Digital.Output });
    d.write(0);
    return { write: (v) => d.write(v) };
  } catch (e) {
    return { device: name, reason: 'DEVICE_OPEN_FAILED', detail: `${name} on GPIO ${pin}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * The machine's board-out signal on an input with pull-up: a dry contact (or an opto-isolated SMEMA line) pulls it
 * low once per board. Edges within `debounceMs` of the last counted one are contact bounce, not boards.
 */
export function boardInput(Digital: Ecma419DigitalClass, pin: number, nowMs: () => number, onBoard: () => void, debounceMs = 50): DeviceFault | undefined {
  let last = -Infinity;
  try {
    new Digital({
      pin,
      mode: Digital.InputPullUp,
      edge: Digital.Falling,
      onReadable() {
        const t = nowMs();
        if (this.read() !== 0 || t - last < debounceMs) return;
        last = t;
        onBoard();
      },
    });
    return undefined;
  } catch (e) {
    return { device: 'board signal', reason: 'DEVICE_OPEN_FAILED', detail: `board signal on GPIO ${pin}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
