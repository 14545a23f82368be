// x86.ts — the machine instructions the kernel needs, as Wasm imports.
//
// Each declaration below is an import from module "x86". Our backend
// (toolchain/) lowers every one of them to inline instructions, so a call
// here costs no more than the instruction itself. The names, parameter and
// result types follow the table in toolchain/ABI.md exactly; AssemblyScript's
// u8/u16/u32 and usize are i32 in Wasm, u64 is i64. The unit tests provide a
// simulated "x86" module with the same shape.

// --- I/O ports -------------------------------------------------------------
@external("x86", "outb") export declare function outb(port: u16, value: u8): void;
@external("x86", "outw") export declare function outw(port: u16, value: u16): void;
@external("x86", "outl") export declare function outl(port: u16, value: u32): void;
@external("x86", "inb") export declare function inb(port: u16): u8;
@external("x86", "inw") export declare function inw(port: u16): u16;
@external("x86", "inl") export declare function inl(port: u16): u32;

// --- single instructions ---------------------------------------------------
@external("x86", "rdtsc") export declare function rdtsc(): u64;
@external("x86", "hlt") export declare function hlt(): void;
@external("x86", "cli") export declare function cli(): void;
@external("x86", "sti") export declare function sti(): void;
@external("x86", "pause") export declare function pause(): void;
@external("x86", "ud2") export declare function ud2(): void;
@external("x86", "int3") export declare function int3(): void;

// --- control registers -----------------------------------------------------
@external("x86", "read_cr0") export declare function read_cr0(): u64;
@external("x86", "read_cr2") export declare function read_cr2(): u64;
@external("x86", "read_cr3") export declare function read_cr3(): u64;
@external("x86", "read_cr4") export declare function read_cr4(): u64;
@external("x86", "write_cr0") export declare function write_cr0(value: u64): void;
@external("x86", "write_cr3") export declare function write_cr3(value: u64): void;
@external("x86", "write_cr4") export declare function write_cr4(value: u64): void;

// --- TLB, MSRs, CPU identification -----------------------------------------
@external("x86", "invlpg") export declare function invlpg(virt: u64): void;
// Call code at a virtual address (test=smep only: smaptest.ts).
@external("x86", "call_addr") export declare function call_addr(virt: u64): void;
@external("x86", "rdmsr") export declare function rdmsr(msr: u32): u64;
@external("x86", "wrmsr") export declare function wrmsr(msr: u32, value: u64): void;
// Stores eax, ebx, ecx, edx as four u32 at linear address `out` (16 bytes).
@external("x86", "cpuid") export declare function cpuid(leaf: u32, subleaf: u32, out: usize): void;

// --- physical memory through the boot stub's direct map --------------------
// Only physical addresses below DIRECT_MAP_SIZE (memlayout.ts) are mapped;
// anything above page-faults.
@external("x86", "phys_read8") export declare function phys_read8(phys: u64): u8;
@external("x86", "phys_read16") export declare function phys_read16(phys: u64): u16;
@external("x86", "phys_read32") export declare function phys_read32(phys: u64): u32;
@external("x86", "phys_read64") export declare function phys_read64(phys: u64): u64;
@external("x86", "phys_write8") export declare function phys_write8(phys: u64, value: u8): void;
@external("x86", "phys_write16") export declare function phys_write16(phys: u64, value: u16): void;
@external("x86", "phys_write32") export declare function phys_write32(phys: u64, value: u32): void;
@external("x86", "phys_write64") export declare function phys_write64(phys: u64, value: u64): void;
// `words` 8-byte words from physical src to physical dst (rep movsq through the direct map).
@external("x86", "phys_copy64") export declare function phys_copy64(dst: u64, src: u64, words: u64): void;
