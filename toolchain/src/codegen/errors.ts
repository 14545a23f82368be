// The error the code generator raises for a valid module it cannot compile:
// an operation it does not implement, or an import it cannot satisfy for the
// chosen target. The message names the function and the Wasm byte offset.

export class CompileError extends Error {
  constructor(
    message: string,
    public offset = -1,
    public funcName = '',
  ) {
    super(
      (offset >= 0 ? `at byte 0x${offset.toString(16)}` : '') +
        (funcName ? ` in function '${funcName}'` : '') +
        (offset >= 0 || funcName ? ': ' : '') +
        message,
    );
    this.name = 'CompileError';
  }
}
