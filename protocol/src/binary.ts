// The bytes the message schemas (fields.ts) read and write: little-endian, bounds-checked by DataView (past either
// end is a RangeError, which the codec boundary in frame.ts turns into a typed rejection). This is all the protocol
// needs of a serialisation library, so it carries it itself: on a station every byte of code is flash.

/** Where the schemas write (typed-binary's BufferWriter is one too: protocol/test/typed-binary.property.test.ts). */
export interface ByteSink {
  writeUint8(v: number): void;
  writeUint16(v: number): void;
  writeInt16(v: number): void;
  writeUint32(v: number): void;
  writeInt32(v: number): void;
}

/** What the schemas read from. */
export interface ByteSource {
  /** Bytes read so far. */
  readonly offset: number;
  readUint8(): number;
  readUint16(): number;
  readInt16(): number;
  readUint32(): number;
  readInt32(): number;
  /** The next `n` bytes (a view or a copy: copy it to keep it). */
  readView(n: number): Uint8Array;
}

export class ByteWriter implements ByteSink {
  private readonly view: DataView;
  /** Bytes written so far. */
  offset = 0;
  constructor(buffer: ArrayBuffer) {
    this.view = new DataView(buffer);
  }
  writeUint8(v: number): void {
    this.view.setUint8(this.offset, v);
    this.offset += 1;
  }
  writeUint16(v: number): void {
    this.view.setUint16(this.offset, v, true);
    this.offset += 2;
  }
  writeInt16(v: number): void {
    this.view.setInt16(this.offset, v, true);
    this.offset += 2;
  }
  writeUint32(v: number): void {
    this.view.setUint32(this.offset, v, true);
    this.offset += 4;
  }
  writeInt32(v: number): void {
    this.view.setInt32(this.offset, v, true);
    this.offset += 4;
  }
}

export class ByteReader implements ByteSource {
  private readonly view: DataView;
  /** Bytes read so far. */
  offset = 0;
  /** Reads `bytes` (a view: nothing is copied, and nothing beyond it is ever read). */
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  readUint8(): number {
    const v = this.view.getUint8(this.offset);
    this.offset += 1;
    return v;
  }
  readUint16(): number {
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }
  readInt16(): number {
    const v = this.view.getInt16(this.offset, true);
    this.offset += 2;
    return v;
  }
  readUint32(): number {
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }
  readInt32(): number {
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }
  /** The next `n` bytes as a view into the input (copy it to keep it). */
  readView(n: number): Uint8Array {
    if (this.offset + n > this.bytes.length) throw new RangeError('read past the end');
    const v = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }
}

/** Stands for the largest value of a schema when measuring (for the generated docs' maximum sizes). */
export const MaxValue = Symbol('MaxValue');
export type MaxValue = typeof MaxValue;

/** Adds up a value's encoded size. */
export class Measurer {
  size = 0;
  add(bytes: number): this {
    this.size += bytes;
    return this;
  }
}
