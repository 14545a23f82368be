// The front door of the Wasm front end: bytes in, a validated Module out.
//
// Requires: any bytes. Keeps true: loadModule returns only modules that are
// well-formed (decode.ts) and valid (validate.ts); for anything else it
// throws a WasmError that names the byte offset, the function and the
// reason. The code generator must not be handed a module by any other path.

import { decodeModule } from './decode.js';
import type { Module } from './types.js';
import { validateModule } from './validate.js';

export function loadModule(bytes: Uint8Array): Module {
  const m = decodeModule(bytes);
  validateModule(m);
  return m;
}

export { decodeModule, MAX_LOCALS, MAX_PARAMS, MAX_RESULTS } from './decode.js';
export { validateModule } from './validate.js';
export { WasmError, type WasmErrorKind } from './errors.js';
export { Op, OPS, Imm, opName, opInfo, type OpInfo, type OpSig } from './opcodes.js';
export * from './types.js';
