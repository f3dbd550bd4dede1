// The `warden` module of the Moddable build: the whole firmware, preloaded (its bytecode and the tables it builds
// at load live in flash). It imports no device module; main.ts opens the SDK's classes and calls `start`.
import { fromHex } from '../../../protocol/src/hex';
import { startFirmware, type DeviceFault, type Firmware } from '../../main/firmware';
import { moddableBoard, STATION_WIRING, type ModdableClasses, type Wiring } from './board';

/** What the build put into `mc/config` (strings: the station document and wiring as JSON, the secret as hex). */
export interface AppSettings {
  /** The station's configuration document (firmware/runtime/README.md), stored at the first boot only. */
  readonly wardenStation?: string;
  /** The provisioned secret, hex, stored at the first boot only. A build for the line leaves it out. */
  readonly wardenSecret?: string;
  /** Overrides of STATION_WIRING, as JSON. */
  readonly wardenWiring?: string;
}

function parse(text: string | undefined, what: string, faults: DeviceFault[]): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    faults.push({ device: what, reason: 'CONFIG_INVALID', detail: `${what} in mc/config is not JSON` });
    return undefined;
  }
}

/** Starts the firmware on the SDK's classes; `now` is the system clock (Date.now on the device). */
export function start(classes: ModdableClasses, settings: AppSettings, now: () => number): Firmware {
  const faults: DeviceFault[] = [];
  const config = parse(settings.wardenStation, 'wardenStation', faults);
  const wiring = parse(settings.wardenWiring, 'wardenWiring', faults) as Partial<Wiring> | undefined;
  const secret = settings.wardenSecret === undefined ? undefined : fromHex(settings.wardenSecret);
  if (settings.wardenSecret !== undefined && secret === undefined) faults.push({ device: 'wardenSecret', reason: 'BAD_HEX', detail: 'wardenSecret in mc/config is not hex' });
  const board = moddableBoard(classes, now, { ...STATION_WIRING, ...(wiring ?? {}) }, faults);
  return startFirmware(
    board,
    config === undefined ? {} : { provision: secret === undefined ? { config } : { config, secret } },
  );
}
