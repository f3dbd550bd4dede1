// The gateway's configuration document: its stations (address, station id, key id), the broker (URL and
// addresses) and the CFX handle, and where it keeps its data. The validator is total: any JSON value in, the
// configuration or every problem out, each naming its field. Keys never live here: the document names where they
// are (a file with strict permissions, or an environment variable), and a field that looks like a key or a
// password is refused, so a secret pasted into the config is caught before it is copied around.
import { isAbsolute, join } from 'node:path';
import { describeProblems, Reader, type DocProblem } from '../../../host-sim/host/work-order-doc';
import { cfxHandleFor } from './cfx-handle';

export const GATEWAY_CONFIG_FORMAT = 'smt-warden.gateway';
export const MAX_STATIONS = 256;

export type StationAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'serial'; readonly path: string; readonly baud: number };

export interface StationEntry {
  readonly id: number;
  readonly keyId: number;
  readonly address: StationAddress;
  readonly name: string;
  readonly lane: number;
  /** The station's CFX handle: the Source of its messages and the Target of requests to it. */
  readonly handle: string;
}

export type KeySourceConfig = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'env'; readonly name: string };

export interface GatewayConfig {
  readonly line: string;
  /** Absolute path of the data directory. */
  readonly dataDir: string;
  readonly keys: KeySourceConfig;
  readonly cfx: { readonly handle: string };
  readonly broker: {
    readonly host: string;
    readonly port: number;
    readonly username: string | undefined;
    readonly tls: boolean;
    /** Where CFX messages are published (RabbitMQ: `/exchange/NAME/KEY`, `/queue/NAME`, `/topic/KEY`). */
    readonly address: string;
    /** Where the gateway takes CFX requests from (answered to each request's reply-to). */
    readonly requests: string | undefined;
    /** CFX messages sent and not yet accepted, at most, per station. */
    readonly window: number;
  };
  readonly stations: readonly StationEntry[];
  readonly poll: { readonly statusMs: number; readonly syncMs: number; readonly readMs: number };
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
  readonly store: { readonly maxBytes: number };
}

export type ConfigResult = { readonly ok: true; readonly config: GatewayConfig } | { readonly ok: false; readonly problems: readonly DocProblem[] };

/** Field names that hold secrets: never accepted in the configuration. */
const SECRET_LIKE = /secret|password|passwd|master|token|^key$|^keys?hex$/i;

function secretsIn(v: unknown, field: string, out: DocProblem[]): void {
  if (typeof v !== 'object' || v === null) return;
  for (const [k, x] of Object.entries(v)) {
    const f = Array.isArray(v) ? `${field}[${k}]` : field === '' ? k : `${field}.${k}`;
    if (!Array.isArray(v) && SECRET_LIKE.test(k)) out.push({ field: f, message: 'keys and passwords do not belong in the configuration: put them in the key file (keys.file) or the variable keys.env names' });
    secretsIn(x, f, out);
  }
}

function parseAddress(r: Reader, v: unknown, field: string): StationAddress {
  if (typeof v !== 'string') {
    r.bad(field, '"HOST:PORT" (TCP, the station\'s host.tcpPort) or "serial:/dev/PATH[@BAUD]"');
    return { kind: 'tcp', host: '127.0.0.1', port: 0 };
  }
  const s = /^serial:(\/[^@\s]+)(?:@(\d{3,7}))?$/.exec(v);
  if (s !== null) return { kind: 'serial', path: s[1]!, baud: Number(s[2] ?? 115200) };
  const t = /^(?:tcp:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(v);
  const port = t === null ? NaN : Number(t[2]);
  if (t === null || !(port >= 1 && port <= 65535)) {
    r.bad(field, `${JSON.stringify(v)}: "HOST:PORT" with a port 1..65535, or "serial:/dev/PATH[@BAUD]"`);
    return { kind: 'tcp', host: '127.0.0.1', port: 0 };
  }
  return { kind: 'tcp', host: t[1]!.replace(/^\[|\]$/g, ''), port };
}

function parseBrokerUrl(r: Reader, v: unknown): { host: string; port: number; username: string | undefined; tls: boolean } {
  const fallback = { host: '127.0.0.1', port: 5672, username: undefined, tls: false };
  if (typeof v !== 'string') {
    r.bad('broker.url', 'an AMQP URL, "amqp://[USER@]HOST[:PORT]" or "amqps://…"');
    return fallback;
  }
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    r.bad('broker.url', `${JSON.stringify(v)} is not a URL; "amqp://[USER@]HOST[:PORT]"`);
    return fallback;
  }
  if (u.protocol !== 'amqp:' && u.protocol !== 'amqps:') {
    r.bad('broker.url', `scheme ${u.protocol} : amqp: or amqps:`);
    return fallback;
  }
  if (u.password !== '') {
    r.bad('broker.url', 'the URL carries a password: put it in the key file as "brokerPassword" and leave only the user in the URL');
    return fallback;
  }
  const tls = u.protocol === 'amqps:';
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port === '' ? (tls ? 5671 : 5672) : Number(u.port), username: u.username === '' ? undefined : decodeURIComponent(u.username), tls };
}

