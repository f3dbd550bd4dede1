// Protocol benchmarks: size on the wire against JSON and IPC-CFX JSON for the same content; encode+decode rate
// through the sessions against JSON.stringify/parse on the same objects; and what a flood of CRC-valid frames
// with bad MACs costs a station, against valid frames as the peer. Peers run in the same process, same run.
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import {
  chunkWorkOrder,
  cobsDecode,
  DEFAULT_MAC_BUDGET,
  encodeFrame,
  encodePayload,
  decodePayload,
  HostSession,
  Keyring,
  macKey,
  MAX_PAYLOAD,
  MESSAGES,
  MemoryCounterVault,
  resealCrc,
  StationSession,
  usualDirection,
  wrap,
  type LocalHello,
  type MacBudgetOptions,
  type Message,
  type SessionEvent,
  type Slot,
  type WorkOrder,
} from '../../protocol/src/index';
import { EXAMPLES } from '../../protocol/vectors/examples';
import { bundle } from '../src/build/bundle';
import { runInQuickJS } from '../src/build/quickjs';
import { rate, type Section } from './harness';

const SECRET = new Uint8Array(32).fill(0x5a);
const cfxDir = join(__dirname, 'cfx');
const KEY = (() => {
  const k = macKey(SECRET);
  if (!k.ok) throw new Error(k.detail);
  return k.key;
})();

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Wire size of a message's frame (sizes do not depend on the key). */
function frameBytes(m: Message, counter: number): number {
  const r = encodeFrame(m, { stationId: 7, counter, direction: usualDirection(m.type), keyId: 1, key: KEY });
  if (!r.ok) throw new Error(r.detail);
  return r.wire.length;
}

const HELLO: LocalHello = { softwareVersion: 'bench', role: 'placement', capabilities: ['msl'], maxFrameBytes: 512, maxSlots: 400, maxReels: 256, journalCapacity: 8192 };
const UNLIMITED: MacBudgetOptions = { perSecond: Number.POSITIVE_INFINITY, burst: Number.POSITIVE_INFINITY };
const ignore = (_e: SessionEvent): void => undefined;

/** A station and a host with an established session; the station's MAC budget as given. */
function line(stationBudget: MacBudgetOptions = UNLIMITED): { station: StationSession; host: HostSession } {
  const keys = new Keyring();
  if (!keys.install(7, 1, SECRET).ok) throw new Error('install');
  let x = 7;
  const random = (d: Uint8Array) => d.forEach((_, i) => (d[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24));
  const st = StationSession.create({ stationId: 7, keyId: 1, keys, vault: new MemoryCounterVault(), random, hello: HELLO, macBudget: stationBudget });
  const ho = HostSession.create({ keys, vault: new MemoryCounterVault(), random, hello: { ...HELLO, role: 'other' }, macBudget: UNLIMITED });
  if (!st.ok || !ho.ok) throw new Error('create');
  const hi = st.session.connect();
  if (!hi.ok) throw new Error(hi.detail);
  ho.session.receive(hi.wire, 0, (e) => {
    if (e.kind === 'send') st.session.receive(e.wire, 0, ignore);
  });
  if (st.session.peer === undefined) throw new Error('no session');
  return { station: st.session, host: ho.session };
}

/** Frames per second a receiver judges: best of `rounds` passes over a pool, each with a fresh receiver (after two unmeasured warm-up passes). */
function poolRate(makePool: () => { feed: (w: Uint8Array) => void; frames: readonly Uint8Array[] }, rounds = 9): number {
  for (let w = 0; w < 2; w++) {
    const { feed, frames } = makePool();
    for (const f of frames) feed(f);
  }
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const { feed, frames } = makePool();
    const start = process.hrtime.bigint();
    for (const f of frames) feed(f);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    best = Math.max(best, (frames.length * 1000) / ms);
  }
  return best;
}

/** A host message of about `payload` bytes: a StatusRequest (empty) or an MslTableLoad padded by its provenance. */
function hostMessage(large: boolean): Message {
  if (!large) return { type: 'StatusRequest', body: {} };
  const base = { ...EXAMPLES.MslTableLoad, provenance: '' };
  const used = (() => {
    const p = encodePayload({ type: 'MslTableLoad', body: base });
    if (!p.ok) throw new Error(p.detail);
    return p.payload.length;
  })();
  return { type: 'MslTableLoad', body: { ...base, provenance: 'x'.repeat(Math.min(240, MAX_PAYLOAD - used)) } };
}

