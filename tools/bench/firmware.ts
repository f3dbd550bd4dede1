// What goes onto the controller and what it needs there: the bundles of `warden build` by target and module group
// against the 128 KiB budget (peer: the same build with its documentation texts left in), and the working set on
// the standard load read from XS and QuickJS after each step (peer: an empty station in the same engine).
import { buildFirmware, BUDGET, TARGETS, type FirmwareBuild } from '../src/build/firmware';
import { emptyStation, esp32Verdict, ESP32_XS, measureWorkingSet, type WorkingSet, type WorkingSetStep } from '../src/build/workingset';
import { STANDARD_LOAD } from '../src/build/load';
import { xsnapBinary, xsVersion } from '../../host-sim/bench/xsnap';
import type { Section } from './harness';

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

function bundles(builds: readonly FirmwareBuild[], withDocs: readonly FirmwareBuild[]): string[] {
  const rows = builds.map((b, i) => {
    const limit = BUDGET[b.target];
    const verdict = limit === undefined ? '—' : b.bytes <= limit ? `within ${kib(limit)}` : `**over ${kib(limit)} by ${kib(b.bytes - limit)}**`;
    return `| ${b.target} | ${b.files.map((f) => f.file).join(', ')} | ${kib(b.bytes)} | ${kib(b.gzip)} | ${kib(withDocs[i]!.bytes)} | ${verdict} |`;
  });
  const m = builds.find((b) => b.target === 'moddable')!;
  return [
    '`npx warden build --target <target>` (esbuild, platform "neutral", ES2022, minified, documentation texts left out). Peer: the same',
    'build with the texts left in.',
    '',
    '| target | files | minified | gzipped | with docs (peer) | budget |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `The moddable bundle by module group (gzipped: each group alone); ${m.docs.texts} documentation texts (${kib(m.docs.bytes)} of source) left out:`,
    '',
    '| module group | minified | gzipped alone |',
    '|---|---|---|',
    ...m.groups.map((g) => `| ${g.group} | ${kib(g.minified)} | ${kib(g.gzip)} |`),
    '',
  ];
}

/** Which XS build measured: a 32-bit one has the controller's slot size and chunk layout. */
function xsBuild(xs: WorkingSet | undefined): string {
  if (xs === undefined || xs.baseline.engine !== 'xs') return '';
  return xs.baseline.slotBytes === ESP32_XS.slotBytes
    ? ' built for 32 bits (`tools/bin/xsnap-32bit.sh`: 16-byte slots and the chunk layout of an ESP32)'
    : ` built for 64 bits (${xs.baseline.slotBytes}-byte slots; chunk bytes are an upper bound for 32 bits: \`tools/bin/xsnap-32bit.sh\` measures the controller's)`;
}

function steps(xs: WorkingSet | undefined, qjs: WorkingSet, peers: { xs?: WorkingSetStep; qjs: WorkingSetStep }): string[] {
  const rows = [peers.qjs, ...qjs.steps].map((q, i) => {
    const x = xs === undefined ? undefined : i === 0 ? peers.xs : xs.steps[i - 1];
    const xsCells = x === undefined ? '— | — | —' : `${int(x.chunkBytes ?? 0)} | ${int(x.slots ?? 0)} | ${int((x.slots ?? 0) * ESP32_XS.slotBytes)}`;
    return `| ${q.step} | ${xsCells} | ${int(q.usedBytes ?? 0)} |`;
  });
  return [
    `Standard load: ${STANDARD_LOAD.slots} slots verified (${STANDARD_LOAD.msdReels} MSD reels with bags opened), ${STANDARD_LOAD.reelRecords} reel records, a work order, a day of`,
    `journal (${int(qjs.load.boards)} boards, ${int(qjs.load.splices)} splices, ${int(qjs.load.journalRecords)} records, ${int(qjs.load.journalKiB)} KiB of a 1 MiB partition), built`,
    'in Node through the outside interfaces; then the engine boots from that flash and each step runs through the host link, Modbus TCP,',
    'the scanner line and the board signal. Figures are above the engine with the bundle loaded and nothing run (on a device the bytecode',
    `and the module tables are preloaded into flash). XS: xsnap's XS ${xsVersion() ?? '?'}${xsBuild(xs)}, live chunk bytes and slots of a snapshot after a`,
    'collection. QuickJS: its own memory accounting.',
    'Peer: an empty station (fresh flash, no work order) in the same engine.',
    '',
    '| step | XS chunk bytes | XS slots | slots × 16 B (ESP32) | QuickJS bytes in use |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

function verdict(xs: WorkingSet | undefined): string[] {
  if (xs === undefined) return ['XS: not measured (the xsnap worker is not built on this machine).', ''];
  const v = esp32Verdict(xs);
  const chunks = v.chunksFit === true ? 'fit' : v.chunksFit === false ? 'do not fit' : 'may not fit';
  return [
    `Against a classic ESP32 (${int(ESP32_XS.chunkBytes)} bytes of chunks, ${int(ESP32_XS.slots)} slots): the working set needs ${int(v.slots)} slots (${(v.slots / ESP32_XS.slots).toFixed(2)}× the`,
    `machine: ${v.slotsFit ? 'fits' : `**does not fit, ${int(v.slots - ESP32_XS.slots)} slots over**`}) and ${v.exact ? int(v.chunkBytesUpper) : `${int(v.chunkBytesLower)}–${int(v.chunkBytesUpper)}`} bytes of chunks (${chunks}${v.exact ? ', measured in a 32-bit XS' : ', a 64-bit XS: at most twice the 32-bit figure'}).`,
    '',
    'Garbage per event in XS (slots allocated between collections, the bridge\'s own requests and answers included; each device call',
    'through the bridge allocates in the engine, where a controller calls ESP-IDF directly):',
    '',
    '| event | slots allocated | kept after a collection | bridge calls |',
    '|---|---|---|---|',
    ...xs.garbage.map((g) => `| ${g.event} | ${int(g.allocatedSlots)} | ${int(g.retainedSlots)} | ${int(g.bridgeCalls)} |`),
    '',
  ];
}

export async function firmwareBench(): Promise<Section> {
  const builds = await Promise.all(TARGETS.map((t) => buildFirmware(t)));
  const withDocs = await Promise.all(TARGETS.map((t) => buildFirmware(t, { keepDocs: true })));
  // The engines run the bundles just built.
  for (const b of builds) if (b.target !== 'moddable') await buildFirmware(b.target, { outDir: `${__dirname}/../../dist/${b.target}` });
  const hasXs = xsnapBinary() !== undefined;
  const xs = hasXs ? await measureWorkingSet('xs') : undefined;
  const qjs = await measureWorkingSet('qjs');
  const peers = { ...(hasXs ? { xs: await emptyStation('xs') } : {}), qjs: await emptyStation('qjs') };
  return {
    title: 'Firmware bundles and working set',
    body: [...bundles(builds, withDocs), ...steps(xs, qjs, peers), ...verdict(xs)].join('\n'),
  };
}
