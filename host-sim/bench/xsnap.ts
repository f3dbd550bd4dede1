// Moddable's XS engine as a worker process: the `xsnap-worker` binary that the npm package @agoric/xsnap compiles
// from Moddable's XS sources when it installs. This drives the worker over its own pipe protocol (netstrings on
// fd 3 to the worker and fd 4 back, as xsnap-native/xsnap/sources/xsnap-worker.c defines it), so it needs no SES
// lockdown in the Node process and runs inside jest:
//
//   to the worker     `e<script>` evaluate · `?<bytes>` call the worker's handleCommand · `w<path>` snapshot · `q` quit
//   from the worker   `.<meter JSON>\x01<reply>` done · `!<message>` error · `?<bytes>` the worker's issueCommand
//   to the worker     `/<bytes>` the answer to an issueCommand
//
// The meter JSON carries the engine's own `currentHeapCount` (slots in use). A snapshot's BLOC and HEAP atoms are
// the chunk bytes and slot bytes alive after the collection it makes (xs/sources/xsSnapshot.c), which is how the
// working set is read without instrumenting the engine.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface XsMeter {
  /** Slots in use (each 32 bytes on this 64-bit host, 16 on an ESP32). */
  readonly currentHeapCount: number;
  /** Computation units used by the crank. */
  readonly compute: number;
}

export interface XsHeap {
  /** Bytes of live chunks (strings, array and object bodies, byte buffers, bytecode compiled from source). */
  readonly chunkBytes: number;
  /** Live slots. */
  readonly slots: number;
  /** Size of one slot in this engine (32 on 64-bit hosts). */
  readonly slotBytes: number;
}

const PKG = join(__dirname, '..', '..', 'node_modules', '@agoric', 'xsnap');

/** The worker binary, if the package's install script built it. */
export function xsnapBinary(): string | undefined {
  const bin = join(PKG, 'xsnap-native', 'xsnap', 'build', 'bin', 'lin', 'release', 'xsnap-worker');
  return process.platform === 'linux' && existsSync(bin) ? bin : undefined;
}

/** The worker's word size, from its ELF class byte: 64 as `npm ci` builds it, 32 after tools/bin/xsnap-32bit.sh. */
export function xsnapWordBits(): 32 | 64 | undefined {
  const bin = xsnapBinary();
  if (bin === undefined) return undefined;
  const elfClass = readFileSync(bin).subarray(0, 5)[4];
  return elfClass === 1 ? 32 : elfClass === 2 ? 64 : undefined;
}

/** What to run when the worker is missing. */
export const XSNAP_BUILD_HINT = 'cd node_modules/@agoric/xsnap && npm run build:from-env   (needs gcc and make; about 50 s)';

/** XS version of the sources the worker was built from (xsCommon.h). */
export function xsVersion(): string | undefined {
  try {
    const h = readFileSync(join(PKG, 'moddable', 'xs', 'sources', 'xsCommon.h'), 'utf8');
    const v = (k: string) => new RegExp(`#define XS_${k}_VERSION (\\d+)`).exec(h)?.[1];
    return `${v('MAJOR')}.${v('MINOR')}.${v('PATCH')}`;
  } catch {
    return undefined;
  }
}

interface Pending {
  resolve(v: { reply: Uint8Array; meter: XsMeter }): void;
  reject(e: Error): void;
}

export class XsnapWorker {
  private readonly proc: ChildProcess;
  private readonly toWorker: Writable;
  private inbox: Buffer = Buffer.alloc(0);
  /** Requests in flight, answered in order (the worker is single-threaded and answers one at a time). */
  private readonly queue: Pending[] = [];
  /** Requests not yet written: one is written only when the one before it is done (the worker reads no other way). */
  private readonly outbox: Buffer[] = [];
  private busy = false;
  private stderr = '';
  private exited: Error | undefined;
  private snapSeq = 0;

