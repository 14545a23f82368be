// process.ts — processes: a CNode, an address space and a first thread,
// made from an ELF boot module (more threads: thread_create,
// sys_thread.ts); and their teardown when the first thread exits (every
// capability in the CNode goes, the other threads' with them; an extra
// thread's exit stops only it).
//
// A process's CNode holds, in fixed slots (kernel/README.md, "User mode"):
//   PROC_SLOT_CNODE   0  the CNode itself
//   PROC_SLOT_EP      1  the IPC pair's endpoint (ipcserver / ipcclient only)
//   PROC_SLOT_THREAD  2  its thread
//   PROC_SLOT_VSPACE  3  its address space
//   PROC_SLOT_IPC_BUFFER 4  the memory object of its IPC buffer, mapped
//                         read-write at USER_IPC_BUFFER (syscalls.ts)
// The thread is configured by capability (thread.ts: address space, CNode,
// no fault endpoint), starts at the ELF entry with the stack of elf.ts and
// RFLAGS.IF = 1, at PROC_PRIORITY. processStartAll (kmain) makes every
// program module but kernel.sym such a process, runnable, in module order.
//
// Teardown (processDestroy, after exit): every capability in the CNode but
// the address space and the CNode's own is deleted (the thread is freed,
// memory capabilities unmap and free their frames: the IPC buffer;
// endpoints lose a capability);
// then the frames the ELF loader gave the process (its PT_LOAD pages and
// its stack: the image stays in the boot module, so they are found again
// from its program headers) are unmapped and freed; then the address space
// (its page tables) and the CNode. Frames mapped by anybody else's memory
// capability are not the process's and are left alone.
//
// The same teardown runs when the first thread (TF_PROCESS) loses its last
// capability some other way: a supervisor deleting or revoking its own
// instead of proc_kill, the process deleting its slot 2 after that, or a
// torn-down CNode that held it (processOrphaned, called by cap.ts release).
// Without it the CNode, which holds itself, and everything in it leaked.

import { KErr } from "./errors";
import { print, printChar, printDec, printHex, println } from "./print";
import { phys_read16, phys_read32, phys_read64 } from "./x86";
import { capCreate, capCopy, capDelete, cnodeCreateRoot, createdObj, objPhys, CNODE_SLOTS, MAX_CNODES, slot, slotId, slotType } from "./cap";
import { objFree, objRefValid, OBJ_ADDRESS_SPACE, OBJ_CNODE, OBJ_ENDPOINT, OBJ_MEMORY, OBJ_NULL, OBJ_THREAD } from "./objects";
import { memMap } from "./mapping";
import { FAULT_EXIT, USER_IPC_BUFFER } from "./syscalls";
import { tcb, tcbSetReg, REG_RIP, REG_RSP, REG_RFLAGS, REG_ENTRY, ENTRY_IRET, TF_EXTRA, TF_PROCESS, MAX_THREADS } from "./tcb";
import { threadConfigure, threadResume, NO_SLOT } from "./thread";
import { elfCheck, elfEntry, elfErrorText, elfLoad, ELF_OK, USER_STACK_TOP, USER_STACK_PAGES } from "./elf";
import { vmLookup, vmUnmap, lookupPhys, PTE_ADDR, MAP_WRITE } from "./paging";
import { frameFree } from "./frames";
import { PAGE_SIZE } from "./memlayout";
import { bootModule, mbModuleCount, MB2_MAX_MODULES } from "./multiboot2";
import { strData, strLen } from "./strpool";
import { execKernelSpace, execPrintName, execSpace, execStop, faultToMessage } from "./exec";
import { initStart } from "./sys_process";
import { wasmMemoryRelease } from "./wasm_user";

export const PROC_SLOT_CNODE: u32 = 0;
export const PROC_SLOT_EP: u32 = 1;
export const PROC_SLOT_THREAD: u32 = 2;
export const PROC_SLOT_VSPACE: u32 = 3;
export const PROC_SLOT_IPC_BUFFER: u32 = 4;
export const PROC_PRIORITY: u32 = 100;

