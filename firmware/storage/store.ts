// The state store: small numbered keys holding opaque byte values (configuration, keys, the work order, slot
// states, reel MSD snapshots), each update atomic across power cuts.
//
// Two banks of equal size, each a run of sectors. The active bank is a log: an update appends one entry
// (KIND_VALUE {a = key}, payload = the whole value; KIND_DELETE; KIND_POISON for a value flash destroyed), and
// the last entry for a key wins. A value is whole or absent, since an entry counts only once its CRC matches.
// When the active bank is full, compaction erases the other bank, copies the live entries into it and only then
// writes its header with the next generation: that header is the commit, so a cut anywhere during compaction
// leaves the old bank in charge. Banks alternate, so every sector is erased equally often: wear levelling by
// construction. RAM: one offset and one length per key.
import type { ReasonName } from '../../protocol/src/reasons';
import type { Flash } from '../platform/hal';
import {
  HEADER_INVALID,
  HEADER_VALID,
  KIND_DELETE,
  KIND_POISON,
  KIND_VALUE,
  LogIO,
  SCAN_BAD,
  entrySize,
  fail,
  NoiseMeter,
  recoverTail,
  regionHeaderBytes,
  unitFor,
  verifyFailed,
  type EntryFields,
  type Failure,
  type RegionRead,
} from './log';

const STORE_MAGIC = 0x32535757; // "WWS2": on-flash format 2
const STORE_MAGIC_V1 = 0x31535757; // "WWS1": refused, never read as format 2
export const DEFAULT_MAX_KEYS = 64;
export const DEFAULT_MAX_VALUE = 10 * 1024;
/** Poison marker for damage that cannot be tied to one key. */
const ANY_KEY = 0xffffffff;
const MAX_REPORTED_KEYS = 16;

export interface StoreOptions {
  readonly firstSector?: number;
  /** Sectors for both banks together: an even number, at least 2. */
  readonly sectorCount: number;
  readonly maxKeys?: number;
  readonly maxValueBytes?: number;
}

export interface StoreMountReport {
  /** STORE_CORRUPT when any value was lost to flash damage; the station must boot fail-safe. */
  readonly reasons: readonly ReasonName[];
  /** Keys whose latest value is destroyed (first MAX_REPORTED_KEYS). */
  readonly corruptKeys: readonly number[];
  /** Damage that could not be tied to a key: any value may be stale. */
  readonly unknownCorruption: boolean;
  /** A cut update was found at the tail and discarded; the key kept its previous value. */
  readonly tornTail: boolean;
  /** The store was empty and has been formatted. */
  readonly formatted: boolean;
}

export interface StoreStatus {
  readonly generation: number;
  readonly keys: number;
  readonly liveBytes: number;
  readonly capacityBytes: number;
  readonly corruptKeys: number;
  readonly unknownCorruption: boolean;
  /** Set while any value is known to be damaged: the station stays fail-safe until the host rewrites it. */
  readonly failSafe?: 'STORE_CORRUPT';
}

export type StoreMountResult = { readonly ok: true; readonly store: StateStore; readonly report: StoreMountReport } | Failure;
export type GetResult = { readonly ok: true; readonly value: Uint8Array | undefined } | Failure;
export type SetResult = { readonly ok: true } | Failure;

export class StateStore {
  private readonly io: LogIO;
  private readonly first: number;
  private readonly perBank: number;
  private readonly sectorSize: number;
  private readonly dataStart: number;
  private readonly maxKeys: number;
  private readonly maxValue: number;
  private loc: Int32Array;
  private spare: Int32Array;
  private readonly lens: Uint32Array;
  private readonly poison: Uint8Array;
  /** Keys whose poison flag is set (kept with the flags, so the fail-safe check needs no scan). */
  private poisoned = 0;
  private readonly f: EntryFields = { kind: 0, len: 0, a: 0, b: 0, c: 0, hcrc: 0 };
  /** Flash bytes of an entry with no payload (a delete or poison marker). */
  private readonly emptyEntry: number;
  /** Bytes the keys' live entries take, kept up to date by setSlot so that an update does not sum every key. */
  private keyBytes = 0;
  private active = 0;
  private generation = 0;
  private end = 0;
  private unknownCorrupt = false;

