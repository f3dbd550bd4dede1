// Bounded, validating field schemas: the one description of every message's bytes (messages.ts builds on them).
// A station must refuse a value out of its range with a reason, so every leaf checks its range on write and on
// read, carries its wire description for the generated docs, and fails with a FieldError naming the field.
import { Measurer, MaxValue, type ByteSink, type ByteSource } from './binary';
import { Reason, REASONS, reasonName, type ReasonCode, type ReasonName } from './reasons';
import { utf8Decode, utf8Length, utf8Write } from './utf8';

/** A value that fails its schema. Thrown inside codecs, turned into a typed rejection at the codec boundary. */
export class FieldError extends Error {
  readonly reason: ReasonCode;
  readonly path: string;
  constructor(reason: ReasonCode, path: string, detail: string) {
    super(path === '' ? detail : `${path}: ${detail}`);
    this.reason = reason;
    this.path = path;
  }
  /** The same error, one level deeper in the path. */
  within(name: string): FieldError {
    return new FieldError(this.reason, this.path === '' ? name : `${name}.${this.path}`, this.detailText());
  }
  private detailText(): string {
    return this.path === '' ? this.message : this.message.slice(this.path.length + 2);
  }
}

/** Every schema of the protocol can describe itself for PROTOCOL.md. */
export abstract class Field<T> {
  /** The value type, for `Infer` (types only: nothing at run time). */
  declare readonly __unwrapped: T;
  abstract write(out: ByteSink, v: T): void;
  abstract read(inp: ByteSource): T;
  abstract measure(v: T | MaxValue, m?: Measurer): Measurer;
  /** Wire layout, e.g. `u16`, `str ≤ 40 B`. */
  abstract readonly wire: string;
  /** What the field means, for the generated docs. */
  meaning = '';
  about(meaning: string): this {
    this.meaning = meaning;
    return this;
  }
}

/** The value type a schema describes. */
export type Infer<S extends Field<unknown>> = S['__unwrapped'];

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
export { hasOwn };

function outOfRange(detail: string): FieldError {
  return new FieldError(Reason.FIELD_OUT_OF_RANGE, '', detail);
}

export class UIntField extends Field<number> {
  readonly wire: string;
  constructor(
    readonly size: 1 | 2 | 4,
    readonly max: number,
    readonly unit: string,
  ) {
    super();
    // A schema maximum below the type's own range is part of the wire contract (e.g. a 4-bit minor in a u8).
    const full = size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
    this.wire = max < full ? `u${size * 8} ≤ ${max}` : `u${size * 8}`;
  }
  write(out: ByteSink, v: number): void {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > this.max) {
      throw outOfRange(`expected an integer 0..${this.max}, got ${String(v)}`);
    }
    if (this.size === 1) out.writeUint8(v);
    else if (this.size === 2) out.writeUint16(v);
    else out.writeUint32(v);
  }
  read(inp: ByteSource): number {
    const v = this.size === 1 ? inp.readUint8() : this.size === 2 ? inp.readUint16() : inp.readUint32();
    if (v > this.max) throw outOfRange(`${v} exceeds ${this.max}`);
    return v;
  }
  measure(_: number | MaxValue, m: Measurer = new Measurer()): Measurer {
    return m.add(this.size);
  }
}

