// Fixed protocol sizes. A microcontroller allocates its frame buffers from these, once.
import { cobsMaxEncodedLength } from './cobs';

export const PROTOCOL_MAJOR = 1;
export const PROTOCOL_MINOR = 1;

/** Largest frame on the wire: leading and trailing 0x00 delimiters plus the COBS-encoded body. */
export const MAX_WIRE_FRAME = 512;
export const HEADER_BYTES = 10;
export const MAC_BYTES = 16;
export const CRC_BYTES = 4;
/** Largest frame body (header, payload, MAC, CRC) whose COBS encoding fits MAX_WIRE_FRAME with both delimiters. */
export const MAX_BODY = 506;
/** Largest payload. */
export const MAX_PAYLOAD = MAX_BODY - HEADER_BYTES - MAC_BYTES - CRC_BYTES;
export const MIN_BODY = HEADER_BYTES + MAC_BYTES + CRC_BYTES;
/** Each end's fresh session nonce in Hello / HelloAck. */
export const NONCE_BYTES = 16;
/** Shortest key or station secret accepted (RFC 2104 asks for at least the MAC length; 32 random bytes recommended). */
export const MIN_KEY_BYTES = 16;

if (cobsMaxEncodedLength(MAX_BODY) + 2 > MAX_WIRE_FRAME) throw new Error('MAX_BODY does not fit MAX_WIRE_FRAME');
