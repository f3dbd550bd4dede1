// `npm run bench [-- NAME…]`: runs the benchmarks and rewrites BENCHMARKS.md with the figures, the machine and the
// command. With names (e.g. `npm run bench -- storage msl`) only those run, and only their sections are replaced.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine, type Section } from './harness';
import { firmwareBench } from './firmware';
import { labelBench } from './label';
import { modbusBench } from './modbus';
import { mslBench } from './msl';
import { protocolBench } from './protocol';
import { setupBench } from './setup';
import { storageBench } from './storage';
import { runtimeBench } from './runtime';
import { traceBench } from './trace';
import { gatewayBench } from './gateway';
import { simBench } from './sim';
import { floodBench } from './flood';

/** Every benchmark, by the name that selects it on the command line, in the order of BENCHMARKS.md. */
const BENCHES: readonly (readonly [string, () => Promise<Section>])[] = [
  ['protocol', protocolBench],
  ['label', labelBench],
  ['setup', setupBench],
  ['msl', mslBench],
  ['storage', storageBench],
  ['runtime', runtimeBench],
  ['flood', floodBench],
  ['firmware', firmwareBench],
  ['modbus', modbusBench],
  ['trace', traceBench],
  ['gateway', gatewayBench],
  ['sim', simBench],
];

const FILE = join(__dirname, '..', '..', 'BENCHMARKS.md');

/** The sections of an existing BENCHMARKS.md, by title, so a partial run keeps the others. */
function existingSections(): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(FILE)) return out;
  const parts = readFileSync(FILE, 'utf8').split(/^## /m).slice(1);
  for (const p of parts) {
    const nl = p.indexOf('\n');
    out.set(p.slice(0, nl).trim(), p.slice(nl + 1).trim());
  }
  return out;
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !BENCHES.some(([n]) => n === w));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${BENCHES.map(([n]) => n).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const old = existingSections();
  const sections: Section[] = [];
  for (const [name, run] of BENCHES) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    const s = await run();
    process.stdout.write(`## ${s.title}\n\n${s.body}\n`);
    sections.push(s);
  }
  const fresh = new Map(sections.map((s) => [s.title, s.body.trimEnd()]));
  // A partial run keeps the file's order and the other sections' last figures; a new section goes at the end.
  const merged = [...old.keys(), ...fresh.keys()].filter((t, i, all) => all.indexOf(t) === i);
  const ordered = wanted.length === 0 ? [...fresh.keys()] : merged;
  const doc = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`tools/bench/`); do not edit by hand. Every figure is compared against a peer measured in the',
    'same run on the same machine.',
    '',
    `- Machine: ${machine()}`,
    `- Command: \`npm run bench\`${wanted.length > 0 ? ` (this run: \`npm run bench -- ${wanted.join(' ')}\`; other sections kept from the last run)` : ''}`,
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    '',
    ...ordered.map((t) => `## ${t}\n\n${fresh.get(t) ?? old.get(t) ?? ''}\n`),
  ].join('\n');
  writeFileSync(FILE, doc);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
