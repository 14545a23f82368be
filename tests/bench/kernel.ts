// Kernel guest benchmarks (part of `make bench`): boots build/bench.iso
// under QEMU -icount shift=0 (the guest's rdtsc counts executed guest
// instructions, so the figures are repeatable) and collects the lines of
// servers/kbench, "kbench: <name> <median> (min <min>, max <max>, N=<n>)",
// into build/bench/kernel.json and a table. Each figure is the median per
// iteration over N iterations after a warm-up, in guest instructions, with
// the cost of an empty rdtsc pair subtracted (servers/kbench/main.ts says
// what each one times).

import { mkdirSync, writeFileSync } from 'node:fs';
import { Qemu, buildPath } from '../qemu/qemu.js';

const LINE = /^kbench: (\w+) (\d+) \(min (\d+), max (\d+), N=(\d+)\)$/gm;

async function main() {
  const q = new Qemu({ iso: buildPath('bench.iso'), icount: true });
  let log: string;
  try {
    await q.waitFor(/^kbench: (done|.*FAILED.*)$|^PANIC|^process init: .*stopped$/m, 600_000);
    log = q.result().log;
  } finally {
    await q.stop();
  }
  const overhead = log.match(/^kbench: overhead (\d+)/m);
  const figures: Record<string, { median: number; min: number; max: number; n: number }> = {};
  for (const m of log.matchAll(LINE)) figures[m[1]] = { median: Number(m[2]), min: Number(m[3]), max: Number(m[4]), n: Number(m[5]) };
  // Bulk transfers (bulk_copy_<bytes>, bulk_shm_<bytes>: instructions per transfer; servers/lib/bulk.ts,
  // which the shell's bench runs in the system too) as bytes per guest instruction.
  const bulkBytesPerInstruction: Record<string, number> = {};
  for (const [k, v] of Object.entries(figures)) {
    const b = k.match(/^bulk_\w+_(\d+)$/);
    if (b && v.median > 0) bulkBytesPerInstruction[k] = Number((Number(b[1]) / v.median).toFixed(3));
  }
  const result = {
    unit: 'guest instructions per iteration (QEMU -icount shift=0, rdtsc), median after warm-up',
    rdtscPairOverhead: overhead ? Number(overhead[1]) : null,
    figures,
    bulkBytesPerInstruction,
  };
  mkdirSync(buildPath('bench'), { recursive: true });
  writeFileSync(buildPath('bench/kernel.json'), JSON.stringify(result, null, 2) + '\n');
  console.log('kernel benchmark (build/bench/kernel.json; guest instructions, median)');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(22)} ${String(v.median).padStart(6)}   (min ${v.min}, max ${v.max}, N=${v.n})`);
  for (const [k, v] of Object.entries(bulkBytesPerInstruction)) console.log(`  ${k.padEnd(22)} ${v} bytes per guest instruction`);
  if (!/^kbench: done$/m.test(log)) {
    console.error('kbench did not finish cleanly:\n' + log);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
