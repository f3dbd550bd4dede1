// `npm run bench`: runs every benchmark and rewrites BENCHMARKS.md with the figures, the machine and the command.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine, type Section } from './harness';
import { firmwareBench } from './firmware';
import { labelBench } from './label';
import { mslBench } from './msl';
import { protocolBench } from './protocol';
import { setupBench } from './setup';
import { storageBench } from './storage';

async function main(): Promise<void> {
  const sections: Section[] = [];
  for (const run of [protocolBench, labelBench, setupBench, mslBench, storageBench, firmwareBench]) {
    const s = await run();
    process.stdout.write(`## ${s.title}\n\n${s.body}\n`);
    sections.push(s);
  }
  const doc = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`tools/bench/`); do not edit by hand. Every figure is compared against a peer measured in the',
    'same run on the same machine.',
    '',
    `- Machine: ${machine()}`,
    `- Command: \`npm run bench\``,
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    '',
    ...sections.map((s) => `## ${s.title}\n\n${s.body.trimEnd()}\n`),
  ].join('\n');
  writeFileSync(join(__dirname, '..', '..', 'BENCHMARKS.md'), doc);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
