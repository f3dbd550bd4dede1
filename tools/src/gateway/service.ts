// The gateway as a long-running process: one data directory it holds alone (a lock file with its pid), the inbox
// it takes documents from, and the status file `warden gateway status` reads. Everything durable goes through the
// store; the inbox and the status are plain files:
//   DATA/gateway.lock          pid of the running gateway
//   DATA/status.json           the status, rewritten every second
//   DATA/inbox/*.json          documents to send (warden gateway push); moved to inbox/done/ with a
//                              .result.json beside them once every station answered, or to inbox/failed/
//   DATA/stations/, orders/, counters.json, published.json   the store (store.ts)
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReasonName } from '../../../protocol/src/reasons';
import { describeProblems, parsePushDocument } from './documents';
import type { Gateway, GatewayStatus } from './gateway';

export const LOCK = 'gateway.lock';
export const STATUS = 'status.json';
export const INBOX = 'inbox';

export type LockResult = { readonly ok: true; readonly release: () => void } | { readonly ok: false; readonly reason: ReasonName; readonly detail: string };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the gateway running on `dir`, if one is. */
export function runningPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, LOCK), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the data directory; a lock left by a gateway that was killed is taken over. */
export function lockDataDir(dir: string): LockResult {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return { ok: true, release: () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, reason: 'IO_ERROR', detail: `${path}: ${(e as Error).message}` };
      const pid = runningPid(dir);
      if (pid !== undefined && pid !== process.pid) return { ok: false, reason: 'GATEWAY_LOCKED', detail: `gateway pid ${pid} runs on ${dir}; stop it first, or give this one another dataDir` };
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  return { ok: false, reason: 'GATEWAY_LOCKED', detail: `cannot take ${path}` };
}

/** Writes the status file (atomically: readers never see half of it). */
export function writeStatus(dir: string, s: GatewayStatus): void {
  const p = join(dir, STATUS);
  writeFileSync(`${p}.tmp`, `${JSON.stringify(s, null, 1)}\n`);
  renameSync(`${p}.tmp`, p);
}

export function readStatus(dir: string): GatewayStatus | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, STATUS), 'utf8')) as GatewayStatus;
  } catch {
    return undefined;
  }
}

/** Puts a document into the inbox of the gateway on `dir` (it is sent when the gateway next looks). */
export function queueDocument(dir: string, text: string, name: string): string {
  const inbox = join(dir, INBOX);
  mkdirSync(inbox, { recursive: true, mode: 0o700 });
  const base = `${new Date().toISOString().replace(/[:.]/g, '-')}-${name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/\.json$/, '')}.json`;
  const tmp = join(inbox, `.${base}.tmp`);
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, join(inbox, base));
  return join(inbox, base);
}

/** Takes the inbox's documents in name order and hands each to the gateway once. */
export class Inbox {
  private readonly taken = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly gateway: Gateway,
    private readonly log: (line: string) => void,
  ) {}

  poll(): void {
    const inbox = join(this.dir, INBOX);
    if (!existsSync(inbox)) return;
    for (const name of readdirSync(inbox).sort()) {
      if (!name.endsWith('.json') || name.startsWith('.') || this.taken.has(name)) continue;
      this.taken.add(name);
      const path = join(inbox, name);
      const move = (to: 'done' | 'failed', result: object) => {
        mkdirSync(join(inbox, to), { recursive: true });
        renameSync(path, join(inbox, to, name));
        writeFileSync(join(inbox, to, name.replace(/\.json$/, '.result.json')), `${JSON.stringify(result, null, 1)}\n`);
        this.taken.delete(name);
      };
      let v: unknown;
      try {
        v = JSON.parse(readFileSync(path, 'utf8'));
      } catch (e) {
        this.log(`inbox ${name}: not JSON`);
        move('failed', { ok: false, reason: 'GATEWAY_DOCUMENT_INVALID', detail: `not JSON: ${(e as Error).message}` });
        continue;
      }
      const d = parsePushDocument(v);
      if (!d.ok) {
        this.log(`inbox ${name}: ${describeProblems(d.problems)}`);
        move('failed', { ok: false, reason: 'GATEWAY_DOCUMENT_INVALID', problems: d.problems });
        continue;
      }
      this.log(`inbox ${name}: ${d.document.kind}, sending`);
      this.gateway.deliver(d.document, (rs) => {
        const stations = Object.fromEntries([...rs].map(([id, r]) => [id, r]));
        const ok = [...rs.values()].every((r) => r.ok);
        this.log(`inbox ${name}: ${ok ? 'every station acknowledged' : 'refused by some station'}`);
        move(ok ? 'done' : 'failed', { ok, stations });
      });
    }
  }
}