  private constructor(flash: Flash, first: number, perBank: number, maxKeys: number, maxValue: number) {
    this.io = new LogIO(flash);
    this.first = first;
    this.perBank = perBank;
    this.sectorSize = flash.geometry.sectorSize;
    this.dataStart = regionHeaderBytes(this.io.w);
    this.emptyEntry = entrySize(0, this.io.w);
    this.maxKeys = maxKeys;
    this.maxValue = maxValue;
    this.loc = new Int32Array(maxKeys).fill(-1);
    this.spare = new Int32Array(maxKeys).fill(-1);
    this.lens = new Uint32Array(maxKeys);
    this.poison = new Uint8Array(maxKeys);
  }

  private static configure(flash: Flash, opts: StoreOptions): StateStore | Failure {
    const { sectorSize, sectorCount } = flash.geometry;
    const first = opts.firstSector ?? 0;
    const n = opts.sectorCount;
    const maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
    const w = unitFor(flash.geometry, 'store');
    if (typeof w === 'object') return w;
    if (!Number.isInteger(first) || !Number.isInteger(n) || first < 0 || n < 2 || n % 2 !== 0 || first + n > sectorCount) {
      return fail('INTERNAL_ERROR', 'store: needs an even number (≥ 2) of sectors inside the flash');
    }
    if (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > 0xffff) return fail('INTERNAL_ERROR', 'store: maxKeys must be 1..65535');
    const cap = (n / 2) * sectorSize - regionHeaderBytes(w);
    const maxValue = opts.maxValueBytes ?? Math.min(DEFAULT_MAX_VALUE, Math.floor((cap * 3) / 4));
    if (!Number.isInteger(maxValue) || maxValue < 0 || maxValue > 0xffff || entrySize(maxValue, w) > cap) {
      return fail('INTERNAL_ERROR', 'store: maxValueBytes does not fit a bank');
    }
    return new StateStore(flash, first, n / 2, maxKeys, maxValue);
  }

  /**
   * Recovers the store: the newest bank, its values, a cut update discarded. Refuses (typed failure, nothing
   * written) a partition of an older format (STORAGE_FORMAT_OLD), one under flash encryption
   * (FLASH_ENCRYPTED) and foreign data (STORAGE_UNRECOGNISED).
   */
  static mount(flash: Flash, opts: StoreOptions): StoreMountResult {
    const st = StateStore.configure(flash, opts);
    if (!(st instanceof StateStore)) return st;
    const r = st.recover();
    return 'ok' in r ? r : { ok: true, store: st, report: r };
  }

  /** Starts an empty store on the partition, whatever it held: the deliberate way out of a refused mount. */
  static format(flash: Flash, opts: StoreOptions): StoreMountResult {
    const st = StateStore.configure(flash, opts);
    if (!(st instanceof StateStore)) return st;
    // Both old headers go first, so that a cut format leaves nothing that could be taken for a bank.
    const e = st.io.zeroRegionHeader(st.bankBase(0)) ?? st.io.zeroRegionHeader(st.bankBase(1)) ?? st.formatBank(0, 1);
    if (e) return e;
    return StateStore.mount(flash, opts);
  }

  private bankBase(b: number): number {
    return (this.first + b * this.perBank) * this.sectorSize;
  }

  private get bankBytes(): number {
    return this.perBank * this.sectorSize;
  }

  private get capacity(): number {
    return this.bankBytes - this.dataStart;
  }

