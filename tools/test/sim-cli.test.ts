// `warden sim` as a user runs it: the real bin in a child process. The same seed gives byte-identical output (the
// summary, --json and every --out file), another seed differs; bad scenarios and arguments get a clear error.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import ModbusRTU from 'modbus-serial';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function warden(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, by relative path, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

jest.setTimeout(120_000);

describe('warden sim', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'warden-sim-'));
  const args = ['sim', '--scenario', 'power-cuts', '--hours', '3.5', '--stations', '3', '--json'];

  it('the same seed gives the same bytes: the JSON summary and every --out file; another seed differs', () => {
    const a = warden([...args, '--seed', '21', '--out', join(tmp, 'a')]);
    const b = warden([...args, '--seed', '21', '--out', join(tmp, 'b')]);
    const c = warden([...args, '--seed', '22', '--out', join(tmp, 'c')]);
    expect([a.status, b.status, c.status]).toEqual([0, 0, 0]);
    expect(b.stdout).toBe(a.stdout);
    const ta = tree(join(tmp, 'a'));
    const tb = tree(join(tmp, 'b'));
    expect([...tb.keys()]).toEqual([...ta.keys()]);
    for (const [k, v] of ta) expect([k, tb.get(k)?.equals(v)]).toEqual([k, true]);
    expect(c.stdout).not.toBe(a.stdout);
    const tc = tree(join(tmp, 'c'));
    expect([...ta].some(([k, v]) => tc.get(k)?.equals(v) !== true)).toBe(true);
  });

  it('writes the layout the trace tools read', () => {
    const dir = join(tmp, 'a');
    const line = JSON.parse(readFileSync(join(dir, 'line.json'), 'utf8')) as { seed: number; scenario: string; stations: { id: number; name: string; role: string }[] };
    expect(line).toMatchObject({ seed: 21, scenario: 'power-cuts' });
    expect(line.stations.map((s) => s.role)).toEqual(['placement', 'placement', 'reflow']);
    for (const s of line.stations) {
      const st = join(dir, 'stations', String(s.id));
      expect(statSync(join(st, 'journal.bin')).size).toBe(512 * 1024);
      expect(statSync(join(st, 'store.bin')).size).toBe(128 * 1024);
      expect(JSON.parse(readFileSync(join(st, 'config.json'), 'utf8'))).toMatchObject({ stationId: s.id, role: s.role });
      const records = readFileSync(join(dir, 'host', `records-${s.id}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; at: number; type: string; body: unknown });
      expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
      expect(records[0]).toMatchObject({ seq: 1, type: 'StationBooted' });
      expect(typeof records[0]!.at).toBe('number');
    }
    const orders = readdirSync(join(dir, 'host', 'work-orders'));
    expect(orders.length).toBe(3);
    const doc = JSON.parse(readFileSync(join(dir, 'host', 'work-orders', orders[0]!), 'utf8')) as { format: string };
    expect(doc.format).toBe('smt-warden.work-order');
  });

  it('a scenario file with a bad field is refused, naming the field; an unknown scenario says what exists', () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ format: 'smt-warden.sim-scenario', version: 1, line: { stations: 1 }, events: [{ at: 'soon', kind: 'power-cut', station: 2 }] }));
    const r = warden(['sim', '--scenario', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SCENARIO_INVALID \(740\).*line\.stations.*events\[0\]\.at/);
    const u = warden(['sim', '--scenario', 'no-such-line']);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/SCENARIO_UNKNOWN \(741\).*demo/);
    const x = warden(['sim', '--realtime', '--speed', '10']);
    expect(x.status).toBe(2);
    expect(x.stderr).toMatch(/BAD_ARGUMENT.*--realtime and --speed/);
  });

  it('--list names the built-in scenarios', () => {
    const r = warden(['sim', '--list', '--json']);
    expect(r.status).toBe(0);
    const names = (JSON.parse(r.stdout) as { name: string }[]).map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['demo', 'large-line', 'power-cuts', 'wrong-reel', 'plc-silent']));
  });

  it('--tcp: the MES reaches the stations over real loopback sockets, and every invariant holds', () => {
    const r = warden(['sim', '--scenario', 'wrong-reel', '--hours', '1', '--stations', '3', '--tcp', '--json']);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as { completed: boolean; host: { sessions: number; recordsCollected: number }; invariants: { ok: boolean }[] };
    expect(s.completed).toBe(true);
    expect(s.host.sessions).toBeGreaterThanOrEqual(3);
    expect(s.host.recordsCollected).toBeGreaterThan(100);
    expect(s.invariants.every((i) => i.ok)).toBe(true);
  });

  it('--modbus-base-port: an outside Modbus client reads station 1 on P+1 while the line runs', async () => {
    // A free port for station 1; the base is one below it.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
      });
    });
    const child = spawn(process.execPath, [join(ROOT, 'tools', 'bin', 'warden.cjs'), 'sim', '--scenario', 'wrong-reel', '--hours', '0.2', '--stations', '2', '--modbus-base-port', String(port - 1), '--speed', '300', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const banner = new Promise<void>((resolve) => child.stderr.on('data', (b: Buffer) => ((stderr += b.toString()), stderr.includes('Modbus/TCP') && resolve())));
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await banner;
    const c = new ModbusRTU();
    await c.connectTCP('127.0.0.1', { port });
    c.setID(1);
    const header = await c.readInputRegisters(0, 16);
    await new Promise<void>((resolve) => c.close(() => resolve()));
    expect(header.data[0]).toBe(1); // register-map version
    expect(await done).toBe(0);
    expect((JSON.parse(stdout) as { plc: { polls: number } }).plc.polls).toBeGreaterThan(50);
  });
});
