// HAL outputs over ECMA-419 `embedded:io/digital` (Moddable SDK 8.2.3, modules/io/digital/digital.js):
// `new Digital({ pin, mode: Digital.Output })`, `write(0 | 1)`. Outputs are written 0 at once: the relay and the
// lamps start de-energised whatever the pin did during reset.
import type { DeviceFault } from '../../main/firmware';
import type { DigitalOut } from '../hal';

export interface Ecma419Digital {
  write(value: 0 | 1): void;
}

export interface Ecma419DigitalClass {
  new (options: { readonly pin: number; readonly mode: number }): Ecma419Digital;
  readonly Output: number;
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
