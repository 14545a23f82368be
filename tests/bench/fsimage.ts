// fsimage.ts — the host side of servers/fsbench (the storage benchmark and
// its protocol checks): the patterns it writes and expects
// (servers/fsbench/pattern.ts, the same formula), the disk image it runs on
// (FAT32 from mkfs.fat's defaults for 320 MiB: 4 KiB clusters; /bench/host.bin
// and /bench/small.txt put there with mcopy), the QEMU arguments for it
// (virtio-blk) and the check, with mtools after the guest powered off, of
// what the guest wrote. Used by tests/bench/storage.ts (make bench) and
// tests/qemu/fsbench.test.ts.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const HOST_SEED = 7, SEQ_SEED = 1, SMALL_SEED = 3;
export const HOST_BYTES = (3 << 20) + 1234;   // read by the guest in odd pieces
export const SMALL_BYTES = 100;
export const SEQ_BYTES = 16 << 20;
export const IMAGE_MIB = 320;

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
}

/** n bytes of pattern `seed`: at every offset o that is a multiple of 4, the u32 word(o, seed), little-endian. */
export function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n + 4);
  for (let o = 0; o < n; o += 4) {
    const w = (Math.imul((((o + seed) >>> 0) ^ 0x5bd1e995) >>> 0, 0x9e3779b1) ^ (o >>> 7)) >>> 0;
    b.writeUInt32LE(w, o);
  }
  return b.subarray(0, n);
}

/** The image in dir: its path. */
export function makeBenchImage(dir: string): string {
  const img = path.join(dir, 'fsbench.img');
  run('mkfs.fat', ['-C', '-F', '32', '-n', 'TSOSBENCH', img, String(IMAGE_MIB * 1024)]);
  run('mmd', ['-i', img, '::/bench']);
  for (const [name, data] of [['host.bin', pattern(HOST_BYTES, HOST_SEED)], ['small.txt', pattern(SMALL_BYTES, SMALL_SEED)]] as const) {
    const f = path.join(dir, name);
    writeFileSync(f, data);
    run('mcopy', ['-i', img, f, `::/bench/${name}`]);
  }
  return img;
}

/** QEMU arguments: the image as a virtio-blk disk (legacy interface, as tests/qemu/storage.test.ts). */
export function diskArgs(img: string): string[] {
  return ['-drive', `file=${img},if=none,id=d0,format=raw`, '-device', 'virtio-blk-pci,drive=d0,disable-modern=on'];
}

/** The file at `p` in the image, through mtools. */
export function readBack(img: string, dir: string, p: string): Buffer {
  const out = path.join(dir, 'readback.bin');
  run('mcopy', ['-o', '-n', '-i', img, `::${p}`, out]);
  return readFileSync(out);
}

/**
 * After the guest powered off: what mtools reads of the files the guest
 * wrote (guest.bin: `guestBytes` of pattern 1 in odd pieces; seq.bin: the
 * benchmark's 16 MiB of pattern 1) and what fsck.fat says. Problems as text.
 */
export function checkGuestFiles(img: string, dir: string, guestBytes: number): string[] {
  const problems: string[] = [];
  const expectSame = (p: string, want: Buffer) => {
    const got = readBack(img, dir, p);
    if (got.length !== want.length) problems.push(`${p}: ${got.length} bytes, expected ${want.length}`);
    else if (!got.equals(want)) {
      let i = 0;
      while (got[i] === want[i]) i++;
      problems.push(`${p}: differs from the pattern at byte ${i}`);
    }
  };
  expectSame('/bench/guest.bin', pattern(guestBytes, SEQ_SEED));
  expectSame('/bench/seq.bin', pattern(SEQ_BYTES, SEQ_SEED));
  try {
    run('fsck.fat', ['-n', img]);
  } catch (e) {
    problems.push(`fsck.fat -n: ${(e as { stdout?: string }).stdout ?? String(e)}`);
  }
  return problems;
}
