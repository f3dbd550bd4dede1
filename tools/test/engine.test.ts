// The protocol goes into the firmware bundle unchanged, so it must build for a neutral platform and behave
// the same in an embedded-class engine (QuickJS: no TextEncoder, no console, no timers) as in Node.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from '../src/build/bundle';
import { HOST_GLOBALS, runInQuickJS } from '../src/build/quickjs';

const ROOT = join(__dirname, '..', '..');
const vectorDir = join(ROOT, 'protocol', 'vectors');
const vectors = ['ok', 'reject'].flatMap((d) =>
  readdirSync(join(vectorDir, d)).map((f) => JSON.parse(readFileSync(join(vectorDir, d, f), 'utf8')) as Record<string, unknown>),
);

// Runs inside QuickJS: judges each vector with the bundled Receiver and re-encodes ok frames.
const RUNNER = `
globalThis.runVectors = function (vectors) {
  var P = WardenProtocol;
  return JSON.stringify(vectors.map(function (v) {
    var key = P.fromHex(v.key);
    var rx = new P.Receiver({ keyring: function (id) { return id === v.keyId ? key : undefined; } });
    var last;
    rx.push(P.fromHex(v.hex), function (x) { last = x; });
    if (last.ok) {
      var again = P.encodeFrame(last.message, { stationId: last.header.stationId, counter: last.header.counter,
        direction: last.header.direction, keyId: last.header.keyId, key: key, ackRequested: last.header.ackRequested });
      return { ok: true, frame: P.frameToJson(last.header, last.message), reencoded: again.ok ? P.toHex(again.wire) : again.reason };
    }
    return { ok: false, reason: last.reason };
  }));
};`;

describe('protocol bundle in an embedded-class engine', () => {
  let code = '';
  beforeAll(async () => {
    code = (await bundle(join(ROOT, 'protocol', 'src', 'index.ts'), { globalName: 'WardenProtocol' })).code;
  });

  it('builds for platform "neutral" and uses no host globals', () => {
    // typed-binary's own string schema would reach for TextEncoder lazily; the protocol never uses it, and
    // the QuickJS run below (an engine without TextEncoder) proves that.
    for (const host of HOST_GLOBALS) expect(code).not.toMatch(host);
  });

  it('a Node import in engine-neutral code fails the build', async () => {
    await expect(bundle(join(__dirname, 'fixtures', 'uses-node.ts'))).rejects.toThrow(/node:fs|fs/);
  });

  it('judges every conformance vector in QuickJS exactly as the vectors say', async () => {
    const out = await runInQuickJS([code, RUNNER, `runVectors(${JSON.stringify(vectors)})`]);
    const results = JSON.parse(out) as { ok: boolean; reason?: string; frame?: unknown; reencoded?: string }[];
    expect(results).toHaveLength(vectors.length);
    results.forEach((r, i) => {
      const v = vectors[i]!;
      if (v['decoded'] !== undefined) {
        expect(r.ok).toBe(true);
        expect(r.frame).toEqual(v['decoded']);
        // Re-encoding inside QuickJS reproduces the frame on the wire byte for byte.
        expect((v['hex'] as string).endsWith(r.reencoded!)).toBe(true);
      } else {
        expect(r).toEqual({ ok: false, reason: v['reject'] });
      }
    });
  });
});
