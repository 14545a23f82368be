// machine.ts — a simulated x86 PC for running kernel Wasm inside Node.
//
// It provides the "x86" import module of toolchain/ABI.md: physical memory
// is a sparse set of 4 KiB pages that the test filled; an access at or above
// the 4 GiB direct map raises a simulated page fault (as the real boot
// stub's page tables would), one to a page nobody filled is a BusError
// unless it lies in simulated RAM (addRam); COM1 output is captured; the status register always
// says "transmitter empty"; a write to the isa-debug-exit port ends the run
// with that code; hlt ends the run (interrupts are off, so the real CPU
// would sleep for ever). A budget on I/O and memory accesses turns a hang
// into a test failure.

export const DIRECT_MAP_SIZE = 0x1_0000_0000n;

// Ways a run ends other than by returning.
export class Halted extends Error { constructor() { super("hlt with interrupts disabled"); } }
export class QemuExit extends Error { constructor(readonly code: number) { super(`isa-debug-exit ${code}`); } }
export class PageFault extends Error { constructor(readonly phys: bigint) { super(`page fault: physical 0x${phys.toString(16)}`); } }
export class BusError extends Error { constructor(readonly phys: bigint) { super(`read outside the simulated RAM: 0x${phys.toString(16)}`); } }
export class Runaway extends Error { constructor(what: string) { super(`too many ${what}: the kernel seems to hang`); } }
export class UserMode extends Error { constructor(readonly regs: number) { super(`entered user mode, register area at ${regs}`); } }

export type CpuidRegs = [number, number, number, number];

// cpuid answers of a made-up CPU: vendor "TsosSimCPU!!", a brand string, a few features.
export function defaultCpuid(): Map<number, CpuidRegs> {
  const m = new Map<number, CpuidRegs>();
  const str = (s: string, off: number) => Buffer.from(s.padEnd(off + 16, "\0")).readUInt32LE(off);
  const vendor = Buffer.from("TsosSimCPU!!");
  m.set(0, [7, vendor.readUInt32LE(0), vendor.readUInt32LE(8), vendor.readUInt32LE(4)]);
  m.set(1, [0, 0, ((1 << 21) | (1 << 31)) >>> 0, (1 << 4) | (1 << 9) | (1 << 13)]);
  m.set(7, [0, (1 << 7) | (1 << 20), 0, 0]);
  m.set(0x8000_0000, [0x8000_0008, 0, 0, 0]);
  m.set(0x8000_0001, [0, 0, 0, (1 << 11) | (1 << 20) | (1 << 29)]);
  const brand = "  Simulated CPU for tests  ".padEnd(48, "\0");
  for (let i = 0; i < 3; i++) {
    const part = brand.slice(i * 16, i * 16 + 16);
    m.set(0x8000_0002 + i, [str(part, 0), str(part, 4), str(part, 8), str(part, 12)]);
  }
  return m;
}

export class Machine {
  // Physical memory: 4 KiB pages that exist once something was placed in
  // them (zero-filled otherwise). Reading a page that does not exist is a
  // BusError: the tests want to know about any stray read.
  private pages = new Map<number, Uint8Array>();
  private serial: number[] = [];
  exitCode: number | null = null;
  physReads = 0;
  lowestRead = -1n;   // lowest and highest physical byte address read
  highestRead = -1n;
  cpuid = defaultCpuid();
  budget = 5_000_000; // I/O instructions plus physical accesses before Runaway
  uartStatus = 0x60;  // COM1 line status: transmitter and shift register empty
  uartPolls = 0;      // reads of the line status register
  memory: WebAssembly.Memory | null = null;

  // Everything written to COM1, as text with the "\r\n" line ends kept.
  get rawOutput(): string {
    return Buffer.from(this.serial).toString("utf8");
  }

  // The serial output with "\r\n" turned into "\n".
  get output(): string {
    return this.rawOutput.replace(/\r\n/g, "\n");
  }

  clearOutput(): void {
    this.serial = [];
  }

  resetReadTracking(): void {
    this.physReads = 0;
    this.lowestRead = -1n;
    this.highestRead = -1n;
  }

  // Simulated RAM: [base, end) ranges whose pages spring into existence
  // (zero-filled) when first touched, for code that allocates frames.
  private ram: Array<[bigint, bigint]> = [];

  addRam(base: number | bigint, len: number | bigint): void {
    this.ram.push([BigInt(base), BigInt(base) + BigInt(len)]);
  }

