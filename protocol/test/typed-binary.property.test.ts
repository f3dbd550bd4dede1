// typed-binary is the reference for the protocol's byte layer. The protocol was built on it; the station now carries
// its own little-endian reader and writer (src/binary.ts), because typed-binary costs a station 15 KiB of flash and
// about 4,200 XS slots (firmware/platform/moddable/README.md, "creation"). Driving the same field schemas through
// typed-binary's BufferWriter and BufferReader shows that the firmware's bytes are still those of the library: the
// same bytes written, the same values read, the same refusals, for every message and for arbitrary input.
import fc from 'fast-check';
import { BufferReader, BufferWriter } from 'typed-binary';
import { arbitraryMessage, MESSAGE_NAMES } from './arbitrary';
import { ByteReader, type ByteSource } from '../src/binary';
import { FieldError, type Field } from '../src/fields';
import { encodePayload } from '../src/frame';
import { MAX_PAYLOAD } from '../src/limits';
import { MESSAGES, type MessageName } from '../src/messages';

/** typed-binary's reader as the schemas' byte source. Its views are copies; ours are views of the input. */
class TypedBinarySource implements ByteSource {
  private readonly r: BufferReader;
  constructor(bytes: Uint8Array) {
    // A buffer of exactly the input: reading past its end is typed-binary's (DataView's) RangeError.
    this.r = new BufferReader(bytes.slice().buffer, { endianness: 'little' });
  }
  get offset(): number {
    return this.r.currentByteOffset;
  }
  readUint8(): number {
    return this.r.readUint8();
  }
  readUint16(): number {
    return this.r.readUint16();
  }
  readInt16(): number {
    return this.r.readInt16();
  }
  readUint32(): number {
    return this.r.readUint32();
  }
  readInt32(): number {
    return this.r.readInt32();
  }
  readView(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.r.readSlice(out, 0, n);
    return out;
  }
}

const schemaOf = (name: MessageName) => MESSAGES[name].schema as unknown as Field<unknown>;

/** What one reader made of a payload: the value and where it stopped, or the kind of refusal. */
function readWith(name: MessageName, source: ByteSource): { value: unknown; end: number } | { refused: string } {
  try {
    const value = schemaOf(name).read(source);
    return { value, end: source.offset };
  } catch (e) {
    if (e instanceof FieldError) return { refused: `${e.reason} ${e.message}` };
    // By name: typed arrays throw their own realm's RangeError, which is not jest's.
    if ((e as { name?: unknown } | null)?.name === 'RangeError') return { refused: 'ends early' };
    throw e;
  }
}

describe('the byte layer against typed-binary', () => {
  it('every message is written to the same bytes through typed-binary\'s BufferWriter', () => {
    fc.assert(
      fc.property(arbitraryMessage(), (m) => {
        const ours = encodePayload(m);
        if (!ours.ok) throw new Error(`${m.type}: ${ours.detail}`);
        const buffer = new ArrayBuffer(MAX_PAYLOAD);
        const writer = new BufferWriter(buffer, { endianness: 'little' });
        schemaOf(m.type).write(writer, m.body);
        expect(new Uint8Array(buffer, 0, writer.currentByteOffset)).toEqual(ours.payload);
      }),
      { numRuns: 2_000 },
    );
  });

  it('every payload is read to the same value through typed-binary\'s BufferReader, to its last byte', () => {
    fc.assert(
      fc.property(arbitraryMessage(), (m) => {
        const ours = encodePayload(m);
        if (!ours.ok) throw new Error(`${m.type}: ${ours.detail}`);
        const theirs = readWith(m.type, new TypedBinarySource(ours.payload));
        expect(theirs).toEqual({ value: m.body, end: ours.payload.length });
      }),
      { numRuns: 2_000 },
    );
  });

  it('arbitrary bytes read as any message: both readers give the same value, or refuse them alike', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MESSAGE_NAMES), fc.uint8Array({ maxLength: 300 }), (name, bytes) => {
        expect(readWith(name, new ByteReader(bytes))).toEqual(readWith(name, new TypedBinarySource(bytes)));
      }),
      { numRuns: 20_000 },
    );
  });
});
