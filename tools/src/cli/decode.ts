// `warden decode`: judges every frame of a capture or a hex string the way a station would, one JSON line each.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { frameToJson, fromHex, Receiver, REASONS, type Verdict } from '../../../protocol/src/index';
import { CliError } from './errors';

export interface DecodeOptions {
  readonly key?: string[];
  readonly hex?: string;
}

/** Parses `--key HEX` (any key id) and `--key ID=HEX`. */
export function parseKeys(specs: readonly string[]): (keyId: number) => Uint8Array | undefined {
  let any: Uint8Array | undefined;
  const byId = new Map<number, Uint8Array>();
  for (const spec of specs) {
    const m = /^(\d{1,3})=(.*)$/.exec(spec);
    const hex = m ? m[2]! : spec;
    const key = fromHex(hex);
    if (key === undefined || key.length === 0) throw new CliError('BAD_HEX', `--key ${spec}: not a hex key`);
    if (m) {
      const id = Number(m[1]);
      if (id > 255) throw new CliError('BAD_ARGUMENT', `--key ${spec}: key id must be 0..255`);
      byId.set(id, key);
    } else any = key;
  }
  return (keyId) => byId.get(keyId) ?? any;
}

export function verdictJson(v: Verdict): Record<string, unknown> {
  if (v.ok) {
    return { offset: v.offset, verdict: 'ok', authenticated: v.authenticated, frame: frameToJson(v.header, v.message) };
  }
  const out: Record<string, unknown> = {
    offset: v.offset,
    verdict: v.reason,
    code: REASONS[v.reason].code,
    detail: v.detail,
  };
  if (v.header !== undefined) out['header'] = v.header;
  return out;
}

/** Decodes a byte stream; returns one JSON object per frame or framing error. */
export function decodeStream(bytes: Uint8Array, keySpecs: readonly string[]): Record<string, unknown>[] {
  const rx = new Receiver(keySpecs.length > 0 ? { keyring: parseKeys(keySpecs), maxPeers: 4096 } : { maxPeers: 4096 });
  const out: Record<string, unknown>[] = [];
  rx.push(bytes, (v) => out.push(verdictJson(v)));
  rx.flush((v) => out.push(verdictJson(v)));
  return out;
}

export function registerDecode(program: Command, write: (s: string) => void): void {
  program
    .command('decode')
    .description('Decode station protocol frames from a hex string or a binary capture into JSON lines, one per frame, each with its verdict')
    .argument('[file]', 'binary capture file of the byte stream ("-" for stdin)')
    .option('--key <hex>', 'station key as hex, for any key id; or ID=HEX for one key id (repeatable). Without a key, MACs are not checked', collect, [])
    .option('--hex <hex>', 'the bytes to decode, as hex (whitespace ignored)')
    .option('--json', 'JSON lines output (the default; accepted for uniformity)')
    .addHelpText(
      'after',
      '\nEach line: {"offset":N,"verdict":"ok","authenticated":true,"frame":{...}} or {"offset":N,"verdict":"BAD_MAC","code":151,"detail":"..."}.\nExit status: 0 when every frame decoded, 1 when any was rejected, 2 on a usage error.',
    )
    .action((file: string | undefined, opts: DecodeOptions) => {
      if ((file === undefined) === (opts.hex === undefined)) {
        throw new CliError('BAD_ARGUMENT', 'give either --hex HEX or a capture FILE');
      }
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
      const lines = decodeStream(bytes, opts.key ?? []);
      for (const l of lines) write(`${JSON.stringify(l)}\n`);
      if (lines.some((l) => l['verdict'] !== 'ok')) process.exitCode = 1;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
