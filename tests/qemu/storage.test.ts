// storage.test.ts — issue 6 in QEMU: the PCI server, the two block drivers
// (servers/virtioblk: legacy virtio-blk, -device virtio-blk-pci,
// disable-modern=on; servers/ahci: a SATA disk on q35's built-in ich9-ahci,
// -device ide-hd,bus=ide.2; DMA through memory objects, IRQs as
// notifications) and the FAT filesystem server on whichever driver found
// the disk, used from the shell like a user would (build/storage.iso).
// Disk images are made on the host with mkfs.fat + mmd + mcopy (nested
// directories, long names, files of 0 B, 1 B, 4 KiB, 5 MiB); after the
// guest powers off, what it wrote is read back with mtools and the image
// is checked with fsck.fat -n. The matrix: FAT16 and FAT32 on virtio-blk,
// FAT32 on AHCI (one boot each, SeaBIOS), and a short boot of FAT32 on
// AHCI under UEFI firmware (OVMF). A corrupt image gives a clear error.

import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPath, Qemu, type Firmware } from './qemu';

const ISO = buildPath('storage.iso');
const PROMPT = 'tsos> ';
const dir = mkdtempSync(path.join(tmpdir(), 'tsos-storage-'));

function sh(cmd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, MTOOLS_SKIP_CHECK: '1', ...env } });
}

// A deterministic pattern of n bytes.
function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = 0x20 + ((x >>> 16) % 95); }
  return b;
}

// An image: FAT type, size in KiB; filled by mmd/mcopy.
function makeImage(name: string, fat: 12 | 16 | 32, kib: number): string {
  const img = path.join(dir, name);
  sh('mkfs.fat', ['-C', '-F', String(fat), '-n', 'TSOS', img, String(kib)]);
  const put = (file: string, data: Buffer, dest: string) => {
    const f = path.join(dir, file);
    writeFileSync(f, data);
    sh('mcopy', ['-i', img, f, `::${dest}`]);
  };
  sh('mmd', ['-i', img, '::/docs', '::/docs/deep', '::/docs/deep/deeper']);
  put('empty', Buffer.alloc(0), '/empty.txt');
  put('one', Buffer.from('x'), '/one.txt');
  put('hello', Buffer.from('hello from the host\n'), '/HELLO.TXT');
  put('four', pattern(4096, 4), '/docs/four-k.bin');
  put('long', Buffer.from('a file with a long name\n'), '/docs/deep/A file with a Long Name.text');
  put('big', pattern(5 << 20, 5), '/big.bin');
  put('bad', pattern(4096, 6), '/bad.bin');      // its first sector fails to read in QEMU (blkdebug, below)
  return img;
}

// The first sector of a file's data: its first cluster (mshowfat) placed by the boot sector's geometry.
function firstSector(img: string, file: string): number {
  const cluster = Number(/<(\d+)/.exec(sh('mshowfat', ['-i', img, `::${file}`]))![1]);
  const b = Buffer.alloc(512);
  const fd = openSync(img, 'r');
  readSync(fd, b, 0, 512, 0);
  closeSync(fd);
  const fatSectors = b.readUInt16LE(22) || b.readUInt32LE(36);
  const rootSectors = Math.ceil((b.readUInt16LE(17) * 32) / 512);
  return b.readUInt16LE(14) + b[16] * fatSectors + rootSectors + (cluster - 2) * b[13];
}

let q: Qemu;
let img = '';

async function run(cmd: string, timeoutMs = 30_000): Promise<string> {
  await new Promise((r) => setTimeout(r, 100));   // type like a person, not into the prompt's tail
  const out = await q.command(cmd, PROMPT, timeoutMs);
  // Without the supervisor's and the drivers' own console lines (a restart under load).
  // (A driver's crash and restart also print "crash: ..." and "<driver>: ..." lines; the shell's own is "crash: sent to".)
  return out.split('\n').filter((l) => !/^(init|serial|process \w+|virtioblk|ahci): |^crash: (?!sent to)/.test(l)).join('\n');
}

type Bus = 'virtio' | 'ahci';
// The disk on a virtio-blk device, or as a SATA disk on port 2 of q35's AHCI controller (port 0: the boot CD).
const DEVICE: Record<Bus, string> = { virtio: 'virtio-blk-pci,drive=d0,disable-modern=on', ahci: 'ide-hd,drive=d0,bus=ide.2' };
const DRIVER: Record<Bus, string> = { virtio: 'virtioblk', ahci: 'ahci' };

