// The one error type for bad input modules.
//
// Contract: the decoder and validator throw nothing but WasmError for any
// input, however broken. `message` is rendered once, in the constructor, as
//   <kind> module at byte 0x1a3 (function 5 'kernel/main/kmain'): <reason>
// where <kind> is "malformed" (the bytes do not decode), "invalid" (they
// decode but break a validation rule) or, for a feature outside our scope,
// "unsupported feature in module". `reason` keeps the bare text.

export type WasmErrorKind = 'malformed' | 'invalid' | 'unsupported';

export class WasmError extends Error {
  /** The message without the location prefix. */
  readonly reason: string;

  constructor(
    message: string,
    public offset: number,
    public funcIndex?: number,
    public kind: WasmErrorKind = 'invalid',
    public funcName?: string,
  ) {
    super(render(kind, message, offset, funcIndex, funcName));
    this.name = 'WasmError';
    this.reason = message;
  }
}

function render(kind: WasmErrorKind, reason: string, offset: number, funcIndex?: number, funcName?: string): string {
  const what = kind === 'malformed' ? 'malformed module' : kind === 'invalid' ? 'invalid module' : 'unsupported feature in module';
  let where = `at byte 0x${Math.max(0, offset).toString(16)}`;
  if (funcIndex !== undefined) where += funcName !== undefined ? ` (function ${funcIndex} '${funcName}')` : ` (function ${funcIndex})`;
  return `${what} ${where}: ${reason}`;
}

/** The bytes do not follow the binary format. */
export function malformed(reason: string, offset: number, funcIndex?: number): WasmError {
  return new WasmError(reason, offset, funcIndex, 'malformed');
}

/** The module decodes but breaks a validation rule. */
export function invalid(reason: string, offset: number, funcIndex?: number, funcName?: string): WasmError {
  return new WasmError(reason, offset, funcIndex, 'invalid', funcName);
}

/** The module uses a feature outside WebAssembly 2.0 without SIMD, or exceeds an implementation limit. */
export function unsupported(reason: string, offset: number, funcIndex?: number): WasmError {
  return new WasmError(reason, offset, funcIndex, 'unsupported');
}
