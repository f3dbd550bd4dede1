// Protocol benchmarks: size on the wire against JSON and IPC-CFX JSON for the same content, and encode+decode
// rate against JSON.stringify/parse on the same objects. Peers run in the same process, same run.
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import {
  chunkWorkOrder,
  encodeFrame,
  encodePayload,
  decodePayload,
  MESSAGES,
  Receiver,
  usualDirection,
  type Message,
  type Slot,
  type WorkOrder,
} from '../../protocol/src/index';
import { EXAMPLES } from '../../protocol/vectors/examples';
import { bundle } from '../src/build/bundle';
import { rate, type Section } from './harness';

const KEY = new Uint8Array(32).fill(0x5a);
const cfxDir = join(__dirname, 'cfx');

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function frameBytes(m: Message, counter: number): number {
  const r = encodeFrame(m, { stationId: 7, counter, direction: usualDirection(m.type), keyId: 1, key: KEY });
  if (!r.ok) throw new Error(r.detail);
  return r.wire.length;
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
    chunks.messages[1]!,
  ];
  lines.push(
    '### Encode + decode rate',
    '',
    'One operation = encode one message and decode it back. "Frame" includes HMAC-SHA-256 (pure TypeScript, as on the',
    'device), CRC-32, COBS and the receiver\'s full check sequence; "payload" is the typed-binary schema codec alone.',
    '',
    '| message | payload B | frame ops/s | payload ops/s | `JSON.stringify`+`parse` ops/s | payload vs JSON |',
    '|---|---|---|---|---|---|',
  );
  for (const m of samples) {
    const p = encodePayload(m);
    if (!p.ok) throw new Error(p.detail);
    const def = MESSAGES[m.type];
    let counter = 1;
    const rx = new Receiver({ keyring: () => KEY });
    const frame = rate(() => {
      const f = encodeFrame(m, { stationId: 7, counter: counter++, direction: usualDirection(m.type), keyId: 1, key: KEY });
      if (!f.ok) throw new Error(f.detail);
      const v = rx.judge(f.body);
      if (!v.ok) throw new Error(v.reason);
    });
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

  // Firmware footprint of the protocol.
  const b = await bundle(join(__dirname, '..', '..', 'protocol', 'src', 'index.ts'), { globalName: 'P' });
  const gz = gzipSync(b.code).length;
  lines.push(
    '### Protocol bundle',
    '',
    `esbuild, \`platform: "neutral"\`, ES2020, minified: **${(b.bytes / 1024).toFixed(1)} KiB** (${(gz / 1024).toFixed(1)} KiB gzipped), typed-binary and the`,
    'field documentation strings included. Runs unchanged in QuickJS (`tools/test/engine.test.ts`).',
    '',
  );
  return { title: 'Station protocol', body: lines.join('\n') };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
