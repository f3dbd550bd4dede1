// `npm run hw-test -- --target sim|qjs|xs|tcp://HOST:PORT|serial:PATH …`: the acceptance suite against the targets
// named (several --target may be given), through jest, with the device's address, key and bench wiring.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { availableBenchTargets, isBenchTarget, type DeviceOptions } from './targets';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${v}: expected a whole number`);
  return n;
};

const program = new Command()
  .name('hw-test')
  .description('The station acceptance suite, through the station\'s outside interfaces only (hw-tests/README.md).')
  .option('--target <spec...>', 'sim, qjs, xs, tcp://HOST:PORT (the host-link port), serial:PATH[@BAUD] (a serial host link)')
  .option('--key <hex>', "device targets: the secret the station was provisioned with")
  .option('--station-id <n>', 'device targets: the station id (default 7)', int)
  .option('--key-id <n>', 'device targets: the key id (default 1)', int)
  .option('--modbus-port <n>', 'device targets: Modbus TCP port (default 502)', int)
  .option('--scanner <serial>', 'device targets: the scanner line through a USB-serial adapter, serial:PATH[@BAUD]')
  .option('--rtu <serial>', 'device targets: the RS-485 line through a USB adapter, serial:PATH@BAUD,8E1')
  .option('--unit-id <n>', 'device targets: the station\'s Modbus RTU address (default 1)', int)
  .option('--power <cmd>', 'device targets: a command that switches the supply, run as "CMD off" and "CMD on"')
  .parse();

const o = program.opts<{ target?: string[]; key?: string; stationId?: number; keyId?: number; modbusPort?: number; scanner?: string; rtu?: string; unitId?: number; power?: string }>();
const targets = o.target ?? availableBenchTargets();
const devices = targets.filter((t) => !isBenchTarget(t));
for (const t of devices) {
  if (!/^(tcp:\/\/[^:/]+:\d+|serial:.+)$/.test(t)) {
    process.stderr.write(`hw-test: ${t}: a target is sim, qjs, xs, tcp://HOST:PORT or serial:PATH[@BAUD]\n`);
    process.exit(2);
  }
}
if (devices.length > 0 && o.key === undefined) {
  process.stderr.write('hw-test: a device target needs the station\'s key: --key HEX (the secret it was provisioned with)\n');
  process.exit(2);
}
const options: DeviceOptions = {
  ...(o.key === undefined ? {} : { key: o.key }),
  ...(o.stationId === undefined ? {} : { stationId: o.stationId }),
  ...(o.keyId === undefined ? {} : { keyId: o.keyId }),
  ...(o.modbusPort === undefined ? {} : { modbusPort: o.modbusPort }),
  ...(o.scanner === undefined ? {} : { scanner: o.scanner }),
  ...(o.rtu === undefined ? {} : { rtu: o.rtu }),
  ...(o.unitId === undefined ? {} : { unitId: o.unitId }),
  ...(o.power === undefined ? {} : { power: o.power }),
};
const root = join(__dirname, '..');
const r = spawnSync(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', join(root, 'hw-tests')], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, WARDEN_HW_TARGETS: targets.join(','), WARDEN_HW_OPTIONS: JSON.stringify(options) },
});
process.exit(r.status ?? 1);
