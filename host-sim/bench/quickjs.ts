// The QuickJS WebAssembly module (quickjs-emscripten, release build, synchronous), loaded once per process.
// Loaded with require: jest's sandbox has no dynamic import().
import { newQuickJSWASMModuleFromVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';

let loaded: Promise<QuickJSWASMModule> | undefined;

export function loadQuickJS(): Promise<QuickJSWASMModule> {
  loaded ??= newQuickJSWASMModuleFromVariant({
    ...releaseSync,
    importModuleLoader: () => Promise.resolve(require('@jitl/quickjs-wasmfile-release-sync/emscripten-module')),
  });
  return loaded;
}
