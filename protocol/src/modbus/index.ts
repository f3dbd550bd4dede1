// The Modbus side of the station's wire formats: the specification's constants, CRC-16, the register map and
// what reads and writes of it mean. Engine-neutral, like the rest of protocol/.
export * from './spec';
export { crc16 } from './crc16';
export * from './counters';
export * from './map';
export * from './read';
export * from './writes';
export * from './device-id';
export * from './journal';
