// fattools.ts — the host's FAT tools (dosfstools, mtools) for the FAT
// tests: make and populate images, read them back, check them.
//
// toolchain/deps.sh installs both; where they are genuinely absent the
// tests skip with a message naming the packages.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PATHS = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/local/bin"];

function find(tool: string): string | null {
  for (const d of (process.env.PATH ?? "").split(":").concat(PATHS)) {
    if (d && existsSync(join(d, tool))) return join(d, tool);
  }
  return null;
}

const TOOLS = ["mkfs.fat", "fsck.fat", "mcopy", "mmd", "mdir", "mtype", "mattrib"] as const;
const found = Object.fromEntries(TOOLS.map((t) => [t, find(t)])) as Record<(typeof TOOLS)[number], string | null>;
export const missingTools = TOOLS.filter((t) => !found[t]);
export const toolsMessage = missingTools.length
  ? `FAT interop tests skipped: ${missingTools.join(", ")} not found (install the dosfstools and mtools packages: sudo apt-get install -y dosfstools mtools, or run toolchain/deps.sh)`
  : "";
if (missingTools.length) console.warn(toolsMessage);

const ENV = { ...process.env, MTOOLS_SKIP_CHECK: "1", LC_ALL: "C.UTF-8", MTOOLS_NO_VFAT: "" };

function run(tool: (typeof TOOLS)[number], args: string[], input?: Buffer): Buffer {
  return execFileSync(found[tool]!, args, { env: ENV, input, maxBuffer: 64 << 20, stdio: ["pipe", "pipe", "pipe"] });
}

export function tempDir(): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), "tsos-fat-"));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

// A fresh image of `mib` MiB formatted as FAT12/16/32 (`extra`: more mkfs.fat options).
export function mkfs(path: string, fat: 12 | 16 | 32, mib: number, extra: string[] = []): void {
  rmSync(path, { force: true });
  run("mkfs.fat", ["-C", "-F", String(fat), "-n", "TSOSTEST", "-i", "12345678", ...extra, path, String(mib * 1024)]);
}

export function mmd(image: string, dir: string): void { run("mmd", ["-i", image, `::${dir}`]); }

// Copies bytes into the image as `dest` (an absolute path inside it).
export function mput(image: string, dest: string, data: Buffer, work: string): void {
  const src = join(work, "upload.bin");
  writeFileSync(src, data);
  run("mcopy", ["-i", image, "-o", src, `::${dest}`]);
}

export function mget(image: string, path: string): Buffer { return run("mtype", ["-i", image, `::${path}`]); }

// Copies a file out with mcopy (binary) and returns its bytes.
export function mcopyOut(image: string, path: string, work: string): Buffer {
  const dst = join(work, "download.bin");
  run("mcopy", ["-i", image, "-n", "-o", `::${path}`, dst]);
  return readFileSync(dst);
}

// Names in a directory by `mdir -b` (bare: one path per line).
export function mls(image: string, dir: string): string[] {
  const out = run("mdir", ["-i", image, "-b", `::${dir}`]).toString("utf8");
  return out.split("\n").filter((l) => l.length > 0).map((l) => l.replace(/^::/, "").replace(/\/$/, "").split("/").pop()!);
}

// The full `mdir` listing (short names, sizes, long names).
export function mdir(image: string, dir: string): string {
  return run("mdir", ["-i", image, `::${dir}`]).toString("utf8");
}

// fsck.fat -n -v: whether it is clean, and its whole output.
export function fsck(image: string): { ok: boolean; output: string; status: number | null } {
  const r = spawnSync(found["fsck.fat"]!, ["-n", "-v", image], { env: ENV, encoding: "utf8" });
  const output = (r.stdout ?? "") + (r.stderr ?? "");
  return { ok: r.status === 0, output, status: r.status };
}

// Deterministic test data.
export function pattern(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}