/** A decimal quantity carried as a scaled integer (e.g. 25.3 °C as i16 253). */
export class ScaledField extends Field<number> {
  readonly wire: string;
  /** Smallest and largest raw (scaled) values. */
  readonly lo: number;
  readonly hi: number;
  constructor(
    readonly signed: boolean,
    readonly size: 2 | 4,
    readonly scale: number,
    readonly unit: string,
  ) {
    super();
    const bits = size * 8;
    this.lo = signed ? -(2 ** (bits - 1)) : 0;
    this.hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    this.wire = `${signed ? 'i' : 'u'}${bits} ×${scale}`;
  }
  write(out: ByteSink, v: number): void {
    const raw = typeof v === 'number' ? Math.round(v * this.scale) : NaN;
    if (!Number.isFinite(raw) || Math.abs(raw - v * this.scale) > 1e-6 || raw < this.lo || raw > this.hi) {
      throw outOfRange(`${String(v)} is not a multiple of 1/${this.scale} in ${this.lo / this.scale}..${this.hi / this.scale}`);
    }
    if (this.size === 2) {
      if (this.signed) out.writeInt16(raw);
      else out.writeUint16(raw);
    } else if (this.signed) out.writeInt32(raw);
    else out.writeUint32(raw);
  }
  read(inp: ByteSource): number {
    const raw =
      this.size === 2
        ? this.signed
          ? inp.readInt16()
          : inp.readUint16()
        : this.signed
          ? inp.readInt32()
          : inp.readUint32();
    return raw / this.scale;
  }
  measure(_: number | MaxValue, m: Measurer = new Measurer()): Measurer {
    return m.add(this.size);
  }
}

export class BoolField extends Field<boolean> {
  readonly wire = 'u8 (0 or 1)';
  write(out: ByteSink, v: boolean): void {
    if (typeof v !== 'boolean') throw outOfRange(`expected a boolean, got ${String(v)}`);
    out.writeUint8(v ? 1 : 0);
  }
  read(inp: ByteSource): boolean {
    const b = inp.readUint8();
    if (b > 1) throw outOfRange(`boolean byte ${b}`);
    return b === 1;
  }
  measure(_: boolean | MaxValue, m: Measurer = new Measurer()): Measurer {
    return m.add(1);
  }
}

/** UTF-8 text with a u8 byte-length prefix and a hard maximum. */
export class StrField extends Field<string> {
  readonly wire: string;
  constructor(readonly maxBytes: number) {
    super();
    if (maxBytes > 255) throw new Error('str maximum is 255 bytes');
    this.wire = `str ≤ ${maxBytes} B`;
  }
  write(out: ByteSink, v: string): void {
    if (typeof v !== 'string') throw outOfRange(`expected a string, got ${String(v)}`);
    const n = utf8Length(v);
    if (n > this.maxBytes) throw outOfRange(`text is ${n} bytes, maximum ${this.maxBytes}`);
    out.writeUint8(n);
    utf8Write(v, (b) => out.writeUint8(b));
  }
  read(inp: ByteSource): string {
    const n = inp.readUint8();
    if (n > this.maxBytes) throw outOfRange(`text is ${n} bytes, maximum ${this.maxBytes}`);
    const s = utf8Decode(inp.readView(n));
    if (s === undefined) throw new FieldError(Reason.BAD_UTF8, '', 'text is not valid UTF-8');
    return s;
  }
  measure(v: string | MaxValue, m: Measurer = new Measurer()): Measurer {
    return m.add(1 + (v === MaxValue ? this.maxBytes : utf8Length(v)));
  }
}

/** Opaque bytes with a u8 (≤ 255) or u16 length prefix and a hard maximum. */
export class BytesField extends Field<Uint8Array> {
  readonly wire: string;
  private readonly prefix: 1 | 2;
  constructor(readonly maxBytes: number) {
    super();
    this.prefix = maxBytes > 255 ? 2 : 1;
    this.wire = `bytes ≤ ${maxBytes} B (u${this.prefix * 8} length)`;
  }
  write(out: ByteSink, v: Uint8Array): void {
    if (!(v instanceof Uint8Array)) throw outOfRange('expected bytes');
    if (v.length > this.maxBytes) throw outOfRange(`${v.length} bytes, maximum ${this.maxBytes}`);
    if (this.prefix === 1) out.writeUint8(v.length);
    else out.writeUint16(v.length);
    for (let i = 0; i < v.length; i++) out.writeUint8(v[i]!);
  }
  read(inp: ByteSource): Uint8Array {
    const n = this.prefix === 1 ? inp.readUint8() : inp.readUint16();
    if (n > this.maxBytes) throw outOfRange(`${n} bytes, maximum ${this.maxBytes}`);
    return inp.readView(n).slice();
  }
  measure(v: Uint8Array | MaxValue, m: Measurer = new Measurer()): Measurer {
    return m.add(this.prefix + (v === MaxValue ? this.maxBytes : v.length));
  }
}