/** Reads a configuration; relative paths are taken from `baseDir` (the config file's folder). Never throws. */
export function parseGatewayConfig(v: unknown, baseDir: string): ConfigResult {
  const r = new Reader();
  const secretProblems: DocProblem[] = [];
  secretsIn(v, '', secretProblems);
  if (secretProblems.length > 0) return { ok: false, problems: secretProblems };
  const o = r.obj(v, '', ['format', 'version', 'line', 'dataDir', 'keys', 'cfx', 'broker', 'stations', 'poll', 'reconnect', 'store']);
  if (o === undefined) return { ok: false, problems: r.problems };
  if (o['format'] !== undefined && o['format'] !== GATEWAY_CONFIG_FORMAT) r.bad('format', `"${GATEWAY_CONFIG_FORMAT}"`);
  if (o['version'] !== undefined && o['version'] !== 1) r.bad('version', '1 (this gateway knows no other)');
  const line = r.text(o, 'line', 'line', 32, { nonEmpty: true });
  const dataDirRaw = r.text(o, 'dataDir', 'dataDir', 4096, { nonEmpty: true });
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : join(baseDir, dataDirRaw);

  const k = r.obj(o['keys'], 'keys', ['file', 'env']) ?? {};
  let keys: KeySourceConfig = { kind: 'env', name: 'WARDEN_GATEWAY_KEYS' };
  if ((k['file'] === undefined) === (k['env'] === undefined)) r.bad('keys', 'exactly one of {"file": PATH} (mode 0600) or {"env": VARIABLE}');
  else if (k['file'] !== undefined) {
    const p = r.text(k, 'file', 'keys.file', 4096, { nonEmpty: true });
    keys = { kind: 'file', path: isAbsolute(p) ? p : join(baseDir, p) };
  } else {
    const n = r.text(k, 'env', 'keys.env', 128, { nonEmpty: true });
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) r.bad('keys.env', 'an environment variable name');
    keys = { kind: 'env', name: n };
  }

  const c = r.obj(o['cfx'], 'cfx', ['handle']) ?? {};
  const handle = r.text(c, 'handle', 'cfx.handle', 128, { nonEmpty: true });
  if (!/^[A-Za-z0-9_.-]+$/.test(handle)) r.bad('cfx.handle', 'letters, digits, ".", "_" and "-" (CFX handles are dotted names, e.g. "SMTWarden.L1")');

  const b = r.obj(o['broker'], 'broker', ['url', 'address', 'requests', 'window']) ?? {};
  const url = parseBrokerUrl(r, b['url']);
  const address = b['address'] === undefined ? `/exchange/amq.topic/${handle}` : r.text(b, 'address', 'broker.address', 256, { nonEmpty: true });
  const requests = b['requests'] === undefined ? undefined : r.text(b, 'requests', 'broker.requests', 256, { nonEmpty: true });
  const window = b['window'] === undefined ? 256 : r.int(b, 'window', 'broker.window', 1, 10_000);

  const list = r.list(o['stations'], 'stations', MAX_STATIONS);
  if (Array.isArray(o['stations']) && list.length === 0) r.bad('stations', 'at least one station');
  const ids = new Map<number, number>();
  const stations = list.map((sv, i): StationEntry => {
    const f = `stations[${i}]`;
    const so = r.obj(sv, f, ['id', 'keyId', 'address', 'name', 'lane', 'handle']) ?? {};
    const id = r.int(so, 'id', `${f}.id`, 1, 65534);
    const j = ids.get(id);
    if (j !== undefined) r.bad(`${f}.id`, `station ${id} is also stations[${j}]`);
    ids.set(id, i);
    const h = so['handle'] === undefined ? cfxHandleFor(line, id) : r.text(so, 'handle', `${f}.handle`, 128, { nonEmpty: true });
    return {
      id,
      keyId: so['keyId'] === undefined ? 1 : r.int(so, 'keyId', `${f}.keyId`, 0, 255),
      address: parseAddress(r, so['address'], `${f}.address`),
      name: so['name'] === undefined ? `station ${id}` : r.text(so, 'name', `${f}.name`, 32),
      lane: so['lane'] === undefined ? 1 : r.int(so, 'lane', `${f}.lane`, 0, 255),
      handle: h,
    };
  });
  const handles = new Map<string, number>();
  stations.forEach((s, i) => {
    const j = handles.get(s.handle);
    if (j !== undefined || s.handle === handle) r.bad(`stations[${i}].handle`, `${s.handle} is also ${j === undefined ? 'cfx.handle' : `stations[${j}]'s handle`}`);
    handles.set(s.handle, i);
  });

  const ms = (x: Record<string, unknown>, key: string, field: string, dflt: number, min: number, max: number) => (x[key] === undefined ? dflt : r.int(x, key, field, min, max));
  const p = o['poll'] === undefined ? {} : (r.obj(o['poll'], 'poll', ['statusMs', 'syncMs', 'readMs']) ?? {});
  const rc = o['reconnect'] === undefined ? {} : (r.obj(o['reconnect'], 'reconnect', ['minMs', 'maxMs']) ?? {});
  const st = o['store'] === undefined ? {} : (r.obj(o['store'], 'store', ['maxMiB']) ?? {});
  const reconnect = { minMs: ms(rc, 'minMs', 'reconnect.minMs', 500, 10, 600_000), maxMs: ms(rc, 'maxMs', 'reconnect.maxMs', 30_000, 10, 3_600_000) };
  if (reconnect.maxMs < reconnect.minMs) r.bad('reconnect.maxMs', `at least reconnect.minMs (${reconnect.minMs})`);
  const poll = {
    statusMs: ms(p, 'statusMs', 'poll.statusMs', 10_000, 100, 3_600_000),
    syncMs: ms(p, 'syncMs', 'poll.syncMs', 600_000, 1000, 86_400_000),
    readMs: ms(p, 'readMs', 'poll.readMs', 30_000, 100, 3_600_000),
  };
  const maxMiB = ms(st, 'maxMiB', 'store.maxMiB', 4096, 1, 1_048_576);
  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  return {
    ok: true,
    config: {
      line,
      dataDir,
      keys,
      cfx: { handle },
      broker: { ...url, address, requests, window },
      stations,
      poll,
      reconnect,
      store: { maxBytes: maxMiB * 1024 * 1024 },
    },
  };
}

export { describeProblems };
