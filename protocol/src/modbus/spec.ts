// What the Modbus specification fixes, independent of this station's map: function codes, exception codes,
// quantity limits and ADU sizes (Modbus Application Protocol v1.1b3, Modbus over Serial Line v1.02, Messaging
// Implementation Guide v1.0b). Server and clients of both ends read them from here.

export const FC = {
  READ_COILS: 0x01,
  READ_DISCRETE_INPUTS: 0x02,
  READ_HOLDING_REGISTERS: 0x03,
  READ_INPUT_REGISTERS: 0x04,
  WRITE_SINGLE_COIL: 0x05,
  WRITE_SINGLE_REGISTER: 0x06,
  WRITE_MULTIPLE_COILS: 0x0f,
  WRITE_MULTIPLE_REGISTERS: 0x10,
  READ_WRITE_MULTIPLE_REGISTERS: 0x17,
  /** Encapsulated Interface Transport; with MEI type 0x0E, Read Device Identification. */
  ENCAPSULATED_INTERFACE: 0x2b,
} as const;

/** MEI type of Read Device Identification (FC 43/14). */
export const MEI_READ_DEVICE_ID = 0x0e;

/** Exception codes. The response is the function code with bit 7 set, then one of these. */
export const EXCEPTION = {
  ILLEGAL_FUNCTION: 0x01,
  ILLEGAL_DATA_ADDRESS: 0x02,
  ILLEGAL_DATA_VALUE: 0x03,
  SERVER_DEVICE_FAILURE: 0x04,
  ACKNOWLEDGE: 0x05,
  SERVER_DEVICE_BUSY: 0x06,
} as const;
export type ExceptionCode = (typeof EXCEPTION)[keyof typeof EXCEPTION];

/** Quantity limits per request, from the specification's request tables. */
export const QUANTITY = {
  /** FC 01 and 02. */
  readBits: 2000,
  /** FC 03, 04, and the read half of 23. */
  readRegisters: 125,
  /** FC 15: 0x7B0. */
  writeCoils: 1968,
  /** FC 16: 0x7B. */
  writeRegisters: 123,
  /** FC 23, the write half: 0x79. */
  readWriteWriteRegisters: 121,
} as const;

/** A PDU is at most 253 bytes: function code plus 252 bytes of data. */
export const MAX_PDU = 253;
/** TCP: 7-byte MBAP header (transaction, protocol, length, unit) + PDU. */
export const MBAP_HEADER = 7;
export const MAX_TCP_ADU = MBAP_HEADER + MAX_PDU;
/** RTU: address + PDU + CRC-16. */
export const MAX_RTU_ADU = 1 + MAX_PDU + 2;
/** Smallest RTU frame a server can act on: address, function code, CRC. */
export const MIN_RTU_ADU = 4;
/** RTU slave addresses: 0 is broadcast (writes only, never answered); 248–255 are reserved. */
export const RTU_BROADCAST = 0;
export const RTU_MAX_ADDRESS = 247;
/** The IANA port of Modbus/TCP. */
export const MODBUS_TCP_PORT = 502;
