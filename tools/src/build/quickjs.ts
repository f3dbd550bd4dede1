// Runs a firmware bundle in QuickJS, the embedded-class engine CI has (no console, no timers, no TextEncoder),
// so tests can compare its answers with Node's. Loaded with require: jest's sandbox has no dynamic import().
import { loadQuickJS } from '../../../host-sim/bench/quickjs';

/** What engine-neutral code must never reach for: each is missing on Moddable XS or in QuickJS. */
export const HOST_GLOBALS: readonly RegExp[] = [/\brequire\(/, /\bprocess\./, /\bBuffer\b/, /\bconsole\./, /\bsetTimeout\b/, /\bDate\.now\b/];

/**
 * Evaluates each script in order in one fresh QuickJS context and returns the last one's value as a string
 * (so the last script should end in a JSON.stringify). A script error becomes a rejected promise.
 */
export async function runInQuickJS(scripts: readonly string[]): Promise<string> {
  const runtime = (await loadQuickJS()).newRuntime();
  // Unset or large, deep recursion in the interpreter can crash the Node process (reference/engines.md).
  runtime.setMaxStackSize(256 * 1024);
  runtime.setMemoryLimit(16 * 1024 * 1024);
  const vm = runtime.newContext();
  try {
    let last = '';
    scripts.forEach((src, i) => {
      const r = vm.evalCode(src, `script-${i}.js`);
      if (r.error) {
        const err = vm.dump(r.error) as unknown;
        r.error.dispose();
        throw new Error(`QuickJS: ${JSON.stringify(err)}`);
      }
      last = vm.typeof(r.value) === 'string' ? vm.getString(r.value) : '';
      r.value.dispose();
    });
    return last;
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}