/** A closed set of names carried as their u8 index. The names are the TypeScript type. */
export class EnumField<V extends string> extends Field<V> {
  readonly wire = 'u8 enum';
  constructor(readonly values: readonly V[]) {
    super();
    if (values.length > 256) throw new Error('enum has more than 256 values');
  }
  write(out: ByteSink, v: V): void {
    const i = this.values.indexOf(v as V);
    if (i < 0) throw outOfRange(`${String(v)} is not one of ${this.values.join('|')}`);
    out.writeUint8(i);
  }
  read(inp: ByteSource): V {
    const i = inp.readUint8();
    const v = this.values[i];
    if (v === undefined) throw outOfRange(`enum index ${i} is undefined`);
    return v as V;
  }
  measure(_: V | MaxValue, m: Measurer = new Measurer()): Measurer {
    return m.add(1);
  }
}

/** A field that may be absent: a presence byte (0 or 1), then the value. */
export class OptField<T> extends Field<T | undefined> {
  readonly wire: string;
  /** Brand: makes the struct key optional (structural typing alone would match ListField too). */
  readonly optional = true as const;
  constructor(readonly inner: Field<T>) {
    super();
    this.wire = `opt ${inner.wire}`;
  }
  write(out: ByteSink, v: T | undefined): void {
    if (v === undefined) {
      out.writeUint8(0);
      return;
    }
    out.writeUint8(1);
    this.inner.write(out, v);
  }
  read(inp: ByteSource): T | undefined {
    const flag = inp.readUint8();
    if (flag > 1) throw outOfRange(`presence byte ${flag}`);
    return flag === 1 ? this.inner.read(inp) : undefined;
  }
  measure(v: T | undefined | MaxValue, m: Measurer = new Measurer()): Measurer {
    m.add(1);
    if (v !== undefined) this.inner.measure(v, m);
    return m;
  }
}

/** A list with a u8 count and a hard maximum. */
export class ListField<T> extends Field<T[]> {
  readonly wire: string;
  constructor(
    readonly inner: Field<T>,
    readonly maxItems: number,
  ) {
    super();
    if (maxItems > 255) throw new Error('list maximum is 255 items');
    this.wire = `list ≤ ${maxItems} (u8 count)`;
  }
  write(out: ByteSink, v: T[]): void {
    if (!Array.isArray(v)) throw outOfRange('expected a list');
    if (v.length > this.maxItems) throw outOfRange(`${v.length} items, maximum ${this.maxItems}`);
    out.writeUint8(v.length);
    for (let i = 0; i < v.length; i++) {
      try {
        this.inner.write(out, v[i] as T);
      } catch (e) {
        throw e instanceof FieldError ? e.within(`[${i}]`) : e;
      }
    }
  }
  read(inp: ByteSource): T[] {
    const n = inp.readUint8();
    if (n > this.maxItems) throw outOfRange(`${n} items, maximum ${this.maxItems}`);
    const items: T[] = [];
    for (let i = 0; i < n; i++) {
      try {
        items.push(this.inner.read(inp));
      } catch (e) {
        throw e instanceof FieldError ? e.within(`[${i}]`) : e;
      }
    }
    return items;
  }
  measure(v: T[] | MaxValue, m: Measurer = new Measurer()): Measurer {
    m.add(1);
    if (v === MaxValue) {
      const one = this.inner.measure(MaxValue).size;
      return m.add(one * this.maxItems);
    }
    for (const item of v) this.inner.measure(item, m);
    return m;
  }
}