// A thread starts with IF = 1 (and the reserved bit 1).
export const USER_RFLAGS: u64 = 0x202;

// Per process (by CNode index): the physical address of its ELF image.
const procImage = memory.data(<i32>MAX_CNODES * 8, 8);
// processStartAll: the threads made, in module order (at most one per module).
const made = memory.data(<i32>MB2_MAX_MODULES * 4, 4);

// Load the ELF image of `size` bytes at `phys` as a process named `name`
// (a strpool string); its thread is configured but not started. The
// thread index, or -1 (reported on serial) when it cannot be made.
export function processCreate(phys: u64, size: u64, name: usize, priority: u32): i32 {
  const check = elfCheck(phys, size);
  if (check != ELF_OK) {
    printModule(name); print(": bad ELF image: "); print(elfErrorText(check)); println(", skipped");
    return -1;
  }
  const entry = elfEntry;
  const cn = cnodeCreateRoot();
  if (cn < 0) { printModule(name); println(": out of kernel objects, skipped"); return -1; }
  if (capCreate(OBJ_ADDRESS_SPACE, <u32>cn, PROC_SLOT_VSPACE, 0) != KErr.OK) {
    printModule(name); println(": out of memory, skipped");
    cnodeDestroy(<u32>cn);
    return -1;
  }
  const pml4 = objPhys(OBJ_ADDRESS_SPACE, <u32>createdObj);
  store<u64>(procImage + (<usize>cn << 3), phys);
  if (elfLoad(pml4, phys) != KErr.OK) {
    printModule(name); println(": out of memory while loading, skipped");
    freeImageFrames(<u32>cn, pml4);
    cnodeDestroy(<u32>cn);
    return -1;
  }
  if (capCreate(OBJ_THREAD, <u32>cn, PROC_SLOT_THREAD, priority) != KErr.OK) {
    printModule(name); println(": out of kernel objects, skipped");
    freeImageFrames(<u32>cn, pml4);
    cnodeDestroy(<u32>cn);
    return -1;
  }
  const t = <u32>createdObj;
  // The IPC buffer: one zeroed page, read-write, at USER_IPC_BUFFER.
  let ipcBuffer: u64 = 0;
  if (capCreate(OBJ_MEMORY, <u32>cn, PROC_SLOT_IPC_BUFFER, 0) == KErr.OK &&
      memMap(<u32>cn, PROC_SLOT_VSPACE, <u32>cn, PROC_SLOT_IPC_BUFFER, USER_IPC_BUFFER, MAP_WRITE) == KErr.OK) {
    ipcBuffer = USER_IPC_BUFFER;
  } else {
    printModule(name); println(": no IPC buffer (out of memory, or the image is in the way)");
  }
  threadConfigure(<u32>cn, PROC_SLOT_THREAD, PROC_SLOT_VSPACE, PROC_SLOT_CNODE, NO_SLOT, ipcBuffer);
  tcb(t).name = <u32>name;
  tcb(t).flags = TF_PROCESS;
  tcbSetReg(t, REG_RIP, entry);
  tcbSetReg(t, REG_RSP, USER_STACK_TOP);
  tcbSetReg(t, REG_RFLAGS, USER_RFLAGS);
  tcbSetReg(t, REG_ENTRY, ENTRY_IRET);
  execPrintName(t); print(": entry "); printHex(entry); print(", address space "); printHex(pml4); println();
  return <i32>t;
}

// Start a created process's thread (into the run queue).
export function processStart(t: u32): KErr {
  return threadResume(<u32>tcb(t).cnode, PROC_SLOT_THREAD);
}

