// fsbench.test.ts — the filesystem server's shared-buffer protocol (issue
// 6, bulk data) from a client's side, in QEMU: servers/fsbench on
// build/fsbench.iso (the storage benchmark's ISO) over a FAT32 image made
// here with mkfs.fat + mcopy (tests/bench/fsimage.ts). Checked: a request
// before any attach gets E_FS_NOBUF; bad attaches (no capability, not a
// memory object, too large) and requests outside the buffer, past 4 GiB or
// with a bad handle get clear errors; a client that revokes the buffer
// it attached gets E_FS_NOBUF ("gone") for a read and a write, and the
// server keeps running (it copies with mem_copy, never through a mapping
// of the client's memory); a host file read in odd pieces into
// odd buffer offsets is byte-for-byte what the host wrote; what the guest
// wrote the same way, and the benchmark's 16 MiB file, are byte-for-byte
// what mtools reads after power-off, and fsck.fat finds nothing wrong.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPath, Qemu } from './qemu';
import { checkGuestFiles, diskArgs, HOST_BYTES, makeBenchImage } from '../bench/fsimage';

const dir = mkdtempSync(path.join(tmpdir(), 'tsos-fsbench-'));
let img = '';
let log = '';

describe('filesystem server: bulk data through a shared buffer (servers/fsbench)', () => {
  beforeAll(async () => {
    img = makeBenchImage(dir);
    const q = new Qemu({ iso: buildPath('fsbench.iso'), extraArgs: diskArgs(img) });
    try {
      await q.waitFor(/^fsbench: (done|\d+ FAILED)$|^PANIC/m, 400_000);
      await q.waitForExit(60_000);
    } finally {
      log = (await q.stop()).log;
    }
  }, 500_000);
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('runs to the end without a failure', () => {
    expect(log.match(/^fsbench: FAILED: .*$/gm) ?? []).toEqual([]);
    expect(log).toMatch(/^fsbench: done$/m);
    expect(log).not.toMatch(/init: fs: (crashed|exited)/);
  });

  it('bad requests get clear errors', () => {
    const check = (what: string, message: string) =>
      expect(log).toContain(`fsbench: check ${what} ok: ${message}\n`);
    check('read without a buffer', 'invalid argument (no shared buffer: attach one first (L_FS_ATTACH))');
    check('attach without a capability', 'invalid argument (L_FS_ATTACH without a memory object capability)');
    check('attach of a notification', 'invalid argument (the capability sent is not a memory object)');
    check('attach of 132 KiB', 'invalid argument (shared buffer larger than 128 KiB (bytes) 135168)');
    check('read past the buffer\'s end', 'invalid argument (request longer than the rest of the shared buffer (bytes) 131072)');
    check('read longer than the buffer', 'invalid argument (request longer than the rest of the shared buffer (bytes) 131072)');
    check('buffer offset past the end', 'invalid argument (buffer offset past the end of the shared buffer (bytes) 131072)');
    check('file offset past 4 GiB', 'invalid argument (file offset past 4 GiB)');
    check('bad handle', 'bad file handle (bad handle 2147483647)');
    const gone = 'invalid argument (the shared buffer is gone (its capability was revoked or deleted): attach again)';
    check('read into a revoked buffer', gone);
    check('write from a revoked buffer', gone);
    expect(log).toMatch(/^fsbench: check attach ok$/m);
  });

  it('reads what the host wrote, in odd pieces at odd buffer offsets', () => {
    expect(log).toMatch(new RegExp(`^fsbench: check host\\.bin ok: ${HOST_BYTES} bytes in \\d+ reads$`, 'm'));
    expect(log).toMatch(/^fsbench: read 16777216 bytes in \d+ instructions \(128 requests, verified\)$/m);
    expect(log).toMatch(/^fsbench: small\.txt 100 bytes, verified$/m);
  });

  it('what the guest wrote is what mtools reads after power-off; fsck.fat is content', () => {
    const m = log.match(/^fsbench: check guest\.bin written: (\d+) bytes in (\d+) writes$/m);
    expect(m).not.toBeNull();
    expect(checkGuestFiles(img, dir, Number(m![1]))).toEqual([]);
  });
});