/** The station's receive path under a flood, against valid frames of the same size. */
function floodRows(): { rows: string[]; perCheckUs: number } {
  const rows: string[] = [];
  let perCheckUs = 0;
  const N = 4000;
  for (const large of [false, true]) {
    const m = hostMessage(large);
    // Valid frames, each with its own counter: what the station does for its real host.
    const valid = poolRate(() => {
      const l = line();
      const frames = Array.from({ length: N }, () => {
        const s = l.host.send(7, m);
        if (!s.ok) throw new Error(s.detail);
        return s.wire;
      });
      return { feed: (w) => l.station.receive(w, 0, ignore), frames };
    });
    // CRC-valid, bad-MAC frames claiming the station's session: the attacker's cheapest way to make it hash.
    const badMac = (budget: MacBudgetOptions) => poolRate(() => {
      const l = line(budget);
      const s = l.host.send(7, m);
      if (!s.ok) throw new Error(s.detail);
      const body = sealedBody(s.wire);
      body[body.length - 5]! ^= 0xff;
      const forged = wrap(resealCrc(body));
      return { feed: (w) => l.station.receive(w, 0, ignore), frames: Array.from({ length: N }, () => forged) };
    });
    const unchecked = badMac(UNLIMITED);
    const budgeted = badMac(DEFAULT_MAC_BUDGET);
    const garbage = poolRate(() => {
      const l = line();
      const s = l.host.send(7, m);
      if (!s.ok) throw new Error(s.detail);
      const w = s.wire.slice();
      w[5]! ^= 0x01; // a line error: the CRC fails
      return { feed: (x) => l.station.receive(x, 0, ignore), frames: Array.from({ length: N }, () => w) };
    });
    const size = hostFrameBytes(m);
    if (large) perCheckUs = 1e6 / unchecked;
    rows.push(
      `| ${m.type} (${size} B on the wire) | ${fmt(valid)} | ${fmt(unchecked)} (${(unchecked / valid).toFixed(2)}×) | ${fmt(budgeted)} (${(budgeted / valid).toFixed(1)}×) | ${fmt(garbage)} (${(garbage / valid).toFixed(1)}×) |`,
    );
  }
  return { rows, perCheckUs };
}

function hostFrameBytes(m: Message): number {
  return frameBytes(m, 2);
}

function sealedBody(wire: Uint8Array): Uint8Array {
  return cobsDecode(wire.subarray(1, wire.length - 1))!.slice();
}

/** The same flood in QuickJS, an interpreter like the station's XS: bad-MAC checks per second of the bundled receive path. */
async function quickjsFlood(): Promise<number> {
  const code = (await bundle(join(__dirname, '..', '..', 'protocol', 'src', 'index.ts'), { globalName: 'P' })).code;
  const script = `
    var keys = new P.Keyring(); keys.install(7, 1, new Uint8Array(32).fill(0x5a));
    var x = 7; var random = function (d) { for (var i = 0; i < d.length; i++) { x = (x * 1103515245 + 12345) >>> 0; d[i] = x >>> 24; } };
    var hello = ${JSON.stringify(HELLO)};
    var inf = { perSecond: Infinity, burst: Infinity };
    var st = P.StationSession.create({ stationId: 7, keyId: 1, keys: keys, vault: new P.MemoryCounterVault(), random: random, hello: hello, macBudget: inf }).session;
    var ho = P.HostSession.create({ keys: keys, vault: new P.MemoryCounterVault(), random: random, hello: hello, macBudget: inf }).session;
    ho.receive(st.connect().wire, 0, function (e) { if (e.kind === 'send') st.receive(e.wire, 0, function () {}); });
    var w = ho.send(7, ${JSON.stringify(hostMessage(true))}).wire;
    var body = P.cobsDecode(w.subarray(1, w.length - 1)).slice(); body[body.length - 5] ^= 0xff;
    var forged = P.wrap(P.resealCrc(body));
    var n = 0; var t0 = Date.now();
    while (Date.now() - t0 < 1500) { for (var i = 0; i < 20; i++) st.receive(forged, 0, function () {}); n += 20; }
    JSON.stringify({ perSecond: n * 1000 / (Date.now() - t0), bytes: forged.length, checks: st.stats.macChecks });
  `;
  const out = JSON.parse(await runInQuickJS([code, script])) as { perSecond: number; checks: number };
  if (out.checks < 20) throw new Error('QuickJS flood made no MAC checks');
  return out.perSecond;
}