  private inRam(phys: bigint): boolean {
    return this.ram.some(([b, e]) => phys >= b && phys < e);
  }

  // Does the page holding `phys` exist (was it placed or touched)?
  hasPage(phys: number | bigint): boolean {
    return this.pages.has(Number(BigInt(phys) >> 12n));
  }

  // The time stamp counter: each rdtsc returns tsc, then adds tscStep.
  tsc = 0n;
  tscStep = 250n;

  // Control registers the kernel may write (read_cr0 stays fixed).
  cr3 = 0x1000n;
  cr4 = 0x20n;
  efer = 0xd01n; // LME, LMA, NXE, SCE: what boot/ leaves

  private page(phys: bigint, create: boolean): Uint8Array {
    const n = Number(phys >> 12n);
    let p = this.pages.get(n);
    if (!p) {
      if (!create && !this.inRam(phys)) throw new BusError(phys);
      p = new Uint8Array(4096);
      this.pages.set(n, p);
    }
    return p;
  }

  // Copy `bytes` to physical address `phys` (creating the pages).
  place(phys: number | bigint, bytes: Uint8Array): void {
    const at = BigInt(phys);
    bytes.forEach((b, i) => {
      const a = at + BigInt(i);
      this.page(a, true)[Number(a & 0xfffn)] = b;
    });
  }

  // Forget the pages that overlap [phys, phys + len).
  unmap(phys: number | bigint, len: number): void {
    const first = Number(BigInt(phys) >> 12n);
    const last = Number((BigInt(phys) + BigInt(len) - 1n) >> 12n);
    for (let n = first; n <= last; n++) this.pages.delete(n);
  }

  private spend(what: string): void {
    if (--this.budget < 0) throw new Runaway(what);
  }

