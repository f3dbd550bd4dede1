// pymodbus (Debian's python3-pymodbus) reads the device identification and the header block from the firmware's
// servers, over TCP on loopback and over RTU through a socat pseudo-terminal pair.
import { join } from 'node:path';
import { startNodeModbus, type NodeModbus } from '../../../../host-sim/node';
import { expectedHeader, expectedObjects, makeStation, type StationUnderTest } from '../station';
import { need, PYTHON, run, socatPair, type PtyPair } from './tools';

const PROBE = join(__dirname, 'pymodbus_probe.py');

describe.each(['tcp', 'rtu'] as const)('pymodbus over Modbus %s', (mode) => {
  let station: StationUnderTest;
  let servers: NodeModbus;
  let pty: PtyPair | undefined;

  beforeAll(async () => {
    const r = await run(PYTHON, ['-c', 'import pymodbus']);
    if (r.code !== 0) throw new Error(`python3-pymodbus is not installed for ${PYTHON}: run \`apt-get install -y python3-pymodbus\``);
    if (mode === 'rtu') await need('socat');
  });

  afterEach(async () => {
    servers.close();
    await pty?.stop();
    pty = undefined;
  });

  it('reads the device identification (basic, regular, individual) and the header block', async () => {
    station = makeStation();
    if (mode === 'rtu') pty = await socatPair();
    const r = await startNodeModbus({
      backend: station.backend,
      ...(mode === 'tcp' ? { tcp: { port: 0 } } : { rtu: { path: pty!.station, line: { baud: 19200, parity: 'even', stopBits: 1 }, unitId: 5 } }),
    });
    if (!r.ok) throw new Error(r.detail);
    servers = r.servers;
    const target = mode === 'tcp' ? `tcp:${servers.tcp!.port}` : `rtu:${pty!.client}`;
    const out = await run(PYTHON, [PROBE, target, mode === 'tcp' ? '1' : '5'], 30_000);
    expect(out.stderr).toBe('');
    const got = JSON.parse(out.stdout) as { header: number[]; regular: Record<string, string>; basic: Record<string, string>; individual: Record<string, string>; conformity: number; tooMany: number };
    const id = station.identity();
    expect(got.regular).toEqual(expectedObjects(id));
    expect(got.basic).toEqual({ 0: id.vendorName, 1: id.productCode, 2: id.majorMinorRevision });
    expect(got.individual).toEqual({ 6: id.userApplicationName });
    expect(got.conformity).toBe(0x82);
    expect(got.header).toEqual(expectedHeader(station.view()));
    expect(got.tooMany).toBe(3);
  });
});
