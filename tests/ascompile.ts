// ascompile.ts — AssemblyScript builds for the Node tests: compile an entry
// through asc's API (from the repository root, without touching build/) and
// return the Wasm binary. `ascCompileCached` keeps results in the system's
// temporary directory, keyed by the flags and every source file the build can
// read, because test files run in separate workers that compile the same
// entries. Used by tests/kernel/compile.ts, tests/servers/fatwasm.ts,
// tests/servers/system.ts, tests/servers/kbd.test.ts, tests/console/console.ts.

import asc from "assemblyscript/asc";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

// Compile `entry` (relative to the repository root) with asc `flags`.
// Throws with asc's diagnostics on failure.
export async function ascCompile(entry: string, flags: string[]): Promise<Uint8Array<ArrayBuffer>> {
  let binary: Uint8Array | null = null;
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main([entry, ...flags, "--baseDir", ROOT, "-o", "out.wasm", "--noColors"], {
    stdout: asc.createMemoryStream(),
    stderr,
    writeFile(name: string, contents: Uint8Array | string) {
      if (name.endsWith(".wasm") && typeof contents !== "string") binary = contents;
    },
  });
  if (error || !binary) throw new Error(`asc failed for ${entry}: ${error?.message ?? "no output"}\n${stderr.toString()}`);
  return new Uint8Array(binary as Uint8Array);
}

export interface CachedBuild {
  entry: string;
  flags: string[];
  sourceDirs: string[];    // every directory the build reads (walked recursively)
  extensions?: string[];   // source file endings in those directories; default [".ts"]
  cacheName: string;       // sub-directory of the temporary directory
}

// Every source file of the build, plus the compiler's version, for the key.
function sourceFiles(dirs: string[], extensions: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (extensions.some((x) => e.name.endsWith(x))) files.push(rel);
    }
  };
  for (const d of dirs) walk(d);
  files.push("node_modules/assemblyscript/package.json");
  return files.sort();
}

export async function ascCompileCached(b: CachedBuild): Promise<Uint8Array<ArrayBuffer>> {
  const hash = createHash("sha256").update(b.entry).update(b.flags.join(" "));
  for (const f of sourceFiles(b.sourceDirs, b.extensions ?? [".ts"])) hash.update(f).update(readFileSync(join(ROOT, f)));
  const dir = join(tmpdir(), b.cacheName);
  const cached = join(dir, hash.digest("hex") + ".wasm");
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached));
  const out = await ascCompile(b.entry, b.flags);
  mkdirSync(dir, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, cached);   // atomic: a concurrent worker sees all or nothing
  for (const f of readdirSync(dir)) {   // forget builds nobody has had for a day
    try { if (Date.now() - statSync(join(dir, f)).mtimeMs > 86_400_000) unlinkSync(join(dir, f)); } catch { /* another worker got it */ }
  }
  return out;
}
