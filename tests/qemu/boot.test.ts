// boot.test.ts - the boot matrix: build/os.iso must boot with BIOS and UEFI
// firmware, from a CD and from a USB stick, into the kernel. The kernel's
// side of the contract: a banner line "tsos <version>", a line "memory map:"
// followed by the entries, then "boot complete" (after which it idles).

import { describe, test } from 'vitest';
import { BOOT_MATRIX, DEFAULT_TIMEOUT_MS, bootUntil, buildPath, check, configName, expectInLog } from './qemu';

describe('boot matrix (build/os.iso)', () => {
  for (const config of BOOT_MATRIX) {
    test(`${configName(config)} reaches the kernel banner and the memory map`, { timeout: DEFAULT_TIMEOUT_MS + 30_000 }, async () => {
      const run = await bootUntil({ iso: buildPath('os.iso'), config, until: /^boot complete$/m });

      const banner = expectInLog(run, /^tsos \S.*$/m, 'the kernel banner');
      const map = expectInLog(run, /^memory map:\n(.+)$/m, 'a "memory map:" line followed by an entry');
      const done = expectInLog(run, /^boot complete$/m, '"boot complete"');
      check(run, banner.index! < map.index! && map.index! < done.index!, 'banner, memory map and "boot complete" out of order');
      check(run, map[1].trim().length > 0 && map[1] !== 'boot complete', 'the memory map has no entries');
      check(run, !/^(EXCEPTION|PANIC)/m.test(run.log), 'an exception or panic report during boot');
    });
  }
});
