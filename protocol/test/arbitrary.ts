// fast-check arbitraries derived from the protocol's own field schemas, so property tests follow the catalogue
// as it changes: a new field or message type is covered without touching the tests.
import fc from 'fast-check';
import {
  BoolField,
  BytesField,
  EnumField,
  FixedBytesField,
  FlagsField,
  ListField,
  OptField,
  ReasonField,
  ScaledField,
  StrField,
  StructField,
  UIntField,
  type Field,
} from '../src/fields';
import { encodePayload } from '../src/frame';
import { MESSAGES, type Message, type MessageName } from '../src/messages';
import { REASONS } from '../src/reasons';
import { utf8Length } from '../src/utf8';

export interface ArbitraryOptions {
  /** Most items generated for a list of structs (large structs rarely fit a frame otherwise). */
  readonly structListCap?: number;
}

const STRING_UNITS = ['grapheme-ascii', 'grapheme', 'binary'] as const;

/** Keeps whole code points from the start of s while they fit maxBytes of UTF-8. */
function fitUtf8(s: string, maxBytes: number): string {
  let out = '';
  let n = 0;
  for (const cp of s) {
    const len = utf8Length(cp);
    if (n + len > maxBytes) break;
    n += len;
    out += cp;
  }
  return out;
}

/**
 * Strings whose UTF-8 encoding fits maxBytes: ASCII, grapheme clusters and any code point (astral ones included),
 * never a lone surrogate (the encoder would write U+FFFD, which does not round-trip). Mostly short, sometimes as
 * long as the field allows.
 */
function utf8String(maxBytes: number): fc.Arbitrary<string> {
  const small = fc.oneof(...STRING_UNITS.map((unit) => fc.string({ unit, maxLength: maxBytes })));
  const large = fc.oneof(...STRING_UNITS.map((unit) => fc.string({ unit, maxLength: maxBytes, size: 'max' })));
  return fc.oneof({ arbitrary: small, weight: 3 }, { arbitrary: large, weight: 1 }).map((s) => fitUtf8(s, maxBytes));
}

/** Arrays mostly short, sometimes up to the maximum. */
function sizedArray<T>(item: fc.Arbitrary<T>, maxLength: number): fc.Arbitrary<T[]> {
  return fc.oneof(
    { arbitrary: fc.array(item, { maxLength }), weight: 3 },
    { arbitrary: fc.array(item, { maxLength, size: 'max' }), weight: 1 },
  );
}

/** An arbitrary for any value a field schema accepts (and decodes back to the identical value). */
export function arbitraryFor(field: Field<unknown>, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const structListCap = options.structListCap ?? 4;
  if (field instanceof UIntField) return fc.integer({ min: 0, max: field.max });
  if (field instanceof ScaledField) {
    const scale = field.scale;
    return fc.integer({ min: field.lo, max: field.hi }).map((raw) => raw / scale);
  }
  if (field instanceof BoolField) return fc.boolean();
  if (field instanceof StrField) return utf8String(field.maxBytes);
  if (field instanceof BytesField) {
    const maxLength = field.maxBytes;
    return fc.oneof(
      { arbitrary: fc.uint8Array({ maxLength }), weight: 3 },
      { arbitrary: fc.uint8Array({ maxLength, size: 'max' }), weight: 1 },
    );
  }
  if (field instanceof EnumField) {
    const values = field.values as readonly string[];
    return fc.constantFrom(...values);
  }
  if (field instanceof ReasonField) return fc.constantFrom(...Object.keys(REASONS));
  if (field instanceof FixedBytesField) return fc.uint8Array({ minLength: field.size, maxLength: field.size });
  if (field instanceof FlagsField) {
    // read() returns bits in ascending order: the named ones (declaration order), then unnamed ones as `bitN`.
    const names = field.names as readonly string[];
    const unnamed = Array.from({ length: 32 - names.length }, (_, i) => `bit${names.length + i}`);
    return fc
      .tuple(fc.subarray([...names]), fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.subarray(unnamed), weight: 1 }))
      .map(([a, b]) => [...a, ...b]);
  }
  if (field instanceof OptField) {
    return fc.option(arbitraryFor(field.inner as Field<unknown>, options), { nil: undefined });
  }
  if (field instanceof ListField) {
    const inner = field.inner as Field<unknown>;
    const max = inner instanceof StructField ? Math.min(field.maxItems, structListCap) : field.maxItems;
    return sizedArray(arbitraryFor(inner, options), max);
  }
  if (field instanceof StructField) {
    // StructField.read omits absent optional fields entirely (no `undefined` values), so optional keys are
    // either missing or hold a value of the inner field.
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const requiredKeys: string[] = [];
    for (const [key, sub] of Object.entries(field.fields as Record<string, Field<unknown>>)) {
      if (sub instanceof OptField) {
        model[key] = arbitraryFor(sub.inner as Field<unknown>, options);
      } else {
        model[key] = arbitraryFor(sub, options);
        requiredKeys.push(key);
      }
    }
    return fc.record(model, { requiredKeys, noNullPrototype: true });
  }
  throw new Error(`arbitraryFor: no arbitrary for ${field.constructor.name} (${field.wire})`);
}

export const MESSAGE_NAMES = Object.keys(MESSAGES) as MessageName[];

/** Messages of one type whose payload fits a frame. */
export function arbitraryMessageOf(name: MessageName, options: ArbitraryOptions = {}): fc.Arbitrary<Message> {
  const schema = MESSAGES[name].schema as unknown as Field<unknown>;
  return arbitraryFor(schema, options)
    .map((body) => ({ type: name, body }) as Message)
    .filter((m) => encodePayload(m).ok);
}

/** Messages of every type whose payload fits a frame. */
export function arbitraryMessage(options: ArbitraryOptions = {}): fc.Arbitrary<Message> {
  return fc.oneof(...MESSAGE_NAMES.map((name) => arbitraryMessageOf(name, options)));
}
