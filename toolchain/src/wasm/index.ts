// The front door of the Wasm front end: bytes in, a validated Module out.
//
// Requires: any bytes. Keeps true: loadModule returns only modules that are
// well-formed (decode.ts) and valid (validate.ts); for anything else it
// throws a WasmError that names the byte offset, the function and the
// reason. The code generator must not be handed a module by any other path.

import { decodeModule } from './decode.js';
import type { Module } from './types.js';
import { validateModule } from './validate.js';
import type { PassTimer } from '../timing.js';

/** `timer` (wasmc --time-passes): decode and validate are timed. */
export function loadModule(bytes: Uint8Array, timer?: PassTimer): Module {
  if (!timer) {
    const m = decodeModule(bytes);
    validateModule(m);
    return m;
  }
  const m = timer.run('decode', () => decodeModule(bytes));
  timer.run('validate', () => validateModule(m));
  return m;
}

export { decodeModule, MAX_LOCALS, MAX_PARAMS, MAX_RESULTS } from './decode.js';
export { validateModule } from './validate.js';
export { WasmError, type WasmErrorKind } from './errors.js';
export { Op, OPS, Imm, opName, opInfo, type OpInfo, type OpSig } from './opcodes.js';
export * from './types.js';