// badSector: reads that touch it fail with EIO (QEMU's blkdebug between the raw format and the file):
// the device reports the error (virtio-blk: status IOERR; AHCI: a task file error).
function boot(image: string, bus: Bus = 'virtio', badSector = -1, firmware: Firmware = 'bios'): Qemu {
  const drive = badSector < 0
    ? ['-drive', `file=${image},if=none,id=d0,format=raw`]
    : ['-blockdev', JSON.stringify({ driver: 'raw', 'node-name': 'd0', file: { driver: 'blkdebug',
        'inject-error': [{ event: 'read_aio', sector: badSector, errno: 5 }], image: { driver: 'file', filename: image } } })];
  return new Qemu({ iso: ISO, config: { firmware, media: 'cd' }, extraArgs: [...drive, '-device', DEVICE[bus]] });
}

afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

// The interoperability matrix: FAT16 and FAT32 images on virtio-blk, FAT32 on AHCI.
const MATRIX = [{ bus: 'virtio', fat: 16, mib: 32 }, { bus: 'virtio', fat: 32, mib: 64 }, { bus: 'ahci', fat: 32, mib: 64 }] as const;
for (const { bus, fat, mib } of MATRIX) {
const sectors = mib * 2048;
const driver = DRIVER[bus];
describe(`storage: PCI, ${bus === 'ahci' ? 'AHCI' : 'virtio-blk'}, FAT server, shell (FAT${fat} image from mkfs.fat + mcopy)`, () => {
  beforeAll(async () => {
    img = makeImage(`${bus}-fat${fat}.img`, fat, mib * 1024);
    q = boot(img, bus, firstSector(img, '/bad.bin'));
    await q.waitFor(PROMPT, 90_000);
    await q.waitFor(/init: flaky: crash loop/, 30_000);
    await new Promise((r) => setTimeout(r, 300));
  }, 150_000);
  afterAll(async () => { await q?.stop(); });

  it('boot: the PCI server lists the devices, the driver finds the disk, fs mounts it', () => {
    const log = q.log;
    expect(log).toMatch(/pci: capability checks passed\n/);   // servers/pci/selfcheck.ts: kernel/sys_dma.ts on the real path
    // device memory end to end: init's devmem= -> pci res_derive (one BAR) -> mem_map uncached -> AHCI's version register
    expect(log).toMatch(/pci: MMIO: AHCI registers at 0x[0-9a-f]+ mapped uncached, version 1\.0\n/);
    expect(log).toMatch(/pci: 00:1f\.2 8086:2922 class 010601 irq \d+ bar4 io 0x[0-9a-f]+\+0x20 bar5 mem 0x[0-9a-f]+\+0x1000\n/);
    if (bus === 'virtio') {
      expect(log).toMatch(/pci: 00:02\.0 1af4:1001 class 010000 irq \d+ bar0 io /);
      expect(log).toMatch(new RegExp(`virtioblk: ${sectors} sectors \\(${mib} MiB\\), io 0x[0-9a-f]+, queue \\d+, irq yes`));
      // the AHCI driver takes the controller, skips the boot CD and idles without a disk
      expect(log).toMatch(/ahci: no SATA disk on an AHCI controller\n/);
    } else {
      expect(log).toMatch(/ahci: controller 00:1f\.2 at 0x[0-9a-f]+, AHCI 1\.0, 6 ports, irq \d+\n/);
      expect(log).toMatch(new RegExp(`ahci: port 2: SATA disk 'QEMU HARDDISK', ${sectors} sectors \\(${mib} MiB\\)\n`));
      expect(log).toMatch(/ahci: using port 2, irq yes\n/);
      // MSI, not the INTx line (which a real PC routes only per ACPI _PRT): the PCI server programs the
      // device with the message the kernel names for MSI IRQ 192 + the device's index (vectors 224..239).
      expect(log).toMatch(/pci: 00:1f\.2 MSI: IRQ (19[2-9]|20[0-7]), vector 0x(e[0-9a-f]|ef), local APIC 0\n/);
      expect(log).toMatch(/ahci: interrupts by MSI\n/);
      expect(log).toMatch(/ahci: port 2: first command completed by its interrupt\n/);
      expect(log).toMatch(/virtioblk: no virtio-blk device \(legacy 1af4:1001\)\n/);
    }
    // the driver without a device idles: nobody crashed or was restarted
    expect(log).not.toMatch(/init: (virtioblk|ahci|fs): (crashed|exited|restarting)/);
    expect(log).toMatch(new RegExp(`fs: mounted FAT${fat}, ${sectors} sectors`));
  });

  it('lspci and disks', async () => {
    const l = await run('lspci');
    if (bus === 'virtio') expect(l).toMatch(/^00:02\.0 1af4:1001 class 010000 irq +\d+ +SCSI storage \(virtio-blk\)$/m);
    expect(l).toMatch(/^00:1f\.2 8086:2922 class 010601 irq +\d+ +SATA controller \(AHCI\)$/m);
    expect(l).toMatch(/^00:00\.0 8086:29c0 class 060000 +host bridge$/m);
    const kind = bus === 'ahci' ? 'AHCI SATA' : 'virtio-blk';
    expect(await run('disks')).toBe(`disk0: ${kind}, ${sectors} sectors of 512 bytes (${mib} MiB), FAT volume mounted\n`);
  });

  it('reads what the host wrote: nested directories, long names, 0 B, 1 B, 4 KiB, 5 MiB', async () => {
    const root = await run('ls');
    expect(root).toMatch(/^ +20 {2}HELLO\.TXT$/m);
    expect(root).toMatch(/^ +0 {2}empty\.txt$/m);
    expect(root).toMatch(/^ +1 {2}one\.txt$/m);
    expect(root).toMatch(/^ +5242880 {2}big\.bin$/m);
    expect(root).toMatch(/^ +<dir> {2}docs\/$/m);
    expect(await run('cat /HELLO.TXT')).toBe('hello from the host\n');
    expect(await run('cat one.txt')).toBe('x\n');   // the shell ends the line
    expect(await run('cat empty.txt')).toBe('');
    expect(await run('cat "/docs/deep/a file with a long name.TEXT"')).toBe('a file with a long name\n');
    const deep = await run('ls /docs/deep');
    expect(deep).toMatch(/^ +24 {2}A file with a Long Name\.text$/m);
    expect(deep).toMatch(/^ +<dir> {2}deeper\/$/m);
    const four = await run('cat /docs/four-k.bin');
    expect(four).toBe(pattern(4096, 4).toString('latin1') + '\n');
  }, 60_000);

  it('errors are clear', async () => {
    expect(await run('cat /nope.txt')).toMatch(/^cat: no such file or directory/);
    expect(await run('rmdir /docs')).toMatch(/^rmdir: directory not empty/);
    expect(await run('mkdir /docs')).toMatch(/^mkdir: file exists/);
    expect(await run('cat /docs')).toMatch(/^cat: is a directory/);
  });

  it('a sector the device cannot read: the error reaches the shell, the driver recovers and carries on', async () => {
    const mark = q.log.length;
    expect(await run('cat /bad.bin')).toMatch(/^cat: I\/O error on the block device/);
    if (bus === 'ahci') {
      const log = await q.waitForAfter(mark, /ahci: port 2: recovered after the error\n/, 10_000);
      expect(log).toMatch(/ahci: port 2: task file error, status 0x[0-9a-f]{2} error 0x[0-9a-f]{2}, command 0x25 at sector \d+/);
    }
    expect(await run('cat /HELLO.TXT')).toBe('hello from the host\n');
    expect(q.log.slice(mark)).not.toMatch(/init: (virtioblk|ahci|fs): crashed/);
  }, 60_000);

  it('writes, copies, renames, deletes; df and sync', async () => {
    expect(await run('mkdir /made')).toBe('');
    expect(await run('write /made/note.txt written in "the guest" today')).toBe('');
    expect(await run('cat /made/note.txt')).toBe('written in the guest today\n');
    expect(await run('write "/made/Long Name From Guest.txt" long')).toBe('');
    expect(await run('cp /docs/four-k.bin /made/copy.bin')).toBe('');
    expect(await run('mv /HELLO.TXT /made/hello-moved.txt')).toBe('');
    expect(await run('rm /one.txt')).toBe('');
    expect(await run('mkdir /gone')).toBe('');
    expect(await run('rmdir /gone')).toBe('');
    expect(await run('df')).toMatch(new RegExp(`^FAT${fat}: ` + /\d+ KiB, \d+ KiB used, \d+ KiB free \(\d+ clusters of \d+ bytes\)\n$/.source));
    expect(await run('sync')).toBe('synced\n');
  }, 60_000);

  it('copies the 5 MiB file inside the guest (a figure: read + write through the server, 128 KiB requests in the shared buffer)', async () => {
    const t0 = Date.now();
    expect(await run('cp /big.bin /made/big-copy.bin', 120_000)).toBe('');
    const s = (Date.now() - t0) / 1000;
    expect(await run('sync')).toBe('synced\n');
    console.log(`storage ${bus} FAT${fat}: cp of 5 MiB in the guest (TCG, wall): ${s.toFixed(1)} s = ${(5 / s).toFixed(2)} MiB/s read+write`);
  }, 150_000);

  it('the block driver crashes during a request: init restarts it, the filesystem server re-attaches its buffer and retries', async () => {
    const mark = q.log.length;
    expect(await run(`crash ${driver} pointer`)).toMatch(new RegExp(`crash: sent to '${driver}'`));
    // armed: the next block request (the write's, or the sync's) fires it (servers/lib/crash.ts);
    // fs gets DEAD_PARTNER, and retries until the new instance has its buffer again
    expect(await run('write /after-crash.txt the driver came back')).toBe('');
    expect(await run('sync')).toBe('synced\n');
    await q.waitForAfter(mark, /crash: firing during a request/, 30_000);
    await q.waitForAfter(mark, new RegExp(`init: ${driver}: started \\(instance 2`), 30_000);
    await q.waitForAfter(mark, new RegExp(`${driver}: ready`), 30_000);
    expect(await run('cat /after-crash.txt')).toBe('the driver came back\n');
  }, 60_000);

  it('the filesystem server crashes: init restarts it, the shell attaches its shared buffer again and carries on', async () => {
    expect(await run('sync')).toBe('synced\n');
    expect(await run('cat /docs/four-k.bin')).toBe(pattern(4096, 4).toString('latin1') + '\n');   // the shell's buffer is attached
    // the shell's other shared memory (bench, servers/bulksink) keeps its hands off the buffer's slot and mapping
    expect(await run('bench', 60_000)).toMatch(/^shared memory vs copy: /m);
    expect(await run('cat /docs/four-k.bin')).toBe(pattern(4096, 4).toString('latin1') + '\n');
    const mark = q.log.length;
    await run('crash fs pointer');   // armed: the next request fires it (servers/lib/crash.ts)
    await run('ls /docs');           // fs dies in the middle of it
    await q.waitForAfter(mark, /crash: sent to 'fs'/, 30_000);
    await q.waitForAfter(mark, /init: fs: started \(instance 2/, 30_000);
    await q.waitForAfter(mark, /fs: ready/, 30_000);
    // the new instance has no buffer: the shell's first read gets E_FS_NOBUF, attaches, retries
    expect(await run('cat /docs/four-k.bin')).toBe(pattern(4096, 4).toString('latin1') + '\n');
    expect(await run('cp /docs/four-k.bin /after-fs-crash.bin')).toBe('');
    expect(await run('sync')).toBe('synced\n');
  }, 60_000);

  it('after power-off, mtools reads what the guest wrote and fsck.fat finds nothing wrong', async () => {
    q.send('poweroff\r');
    await q.waitForExit(30_000);
    const mtype = (p: string) => sh('mtype', ['-i', img, `::${p}`]);
    expect(mtype('/made/note.txt')).toBe('written in the guest today\n');
    expect(mtype('/made/Long Name From Guest.txt')).toBe('long\n');
    expect(mtype('/made/hello-moved.txt')).toBe('hello from the host\n');
    expect(mtype('/after-crash.txt')).toBe('the driver came back\n');
    sh('mcopy', ['-o', '-i', img, '::/after-fs-crash.bin', path.join(dir, 'copy.out')]);
    expect(readFileSync(path.join(dir, 'copy.out')).equals(pattern(4096, 4))).toBe(true);
    sh('mcopy', ['-i', img, '::/made/copy.bin', path.join(dir, 'copy.out')]);
    expect(readFileSync(path.join(dir, 'copy.out')).equals(pattern(4096, 4))).toBe(true);
    sh('mcopy', ['-i', img, '::/big.bin', path.join(dir, 'big.out')]);
    expect(readFileSync(path.join(dir, 'big.out')).equals(pattern(5 << 20, 5))).toBe(true);
    sh('mcopy', ['-o', '-i', img, '::/made/big-copy.bin', path.join(dir, 'big.out')]);
    expect(readFileSync(path.join(dir, 'big.out')).equals(pattern(5 << 20, 5))).toBe(true);
    const listing = sh('mdir', ['-i', img, '-b', '::/']);
    expect(listing).not.toMatch(/one\.txt|HELLO\.TXT|gone/i);
    const fsck = sh('fsck.fat', ['-n', img]);
    expect(fsck).toMatch(/files?, \d+\/\d+ clusters/);
  }, 60_000);
});
}

// UEFI (OVMF) instead of SeaBIOS: the firmware assigns BARs and interrupt
// lines its own way (q35: PIRQ A-H routed to ISA IRQs 10/11, the line
// register says which); the AHCI disk's commands must complete by its
// interrupt, not only by the driver's 50 ms timer.
describe('storage: AHCI under UEFI firmware (OVMF), FAT32', () => {
  let u: Qemu;
  let uimg = '';
  beforeAll(async () => {
    uimg = makeImage('uefi-ahci-fat32.img', 32, 64 * 1024);
    u = boot(uimg, 'ahci', -1, 'uefi');
    q = u;   // run() types into q
    await u.waitFor(PROMPT, 120_000);
    await u.waitFor(/init: flaky: crash loop/, 30_000);   // its restarts' kernel lines would land in command output
    await new Promise((r) => setTimeout(r, 300));
  }, 150_000);
  afterAll(async () => { await u?.stop(); });

  it('PCI enumeration, the interrupt line, completions by IRQ, reads, a write, mtools and fsck.fat after power-off', async () => {
    const sectors = 64 * 2048;
    await u.waitFor(/fs: mounted FAT32/, 30_000);
    expect(u.log).toMatch(/pci: 00:1f\.2 8086:2922 class 010601 irq \d+ bar4 io 0x[0-9a-f]+\+0x20 bar5 mem 0x[0-9a-f]+\+0x1000\n/);
    expect(u.log).toMatch(new RegExp(`ahci: port 2: SATA disk 'QEMU HARDDISK', ${sectors} sectors \\(64 MiB\\)\n`));
    expect(u.log).toMatch(/ahci: using port 2, irq yes\n/);
    expect(await run('cat /docs/four-k.bin')).toBe(pattern(4096, 4).toString('latin1') + '\n');
    expect(await run('write /uefi.txt written under UEFI')).toBe('');
    expect(await run('cp /docs/four-k.bin /uefi-copy.bin')).toBe('');
    expect(await run('sync')).toBe('synced\n');
    expect(u.log).toMatch(/ahci: interrupts by MSI\n/);
    expect(u.log).toMatch(/ahci: port 2: first command completed by its interrupt\n/);
    expect(u.log).not.toMatch(/init: (virtioblk|ahci|fs): (crashed|exited|restarting)/);
    u.send('poweroff\r');
    await u.waitForExit(30_000);
    expect(sh('mtype', ['-i', uimg, '::/uefi.txt'])).toBe('written under UEFI\n');
    sh('mcopy', ['-o', '-i', uimg, '::/uefi-copy.bin', path.join(dir, 'uefi.out')]);
    expect(readFileSync(path.join(dir, 'uefi.out')).equals(pattern(4096, 4))).toBe(true);
    expect(sh('fsck.fat', ['-n', uimg])).toMatch(/files?, \d+\/\d+ clusters/);
  }, 120_000);
});

describe('storage: a corrupt image gives a clear error, not a crash', () => {
  it('bad boot sector', async () => {
    const bad = path.join(dir, 'bad.img');
    const b = readFileSync(makeImage('good2.img', 16, 16 * 1024));
    b.writeUInt16LE(0, 11);   // bytes per sector 0
    writeFileSync(bad, b);
    const r = boot(bad);
    try {
      await r.waitFor(PROMPT, 90_000);
      // fs mounts in parallel with the shell's start (and the drivers' probes): its line may follow the prompt
      await r.waitFor(/fs: bad boot sector: absurd geometry/, 30_000);
      await r.waitFor(/fs: no volume mounted; ready/, 30_000);
      expect(r.log).not.toMatch(/fs: crashed/);
    } finally {
      await r.stop();
    }
  }, 120_000);
});
