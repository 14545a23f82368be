// kmain.test.ts — the whole kernel (kernel/main.ts, built with
// kernel/asconfig.json exactly as `make` does) booted on the simulated
// machine: the boot log the QEMU tests rely on, test=fault, unknown test
// modes and bad boot information.

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { Machine } from "./machine";
import { KERNEL_SECTIONS, Mb2Builder, QEMU_128M_MAP, typicalBootInfo } from "./mb2";
import { build, goodImage } from "./elfimage";

let kernel: Uint8Array;

// A simulated PC: its first MiB reads as zeroes (interruptsInit looks for
// the ACPI RSDP in the BIOS areas there, and finds none).
function pcMachine(): Machine {
  const m = new Machine();
  m.addRam(0, 0x100000);
  return m;
}
beforeAll(async () => { kernel = await compileKernelWasm("kernel/main.ts"); }, 60_000);

// Boot the kernel with `mbi` at physical `at`; return the machine and how it stopped.
async function boot(mbi: Uint8Array, at = 0x10000) {
  const m = pcMachine();
  const instance = await m.load(kernel);
  m.place(at, mbi);
  const kmain = instance.exports.kmain as (p: number, tsc: bigint) => void;
  m.tsc = 1250n; // boot/ read 1000 at _start; kmain's first rdtsc reads 1250
  const result = m.run(() => kmain(at, 1000n));
  return { m, result, out: m.output };
}

