// kmain.test.ts — the whole kernel (kernel/main.ts, built with
// kernel/asconfig.json exactly as `make` does) booted on the simulated
// machine: the boot log the QEMU tests rely on, test=fault, unknown test
// modes and bad boot information.

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { Machine } from "./machine";
import { Mb2Builder, QEMU_128M_MAP, typicalBootInfo } from "./mb2";

let kernel: Uint8Array;
beforeAll(async () => { kernel = await compileKernelWasm("kernel/main.ts"); }, 60_000);

// Boot the kernel with `mbi` at physical `at`; return the machine and how it stopped.
async function boot(mbi: Uint8Array, at = 0x10000) {
  const m = new Machine();
  const instance = await m.load(kernel);
  m.place(at, mbi);
  const kmain = instance.exports.kmain as (p: number) => void;
  const result = m.run(() => kmain(at));
  return { m, result, out: m.output };
}

const TYPICAL_LOG = [
  "tsos 0.1.0 — TypeScript microkernel for x86-64",
  "cpu vendor: TsosSimCPU!!",
  "cpu brand: Simulated CPU for tests",
  "cpu features: tsc apic pge x2apic hypervisor smep smap syscall nx lm",
  "boot information: 0x00010000, 304 bytes, 7 tags: 0 1 2 3 4 6 14",
  "boot loader: GRUB 2.06-13+deb12u1",
  'command line: ""',
  "basic memory info: lower 639 KiB, upper 129920 KiB",
  "memory map:",
  "  base 0x0000000000000000 end 0x000000000009fc00 length 0x000000000009fc00 (639 KiB) usable",
  "  base 0x000000000009fc00 end 0x00000000000a0000 length 0x0000000000000400 (1 KiB) reserved",
  "  base 0x00000000000f0000 end 0x0000000000100000 length 0x0000000000010000 (64 KiB) reserved",
  "  base 0x0000000000100000 end 0x0000000007fe0000 length 0x0000000007ee0000 (126.8 MiB) usable",
  "  base 0x0000000007fe0000 end 0x0000000008000000 length 0x0000000000020000 (128 KiB) reserved",
  "  base 0x00000000fffc0000 end 0x0000000100000000 length 0x0000000000040000 (256 KiB) reserved",
  "usable RAM: 127 MiB",
  "modules:",
  '  start 0x0010f000 end 0x00112a3c size 0x3a3c (14.5 KiB) "kernel.sym"',
  "framebuffer: none",
  "ACPI RSDP: v1 (tag 14), revision 0, copy at 0x00010110",
];

describe("kmain", () => {
  it("prints the boot log, 'boot complete', and halts", async () => {
    const { m, result, out } = await boot(typicalBootInfo("").build());
    expect(out).toBe([...TYPICAL_LOG, "boot complete", ""].join("\n"));
    expect(result.how).toBe("halted");
    expect(m.exitCode).toBeNull();
  });

  it("ends every line with \\r\\n", async () => {
    const { m } = await boot(typicalBootInfo("").build());
    expect(m.rawOutput).not.toMatch(/[^\r]\n/);
    expect(m.rawOutput.endsWith("boot complete\r\n")).toBe(true);
  });

  it("matches the lines the QEMU tests grep for", async () => {
    const { out } = await boot(typicalBootInfo("").build());
    expect(out).toMatch(/^tsos \d+\.\d+\.\d+ /);
    expect(out).toMatch(/^cpu vendor: \S+$/m);
    expect(out).toMatch(/^boot loader: GRUB/m);
    expect(out).toMatch(/^memory map:\n(  base 0x[0-9a-f]{16} end 0x[0-9a-f]{16} length 0x[0-9a-f]{16} \(.+\) .+\n){6}usable RAM: 127 MiB\n/m);
    expect(out).toMatch(/^modules:\n  start 0x[0-9a-f]{8} end 0x[0-9a-f]{8} size 0x[0-9a-f]+ \(.+\) "kernel\.sym"\n/m);
    expect(out).toMatch(/^boot complete$/m);
  });

  it("test=fault: announces the address, then page-faults outside the direct map", async () => {
    const { m, result, out } = await boot(typicalBootInfo("/boot/kernel.elf test=fault").build());
    expect(result.how).toBe("page fault");
    expect(result.fault).toBe(0x1_0000_0000n);
    expect(out).toContain('command line: "/boot/kernel.elf test=fault"\n');
    expect(out.endsWith("test=fault: reading physical address 0x0000000100000000\n")).toBe(true);
    expect(out).not.toContain("boot complete");
    expect(m.exitCode).toBeNull();
  });

  it("an unknown test mode fails the run with a clear message", async () => {
    const { m, result, out } = await boot(typicalBootInfo("test=nosuchmode").build());
    expect(result.how).toBe("exit");
    expect(m.exitCode).toBe(0x11);
    expect(out.endsWith(
      "test=nosuchmode: unknown test mode (known: fault)\n" +
      "PANIC: unknown test mode\n")).toBe(true);
  });

  it("bad boot information: prints what it could read, the reason, and panics", async () => {
    const mbi = new Mb2Builder().loaderName("GRUB").mmap(QEMU_128M_MAP, { entrySize: 0, layoutSize: 24 }).end().build();
    const { m, result, out } = await boot(mbi);
    expect(result.how).toBe("exit");
    expect(m.exitCode).toBe(0x11);
    expect(out).toContain("boot loader: GRUB\n");
    expect(out.endsWith(
      "multiboot2: tag type 6 at offset 0x18 (size 160): memory map entry size is smaller than 24: 0\n" +
      "PANIC: bad multiboot2 boot information\n")).toBe(true);
  });

  it("a null boot information pointer is a panic, not a crash", async () => {
    const m = new Machine();
    const instance = await m.load(kernel);
    const result = m.run(() => (instance.exports.kmain as (p: number) => void)(0));
    expect(result.how).toBe("exit");
    expect(m.output).toContain("multiboot2: boot information address is 0\nPANIC: bad multiboot2 boot information\n");
  });

  it("takes the boot information address as an unsigned 32-bit number", async () => {
    // Above 2 GiB: a sign-extension mistake would read at 0xffffffff_fffff000.
    const { result, out } = await boot(typicalBootInfo("").build(), 0xffff_f000);
    expect(result.how).toBe("halted");
    expect(out).toContain("boot information: 0xfffff000, 304 bytes");
    expect(out).toContain("boot complete\n");
  });
});
