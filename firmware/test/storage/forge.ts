// Payloads that look like structure: the bytes the on-flash format uses for headers, commit units and region
// headers, and whole, valid entries (with the sequence numbers the journal is about to hand out and their own
// commit words) and region headers, at any offset. Stored as payloads, none of it may ever be read back as
// anything but payload.
import fc from 'fast-check';
import { KIND_RECORD, KIND_VALUE, LogIO, commitWord, entrySize, regionHeaderBytes } from '../../storage/log';
import { SimFlash } from '../../platform/sim/flash';

export const JOURNAL_MAGIC = 0x324a5757;
export const STORE_MAGIC = 0x32535757;
export const JOURNAL_MAGIC_V1 = 0x314a5757;
const V1_COMMIT = 0x3c5aa5c3; // C3 A5 5A 3C, little-endian

function scratch(wordSize: number): { io: LogIO; flash: SimFlash } {
  const flash = new SimFlash({ sectorSize: 1024, sectorCount: 1, wordSize });
  return { io: new LogIO(flash), flash };
}

function readBack(flash: SimFlash, n: number): Uint8Array {
  const b = new Uint8Array(n);
  if (!flash.read(0, b, 0, n).ok) throw new Error('forge: read failed');
  return b;
}

/** The exact bytes of a whole, valid format-2 entry. */
export function entryImage(kind: number, a: number, b: number, c: number, payload: Uint8Array, wordSize = 4): Uint8Array {
  const { io, flash } = scratch(wordSize);
  const e = io.writeEntry(0, kind, a, b, c, payload, 0, payload.length);
  if (e) throw new Error(`forge: ${e.detail}`);
  return readBack(flash, entrySize(payload.length, io.w));
}

/** The exact bytes of a valid pair of region-header copies. */
export function regionImage(magic: number, epoch: number, m1: number, m2: number, wordSize = 4): Uint8Array {
  const { io, flash } = scratch(wordSize);
  const e = io.writeRegionHeader(0, magic, epoch, m1, m2);
  if (e) throw new Error(`forge: ${e.detail}`);
  return readBack(flash, regionHeaderBytes(io.w));
}

function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

export type Part =
  | { readonly t: 'random'; readonly bytes: Uint8Array }
  /** A whole journal record numbered `dSeq` after the next one, timed now. */
  | { readonly t: 'record'; readonly dSeq: number; readonly type: number; readonly len: number }
  | { readonly t: 'value'; readonly key: number; readonly len: number }
  | { readonly t: 'commit'; readonly hcrc: number; readonly v1: boolean }
  | { readonly t: 'region'; readonly store: boolean; readonly v1: boolean }
  | { readonly t: 'run'; readonly byte: 0 | 0xff; readonly n: number }
  | { readonly t: 'magic'; readonly kind: number; readonly len: number };

export const part: fc.Arbitrary<Part> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 12 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('record' as const), dSeq: fc.integer({ min: 0, max: 3 }), type: fc.integer({ min: 0, max: 255 }), len: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('value' as const), key: fc.integer({ min: 0, max: 7 }), len: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('commit' as const), hcrc: fc.nat(), v1: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('region' as const), store: fc.boolean(), v1: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('run' as const), byte: fc.constantFrom(0 as const, 0xff as const), n: fc.integer({ min: 1, max: 24 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('magic' as const), kind: fc.integer({ min: 1, max: 5 }), len: fc.integer({ min: 0, max: 64 }) }) },
);

export const parts: fc.Arbitrary<Part[]> = fc.array(part, { maxLength: 6 });

/** What a forged entry should look like to be as plausible as possible right now. */
export interface ForgeContext {
  readonly nextSeq: number;
  readonly at: number;
}

/** The payload the parts describe, at most `max` bytes. */
export function materialise(ps: readonly Part[], ctx: ForgeContext, max: number): Uint8Array {
  const out: number[] = [];
  for (const p of ps) {
    if (p.t === 'random') out.push(...p.bytes);
    else if (p.t === 'record') {
      const hi = Math.floor(ctx.at / 2 ** 32);
      const inner = new Uint8Array(p.len).map((_, i) => (i * 37 + p.dSeq) & 0xff);
      out.push(...entryImage(KIND_RECORD, ctx.nextSeq + p.dSeq, ctx.at >>> 0, (hi | (p.type << 16)) >>> 0, inner));
    } else if (p.t === 'value') out.push(...entryImage(KIND_VALUE, p.key, 0, 0, new Uint8Array(p.len).fill(0x5a)));
    else if (p.t === 'commit') out.push(...u32(p.v1 ? V1_COMMIT : commitWord(p.hcrc)));
    else if (p.t === 'region') {
      const magic = p.v1 ? JOURNAL_MAGIC_V1 : p.store ? STORE_MAGIC : JOURNAL_MAGIC;
      out.push(...regionImage(magic, 0x7fff_0000, ctx.nextSeq, ctx.nextSeq - 1));
    } else if (p.t === 'run') for (let i = 0; i < p.n; i++) out.push(p.byte);
    else out.push(0xe5, p.kind, p.len & 0xff, p.len >>> 8);
    if (out.length >= max) break;
  }
  return Uint8Array.from(out.slice(0, max));
}

/** A fixed structure-like payload for scripted runs: a whole record numbered `seq`, commit words, a header. */
export function forgedPayload(seq: number, at: number, max: number): Uint8Array {
  return materialise(
    [
      { t: 'record', dSeq: 0, type: 7, len: 4 },
      { t: 'commit', hcrc: seq, v1: true },
      { t: 'magic', kind: 1, len: 8 },
      { t: 'region', store: false, v1: false },
    ],
    { nextSeq: seq, at },
    max,
  );
}
