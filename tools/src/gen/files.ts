// Every generated file of the repository and its content (vectors, PROTOCOL.md tables, MSL tables, REGISTER-MAP.md). `npm run gen` writes them; a test fails when the
// committed copies differ, so generated docs and vectors can never go stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderThickTable, THICK_TS } from './msl-tables';
import { applySections, renderSections } from './protocol-doc';
import { REGISTER_MAP_MD, renderRegisterMap } from './register-map';
import { buildVectors } from './vectors';
import { renderRuntimeSections } from './runtime-doc';

export const ROOT = join(__dirname, '..', '..', '..');

export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const v of buildVectors()) {
    files.set(`protocol/vectors/${v.name}.json`, `${JSON.stringify(v, null, 2)}\n`);
  }
  const docPath = 'protocol/PROTOCOL.md';
  files.set(docPath, applySections(readFileSync(join(ROOT, docPath), 'utf8'), renderSections()));
  files.set(THICK_TS, renderThickTable(ROOT));
  const runtimeDoc = 'firmware/runtime/README.md';
  files.set(runtimeDoc, applySections(readFileSync(join(ROOT, runtimeDoc), 'utf8'), renderRuntimeSections()));
  files.set(REGISTER_MAP_MD, renderRegisterMap());
  return files;
}

/** Generated-file folders: any file there that the generator does not produce is stale. */
export const GENERATED_DIRS = ['protocol/vectors/ok', 'protocol/vectors/reject'];
