// The Moddable SDK project around the `moddable` bundle: the manifest mcconfig builds for ESP32 and the partition
// table it flashes. Every key below is from the SDK's own documentation (documentation/tools/manifest.md) and
// manifests (SDK 8.2.3); firmware/platform/moddable/README.md says where each came from and why each size.

export interface ModdableProjectOptions {
  /** The station configuration document stored at the first boot (firmware/runtime/README.md). */
  readonly station?: unknown;
  /** The provisioned secret (16 bytes or more), stored at the first boot. Leave it out of builds for the line. */
  readonly secret?: Uint8Array;
  /** Overrides of the default wiring (firmware/platform/moddable/board.ts STATION_WIRING). */
  readonly wiring?: unknown;
}

/**
 * XS machine sizes of a classic ESP32 (the SDK's own esp32 targets, e.g. build/devices/esp32/targets/esp32_thing/
 * manifest.json): one fixed chunk heap and slot heap that never grow, so running out is found on the bench.
 */
export const CREATION = {
  static: 0,
  chunk: { initial: 78_848, incremental: 0 },
  heap: { initial: 4_928, incremental: 0 },
  stack: 512,
  keys: { initial: 64, incremental: 0, name: 127, symbol: 7 },
  main: 'main',
} as const;

/** A classic ESP32 module with 4 MB of flash: the app, then the journal and the state store (firmware/platform/moddable/README.md). */
export const PARTITIONS = [
  '# Name,   Type, SubType, Offset,   Size,     Flags',
  'nvs,      data, nvs,     0x9000,   0x6000,',
  'phy_init, data, phy,     0xf000,   0x1000,',
  'factory,  app,  factory, 0x10000,  0x1F0000,',
  'journal,  data, 0x99,    0x200000, 0x100000,',
  'store,    data, 0x99,    0x300000, 0x20000,',
  '',
].join('\n');

/** The journal partition above, KiB: the station document's `journal.kib` must not ask for more. */
export const JOURNAL_PARTITION_KIB = 1024;

export function moddableManifest(o: ModdableProjectOptions): object {
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const config: Record<string, string> = {};
  if (o.station !== undefined) config['wardenStation'] = JSON.stringify(o.station);
  if (o.secret !== undefined) config['wardenSecret'] = hex(o.secret);
  if (o.wiring !== undefined) config['wardenWiring'] = JSON.stringify(o.wiring);
  return {
    include: [
      // Resource, instrumentation, time and timer modules, and the base creation values (overridden below).
      '$(MODDABLE)/examples/manifest_base.json',
      // ECMA-419 IO: serial, digital, I²C; on esp32 also the lwIP TCP socket and listener, and Wi-Fi setup.
      '$(MODDABLE)/modules/io/manifest.json',
      // embedded:storage/flash (modules/io/flash/esp32/manifest.json).
      '$(MODDABLE)/modules/io/flash/manifest.json',
      // Time.microseconds: a monotonic count that never wraps (Time.ticks is 32-bit).
      '$(MODDABLE)/modules/base/microseconds/manifest.json',
    ],
    modules: { '*': ['./main', './warden'] },
    // The firmware's bytecode and the tables its modules build at load go to flash; main opens devices, so it runs at boot.
    preload: ['warden'],
    creation: CREATION,
    config,
    platforms: {
      esp32: { build: { PARTITIONS_FILE: './partitions.csv' } },
      '...': { error: 'SMT Warden builds for esp32 (classic ESP32 module, 4 MB flash)' },
    },
  };
}

/** The files of the project directory besides the bundles. */
export function moddableProject(o: ModdableProjectOptions): Record<string, string> {
  return { 'manifest.json': `${JSON.stringify(moddableManifest(o), null, 2)}\n`, 'partitions.csv': PARTITIONS };
}
