// fault.test.ts - the exception report, end to end. build/test-fault.iso boots
// the kernel with "test=fault": it prints
//     test=fault: reading physical address 0x<address>
// and reads that address through the direct map, where nothing is mapped
// (boot/ maps physical 0..4 GiB at DIRECT_MAP_BASE). boot/exception.asm must
// report a #PF with CR2 = DIRECT_MAP_BASE + address, RIP in the kernel's
// code, the registers and a backtrace, and end QEMU with status 35.

import { execFileSync } from 'node:child_process';
import { test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, EXIT_FAILURE, bootUntilExit, buildPath, check, expectInLog } from './qemu';

const DIRECT_MAP_BASE = 0xffff_8000_0000_0000n;
const HEX = '0x([0-9a-f]{16})';

/** Address of a symbol of build/kernel.elf (the kernel inside the test ISOs). */
function symbol(name: string): bigint {
  const out = execFileSync('nm', [buildPath('kernel.elf')], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`no symbol ${name} in ${buildPath('kernel.elf')}`);
  return BigInt(`0x${line.split(' ')[0]}`);
}

test('test=fault: a page fault gives a complete exception report and exit status 35', { timeout: DEFAULT_TIMEOUT_MS + 30_000 }, async () => {
  const run = await bootUntilExit({ iso: buildPath('test-fault.iso'), config: BOOT_MATRIX[0] });

  const announce = expectInLog(run, /^test=fault: reading physical address 0x([0-9a-fA-F]+)$/m, 'the kernel announcing the read');
  const head = expectInLog(run, new RegExp(`^EXCEPTION 14 #PF page fault err=${HEX}$`, 'm'), 'the exception line for vector 14');
  check(run, announce.index! < head.index!, 'the exception report came before the kernel announced the read');
  const err = BigInt(`0x${head[1]}`);
  check(run, (err & 0b111n) === 0n, `error code ${head[1]}: expected a not-present read in kernel mode (bits 0..2 clear)`);

  const report = run.log.slice(head.index!);
  const field = (name: string) => {
    const m = report.match(new RegExp(`(?:^| )${name}=${HEX}(?= |$)`, 'm'));
    check(run, m !== null, `register ${name} missing from the exception report`);
    return BigInt(`0x${m![1]}`);
  };
  for (const r of ['CS', 'RFLAGS', 'RSP', 'SS', 'CR3', 'RAX', 'RBX', 'RCX', 'RDX', 'RSI', 'RDI', 'RBP']) field(r);
  for (let i = 8; i <= 15; i++) field(`R${i}`);

  const cr2 = field('CR2');
  const expected = DIRECT_MAP_BASE + BigInt(`0x${announce[1]}`);
  check(run, cr2 === expected, `CR2=0x${cr2.toString(16)}, expected DIRECT_MAP_BASE + address = 0x${expected.toString(16)}`);

  const rip = field('RIP');
  const textStart = symbol('_text_start');
  const textEnd = symbol('_text_end');
  check(run, rip >= textStart && rip < textEnd, `RIP=0x${rip.toString(16)} is outside the kernel's code [0x${textStart.toString(16)}, 0x${textEnd.toString(16)})`);

  const trace = report.match(/^backtrace:\n((?: {2}0x[0-9a-f]{16}\n)+)/m);
  check(run, trace !== null, 'no backtrace in the exception report');
  check(run, BigInt(trace![1].trim().split('\n')[0].trim()) === rip, 'the backtrace does not start at RIP');
  expectInLog(run, /^end of exception report$/m, 'the end of the report');

  check(run, run.exitCode === EXIT_FAILURE, `QEMU exit status ${run.exitCode}, expected ${EXIT_FAILURE} (isa-debug-exit 0x11)`);
});
