// The configuration document, the key file, and what a CFX request from the broker may make a station do.
import fc from 'fast-check';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGatewayConfig } from '../../src/gateway/config';
import { loadSecrets } from '../../src/gateway/keys';
import { planRequest, type RequestContext } from '../../src/gateway/requests';
import { LINE_MASTER_HEX } from './line';

const GOOD = {
  line: 'L1',
  dataDir: 'data',
  keys: { file: 'keys.json' },
  cfx: { handle: 'SMTWarden.L1' },
  broker: { url: 'amqp://guest@127.0.0.1:5672' },
  stations: [
    { id: 7, address: '10.0.0.7:4840' },
    { id: 8, keyId: 2, address: 'serial:/dev/ttyUSB0@115200', lane: 2 },
  ],
};

function problems(v: unknown): string[] {
  const r = parseGatewayConfig(v, '/etc/warden');
  return r.ok ? [] : r.problems.map((p) => `${p.field}: ${p.message}`);
}

describe('the gateway configuration', () => {
  it('reads a good document, with defaults and paths from the config file\'s folder', () => {
    const r = parseGatewayConfig(GOOD, '/etc/warden');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.dataDir).toBe('/etc/warden/data');
    expect(r.config.keys).toEqual({ kind: 'file', path: '/etc/warden/keys.json' });
    expect(r.config.broker).toMatchObject({ host: '127.0.0.1', port: 5672, username: 'guest', tls: false, address: '/exchange/amq.topic/SMTWarden.L1' });
    expect(r.config.stations.map((s) => [s.id, s.keyId, s.address, s.handle])).toEqual([
      [7, 1, { kind: 'tcp', host: '10.0.0.7', port: 4840 }, 'SMTWarden.L1.station7'],
      [8, 2, { kind: 'serial', path: '/dev/ttyUSB0', baud: 115200 }, 'SMTWarden.L1.station8'],
    ]);
  });

  it.each([
    [{ ...GOOD, stations: [{ id: 7, address: '10.0.0.7' }] }, 'stations[0].address'],
    [{ ...GOOD, stations: [{ id: 7, address: 'a:1' }, { id: 7, address: 'b:1' }] }, 'stations[1].id: station 7 is also stations[0]'],
    [{ ...GOOD, stations: [{ id: 0, address: 'a:1' }] }, 'stations[0].id'],
    [{ ...GOOD, broker: { url: 'http://x' } }, 'broker.url'],
    [{ ...GOOD, broker: { url: 'amqp://guest:guest@127.0.0.1' } }, 'broker.url: the URL carries a password'],
    [{ ...GOOD, keys: {} }, 'keys: exactly one of'],
    [{ ...GOOD, poll: { statusMs: 5 } }, 'poll.statusMs'],
    [{ ...GOOD, stationz: [] }, 'stationz: not a field'],
    [{ ...GOOD, cfx: { handle: 'has space' } }, 'cfx.handle'],
  ])('names the field of a bad document (%#)', (doc, want) => {
    expect(problems(doc).join('\n')).toContain(want);
  });

  it('refuses a key, a line master or a password in the configuration, naming where, without echoing it', () => {
    const p = problems({ ...GOOD, stations: [{ id: 7, address: 'a:1', secret: 'deadbeef'.repeat(8) }], broker: { url: 'amqp://x', password: 'hunter2' } });
    expect(p.some((x) => x.startsWith('stations[0].secret: keys and passwords do not belong'))).toBe(true);
    expect(p.some((x) => x.startsWith('broker.password'))).toBe(true);
    expect(p.join(' ')).not.toMatch(/deadbeef|hunter2/);
  });

  it('is total: any JSON value gives a configuration or named problems', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseGatewayConfig(v, '/');
        if (!r.ok) expect(r.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the key file', () => {
  let dir: string;
  const stations = [{ id: 7, keyId: 1 }, { id: 8, keyId: 1 }] as never;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'warden-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused when others may read it, and the message says what to do', () => {
    const f = join(dir, 'keys.json');
    writeFileSync(f, JSON.stringify({ lineMaster: LINE_MASTER_HEX }));
    chmodSync(f, 0o644);
    const r = loadSecrets({ kind: 'file', path: f }, stations);
    expect(r).toMatchObject({ ok: false, reason: 'GATEWAY_KEYS_EXPOSED' });
    if (!r.ok) expect(r.detail).toMatch(/chmod 600/);
    chmodSync(f, 0o600);
    const ok = loadSecrets({ kind: 'file', path: f }, stations);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.secrets.keyring.has(7, 1) && ok.secrets.keyring.has(8, 1)).toBe(true);
  });

  it('names the station whose key is missing or too short, never a key', () => {
    const short = 'ab'.repeat(8 - 1);
    const r = loadSecrets({ kind: 'env', name: 'K' }, stations, { K: JSON.stringify({ stations: { '7:1': 'ab'.repeat(32), '8:1': short } }) });
    expect(r).toMatchObject({ ok: false, reason: 'KEY_TOO_SHORT' });
    if (!r.ok) {
      expect(r.detail).toMatch(/station 8 key id 1/);
      expect(r.detail).not.toContain(short);
    }
    const missing = loadSecrets({ kind: 'env', name: 'K' }, stations, { K: JSON.stringify({ stations: { '7:1': 'ab'.repeat(32) } }) });
    expect(missing).toMatchObject({ ok: false, reason: 'GATEWAY_KEYS_INVALID' });
    if (!missing.ok) expect(missing.detail).toMatch(/no key for station 8 key id 1/);
    expect(loadSecrets({ kind: 'env', name: 'NOPE' }, stations, {})).toMatchObject({ ok: false, reason: 'GATEWAY_KEYS_INVALID' });
  });
});

