// badboot.test.ts - bad boot input (issue 8, item 4): an ISO made here with
// qemu/mkiso.sh carries, besides the good servers/hello, a corrupt server
// image (random bytes), a truncated one (servers/hello cut in half), an
// ELF whose header was damaged (wrong machine), an empty module, and a
// command line full of garbage (words without '=', empty keys and values,
// repeated '=', quotes, a 300-character word, unknown keys, a bad value for a known
// key). The kernel must report each bad module with one clear line
// ("process <name>: bad ELF image: <reason>, skipped"), boot what it can
// (hello runs to its end) and never panic.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, REPO, bootUntil, buildPath, check, expectInLog } from './qemu';

test('corrupt, truncated, damaged and empty modules and a garbage command line: reported, the rest boots', { timeout: DEFAULT_TIMEOUT_MS + 60_000 }, async () => {
  const dir = buildPath('badboot');
  mkdirSync(dir, { recursive: true });
  const hello = readFileSync(buildPath('servers/hello.elf'));
  let x = 12345;
  const random = Buffer.alloc(20000);
  for (let i = 0; i < random.length; i++) { x = (x * 1103515245 + 12345) & 0x7fffffff; random[i] = x >> 16; }
  const damaged = Buffer.from(hello);
  damaged.writeUInt16LE(0x28, 18); // e_machine: ARM
  const files: [string, Buffer][] = [
    ['corrupt', random],
    ['truncated', hello.subarray(0, hello.length >> 1)],
    ['damaged', damaged],
    ['empty', Buffer.alloc(0)],
    ['hello', hello],
  ];
  const elfs = files.map(([name, data]) => {
    const f = path.join(dir, `${name}.elf`);
    writeFileSync(f, data);
    return f;
  });
  const garbage = `===== =x novalue interrupts=nonsense key=val=ue ,,,, ~~~ ${'w'.repeat(300)} fuzz.seed=zz = title=\"a b\"`;
  const iso = path.join(dir, 'badboot.iso');
  execFileSync('bash', [path.join(REPO, 'qemu/mkiso.sh'), buildPath('kernel.elf'), garbage, iso, ...elfs]);
  const run = await bootUntil({
    iso, config: BOOT_MATRIX[0], timeoutMs: DEFAULT_TIMEOUT_MS,
    until: /^process hello: wasm trap: .*stopped$|^PANIC|^EXCEPTION/m,
  });
  check(run, !/^(PANIC|EXCEPTION)/m.test(run.log), 'a kernel panic or exception report');
  expectInLog(run, /^command line: ".*=====/m, 'the command line echoed');
  for (const name of ['corrupt', 'truncated', 'damaged', 'empty']) {
    const m = expectInLog(run, new RegExp(`^process ${name}: bad ELF image: (.+), skipped$`, 'm'), `the report of module ${name}`);
    console.log(`badboot: ${name}: ${m[1]}`);
  }
  expectInLog(run, /^boot complete$/m, 'boot complete');
  expectInLog(run, /^hello from user space$/m, 'the good module running');
});
