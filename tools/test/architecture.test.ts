// The arrows point down: tools → host-sim → firmware → protocol, and firmware/core imports nothing but protocol/.
// hw-tests may use protocol/ and host-sim/. Checked on every import of every source file, so a shortcut across the
// layers fails CI instead of growing quietly.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    if (name === 'node_modules') continue;
    const rel = join(dir, name);
    const st = statSync(join(ROOT, rel));
    if (st.isDirectory()) out.push(...sources(rel));
    else if (/\.ts$/.test(name)) out.push(rel);
  }
  return out;
}

/** The top-level folder (or `firmware/core`) a repository path belongs to. */
function layer(rel: string): string {
  const parts = rel.split(sep);
  if (parts[0] === 'firmware' && parts[1] === 'core') return 'firmware/core';
  return parts[0]!;
}

/** Which layers a layer may import from (itself included). Test files may also use the test helpers of the layers below. */
const ALLOWED: Record<string, readonly string[]> = {
  protocol: ['protocol'],
  'firmware/core': ['firmware/core', 'protocol'],
  firmware: ['firmware', 'firmware/core', 'protocol'],
  'host-sim': ['host-sim', 'firmware', 'firmware/core', 'protocol'],
  'hw-tests': ['hw-tests', 'host-sim', 'firmware', 'firmware/core', 'protocol'],
  tools: ['tools', 'hw-tests', 'host-sim', 'firmware', 'firmware/core', 'protocol', 'package.json'],
};

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('the arrows point down', () => {
  const files = ['protocol', 'firmware', 'host-sim', 'hw-tests', 'tools'].flatMap((d) => sources(d));

  it.each(files.filter((f) => !/[\\/]test[\\/]|\.test\.ts$/.test(f)))('%s imports only from the layers below it', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const from = layer(file);
    const bad: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue; // packages (typed-binary in protocol; Node and npm in tools and tests)
      const target = relative(ROOT, resolve(dirname(join(ROOT, file)), spec));
      const to = layer(target);
      if (!(ALLOWED[from] ?? []).includes(to)) bad.push(`${spec} (${to})`);
    }
    expect(bad).toEqual([]);
  });

  it('firmware and protocol code imports no package but typed-binary', () => {
    // The one exception: the Moddable main module opens the device (SDK modules that exist only on the controller).
    const sdk = (file: string, spec: string) => file === join('firmware', 'platform', 'moddable', 'main.ts') && /^(embedded:|timer$|time$|microseconds$|mc\/config$)/.test(spec);
    const bad: string[] = [];
    for (const file of files) {
      if (/[\\/]test[\\/]|\.test\.ts$/.test(file)) continue;
      const l = layer(file);
      if (l !== 'protocol' && l !== 'firmware' && l !== 'firmware/core') continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2]!;
        if (!spec.startsWith('.') && spec !== 'typed-binary' && !sdk(file, spec)) bad.push(`${file}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
