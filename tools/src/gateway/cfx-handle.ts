// A station's CFX handle, as the trace export names it, so that the gateway and an export of the same journal give
// the same Source and therefore the same UniqueIDs.
export { cfxHandle as cfxHandleFor } from '../cfx/envelope';
