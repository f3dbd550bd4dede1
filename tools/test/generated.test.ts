// Generated files (conformance vectors, PROTOCOL.md tables) must match their sources: run `npm run gen`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DIRS, generatedFiles, ROOT } from '../src/gen/files';

describe('generated files', () => {
  const files = generatedFiles();

  it.each([...files.keys()])('%s is up to date (run `npm run gen`)', (path) => {
    expect(existsSync(join(ROOT, path))).toBe(true);
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(files.get(path));
  });

  it('generates the Modbus register map', () => {
    expect(files.has('protocol/REGISTER-MAP.md')).toBe(true);
  });

  it('leaves no stale file in the generated folders', () => {
    for (const dir of GENERATED_DIRS) {
      for (const f of readdirSync(join(ROOT, dir))) expect(files.has(`${dir}/${f}`)).toBe(true);
    }
  });
});