// Thread t (a process's first thread) exited with `status`: report it,
// stop it and free everything the process had. A thread with a fault
// endpoint (a supervised server, sys_process.ts) instead sends the exit
// there as a fault of kind FAULT_EXIT + status and stays stopped: its
// supervisor frees it (proc_kill).
export function processExit(t: u32, status: u64): void {
  execPrintName(t); print(": exited with status "); printDec(status); println();
  // A thread made by thread_create: only it stops; its TCB goes with its
  // last capability (cap_delete, or the process's teardown).
  if ((tcb(t).flags & TF_EXTRA) != 0) { execStop(t); return; }
  if (tcb(t).faultEp >= 0 && faultToMessage(t, FAULT_EXIT + status, 0, 0, 0)) return;
  execStop(t);
  processDestroy(t);
}

// Free a stopped process: thread, capabilities, image frames, address
// space, CNode. False if t is not a process's thread (or its process is
// already gone: tcb.cnode = -1 marks that).
export function processDestroy(t: u32): bool {
  const x = tcb(t);
  const c = x.cnode;
  if (c < 0) return false;
  const cn = <u32>c;
  const pml4 = x.pml4;
  const space = x.vspace;
  // The thread may outlive this through a capability given away; it must
  // never run again (its frames go below).
  x.cnode = -1;
  // A process that emptied and deleted its own CNode: that index may be
  // somebody else's now (the generation tells), nothing is left to free.
  if (!objRefValid(OBJ_CNODE, cn, x.cnodeGen)) return false;
  // Its page tables are walked below only while the space is still its own.
  const spaceLive = space >= 0 && objRefValid(OBJ_ADDRESS_SPACE, <u32>space, x.vspaceGen);
  if (spaceLive && execSpace() == pml4) execKernelSpace(); // a live address space cannot be freed
  // Everything but the address space and the CNode's own capability, wherever
  // the process moved them (cap_move): deleting its space here would free
  // the page tables the walks below read (found by the syscall fuzzer:
  // tests/kernel/procdestroy.test.ts). The thread goes with its capability.
  let self: i32 = -1;
  for (let i: u32 = 0; i < CNODE_SLOTS; i++) {
    const id = slotId(cn, i);
    if (id < 0 || slotType(<u32>id) == OBJ_NULL) continue;
    const ty = slotType(<u32>id), obj = slot(<u32>id).obj;
    if (ty == OBJ_ADDRESS_SPACE && <i32>obj == space) continue;
    if (ty == OBJ_CNODE && obj == cn) { if (self < 0 || i == PROC_SLOT_CNODE) self = <i32>i; continue; }
    capDelete(cn, i);
  }
  if (spaceLive) {
    wasmMemoryRelease(pml4); // a wasmc program's linear memory, with its memory_grow pages (wasm_user.ts)
    freeImageFrames(cn, pml4);
  }
  cnodeDestroy(cn, self);
  return true;
}

// Processes whose first thread lost its last capability while another
// teardown ran (processOrphaned): their threads, waiting for their turn.
// A thread is queued once (its TCB stays allocated until it is taken).
const orphans = memory.data(<i32>MAX_THREADS * 4, 4);
let orphanCount: u32 = 0;
let reaping = false;

// cap.ts release: thread t lost its last capability (it is already out of
// every queue). A process's first thread not yet torn down takes its
// process with it, as processDestroy, and its TCB is freed after that:
// true. False: any other thread, which the caller frees.
// Called from inside a capability deletion whose slot is already empty;
// the outer operation re-reads its slots afterwards (capRevoke starts
// again from its root, processDestroy's loop sees emptied slots). A
// teardown that finds the last capability of another process's thread
// (a supervisor's CNode) queues it rather than recursing, so the kernel
// stack holds at most one teardown inside another however long the chain.
export function processOrphaned(t: u32): bool {
  const x = tcb(t);
  if ((x.flags & TF_PROCESS) == 0 || x.cnode < 0) return false;
  store<u32>(orphans + (<usize>orphanCount << 2), t);
  orphanCount++;
  if (reaping) return true;
  reaping = true;
  while (orphanCount > 0) {
    orphanCount--;
    const o = load<u32>(orphans + (<usize>orphanCount << 2));
    processDestroy(o);
    objFree(OBJ_THREAD, o);
  }
  reaping = false;
  return true;
}

