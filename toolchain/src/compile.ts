// The backend's whole pipeline in one function:
//   bytes --decode--> Module --validate--> Module --codegen--> NASM text.
// Nothing is emitted for a module that fails decoding or validation.
// opts.timer (wasmc --time-passes, timing.ts) times each step.

import { loadModule } from './wasm/index.js';
import { compileModule, CompileOptions } from './codegen/module.js';

export type { CompileOptions, Target, Cpu } from './codegen/module.js';

export function compile(bytes: Uint8Array, opts: CompileOptions): string {
  const module = loadModule(bytes, opts.timer); // decode + validate; throws WasmError
  return compileModule(module, opts); // throws CompileError
}
