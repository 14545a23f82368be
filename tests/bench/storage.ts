// Storage guest benchmark (part of `make bench`; issue 6, item 7): boots
// build/fsbench.iso under QEMU -icount shift=0 (rdtsc counts guest
// instructions) with a FAT32 disk image made here (tests/bench/fsimage.ts)
// on virtio-blk. servers/fsbench writes a 16 MiB file through the
// filesystem server in 128 KiB requests through its shared buffer, reads
// it back and compares every word (three rounds: the median counts), and times open + read + close of a
// 100-byte file. This script turns its lines into bytes per guest
// instruction and writes build/bench/storage.json; after the guest powered
// off it reads the files the guest wrote with mtools and runs fsck.fat, so
// a figure only stands when the data is right.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Qemu, buildPath } from '../qemu/qemu.js';
import { checkGuestFiles, diskArgs, makeBenchImage, IMAGE_MIB } from './fsimage.js';

const BULK = /^fsbench: (write|read) (\d+) bytes in (\d+) instructions \((\d+) requests/gm;
const SMALL = /^fsbench: small_open_read_close (\d+) \(min (\d+), max (\d+), N=(\d+)\)$/m;

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsos-fsbench-'));
  try {
    const img = makeBenchImage(dir);
    const q = new Qemu({ iso: buildPath('fsbench.iso'), icount: true, extraArgs: diskArgs(img) });
    let log: string;
    try {
      await q.waitFor(/^fsbench: (done|\d+ FAILED)$|^PANIC/m, 900_000);
      await q.waitForExit(60_000);
      log = q.result().log;
    } finally {
      await q.stop();
    }
    const failures = [...log.matchAll(/^fsbench: FAILED: .*$/gm)].map((m) => m[0]);
    const guest = log.match(/^fsbench: check guest\.bin written: (\d+) bytes/m);
    const problems = guest ? checkGuestFiles(img, dir, Number(guest[1])) : ['the guest did not write guest.bin'];
    // Each of fsbench's rounds gives a write and a read line: the median round, and the range.
    const rounds: Record<string, { bytes: number; instructions: number; requests: number }[]> = {};
    for (const m of log.matchAll(BULK)) (rounds[m[1]] ??= []).push({ bytes: Number(m[2]), instructions: Number(m[3]), requests: Number(m[4]) });
    const bulk: Record<string, { bytes: number; instructions: number; requests: number; bytesPerInstruction: number; rounds: number[] }> = {};
    for (const [k, rs] of Object.entries(rounds)) {
      const sorted = [...rs].sort((a, b) => a.instructions - b.instructions);
      const med = sorted[(sorted.length - 1) >> 1];
      bulk[k] = { ...med, bytesPerInstruction: Number((med.bytes / med.instructions).toFixed(3)), rounds: rs.map((r) => r.instructions) };
    }
    const s = log.match(SMALL);
    const result = {
      unit: 'guest instructions (QEMU -icount shift=0, rdtsc); bulk figures also as bytes per guest instruction',
      disk: `virtio-blk (legacy), FAT32 image of ${IMAGE_MIB} MiB from mkfs.fat (4 KiB clusters)`,
      requestBytes: 128 * 1024,
      sequential16MiB: bulk,
      smallOpenReadClose: s ? { median: Number(s[1]), min: Number(s[2]), max: Number(s[3]), n: Number(s[4]), fileBytes: 100 } : null,
      verified: failures.length === 0 && problems.length === 0,
    };
    mkdirSync(buildPath('bench'), { recursive: true });
    writeFileSync(buildPath('bench/storage.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(log.split('\n').filter((l) => l.startsWith('fsbench: ')).join('\n'));
    console.log('storage benchmark (build/bench/storage.json; servers/fsbench through servers/fs on virtio-blk)');
    for (const [k, v] of Object.entries(bulk)) {
      console.log(`  ${k.padEnd(6)} 16 MiB  ${v.instructions} guest instructions = ${v.bytesPerInstruction} bytes per guest instruction (${v.requests} requests; median of rounds ${v.rounds.join(', ')})`);
    }
    if (s) console.log(`  small file open+read+close  ${s[1]} guest instructions (min ${s[2]}, max ${s[3]}, N=${s[4]})`);
    for (const p of [...failures, ...problems]) console.error(`  ${p}`);
    if (!/^fsbench: done$/m.test(log) || problems.length > 0 || !bulk.write || !bulk.read || !s) {
      console.error('the storage benchmark did not finish cleanly:\n' + log);
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
