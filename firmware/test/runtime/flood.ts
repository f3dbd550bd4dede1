// A station's host port and Modbus TCP server on one simulated network, and an attacker who floods the host port
// with forged frames from connection after connection (flood.test.ts; tools/bench/flood.ts).
import { encodeFrame } from '../../../protocol/src/frame';
import { macKey } from '../../../protocol/src/keys';
import { startTcpServer } from '../../modbus';
import { SimNet } from '../../platform/sim/net';
import { HostPort } from '../../runtime/host-port';
import type { Rig } from './rig';

export const HOST_PORT = 4840;
export const MODBUS_PORT = 502;

/** A HelloAck for station 7 under key id 1, MACed with a key the attacker made up: it passes every check before the MAC. */
export function forgedHelloAck(counter: number): Uint8Array {
  const k = macKey(new Uint8Array(32).fill(0xa5));
  if (!k.ok) throw new Error(k.detail);
  const nonce = new Uint8Array(16);
  const w = encodeFrame(
    { type: 'HelloAck', body: { protocolMinor: 1, softwareVersion: 'x', capabilities: [], lastCounterReceived: 0, nonce, helloNonce: nonce } },
    { stationId: 7, counter, direction: 'host-to-station', keyId: 1, key: k.key },
  );
  if (!w.ok) throw new Error(w.detail);
  return w.wire;
}

/** A station whose host port and Modbus TCP server listen on one simulated network. */
export function floodLine(r: Pick<Rig, 'station' | 'clock'>) {
  const net = new SimNet({ clock: r.clock });
  const port = new HostPort(r.station);
  port.listen(net.listen, HOST_PORT);
  const modbus = startTcpServer({ listen: net.listen, port: MODBUS_PORT, clock: r.clock, timers: r.clock, backend: r.station.modbusBackend() });
  if (!modbus.ok) throw new Error(modbus.detail);
  // Made once: the attacker's own cost of forging is not the station's (they fail the MAC whatever their counter).
  const forged = Array.from({ length: 64 }, (_, i) => forgedHelloAck(i + 1));
  let connections = 0;
  /** What the station sent to the attacker, connection by connection (its Hellos). */
  const heard: Uint8Array[][] = [];
  return {
    net,
    port,
    heard,
    /** One attacker connection: `frames` forged frames on it, written at once. */
    attack(frames: number): void {
      const got: Uint8Array[] = [];
      heard.push(got);
      const c = net.connect(HOST_PORT, { onData: (b) => void got.push(b.slice()) });
      if (c === undefined) throw new Error('host port not listening');
      connections++;
      for (let i = 0; i < frames; i++) c.write(forged[i % forged.length]!);
      net.run();
    },
    get attacks() {
      return connections;
    },
  };
}
