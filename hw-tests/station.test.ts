// The acceptance suite on every target: `sim` (the firmware in Node), `qjs` and `xs` (the bundles in QuickJS and
// Moddable's XS), and a controller (`npm run hw-test -- --target tcp://HOST:PORT --key HEX`, see README.md).
import { stationCases, type Capabilities } from './cases';
import { availableBenchTargets, benchTarget, deviceTarget, isBenchTarget, type DeviceOptions } from './targets';

const specs = (process.env['WARDEN_HW_TARGETS'] ?? availableBenchTargets().join(',')).split(',').filter((s) => s !== '');
const deviceOptions = JSON.parse(process.env['WARDEN_HW_OPTIONS'] ?? '{}') as DeviceOptions;

/** A bench has everything; a device has what its bench wiring gives (a device cannot be made factory-new by the suite). */
function capabilities(spec: string): Capabilities {
  if (isBenchTarget(spec)) return { scan: true, board: true, powerCycle: true, fresh: true, rtu: true };
  return { scan: deviceOptions.scanner !== undefined, board: false, powerCycle: deviceOptions.power !== undefined, fresh: false, rtu: deviceOptions.rtu !== undefined };
}

jest.setTimeout(120_000);

describe.each(specs)('station on %s', (spec) => {
  stationCases(() => (isBenchTarget(spec) ? benchTarget(spec) : Promise.resolve(deviceTarget(spec, deviceOptions))), capabilities(spec));
});

describe('the suite itself', () => {
  it('runs on every bench target this machine has, or on the targets it was given', () => {
    expect(specs.length).toBeGreaterThan(0);
    for (const s of specs) expect(isBenchTarget(s) || /^(tcp:\/\/|serial:)/.test(s)).toBe(true);
  });
});
