// A RabbitMQ broker (Debian's rabbitmq-server, with its AMQP 1.0 plugin) for the interop suite and the bench: its own
// node name, ports on loopback and files in a temporary folder, so it touches nothing of a system broker. Started and
// stopped by the test, each step bounded in time; the epmd daemon it starts is ended by its pid when it is ours.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './line';

const BIN = '/usr/lib/rabbitmq/bin';

/** Why RabbitMQ cannot run here, or undefined if it can. */
export function rabbitMissing(): string | undefined {
  return existsSync(join(BIN, 'rabbitmq-server')) ? undefined : 'rabbitmq-server is not installed: apt-get install -y rabbitmq-server (the AMQP 1.0 plugin comes with it)';
}

function pids(name: string): number[] {
  const r = spawnSync('pgrep', ['-x', name], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((x) => x.trim() !== '').map(Number);
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class Rabbit {
  private proc: ChildProcess | undefined;
  private readonly epmdBefore = new Set(pids('epmd'));

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly node: string,
  ) {}

  static async create(): Promise<Rabbit> {
    const dir = mkdtempSync(join(tmpdir(), 'warden-rabbit-'));
    const port = await freePort();
    const dist = await freePort();
    const node = `warden-gw-${process.pid}-${port}@localhost`;
    mkdirSync(join(dir, 'log'));
    writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${port}\nloopback_users.guest = true\n`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      RABBITMQ_BASE: dir,
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
      RABBITMQ_PID_FILE: join(dir, 'pid'),
      RABBITMQ_NODENAME: node,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(dist),
    };
    const p = spawnSync(join(BIN, 'rabbitmq-plugins'), ['--offline', 'enable', 'rabbitmq_amqp1_0'], { env, encoding: 'utf8', timeout: 60_000 });
    if (p.status !== 0) throw new Error(`rabbitmq-plugins failed: ${p.stderr || p.stdout}`);
    return new Rabbit(port, dir, env, node);
  }

  /** Starts the broker and waits (at most `ms`) for its AMQP port. */
  async start(ms = 90_000): Promise<void> {
    const proc = spawn(join(BIN, 'rabbitmq-server'), [], { env: this.env, stdio: 'ignore' });
    this.proc = proc;
    const end = Date.now() + ms;
    while (!(await portOpen(this.port))) {
      if (proc.exitCode !== null) throw new Error(`rabbitmq-server exited (${proc.exitCode}); logs in ${join(this.dir, 'log')}`);
      if (Date.now() > end) throw new Error(`rabbitmq-server did not open port ${this.port} within ${ms / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Stops the broker (rabbitmqctl stop, then a kill if it hangs), waiting at most `ms`. */
  async stop(ms = 60_000): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    spawnSync(join(BIN, 'rabbitmqctl'), ['-n', this.node, 'stop'], { env: this.env, timeout: ms, stdio: 'ignore' });
    const t = setTimeout(() => proc.kill('SIGKILL'), ms);
    await exited;
    clearTimeout(t);
  }

  /** The broker's queues, as `rabbitmqctl list_queues` sees them (for a test's assertions and its failure report). */
  queues(ms = 60_000): { name: string; durable: boolean; messages: number; consumers: number }[] {
    const r = spawnSync(join(BIN, 'rabbitmqctl'), ['-n', this.node, '-q', '--formatter', 'json', 'list_queues', 'name', 'durable', 'messages', 'consumers'], { env: this.env, encoding: 'utf8', timeout: ms });
    if (r.status !== 0) throw new Error(`rabbitmqctl list_queues failed: ${r.stderr || r.stdout || r.error?.message}`);
    return JSON.parse(r.stdout) as { name: string; durable: boolean; messages: number; consumers: number }[];
  }

  /** Stops it and removes its files; ends the epmd daemon if this broker started it. */
  async dispose(): Promise<void> {
    await this.stop();
    for (const pid of pids('epmd')) {
      if (this.epmdBefore.has(pid)) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
