// usb-write.test.ts — tools/usb-write.sh (`make usb DEV=...`): every refusal
// and a write + read-back check, first against a fake sysfs/proc tree with
// regular files standing in for disks (test mode), then against a real loop
// device when this machine allows losetup (root), skipped with a message
// otherwise.

import { randomBytes } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeMachine, ROOT, runUsbWrite } from "./usbtree";

const ISO_BYTES = (1 << 20) + 2048 * 3;
const work = mkdtempSync(join(tmpdir(), "tsos-usb-iso-"));
const iso = join(work, "os.iso");
writeFileSync(iso, randomBytes(ISO_BYTES));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A removable 8 GiB stick sdz with one partition sdz1 (8:1), in test mode.
function stick(extra: Partial<Parameters<FakeMachine["addDisk"]>[0]> = {}) {
  const m = new FakeMachine();
  const dev = m.addDisk({
    name: "sdz", sectors: 16 << 21, removable: 1, dev: "8:0",
    partitions: [{ name: "sdz1", sectors: (16 << 21) - 2048, dev: "8:1" }], ...extra,
  });
  const env = { TSOS_USB_TEST: "1", SYSFS_ROOT: m.sys, PROC_ROOT: m.proc };
  return { m, dev, env };
}

function refused(r: { status: number | null; stderr: string }, why: RegExp) {
  expect(r.stderr).toMatch(why);
  expect(r.status).toBe(1);
}

