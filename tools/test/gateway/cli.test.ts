// `warden gateway` as an operator runs it: a child process on a config file and a key file, documents pushed into
// its inbox, `warden gateway status` while it runs, a clean stop on SIGTERM, a SIGKILL and a restart that takes
// over its data directory, and the errors a bad configuration or an exposed key file give.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADDRESS, HANDLE, LINE, orderDoc, REQUESTS } from './harness';
import { LINE_MASTER_HEX, startStation, until, type TestStation } from './line';
import { TestBroker } from './test-broker';
import { readStatus, runningPid } from '../../src/gateway/service';

// Each case spawns the CLI several times (about a second each on an idle machine, many on a starved one).
jest.setTimeout(180_000);

const BIN = join(__dirname, '../../bin/warden.cjs');

function warden(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('warden gateway', () => {
  let dir: string;
  let broker: TestBroker;
  let station: TestStation;
  let child: ChildProcess | undefined;
  let cfg: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warden-gw-cli-'));
    broker = await TestBroker.start();
    station = await startStation(7);
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ lineMaster: LINE_MASTER_HEX }), { mode: 0o600 });
    cfg = join(dir, 'gateway.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        line: LINE,
        dataDir: 'data',
        keys: { file: 'keys.json' },
        cfx: { handle: HANDLE },
        broker: { url: `amqp://127.0.0.1:${broker.port}`, address: ADDRESS, requests: REQUESTS },
        stations: [{ id: 7, address: `127.0.0.1:${station.port}` }],
        poll: { statusMs: 200, readMs: 200 },
        reconnect: { minMs: 50, maxMs: 500 },
      }),
    );
  });

  afterEach(async () => {
    child?.kill('SIGKILL');
    child = undefined;
    station.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = () => {
    const c = spawn(process.execPath, [BIN, 'gateway', '--config', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child = c;
    return { c, log: () => err };
  };
  // What `warden gateway status --json` prints, read straight from the files it reads (spawning it costs a second).
  const status = () => {
    const st = readStatus(join(dir, 'data'));
    return st === undefined ? undefined : { running: runningPid(join(dir, 'data')) !== undefined, ...st };
  };

  it('runs, takes a pushed work order to the station, shows its status, and stops cleanly on SIGTERM', async () => {
    const { c, log } = start();
    await until(() => status()?.stations[0]?.link === 'up', 'the link up in the status', 30_000);
    writeFileSync(join(dir, 'order.json'), JSON.stringify(orderDoc().doc));
    const pushed = warden(['gateway', 'push', join(dir, 'order.json'), '--config', cfg]);
    expect(pushed.code).toBe(0);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ kind: 'work-order', running: true });
    await until(() => station.rig.station.view().workOrder?.identifier === 'WO-2026-11873', 'the order on the station', 20_000);
    await until(() => existsSync(join(dir, 'data/inbox/done')) && readdirSync(join(dir, 'data/inbox/done')).some((f) => f.endsWith('.result.json')), 'the push result');
    await until(() => (status()?.stations[0]?.workOrder ?? null) === 'WO-2026-11873', 'the order in the status', 20_000);
    // piped: JSON unless asked otherwise (a terminal gets the table). On a starved machine the link may be between a
    // drop and its new session at that moment: the status says so, and it is asked again.
    let shown = warden(['gateway', 'status', '--config', cfg]);
    for (let i = 0; i < 10 && JSON.parse(shown.stdout).stations?.[0]?.link !== 'up'; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      shown = warden(['gateway', 'status', '--config', cfg]);
    }
    expect(JSON.parse(shown.stdout)).toMatchObject({ running: true, line: LINE, stations: [{ id: 7, link: 'up', workOrder: 'WO-2026-11873' }] });
    c.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => c.once('exit', r));
    expect(code).toBe(0);
    expect(log()).toMatch(/SIGTERM: stopping/);
    expect(log()).not.toMatch(new RegExp(LINE_MASTER_HEX.slice(0, 16)));
    expect(existsSync(join(dir, 'data/gateway.lock'))).toBe(false);
    expect(warden(['gateway', 'status', '--config', cfg, '--json']).code).toBe(1); // not running any more
  });

  it('a second gateway on the same data directory is refused; after a SIGKILL a new one takes over and goes on', async () => {
    const first = start();
    await until(() => status()?.stations[0]?.link === 'up', 'the first gateway up', 30_000);
    const second = warden(['gateway', '--config', cfg]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/GATEWAY_LOCKED \(633\)/);
    first.c.kill('SIGKILL');
    await new Promise((r) => first.c.once('exit', r));
    start();
    await until(() => status()?.running === true && status()?.stations[0]?.link === 'up', 'the new gateway up', 30_000);
    await until(() => {
      const s = status();
      return s !== undefined && s.stations[0]!.journal.stored === station.rig.station.journalRef!.nextSequence - 1 && s.stations[0]!.journal.published === s.stations[0]!.journal.stored;
    }, 'everything collected and published', 20_000);
  });

  it('refuses a bad configuration naming the field, and a key file others can read', () => {
    writeFileSync(cfg, JSON.stringify({ line: LINE, dataDir: 'data', keys: { file: 'keys.json' }, cfx: { handle: HANDLE }, broker: { url: 'amqp://h' }, stations: [{ id: 7, address: 'nohost' }] }));
    const bad = warden(['gateway', 'check', '--config', cfg]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^warden: GATEWAY_CONFIG_INVALID \(760\): .*stations\[0\]\.address/);
    writeFileSync(cfg, JSON.stringify({ line: LINE, dataDir: 'data', keys: { file: 'keys.json' }, cfx: { handle: HANDLE }, broker: { url: 'amqp://h' }, stations: [{ id: 7, address: 'h:4840' }] }));
    chmodSync(join(dir, 'keys.json'), 0o640);
    const exposed = warden(['gateway', 'check', '--config', cfg]);
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toMatch(/GATEWAY_KEYS_EXPOSED \(762\): .*chmod 600/);
    chmodSync(join(dir, 'keys.json'), 0o600);
    const ok = warden(['gateway', 'check', '--config', cfg]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, stations: [{ id: 7, keyId: 1, handle: 'SMTWarden.L1.station7' }] });
    expect(ok.stdout).not.toContain(LINE_MASTER_HEX.slice(0, 16));
  });
});