/** A reason code: u16 on the wire, its name in TypeScript and JSON. Unknown numbers are refused. */
export class ReasonField extends Field<ReasonName> {
  readonly wire = 'u16 reason';
  write(out: ByteSink, v: ReasonName): void {
    // Own keys only: `REASONS['toString']` would find Object.prototype and be sent as code 0 (OK).
    const def = typeof v === 'string' && hasOwn(REASONS, v) ? (REASONS as Record<string, { code: number }>)[v] : undefined;
    if (def === undefined) throw outOfRange(`${String(v)} is not a reason name`);
    out.writeUint16(def.code);
  }
  read(inp: ByteSource): ReasonName {
    const code = inp.readUint16();
    const name = reasonName(code);
    if (name === undefined) throw outOfRange(`reason code ${code} is undefined`);
    return name;
  }
  measure(_: ReasonName | MaxValue, m: Measurer = new Measurer()): Measurer {
    return m.add(2);
  }
}

/** A bit of a FlagsField that this version has no name for, kept as `bitN` so that it survives a round trip. */
export type UnknownFlag = `bit${number}`;

/**
 * A set of named bits in a u32. Bits this version does not name (capabilities of a newer peer) are kept as
 * `bitN`, so a decoded value re-encodes to the same bytes (canonical encoding); code that looks for a name it
 * knows is not disturbed by them. `bitN` for a bit that has a name is refused: each bit has one spelling.
 */
export class FlagsField<V extends string> extends Field<(V | UnknownFlag)[]> {
  readonly wire = 'u32 bit set';
  constructor(readonly names: readonly V[]) {
    super();
    if (names.length > 32) throw new Error('more than 32 flags');
  }
  private bitOf(name: unknown): number {
    const i = this.names.indexOf(name as V);
    if (i >= 0) return i;
    const m = typeof name === 'string' ? /^bit([0-9]|[12][0-9]|3[01])$/.exec(name) : null;
    const n = m === null ? -1 : Number(m[1]);
    if (n < this.names.length) throw outOfRange(`${String(name)} is not one of ${this.names.join('|')} or bitN for an unnamed bit ${this.names.length}..31`);
    return n;
  }
  write(out: ByteSink, v: (V | UnknownFlag)[]): void {
    if (!Array.isArray(v)) throw outOfRange('expected a list of flag names');
    let bits = 0;
    for (const name of v) bits |= 1 << this.bitOf(name);
    out.writeUint32(bits >>> 0);
  }
  read(inp: ByteSource): (V | UnknownFlag)[] {
    const bits = inp.readUint32();
    const out: (V | UnknownFlag)[] = [];
    for (let i = 0; i < 32; i++) {
      if (((bits >>> i) & 1) === 1) out.push(i < this.names.length ? this.names[i]! : (`bit${i}` as UnknownFlag));
    }
    return out as (V | UnknownFlag)[];
  }
  measure(_: (V | UnknownFlag)[] | MaxValue, m: Measurer = new Measurer()): Measurer {
    return m.add(4);
  }
}

/** Exactly `size` opaque bytes, no length prefix (nonces). */
export class FixedBytesField extends Field<Uint8Array> {
  readonly wire: string;
  constructor(readonly size: number) {
    super();
    this.wire = `bytes[${size}]`;
  }
  write(out: ByteSink, v: Uint8Array): void {
    if (!(v instanceof Uint8Array) || v.length !== this.size) throw outOfRange(`expected exactly ${this.size} bytes`);
    for (let i = 0; i < v.length; i++) out.writeUint8(v[i]!);
  }
  read(inp: ByteSource): Uint8Array {
    return inp.readView(this.size).slice();
  }
  measure(_: Uint8Array | MaxValue, m: Measurer = new Measurer()): Measurer {
    return m.add(this.size);
  }
}