describe("usb-write.sh refuses", () => {
  it("without a device: usage, status 2", () => {
    const r = runUsbWrite([iso]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: .*make usb DEV=\/dev\/sdX/);
  });

  it("a missing ISO", () => {
    const { dev, env } = stick();
    refused(runUsbWrite(["--yes", join(work, "none.iso"), dev], env), /no such ISO/);
  });

  it("a device that does not exist", () => {
    const { m, env } = stick();
    refused(runUsbWrite(["--yes", iso, join(m.devDir, "sdq")], env), /does not exist/);
  });

  it("a regular file outside test mode, even with SYSFS_ROOT set", () => {
    const { dev, m } = stick();
    const r = runUsbWrite(["--yes", iso, dev], { SYSFS_ROOT: m.sys, PROC_ROOT: m.proc });
    refused(r, /is not a block device/);
    expect(r.stderr).not.toMatch(/TEST MODE/);
  });

  it("a device the kernel does not list as a block device", () => {
    const { m, env } = stick();
    const other = join(m.devDir, "sdy");
    writeFileSync(other, "");
    refused(runUsbWrite(["--yes", iso, other], env), /not in .*class\/block/);
  });

  it("a partition, naming the whole disk instead", () => {
    const { m, env } = stick();
    refused(runUsbWrite(["--yes", iso, join(m.devDir, "sdz1")], env), /is a partition; .*\/dev\/sdz\b/);
  });

  it("the disk holding the root filesystem", () => {
    const { m, dev, env } = stick();
    m.mount("8:1", "/dev/sdz1", "/");
    refused(runUsbWrite(["--yes", iso, dev], env), /holds the system's \/ filesystem .*system disk/);
  });

  it("the disk holding /boot/efi, found by the source name", () => {
    const { m, dev, env } = stick();
    m.mount("0:99", join(m.devDir, "sdz1"), "/boot/efi");
    refused(runUsbWrite(["--yes", iso, dev], env), /\/boot\/efi filesystem/);
  });

  it("a disk with a mounted partition, listing the mounts", () => {
    const { m, dev, env } = stick();
    m.mount("8:1", "/dev/sdz1", "/media/stick");
    const r = runUsbWrite(["--yes", iso, dev], env);
    refused(r, /has mounted filesystems; unmount them first/);
    expect(r.stderr).toMatch(/\/dev\/sdz1 on \/media\/stick/);
  });

  it("a disk whose partition holds a mounted device-mapper volume (LUKS, LVM)", () => {
    const { m, dev, env } = stick({
      partitions: [{ name: "sdz1", sectors: 1 << 20, dev: "8:1", holder: { name: "dm-0", dev: "254:0" } }],
    });
    m.mount("254:0", "/dev/mapper/secret", "/media/secret");
    refused(runUsbWrite(["--yes", iso, dev], env), /has mounted filesystems/);
  });

  it("a disk opened by device mapper, LVM or RAID, even with nothing mounted", () => {
    const { dev, env } = stick({
      partitions: [{ name: "sdz1", sectors: 1 << 20, dev: "8:1", holder: { name: "dm-3", dev: "254:3" } }],
    });
    refused(runUsbWrite(["--yes", iso, dev], env), /is in use by dm-3 \(device mapper, LVM or RAID\)/);
  });

  it("a disk with active swap", () => {
    const { m, dev, env } = stick();
    m.swapOn(join(m.devDir, "sdz1"));
    refused(runUsbWrite(["--yes", iso, dev], env), /holds active swap .*swapoff/);
  });

  it("a fixed disk: not removable and not on USB", () => {
    const { dev, env } = stick({ removable: 0, usb: false });
    refused(runUsbWrite(["--yes", iso, dev], env), /neither removable .* nor attached by USB: it looks like a fixed disk/);
  });

  it("a read-only stick", () => {
    const { dev, env } = stick({ ro: 1 });
    refused(runUsbWrite(["--yes", iso, dev], env), /is read-only/);
  });

  it("a card reader without a medium", () => {
    const { dev, env } = stick({ sectors: 0, partitions: [] });
    refused(runUsbWrite(["--yes", iso, dev], env), /has no medium/);
  });

  it("a stick smaller than the ISO", () => {
    const { dev, env } = stick({ sectors: 1024, partitions: [] });
    refused(runUsbWrite(["--yes", iso, dev], env), /is smaller than the ISO/);
  });

  it("to write when the typed name is wrong, and writes nothing", () => {
    const { dev, env } = stick();
    const r = runUsbWrite([iso, dev], env, "sda\n");
    refused(r, /not confirmed; nothing written/);
    expect(readFileSync(dev).subarray(0, ISO_BYTES).equals(readFileSync(iso))).toBe(false);
  });

  it("to write when nobody answers (no input)", () => {
    const { dev, env } = stick();
    refused(runUsbWrite([iso, dev], env, ""), /not confirmed/);
  });
});

describe("usb-write.sh writes", () => {
  function expectWritten(dev: string, r: { status: number | null; stderr: string }) {
    expect(r.stderr).toMatch(/done: .* holds .*sha256 [0-9a-f]{64}/);
    expect(r.status).toBe(0);
    const img = readFileSync(dev);
    expect(img.subarray(0, ISO_BYTES).equals(readFileSync(iso))).toBe(true);
    expect(img.length).toBe(4 << 20);                     // not truncated
    expect(img.subarray(ISO_BYTES).every((b) => b === 0)).toBe(true);
  }

  it("after showing model, size and partitions and the typed device name", () => {
    const { dev, env } = stick();
    const r = runUsbWrite([iso, dev], env, "sdz\n");
    expect(r.stdout).toMatch(/Model: +ACME Flash Disk/);
    expect(r.stdout).toMatch(/Size: +16GiB \(17179869184 bytes\), removable/);
    expect(r.stdout).toMatch(/Current partitions \(ALL DATA ON THEM WILL BE LOST\):\n +sdz1 +16GiB/);
    expect(r.stdout).toMatch(/Type the device name \(sdz\)/);
    expectWritten(dev, r);
  });

  it("with --yes, to a USB disk that does not call itself removable", () => {
    const { dev, env } = stick({ removable: 0, usb: true });
    const r = runUsbWrite(["--yes", iso, dev], env);
    expect(r.stdout).toMatch(/, USB/);
    expect(r.stdout).not.toMatch(/Type the device name/);
    expectWritten(dev, r);
  });

  it("with no partitions to show", () => {
    const { dev, env } = stick({ partitions: [] });
    const r = runUsbWrite(["--yes", iso, dev], env);
    expect(r.stdout).toMatch(/\(none\)/);
    expectWritten(dev, r);
  });
});

describe("make usb", () => {
  // DEV and YES count only on make's command line: a stray DEV or YES in the
  // environment (vitest itself sets DEV) must neither pick a disk nor skip
  // the question.
  const make = (args: string[]) => spawnSync("make", ["-s", ...args], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, DEV: "/dev/sda", YES: "1" },
  });

  it("without DEV on the command line: usage, before building anything", () => {
    const r = make(["usb"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: make usb DEV=\/dev\/sdX \[YES=1\]/);
  });

  it("runs tools/usb-write.sh on build/os.iso, with --yes only for YES=1 on the command line", () => {
    expect(make(["-n", "usb", "DEV=/dev/sdq"]).stdout).toMatch(/^bash tools\/usb-write.sh +build\/os.iso \/dev\/sdq$/m);
    expect(make(["-n", "usb", "DEV=/dev/sdq", "YES=1"]).stdout).toMatch(/^bash tools\/usb-write.sh --yes build\/os.iso \/dev\/sdq$/m);
  });
});

