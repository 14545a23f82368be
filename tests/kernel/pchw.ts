// pchw.ts — the simulated machine of machine.ts plus the PC's interrupt
// hardware, for the tests of kernel/interrupts.ts and friends: a virtual
// clock that every simulated instruction advances, an HPET (when the ACPI
// tables of a test name it), an 8254 PIT (channels 0
// and 2, modes 0 and 2, latched read-back; channel 2's gate and output in
// port 0x61), two 8259s
// (their programming is logged), a local APIC (xAPIC registers at
// IA32_APIC_BASE, timer counting the 1 GHz bus clock / divider, as QEMU's),
// an I/O APIC with 24 inputs, and the time stamp counter. Page tables for
// the two 2 MiB direct-map pages holding the APIC registers are placed at
// CR3 so that mmio.ts finds them.

import { Machine } from "./machine";

export const LAPIC_BASE = 0xfee00000n;
export const IOAPIC_BASE = 0xfec00000n;
export const IOAPIC2_BASE = 0xfec01000n;
export const HPET_BASE = 0xfed00000n;
export const PIT_HZ = 1193182;
const DIRECT_MAP_PML4 = 0x1000n, DIRECT_MAP_PDPT = 0x2000n, DIRECT_MAP_PD = 0x3000n;

export class PcMachine extends Machine {
  ns = 0;                     // virtual time
  busHz = 1_000_000_000;      // local APIC timer input
  tscHz = 2_500_000_000;
  portNs = 1000;              // cost of one port access
  stallEvery = 0;             // every n-th port read the CPU is away for stallNs
  stallNs = 0;                // (a descheduled virtual CPU on a loaded host)
  private portReads = 0;
  memNs = 20;                 // of one memory access or rdtsc
  pitCh2Works = true;         // channel 2 counts (when gated on)
  pitCh0Works = true;         // channel 0 counts
  apicBaseMsr = LAPIC_BASE | 0x900n;   // BSP, enabled, xAPIC
  msrWrites: Array<[number, bigint]> = [];
  portWrites: Array<[number, number]> = [];
  lapicId = 0;
  lapicRegs = new Map<number, number>();
  lapicWrites: Array<[number, number]> = [];
  eois = 0;
  ioapicInputs = 24;
  ioapicPresent = true;
  ioapicSel = 0;
  redir: bigint[] = [];
  // A second I/O APIC at IOAPIC2_BASE (only when a test's MADT names it).
  ioapic2Sel = 0;
  redir2: bigint[] = [];
  picIsr = [0, 0];
  // An HPET at HPET_BASE (when a test's ACPI tables name it): 100 MHz, its
  // main counter running while config bit 0 is set (and hpetCounts).
  hpetPeriodFs = 10_000_000;
  hpetCounts = true;
  hpetConfig = 0;
  hpetWrites: Array<[number, number]> = [];
  private hpetFrozen = 0;     // the count when it last stopped
  private hpetSince = 0;      // ns when it last started

  // PIT state: channels 0 and 2, each counting down from `reload` since
  // `start` (channel 2 only while its gate, port 0x61 bit 0, is on).
  private ch = [0, 1, 2].map(() => ({ reload: 65536, start: 0, lowNext: true, pending: 0, latched: -1, readLow: true, mode: 0, loaded: false }));
  private port61 = 0;
  private timerStart = 0;

  constructor() {
    super();
    const leaf1 = this.cpuid.get(1)!;
    leaf1[3] = (leaf1[3] | (1 << 5) | (1 << 9)) >>> 0;   // MSR, APIC
    for (let i = 0; i < this.ioapicInputs; i++) { this.redir.push(0x10000n); this.redir2.push(0x10000n); }
    // Direct-map tables for the APIC pages (PML4[256] -> PDPT[3] -> PD[502], PD[503]).
    const t = (at: bigint, idx: number, v: bigint) => {
      const b = Buffer.alloc(8); b.writeBigUInt64LE(v); this.place(at + BigInt(idx * 8), b);
    };
    t(DIRECT_MAP_PML4, 256, DIRECT_MAP_PDPT | 3n);
    t(DIRECT_MAP_PDPT, 3, DIRECT_MAP_PD | 3n);
    t(DIRECT_MAP_PD, 502, IOAPIC_BASE | 0x83n | (1n << 63n));
    t(DIRECT_MAP_PD, 503, (LAPIC_BASE & ~0x1fffffn) | 0x83n | (1n << 63n));
    this.cr3 = DIRECT_MAP_PML4;
  }

  // The direct-map PD entry that maps `phys` (for the uncached checks).
  pdEntry(phys: bigint): bigint {
    return this.imports().phys_read64(DIRECT_MAP_PD + ((phys >> 21n) & 511n) * 8n) as bigint;
  }

  private pitTicks(since: number): number {
    return Math.floor(((this.ns - since) * PIT_HZ) / 1e9);
  }

