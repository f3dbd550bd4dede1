// The journal record of an accepted PLC write (message PlcWriteAccepted, 0x48): the station runtime journals one
// for each write its Modbus backend accepts, built here so the record and the write can never disagree.
import type { MessageBody } from '../messages';
import type { PlcWrite } from '../station-view';
import type { MODBUS_TRANSPORTS } from '../vocabulary';

/** Where a write came from, as the server tells the backend. */
export interface WriteOrigin {
  readonly transport: (typeof MODBUS_TRANSPORTS)[number];
  /** RTU slave address of the request (0: broadcast) or the TCP unit id. */
  readonly unitId: number;
  /** TCP: the client's address and port; RTU: the serial port's name. */
  readonly peer: string;
}

const PEER_MAX = 48;

/** The PlcWriteAccepted body for write `w` from `from`, accepted at Unix second `at`. */
export function plcWriteRecord(w: PlcWrite, from: WriteOrigin, at: number): MessageBody<'PlcWriteAccepted'> {
  const base = { at, transport: from.transport, unitId: from.unitId & 0xff, peer: asciiPrefix(from.peer, PEER_MAX), write: w.kind };
  if (w.kind === 'heartbeat') return { ...base, value: w.value & 0xffff };
  if (w.kind === 'reverify' && w.slot !== undefined) return { ...base, slot: w.slot & 0xffff, value: 0 };
  return { ...base, value: 0 };
}

/** The field is at most PEER_MAX bytes of UTF-8: keep ASCII, replace the rest, so the length is exact. */
function asciiPrefix(s: string, max: number): string {
  let out = '';
  for (let i = 0; i < s.length && out.length < max; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x80 ? s[i] : '?';
  }
  return out;
}