  private recover(): StoreMountReport | Failure {
    const reads: RegionRead[] = [];
    let best = -1;
    for (let b = 0; b < 2; b++) {
      const r = this.io.readRegionHeader(this.bankBase(b), STORE_MAGIC, STORE_MAGIC_V1);
      if ('ok' in r) return r;
      reads.push(r);
      if (r.header !== undefined && (best < 0 || r.header.epoch > this.generation)) {
        best = b;
        this.generation = r.header.epoch;
      }
    }
    if (best < 0) return this.unformatted(reads);
    this.active = best;
    // The other bank is where a cut compaction or format would have landed. If its header does not read valid
    // now, zero it, so that a header a cut left weak never reads valid later and brings that bank in.
    if (reads[1 - best]!.header === undefined) {
      const e = this.io.zeroRegionHeader(this.bankBase(1 - best));
      if (e) return e;
    }
    const solid = this.io.solidifyRegionHeader(this.bankBase(best), STORE_MAGIC, reads[best]!.header!);
    if (typeof solid === 'object') return solid;

    const base = this.bankBase(best);
    // One pass over the active bank recovers its tail and builds the index: the last entry for a key wins.
    const tail = recoverTail(this.io, base + this.dataStart, base + this.bankBytes, this.maxValue, (step, at, f) => {
      const { kind, a, len } = f;
      if (step === SCAN_BAD) {
        this.damage(a); // a value that was whole once (or whose cut could not be told apart from damage)
        return;
      }
      if (a >= this.maxKeys || (kind !== KIND_VALUE && kind !== KIND_DELETE && kind !== KIND_POISON)) {
        this.unknownCorrupt = true; // a foreign entry, or the any-key poison marker
        return;
      }
      this.setSlot(a, kind === KIND_POISON ? 1 : 0, kind === KIND_VALUE ? at : -1, kind === KIND_VALUE ? len : 0);
    });
    if ('ok' in tail) return tail;
    // Damage a cut cannot explain ends the chain: updates after it are unreadable, so any value may be stale.
    if (tail.closed !== 'no') this.unknownCorrupt = true;
    this.end = tail.resume;
    if (!solid) {
      // The active bank kept a header copy that cannot be repaired in place (a flipped bit): one more flip
      // would silently bring back the older bank. Commit the same contents to the other bank, with both copies.
      const e = this.compact();
      if (e) return e;
    }
    const corruptKeys: number[] = [];
    for (let k = 0; k < this.maxKeys && corruptKeys.length < MAX_REPORTED_KEYS; k++) if (this.poison[k]) corruptKeys.push(k);
    const bad = corruptKeys.length > 0 || this.unknownCorrupt;
    return { reasons: bad ? ['STORE_CORRUPT'] : [], corruptKeys, unknownCorruption: this.unknownCorrupt, tornTail: tail.torn, formatted: false };
  }

  /** Bytes key `k`'s live entry takes in a bank: its value, a poison marker, or nothing. */
  private slotBytes(k: number): number {
    return this.poison[k] ? this.emptyEntry : this.loc[k]! >= 0 ? entrySize(this.lens[k]!, this.io.w) : 0;
  }

  private setSlot(k: number, poison: number, at: number, len: number): void {
    this.keyBytes -= this.slotBytes(k);
    this.poisoned += (poison ? 1 : 0) - (this.poison[k] ? 1 : 0);
    this.poison[k] = poison;
    this.loc[k] = at;
    this.lens[k] = len;
    this.keyBytes += this.slotBytes(k);
  }

  private damage(key: number): void {
    if (key >= 0 && key < this.maxKeys) {
      this.setSlot(key, 1, -1, this.lens[key]!);
    } else {
      this.unknownCorrupt = true;
    }
  }

  /** No bank has a valid header: a new store, an older format, foreign data, encryption, or destroyed headers. */
  private unformatted(reads: readonly RegionRead[]): StoreMountReport | Failure {
    if (reads.some((r) => r.old)) {
      return fail('STORAGE_FORMAT_OLD', 'store: the partition holds on-flash format 1; read it out with the firmware that wrote it, then StateStore.format()');
    }
    const b = new Uint8Array(256);
    let used = false;
    let ours = false;
    const noise = new NoiseMeter();
    for (let k = 0; k < 2; k++) {
      const base = this.bankBase(k);
      const zeroed = this.io.allAre(base, base + this.dataStart, 0);
      if (typeof zeroed === 'object') return zeroed;
      if (zeroed) ours = true; // a header area this format zeroed
      const h = this.io.readEntryHeader(base + this.dataStart, base + this.bankBytes, this.maxValue, this.f);
      if (typeof h === 'object') return h;
      if (h !== HEADER_INVALID) ours = true;
      const blank = this.io.erased(base + this.dataStart, base + this.bankBytes);
      if (typeof blank === 'object') return blank;
      if (!blank) used = true;
      for (let at = base + this.dataStart; at < base + this.bankBytes; at += b.length) {
        const n = Math.min(b.length, base + this.bankBytes - at);
        const e = this.io.read(at, b, 0, n);
        if (e) return e;
        noise.add(b, 0, n);
      }
    }
    if (used && !ours) {
      if (noise.noise) {
        return fail('FLASH_ENCRYPTED', 'store: the partition reads as noise (flash encryption makes erased flash read that way); use an unencrypted data partition');
      }
      return fail('STORAGE_UNRECOGNISED', 'store: the partition holds data that is not a state store; nothing was changed. Check the partition table, then StateStore.format()');
    }
    const e = this.formatBank(0, 1);
    if (e) return e;
    if (used) {
      // Values were stored and are unreadable now: stay fail-safe, across reboots too, until format().
      const p = this.io.writeEntry(this.end, KIND_POISON, ANY_KEY, 0, 0, EMPTY, 0, 0);
      if (p) return p;
      this.end += this.emptyEntry;
      this.unknownCorrupt = true;
    }
    return { reasons: used ? ['STORE_CORRUPT'] : [], corruptKeys: [], unknownCorruption: used, tornTail: false, formatted: true };
  }

