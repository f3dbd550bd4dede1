// A Modbus/TCP server for the benchmark, in its own process (the PLC and the station are different machines):
// `modbus-serve.ts firmware|servertcp|bare` prints `PORT <n>` once listening and runs until stdin closes.
import { startNodeModbus } from '../../host-sim/node/modbus';
import { IDENTITY, sampleView } from '../../firmware/test/modbus/station';
import { bareSocketPeer, serverTcpPeer } from './modbus-peers';

const view = sampleView();

async function main(): Promise<void> {
  const kind = process.argv[2];
  let port: number;
  if (kind === 'firmware') {
    const r = await startNodeModbus({
      backend: { view: () => view, identity: () => IDENTITY, write: () => 'OK' },
      tcp: { port: 0, maxConnections: 32 },
    });
    if (!r.ok) throw new Error(r.detail);
    port = r.servers.tcp!.port;
  } else if (kind === 'servertcp') {
    port = (await serverTcpPeer(() => view)).port;
  } else if (kind === 'bare') {
    port = (await bareSocketPeer()).port;
  } else {
    throw new Error(`modbus-serve: unknown server ${String(kind)}: firmware, servertcp or bare`);
  }
  process.stdout.write(`PORT ${port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

main().catch((e: unknown) => {
  process.stderr.write(`modbus-serve: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
