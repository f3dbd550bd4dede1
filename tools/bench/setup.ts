// Setup verification benchmark: parse + verify time per operator scan on realistic 40- and 120-slot work orders,
// against two peers measured in the same run: the label parser alone (the floor), and a naive verifier that
// walks the work order and the slot states on every scan instead of using the order's indexes.
import { join } from 'node:path';
import { parseLabel } from '../../firmware/core/label';
import type { ReelLabel } from '../../firmware/core/label/types';
import { createSetup, heldReel, makerMatches, normMpn, reelKeyOf, setupConfig, step } from '../../firmware/core/setup';
import { checkReel } from '../../firmware/core/setup/check';
import { identify } from '../../firmware/core/setup/identify';
import { slotAt } from '../../firmware/core/setup/order';
import type { SetupEnv, SetupState, Slot, WorkOrder } from '../../firmware/core/setup';
import { bundle } from '../src/build/bundle';
import { rate, type Section } from './harness';

const T0 = Date.UTC(2026, 10, 22, 8);
const ENV: SetupEnv = { msdStatus: () => ({ state: 'exposed', reasons: [] }) };
const GS = '\u001d';
const RS = '\u001e';

interface Sample {
  readonly id: string;
  readonly raw: string;
}

/** A Digi-Key reel label as a keyboard-wedge scanner delivers it (no trailer, CR at the end). */
function digikeyRaw(mpn: string, i: number): string {
  const f = [`P${i}`, `1P${mpn}`, `30P${1000 + i}-1-ND`, 'K', `1K${90837700 + i}`, `10K${109914231 + i}`, '9D2307', `1TLOT${i}`, '11K1', '4LCN', `Q${1000 + i}`, '11ZPICK', `12Z${3889330 + i}`, `13Z${999000 + i}`, `20Z${'0'.repeat(60)}`];
  return `[)>${RS}06${GS}${f.join(GS)}\r`;
}

interface Scan {
  readonly position: string;
  readonly raw: string;
}

/**
 * A work order of `n` slots. Its parts are those of the real sample labels that parse, then synthetic Digi-Key
 * parts; each slot also lists an alternate. Scans: each slot's own reel, and every fourth scan is a reel
 * brought to the wrong slot (the path where a verifier must find the part's real slot).
 */
function fixture(n: number): { order: WorkOrder; scans: Scan[] } {
  const samples = require(join(__dirname, '..', '..', 'firmware', 'test', 'label', 'fixtures', 'reel-labels-sample.json')) as Sample[];
  const real: { raw: string; label: ReelLabel }[] = [];
  const seen = new Set<string>();
  for (const s of samples) {
    const p = parseLabel(s.raw);
    if (p.ok && p.label.mpn !== undefined && !seen.has(normMpn(p.label.mpn))) {
      seen.add(normMpn(p.label.mpn));
      real.push({ raw: s.raw, label: p.label });
    }
  }
  const slots: Slot[] = [];
  const raws: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = real[i];
    const mpn = r?.label.mpn ?? `RC0603FR-07${String(i).padStart(3, '0')}KL`;
    const maker = r?.label.manufacturer ?? 'Yageo';
    raws.push(r?.raw ?? digikeyRaw(mpn, i));
    slots.push({
      position: `B${1 + Math.floor(i / 60)}.F.${(i % 60) + 1}`,
      bomLine: String(10 * (i + 1)),
      internalPartNumber: `IPN-${4711 + i}`,
      msd: i % 10 === 0,
      thicknessClass: 'unknown',
      approvedParts: [
        { manufacturerPartNumber: mpn, manufacturer: maker, permission: 'primary' },
        { manufacturerPartNumber: `ALT-${i}-0603`, manufacturer: 'Samsung', permission: 'alternate' },
      ],
    });
  }
  const order: WorkOrder = {
    header: { workOrderIdentifier: 'WO-BENCH', productIdentifier: 'PCBA-4711', bomRevision: 'C', recipeName: 'TOP', recipeRevision: '12', recipeChecksum: 1, lane: 1, timeToReflow: 14_400 },
    slots,
  };
  const scans = slots.map((s, i) => ({ position: (i % 4 === 3 ? slots[(i + 7) % n]! : s).position, raw: raws[i]! }));
  return { order, scans };
}

