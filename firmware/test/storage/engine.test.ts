// The storage layer goes into the firmware bundle: it must build for platform "neutral", use no host globals,
// and give bit-for-bit the same results in an embedded-class engine (QuickJS) as in Node.
import { join } from 'node:path';
import { newQuickJSWASMModuleFromVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { bundle } from '../../../tools/src/build/bundle';
import { runScenario } from './fixtures/scenario';

const ROOT = join(__dirname, '..', '..', '..');

function loadQuickJS(): Promise<QuickJSWASMModule> {
  return newQuickJSWASMModuleFromVariant({
    ...releaseSync,
    importModuleLoader: () => Promise.resolve(require('@jitl/quickjs-wasmfile-release-sync/emscripten-module')),
  });
}

describe('storage in the firmware bundle', () => {
  it('the storage modules and the Moddable adapter bundle engine-neutral, with no host globals', async () => {
    for (const entry of ['firmware/core/storage/index.ts', 'firmware/platform/moddable/flash.ts']) {
      const { code } = await bundle(join(ROOT, entry), { globalName: 'X' });
      for (const host of [/\brequire\(/, /\bprocess\./, /\bBuffer\b/, /\bconsole\./, /\bsetTimeout\b/, /\bDate\.now\b/, /embedded:/]) {
        expect(code).not.toMatch(host);
      }
    }
  });

  it('runs a scenario with a power cut in QuickJS exactly as in Node', async () => {
    const { code } = await bundle(join(__dirname, 'fixtures', 'scenario.ts'), { globalName: 'WardenStorage' });
    const qjs = await loadQuickJS();
    const runtime = qjs.newRuntime();
    runtime.setMaxStackSize(256 * 1024);
    const vm = runtime.newContext();
    try {
      vm.unwrapResult(vm.evalCode(code, 'storage.js')).dispose();
      const out = vm.unwrapResult(vm.evalCode('WardenStorage.runScenario(7)', 'run.js'));
      const inQuickJS = vm.getString(out);
      out.dispose();
      const inNode = runScenario(7);
      expect(inNode).toContain('JOURNAL_TORN_TAIL');
      expect(inQuickJS).toBe(inNode);
    } finally {
      vm.dispose();
      runtime.dispose();
    }
  });
});
