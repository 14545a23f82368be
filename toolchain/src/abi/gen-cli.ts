// gen-cli.ts — writes (or checks) the files generated from the system-call
// table. Run by `make abi` (bundled to build/toolchain/abigen.js):
//
//   abigen [--root=<repo>] [--check] [--nasm=<path>]
//
// Without --check it rewrites the committed generated files whose content
// changed (kernel/syscalls.ts, kernel/syscall_dispatch.ts,
// servers/lib/sys.ts, toolchain/runtime/user.ld); with --check it only
// compares them and exits 1 naming the stale ones. --nasm=<path> writes
// only the NASM include (build/servers/syscalls.inc, not committed).

import { readFileSync, writeFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { generatedFiles, nasmIncFor } from './files.js';

function main(argv: string[]): number {
  let root = process.cwd();
  let check = false;
  let nasm: string | undefined;
  for (const a of argv) {
    if (a.startsWith('--root=')) root = a.slice('--root='.length);
    else if (a === '--check') check = true;
    else if (a.startsWith('--nasm=')) nasm = a.slice('--nasm='.length);
    else {
      console.error('usage: abigen [--root=<repo>] [--check] [--nasm=<path>]');
      return 2;
    }
  }
  if (nasm) {
    const text = nasmIncFor(root);
    if (!existsSync(nasm) || readFileSync(nasm, 'utf8') !== text) write(nasm, text);
    return 0;
  }
  const stale: string[] = [];
  for (const [rel, text] of Object.entries(generatedFiles(root))) {
    const path = join(root, rel);
    const old = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (old === text) continue;
    if (check) stale.push(rel);
    else write(path, text);
  }
  if (stale.length) {
    console.error(`abigen: stale generated files (run make abi): ${stale.join(', ')}`);
    return 1;
  }
  return 0;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

process.exitCode = main(process.argv.slice(2));
