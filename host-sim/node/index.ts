// The HAL over Node, for running the firmware's servers on a PC: real time, TCP over node:net, serial ports over
// device nodes (pseudo-terminals, USB RS-485 adapters).
export { nodeClock, nodeTimers } from './clock';
export { nodeListenTcp, type NodeTcpListener, type NodeTcpOptions } from './tcp';
export { nodeSerial, type LineSettings, type OpenSerial, type SerialOpen } from './serial';
export { startNodeModbus, type NodeModbus, type NodeModbusOptions, type NodeModbusStarted } from './modbus';
