// selftest.ts — `test=core`: the kernel core exercised on the real machine.
//
// The same operations the Node tests (tests/kernel) run on simulated
// memory, run here by the natively compiled kernel on real page tables, so
// that a miscompilation by our backend or a wrong assumption about the
// hardware shows up as a failed check: capabilities (create, mint, copy,
// revoke, delete), an address space with a memory object mapped into it by
// capability, run queues; and at the end every frame is back. Then, on
// the kernel's own tables (kvspace.ts), the image is checked W^X with the
// guard pages absent, and the Wasm memory grows past the next 2 MiB (by
// one page without a layout table): boot/'s __wasm_memory_grow maps the
// pages in the live tables; they must be usable and mapped read + write
// NX at the right frames. The page-table checks run only on the kernel's
// own tables (in the Node tests memory.grow does not go through boot/).
// Prints `test=core: <n> checks passed` and lets the boot finish, or the
// first failed check and panics.

import { KErr } from "./errors";
import { framesFree } from "./frames";
import {
  capCopy, capCreate, capDelete, capMint, capRevoke, cnodeCreateRoot, createdObj, objPhys, slot, slotId,
  RIGHT_READ, RIGHT_WRITE
} from "./cap";
import { OBJ_ADDRESS_SPACE, OBJ_CNODE, OBJ_ENDPOINT, OBJ_MEMORY, OBJ_THREAD, objValid } from "./objects";
import { memMap, memUnmap } from "./mapping";
import { threadConfigure, threadResume, threadSuspend, NO_SLOT } from "./thread";
import { schedPick } from "./sched";
import { vmLookup, lookupPhys, lookupRights, pagingKernelPml4, MAP_EXEC, MAP_USER, MAP_WRITE } from "./paging";
import { kvspaceOwnImage } from "./kvspace";
import {
  dataStart, istStackGuard, kernelStackGuard, panicStackGuard, rodataStart, textStart, wasmBase, wasmReserved
} from "./layout";
import { KERNEL_OFFSET } from "./memlayout";
import { phys_read64, phys_write64 } from "./x86";
import { print, printDec, println } from "./print";
import { panic } from "./panic";

let checks: u32 = 0;

function check(ok: bool, what: string): void {
  if (ok) {
    checks++;
    return;
  }
  print("test=core: FAILED: ");
  println(what);
  panic("test=core failed");
}

function checkOk(err: KErr, what: string): void {
  check(err == KErr.OK, what);
}

export function testCore(): void {
  checks = 0;
  const free0 = framesFree;
  const root = cnodeCreateRoot();
  check(root >= 0, "root CNode");
  const cn = <u32>root;

  // Capabilities: an endpoint, a badged copy, revoke.
  checkOk(capCreate(OBJ_ENDPOINT, cn, 1, 0), "create endpoint");
  const ep = createdObj;
  checkOk(capMint(cn, 1, cn, 2, RIGHT_WRITE, 0x1234), "mint badged");
  checkOk(capCopy(cn, 2, cn, 3), "copy");
  check(slot(<u32>slotId(cn, 3)).badge == 0x1234, "copy keeps the badge");
  check(capMint(cn, 2, cn, 4, RIGHT_READ, 0) == KErr.INSUFFICIENT_RIGHTS, "mint cannot add rights");
  checkOk(capRevoke(cn, 1), "revoke");
  check(slot(<u32>slotId(cn, 2)).type == 0 && slot(<u32>slotId(cn, 3)).type == 0, "revoke removed both");

  // An address space and a memory object mapped into it.
  checkOk(capCreate(OBJ_ADDRESS_SPACE, cn, 5, 0), "create address space");
  const pml4 = objPhys(OBJ_ADDRESS_SPACE, <u32>createdObj);
  checkOk(capCreate(OBJ_MEMORY, cn, 6, 0), "create memory object");
  const frame = objPhys(OBJ_MEMORY, <u32>createdObj);
  check(phys_read64(frame + 0xFF8) == 0, "memory object zeroed");
  phys_write64(frame + 8, 0x5EED_F00D);
  checkOk(memMap(cn, 5, cn, 6, 0x40_0000, MAP_WRITE), "map memory object");
  checkOk(vmLookup(pml4, 0x40_0008), "look the mapping up");
  check(lookupPhys == frame + 8 && lookupRights == (MAP_USER | MAP_WRITE), "mapping goes to the frame, user + write");
  check(phys_read64(lookupPhys) == 0x5EED_F00D, "same bytes through the mapping's frame");
  check(memMap(cn, 5, cn, 6, 0x50_0000, 0) == KErr.ALREADY_MAPPED, "one mapping per capability");

  // A thread configured with them, runnable, then stopped.
  checkOk(capCreate(OBJ_THREAD, cn, 7, 100), "create thread");
  const t = createdObj;
  checkOk(capCreate(OBJ_CNODE, cn, 8, 0), "create CNode");
  checkOk(threadConfigure(cn, 7, 5, 8, NO_SLOT, 0x7FFF_0000), "configure thread");
  checkOk(threadResume(cn, 7), "resume thread");
  check(schedPick() == t, "the thread is picked");
  checkOk(threadSuspend(cn, 7), "suspend thread");
  check(schedPick() == -1, "nothing runnable");

  // Tear it all down: every frame comes back.
  checkOk(memUnmap(cn, 6), "unmap");
  check(vmLookup(pml4, 0x40_0000) == KErr.NOT_MAPPED, "unmapped");
  checkOk(capDelete(cn, 6), "delete memory object");
  checkOk(capDelete(cn, 5), "delete address space");
  checkOk(capDelete(cn, 7), "delete thread");
  checkOk(capDelete(cn, 8), "delete CNode");
  checkOk(capDelete(cn, 1), "delete endpoint");
  check(!objValid(OBJ_ENDPOINT, <u32>ep) && !objValid(OBJ_THREAD, <u32>t), "objects destroyed");
  check(framesFree == free0, "every frame is back");
  checkOk(capDelete(cn, 0), "delete the root CNode");

  if (kvspaceOwnImage) testImageRights();
  testMemoryGrow();

  print("test=core: ");
  printDec(checks);
  println(" checks passed");
}