  private eraseBank(b: number): Failure | undefined {
    for (let s = 0; s < this.perBank; s++) {
      const e = this.io.erase(this.first + b * this.perBank + s);
      if (e) return e;
    }
    return undefined;
  }

  private formatBank(b: number, generation: number): Failure | undefined {
    const base = this.bankBase(b);
    const blank = this.io.allAre(base, base + this.bankBytes, 0xff);
    if (typeof blank === 'object') return blank;
    if (!blank) {
      const e = this.eraseBank(b);
      if (e) return e;
    }
    const e = this.io.writeRegionHeader(base, STORE_MAGIC, generation, 0, 0);
    if (e) return e;
    this.active = b;
    this.generation = generation;
    this.end = base + this.dataStart;
    this.unknownCorrupt = false;
    return undefined;
  }

  /** Erases everything and starts empty: the way out of unknown corruption, after which the host re-provisions. */
  format(): SetResult {
    const target = 1 - this.active;
    const e = this.formatBank(target, this.generation + 1);
    if (e) return e;
    this.loc.fill(-1);
    this.lens.fill(0);
    this.poison.fill(0);
    this.poisoned = 0;
    this.keyBytes = 0;
    return OK;
  }

  private checkKey(key: number): Failure | undefined {
    return Number.isInteger(key) && key >= 0 && key < this.maxKeys ? undefined : fail('FIELD_OUT_OF_RANGE', `key must be 0..${this.maxKeys - 1}`);
  }

  /** Bytes the live entries take; compaction copies exactly these. */
  private liveBytes(): number {
    return this.keyBytes + (this.unknownCorrupt ? this.emptyEntry : 0);
  }

  /** The value under `key`, or undefined when none was ever set (or it was deleted). */
  get(key: number): GetResult {
    const bad = this.checkKey(key);
    if (bad) return bad;
    if (this.poison[key]) return fail('STORE_CORRUPT', `the value of key ${key} was destroyed by flash damage`);
    const at = this.loc[key]!;
    if (at < 0) return { ok: true, value: undefined };
    const value = new Uint8Array(this.lens[key]!);
    const h = this.io.readEntryHeader(at, at + entrySize(value.length, this.io.w), this.maxValue, this.f);
    if (typeof h === 'object') return h;
    const body = h === HEADER_VALID ? this.io.bodyOk(at, this.f, value) : false;
    if (typeof body === 'object') return body;
    if (!body || this.f.a !== key || this.f.len !== value.length) {
      this.damage(key);
      return fail('STORE_CORRUPT', `the value of key ${key} failed its check`);
    }
    return { ok: true, value };
  }

  /** Replaces the value under `key`; `ok` means a reboot will see the new value, and before it only the old. */
  set(key: number, value: Uint8Array): SetResult {
    const bad = this.checkKey(key);
    if (bad) return bad;
    if (value.length > this.maxValue) return fail('LIMIT_EXCEEDED', `value over ${this.maxValue} bytes`);
    return this.append(KIND_VALUE, key, value);
  }

  delete(key: number): SetResult {
    const bad = this.checkKey(key);
    if (bad) return bad;
    if (this.loc[key]! < 0 && !this.poison[key]) return OK;
    return this.append(KIND_DELETE, key, EMPTY);
  }

