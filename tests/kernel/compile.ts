// compile.ts — build kernel Wasm in memory for the kernel unit tests.
//
// Runs AssemblyScript's compiler through its API with the kernel's own
// kernel/asconfig.json (so the tests see the same flags as `make`), from the
// repository root, and returns the binary without touching build/.

import asc from "assemblyscript/asc";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// Compile `entry` (a path relative to the repository root) and return the
// Wasm binary. Throws with asc's diagnostics on failure.
export async function compileKernelWasm(entry: string): Promise<Uint8Array> {
  let binary: Uint8Array | null = null;
  const stderr = asc.createMemoryStream();
  const stdout = asc.createMemoryStream();
  const { error } = await asc.main(
    [entry, "--config", "kernel/asconfig.json", "--target", "release",
      "--baseDir", ROOT, "-o", "out.wasm", "--noColors"],
    {
      stdout,
      stderr,
      writeFile(name, contents) {
        if (name.endsWith(".wasm") && typeof contents !== "string") binary = contents;
      },
    },
  );
  if (error || !binary) {
    throw new Error(`asc failed for ${entry}: ${error?.message ?? "no output"}\n${stderr.toString()}`);
  }
  return binary;
}