function workOrder120(): WorkOrder {
  const mpns = [
    ['GRM188R71C104KA01D', 'Murata', 'CL10B104KO8NNNC', 'Samsung'],
    ['GRM188R71H103KA01D', 'Murata', '', ''],
    ['RC0603FR-0710KL', 'Yageo', 'ERJ-3EKF1002V', 'Panasonic'],
  ] as const;
  const slots: Slot[] = Array.from({ length: 120 }, (_, i) => {
    const [m1, f1, m2, f2] = mpns[i % 3]!;
    return {
      position: `B1.F.${i + 1}`,
      bomLine: `${10 * (i + 1)}`,
      internalPartNumber: `IPN-${100 + (i % 3) * 100}-${4711 + i}`,
      msd: false,
      thicknessClass: 'unknown',
      approvedParts: [
        { manufacturerPartNumber: m1, manufacturer: f1, permission: 'primary' },
        ...(m2 === '' ? [] : [{ manufacturerPartNumber: m2, manufacturer: f2, permission: 'primary' as const }]),
      ],
    };
  });
  return {
    header: {
      workOrderIdentifier: 'WO-2026-11873',
      productIdentifier: 'PCBA-4711',
      bomRevision: 'C',
      recipeName: 'PCBA-4711-TOP',
      recipeRevision: '12',
      recipeChecksum: 0x5eed1234,
      lane: 1,
      timeToReflow: 14_400,
    },
    slots,
  };
}

/** The CFX request expanded to 120 positions, from the SDK-shaped 3-position sample. */
function cfxSetup120(): unknown {
  const base = require(join(cfxDir, 'ValidateStationSetupRequest.json')) as {
    MessageBody: { SetupRequirements: { MaterialSetupRequirements: Record<string, unknown>[] } };
  };
  const templates = base.MessageBody.SetupRequirements.MaterialSetupRequirements;
  const copy = JSON.parse(JSON.stringify(base)) as typeof base;
  copy.MessageBody.SetupRequirements.MaterialSetupRequirements = Array.from({ length: 120 }, (_, i) => ({
    ...templates[i % templates.length]!,
    Position: `B1.F.${i + 1}`,
    PartNumber: `IPN-${100 + (i % 3) * 100}-${4711 + i}`,
  }));
  return copy;
}