// The kernel's own image mappings (kvspace.ts): W^X per section, guard
// pages absent.
function testImageRights(): void {
  const pml4 = pagingKernelPml4();
  checkOk(vmLookup(pml4, KERNEL_OFFSET + textStart), "text is mapped");
  check(lookupPhys == textStart && lookupRights == MAP_EXEC, "text: read + execute");
  checkOk(vmLookup(pml4, KERNEL_OFFSET + rodataStart), "rodata is mapped");
  check(lookupPhys == rodataStart && lookupRights == 0, "rodata: read only, NX");
  checkOk(vmLookup(pml4, KERNEL_OFFSET + dataStart), "data is mapped");
  check(lookupPhys == dataStart && lookupRights == MAP_WRITE, "data: read + write, NX");
  check(vmLookup(pml4, KERNEL_OFFSET + kernelStackGuard) == KErr.NOT_MAPPED &&
        vmLookup(pml4, KERNEL_OFFSET + istStackGuard) == KErr.NOT_MAPPED &&
        vmLookup(pml4, KERNEL_OFFSET + panicStackGuard) == KErr.NOT_MAPPED, "stack guard pages are not mapped");
}

// memory.grow after the switch to the kernel's page tables. On the
// kernel's tables it grows past the next 2 MiB boundary, so that the last
// new page lies in a page table that kvspace.ts made empty (vmEnsureTable).
function testMemoryGrow(): void {
  const pages = memory.size();
  let delta: i32 = 1;
  if (kvspaceOwnImage) {
    const end = wasmBase + (<u64>pages << 16);
    const boundary = (end + 0x20_0000) & ~(<u64>0x1F_FFFF);
    delta = <i32>((boundary - end) >> 16) + 1;
  }
  const old = memory.grow(delta);
  check(old == pages, "memory.grow returns the old size");
  check(memory.size() == pages + delta, "memory.grow adds the pages");
  const first = <usize>old << 16;
  const last = <usize>(old + delta - 1) << 16;
  store<u64>(first, 0x6E57_9A6E_0000_0001);
  store<u64>(last + 0xFFF8, 0x6E57_9A6E_0000_0002);
  check(load<u64>(first) == 0x6E57_9A6E_0000_0001 && load<u64>(last + 0xFFF8) == 0x6E57_9A6E_0000_0002,
    "the grown pages keep what was written");
  if (kvspaceOwnImage) {
    const pa = wasmBase + (<u64>last) + 0xF000;
    checkOk(vmLookup(pagingKernelPml4(), KERNEL_OFFSET + pa), "the grown pages are in the kernel's tables");
    check(lookupPhys == pa && lookupRights == MAP_WRITE, "a grown page: its frame, read + write, NX");
    // One page past the new end stays unmapped.
    check(vmLookup(pagingKernelPml4(), KERNEL_OFFSET + pa + 0x1000) == KErr.NOT_MAPPED,
      "the page after the grown ones is not mapped");
  }
  // The whole reservation again (256 pages without a layout table).
  const reserved = wasmReserved != 0 ? <i32>(wasmReserved >> 16) : 256;
  check(memory.grow(reserved) == -1, "growing past the reservation fails");
  check(memory.size() == pages + delta, "a failed memory.grow changes nothing");
}
