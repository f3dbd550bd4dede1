// The station behind its Modbus servers: the server asks, the station answers from its own picture of itself
// (one StationView, the same the host's StatusReport encodes), and a PLC's write is one station input like any
// other, decided and journaled by the core before it is answered.
import type { ModbusBackend } from '../modbus/backend';
import type { Station } from '../runtime/station';

export function stationBackend(station: Station): ModbusBackend {
  return {
    view: () => station.view(),
    identity: () => station.identity(),
    write: (w) => station.plcWrite(w).reason,
  };
}
