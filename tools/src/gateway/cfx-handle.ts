// A station's CFX handle, as the trace export names it (tools/src/cfx/envelope.ts cfxHandle), so that the gateway
// and an export of the same journal give the same Source and therefore the same UniqueIDs.
// MERGE-PENDING: re-export cfxHandle from '../cfx/envelope' once the trace branch is in main.
export function cfxHandleFor(lineName: string, stationId: number): string {
  const line = lineName.replace(/[^0-9A-Za-z_-]+/g, '_').replace(/^_+|_+$/g, '') || 'line';
  return `SMTWarden.${line}.station${stationId}`;
}
