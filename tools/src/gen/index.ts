// `npm run gen`: rewrites every generated file (vectors, PROTOCOL.md tables) and removes stale ones.
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_DIRS, generatedFiles, ROOT } from './files';

const files = generatedFiles();
for (const dir of GENERATED_DIRS) {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) continue;
  for (const f of readdirSync(abs)) if (!files.has(`${dir}/${f}`)) rmSync(join(abs, f));
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(ROOT, path)), { recursive: true });
  writeFileSync(join(ROOT, path), content);
}
process.stdout.write(`wrote ${files.size} generated files\n`);
