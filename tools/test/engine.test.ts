// The protocol goes into the firmware bundle unchanged, so it must build for a neutral platform and behave
// the same in an embedded-class engine (QuickJS: no TextEncoder, no console, no timers) as in Node.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from '../src/build/bundle';
import { HOST_GLOBALS, runInQuickJS } from '../src/build/quickjs';
import { decodeWithoutKeys, encodePayload, fromHex, toHex } from '../../protocol/src/index';

const ROOT = join(__dirname, '..', '..');
const vectorDir = join(ROOT, 'protocol', 'vectors');
const vectors = ['ok', 'reject'].flatMap((d) =>
  readdirSync(join(vectorDir, d)).map((f) => JSON.parse(readFileSync(join(vectorDir, d, f), 'utf8')) as Record<string, unknown>),
);

// Runs inside QuickJS: runs each vector as PROTOCOL.md says (role, secrets, nonces, stream) with the bundled
// sessions, and re-encodes the payload of every ok frame.
const RUNNER = `
globalThis.runVectors = function (vectors) {
  var P = WardenProtocol;
  return JSON.stringify(vectors.map(function (v) {
    var keys = new P.Keyring();
    var refusals = v.secrets.map(function (s) { var r = keys.install(s.stationId, s.keyId, P.fromHex(s.secret)); return r.ok ? null : r.reason; });
    var bytes = P.fromHex(v.random);
    var at = 0;
    var random = function (d) { for (var i = 0; i < d.length; i++) d[i] = bytes[at++ % bytes.length]; };
    var common = { keys: keys, vault: new P.MemoryCounterVault(), random: random, hello: v.local };
    var rx = v.receiver.role === 'station'
      ? P.StationSession.create(Object.assign({ stationId: v.receiver.stationId, keyId: v.receiver.keyId }, common))
      : P.HostSession.create(common);
    var sends = [];
    if (v.connect) sends.push(P.toHex(rx.session.connect().wire));
    var last;
    rx.session.receive(P.fromHex(v.hex), 0, function (e) {
      if (e.kind === 'send') sends.push(P.toHex(e.wire));
      else if (e.kind === 'refused') last = { ok: false, reason: e.reason };
      else if (e.kind !== 'ended') last = { ok: true, frame: e.message ? P.frameToJson(e.header, e.message) : undefined, message: e.message };
    });
    var out = { refusals: refusals, sends: sends, ok: last.ok, reason: last.reason, frame: last.frame };
    if (last.ok && last.message) {
      var again = P.encodePayload(last.message);
      out.payload = again.ok ? P.toHex(again.payload) : again.reason;
    }
    return out;
  }));
};`;

describe('protocol bundle in an embedded-class engine', () => {
  let code = '';
  beforeAll(async () => {
    code = (await bundle(join(ROOT, 'protocol', 'src', 'index.ts'), { globalName: 'WardenProtocol' })).code;
  });

  it('builds for platform "neutral" and uses no host globals', () => {
    // The protocol brings its own UTF-8 codec; the QuickJS run below (an engine without TextEncoder) proves it.
    for (const host of HOST_GLOBALS) expect(code).not.toMatch(host);
  });

  it('a Node import in engine-neutral code fails the build', async () => {
    await expect(bundle(join(__dirname, 'fixtures', 'uses-node.ts'))).rejects.toThrow(/node:fs|fs/);
  });

  it('judges every conformance vector in QuickJS exactly as the vectors say, sending the same frames', async () => {
    const out = await runInQuickJS([code, RUNNER, `runVectors(${JSON.stringify(vectors)})`]);
    const results = JSON.parse(out) as { refusals: (string | null)[]; sends: string[]; ok: boolean; reason?: string; frame?: unknown; payload?: string }[];
    expect(results).toHaveLength(vectors.length);
    results.forEach((r, i) => {
      const v = vectors[i]!;
      expect(r.refusals).toEqual((v['secrets'] as { refused?: string }[]).map((s) => s.refused ?? null));
      expect(r.sends).toEqual(v['sends']);
      if (v['decoded'] !== undefined) {
        expect(r.ok).toBe(true);
        expect(r.frame).toEqual(v['decoded']);
        // The payload re-encoded inside QuickJS is the one Node re-encodes: canonical in both engines.
        const d = decodeWithoutKeys(fromHex(v['hex'] as string)!).at(-1);
        if (!d?.ok) throw new Error('vector frame does not decode in Node');
        const p = encodePayload(d.message);
        expect(r.payload).toBe(p.ok ? toHex(p.payload) : p.reason);
      } else {
        expect({ ok: r.ok, reason: r.reason }).toEqual({ ok: false, reason: v['reject'] });
      }
    });
  });
});
