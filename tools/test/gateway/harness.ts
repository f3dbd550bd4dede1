// A gateway in the test process, on a given disk, for a line of test stations and a broker port; and the oracle:
// what a consumer must receive, computed from the stations' own journals through the same mapping.
import { Keyring } from '../../../protocol/src/keys';
import { encodePayload } from '../../../protocol/src/frame';
import { parseGatewayConfig, type GatewayConfig } from '../../src/gateway/config';
import type { Disk } from '../../src/gateway/disk';
import { Gateway, type MapperFactory } from '../../src/gateway/gateway';
import type { CfxEnvelopeLike } from '../../src/gateway/feed';
import { cfxHandleFor } from '../../src/gateway/cfx-handle';
import { parsePushDocument, type PushDocument } from '../../src/gateway/documents';
import { NO_TERMS } from '../../../firmware/core/station/types';
import { demoOrder } from '../../../firmware/test/setup/helpers';
import { PROGRAM } from '../../../firmware/test/runtime/rig';
import { POSITIONS, REELS } from '../../../firmware/test/runtime/scans';
import { parseWorkOrderDoc, type WorkOrderDoc } from '../../../host-sim/host/work-order-doc';
import { matchDoc } from '../../src/trace/model';
import { LINE_MASTER, type TestStation } from './line';
import { cfxMapper } from '../../src/gateway/cfx';

export const LINE = 'L1';
export const HANDLE = 'SMTWarden.L1';
export const ADDRESS = '/queue/cfx';
export const REQUESTS = '/queue/SMTWarden.L1.requests';

export function testConfig(stations: readonly { id: number; port: number }[], brokerPort: number, extra: Record<string, unknown> = {}): GatewayConfig {
  const c = parseGatewayConfig(
    {
      line: LINE,
      dataDir: '/unused',
      keys: { env: 'UNUSED' },
      cfx: { handle: HANDLE },
      broker: { url: `amqp://127.0.0.1:${brokerPort}`, address: ADDRESS, requests: REQUESTS, window: 64 },
      stations: stations.map((s) => ({ id: s.id, keyId: 1, address: `127.0.0.1:${s.port}` })),
      poll: { statusMs: 200, readMs: 200, syncMs: 60_000 },
      reconnect: { minMs: 50, maxMs: 400 },
      ...extra,
    },
    '/',
  );
  if (!c.ok) throw new Error(JSON.stringify(c.problems));
  return c.config;
}

export function testKeys(stations: readonly { id: number }[]): Keyring {
  const k = new Keyring(stations.length);
  for (const s of stations) {
    const r = k.installFromLineMaster(LINE_MASTER, s.id, 1);
    if (!r.ok) throw new Error(r.detail);
  }
  return k;
}

export function openGateway(stations: readonly TestStation[], brokerPort: number, disk: Disk, opts: { mapper?: MapperFactory; onFatal?: () => void; extra?: Record<string, unknown> } = {}): Gateway {
  const g = Gateway.open({
    config: testConfig(stations, brokerPort, opts.extra),
    keys: testKeys(stations),
    disk,
    mapper: opts.mapper ?? cfxMapper,
    tickMs: 50,
    publishedFlushMs: 50,
    rejectedRetryMs: 100,
    brokerIdleMs: 2000,
    ...(opts.onFatal === undefined ? {} : { onFatal: opts.onFatal }),
  });
  if (!g.ok) throw new Error(`${g.reason}: ${g.detail}`);
  return g.gateway;
}

/** The CFX messages of a station's journal, in order, as the gateway must publish them (the order document known). */
export function expectedMessages(s: TestStation, mapper: MapperFactory = cfxMapper): CfxEnvelopeLike[] {
  const docs = [{ file: 'order', doc: (orderDoc() as { doc: WorkOrderDoc }).doc }];
  const m = mapper({ stationId: s.id, source: cfxHandleFor(LINE, s.id), lane: 1, doc: (o) => matchDoc(docs, s.id, o)?.doc });
  return s.entries().flatMap((e) => m.push(e));
}