describe('CFX requests from the broker', () => {
  const ctx = (hold: 'mes' | 'other' | undefined = undefined): RequestContext => ({
    gatewayHandle: 'SMTWarden.L1',
    stations: [
      { id: 7, handle: 'SMTWarden.L1.station7', lane: 1, hold, recipe: { name: 'PCBA-4711-TOP', revision: '12', workOrder: 'WO-1' } },
      { id: 8, handle: 'SMTWarden.L1.station8', lane: 1, hold: undefined, recipe: undefined },
    ],
    now: Date.UTC(2026, 11, 1),
    newId: () => '00000000-0000-4000-8000-000000000000',
  });
  const env = (name: string, body: object, target: string | null = 'SMTWarden.L1.station7') => JSON.stringify({ MessageName: name, Version: '2.1', TimeStamp: '2026-12-01T00:00:00Z', UniqueID: 'req-1', Source: 'MES', Target: target, RequestID: 'req-1', MessageBody: { $type: `${name}, CFX`, ...body } });

  it('a lock becomes a StationHold that adds the interlock; its answer carries the request id', () => {
    const p = planRequest(env('CFX.Production.LockStationRequest', { Reason: 'QualityIssue', Requestor: { OperatorIdentifier: 'QA-7' } }), ctx());
    expect(p.kind).toBe('commands');
    if (p.kind !== 'commands') return;
    expect(p.commands).toEqual([{ stationId: 7, message: { type: 'StationHold', body: expect.objectContaining({ hold: true, lockReason: 'quality-issue', requestor: 'MES:QA-7' }) } }]);
    const reply = p.finish([{ command: p.commands[0]!, ok: true, reason: 'OK' }]);
    expect(reply).toMatchObject({ MessageName: 'CFX.Production.LockStationResponse', Source: 'SMTWarden.L1.station7', Target: 'MES', RequestID: 'req-1', MessageBody: { Result: { Result: 'Success', ResultCode: 0 } } });
  });

  it('an unlock lifts only a lock the broker placed', () => {
    const mine = planRequest(env('CFX.Production.UnlockStationRequest', {}), ctx('mes'));
    expect(mine.kind === 'commands' && mine.commands.map((c) => c.message)).toEqual([{ type: 'StationHold', body: expect.objectContaining({ hold: false }) }]);
    const other = planRequest(env('CFX.Production.UnlockStationRequest', {}), ctx('other'));
    expect(other).toMatchObject({ kind: 'answer', reason: 'CFX_UNLOCK_REFUSED', reply: { MessageBody: { Result: { Result: 'Failed', ResultCode: 766 } } } });
  });

  it('GetActiveRecipe is answered from the journal; BlockMaterials marks the reels expired at the stations', () => {
    expect(planRequest(env('CFX.Production.GetActiveRecipeRequest', {}), ctx())).toMatchObject({ kind: 'answer', reply: { MessageBody: { ActiveRecipeName: 'PCBA-4711-TOP', ActiveRecipeRevision: '12' } } });
    const b = planRequest(env('CFX.Materials.Management.BlockMaterialsRequest', { MaterialPackageIdentifiers: ['R1', 'R2'], Reason: 'Defective' }, 'SMTWarden.L1'), ctx());
    expect(b.kind).toBe('commands');
    if (b.kind !== 'commands') return;
    expect(b.commands.map((c) => [c.stationId, c.message.type, (c.message.body as { event: string }).event, c.reel])).toEqual([
      [7, 'MsdEvent', 'expired', 'R1'],
      [7, 'MsdEvent', 'expired', 'R2'],
      [8, 'MsdEvent', 'expired', 'R1'],
      [8, 'MsdEvent', 'expired', 'R2'],
    ]);
    const reply = b.finish(b.commands.map((c) => ({ command: c, ok: c.reel === 'R1' && c.stationId === 7, reason: c.reel === 'R1' && c.stationId === 7 ? 'OK' : 'UNKNOWN_REEL' })));
    expect(reply.MessageBody).toMatchObject({ Result: { Result: 'PartialSuccess' }, MaterialsPackagesNotBlocked: ['R2'] });
  });

  it('anything else CFX defines is NotSupported; an unknown target or a body that is not an envelope reaches no station', () => {
    expect(planRequest(env('CFX.Production.ActivateRecipeRequest', {}), ctx())).toMatchObject({ kind: 'answer', reason: 'CFX_REQUEST_UNSUPPORTED', reply: { MessageName: 'CFX.NotSupportedResponse' } });
    expect(planRequest(env('CFX.Production.LockStationRequest', {}, 'SMTWarden.L9.station1'), ctx())).toMatchObject({ kind: 'answer', reason: 'CFX_TARGET_UNKNOWN' });
    expect(planRequest('not json', ctx())).toMatchObject({ kind: 'answer', reason: 'CFX_REQUEST_INVALID', reply: undefined });
  });

  it('nothing from the broker can turn a permit on: every command only adds an interlock or lifts the broker\'s own lock', () => {
    const name = fc.constantFrom('CFX.Production.LockStationRequest', 'CFX.Production.UnlockStationRequest', 'CFX.Materials.Management.BlockMaterialsRequest', 'CFX.Production.GetActiveRecipeRequest', 'CFX.Production.ActivateRecipeRequest', 'CFX.Materials.Management.UnblockMaterialsRequest');
    fc.assert(
      fc.property(name, fc.dictionary(fc.constantFrom('Reason', 'Requestor', 'MaterialPackageIdentifiers', 'Lane', 'Hold'), fc.jsonValue()), fc.constantFrom<'mes' | 'other' | undefined>('mes', 'other', undefined), fc.option(fc.constantFrom('SMTWarden.L1', 'SMTWarden.L1.station7', 'x'), { nil: null }), (n, body, hold, target) => {
        const p = planRequest(env(n, body, target), ctx(hold));
        if (p.kind !== 'commands') return;
        for (const c of p.commands) {
          const m = c.message;
          if (m.type === 'StationHold') {
            if (!m.body.hold) expect(ctx(hold).stations.find((s) => s.id === c.stationId)!.hold).toBe('mes');
          } else {
            expect(m.type).toBe('MsdEvent');
            expect((m.body as { event: string }).event).toBe('expired');
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
