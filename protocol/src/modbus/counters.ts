// The diagnostic counters of one Modbus server (one serial line, or the TCP listener). The server keeps them;
// the register map shows them (input registers 96–127) so that a technician can read them with any client.

export interface ModbusCounters {
  /** Requests addressed to this server and well framed (RTU: our address or broadcast, good CRC; TCP: a valid ADU). */
  requests: number;
  /** RTU: every frame seen on the bus, for any address, good or bad. TCP: every ADU received. */
  busFrames: number;
  /** RTU frames dropped for a bad CRC. */
  crcErrors: number;
  /** Frames dropped for their framing: RTU gap over 1.5 characters, overrun, too short; TCP bad protocol id or length. */
  frameErrors: number;
  /** Exception responses sent. */
  exceptions: number;
  /** Requests processed without an answer (RTU broadcasts). */
  noResponse: number;
  /** PLC writes the station accepted. */
  writesAccepted: number;
  /** PLC writes the station refused (answered with an exception). */
  writesRefused: number;
  /** Exception 04: the station failed while answering. */
  serverFailures: number;
  /** TCP connections accepted, refused at the limit, closed when idle, and evicted to make room. */
  connectionsAccepted: number;
  connectionsRefused: number;
  connectionsIdleClosed: number;
  connectionsEvicted: number;
  /** TCP connections open now. */
  connectionsOpen: number;
  /** Reason code of the last refused write (0 while none was refused). */
  lastRefusal: number;
}

export function newCounters(): ModbusCounters {
  return {
    requests: 0,
    busFrames: 0,
    crcErrors: 0,
    frameErrors: 0,
    exceptions: 0,
    noResponse: 0,
    writesAccepted: 0,
    writesRefused: 0,
    serverFailures: 0,
    connectionsAccepted: 0,
    connectionsRefused: 0,
    connectionsIdleClosed: 0,
    connectionsEvicted: 0,
    connectionsOpen: 0,
    lastRefusal: 0,
  };
}
