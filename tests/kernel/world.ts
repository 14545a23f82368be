// world.ts — the simulated machine most kernel tests start from: RAM, a
// pool of free frames, an empty kernel PML4 at 0x1000 with paging set up,
// and (unless asked not to) the object pools with a root CNode. Also the
// process world of the execution-model tests: the same machine with an ELF
// image in memory and a spawn() that makes processes from it.

import { expect } from "vitest";
import { errName, loadCore } from "./corekernel";
import { build, goodImage } from "./elfimage";
import type { Entry } from "./harness";
import { Machine } from "./machine";

export const KPML4 = 0x1000n;

export interface MachineSize { ramSize?: number; framesEnd?: bigint }

type Exports = Record<string, (...a: any[]) => any>;

// ramSize bytes of RAM from 1 MiB, free frames from 2 MiB to framesEnd, the kernel PML4, paging.
export function initMemory(m: Machine, ex: Entry | Exports, { ramSize = 0x1000000, framesEnd = 0x400000n }: MachineSize = {}): void {
  const e = ex as Exports;
  m.addRam(0x100000, ramSize);
  e.framesReset();
  e.framesAddRange(0x200000n, framesEnd);
  m.place(KPML4, new Uint8Array(4096));   // an empty kernel PML4
  e.pagingInit(KPML4);
}

// The core test kernel (tests/kernel/assembly/core.ts) with memory, object pools and a root CNode.
export async function coreWorld(size: MachineSize = {}) {
  const { m, ex } = await loadCore();
  initMemory(m, ex, size);
  ex.objectsInit();
  const root: number = ex.cnodeCreateRoot();
  const ok = (code: number) => expect(errName(code)).toBe("OK");
  return { m, ex, root, ok };
}

export const IMAGE = 0x3000000;   // where process worlds put the ELF image

// A test kernel with processes: 64 MiB of RAM, 30 MiB of frames, the good ELF image at IMAGE.
export async function processWorld(binary: Uint8Array) {
  const m = new Machine();
  const instance = await m.load(binary);
  const ex = instance.exports as unknown as Exports;
  initMemory(m, ex, { ramSize: 0x4000000, framesEnd: 0x2000000n });
  ex.objectsInit();
  const image = build(goodImage());
  m.place(IMAGE, image);
  const spawn = (prio = 100): number => {
    const t = ex.processCreate(BigInt(IMAGE), BigInt(image.length), prio);
    expect(t).toBeGreaterThanOrEqual(0);
    return t;
  };
  return { m, ex, spawn };
}
