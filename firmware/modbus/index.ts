// The station's Modbus server: RTU on a serial line and TCP, over the HAL, answering from a ModbusBackend.
export type { ModbusBackend, WriteOrigin } from './backend';
export type { Started } from './config';
export { answer, type RequestContext } from './pdu';
export { RtuFramer, rtuTiming, type Parity, type RtuTiming } from './rtu-framer';
export { startRtuServer, type ModbusRtuServer, type RtuServerOptions } from './rtu-server';
export { startTcpServer, TCP_DEFAULTS, type ModbusTcpServer, type TcpServerOptions } from './tcp-server';
