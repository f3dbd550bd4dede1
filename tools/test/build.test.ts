// What `warden build` puts on a controller: documentation texts left out (and only those), each target's bundle
// engine-neutral, sizes by module group that add up, the Moddable project mcconfig needs, and the budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { transformSync } from 'esbuild';
import ts from 'typescript';
import { DOC_ARGUMENTS, DOC_METHODS, DOC_PROPERTIES, stripDocs } from '../src/build/docs';
import { buildFirmware, BUDGET, type FirmwareBuild } from '../src/build/firmware';
import { GROUPS } from '../src/build/groups';
import { CREATION, JOURNAL_PARTITION_KIB, moddableManifest, PARTITIONS } from '../src/build/moddable';
import { HOST_GLOBALS } from '../src/build/quickjs';
import { STATION_WIRING } from '../../firmware/platform/moddable/board';

// Three minified builds of the whole firmware: seconds on an idle machine, more on a busy CI one.
jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');

/** Every documentation text of the modules the strip plugin knows, read from their sources (at least 16 characters). */
function docTexts(): string[] {
  const files = [...new Set([...Object.keys(DOC_PROPERTIES), ...Object.keys(DOC_ARGUMENTS), ...readdirSync(join(ROOT, 'protocol', 'src')).filter((f) => f.endsWith('.ts')).map((f) => `protocol/src/${f}`)])];
  const out: string[] = [];
  const text = (n: ts.Node): string[] =>
    ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) ? [n.text] : ts.isTemplateExpression(n) ? [n.head.text] : ts.isConditionalExpression(n) ? [...text(n.whenTrue), ...text(n.whenFalse)] : [];
  for (const f of files) {
    const sf = ts.createSourceFile(f, readFileSync(join(ROOT, f), 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && DOC_METHODS.includes(n.expression.name.text) && n.arguments[0]) out.push(...text(n.arguments[0]));
      if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && (DOC_PROPERTIES[f] ?? []).includes(n.name.text)) out.push(...text(n.initializer));
      const args = DOC_ARGUMENTS[f];
      if (args !== undefined && ts.isCallExpression(n) && ts.isIdentifier(n.expression) && args[n.expression.text] !== undefined) {
        const a = n.arguments[args[n.expression.text]!];
        if (a !== undefined) out.push(...text(a));
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out.filter((t) => t.length >= 16);
}

describe('documentation texts in device bundles', () => {
  let builds: FirmwareBuild[];
  beforeAll(async () => {
    builds = await Promise.all([buildFirmware('moddable'), buildFirmware('xs')]);
  });

  it('none of the texts the docs generator reads is in a device bundle, and hundreds were taken out', () => {
    const texts = docTexts();
    expect(texts.length).toBeGreaterThan(300);
    for (const b of builds) {
      const code = b.files.map((f) => f.code).join('\n');
      const found = texts.filter((t) => code.includes(JSON.stringify(t).slice(1, -1)) || code.includes(t));
      expect(found).toEqual([]);
      expect(b.docs.texts).toBeGreaterThan(500);
    }
  });

  it('takes out .about(text), the listed properties and the config doc arguments, and nothing else', () => {
    const src = [
      "const a = f.u8().about('The answer.');",
      "const b = f.struct({ x: f.u16().about(`Two ${'words'}.`), y: f.bool() }).about('A' + 'B');",
      "export const M = { Hello: { type: 1, summary: 'Opens a session.', cfx: '', schema: b } };",
    ].join('\n');
    const s = stripDocs(src, 'protocol/src/messages.ts');
    expect(s.source).toContain('const a = f.u8();');
    expect(s.source).toContain('x: f.u16(), y: f.bool() });');
    expect(s.source).toContain('Hello: { type: 1, schema: b }');
    expect(s.texts).toBe(5);
    // A doc property whose value is not text would change behaviour if removed: the build stops, naming the line.
    expect(() => stripDocs("export const M = { X: { summary: make() } };", 'protocol/src/messages.ts')).toThrow(/protocol\/src\/messages\.ts:1: property summary must be literal text/);
    expect(() => stripDocs('const a = f.u8().about(meaning);', 'protocol/src/fields-user.ts')).toThrow(/:1: \.about\(…\) must be literal text/);
    // Config builders keep their other arguments; the doc argument becomes ''.
    expect(stripDocs("const c = { a: int(1, 9, 3, 'Doc text.', 'ms'), b: bool(true, 'Other doc.') };", 'firmware/core/station/config.ts').source).toBe("const c = { a: int(1, 9, 3, '', 'ms'), b: bool(true, '') };");
    // Other modules, and properties not listed for a module, are left as they are.
    expect(stripDocs("const m = { meaning: 'Kept: not a listed module.' };", 'firmware/core/setup/setup.ts').source).toBe("const m = { meaning: 'Kept: not a listed module.' };");
  });

  it('leaves well-formed code for any text in any of those places', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.boolean(), (a, b, last) => {
        const lit = (x: string) => JSON.stringify(x);
        const src = `export const M = { X: { type: 1, ${last ? '' : `summary: ${lit(a)}, `}schema: f.struct({ v: f.u8().about(${lit(b)}) })${last ? `, summary: ${lit(a)}` : ''} } };`;
        const out = stripDocs(src, 'protocol/src/messages.ts').source;
        expect(() => transformSync(out, { loader: 'ts' })).not.toThrow();
        expect(out.replace(/\s+/g, ' ')).toBe(last ? 'export const M = { X: { type: 1, schema: f.struct({ v: f.u8() }), } };' : 'export const M = { X: { type: 1, schema: f.struct({ v: f.u8() }) } };');
      }),
      { numRuns: 200 },
    );
  });
});