  private timerDivide(): number {
    const d = this.lapicRegs.get(0x3e0) ?? 0;
    const code = (d & 3) | ((d >> 1) & 4);
    return code === 7 ? 1 : 2 << code;
  }

  private timerCurrent(): number {
    const init = this.lapicRegs.get(0x380) ?? 0;
    if (init === 0) return 0;
    const counts = Math.floor(((this.ns - this.timerStart) * this.busHz) / this.timerDivide() / 1e9);
    const periodic = ((this.lapicRegs.get(0x320) ?? 0) >> 17) & 1;
    if (periodic) return init - (counts % init);
    return Math.max(0, init - counts);
  }

  private works(c: number): boolean {
    return c === 0 ? this.pitCh0Works : c === 2 ? this.pitCh2Works && (this.port61 & 1) !== 0 : false;
  }

  // The current count of channel c (mode 0: down to 0 then on from 0xffff;
  // mode 2: reload .. 1, again and again). A dead channel reads 0xffff.
  private count(c: number): number {
    const k = this.ch[c];
    if (!this.works(c) || !k.loaded) return 0xffff;
    const t = this.pitTicks(k.start);
    if (k.mode === 2) return (k.reload - (t % k.reload)) & 0xffff;
    return (k.reload - t) & 0xffff;
  }

  // Channel 2's output in mode 0: high once the count reached 0.
  private ch2Out(): boolean {
    const k = this.ch[2];
    return this.works(2) && k.loaded && k.mode === 0 && this.pitTicks(k.start) >= k.reload;
  }

  private portOut(port: number, v: number): boolean {
    if (port === 0x43) {
      const c = v >> 6;
      if (c === 3) return true;
      const k = this.ch[c];
      if ((v & 0x30) === 0) { k.latched = this.count(c); k.readLow = true; return true; }
      k.mode = (v >> 1) & 7;
      k.lowNext = true;
      k.loaded = false;
      return true;
    }
    if (port === 0x40 || port === 0x42) {
      const k = this.ch[port - 0x40];
      if (k.lowNext) { k.pending = v; k.lowNext = false; }
      else { k.reload = (k.pending | (v << 8)) || 65536; k.start = this.ns; k.loaded = true; k.lowNext = true; }
      return true;
    }
    if (port === 0x61) {
      // The gate going on (re)starts channel 2 in this simple model.
      if ((v & 1) && !(this.port61 & 1)) this.ch[2].start = this.ns;
      this.port61 = v & 0x0f;
      return true;
    }
    if (port === 0x20 || port === 0x21 || port === 0xa0 || port === 0xa1 || port === 0x80) {
      this.portWrites.push([port, v]);
      return true;
    }
    return false;
  }

  private portIn(port: number): number | undefined {
    if (port === 0x61) return this.port61 | (this.ch2Out() ? 0x20 : 0);
    if (port === 0x40 || port === 0x42) {
      const c = port - 0x40;
      const k = this.ch[c];
      const v = k.latched >= 0 ? k.latched : this.count(c);
      if (k.readLow) { k.readLow = false; return v & 0xff; }
      k.readLow = true;
      k.latched = -1;
      return v >> 8;
    }
    if (port === 0x20 || port === 0xa0) return this.picIsr[port === 0x20 ? 0 : 1];
    if (port === 0x21 || port === 0xa1) return 0;
    return undefined;
  }

  hpetCount(): number {
    if (!(this.hpetConfig & 1) || !this.hpetCounts) return this.hpetFrozen;
    return this.hpetFrozen + Math.floor(((this.ns - this.hpetSince) * 1e6) / this.hpetPeriodFs);
  }

  private hpetRead(off: number): number {
    if (off === 0x0) return 0x8086a201;            // vendor, 64-bit counter, 3 timers, revision 1
    if (off === 0x4) return this.hpetPeriodFs;
    if (off === 0x10) return this.hpetConfig;
    if (off === 0xf0) return this.hpetCount() % 2 ** 32;
    if (off === 0xf4) return Math.floor(this.hpetCount() / 2 ** 32);
    return 0;
  }

  private hpetWrite(off: number, v: number): void {
    this.hpetWrites.push([off, v]);
    if (off !== 0x10) return;
    this.hpetFrozen = this.hpetCount();
    this.hpetSince = this.ns;
    this.hpetConfig = v & 3;
  }

  private lapicRead(off: number): number {
    if (off === 0x20) return this.lapicId << 24;
    if (off === 0x30) return 0x50014;
    if (off === 0x390) return this.timerCurrent();
    return this.lapicRegs.get(off) ?? 0;
  }

  private lapicWrite(off: number, v: number): void {
    this.lapicWrites.push([off, v]);
    if (off === 0xb0) { this.eois++; return; }
    if (off === 0x380) this.timerStart = this.ns;
    this.lapicRegs.set(off, v);
  }