/** Every record of the station's journal, as bytes, against what the gateway's store holds. */
export function storeMatchesJournal(g: Gateway, s: TestStation): { held: number[]; journal: number[]; sameBytes: boolean } {
  const r = g.store.reader(s.id);
  const held: { seq: number; data: Uint8Array; type: number }[] = [];
  for (let it = r.next(); it !== undefined; it = r.next()) if (it.kind === 'record') held.push({ seq: it.seq, data: it.data, type: it.recordType });
  const entries = s.entries();
  const sameBytes =
    held.length === entries.length &&
    entries.every((e, i) => {
      const p = encodePayload(e.message);
      return p.ok && held[i]!.seq === e.seq && Buffer.from(p.payload).equals(Buffer.from(held[i]!.data));
    });
  return { held: held.map((x) => x.seq), journal: entries.map((e) => e.seq), sameBytes };
}

/** Published messages of one station, first copy of each UniqueID, in arrival order; and whether copies agree. */
export function dedup(published: readonly { envelope: { UniqueID: string; Source: string } }[], source: string): { ids: string[]; copiesAgree: boolean; copies: number } {
  const seen = new Map<string, string>();
  const ids: string[] = [];
  let agree = true;
  let copies = 0;
  for (const p of published) {
    if (p.envelope.Source !== source) continue;
    const j = JSON.stringify(p.envelope);
    const had = seen.get(p.envelope.UniqueID);
    if (had === undefined) {
      seen.set(p.envelope.UniqueID, j);
      ids.push(p.envelope.UniqueID);
    } else {
      copies++;
      if (had !== j) agree = false;
    }
  }
  return { ids, copiesAgree: agree, copies };
}

export function orderDoc(): PushDocument {
  const r = parseWorkOrderDoc({ format: 'smt-warden.work-order', version: 1, workOrder: demoOrder(), terms: { ...NO_TERMS }, bom: { lines: [] }, source: 'test' });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { kind: 'work-order', doc: r.doc };
}

export function badgeDoc(): PushDocument {
  const r = parsePushDocument({
    format: 'smt-warden.host-messages',
    version: 1,
    messages: [
      { type: 'BadgeRecord', body: { badge: '1001', operatorIdentifier: 'OP-1', role: 'operator', active: true } },
      { type: 'BadgeRecord', body: { badge: '3001', operatorIdentifier: 'SV-1', role: 'supervisor', active: true } },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.document;
}

export function deliver(g: Gateway, d: PushDocument): Promise<Map<number, { ok: boolean; reason: string }>> {
  return new Promise((resolve) => g.deliver(d, (rs) => resolve(new Map(rs))));
}

/** An operator sets the station up to the order and builds boards (the first-off passed by a supervisor). */
export function operate(s: TestStation, boards: number): void {
  const st = () => s.rig.station;
  const must = (r: { ok: boolean; reason: string; detail: string }) => {
    if (!r.ok) throw new Error(`station ${s.id}: ${r.reason}: ${r.detail}`);
  };
  must(st().input({ kind: 'scan', data: 'OP:1001' }));
  must(st().input({ kind: 'scan', data: 'CMD:OPEN-DRY' }));
  must(st().input({ kind: 'scan', data: REELS['B1.F.4'] }));
  for (const p of POSITIONS) {
    must(st().input({ kind: 'scan', data: p }));
    must(st().input({ kind: 'scan', data: REELS[p] }));
  }
  must(st().input(PROGRAM));
  for (let i = 0; i < boards; i++) {
    st().input({ kind: 'board', unitId: `SN-${s.id}-${i}` });
    if (i === 0) {
      must(st().input({ kind: 'scan', data: 'OP:3001' }));
      must(st().input({ kind: 'scan', data: 'CMD:FIRSTOFF-PASS' }));
    }
  }
}

