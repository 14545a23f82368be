// compile.ts — build kernel Wasm in memory for the kernel unit tests.
//
// Runs AssemblyScript's compiler through its API with the kernel's own
// kernel/asconfig.json (so the tests see the same flags as `make`), from the
// repository root, and returns the binary without touching build/ (built
// binaries are cached in the temporary directory, keyed by the sources).

import { ascCompileCached, ROOT } from "../ascompile";

export { ROOT };

// Compile `entry` (a path relative to the repository root) and return the
// Wasm binary. Throws with asc's diagnostics on failure. Cached by
// tests/ascompile.ts, keyed by every kernel source, the test entries and the
// compiler's version.
export async function compileKernelWasm(entry: string): Promise<Uint8Array> {
  return ascCompileCached({
    entry,
    flags: ["--config", "kernel/asconfig.json", "--target", "release"],
    sourceDirs: ["kernel", "tests/kernel/assembly"],
    extensions: [".ts", ".json"],
    cacheName: "tsos-kernel-wasm",
  });
}
