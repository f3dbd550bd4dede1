// Runs every conformance vector exactly as PROTOCOL.md tells a third party to: a fresh receiver holding the
// vector's key under its key id, the whole hex fed in, and the last verdict compared with the expectation.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameToJson, fromHex, MESSAGES, Receiver, REASONS, type Verdict } from '../src/index';

const dir = join(__dirname, '..', 'vectors');
const files = ['ok', 'reject'].flatMap((sub) => readdirSync(join(dir, sub)).map((f) => join(sub, f)));
const vectors = files.map((f) => ({ file: f, v: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown> }));

function lastVerdict(v: Record<string, unknown>): Verdict {
  const key = fromHex(v['key'] as string)!;
  const rx = new Receiver({ keyring: (id) => (id === v['keyId'] ? key : undefined) });
  const verdicts: Verdict[] = [];
  rx.push(fromHex(v['hex'] as string)!, (x) => verdicts.push(x));
  expect(rx.pending).toBe(0);
  expect(verdicts.length).toBeGreaterThan(0);
  return verdicts[verdicts.length - 1]!;
}

describe('conformance vectors', () => {
  it('cover every message type with a positive vector', () => {
    for (const name of Object.keys(MESSAGES)) expect(files).toContain(join('ok', `${name}.json`));
  });

  it('cover every negative case the issue names', () => {
    const rejects = vectors.filter((x) => x.v['reject'] !== undefined).map((x) => x.v['reject']);
    for (const r of ['BAD_CRC', 'BAD_MAC', 'REPLAY', 'MALFORMED_PAYLOAD', 'FRAME_TOO_SHORT', 'FRAME_OVERSIZE', 'UNKNOWN_MESSAGE_TYPE', 'VERSION_MISMATCH', 'VERSION_UNSUPPORTED']) {
      expect(rejects).toContain(r);
    }
  });

  it.each(vectors.map((x) => [x.file, x.v] as const))('%s', (_file, v) => {
    const last = lastVerdict(v);
    if (v['decoded'] !== undefined) {
      expect(last.ok).toBe(true);
      if (last.ok) {
        expect(last.authenticated).toBe(true);
        expect(JSON.parse(JSON.stringify(frameToJson(last.header, last.message)))).toEqual(v['decoded']);
      }
    } else {
      expect(last.ok).toBe(false);
      if (!last.ok) {
        expect(last.reason).toBe(v['reject']);
        expect(REASONS[last.reason].code).toBe(v['rejectCode']);
      }
    }
  });
});