describe('the device bundles', () => {
  let all: Record<'moddable' | 'qjs' | 'xs', FirmwareBuild>;
  beforeAll(async () => {
    const [moddable, qjs, xs] = await Promise.all([buildFirmware('moddable'), buildFirmware('qjs'), buildFirmware('xs')]);
    all = { moddable: moddable!, qjs: qjs!, xs: xs! };
  });

  it('reach no Node or host global; only the Moddable main imports device modules', () => {
    // The Moddable main is the platform's main module: the system clock (Date.now) is handed in from there.
    const allowed = (file: string, g: RegExp) => file === 'main.js' && g.source.includes('Date');
    for (const b of Object.values(all)) {
      for (const f of b.files) for (const g of HOST_GLOBALS) if (!allowed(f.file, g)) expect({ file: f.file, global: g.source, hit: g.test(f.code) }).toEqual({ file: f.file, global: g.source, hit: false });
    }
    const [app, main] = all.moddable.files;
    expect(app!.file).toBe('warden.js');
    expect(app!.code).not.toMatch(/embedded:|from"timer"|from"time"/);
    const imports = [...main!.code.matchAll(/from"([^"]+)"|import"([^"]+)"/g)].map((m) => m[1] ?? m[2]).sort();
    expect(imports).toEqual(['embedded:io/digital', 'embedded:io/i2c', 'embedded:io/serial', 'embedded:io/socket/listener', 'embedded:io/socket/tcp', 'embedded:storage/flash', 'mc/config', 'microseconds', 'time', 'timer', 'warden']);
  });

  it('count every byte in exactly one module group, and each group gzipped alone', () => {
    for (const b of Object.values(all)) {
      const groups = b.groups.reduce((n, g) => n + g.minified, 0);
      // esbuild's own glue (the module wrapper, export lists) is the only part no module owns.
      expect(groups).toBeLessThanOrEqual(b.bytes);
      expect(b.bytes - groups).toBeLessThan(2048);
      for (const g of b.groups) {
        expect(GROUPS).toContain(g.group);
        expect(g.gzip).toBeGreaterThan(0);
        expect(g.gzip).toBeLessThan(g.minified);
      }
    }
    // No third-party code: the protocol carries its own byte reader and writer (protocol/src/binary.ts).
    expect(all.moddable.groups.map((g) => g.group)).toEqual(['core', 'protocol', 'Modbus', 'storage', 'runtime', 'platform']);
  });

  it('report the moddable bundle against its 128 KiB budget, and no growth past today\'s ceiling', () => {
    const b = all.moddable;
    expect(BUDGET.moddable).toBe(128 * 1024);
    expect(b.budget).toEqual({ limit: 128 * 1024, ok: b.bytes <= 128 * 1024 });
    // The budget is not met (issue 14: 282.4 KiB reached, the core's label layouts, MSL tables and setup rules
    // dominate; `warden build --check` fails on it). This ceiling holds what was reached, with 2 % of room: lower it
    // when the bundle shrinks, never raise it to let growth through.
    expect(b.bytes).toBeLessThanOrEqual(288 * 1024);
  });
});

describe('the Moddable project', () => {
  it('is a manifest mcconfig builds for ESP32: preloaded firmware, fixed XS heaps of a classic ESP32, our partitions', () => {
    const m = moddableManifest({ station: { stationId: 9 }, secret: new Uint8Array(16).fill(0xab), wiring: { runPermit: 4 } }) as Record<string, any>;
    expect(m['include']).toEqual(['$(MODDABLE)/examples/manifest_base.json', '$(MODDABLE)/modules/io/manifest.json', '$(MODDABLE)/modules/io/flash/manifest.json', '$(MODDABLE)/modules/base/microseconds/manifest.json']);
    expect(m['modules']).toEqual({ '*': ['./main', './warden'] });
    expect(m['preload']).toEqual(['warden']);
    expect(m['creation']).toEqual(CREATION);
    expect(CREATION).toMatchObject({ static: 0, chunk: { initial: 78_848, incremental: 0 }, heap: { initial: 4_928, incremental: 0 }, stack: 512, main: 'main' });
    expect(m['config']).toEqual({ wardenStation: '{"stationId":9}', wardenSecret: 'ab'.repeat(16), wardenWiring: '{"runPermit":4}' });
    expect(m['platforms'].esp32.build).toEqual({ PARTITIONS_FILE: './partitions.csv' });
    // A build for the line carries no secret at all.
    expect((moddableManifest({}) as Record<string, any>)['config']).toEqual({});
  });

  it('partitions a 4 MB module without gaps or overlaps, with the journal and store the board opens', () => {
    const rows = PARTITIONS.split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(',').map((x) => x.trim()));
    let end = 0x9000;
    for (const [, , , offset, size] of rows) {
      expect(Number(offset)).toBe(end);
      expect(Number(offset) % 0x1000).toBe(0);
      end = Number(offset) + Number(size);
    }
    expect(end).toBeLessThanOrEqual(4 * 1024 * 1024);
    const byName = new Map(rows.map((r) => [r[0], r]));
    expect(byName.get('factory')?.[3]).toBe('0x10000');
    expect(Number(byName.get(STATION_WIRING.flash.journal)![4])).toBe(JOURNAL_PARTITION_KIB * 1024);
    expect(byName.get(STATION_WIRING.flash.store)?.[1]).toBe('data');
  });
});