  private ioapicRead(off: number, second = false): number {
    if (!this.ioapicPresent) return 0xffffffff;
    const r = second ? this.ioapic2Sel : this.ioapicSel;
    const redir = second ? this.redir2 : this.redir;
    if (off === 0) return r;
    if (r === 0) return 0;
    if (r === 1) return ((this.ioapicInputs - 1) << 16) | 0x20;
    if (r >= 0x10 && r < 0x10 + 2 * this.ioapicInputs) {
      const e = redir[(r - 0x10) >> 1];
      return Number((r & 1 ? e >> 32n : e) & 0xffffffffn);
    }
    return 0;
  }

  private ioapicWrite(off: number, v: number, second = false): void {
    if (!this.ioapicPresent) return;
    if (off === 0) { if (second) this.ioapic2Sel = v & 0xff; else this.ioapicSel = v & 0xff; return; }
    const r = second ? this.ioapic2Sel : this.ioapicSel;
    const redir = second ? this.redir2 : this.redir;
    if (off === 0x10 && r >= 0x10 && r < 0x10 + 2 * this.ioapicInputs) {
      const i = (r - 0x10) >> 1;
      const e = redir[i];
      redir[i] = r & 1 ? (e & 0xffffffffn) | (BigInt(v >>> 0) << 32n) : (e & ~0xffffffffn) | BigInt(v >>> 0);
    }
  }

  imports(): Record<string, Function> {
    const base = super.imports();
    const lapicBase = () => this.apicBaseMsr & 0xffffff000n;
    const inLapic = (p: bigint) => (this.apicBaseMsr & 0x800n) !== 0n && p >= lapicBase() && p < lapicBase() + 0x1000n;
    const inIoapic = (p: bigint) => p >= IOAPIC_BASE && p < IOAPIC_BASE + 0x20n;
    const inIoapic2 = (p: bigint) => p >= IOAPIC2_BASE && p < IOAPIC2_BASE + 0x20n;
    const inHpet = (p: bigint) => p >= HPET_BASE && p < HPET_BASE + 0x400n;
    return {
      ...base,
      outb: (port: number, v: number) => {
        this.ns += this.portNs;
        if (!this.portOut(port & 0xffff, v & 0xff)) base.outb(port, v);
      },
      inb: (port: number) => {
        this.ns += this.portNs;
        if (this.stallEvery && ++this.portReads % this.stallEvery === 0) this.ns += this.stallNs;
        const r = this.portIn(port & 0xffff);
        return r === undefined ? base.inb(port) : r;
      },
      rdtsc: () => { this.ns += this.memNs; return BigInt(Math.floor((this.ns * this.tscHz) / 1e9)); },
      rdmsr: (msr: number) => ((msr >>> 0) === 0x1b ? this.apicBaseMsr : base.rdmsr(msr)),
      wrmsr: (msr: number, v: bigint) => {
        const value = BigInt.asUintN(64, v);
        this.msrWrites.push([msr >>> 0, value]);
        if ((msr >>> 0) === 0x1b) {
          // x2APIC -> xAPIC directly is illegal (#GP on a real CPU).
          if ((this.apicBaseMsr & 0x400n) && !(value & 0x400n) && (value & 0x800n)) throw new Error("#GP: x2APIC to xAPIC without disabling first");
          this.apicBaseMsr = value;
        }
      },
      phys_read32: (p: bigint) => {
        this.ns += this.memNs;
        const a = BigInt.asUintN(64, p);
        if (inLapic(a)) return this.lapicRead(Number(a - lapicBase())) | 0;
        if (inIoapic(a)) return this.ioapicRead(Number(a - IOAPIC_BASE)) | 0;
        if (inIoapic2(a)) return this.ioapicRead(Number(a - IOAPIC2_BASE), true) | 0;
        if (inHpet(a)) return this.hpetRead(Number(a - HPET_BASE)) | 0;
        return base.phys_read32(p);
      },
      phys_write32: (p: bigint, v: number) => {
        this.ns += this.memNs;
        const a = BigInt.asUintN(64, p);
        if (inLapic(a)) return this.lapicWrite(Number(a - lapicBase()), v >>> 0);
        if (inIoapic(a)) return this.ioapicWrite(Number(a - IOAPIC_BASE), v >>> 0);
        if (inIoapic2(a)) return this.ioapicWrite(Number(a - IOAPIC2_BASE), v >>> 0, true);
        if (inHpet(a)) return this.hpetWrite(Number(a - HPET_BASE), v >>> 0);
        return base.phys_write32(p, v);
      },
      phys_read8: (p: bigint) => { this.ns += this.memNs; return base.phys_read8(p); },
      phys_read64: (p: bigint) => { this.ns += this.memNs; return base.phys_read64(p); },
    };
  }
}
