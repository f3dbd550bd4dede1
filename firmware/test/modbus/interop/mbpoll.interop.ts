// mbpoll (libmodbus) against the firmware's servers: Modbus TCP on loopback, and Modbus RTU through a socat
// pseudo-terminal pair opened by the Node platform. Every value is checked against the station's own state.
import { startNodeModbus, type NodeModbus } from '../../../../host-sim/node';
import { expectedHeader, makeStation, type StationUnderTest } from '../station';
import { mbpollValues, need, run, socatPair, type PtyPair } from './tools';

const LINE = { baud: 19200, parity: 'even', stopBits: 1 } as const;
const UNIT = 1;

/** mbpoll prints registers as signed when the top bit is set ("62609 (-2927)"): its first number is the unsigned one. */
function header(stdout: string): number[] {
  const v = mbpollValues(stdout);
  return Array.from({ length: 16 }, (_, i) => v.get(i) ?? -1);
}

describe.each(['tcp', 'rtu'] as const)('mbpoll over Modbus %s', (mode) => {
  let station: StationUnderTest;
  let servers: NodeModbus;
  let pty: PtyPair | undefined;
  let target: string[];

  beforeAll(async () => {
    await need('mbpoll');
    if (mode === 'rtu') await need('socat');
  });

  beforeEach(async () => {
    station = makeStation();
    if (mode === 'rtu') pty = await socatPair();
    const r = await startNodeModbus({
      backend: station.backend,
      ...(mode === 'tcp' ? { tcp: { port: 0 } } : { rtu: { path: pty!.station, line: LINE, unitId: UNIT } }),
    });
    if (!r.ok) throw new Error(r.detail);
    servers = r.servers;
    target = mode === 'tcp' ? ['-m', 'tcp', '-p', String(servers.tcp!.port), '127.0.0.1'] : ['-m', 'rtu', '-b', '19200', '-P', 'even', pty!.client];
  });

  afterEach(async () => {
    servers.close();
    await pty?.stop();
    pty = undefined;
  });

  const mbpoll = (args: string[], values: string[] = []) => run('mbpoll', ['-a', String(UNIT), '-0', '-1', '-o', '2', ...args, ...target, ...values]);

  it('reads the header block (FC 04) as the station states it', async () => {
    const r = await mbpoll(['-t', '3', '-r', '0', '-c', '16']);
    expect(r.code).toBe(0);
    expect(header(r.stdout)).toEqual(expectedHeader(station.view()));
  });

  it('reads the discrete inputs (FC 02) and the coils (FC 01)', async () => {
    const v = station.view();
    const di = await mbpoll(['-t', '1', '-r', '0', '-c', '7']);
    expect(di.code).toBe(0);
    expect([...mbpollValues(di.stdout).values()]).toEqual([v.runPermit, v.anyAlarm, v.workOrder !== undefined, v.firstOffPending, v.hostOnline, v.clockValid, false].map(Number));
    const coils = await mbpoll(['-t', '0', '-r', '0', '-c', '2']);
    expect([...mbpollValues(coils.stdout).values()]).toEqual([0, 0]);
  });

  it('writes the heartbeat (FC 06) and reads it back (FC 03); the station journals it', async () => {
    const w = await mbpoll(['-t', '4', '-r', '0'], ['4242']);
    expect(w.code).toBe(0);
    expect(station.journal().map((e) => e.write)).toEqual([{ kind: 'heartbeat', value: 4242 }]);
    expect(station.journal()[0]!.from.transport).toBe(mode);
    const r = await mbpoll(['-t', '4', '-r', '0', '-c', '2']);
    expect([...mbpollValues(r.stdout).values()]).toEqual([station.view().plcHeartbeat!.value, 0]);
  });

  it('acknowledges the alarms with a coil (FC 05)', async () => {
    const w = await mbpoll(['-t', '0', '-r', '0'], ['1']);
    expect(w.code).toBe(0);
    expect(station.journal().map((e) => e.write)).toEqual([{ kind: 'ack-alarms' }]);
  });

  it('is told "illegal data address" past the map, and nothing is written', async () => {
    const r = await mbpoll(['-t', '3', '-r', '4200', '-c', '100']);
    expect(r.code).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/Illegal data address/i);
    const w = await mbpoll(['-t', '4', '-r', '5'], ['1']);
    expect(`${w.stdout}${w.stderr}`).toMatch(/Illegal data address/i);
    expect(station.journal()).toHaveLength(0);
  });

  if (mode === 'rtu') {
    it('stays silent to another slave address, and counts the frame', async () => {
      const r = await run('mbpoll', ['-a', '9', '-0', '-1', '-o', '0.5', '-t', '3', '-r', '0', ...target]);
      expect(r.code).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/timed out|Connection timed out/i);
      expect(servers.rtu!.counters.busFrames).toBeGreaterThanOrEqual(1);
      expect(servers.rtu!.counters.requests).toBe(0);
    });
  }
});