const TYPICAL_LOG = [
  "tsos 0.1.0 — TypeScript microkernel for x86-64",
  "boot: 250 TSC ticks from kernel entry to banner",
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
  // No layout table, no ELF sections tag: the largest possible image is kept out, which on
  // a 128 MiB machine leaves nothing (GRUB always passes the tag).
  "kernel image: 0x00100000 - 0x08100000 (128 MiB, assumed: no layout table or ELF sections tag)",
  "frames: 0 free of 32639 (0 MiB free)",
  "address space: kept the boot page tables: no frame for the PML4",
  "protections: nx smep smap",
  // The interrupt hardware (kernel/interrupts.ts): the RSDP copy of
  // typicalBootInfo has no valid checksum, so no ACPI: 8259 and PIT.
  "acpi: RSDP at 0x00010110: bad checksum, ignored",
  "acpi: no RSDP (no ACPI tables)",
  "interrupts: 8259 PIC, IRQ n on vector 32 + n (no I/O APIC)",
  "timer: PIT on IRQ 0; 99.998 Hz on vector 0x20",
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
      "test=nosuchmode: unknown test mode (known: fault core timer pictimer smap smep)\n" +
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
    const m = pcMachine();
    const instance = await m.load(kernel);
    const result = m.run(() => (instance.exports.kmain as (p: number, tsc: bigint) => void)(0, 0n));
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

// The boot stub's page tables as paging32.asm builds them, in simulated
// memory: PML4 at 0x1000; direct map PML4[256] -> PDPT 0x2000 -> 4 PDs at
// 0x3000.. (2 MiB pages, NX); kernel window PML4[511] -> PDPT 0x7000 ->
// PDPT[510] -> PD 0x8000 -> one PT at 0x9000 mapping the first 2 MiB of
// the image.
function bootPageTables(m: Machine): void {
  const P = 1n, W = 2n, PS = 0x80n, NX = 1n << 63n;
  const table = (at: number, fill: (t: DataView) => void) => {
    const t = new DataView(new ArrayBuffer(4096));
    fill(t);
    m.place(at, new Uint8Array(t.buffer));
  };
  table(0x1000, (t) => { t.setBigUint64(256 * 8, 0x2000n | P | W, true); t.setBigUint64(511 * 8, 0x7000n | P | W, true); });
  table(0x2000, (t) => { for (let i = 0; i < 4; i++) t.setBigUint64(i * 8, BigInt(0x3000 + i * 0x1000) | P | W, true); });
  for (let d = 0; d < 4; d++) {
    table(0x3000 + d * 0x1000, (t) => {
      for (let i = 0; i < 512; i++) t.setBigUint64(i * 8, (BigInt(d * 512 + i) << 21n) | P | W | PS | NX, true);
    });
  }
  table(0x7000, (t) => t.setBigUint64(510 * 8, 0x8000n | P | W, true));
  table(0x8000, (t) => t.setBigUint64(0, 0x9000n | P | W, true));
  table(0x9000, (t) => { for (let i = 256; i < 512; i++) t.setBigUint64(i * 8, (BigInt(i) << 12n) | P, true); });
}

describe("kmain, memory set-up", () => {
  it("with GRUB's ELF sections: frames, its own page tables in CR3, protections", async () => {
    const m = pcMachine();
    const instance = await m.load(kernel);
    m.addRam(0x100000, 0x7ee0000);
    bootPageTables(m);
    const mbi = new Mb2Builder().cmdline("").loaderName("GRUB").module(0x117d000, 0x11878ca, "kernel.sym")
      .mmap(QEMU_128M_MAP).elfSections(KERNEL_SECTIONS).loadBase(0x100000).end().build();
    m.place(0x10000, mbi);
    const result = m.run(() => (instance.exports.kmain as (p: number, tsc: bigint) => void)(0x10000, 0n));
    expect(result.how).toBe("halted");
    const out = m.output;
    expect(out).toContain("kernel image: 0x00100000 - 0x01170000 (16.4 MiB, from the ELF sections)\n");
    // 0x100000..0x7fe0000 usable, minus the image (4208 frames) and the module (11)
    expect(out).toContain(`frames: ${0x7ee0 - 0x1070 - 11} free of ${0x9f + 0x7ee0} (`);
    expect(out).toMatch(/address space: kernel PML4 at 0x01170000, direct map rebuilt \(2 MiB pages, NX\), image shared with boot\/\n/);
    expect(m.cr3).toBe(0x1170000n);
    expect(out).toContain("protections: nx smep smap\n");
    expect(m.cr4 & (3n << 20n)).toBe(3n << 20n);
    expect(out.endsWith("boot complete\n")).toBe(true);
  });
});

describe("kmain, kernel address space checks", () => {
  it("keeps the boot page tables, and gives the frames back, when the new tables would differ", async () => {
    const m = pcMachine();
    const instance = await m.load(kernel);
    m.addRam(0x100000, 0x7ee0000);
    bootPageTables(m);
    // Boot's direct map without NX for its very first 2 MiB: ours has NX.
    m.place(0x3000, new Uint8Array([0x83, 0, 0, 0, 0, 0, 0, 0]));
    const mbi = new Mb2Builder().loaderName("GRUB").mmap(QEMU_128M_MAP).elfSections(KERNEL_SECTIONS).end().build();
    m.place(0x10000, mbi);
    const result = m.run(() => (instance.exports.kmain as (p: number, tsc: bigint) => void)(0x10000, 0n));
    expect(result.how).toBe("halted");
    expect(m.output).toContain("address space: kept the boot page tables: the new direct map differs from the boot one\n");
    expect(m.cr3).toBe(0x1000n);
    expect(m.output.endsWith("boot complete\n")).toBe(true);
  });
});

describe("kmain, test=core", () => {
  it("runs the core self-test on simulated memory, as QEMU runs it natively", async () => {
    const m = pcMachine();
    const instance = await m.load(kernel);
    m.addRam(0x100000, 0x7ee0000);
    bootPageTables(m);
    const mbi = new Mb2Builder().cmdline("test=core").loaderName("GRUB").mmap(QEMU_128M_MAP).elfSections(KERNEL_SECTIONS).end().build();
    m.place(0x10000, mbi);
    const result = m.run(() => (instance.exports.kmain as (p: number, tsc: bigint) => void)(0x10000, 0n));
    expect(result.how).toBe("halted");
    expect(m.output).toMatch(/\ntest=core: \d+ checks passed\n(acpi|interrupts|timer): [^]*\nboot complete\n$/);
  });
});

describe("kmain, user programs", () => {
  // Two programs (and a bad module) on the simulated PC: kmain makes each
  // good one a process, prints "boot complete" and enters the first
  // (Machine.run reports "user": the run stops where ring 3 would begin).
  // The test then plays the threads' part through the kernel's exports,
  // as boot/entry.asm would call them: system calls, a timer interrupt,
  // a fault.
  it("makes every ELF boot module a process, schedules them, serves system calls, preempts, exits, faults", async () => {
    const m = pcMachine();
    const instance = await m.load(kernel);
    m.addRam(0x100000, 0x7ee0000);
    bootPageTables(m);
    const good = build(goodImage());
    const bad = new TextEncoder().encode("not a program\n".repeat(8));
    m.place(0x2000000, good);
    m.place(0x2100000, bad);
    m.place(0x2200000, good);
    const mbi = new Mb2Builder().cmdline("").loaderName("GRUB").module(0x117d000, 0x11878ca, "kernel.sym")
      .module(0x2100000, 0x2100000 + bad.length, "junk")
      .module(0x2000000, 0x2000000 + good.length, "hello")
      .module(0x2200000, 0x2200000 + good.length, "second")
      .mmap(QEMU_128M_MAP).elfSections(KERNEL_SECTIONS).loadBase(0x100000).end().build();
    m.place(0x10000, mbi);
    const result = m.run(() => (instance.exports.kmain as (p: number, tsc: bigint) => void)(0x10000, 0n));
    expect(result.how).toBe("user");
    const out = m.output;
    expect(out).toContain("process junk: bad ELF image: not an ELF file, skipped\n");
    const spaces = [...out.matchAll(/^process (hello|second): entry 0x401000, address space 0x([0-9a-f]+)$/gm)].map((x) => BigInt(`0x${x[2]}`));
    expect(spaces.length).toBe(2);
    expect(spaces[0]).not.toBe(spaces[1]);
    expect(out).toMatch(/\ntimer: [^\n]*\nboot complete\n$/);
    expect(out).not.toContain("process kernel.sym");
    expect(m.syscallInitCalls).toBe(1);
    // hello runs first, in its own address space, from its entry point,
    // with interrupts enabled, restored in full (ENTRY_IRET = 0).
    const hello = result.regs!;
    expect(m.currentRegs).toBe(hello);
    expect(m.cr3).toBe(spaces[0]);
    const reg = (area: number, i: number) => new DataView(m.memory!.buffer, area, 21 * 8).getBigUint64(i * 8, true);
    expect(reg(hello, 16)).toBe(0x401000n);
    expect(reg(hello, 7)).toBe(0x7fff_fff0_0000n);
    expect(reg(hello, 17)).toBe(0x202n);
    expect(reg(hello, 20)).toBe(0n);

    // System calls as hello (its address space is the one checked).
    const sys = instance.exports.syscall_dispatch as (n: bigint, a0: bigint, a1: bigint, a2: bigint, a3: bigint, a4: bigint, a5: bigint) => bigint;
    const call = (n: number, a0 = 0n, a1 = 0n) => { m.clearOutput(); const r = sys(BigInt(n), a0, a1, 0n, 0n, 0n, 0n); return { r, out: m.output }; };
    expect(call(0)).toEqual({ r: 0n, out: "" });                                  // null
    expect(call(2, 0x402000n, 16n)).toEqual({ r: 16n, out: "user memory ok!\n" }); // debug_write
    expect(call(2, 0x401000n, 2n)).toEqual({ r: 2n, out: "\x0f\x05".replace(/[\x00-\x1f]/g, "?") });
    expect(call(1, 0x41n)).toEqual({ r: 0n, out: "A" });                          // debug_putc
    expect(call(2, 0xffff_ffff_8010_0000n, 16n)).toEqual({ r: -9n, out: "" });   // kernel address: BAD_ADDRESS
    expect(call(2, 0x404000n, 1n)).toEqual({ r: -9n, out: "" });                 // unmapped
    expect(call(2, 0x403ff0n, 0x20n)).toEqual({ r: -9n, out: "" });              // runs off the end
    expect(call(2, 0x402000n, 1n << 20n)).toEqual({ r: -1n, out: "" });          // too long: INVALID_ARGUMENT
    expect(call(99)).toEqual({ r: -1n, out: "" });                                // no such call
    expect(m.currentRegs).toBe(hello);

    // yield: round robin to second (same priority), in its address space.
    expect(call(4)).toEqual({ r: 0n, out: "" });
    const second = m.currentRegs;
    expect(second).not.toBe(hello);
    expect(m.cr3).toBe(spaces[1]);
    expect(reg(second, 16)).toBe(0x401000n);

    // Timer interrupts (PIT, vector 0x20 on the 8259): the second tick
    // ends the timeslice and hello runs again.
    const irq = instance.exports.interrupt_dispatch as (v: number) => void;
    irq(0x20);
    expect(m.currentRegs).toBe(second);
    irq(0x20);
    expect(m.currentRegs).toBe(hello);
    expect(m.cr3).toBe(spaces[0]);

    // Back to second, which exits: it is reported and torn down, hello runs.
    expect(call(4).r).toBe(0n);
    expect(m.currentRegs).toBe(second);
    const forgets = m.entryForgets;
    expect(call(3, 0x107n).out).toBe("process second: exited with status 7\n");
    expect(m.entryForgets).toBe(forgets + 1); // its result is not written back
    expect(m.currentRegs).toBe(hello);
    expect(m.cr3).toBe(spaces[0]);

    // hello faults: one report line, stopped; nothing left to run: idle.
    const fault = instance.exports.user_fault as (v: bigint, e: bigint, a: bigint, rip: bigint) => void;
    m.clearOutput();
    fault(14n, 5n, 0xffff_ffff_8010_0000n, 0x401002n);
    expect(m.output).toBe("process hello: page fault at 0xffffffff80100000 (user read, protection violation) at rip 0x401002, stopped\n");
    expect(m.currentRegs).toBe(0);
    // A tick while idle changes nothing.
    irq(0x20);
    expect(m.currentRegs).toBe(0);
  });
});
