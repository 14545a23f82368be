// harness.ts — load the kernel test entry (assembly/entry.ts) on a simulated machine
// and talk to it: pass AssemblyScript strings in, read byte strings and
// console output back.

import { compileKernelWasm } from "./compile";
import { Machine } from "./machine";

// Where the tests put boot information in simulated physical memory.
export const MBI_PHYS = 0x10000;

// The exports of tests/kernel/assembly/entry.ts (numbers for i32, bigint for i64).
export type Entry = Record<string, (...args: any[]) => any>;

export class TestKernel {
  private next = 0;
  private constructor(readonly m: Machine, readonly ex: Entry) {}

  static async load(binary: Uint8Array, machine = new Machine()): Promise<TestKernel> {
    const instance = await machine.load(binary);
    return new TestKernel(machine, instance.exports as unknown as Entry);
  }

  private mem(): Uint8Array {
    return new Uint8Array(this.m.memory!.buffer);
  }

  // Write `s` as an AssemblyScript string object into the scratch area and
  // return its address (valid until the scratch area wraps around).
  str(s: string): number {
    const bytes = Buffer.from(s, "utf16le");
    const size = (4 + bytes.length + 15) & ~15;
    if (this.next + size > 4096) this.next = 0;
    const addr = this.ex.scratchAddr() + this.next + 4;
    new DataView(this.m.memory!.buffer).setUint32(addr - 4, bytes.length, true); // rtSize
    this.mem().set(bytes, addr);
    this.next += size;
    return addr;
  }

  // Raw bytes into the scratch area; returns their address.
  bytes(b: Uint8Array): number {
    const size = (b.length + 16) & ~15;
    if (this.next + size > 4096) this.next = 0;
    const addr = this.ex.scratchAddr() + this.next;
    this.mem().set(b, addr);
    this.next += size;
    return addr;
  }

  // `len` bytes of linear memory at `addr`, as UTF-8 text.
  text(addr: number, len: number): string {
    return Buffer.from(this.mem().subarray(addr, addr + len)).toString("utf8");
  }

  // A strpool.ts string (u32 length, then the bytes).
  pooled(s: number): string {
    return this.text(this.ex.pooledData(s), this.ex.pooledLen(s));
  }

  // An AssemblyScript string object at `addr`.
  asString(addr: number): string {
    const len = new DataView(this.m.memory!.buffer).getUint32(addr - 4, true);
    return Buffer.from(this.mem().subarray(addr, addr + len)).toString("utf16le");
  }

  // Run `fn` and return what it printed (with "\n" line ends).
  printed(fn: () => unknown): string {
    this.m.clearOutput();
    fn();
    return this.m.output;
  }
}

let entryBinary: Promise<Uint8Array> | null = null;

// The test entry, compiled once per test file.
export function compileEntry(): Promise<Uint8Array> {
  entryBinary ??= compileKernelWasm("tests/kernel/assembly/entry.ts");
  return entryBinary;
}