type FieldMap = Record<string, Field<unknown>>;
type OptionalKeys<P extends FieldMap> = { [K in keyof P]: P[K] extends OptField<unknown> ? K : never }[keyof P];
type StructValue<P extends FieldMap> = {
  [K in Exclude<keyof P, OptionalKeys<P>>]: P[K]['__unwrapped'];
} & {
  [K in OptionalKeys<P>]?: Exclude<P[K]['__unwrapped'], undefined>;
};
type Flatten<T> = { [K in keyof T]: T[K] };

/** Fields in declaration order, no padding, no tags. Absent optional fields are absent keys, not `undefined`. */
export class StructField<P extends FieldMap> extends Field<Flatten<StructValue<P>>> {
  readonly wire = 'struct';
  constructor(readonly fields: P) {
    super();
  }
  write(out: ByteSink, v: Flatten<StructValue<P>>): void {
    if (typeof v !== 'object' || v === null) throw outOfRange('expected an object');
    const rec = v as Record<string, unknown>;
    for (const key of Object.keys(this.fields)) {
      try {
        (this.fields[key] as Field<unknown>).write(out, rec[key]);
      } catch (e) {
        throw e instanceof FieldError ? e.within(key) : e;
      }
    }
  }
  read(inp: ByteSource): Flatten<StructValue<P>> {
    const rec: Record<string, unknown> = {};
    for (const key of Object.keys(this.fields)) {
      let value: unknown;
      try {
        value = (this.fields[key] as Field<unknown>).read(inp);
      } catch (e) {
        throw e instanceof FieldError ? e.within(key) : e;
      }
      if (value !== undefined) rec[key] = value;
    }
    return rec as Flatten<StructValue<P>>;
  }
  measure(v: Flatten<StructValue<P>> | MaxValue, m: Measurer = new Measurer()): Measurer {
    const rec = v as Record<string, unknown>;
    for (const key of Object.keys(this.fields)) {
      (this.fields[key] as Field<unknown>).measure(v === MaxValue ? MaxValue : rec[key], m);
    }
    return m;
  }
}

// The vocabulary message schemas are written in.
export const f = {
  u8: (unit = '') => new UIntField(1, 0xff, unit),
  u16: (unit = '') => new UIntField(2, 0xffff, unit),
  u32: (unit = '') => new UIntField(4, 0xffffffff, unit),
  /** A u8 that holds 0..15 (a version nibble). */
  u4: () => new UIntField(1, 15, ''),
  /** Seconds since 1970-01-01T00:00:00Z, as u32 (good to 2106). */
  time: () => new UIntField(4, 0xffffffff, 'Unix time, s'),
  /** A duration in whole seconds. */
  seconds: () => new UIntField(4, 0xffffffff, 's'),
  /** Temperature in °C with 0.1 °C resolution (i16 × 10). */
  celsius: () => new ScaledField(true, 2, 10, '°C'),
  /** Relative humidity in % with 0.1 % resolution (u16 × 10). */
  percent: () => new ScaledField(false, 2, 10, '%'),
  /** A fraction 0..1 with 1e-4 resolution, stored as u16 × 10000 (≤ 6.5535 so overruns show). */
  fraction: () => new ScaledField(false, 2, 10000, 'fraction'),
  /** Millimetres with 0.01 mm resolution (u16 × 100). */
  mm: () => new ScaledField(false, 2, 100, 'mm'),
  bool: () => new BoolField(),
  str: (maxBytes: number) => new StrField(maxBytes),
  bytes: (maxBytes: number) => new BytesField(maxBytes),
  fixedBytes: (size: number) => new FixedBytesField(size),
  enum: <V extends string>(values: readonly V[]) => new EnumField<V>(values),
  opt: <T>(inner: Field<T>) => new OptField<T>(inner),
  list: <T>(inner: Field<T>, maxItems: number) => new ListField<T>(inner, maxItems),
  struct: <P extends FieldMap>(fields: P) => new StructField<P>(fields),
  reason: () => new ReasonField(),
  flags: <V extends string>(names: readonly V[]) => new FlagsField<V>(names),
};
