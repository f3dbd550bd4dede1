// The engines a bench can run the firmware in, each behind the same two calls: deliver a command to the
// firmware's handleCommand, and read the engine's memory. The firmware inside is the same bridge module
// (firmware/platform/bridge) in all three; only how its `issueCommand` reaches the devices differs.
import { bridge } from '../../firmware/platform/bridge/engine';
import { loadQuickJS } from './quickjs';
import { XsnapWorker, type XsHeap, type XsMeter } from './xsnap';

export const ENGINES = ['node', 'qjs', 'xs'] as const;
export type EngineKind = (typeof ENGINES)[number];

/** QuickJS's own accounting (JS_ComputeMemoryUsage), bytes. */
export interface QjsMemory {
  readonly engine: 'qjs';
  /** Everything the runtime has allocated and not freed. */
  readonly usedBytes: number;
  /** Of which compiled functions: bytecode, its line tables and function objects (in flash on a device). */
  readonly codeBytes: number;
  readonly objects: number;
  readonly strings: number;
}

export interface XsMemory extends XsHeap {
  readonly engine: 'xs';
  readonly meter: XsMeter;
}

export type EngineMemory = QjsMemory | XsMemory;

export interface Engine {
  readonly kind: EngineKind;
  /** Calls the firmware's handleCommand; resolves with what it returned. */
  command(bytes: Uint8Array): Promise<Uint8Array>;
  /** The engine's own memory figures (none for Node). For XS, after a collection. */
  memory(): Promise<EngineMemory | undefined>;
  /** The slots in use after the last command (XS's meter), without a collection; undefined elsewhere. */
  lastHeapCount(): number | undefined;
  /** Gone, as on a power cut: nothing in its memory survives. */
  dispose(): void;
}

type OnCommand = (request: Uint8Array) => Uint8Array;

function copyOut(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** In-process: the bridge module runs in Node itself, its issueCommand a plain call. */
export function nodeEngine(onCommand: OnCommand): Engine {
  const handle = bridge((req) => copyOut(onCommand(new Uint8Array(req))));
  return {
    kind: 'node',
    command: async (bytes) => new Uint8Array(handle(copyOut(bytes))),
    memory: async () => undefined,
    lastHeapCount: () => undefined,
    dispose: () => {},
  };
}

/** The most QuickJS's interpreter may recurse, bytes (reference/engines.md: unset or large can crash Node). */
export const QJS_STACK_BYTES = 256 * 1024;

export async function qjsEngine(code: string, onCommand: OnCommand): Promise<Engine> {
  const rt = (await loadQuickJS()).newRuntime();
  rt.setMaxStackSize(QJS_STACK_BYTES);
  const vm = rt.newContext();
  const issue = vm.newFunction('issueCommand', (h) => {
    const arg = vm.getArrayBuffer(h);
    const req = arg.value.slice();
    arg.dispose();
    return vm.newArrayBuffer(copyOut(onCommand(req)));
  });
  vm.setProp(vm.global, 'issueCommand', issue);
  issue.dispose();
  const loaded = vm.evalCode(code, 'warden-qjs.js');
  if (loaded.error) {
    const err = vm.dump(loaded.error) as unknown;
    loaded.error.dispose();
    vm.dispose();
    rt.dispose();
    throw new Error(`QuickJS: the bundle did not load: ${JSON.stringify(err)}`);
  }
  loaded.value.dispose();
  const handleCommand = vm.getProp(vm.global, 'handleCommand');
  let alive = true;
  return {
    kind: 'qjs',
    async command(bytes) {
      if (!alive) throw new Error('QuickJS: the engine is gone (power cut)');
      const arg = vm.newArrayBuffer(copyOut(bytes));
      const r = vm.callFunction(handleCommand, vm.undefined, arg);
      arg.dispose();
      if (r.error) {
        const err = vm.dump(r.error) as unknown;
        r.error.dispose();
        throw new Error(`QuickJS: ${JSON.stringify(err)}`);
      }
      const out = vm.typeof(r.value) === 'object' ? vm.getArrayBuffer(r.value) : undefined;
      const bytesOut = out === undefined ? new Uint8Array(0) : out.value.slice();
      out?.dispose();
      r.value.dispose();
      return bytesOut;
    },
    async memory() {
      const h = rt.computeMemoryUsage();
      const m = vm.dump(h) as Record<string, number>;
      h.dispose();
      const n = (k: string) => m[k] ?? 0;
      return {
        engine: 'qjs',
        usedBytes: n('memory_used_size'),
        codeBytes: n('js_func_size') + n('js_func_code_size') + n('js_func_pc2line_size'),
        objects: n('obj_count'),
        strings: n('str_size'),
      };
    },
    lastHeapCount: () => undefined,
    dispose() {
      if (!alive) return;
      alive = false;
      handleCommand.dispose();
      vm.dispose();
      rt.dispose();
    },
  };
}

export async function xsEngine(code: string, onCommand: OnCommand): Promise<Engine> {
  const w = XsnapWorker.start(onCommand);
  let last: number | undefined;
  try {
    last = (await w.evaluate(code)).meter.currentHeapCount;
  } catch (e) {
    w.kill();
    throw e;
  }
  return {
    kind: 'xs',
    async command(bytes) {
      const r = await w.command(bytes);
      last = r.meter.currentHeapCount;
      return r.reply;
    },
    async memory() {
      const h = await w.heap();
      last = h.meter.currentHeapCount;
      return { engine: 'xs', ...h };
    },
    lastHeapCount: () => last,
    dispose: () => w.kill(),
  };
}
