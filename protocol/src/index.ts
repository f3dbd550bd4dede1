// Public surface of the station protocol. Engine-neutral: bundled into the firmware as it is.
export * from './reasons';
export * from './limits';
export * from './messages';
export { FieldError, type Infer, type UnknownFlag } from './fields';
export * from './frame';
export * from './hkdf';
export * from './keys';
export * from './counters';
export { isHandshakeType, MIN_SESSION_MINOR } from './judge';
export {
  DEFAULT_HOST_MAC_BUDGET,
  DEFAULT_MAC_BUDGET,
  MacBudget,
  type Created,
  type Emit,
  type LocalHello,
  type MacBudgetOptions,
  type MacBudgetStats,
  type PeerInfo,
  type Sealed,
  type SessionEvent,
  type SessionOptions,
  type SessionStats,
} from './session';
export * from './station-session';
export * from './host-session';
export * from './capture';
export { Deframer, type DeframeEvent } from './deframer';
export { cobsEncode, cobsDecode } from './cobs';
export { crc32 } from './crc32';
export { sha256, hmacSha256 } from './sha256';
export * from './json';
export * from './workorder';
export type * from './station-view';
