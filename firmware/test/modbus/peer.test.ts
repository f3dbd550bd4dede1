// Where modbus-serial's own ServerTCP, serving the same registers, answers what the specification forbids, and
// the firmware answers what it requires. Same client, same requests, same station.
import { INPUT_REGISTERS } from '../../../protocol/src/modbus/map';
import { serverTcpPeer } from '../../../tools/bench/modbus-peers';
import { CLIENTS, serveStation, type Answer } from './clients';
import { makeStation } from './station';

const outcome = (a: Answer<unknown>) => ('exception' in a ? `exception ${a.exception}` : 'data');

describe('the firmware against modbus-serial ServerTCP', () => {
  it('reads over 125 registers: the firmware says 03 (bad quantity); ServerTCP sends an oversize PDU, then 04 (device failure)', async () => {
    const station = makeStation();
    const ours = await serveStation(station);
    const theirs = await serverTcpPeer(() => station.view());
    const a = await CLIENTS[0](ours.port);
    const b = await CLIENTS[0](theirs.port);
    try {
      for (const n of [126, 127, 128, 2000]) expect(outcome(await a.readInput(0, n))).toBe('exception 3');
      // 126 and 127 registers: a 255- or 257-byte PDU, past the 253 bytes a PDU may have.
      expect(outcome(await b.readInput(0, 126))).toBe('data');
      expect(outcome(await b.readInput(0, 127))).toBe('data');
      expect(outcome(await b.readInput(0, 128))).toBe('exception 4');
      // Past the map: the firmware says 02; ServerTCP serves registers it does not have.
      expect(outcome(await a.readInput(INPUT_REGISTERS + 1000, 10))).toBe('exception 2');
      expect(outcome(await b.readInput(INPUT_REGISTERS + 1000, 10))).toBe('data');
      // Inside the map both serve the same registers.
      expect(await b.readInput(0, 16)).toEqual(await a.readInput(0, 16));
    } finally {
      await a.close();
      await b.close();
      ours.server.close();
      await theirs.close();
    }
  });
});
