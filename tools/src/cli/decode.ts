// `warden decode`: judges every frame of a capture or a hex string, one JSON line each. With the line's secrets
// it is a passive tap (CaptureInspector): it follows the handshakes in the capture and verifies every MAC.
// Without, it decodes only (decodeWithoutKeys) and marks every frame unauthenticated. Neither can send or act.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  CaptureInspector,
  decodeWithoutKeys,
  deriveDirectionKeys,
  deriveStationSecret,
  frameToJson,
  fromHex,
  MIN_KEY_BYTES,
  REASONS,
  type CaptureVerdict,
  type DirectionKeys,
  type Direction,
  type KeySource,
  type MacKey,
} from '../../../protocol/src/index';
import { CliError } from './errors';

export interface DecodeOptions {
  readonly secret?: string[];
  readonly lineMaster?: string;
  readonly hex?: string;
}

/** Most (station, key id) pairs a wildcard secret or the line master derives keys for in one run. */
const MAX_DERIVED = 4096;

/**
 * Keys for the tap: `--secret HEX` (any station and key id), `--secret STATION:KEYID=HEX` (that pair only),
 * `--line-master HEX` (each station's secret derived from it). Exact pairs win over the line master, which wins
 * over a wildcard secret.
 */
export class CliKeys implements KeySource {
  private readonly exact = new Map<number, DirectionKeys>();
  private readonly derived = new Map<number, DirectionKeys | undefined>();
  private wildcard: Uint8Array | undefined;
  private master: Uint8Array | undefined;

  static parse(secrets: readonly string[], lineMaster: string | undefined): CliKeys {
    const k = new CliKeys();
    for (const spec of secrets) {
      const m = /^(\d{1,5}):(\d{1,3})=(.*)$/.exec(spec);
      const bytes = secretBytes(m ? m[3]! : spec, `--secret ${spec}`);
      if (m === null) {
        k.wildcard = bytes;
        continue;
      }
      const stationId = Number(m[1]);
      const keyId = Number(m[2]);
      if (stationId > 0xffff || keyId > 0xff) throw new CliError('BAD_ARGUMENT', `--secret ${spec}: station id must be 0..65535 and key id 0..255`);
      const d = deriveDirectionKeys(bytes, stationId, keyId);
      if (!d.ok) throw new CliError(d.reason, `--secret ${spec}: ${d.detail}`);
      k.exact.set(stationId * 256 + keyId, d.key);
    }
    if (lineMaster !== undefined) k.master = secretBytes(lineMaster, '--line-master');
    return k;
  }

  get empty(): boolean {
    return this.exact.size === 0 && this.wildcard === undefined && this.master === undefined;
  }

  directionKey(stationId: number, keyId: number, direction: Direction): MacKey | undefined {
    const id = stationId * 256 + keyId;
    const exact = this.exact.get(id);
    if (exact !== undefined) return exact[direction];
    if (!this.derived.has(id)) {
      if (this.derived.size >= MAX_DERIVED) return undefined;
      this.derived.set(id, this.derive(stationId, keyId));
    }
    return this.derived.get(id)?.[direction];
  }

  private derive(stationId: number, keyId: number): DirectionKeys | undefined {
    let secret = this.wildcard;
    if (this.master !== undefined) {
      const s = deriveStationSecret(this.master, stationId, keyId);
      secret = s.ok ? s.key : undefined;
    }
    if (secret === undefined) return undefined;
    const d = deriveDirectionKeys(secret, stationId, keyId);
    return d.ok ? d.key : undefined;
  }
}

function secretBytes(hex: string, what: string): Uint8Array {
  const bytes = fromHex(hex);
  if (bytes === undefined || bytes.length === 0) throw new CliError('BAD_HEX', `${what}: not a hex secret`);
  if (bytes.length < MIN_KEY_BYTES) throw new CliError('KEY_TOO_SHORT', `${what}: ${bytes.length} bytes; a secret has at least ${MIN_KEY_BYTES}`);
  return bytes;
}

export function verdictJson(v: CaptureVerdict): Record<string, unknown> {
  if (v.ok) {
    return { offset: v.offset, verdict: 'ok', authenticated: v.authenticated, frame: frameToJson(v.header, v.message) };
  }
  const out: Record<string, unknown> = { offset: v.offset, verdict: v.reason, code: REASONS[v.reason].code, detail: v.detail };
  if (v.header !== undefined) out['header'] = v.header;
  return out;
}

/** Decodes a byte stream; returns one JSON object per frame or framing error. */
export function decodeStream(bytes: Uint8Array, keys: CliKeys | undefined): Record<string, unknown>[] {
  if (keys === undefined || keys.empty) return decodeWithoutKeys(bytes).map(verdictJson);
  const tap = new CaptureInspector(keys);
  const out: Record<string, unknown>[] = [];
  tap.push(bytes, (v) => out.push(verdictJson(v)));
  tap.flush((v) => out.push(verdictJson(v)));
  return out;
}

export function registerDecode(program: Command, write: (s: string) => void): void {
  program
    .command('decode')
    .description('Decode station protocol frames from a hex string or a binary capture into JSON lines, one per frame, each with its verdict')
    .argument('[file]', 'binary capture file of the byte stream ("-" for stdin)')
    .option('--secret <hex>', 'station secret as hex, for any station and key id; or STATION:KEYID=HEX for one pair (repeatable)', collect, [])
    .option('--line-master <hex>', 'line master secret: each station\'s secret is derived from it (PROTOCOL.md §3)')
    .option('--hex <hex>', 'the bytes to decode, as hex (whitespace ignored)')
    .option('--json', 'JSON lines output (the default; accepted for uniformity)')
    .addHelpText(
      'after',
      [
        '',
        'With a secret, frames are verified as the receiver would: a capture must include the Hello and HelloAck that opened a',
        'session for its frames to verify (before them: NO_SESSION). Without one, MACs are not checked and frames are marked',
        '"authenticated": false: never act on those.',
        'Each line: {"offset":N,"verdict":"ok","authenticated":true,"frame":{...}} or {"offset":N,"verdict":"BAD_MAC","code":151,"detail":"..."}.',
        'Exit status: 0 when every frame decoded, 1 when any was rejected, 2 on a usage error.',
      ].join('\n'),
    )
    .action((file: string | undefined, opts: DecodeOptions) => {
      if ((file === undefined) === (opts.hex === undefined)) {
        throw new CliError('BAD_ARGUMENT', 'give either --hex HEX or a capture FILE');
      }
      const keys = CliKeys.parse(opts.secret ?? [], opts.lineMaster);
      let bytes: Uint8Array;
      if (opts.hex !== undefined) {
        const b = fromHex(opts.hex);
        if (b === undefined) throw new CliError('BAD_HEX', '--hex: odd length or a non-hex character');
        bytes = b;
      } else {
        try {
          bytes = new Uint8Array(readFileSync(file === '-' ? 0 : file!));
        } catch (e) {
          throw new CliError('IO_ERROR', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
      }
      const lines = decodeStream(bytes, keys);
      for (const l of lines) write(`${JSON.stringify(l)}\n`);
      if (lines.some((l) => l['verdict'] !== 'ok')) process.exitCode = 1;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
