// The label parser goes into the firmware bundle: it must build for a neutral platform and give, in an
// embedded-class engine (QuickJS), exactly the answers it gives in Node, for the samples and for damaged scans.
import { join } from 'node:path';
import { newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { bundle } from '../../../tools/src/build/bundle';
import { parseLabel } from '../../core/label';
import { SAMPLE_SCANS } from './samples';

const ENTRY = join(__dirname, '..', '..', 'core', 'label', 'index.ts');

describe('label parser in an embedded-class engine', () => {
  let code = '';
  beforeAll(async () => {
    code = (await bundle(ENTRY, { globalName: 'WardenLabel' })).code;
  });

  it('builds for platform "neutral" and uses no host globals', () => {
    for (const host of [/\brequire\(/, /\bprocess\./, /\bBuffer\b/, /\bconsole\./, /\bsetTimeout\b/, /\bDate\.now\b/]) expect(code).not.toMatch(host);
  });

  it('parses every sample (clean and with its separators dropped or pictured) in QuickJS exactly as in Node', async () => {
    const scans = SAMPLE_SCANS.flatMap((s) => [s.raw, s.raw.replace(/\u001d/g, '␝'), s.raw.replace(/[\u001d\u001e]/g, ''), s.raw.toLowerCase()]);
    const qjs = await newQuickJSWASMModuleFromVariant({
      ...releaseSync,
      importModuleLoader: () => Promise.resolve(require('@jitl/quickjs-wasmfile-release-sync/emscripten-module')),
    });
    const runtime = qjs.newRuntime();
    runtime.setMemoryLimit(16 * 1024 * 1024);
    const vm = runtime.newContext();
    try {
      vm.unwrapResult(vm.evalCode(code, 'label.js')).dispose();
      const out = vm.unwrapResult(vm.evalCode(`JSON.stringify(${JSON.stringify(scans)}.map(function (s) { return WardenLabel.parseLabel(s); }))`, 'run.js'));
      const inQuickJs = JSON.parse(vm.getString(out)) as unknown[];
      out.dispose();
      expect(inQuickJs).toEqual(scans.map((s) => JSON.parse(JSON.stringify(parseLabel(s))) as unknown));
    } finally {
      vm.dispose();
      runtime.dispose();
    }
  });
});
