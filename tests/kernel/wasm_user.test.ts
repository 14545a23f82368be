// wasm_user.test.ts — the memory_grow system call (kernel/wasm_user.ts) on
// simulated RAM: fresh zeroed, user-writable pages right after the current
// end of an AssemblyScript program's linear memory; nothing mapped when
// any page of the range is taken, the range leaves the 4 GiB window, or
// frames run out (and then every frame taken is given back).

import { beforeAll, describe, expect, it } from "vitest";
import { compileKernelWasm } from "./compile";
import { Machine } from "./machine";
import { E, MAP } from "./corekernel";
import { initMemory } from "./world";
import { CONSTANTS, SYSCALLS } from "../../toolchain/src/abi/syscalls";

const C = Object.fromEntries(CONSTANTS.map((c) => [c.name, c.value]));
const BASE = C.USER_MEMORY_BASE, PAGE = 65536n;
let binary: Uint8Array;
beforeAll(async () => { binary = await compileKernelWasm("tests/kernel/assembly/wasmuser.ts"); }, 120_000);

async function setup(frames = 0x400000n) {
  const m = new Machine();
  const ex = (await m.load(binary)).exports as any;
  m.place(0x200000n, new Uint8Array(Number(frames)).fill(0xAB)); // frames start dirty
  initMemory(m, ex, { framesEnd: 0x200000n + frames });
  const pml4 = ex.vspaceCreate() as bigint;
  m.cr3 = pml4; // the calling thread's address space is the live one
  const rights = (va: bigint) => (ex.vmLookup(pml4, va) === E.OK ? ex.lookupRights() : -1);
  return { m, ex, pml4, rights };
}

describe("memory_grow", () => {
  it("maps zeroed user-writable pages after the current end and returns the old size", async () => {
    const { m, ex, pml4, rights } = await setup();
    expect(ex.memoryGrow(0n, 1n)).toBe(0n);
    expect(ex.memoryGrow(1n, 2n)).toBe(1n);
    for (let va = BASE; va < BASE + 3n * PAGE; va += 4096n) expect(rights(va)).toBe(MAP.MAP_USER | MAP.MAP_WRITE);
    expect(rights(BASE + 3n * PAGE)).toBe(-1);
    for (const va of [BASE, BASE + PAGE + 8n, BASE + 3n * PAGE - 8n]) {
      expect(ex.vmLookup(pml4, va)).toBe(E.OK);
      expect(m.imports().phys_read64(ex.lookupPhys() as bigint)).toBe(0n);
    }
    expect(ex.memoryGrow(3n, 0n)).toBe(3n); // a no-op
  });

  it("refuses a range that is already mapped, leaves the window, or does not fit in memory, mapping nothing", async () => {
    const { ex, rights } = await setup(0x40000n); // 64 frames: 4 Wasm pages
    expect(ex.memoryGrow(0n, 1n)).toBe(0n);
    expect(ex.memoryGrow(0n, 1n)).toBe(-BigInt(E.ALREADY_MAPPED)); // the program lied about its size
    expect(ex.memoryGrow(3n, 1n)).toBe(-BigInt(E.INVALID_ARGUMENT)); // ... or would leave a hole
    expect(ex.memoryGrow(C.USER_MEMORY_MAX_PAGES, 1n)).toBe(-BigInt(E.INVALID_ARGUMENT));
    expect(ex.memoryGrow(1n, C.USER_MEMORY_MAX_PAGES)).toBe(-BigInt(E.INVALID_ARGUMENT));
    expect(ex.memoryGrow(1n, 0xFFFF_FFFF_FFFF_FFFFn)).toBe(-BigInt(E.INVALID_ARGUMENT));
    const free = ex.framesFree() as bigint;
    expect(ex.memoryGrow(1n, 8n)).toBe(-BigInt(E.OUT_OF_MEMORY));
    expect(ex.framesFree()).toBe(free); // every frame given back (tables may stay)
    expect(rights(BASE + PAGE)).toBe(-1);
    expect(ex.memoryGrow(1n, 2n)).toBe(1n); // what fits still works
  });


  it("process teardown gives every page of the memory back", async () => {
    const { ex, pml4, rights } = await setup();
    expect(ex.memoryGrow(0n, 1n)).toBe(0n);
    const afterTables = ex.framesFree() as bigint; // the page tables now exist
    expect(ex.memoryGrow(1n, 3n)).toBe(1n);
    expect(afterTables - (ex.framesFree() as bigint)).toBe(48n);
    ex.memoryRelease(pml4);
    expect(rights(BASE)).toBe(-1);
    expect(rights(BASE + 4n * PAGE - 4096n)).toBe(-1);
    expect(ex.framesFree()).toBe(afterTables + 16n); // all 64 frames of the memory back
  });

  it("is system call memory_grow of the generated dispatch", async () => {
    const { ex } = await setup();
    const n = BigInt(SYSCALLS.find((s) => s.name === "memory_grow")!.number);
    expect(ex.dispatch(n, 0n, 2n)).toBe(0n);
    expect(ex.dispatch(n, 2n, 1n)).toBe(2n);
    expect(ex.dispatch(BigInt(SYSCALLS.length), 0n, 0n)).toBe(-BigInt(E.INVALID_ARGUMENT));
  });

});

describe("faults of wasmc programs that are Wasm traps", () => {
  it("a page fault past the linear memory is 'out of bounds memory access', below the stack 'call stack exhausted'", async () => {
    const { m, ex, pml4 } = await setup();
    const top = C.USER_WASM_STACK_TOP, bottom = top - C.USER_WASM_STACK_SIZE;
    expect(ex.memoryGrow(0n, 1n)).toBe(0n);
    // Not (yet) a wasmc program: no stack page at the wasmc stack top.
    expect(ex.faultCode(pml4, 14n, BASE + PAGE)).toBe(0);
    expect(ex.vmMap(pml4, top - 4096n, 0x300000n, MAP.MAP_USER | MAP.MAP_WRITE)).toBe(E.OK);
    expect(ex.faultCode(pml4, 14n, BASE + PAGE)).toBe(5);                 // just past the end
    expect(ex.faultCode(pml4, 14n, BASE + (1n << 33n))).toBe(5);          // index + offset at most
    expect(ex.faultCode(pml4, 14n, BASE + (1n << 33n) + 16n)).toBe(0);    // beyond any reach
    expect(ex.faultCode(pml4, 14n, BASE + 8n)).toBe(0);                   // mapped: no trap
    expect(ex.faultCode(pml4, 14n, bottom - 8n)).toBe(9);                 // the guard below the stack
    expect(ex.faultCode(pml4, 14n, bottom - 4097n)).toBe(0);
    expect(ex.faultCode(pml4, 13n, BASE + PAGE)).toBe(0);                 // only page faults
    expect(ex.faultCode(pml4, 14n, 0x400000n)).toBe(0);
    void m;
  });
});
