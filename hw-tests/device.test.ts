// The device path of the suite (real TCP sockets, real time, a station that is not made fresh for each case),
// against the firmware serving on loopback as a controller on the network would. The cases that need a scanner
// line, a board signal or a power switch on a device are left out here; the bench targets run them.
import { startLoopbackStation, type LoopbackStation } from '../host-sim/bench/loopback';
import { stationCases } from './cases';
import { BENCH_SECRET, STATION_CONFIG } from './fixtures';
import { deviceTarget } from './targets';

jest.setTimeout(60_000);

describe('a controller on the network (tcp://127.0.0.1, the firmware serving on loopback)', () => {
  let s: LoopbackStation;
  beforeAll(async () => {
    s = await startLoopbackStation({ config: STATION_CONFIG, secret: BENCH_SECRET });
  });
  afterAll(() => s.stop());
  const hex = Buffer.from(BENCH_SECRET).toString('hex');
  stationCases(
    async () => deviceTarget(`tcp://127.0.0.1:${s.hostPort}`, { key: hex, modbusPort: s.modbusPort }),
    { scan: false, board: false, powerCycle: false, fresh: false, rtu: false },
    'omit',
  );
});
