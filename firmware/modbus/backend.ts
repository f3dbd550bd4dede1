// What the Modbus server asks of the station. The station runtime implements it; the server never holds station
// state of its own, so a PLC and the host can never be told two different stories.
import type { WriteOrigin } from '../../protocol/src/modbus/journal';
import type { ReasonName } from '../../protocol/src/reasons';
import type { DeviceIdentity, PlcWrite, StationView } from '../../protocol/src/station-view';

export type { WriteOrigin };

export interface ModbusBackend {
  /** The station as it is now. Called once for each request that reads the map (after the writes of an FC 23). */
  view(): StationView;
  /** What the station says it is. Called once for each Read Device Identification request. */
  identity(): DeviceIdentity;
  /**
   * A PLC write the map accepted, one call per action, in address order. Return 'OK' once the station has taken it
   * (and journaled it: `plcWriteRecord` builds the record), or the reason it refused. A refusal answers the
   * request with an exception (`refusalException`); the writes before it in the same request stand. Broadcast
   * writes (RTU address 0) arrive here too, with unitId 0; they are never answered.
   */
  write(w: PlcWrite, from: WriteOrigin): ReasonName;
}
