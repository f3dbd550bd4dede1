// The CFX mapping the gateway tests run with. MERGE-PENDING: this becomes the real mapping (tools/src/cfx/, via
// tools/src/gateway/cfx.ts) once the trace branch is in main; until then one message per record, with the
// mapping's own UniqueID scheme, so the tests exercise the gateway's pipeline.
import { createHash } from 'node:crypto';
import type { MapperFactory } from '../../src/gateway/gateway';

export const testMapper: MapperFactory = (ctx) => ({
  push(e) {
    const h = createHash('sha256').update(`smt-warden/cfx/1\u0000${ctx.source}\u0000${ctx.stationId}\u0000${e.seq}\u00000`).digest('hex');
    return [
      {
        MessageName: `Test.${e.message.type}`,
        Version: '2.1',
        TimeStamp: new Date(e.at).toISOString(),
        UniqueID: h.slice(0, 32),
        Source: ctx.source,
        Target: null,
        RequestID: null,
        MessageBody: { $type: `Test.${e.message.type}, CFX` },
      },
    ];
  },
});
