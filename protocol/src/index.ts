// Public surface of the station protocol. Engine-neutral: bundled into the firmware as it is.
export * from './reasons';
export * from './limits';
export * from './messages';
export { FieldError, type Infer } from './fields';
export * from './frame';
export * from './receiver';
export * from './sender';
export { Deframer, type DeframeEvent } from './deframer';
export { cobsEncode, cobsDecode } from './cobs';
export { crc32 } from './crc32';
export { sha256, hmacSha256 } from './sha256';
export * from './json';
export * from './workorder';
export type * from './station-view';