/** Setup with the order active and every other slot already loaded, so duplicate checks have reels to look at. */
function halfLoaded(order: WorkOrder, scans: readonly Scan[]): SetupState {
  const c = setupConfig();
  if (!c.ok) throw new Error(c.detail);
  let s = step(createSetup(c.config), { kind: 'work-order', order }, T0, ENV).state;
  order.slots.forEach((slot, i) => {
    if (i % 2 === 1) return;
    s = step(s, { kind: 'scan-slot', position: slot.position }, T0, ENV).state;
    s = step(s, { kind: 'scan-reel', scan: parseLabel(scans[i]!.raw) }, T0, ENV).state;
  });
  return s;
}

/** The peer: the same decisions a simple verifier makes, by walking the order and the slot states each time. */
function naiveVerify(s: SetupState, position: string, label: ReelLabel): string {
  const slots = s.order!.order.slots;
  const want = position.trim().toUpperCase();
  const i = slots.findIndex((x) => x.position.trim().toUpperCase() === want);
  if (i < 0) return 'SLOT_UNKNOWN';
  const mpn = normMpn(label.mpn ?? '');
  const key = reelKeyOf(label);
  if (mpn === '' || key === undefined) return 'UNKNOWN_REEL';
  const parts = slots[i]!.approvedParts.filter((p) => normMpn(p.manufacturerPartNumber) === mpn);
  if (parts.length === 0) {
    const other = slots.some((x, j) => j !== i && x.approvedParts.some((p) => normMpn(p.manufacturerPartNumber) === mpn));
    return other ? 'WRONG_SLOT' : 'WRONG_PART';
  }
  const maker = label.manufacturer;
  if (maker !== undefined && maker.trim() !== '' && !parts.some((p) => makerMatches(p.manufacturer, maker))) return 'MANUFACTURER_NOT_APPROVED';
  for (let j = 0; j < s.slots.length; j++) {
    if (j !== i && heldReel(s.slots[j]!)?.facts.key === key) return 'DUPLICATE_REEL';
  }
  // MSD: the bench's MSL engine reports every reel ready, so MSD slots pass in both verifiers.
  if (label.qty === 0) return 'QUANTITY_EMPTY';
  return 'OK';
}

/** Best rate of each op over several interleaved rounds, so that load from other processes hits every op alike. */
function interleaved<K extends string>(ops: Record<K, () => void>, rounds = 4): Record<K, number> {
  const best = {} as Record<K, number>;
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(ops) as K[]) best[name] = Math.max(best[name] ?? 0, rate(ops[name], 120, 3));
  }
  return best;
}

function us(opsPerSecond: number): string {
  return (1e6 / opsPerSecond).toFixed(2);
}

