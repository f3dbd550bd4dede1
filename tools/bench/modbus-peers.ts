// The peers the firmware's Modbus/TCP server is measured and tested against: modbus-serial's ServerTCP serving the
// same registers (through the same map readers), and a bare socket that answers every request with one fixed
// reply (the limit of the harness).
import { createServer, type Server } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { newCounters } from '../../protocol/src/modbus/counters';
import { discreteInput, holdingRegister, inputRegister } from '../../protocol/src/modbus/read';
import type { StationView } from '../../protocol/src/station-view';
// A loopback port nothing listens on right now: ServerTCP cannot bind port 0 itself (it reads 0 as 502).
import { freePort } from '../../host-sim/bench/loopback';

/** modbus-serial's ServerTCP on a free loopback port, serving `view()` through the protocol's map readers. */
export async function serverTcpPeer(view: () => StationView): Promise<{ port: number; close(): Promise<void> }> {
  const port = await freePort();
  const counters = newCounters();
  const server = new ServerTCP(
    {
      getInputRegister: (addr: number) => inputRegister(view(), counters, addr),
      getHoldingRegister: (addr: number) => holdingRegister(view(), addr),
      getDiscreteInput: (addr: number) => discreteInput(view(), addr),
      getCoil: () => false,
    },
    { host: '127.0.0.1', port, unitID: 255 },
  );
  return new Promise((resolve, reject) => {
    server.once('initialized', () => resolve({ port, close: () => new Promise<void>((done) => server.close(() => done())) }));
    server.once('serverError', reject);
  });
}

/**
 * A socket server that answers every complete MBAP request with the same 9-byte FC 04 reply (one register), echoing
 * only the transaction id: no decoding, no map. What no Modbus server on this machine can beat.
 */
export function bareSocketPeer(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer({ noDelay: true }, (socket) => {
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 7) {
        const n = 6 + pending.readUInt16BE(4);
        if (pending.length < n) break;
        const reply = Buffer.from([pending[0]!, pending[1]!, 0, 0, 0, 5, pending[6]!, 0x04, 2, 0, 1]);
        socket.write(reply);
        pending = pending.subarray(n);
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve({ port: typeof a === 'object' && a !== null ? a.port : 0, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}
