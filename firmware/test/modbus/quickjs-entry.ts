// What the engine-neutrality test bundles: the Modbus server and the sim platform it runs on in the test.
export { answer, startRtuServer, startTcpServer } from '../../modbus/index';
export { SimClock } from '../../platform/sim/clock';
export { SimNet } from '../../platform/sim/net';
export { SimSerialLine } from '../../platform/sim/serial';
export { newCounters } from '../../../protocol/src/modbus/counters';
export { crc16 } from '../../../protocol/src/modbus/crc16';
