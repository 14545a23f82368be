// files.ts — which file of the repository each generator of generate.ts
// makes, with the inputs read from the repository (kernel/errors.ts).
// Shared by gen-cli.ts (make abi) and the freshness test.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSyscalls, kernelDispatch, userLib, nasmInc, userLinkerScript, parseKErr } from './generate.js';

/** Committed generated files: path relative to the repository -> content. */
export function generatedFiles(root: string): Record<string, string> {
  const kerr = parseKErr(readFileSync(join(root, 'kernel/errors.ts'), 'utf8'));
  return {
    'kernel/syscalls.ts': kernelSyscalls(),
    'kernel/syscall_dispatch.ts': kernelDispatch(),
    'servers/lib/sys.ts': userLib(kerr),
    'toolchain/runtime/user.ld': userLinkerScript(),
  };
}

/** build/servers/syscalls.inc (made by make, not committed). */
export function nasmIncFor(root: string): string {
  return nasmInc(parseKErr(readFileSync(join(root, 'kernel/errors.ts'), 'utf8')));
}
