// Boot benchmark (part of `make bench`): boots build/os.iso (BIOS, CD) and
// reports, as JSON in build/bench/boot.json and as a table:
// - guest instructions from kernel entry (_start) to the banner, read from the
//   kernel's own `boot: N TSC ticks ...` line in a run under -icount shift=0,
//   where the guest's rdtsc counts executed instructions (repeatable);
// - guest instructions per null system call round trip (user -> kernel ->
//   user), measured by servers/hello in the same run;
// - guest instructions per IPC call + reply_recv round trip between two
//   address spaces (servers/ipcclient and ipcserver), same run;
// - wall time from QEMU's start to the banner and to `boot complete`, in a
//   normal run (what a user waits; depends on the machine's load).
// Sizes of the ISO and of the generated kernel code come along.

import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Qemu, buildPath } from '../qemu/qemu.js';

const BANNER = /^tsos \d+\.\d+\.\d+/m;
const TICKS = /boot: (\d+) TSC ticks from kernel entry to banner/;
const NULL_SYSCALL = /hello: null syscall: (\d+) ticks per call/;
const IPC_ROUND_TRIP = /ipc: call\+reply round trip: (\d+) ticks/;

async function timedBoot(icount: boolean) {
  const q = new Qemu({ iso: buildPath('os.iso'), icount });
  const t0 = Date.now();
  try {
    await q.waitFor(BANNER, 600_000);
    const banner = Date.now() - t0;
    await q.waitFor(/^boot complete$/m, 600_000);
    const complete = Date.now() - t0;
    // The programs run after "boot complete" (kernel/README.md, User mode).
    if (icount) {
      await q.waitFor(NULL_SYSCALL, 600_000);
      await q.waitFor(IPC_ROUND_TRIP, 600_000);
    }
    return { banner, complete, log: q.result().log };
  } finally {
    await q.stop();
  }
}

function sectionSize(obj: string, section: string): number {
  const out = execFileSync('objdump', ['-h', obj], { encoding: 'utf8' });
  const m = out.match(new RegExp(`\\s${section.replace('.', '\\.')}\\s+([0-9a-f]+)`));
  return m ? parseInt(m[1], 16) : 0;
}

async function main() {
  const counted = await timedBoot(true);
  const ticks = counted.log.match(TICKS);
  const nullCall = counted.log.match(NULL_SYSCALL);
  const ipc = counted.log.match(IPC_ROUND_TRIP);
  const wall = await timedBoot(false);
  const result = {
    guestInstructionsEntryToBanner: ticks ? Number(ticks[1]) : null,
    guestInstructionsNullSyscall: nullCall ? Number(nullCall[1]) : null,
    guestInstructionsIpcRoundTrip: ipc ? Number(ipc[1]) : null,
    wallMsQemuStartToBanner: wall.banner,
    wallMsQemuStartToBootComplete: wall.complete,
    isoBytes: statSync(buildPath('os.iso')).size,
    kernelWasmBytes: statSync(buildPath('kernel/kernel.wasm')).size,
    kernelGeneratedTextBytes: sectionSize(buildPath('kernel/kernel.o'), '.text'),
    kernelElfTextBytes: sectionSize(buildPath('kernel.elf'), '.text'),
  };
  mkdirSync(buildPath('bench'), { recursive: true });
  writeFileSync(buildPath('bench/boot.json'), JSON.stringify(result, null, 2) + '\n');
  console.log('boot benchmark (build/bench/boot.json)');
  for (const [k, v] of Object.entries(result)) console.log(`  ${k.padEnd(34)} ${v}`);
  if (!ticks) {
    console.error('the kernel printed no "boot: N TSC ticks" line');
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
