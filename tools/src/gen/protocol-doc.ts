// Renders the generated sections of protocol/PROTOCOL.md from the schemas, the reason table and the limits.
// Prose lives in PROTOCOL.md itself; only the text between `<!-- BEGIN GENERATED: x -->` and
// `<!-- END GENERATED: x -->` is replaced, so the tables can never drift from the code.
import { MaxValue } from '../../../protocol/src/binary';
import {
  EnumField,
  FlagsField,
  ListField,
  OptField,
  StructField,
  type Field,
} from '../../../protocol/src/fields';
import { HeaderWire } from '../../../protocol/src/frame';
import * as limits from '../../../protocol/src/limits';
import { MESSAGES, type MessageName } from '../../../protocol/src/messages';
import { REASONS, type ReasonName } from '../../../protocol/src/reasons';
import { buildVectorSet } from './vectors';

function esc(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function typeText(field: Field<unknown>): string {
  let t = field.wire;
  if (field instanceof EnumField) t += `: ${field.values.map((v) => `\`${v}\``).join(', ')}`;
  if (field instanceof FlagsField) t += `: ${field.names.map((v, i) => `bit ${i} \`${v}\``).join(', ')}`;
  if (field instanceof OptField && field.inner instanceof EnumField) {
    t += `: ${(field.inner as EnumField<string>).values.map((v) => `\`${v}\``).join(', ')}`;
  }
  const unit = (field as { unit?: string }).unit ?? ((field instanceof OptField ? (field.inner as { unit?: string }).unit : '') || '');
  if (unit) t += ` (${unit})`;
  return t;
}

function maxSize(field: Field<unknown>): number {
  return field.measure(MaxValue).size;
}

/** Field rows, nested structs flattened with dotted names. */
function fieldRows(struct: StructField<Record<string, Field<unknown>>>, prefix = ''): string[] {
  const rows: string[] = [];
  for (const [name, field] of Object.entries(struct.fields)) {
    const full = `${prefix}${name}`;
    rows.push(`| \`${full}\` | ${esc(typeText(field))} | ${esc(field.meaning)} |`);
    const inner = field instanceof OptField || field instanceof ListField ? (field.inner as Field<unknown>) : field;
    if (inner instanceof StructField) {
      rows.push(...fieldRows(inner as StructField<Record<string, Field<unknown>>>, `${full}${field instanceof ListField ? '[]' : ''}.`));
    }
  }
  return rows;
}

export function renderSections(): Record<string, string> {
  const names = Object.keys(MESSAGES) as MessageName[];
  // The example frame of each message type is the one its ok/ vector carries (after that vector's handshake).
  const examples = buildVectorSet().exampleFrames;
  const exampleHex = (name: MessageName): string => {
    const hex = examples.get(name);
    if (hex === undefined) throw new Error(`no example frame for ${name}`);
    return hex;
  };
  const summary = [
    '| Type | Message | Sent by | Max payload | CFX counterpart | Purpose |',
    '|---|---|---|---|---|---|',
    ...names.map((n) => {
      const d = MESSAGES[n];
      const max = maxSize(d.schema as Field<unknown>);
      const maxText = max > limits.MAX_PAYLOAD ? `${max} (limited to ${limits.MAX_PAYLOAD})` : `${max}`;
      return `| \`0x${d.type.toString(16).padStart(2, '0')}\` | [${n}](#${n.toLowerCase()}) | ${d.from} | ${maxText} | ${esc(d.cfx || '—')} | ${esc(d.summary)} |`;
    }),
  ].join('\n');

  const details = names
    .map((n) => {
      const d = MESSAGES[n];
      const rows = fieldRows(d.schema as StructField<Record<string, Field<unknown>>>);
      return [
        `### ${n}`,
        '',
        `Type \`0x${d.type.toString(16).padStart(2, '0')}\`, sent by: ${d.from}. ${d.summary}`,
        '',
        rows.length === 0 ? '_No fields: the payload is empty._' : ['| Field | Wire | Meaning |', '|---|---|---|', ...rows].join('\n'),
        '',
        `Example frame (vector \`ok/${n}\`): \`${exampleHex(n)}\``,
      ].join('\n');
    })
    .join('\n\n');

  const header = [
    '| Offset | Field | Wire | Meaning |',
    '|---|---|---|---|',
    ...(() => {
      let off = 0;
      return Object.entries(HeaderWire.fields).map(([name, field]) => {
        const row = `| ${off} | \`${name}\` | ${field.wire} | ${esc(field.meaning)} |`;
        off += maxSize(field as Field<unknown>);
        return row;
      });
    })(),
  ].join('\n');

  const limitRows = [
    '| Constant | Value | Meaning |',
    '|---|---|---|',
    `| \`PROTOCOL_MAJOR.MINOR\` | ${limits.PROTOCOL_MAJOR}.${limits.PROTOCOL_MINOR} | Version this document describes. |`,
    `| \`MAX_WIRE_FRAME\` | ${limits.MAX_WIRE_FRAME} | Largest frame on the wire, both delimiters included. |`,
    `| \`MAX_BODY\` | ${limits.MAX_BODY} | Largest body (header + payload + MAC + CRC) before COBS. |`,
    `| \`MAX_PAYLOAD\` | ${limits.MAX_PAYLOAD} | Largest payload. |`,
    `| \`HEADER_BYTES\` | ${limits.HEADER_BYTES} | Header size. |`,
    `| \`MAC_BYTES\` | ${limits.MAC_BYTES} | HMAC-SHA-256 truncated to this many bytes. |`,
    `| \`CRC_BYTES\` | ${limits.CRC_BYTES} | CRC-32 (ISO-HDLC, as zlib), little-endian. |`,
    `| \`NONCE_BYTES\` | ${limits.NONCE_BYTES} | Each end's fresh session nonce, in Hello and HelloAck. |`,
    `| \`MIN_KEY_BYTES\` | ${limits.MIN_KEY_BYTES} | Shortest station secret or MAC key accepted (32 random bytes recommended). |`,
  ].join('\n');

  const reasons = [
    '| Code | Name | Category | Meaning |',
    '|---|---|---|---|',
    ...(Object.keys(REASONS) as ReasonName[]).map((n) => {
      const r = REASONS[n];
      return `| ${r.code} | \`${n}\` | ${r.category} | ${esc(r.meaning)} |`;
    }),
  ].join('\n');

  return { limits: limitRows, header, messages: summary, 'message-details': details, reasons };
}

/** Replaces every generated section of a document; throws if a marker is missing. */
export function applySections(doc: string, sections: Record<string, string>): string {
  let out = doc;
  for (const [name, body] of Object.entries(sections)) {
    const begin = `<!-- BEGIN GENERATED: ${name} -->`;
    const end = `<!-- END GENERATED: ${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`the document lacks the markers for section ${name}`);
    out = `${out.slice(0, i + begin.length)}\n${body}\n${out.slice(j)}`;
  }
  return out;
}
