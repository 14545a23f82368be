// usbtree.ts — a fake machine for tests/tools/usb-write.test.ts: a sysfs
// tree (block devices, partitions, holders), /proc/self/mountinfo and
// /proc/swaps in a temporary folder, laid out like the real ones, plus a
// regular file standing in for each disk. tools/usb-write.sh reads them in
// its test mode (TSOS_USB_TEST=1, SYSFS_ROOT, PROC_ROOT).

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SCRIPT = join(ROOT, "tools/usb-write.sh");

export interface FakeDisk {
  name: string;                 // kernel name, e.g. "sdz"
  sectors: number;              // size in 512-byte sectors
  removable?: 0 | 1;
  usb?: boolean;                // attached below a USB host controller
  ro?: 0 | 1;
  vendor?: string;
  model?: string;
  dev?: string;                 // maj:min
  partitions?: { name: string; sectors: number; dev: string; holder?: { name: string; dev: string } }[];
}

export class FakeMachine {
  readonly dir = mkdtempSync(join(tmpdir(), "tsos-usb-"));
  readonly sys = join(this.dir, "sys");
  readonly proc = join(this.dir, "proc");
  readonly devDir = join(this.dir, "dev");
  private mounts: string[] = [
    "21 1 0:19 / / rw,relatime - overlay overlay rw",
    "22 21 0:5 / /dev rw,nosuid - devtmpfs udev rw",
  ];
  private swaps: string[] = ["Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority"];

  constructor() {
    for (const d of ["block", "class/block", "devices/virtual/block"]) mkdirSync(join(this.sys, d), { recursive: true });
    mkdirSync(join(this.proc, "self"), { recursive: true });
    mkdirSync(this.devDir, { recursive: true });
    this.writeProc();
  }

  // A disk: its sysfs folder (under a USB controller's path when usb), the
  // /sys/block and /sys/class/block links, its partitions and their
  // holders, and a zero-filled stand-in file of `standInBytes` in dev/.
  addDisk(d: FakeDisk, standInBytes = 4 << 20): string {
    const parent = d.usb
      ? "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block"
      : "devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block";
    const path = join(this.sys, parent, d.name);
    mkdirSync(join(path, "device"), { recursive: true });
    mkdirSync(join(path, "holders"), { recursive: true });
    const put = (f: string, v: string | number) => writeFileSync(join(path, f), `${v}\n`);
    put("removable", d.removable ?? 0);
    put("ro", d.ro ?? 0);
    put("size", d.sectors);
    put("dev", d.dev ?? "8:0");
    put("device/vendor", d.vendor ?? "ACME    ");
    put("device/model", d.model ?? "Flash Disk      ");
    symlinkSync(join("..", parent, d.name), join(this.sys, "block", d.name));
    symlinkSync(join("../..", parent, d.name), join(this.sys, "class/block", d.name));
    for (const p of d.partitions ?? []) {
      const pp = join(path, p.name);
      mkdirSync(join(pp, "holders"), { recursive: true });
      writeFileSync(join(pp, "partition"), "1\n");
      writeFileSync(join(pp, "size"), `${p.sectors}\n`);
      writeFileSync(join(pp, "dev"), `${p.dev}\n`);
      symlinkSync(join("../..", parent, d.name, p.name), join(this.sys, "class/block", p.name));
      writeFileSync(join(this.devDir, p.name), "");
      if (p.holder) {
        const hp = join(this.sys, "devices/virtual/block", p.holder.name);
        mkdirSync(join(hp, "holders"), { recursive: true });
        writeFileSync(join(hp, "dev"), `${p.holder.dev}\n`);
        symlinkSync(join("../../devices/virtual/block", p.holder.name), join(this.sys, "class/block", p.holder.name));
        symlinkSync(hp, join(pp, "holders", p.holder.name));
      }
    }
    const standIn = join(this.devDir, d.name);
    writeFileSync(standIn, Buffer.alloc(standInBytes));
    return standIn;
  }

  mount(devnum: string, source: string, target: string): void {
    this.mounts.push(`${30 + this.mounts.length} 21 ${devnum} / ${target} rw,relatime - ext4 ${source} rw`);
    this.writeProc();
  }

  swapOn(source: string): void {
    this.swaps.push(`${source}\tpartition\t1048572\t0\t-2`);
    this.writeProc();
  }

  private writeProc(): void {
    writeFileSync(join(this.proc, "self/mountinfo"), this.mounts.join("\n") + "\n");
    writeFileSync(join(this.proc, "swaps"), this.swaps.join("\n") + "\n");
  }
}

export interface RunResult { status: number | null; stdout: string; stderr: string }

// Runs tools/usb-write.sh with `args`; `env` is added to the environment,
// `input` is typed at the confirmation prompt.
export function runUsbWrite(args: string[], env: Record<string, string> = {}, input = ""): RunResult {
  const r = spawnSync("bash", [SCRIPT, ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