  private read(p: bigint, size: number): bigint {
    const phys = BigInt.asUintN(64, p);
    this.spend("physical memory reads");
    this.physReads++;
    if (phys + BigInt(size) > DIRECT_MAP_SIZE) throw new PageFault(phys);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const a = phys + BigInt(i);
      v = (v << 8n) | BigInt(this.page(a, false)[Number(a & 0xfffn)]);
    }
    const last = phys + BigInt(size - 1);
    if (this.lowestRead < 0n || phys < this.lowestRead) this.lowestRead = phys;
    if (last > this.highestRead) this.highestRead = last;
    return v;
  }

  private write(p: bigint, size: number, value: bigint): void {
    const phys = BigInt.asUintN(64, p);
    this.spend("physical memory writes");
    if (phys + BigInt(size) > DIRECT_MAP_SIZE) throw new PageFault(phys);
    for (let i = 0; i < size; i++) {
      const a = phys + BigInt(i);
      this.page(a, false)[Number(a & 0xfffn)] = Number((value >> BigInt(8 * i)) & 0xffn);
    }
  }

  private unimplemented(name: string): () => never {
    return () => { throw new Error(`x86.${name} is not simulated`); };
  }

  // The "x86" import module.
  imports(): Record<string, Function> {
    return {
      outb: (port: number, value: number) => {
        this.spend("port writes");
        port &= 0xffff;
        if (port === 0x3f8) this.serial.push(value & 0xff);
        else if (port === 0xf4) { this.exitCode = value & 0xff; throw new QemuExit(value & 0xff); }
      },
      outw: () => { this.spend("port writes"); },
      outl: () => { this.spend("port writes"); },
      inb: (port: number) => {
        this.spend("port reads");
        if ((port & 0xffff) !== 0x3fd) return 0xff;
        this.uartPolls++;
        return this.uartStatus;
      },
      inw: () => { this.spend("port reads"); return 0xffff; },
      inl: () => { this.spend("port reads"); return -1; },
      rdtsc: () => { const t = this.tsc; this.tsc += this.tscStep; return t; },
      hlt: () => { throw new Halted(); },
      cli: () => {},
      sti: () => {},
      pause: () => { this.spend("pause instructions"); },
      ud2: this.unimplemented("ud2"),
      int3: this.unimplemented("int3"),
      read_cr0: () => 0x8000_0011n,
      read_cr2: () => 0n,
      read_cr3: () => this.cr3,
      read_cr4: () => this.cr4,
      write_cr0: () => {},
      write_cr3: (v: bigint) => { this.cr3 = BigInt.asUintN(64, v); },
      write_cr4: (v: bigint) => { this.cr4 = BigInt.asUintN(64, v); },
      invlpg: () => {},
      call_addr: (va: bigint) => { throw new Error(`call_addr(0x${BigInt.asUintN(64, va).toString(16)}): the simulated machine runs no x86 code`); },
      rdmsr: (msr: number) => ((msr >>> 0) === 0xc0000080 ? this.efer : 0n),
      wrmsr: () => {},
      cpuid: (leaf: number, _subleaf: number, out: number) => {
        const regs = this.cpuid.get(leaf >>> 0) ?? [0, 0, 0, 0];
        const mem = new DataView(this.memory!.buffer);
        regs.forEach((r, i) => mem.setUint32(out + 4 * i, r >>> 0, true));
      },
      phys_read8: (p: bigint) => Number(this.read(p, 1)),
      phys_read16: (p: bigint) => Number(this.read(p, 2)),
      phys_read32: (p: bigint) => Number(this.read(p, 4)) | 0,
      phys_read64: (p: bigint) => this.read(p, 8),
      phys_write8: (p: bigint, v: number) => this.write(p, 1, BigInt(v & 0xff)),
      phys_write16: (p: bigint, v: number) => this.write(p, 2, BigInt(v & 0xffff)),
      phys_write32: (p: bigint, v: number) => this.write(p, 4, BigInt(v >>> 0)),
      phys_write64: (p: bigint, v: bigint) => this.write(p, 8, BigInt.asUintN(64, v)),
      phys_copy64: (d: bigint, src: bigint, n: bigint) => {
        for (let i = 0n; i < BigInt.asUintN(64, n); i++) this.write(d + 8n * i, 8, this.read(src + 8n * i, 8));
      },
    };
  }

  // The "user" import module: boot/entry.asm's side of the execution model
  // (kernel/exec.ts). There is no ring 3 here: switch/idle record which
  // register area is current; run() (kmain's last call, which never
  // returns on the real machine) ends the run: as "halted" when no thread
  // is current (the CPU would idle for ever with interrupts off... or
  // on, with nothing to wake it), else by throwing UserMode with that
  // area (Machine.run reports "user"); a test can then play the thread's
  // part by calling the kernel's syscall_dispatch / user_fault exports.
  currentRegs = 0;             // linear address of the current register area, 0 = idle
  syscallInitCalls = 0;
  userSwitches: number[] = []; // every register area user.switch made current
  entryForgets = 0;
  fpuSwitches: Array<[number, number]> = []; // user.fpu_switch(save, restore) calls
  nmiCount = 0n;               // what user.nmi_count reports
  userImports(): Record<string, Function> {
    return {
      syscall_init: () => { this.syscallInitCalls++; },
      switch: (regs: number) => { this.currentRegs = regs >>> 0; this.userSwitches.push(regs >>> 0); },
      idle: () => { this.currentRegs = 0; },
      entry_forget: () => { this.entryForgets++; },
      fpu_switch: (save: number, restore: number) => { this.fpuSwitches.push([save >>> 0, restore >>> 0]); },
      nmi_count: () => this.nmiCount,
      run: () => {
        if (this.currentRegs === 0) throw new Halted();
        throw new UserMode(this.currentRegs);
      },
    };
  }

  // Instantiate a kernel Wasm module on this machine (runs its start function).
  async load(binary: Uint8Array): Promise<WebAssembly.Instance> {
    const module = await WebAssembly.compile(binary as Uint8Array<ArrayBuffer>);
    const instance = await WebAssembly.instantiate(module, { x86: this.imports(), user: this.userImports() } as WebAssembly.Imports);
    this.memory = instance.exports.memory as WebAssembly.Memory;
    return instance;
  }

  // Call `fn` and report how the run ended: "returned", "halted", "exit",
  // "page fault", "user" (kmain entered a thread). Other errors (bus errors, runaways, traps) propagate.
  run(fn: () => unknown): { how: "returned" | "halted" | "exit" | "page fault" | "user"; fault?: bigint; regs?: number } {
    try {
      fn();
      return { how: "returned" };
    } catch (e) {
      if (e instanceof Halted) return { how: "halted" };
      if (e instanceof UserMode) return { how: "user", regs: e.regs };
      if (e instanceof QemuExit) return { how: "exit" };
      if (e instanceof PageFault) return { how: "page fault", fault: e.phys };
      throw e;
    }
  }
}