export async function protocolBench(): Promise<Section> {
  const lines: string[] = [];

  // Size: one reel-loaded event.
  const loaded: Message = { type: 'SlotLoaded', body: EXAMPLES.SlotLoaded };
  const ourEvent = frameBytes(loaded, 1);
  const jsonEvent = bytes(JSON.stringify(loaded));
  const cfxEvent = bytes(JSON.stringify(require(join(cfxDir, 'MaterialsLoaded.json'))));

  // Size: a 120-slot work order, every frame of the transfer.
  const wo = workOrder120();
  const chunks = chunkWorkOrder(wo, 1);
  if (!chunks.ok) throw new Error(chunks.detail);
  const ourWo = chunks.messages.reduce((n, m, i) => n + frameBytes(m, i + 1), 0);
  const jsonWo = bytes(JSON.stringify(wo));
  const cfxWo = bytes(JSON.stringify(cfxSetup120()));

  lines.push(
    '### Bytes on the wire',
    '',
    'Our figure is the complete frame: delimiters, COBS, 10-byte header, 16-byte MAC and CRC-32 included. CFX is sent as minified',
    'UTF-8 JSON (`CFXJsonSerializer`, `Formatting.None`, nulls kept), envelope included; peers are in `tools/bench/cfx/`.',
    '',
    '| content | SMT Warden frame(s) | `JSON.stringify` of the same object | IPC-CFX JSON | vs JSON | vs CFX |',
    '|---|---|---|---|---|---|',
    `| reel loaded on a slot (SlotLoaded / \`MaterialsLoaded\`) | ${ourEvent} B | ${jsonEvent} B | ${cfxEvent} B | ${(jsonEvent / ourEvent).toFixed(1)}× smaller | ${(cfxEvent / ourEvent).toFixed(1)}× smaller |`,
    `| 120-slot work order (${chunks.messages.length} frames / one \`ValidateStationSetupRequest\`) | ${ourWo} B | ${jsonWo} B | ${cfxWo} B | ${(jsonWo / ourWo).toFixed(1)}× smaller | ${(cfxWo / ourWo).toFixed(1)}× smaller |`,
    '',
    'The work order carries more than the CFX request: a manufacturer name with every approved part, the BOM line, the MSD flag and',
    'package class per slot, and the program name, revision and checksum.',
    '',
  );

  // Rate: encode + decode, full frames and payloads only, against JSON on the same objects.
  const samples: Message[] = [
    loaded,
    { type: 'StatusReport', body: EXAMPLES.StatusReport },
    { type: 'ReelRecord', body: EXAMPLES.ReelRecord },
    { type: 'MslTableLoad', body: EXAMPLES.MslTableLoad },
  ];
  lines.push(
    '### Encode + decode rate',
    '',
    'One operation = one message sent by one end\'s session and judged by the other\'s, in an established session. "Frame" includes',
    'the counter, HMAC-SHA-256 under the session key (pure TypeScript, as on the device), CRC-32, COBS and the full check sequence',
    'of §4; "payload" is the schema codec alone (fields.ts).',
    '',
    '| message | payload B | frame ops/s | payload ops/s | `JSON.stringify`+`parse` ops/s | payload vs JSON |',
    '|---|---|---|---|---|---|',
  );
  for (const m of samples) {
    const p = encodePayload(m);
    if (!p.ok) throw new Error(p.detail);
    const def = MESSAGES[m.type];
    const l = line();
    const toStation = usualDirection(m.type) === 'host-to-station';
    let accepted = 0;
    const count = (e: SessionEvent) => {
      if (e.kind === 'message') accepted++;
    };
    const frame = rate(() => {
      const f = toStation ? l.host.send(7, m) : l.station.send(m);
      if (!f.ok) throw new Error(f.detail);
      (toStation ? l.station : l.host).receive(f.wire, 0, count);
    });
    if (accepted === 0) throw new Error(`${m.type}: no frame was accepted`);
    const payload = rate(() => {
      const e = encodePayload(m);
      if (!e.ok) throw new Error(e.detail);
      const d = decodePayload(def.type, e.payload);
      if (!d.ok) throw new Error(d.reason);
    });
    const json = rate(() => {
      JSON.parse(JSON.stringify(m));
    });
    lines.push(
      `| ${m.type} | ${p.payload.length} | ${fmt(frame)} | ${fmt(payload)} | ${fmt(json)} | ${(payload / json).toFixed(2)}× |`,
    );
  }
  lines.push('');

  // Floods: CRC-valid frames with bad MACs on the station's receive path.
  const flood = floodRows();
  const qjs = await quickjsFlood();
  const budgetShare = (DEFAULT_MAC_BUDGET.perSecond / qjs) * 100;
  lines.push(
    '### Bad-MAC flood on the station',
    '',
    'Frames per second through `StationSession.receive` in an established session. Peer: valid frames from the host (each with a',
    'new counter; accepted and handed on). "Bad MAC, no budget": CRC-valid frames claiming the station\'s session with a wrong MAC,',
    'each costing one HMAC, the CPU an attacker can force. "Bad MAC, default budget": the same with the station\'s default budget, one for all its host links',
    `(${DEFAULT_MAC_BUDGET.perSecond} MAC checks/s, burst ${DEFAULT_MAC_BUDGET.burst}): past the burst they are dropped unchecked (\`MAC_BUDGET_EXHAUSTED\`). "Line noise": CRC fails.`,
    '',
    '| frame | valid (peer) | bad MAC, no budget | bad MAC, default budget | line noise |',
    '|---|---|---|---|---|',
    ...flood.rows,
    '',
    `One bad-MAC check of a full frame costs ${flood.perCheckUs.toFixed(1)} µs here in Node; in QuickJS (an interpreter, as XS is on the`,
    `device) the station's receive path checks ${fmt(qjs)} bad-MAC full frames/s on this machine. At the default budget a flood costs at`,
    `most ${DEFAULT_MAC_BUDGET.perSecond} checks/s: ${budgetShare.toFixed(1)} % of one core in QuickJS here. Everything past the budget costs a CRC and a header`,
    'read, so the station keeps deciding and serving Modbus (PROTOCOL.md §3, "Floods").',
    '',
  );

  // Firmware footprint of the protocol.
  const b = await bundle(join(__dirname, '..', '..', 'protocol', 'src', 'index.ts'), { globalName: 'P' });
  const gz = gzipSync(b.code).length;
  lines.push(
    '### Protocol bundle',
    '',
    `esbuild, \`platform: "neutral"\`, ES2020, minified: **${(b.bytes / 1024).toFixed(1)} KiB** (${(gz / 1024).toFixed(1)} KiB gzipped), the field`,
    'documentation strings included. Runs unchanged in QuickJS (`tools/test/engine.test.ts`).',
    '',
  );
  return { title: 'Station protocol', body: lines.join('\n') };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
