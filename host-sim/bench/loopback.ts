// A station served over real TCP on this machine: the firmware in Node on simulated flash, outputs and sensor,
// with real time and node:net sockets (host-sim/node). It stands in for a controller on the network, so the
// device path of the hw-test suite (`tcp://HOST:PORT`) is exercised without hardware.
import { createServer } from 'node:net';
import { nodeClock, nodeListenTcp, nodeTimers } from '../node';
import { startFirmware, type Firmware } from '../../firmware/main/firmware';
import { seededRandom } from '../../firmware/platform/sim/devices';
import { World } from './world';

export interface LoopbackStation {
  readonly firmware: Firmware;
  readonly world: World;
  readonly hostPort: number;
  readonly modbusPort: number;
  stop(): void;
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

export async function startLoopbackStation(provision: { config: Record<string, unknown>; secret: Uint8Array }): Promise<LoopbackStation> {
  const [hostPort, modbusPort] = [await freePort(), await freePort()];
  const world = new World();
  const timers = nodeTimers();
  const firmware = startFirmware(
    {
      hal: { journalFlash: world.journal, storeFlash: world.store, clock: nodeClock, runPermit: world.relay, stackLight: world.light, sensor: world.sensor, random: seededRandom(1) },
      timers,
      listen: nodeListenTcp(),
    },
    { provision: { config: { ...provision.config, host: { tcpPort: hostPort }, modbus: { tcpPort: modbusPort } }, secret: provision.secret } },
  );
  return { firmware, world, hostPort, modbusPort, stop: () => firmware.stop() };
}