// The frames elfLoad mapped for the image at procImage[cn]: its PT_LOAD
// pages and its stack. Unmapped and freed (missing pages are skipped: a
// load that ran out of memory).
function freeImageFrames(cn: u32, pml4: u64): void {
  const phys = load<u64>(procImage + (<usize>cn << 3));
  const phoff = phys_read64(phys + 32);
  const phnum: u32 = phys_read16(phys + 56);
  for (let i: u32 = 0; i < phnum; i++) {
    const h = phys + phoff + <u64>i * 56;
    if (phys_read32(h) != 1) continue; // PT_LOAD
    const va = phys_read64(h + 16), memsz = phys_read64(h + 40);
    const end = va + memsz;
    for (let page = va & ~(PAGE_SIZE - 1); page < end; page += PAGE_SIZE) freePage(pml4, page);
  }
  for (let p: u64 = 1; p <= USER_STACK_PAGES; p++) freePage(pml4, USER_STACK_TOP - p * PAGE_SIZE);
}

function freePage(pml4: u64, va: u64): void {
  if (vmLookup(pml4, va) != KErr.OK) return;
  const frame = lookupPhys & PTE_ADDR;
  if (vmUnmap(pml4, va) == KErr.OK) frameFree(frame);
}

// Delete what is left in CNode cn (the address space, then the CNode's
// own capability: the CNode goes with it).
function cnodeDestroy(cn: u32, self: i32 = <i32>PROC_SLOT_CNODE): void {
  // The address space (slot 3, or wherever it was moved), other copies of
  // the CNode's capability in itself (cap_copy of slot 0), then its own.
  for (let i: u32 = 0; i < CNODE_SLOTS; i++) {
    const s = slotId(cn, i);
    if (<i32>i != self && s >= 0 && slotType(<u32>s) != OBJ_NULL) capDelete(cn, i);
  }
  if (self >= 0) capDelete(cn, <u32>self);
}

// Every program boot module (all but kernel.sym) as a runnable process,
// in module order. The modules named "ipcserver" and "ipcclient" also get
// one shared endpoint in slot PROC_SLOT_EP (kernel/README.md, "IPC").
// The number of processes started.
export function processStartAll(): u32 {
  if (initStart() > 0) return 1; // a module named "init": it alone (sys_process.ts)
  let server = -1, client = -1, started: u32 = 0, count: u32 = 0;
  for (let i = 0; i < mbModuleCount; i++) {
    const m = bootModule(i);
    if (nameIs(m.string, "kernel.sym")) continue;
    const t = processCreate(<u64>m.start, <u64>(m.end - m.start), m.string, PROC_PRIORITY);
    if (t < 0) continue;
    store<u32>(made + (<usize>count << 2), <u32>t);
    count++;
    if (nameIs(m.string, "ipcserver")) server = t;
    if (nameIs(m.string, "ipcclient")) client = t;
  }
  if (server >= 0 && client >= 0) {
    const cs = <u32>tcb(<u32>server).cnode, cc = <u32>tcb(<u32>client).cnode;
    if (capCreate(OBJ_ENDPOINT, cs, PROC_SLOT_EP, 0) != KErr.OK || capCopy(cs, PROC_SLOT_EP, cc, PROC_SLOT_EP) != KErr.OK) {
      println("ipc: out of kernel objects, no endpoint for the pair");
    }
  }
  for (let i: u32 = 0; i < count; i++) {
    if (processStart(load<u32>(made + (<usize>i << 2))) == KErr.OK) started++;
  }
  return started;
}

function nameIs(s: usize, want: string): bool {
  const n = strLen(s);
  if (n != <u32>want.length) return false;
  const p = strData(s);
  for (let i: u32 = 0; i < n; i++) if (<u32>load<u8>(p + i) != <u32>want.charCodeAt(i)) return false;
  return true;
}

function printModule(name: usize): void {
  print("process ");
  if (name == 0) { print("(thread)"); return; }
  const p = strData(name), n = strLen(name);
  for (let i: u32 = 0; i < n; i++) printChar(load<u8>(p + i));
}