  private append(kind: number, key: number, value: Uint8Array): SetResult {
    const need = entrySize(value.length, this.io.w);
    // Compaction writes the new value in place of the old one, so only the live set after the update must fit.
    if (this.liveBytes() - this.slotBytes(key) + (kind === KIND_VALUE ? need : 0) > this.capacity) {
      return fail('STORE_FULL', 'the live values would exceed a bank');
    }
    const bankEnd = this.bankBase(this.active) + this.bankBytes;
    const at = this.io.prepare(this.end, need, bankEnd);
    if (typeof at === 'object') return at;
    if (at === bankEnd) {
      const e = this.compact(kind, key, value);
      return e ?? OK;
    }
    this.end = at;
    const e = this.io.writeEntry(at, kind, key, 0, 0, value, 0, value.length);
    if (e) {
      // A write that did not verify becomes padding, so it can never be read back as a value; where even that
      // will not take, the rest of the bank is given up (the next update compacts).
      const z = this.io.zeroEntry(at, at + need);
      if (z === undefined) this.end += need;
      else if (verifyFailed(z)) this.end = bankEnd;
      return e;
    }
    this.end += need;
    this.index(key, kind === KIND_VALUE ? at : -1, value.length);
    return OK;
  }

  private index(key: number, at: number, len: number): void {
    this.setSlot(key, 0, at, at >= 0 ? len : 0);
  }

  /**
   * Copies the live entries into the other bank, with the pending update (if any) in place of its key's old
   * entry, and commits the bank by writing its header last. Before that header, a cut leaves the old bank in
   * charge with the old value; after it, the new bank with the new value.
   */
  compact(kind = 0, key = -1, value: Uint8Array = EMPTY): Failure | undefined {
    const target = 1 - this.active;
    const base = this.bankBase(target);
    const erased = this.eraseBank(target);
    if (erased) return erased;
    let pos = base + this.dataStart;
    const next = this.spare.fill(-1);
    for (let k = 0; k < this.maxKeys; k++) {
      if (k === key) continue;
      const at = this.loc[k]!;
      if (at >= 0 && !this.poison[k]) {
        const size = entrySize(this.lens[k]!, this.io.w);
        const h = this.io.readEntryHeader(at, at + size, this.maxValue, this.f);
        if (typeof h === 'object') return h;
        const body = h === HEADER_VALID ? this.io.bodyOk(at, this.f, undefined) : false;
        if (typeof body === 'object') return body;
        if (body && this.f.a === k) {
          const e = this.io.copy(at, pos, size);
          if (e) return e;
          next[k] = pos;
          pos += size;
          continue;
        }
        this.damage(k); // destroyed since mount: carry the poison, never an older value
      }
      if (this.poison[k]) {
        const e = this.io.writeEntry(pos, KIND_POISON, k, 0, 0, EMPTY, 0, 0);
        if (e) return e;
        pos += this.emptyEntry;
      }
    }
    if (this.unknownCorrupt) {
      const e = this.io.writeEntry(pos, KIND_POISON, ANY_KEY, 0, 0, EMPTY, 0, 0);
      if (e) return e;
      pos += this.emptyEntry;
    }
    let placed = -1;
    if (kind === KIND_VALUE) {
      const e = this.io.writeEntry(pos, KIND_VALUE, key, 0, 0, value, 0, value.length);
      if (e) return e;
      placed = pos;
      pos += entrySize(value.length, this.io.w);
    }
    const e = this.io.writeRegionHeader(base, STORE_MAGIC, this.generation + 1, 0, 0);
    if (e) return e;
    if (key >= 0) {
      // Indexed before the swap, so that the live-byte count gives up the key's old entry.
      this.index(key, placed, value.length);
      next[key] = placed;
    }
    this.spare = this.loc;
    this.loc = next;
    this.active = target;
    this.generation++;
    this.end = pos;
    return undefined;
  }

  /** STORE_CORRUPT when a value was destroyed or corruption could not be placed: `status().failSafe`, without the scan. */
  failSafe(): 'STORE_CORRUPT' | undefined {
    return this.poisoned > 0 || this.unknownCorrupt ? 'STORE_CORRUPT' : undefined;
  }

  status(): StoreStatus {
    let keys = 0;
    let corrupt = 0;
    for (let k = 0; k < this.maxKeys; k++) {
      if (this.loc[k]! >= 0) keys++;
      if (this.poison[k]) corrupt++;
    }
    const base = {
      generation: this.generation,
      keys,
      liveBytes: this.liveBytes(),
      capacityBytes: this.capacity,
      corruptKeys: corrupt,
      unknownCorruption: this.unknownCorrupt,
    };
    return corrupt > 0 || this.unknownCorrupt ? { ...base, failSafe: 'STORE_CORRUPT' } : base;
  }
}

const OK: SetResult = { ok: true };
const EMPTY = new Uint8Array(0);