// --- this machine's own system disk --------------------------------------------
// The disk that holds / here (when / is on a block device, not an overlay),
// found from mountinfo and sysfs independently of the script.
function rootDisk(): string | null {
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const f = line.split(" ");
    if (f[4] !== "/") continue;
    const devnum = f[2];
    if (!existsSync(`/sys/dev/block/${devnum}`)) return null;
    const path = execFileSync("readlink", ["-f", `/sys/dev/block/${devnum}`], { encoding: "utf8" }).trim();
    const name = existsSync(`${path}/partition`) ? path.split("/").at(-2)! : path.split("/").at(-1)!;
    return existsSync(`/dev/${name}`) ? `/dev/${name}` : null;
  }
  return null;
}
const sysDisk = rootDisk();
if (!sysDisk) console.log("usb-write.test: / is not on a block device here; the system-disk test is skipped");

describe.skipIf(!sysDisk)("usb-write.sh on this machine's system disk", () => {
  it(`refuses ${sysDisk}, which holds /`, () => {
    const r = runUsbWrite(["--yes", iso, sysDisk!]);
    refused(r, /holds the system's \/ filesystem .*it is the system disk/);
  });
});

// --- a real loop device ----------------------------------------------------------
// Needs root and a kernel that hands out loop devices; partitions come from
// an MBR written here and `partx -a` (no udev needed).
function loopAvailable(): string | null {
  if (process.getuid?.() !== 0) return "not root";
  for (const t of ["losetup", "partx", "mkfs.ext2", "mount"]) {
    if (spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0) return `no ${t}`;
  }
  const probe = spawnSync("losetup", ["-f"], { encoding: "utf8" });
  if (probe.status !== 0) return `losetup -f failed: ${probe.stderr.trim()}`;
  return null;
}
const noLoop = loopAvailable();
if (noLoop) console.log(`usb-write.test: skipping the loop-device tests (${noLoop})`);

describe.skipIf(noLoop !== null)("usb-write.sh on a real loop device", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsos-usb-loop-"));
  const img = join(dir, "stick.img");
  const mnt = join(dir, "mnt");
  let loop = "";
  let part = "";
  const cleanup: (() => void)[] = [];

  beforeAll(() => {
    const image = Buffer.alloc(64 << 20);
    image[446 + 4] = 0x83;                                // an MBR with one Linux partition
    image.writeUInt32LE(2048, 446 + 8);
    image.writeUInt32LE((64 << 11) - 2048, 446 + 12);
    image[510] = 0x55; image[511] = 0xaa;
    writeFileSync(img, image);
    loop = execFileSync("losetup", ["-f", "--show", "-P", img], { encoding: "utf8" }).trim();
    cleanup.push(() => execFileSync("losetup", ["-d", loop]));
    spawnSync("partx", ["-a", loop]);
    const name = loop.replace("/dev/", "");
    const pname = readdirSync(`/sys/block/${name}`).find((f) => f.startsWith(name + "p"));
    if (pname) {
      part = `/dev/${pname}`;
      if (!existsSync(part)) {
        const [maj, min] = readFileSync(`/sys/class/block/${pname}/dev`, "utf8").trim().split(":");
        execFileSync("mknod", [part, "b", maj, min]);
        cleanup.push(() => rmSync(part, { force: true }));
      }
    }
  }, 30_000);

  afterAll(() => {
    for (const f of cleanup.reverse()) { try { f(); } catch { /* best effort */ } }
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses the loop device: not removable, not USB", () => {
    refused(runUsbWrite(["--yes", iso, loop]), /neither removable .* nor attached by USB/);
  });

  it("refuses a partition of it", (ctx) => {
    if (!part) ctx.skip();
    refused(runUsbWrite(["--yes", iso, part]), /is a partition; .*\/dev\/loop\d+\b/);
  });

  it("refuses it while its partition is mounted", (ctx) => {
    if (!part) ctx.skip();
    execFileSync("mkfs.ext2", ["-q", "-F", part]);
    mkdirSync(mnt, { recursive: true });
    const m = spawnSync("mount", [part, mnt], { encoding: "utf8" });
    if (m.status !== 0) { console.log(`usb-write.test: mount not allowed here (${m.stderr.trim()}), skipped`); ctx.skip(); }
    try {
      const r = runUsbWrite(["--yes", iso, loop]);
      refused(r, /has mounted filesystems/);
      expect(r.stderr).toContain(mnt);
    } finally {
      execFileSync("umount", [mnt]);
    }
  });

  it("refuses it while its partition is swap", (ctx) => {
    if (!part) ctx.skip();
    execFileSync("mkswap", [part], { stdio: "ignore" });
    const s = spawnSync("swapon", [part], { encoding: "utf8" });
    if (s.status !== 0) { console.log(`usb-write.test: swapon not allowed here (${s.stderr.trim()}), skipped`); ctx.skip(); }
    try {
      refused(runUsbWrite(["--yes", iso, loop]), /holds active swap/);
    } finally {
      execFileSync("swapoff", [part]);
    }
  });

  it("writes and verifies it when a copy of sysfs calls it removable (test mode)", () => {
    const name = loop.replace("/dev/", "");
    const sys = join(dir, "sys");
    mkdirSync(join(sys, "block"), { recursive: true });
    mkdirSync(join(sys, "class/block"), { recursive: true });
    // The real attributes of the loop device and its partitions, but removable.
    const copy = (from: string, to: string, files: string[]) => {
      mkdirSync(join(to, "holders"), { recursive: true });
      for (const f of files) if (existsSync(join(from, f))) writeFileSync(join(to, f), readFileSync(join(from, f)));
    };
    const d = join(sys, "block", name);
    copy(`/sys/block/${name}`, d, ["ro", "size", "dev"]);
    writeFileSync(join(d, "removable"), "1\n");
    symlinkSync(d, join(sys, "class/block", name));
    for (const p of readdirSync(`/sys/block/${name}`).filter((f) => f.startsWith(name + "p"))) {
      copy(`/sys/block/${name}/${p}`, join(d, p), ["partition", "size", "dev"]);
      symlinkSync(join(d, p), join(sys, "class/block", p));
    }
    const r = runUsbWrite(["--yes", iso, loop], { TSOS_USB_TEST: "1", SYSFS_ROOT: sys });
    expect(r.stderr).toMatch(/done: /);
    expect(r.status).toBe(0);
    const back = execFileSync("head", ["-c", String(ISO_BYTES), loop], { maxBuffer: 2 * ISO_BYTES });
    expect(back.equals(readFileSync(iso))).toBe(true);
  });
});
