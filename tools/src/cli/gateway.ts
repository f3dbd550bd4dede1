// `warden gateway`: the line gateway. `--config FILE` runs it in the foreground (log lines on stderr, the status in
// DATA/status.json every second; SIGINT or SIGTERM stop it cleanly); `status` shows each station's link, permit,
// reasons, journal backlog and clock; `push` queues a work-order or host-messages document for the stations;
// `check` validates the configuration and the keys without starting anything.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { cfxMapper } from '../gateway/cfx';
import { describeProblems, parseGatewayConfig, type GatewayConfig } from '../gateway/config';
import { nodeDisk } from '../gateway/disk';
import { parsePushDocument } from '../gateway/documents';
import { Gateway, type GatewayStatus } from '../gateway/gateway';
import { loadSecrets } from '../gateway/keys';
import { Inbox, lockDataDir, queueDocument, readStatus, runningPid, writeStatus } from '../gateway/service';
import { CliError } from './errors';
import { table, wantJson } from './output';

function readConfig(file: string | undefined): GatewayConfig {
  if (file === undefined) throw new CliError('BAD_ARGUMENT', '--config FILE is required (the gateway configuration document; see tools/src/gateway/README.md)');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError('IO_ERROR', `cannot read the configuration ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CliError('GATEWAY_CONFIG_INVALID', `${file} is not JSON: ${(e as Error).message}`);
  }
  const c = parseGatewayConfig(v, dirname(resolve(file)));
  if (!c.ok) throw new CliError('GATEWAY_CONFIG_INVALID', `${file}: ${describeProblems(c.problems)}`);
  return c.config;
}

function stamp(line: string): string {
  return `${new Date().toISOString()} warden gateway: ${line}\n`;
}

function run(file: string | undefined): void {
  const config = readConfig(file);
  const s = loadSecrets(config.keys, config.stations);
  if (!s.ok) throw new CliError(s.reason, s.detail);
  const lock = lockDataDir(config.dataDir);
  if (!lock.ok) throw new CliError(lock.reason, lock.detail);
  const log = (line: string) => process.stderr.write(stamp(line));
  let exiting = false;
  const g = Gateway.open({
    config,
    keys: s.secrets.keyring,
    brokerPassword: s.secrets.brokerPassword,
    disk: nodeDisk(config.dataDir),
    mapper: cfxMapper,
    log,
    onFatal: (reason, detail) => {
      if (exiting) return;
      exiting = true;
      log(`stopping: ${reason}: ${detail}; nothing more is acknowledged (restart the gateway once the cause is fixed)`);
      finish(1);
    },
  });
  if (!g.ok) {
    lock.release();
    throw new CliError(g.reason, g.detail);
  }
  const gw = g.gateway;
  for (const r of g.repaired) log(`store: ${r}`);
  const inbox = new Inbox(config.dataDir, gw, log);
  const every = setInterval(() => {
    try {
      inbox.poll();
      writeStatus(config.dataDir, gw.status());
    } catch (e) {
      log(`status/inbox: ${(e as Error).message}`);
    }
  }, 1000);
  const finish = (code: number) => {
    clearInterval(every);
    try {
      writeStatus(config.dataDir, gw.status());
    } catch {
      // the status is a courtesy; the store is what matters
    }
    void gw.stop().finally(() => {
      lock.release();
      process.exit(code);
    });
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      if (exiting) return;
      exiting = true;
      log(`${sig}: stopping`);
      finish(0);
    });
  }
  log(`line ${config.line}: ${config.stations.length} station(s), broker amqp${config.broker.tls ? 's' : ''}://${config.broker.host}:${config.broker.port} ${config.broker.address}, data ${config.dataDir}`);
  gw.start();
}

function age(iso: string | null, now: number): string {
  if (iso === null) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

export function statusTable(st: GatewayStatus, running: boolean, now: number): string {
  const head = [
    `line ${st.line} (${st.handle}): gateway ${running ? `running, pid ${st.pid}` : `NOT RUNNING (last status ${age(st.at, now)})`}`,
    `broker ${st.broker.url} ${st.broker.address}: ${st.broker.up ? 'up' : `DOWN${st.broker.lastError === null ? '' : ` (${st.broker.lastError})`}`}; ${st.broker.published} published, ${st.broker.rejected} rejected; latency mean ${st.latencyMs.mean ?? '—'} ms, max ${st.latencyMs.max ?? '—'} ms`,
    `store ${(st.store.bytes / 1048576).toFixed(1)} of ${(st.store.maxBytes / 1048576).toFixed(0)} MiB${st.store.full === null ? '' : `; FULL: ${st.store.full}`}${st.store.failure === null ? '' : `; FAILED: ${st.store.failure}`}; documents pending ${st.documents.pending}`,
    '',
  ].join('\n');
  const rows = st.stations.map((x) => [
    String(x.id),
    x.name,
    x.address,
    x.link === 'up' ? `up (${x.sessions})` : `${x.link} ${age(x.linkSince, now)}`,
    x.permit === null ? '—' : x.permit ? 'ON' : 'off',
    x.reasons.length === 0 ? (x.permit === true ? '' : '—') : x.reasons.slice(0, 3).join(', ') + (x.reasons.length > 3 ? ` +${x.reasons.length - 3}` : ''),
    x.workOrder ?? '—',
    `${x.journal.stationPending ?? '?'} / ${x.journal.stored} / ${x.journal.published}${x.journal.unpublished > 0 ? ` (+${x.journal.unpublished})` : ''}`,
    x.clock === null ? '—' : x.clock.valid ? `${x.clock.offsetS === null ? '?' : `${x.clock.offsetS >= 0 ? '+' : ''}${x.clock.offsetS} s`}` : 'INVALID',
    x.statusAt === null ? '—' : age(x.statusAt, now),
  ]);
  const errors = st.stations.filter((x) => x.lastError !== null && x.link !== 'up').map((x) => `  station ${x.id}: ${x.lastError}`);
  return `${head}${table(['id', 'name', 'address', 'link', 'permit', 'reasons', 'work order', 'journal: on station / stored / published', 'clock', 'status'], rows)}${errors.length > 0 ? `\n${errors.join('\n')}\n` : ''}`;
}

export function registerGateway(program: Command, write: (s: string) => void): void {
  const gw = program
    .command('gateway')
    .description('The line gateway: hosts the stations (keys, clock, work orders, journal collection) and publishes their records as IPC-CFX over AMQP 1.0')
    .option('--config <file>', 'the gateway configuration document (JSON)')
    .action((opts: { config?: string }) => run(opts.config));
  gw.command('status')
    .description('Each station\'s link, permit and reasons, journal backlog and clock, from the running gateway')
    .option('--config <file>', 'the gateway configuration document')
    .option('--json', 'JSON output (the default when stdout is not a terminal)')
    .action((opts: { config?: string; json?: boolean }) => {
      const c = readConfig(opts.config ?? (gw.opts() as { config?: string }).config);
      const st = readStatus(c.dataDir);
      const pid = runningPid(c.dataDir);
      if (st === undefined) throw new CliError('IO_ERROR', `no status in ${c.dataDir} yet: ${pid === undefined ? 'the gateway is not running; start it with `warden gateway --config FILE`' : `gateway pid ${pid} is starting`}`);
      if (wantJson(opts)) write(`${JSON.stringify({ running: pid !== undefined, ...st })}\n`);
      else write(statusTable(st, pid !== undefined, Date.now()));
      if (pid === undefined) process.exitCode = 1;
    });
  gw.command('push')
    .description('Queue a document for the stations: a work order (`warden bom import` writes it), host messages (reel records, MSD events, badges, tables, layouts) or a layout document (`warden label learn --out` writes it)')
    .argument('<file>', 'the document (JSON)')
    .option('--config <file>', 'the gateway configuration document')
    .action((file: string, opts: { config?: string }) => {
      const c = readConfig(opts.config ?? (gw.opts() as { config?: string }).config);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliError('IO_ERROR', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw new CliError('GATEWAY_DOCUMENT_INVALID', `${file} is not JSON: ${(e as Error).message}`);
      }
      const d = parsePushDocument(v);
      if (!d.ok) throw new CliError('GATEWAY_DOCUMENT_INVALID', `${file}: ${describeProblems(d.problems)}`);
      const known = new Set(c.stations.map((s) => s.id));
      const unknown = (d.document.doc.stations ?? []).filter((s) => !known.has(s));
      if (unknown.length > 0) throw new CliError('GATEWAY_DOCUMENT_INVALID', `${file}: stations ${unknown.join(', ')} are not in the configuration`);
      const queued = queueDocument(c.dataDir, text, file.split('/').pop() ?? 'document.json');
      const pid = runningPid(c.dataDir);
      write(`${JSON.stringify({ queued, kind: d.document.kind, running: pid !== undefined, result: queued.replace(/\/inbox\//, '/inbox/done/').replace(/\.json$/, '.result.json') })}\n`);
    });
  gw.command('check')
    .description('Validate the configuration and the keys (file permissions, one key per station); starts nothing')
    .option('--config <file>', 'the gateway configuration document')
    .action((opts: { config?: string }) => {
      const c = readConfig(opts.config ?? (gw.opts() as { config?: string }).config);
      const s = loadSecrets(c.keys, c.stations);
      if (!s.ok) throw new CliError(s.reason, s.detail);
      write(`${JSON.stringify({ ok: true, line: c.line, handle: c.cfx.handle, dataDir: c.dataDir, broker: `amqp${c.broker.tls ? 's' : ''}://${c.broker.host}:${c.broker.port}`, address: c.broker.address, requests: c.broker.requests ?? null, stations: c.stations.map((x) => ({ id: x.id, keyId: x.keyId, handle: x.handle })) })}\n`);
    });
}