export async function setupBench(): Promise<Section> {
  const rows: string[] = [];
  for (const n of [40, 120]) {
    const { order, scans } = fixture(n);
    const base = halfLoaded(order, scans);
    const parsed = scans.map((x) => parseLabel(x.raw));
    // Both verifiers must agree on every scan before their speed means anything.
    scans.forEach((x, k) => {
      const p = parsed[k]!;
      const a = step(step(base, { kind: 'scan-slot', position: x.position }, T0, ENV).state, { kind: 'scan-reel', scan: p }, T0, ENV);
      const b = p.ok ? naiveVerify(base, x.position, p.label) : p.reason;
      if (a.verdict.reason !== b) throw new Error(`${n} slots, scan ${k}: ours ${a.verdict.reason}, naive ${b}`);
    });
    let k = 0;
    const next = () => scans[k++ % scans.length]!;
    let sink = 0;
    let j = 0;
    const ops = {
      parseOnly: () => {
        if (parseLabel(next().raw).ok) sink++;
      },
      ours: () => {
        const x = next();
        const a = step(base, { kind: 'scan-slot', position: x.position }, T0, ENV);
        step(a.state, { kind: 'scan-reel', scan: parseLabel(x.raw) }, T0 + 1000, ENV);
      },
      naive: () => {
        const x = next();
        const p = parseLabel(x.raw);
        if (p.ok) naiveVerify(base, x.position, p.label);
      },
      verifyOurs: () => {
        const i = j++ % scans.length;
        const a = step(base, { kind: 'scan-slot', position: scans[i]!.position }, T0, ENV);
        step(a.state, { kind: 'scan-reel', scan: parsed[i]! }, T0 + 1000, ENV);
      },
      decideOurs: () => {
        const i = j++ % scans.length;
        const p = parsed[i]!;
        if (!p.ok) return;
        const at = slotAt(base.order!, scans[i]!.position)!;
        const id = identify(p.label, base.reels, base.config);
        if (id.ok) checkReel(base, base.order!, at, id.facts, T0, ENV.msdStatus);
      },
      verifyNaive: () => {
        const i = j++ % scans.length;
        const p = parsed[i]!;
        if (p.ok) naiveVerify(base, scans[i]!.position, p.label);
      },
    };
    const { parseOnly, ours, naive, verifyOurs, decideOurs, verifyNaive } = interleaved(ops);
    rows.push(
      `| ${n}${sink < 0 ? '' : ''} | ${us(parseOnly)} | ${us(ours)} | ${us(naive)} | ${us(verifyOurs)} | ${us(decideOurs)} | ${us(verifyNaive)} | ${(decideOurs / verifyNaive).toFixed(1)}× |`,
    );
  }
  const entry = join(__dirname, '..', '..', 'firmware', 'core', 'setup', 'index.ts');
  const setupOnly = await bundle(entry, {
    globalName: 'S',
    plugins: [{ name: 'protocol-external', setup: (b) => b.onResolve({ filter: /protocol\/src\// }, (a) => ({ path: a.path, external: true })) }],
  });
  const withProtocol = await bundle(entry, { globalName: 'S' });
  const body = [
    'One scan = one operator pairing: the slot scan and the reel scan through `step()`, the raw payload parsed by `parseLabel`',
    'on the way, with the verdict, the new state and the SlotLoaded/SlotVerified or SlotRejected messages built. Scans are the',
    'real sample payloads that parse, then synthetic Digi-Key labels (keyboard-wedge shape); one scan in four brings a reel to',
    'the wrong slot; half of the slots already hold a reel. Peers in the same run: the label parser alone (the floor under any',
    "verifier), and a naive verifier that finds the slot, the part's other slots and duplicate reels by walking the order and",
    'the slot states on every scan, and builds no state or messages. Both verifiers are first checked to give the same reason',
    'on every scan. Figures are µs per scan (lower is better).',
    '',
    '| slots | parse only | parse + verify, ours (`step` ×2) | parse + naive verify | verify only, ours (`step` ×2) | decision only, ours (identify + checks) | decision only, naive | decision: ours vs naive |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    "Parsing dominates a scan. The decision itself uses the work order's indexes (position → slot, MPN → slots, reel → slot),",
    'so it does not walk the order; the naive walk grows with the slot count. The rest of `step()` is state copying: a',
    'changed slot copies the slot array (and the reel index when the set of loaded reels changes), which keeps the core pure',
    'and grows with the order size.',
    '',
    `Setup module bundle (esbuild, \`platform: "neutral"\`, ES2020, minified): **${(setupOnly.bytes / 1024).toFixed(1)} KiB** on its own; ${(withProtocol.bytes / 1024).toFixed(1)} KiB with the protocol modules it imports (shared with the rest of the firmware).`,
    '',
  ];
  return { title: 'Setup verification', body: body.join('\n') };
}