  /** `onCommand` answers the worker's issueCommand, synchronously. */
  private constructor(bin: string, private readonly onCommand: (request: Uint8Array) => Uint8Array) {
    this.proc = spawn(bin, ['warden'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    const stdio = this.proc.stdio as unknown as [null, null, Readable, Writable, Readable];
    this.toWorker = stdio[3];
    stdio[2].on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-4000);
    });
    stdio[4].on('data', (d: Buffer) => this.receive(d));
    this.toWorker.on('error', () => {});
    this.proc.on('exit', (code, signal) => {
      this.exited = new Error(`xsnap-worker exited (${signal ?? `code ${code}`})${this.stderr === '' ? '' : `: ${this.stderr.trim()}`}`);
      for (const p of this.queue.splice(0)) p.reject(this.exited);
    });
  }

  /** Starts a worker, or says why it cannot (no binary). */
  static start(onCommand: (request: Uint8Array) => Uint8Array): XsnapWorker {
    const bin = xsnapBinary();
    if (bin === undefined) throw new Error(`the XS worker is not built: ${XSNAP_BUILD_HINT}`);
    return new XsnapWorker(bin, onCommand);
  }

  /** Evaluates a script in the worker's global scope. */
  evaluate(code: string): Promise<{ reply: Uint8Array; meter: XsMeter }> {
    return this.send(Buffer.concat([Buffer.from('e'), Buffer.from(code, 'utf8')]));
  }

  /** Calls the worker's global handleCommand with the bytes; resolves with what it returned (an ArrayBuffer). */
  command(bytes: Uint8Array): Promise<{ reply: Uint8Array; meter: XsMeter }> {
    return this.send(Buffer.concat([Buffer.from('?'), bytes]));
  }

  /** Collects garbage, then reads the live heap from a snapshot the engine writes. */
  async heap(): Promise<XsHeap & { meter: XsMeter }> {
    const { meter } = await this.evaluate('gc()');
    const path = join(tmpdir(), `warden-xs-${process.pid}-${this.snapSeq++}.xss`);
    try {
      await this.send(Buffer.from(`w${path}`, 'utf8'));
      return { ...parseSnapshot(readFileSync(path)), meter };
    } finally {
      rmSync(path, { force: true });
    }
  }

  /** Ends the worker (a power cut: nothing in its memory survives). */
  kill(): void {
    if (this.exited === undefined) this.proc.kill('SIGKILL');
  }

  private send(message: Buffer): Promise<{ reply: Uint8Array; meter: XsMeter }> {
    if (this.exited !== undefined) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.outbox.push(message);
      this.flush();
    });
  }

  private flush(): void {
    const next = this.busy ? undefined : this.outbox.shift();
    if (next === undefined) return;
    this.busy = true;
    this.toWorker.write(netstring(next));
  }

  private receive(d: Buffer): void {
    this.inbox = this.inbox.length === 0 ? d : Buffer.concat([this.inbox, d]);
    for (;;) {
      const colon = this.inbox.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(this.inbox.subarray(0, colon).toString('latin1'));
      if (this.inbox.length < colon + 1 + len + 1) return;
      const body = this.inbox.subarray(colon + 1, colon + 1 + len);
      this.inbox = this.inbox.subarray(colon + 2 + len);
      this.dispatch(Buffer.from(body));
    }
  }

  private dispatch(body: Buffer): void {
    const kind = body[0];
    if (kind === 0x3f /* ? */) {
      // The worker blocks in issueCommand until this answer arrives.
      let answer: Uint8Array;
      try {
        answer = this.onCommand(new Uint8Array(body.subarray(1)));
      } catch (e) {
        this.stderr += `host: ${e instanceof Error ? e.stack : String(e)}\n`;
        answer = new Uint8Array(0);
      }
      this.toWorker.write(netstring(Buffer.concat([Buffer.from('/'), answer])));
      return;
    }
    const p = this.queue.shift();
    this.busy = false;
    this.flush();
    if (p === undefined) return;
    if (kind === 0x2e /* . */) {
      const sep = body.indexOf(1);
      const meterJson = sep < 0 ? '{}' : body.subarray(1, sep).toString('utf8');
      const m = JSON.parse(meterJson) as { currentHeapCount?: number; compute?: number };
      p.resolve({ reply: new Uint8Array(body.subarray(sep < 0 ? 1 : sep + 1)), meter: { currentHeapCount: m.currentHeapCount ?? 0, compute: m.compute ?? 0 } });
    } else {
      p.reject(new Error(`XS: ${body.subarray(1).toString('utf8') || 'error'}${this.stderr === '' ? '' : ` (${this.stderr.trim().split('\n').slice(-3).join(' | ')})`}`));
    }
  }
}

function netstring(b: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${b.length}:`), b, Buffer.from(',')]);
}

/** Live chunk and slot bytes from an XS snapshot: the sizes of its BLOC and HEAP atoms. */
export function parseSnapshot(file: Buffer): XsHeap {
  // Atoms are {u32 big-endian size including these 8 bytes, 4-char type}; the outer XS_M atom wraps the rest.
  let at = 8;
  let chunkBytes = -1;
  let heapBytes = -1;
  let slotBytes = 32;
  while (at + 8 <= file.length) {
    const size = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    if (type === 'VERS') slotBytes = file[at + 8 + 3]!;
    if (type === 'BLOC') chunkBytes = size - 8;
    if (type === 'HEAP') heapBytes = size - 8;
    if (size < 8) break;
    at += size;
  }
  if (chunkBytes < 0 || heapBytes < 0) throw new Error('not an XS snapshot (no BLOC/HEAP atoms)');
  return { chunkBytes, slots: Math.round(heapBytes / slotBytes), slotBytes };
}
