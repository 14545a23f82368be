// compile.ts — build kernel Wasm in memory for the kernel unit tests.
//
// Runs AssemblyScript's compiler through its API with the kernel's own
// kernel/asconfig.json (so the tests see the same flags as `make`), from the
// repository root, and returns the binary without touching build/ (built
// binaries are cached in the temporary directory, keyed by the sources).

import asc from "assemblyscript/asc";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// Every file a kernel test build can depend on, for the cache key.
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".ts") || e.name.endsWith(".json")) files.push(rel);
    }
  };
  walk("kernel");
  walk("tests/kernel/assembly");
  files.push("node_modules/assemblyscript/package.json");
  return files.sort();
}

// Compile `entry` (a path relative to the repository root) and return the
// Wasm binary. Throws with asc's diagnostics on failure. Test files run in
// separate workers that each compile the same entries, so results are
// cached in the system's temporary directory, keyed by a hash of every
// kernel source, the test entries and the compiler's version.
export async function compileKernelWasm(entry: string): Promise<Uint8Array> {
  const hash = createHash("sha256").update(entry);
  for (const f of sourceFiles()) hash.update(f).update(readFileSync(join(ROOT, f)));
  const cacheDir = join(tmpdir(), "tsos-kernel-wasm");
  const cached = join(cacheDir, hash.digest("hex") + ".wasm");
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  const binary = await compileUncached(entry);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, binary);
  renameSync(tmp, cached); // atomic: a concurrent reader sees all or nothing
  // Forget builds of sources nobody has had for a day.
  for (const f of readdirSync(cacheDir)) {
    const path = join(cacheDir, f);
    try { if (Date.now() - statSync(path).mtimeMs > 86_400_000) unlinkSync(path); } catch { /* another worker got it */ }
  }
  return binary;
}

async function compileUncached(entry: string): Promise<Uint8Array> {
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
