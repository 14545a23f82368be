// cap.ts — capabilities: CNodes of typed slots, and the derivation tree.
//
// A capability is a 48-byte slot: the object's type and index (objects.ts),
// rights, a badge, a memory capability's mapping, and its place in the
// capability derivation tree (CDT, seL4's "mapping database"). Every slot
// of every CNode lives in one table, `slotTable`; CNode c owns slots
// [c * CNODE_SLOTS, (c + 1) * CNODE_SLOTS), so a slot has a global id and
// the tree links are plain ids (stored + 1, so that 0 = none and a zeroed
// table is a table of empty slots).
//
// Derivation: the cap made by capCreate (the original) is a root of the
// tree; copy and mint put the new cap under their source, as its child.
// Revoke deletes every descendant of a cap (iteratively, deepest first);
// delete removes one cap and hands its children to its parent; move keeps
// the cap's place in the tree. An object dies with its last capability
// (capCount): a thread leaves the run queues (a process's first thread
// takes its process along: process.ts processOrphaned), an address space
// frees its page tables, a memory object frees its frame. A memory
// capability can hold one mapping of its frame (mapping.ts); deleting
// the capability, or revoking it from above, removes that mapping. A
// CNode must be empty before its last capability can go (NOT_EMPTY):
// that rule keeps deletion free of recursion (a CNode full of caps to
// CNodes ...).
//
// Every operation has a decode step (capCheck*: arguments, types, rights;
// changes nothing) and a perform step that cannot fail. Operations name
// slots as (CNode index, slot index); the system-call layer will get there
// from a user's capability address.

import { KErr } from "./errors";
import {
  objAlloc, objFree, objHeader, objValid, objRefValid, objAddr, poolSetup,
  OBJ_NULL, OBJ_THREAD, OBJ_ADDRESS_SPACE, OBJ_ENDPOINT, OBJ_NOTIFICATION, OBJ_REPLY,
  OBJ_MEMORY, OBJ_IRQ_HANDLER, OBJ_IO_PORTS, OBJ_CNODE, OBJ_TYPE_COUNT
} from "./objects";
import { tcbInitFields, tcbPoolInit, PRIORITY_LEVELS } from "./tcb";
import { epInit } from "./endpoint";
import { ipcInit, ipcThreadGone, ipcEndpointGone, ipcReplyGone } from "./ipc";
import { ntfnInit, ntfnGone } from "./notification";
import { frameAlloc, frameFree } from "./frames";
import { execCur, execSpaceGone, execStop } from "./exec";
import { pagingKernelPml4, vspaceCreate, vspaceFree, vmUnmap, PTE_ADDR } from "./paging";
import { phys_write64, read_cr3 } from "./x86";
import { PAGE_SIZE } from "./memlayout";

// --- rights -----------------------------------------------------------------------
export const RIGHT_READ: u32 = 1;
export const RIGHT_WRITE: u32 = 2;
export const RIGHT_GRANT: u32 = 4;        // may pass capabilities in a message
export const RIGHT_GRANT_REPLY: u32 = 8;  // may pass a reply capability
export const RIGHT_EXEC: u32 = 16;        // memory objects: may be mapped executable
export const RIGHTS_ALL: u32 = 31;

// --- sizes ----------------------------------------------------------------------------
export const CNODE_SLOTS: u32 = 128;
export const MAX_CNODES: u32 = 64;
const SLOT_COUNT: u32 = CNODE_SLOTS * MAX_CNODES;

// Records of the objects other than threads (tcb.ts) and CNodes (slots):
// 32 bytes each, the 16-byte header and 16 bytes of state.
export const SMALL_RECORD: u32 = 32;
export const MAX_ADDRESS_SPACES: u32 = 128;
export const MAX_ENDPOINTS: u32 = 512;
export const MAX_NOTIFICATIONS: u32 = 512;
export const MAX_REPLIES: u32 = 256;
export const MAX_MEMORY_OBJECTS: u32 = 1024;
// A memory object's second word (sys_dma.ts): pages - 1 in the low 32 bits,
// MEM_DEVICE for device memory (a physical range that is not RAM: never
// freed, mapped uncached). 0: one RAM frame (every object capCreate makes).
export const MEM_PAGES_MASK: u64 = 0xFFFF_FFFF;
export const MEM_DEVICE: u64 = <u64>1 << 32;

// An address space: its PML4. A memory object: one frame.
@unmanaged class SmallObj {
  live: u32; capCount: u32; nextFree: i32; generation: u32;
  phys: u64;     // address space: PML4; memory object: the frame
  word: u64;     // notification: the bit word (IPC milestone)
}

@unmanaged export class Slot {
  type: u8;
  rights: u8;
  _pad: u16;
  obj: u32;      // object index; IRQ number; I/O ports: first | count << 16
  badge: u64;
  parent: u32;   // slot id + 1, 0 = none
  firstChild: u32;
  nextSibling: u32;
  prevSibling: u32;
  // Memory capabilities: where this capability maps its frame (mapping.ts).
  mapSpace: u32; // address-space object index + 1, 0 = not mapped
  mapGen: u32;   // that address space's generation (stale = unmapped)
  mapVa: u64;
}
export const SLOT_SIZE: u32 = 48;

export const slotTable = memory.data(<i32>(SLOT_COUNT * SLOT_SIZE), 8);
export const cnodePool = memory.data(<i32>(MAX_CNODES * 16), 8);
const spacePool = memory.data(<i32>(MAX_ADDRESS_SPACES * SMALL_RECORD), 8);
export const endpointPool = memory.data(<i32>(MAX_ENDPOINTS * SMALL_RECORD), 8);
const notificationPool = memory.data(<i32>(MAX_NOTIFICATIONS * SMALL_RECORD), 8);
const replyPool = memory.data(<i32>(MAX_REPLIES * SMALL_RECORD), 8);
const memoryPool = memory.data(<i32>(MAX_MEMORY_OBJECTS * SMALL_RECORD), 8);

// Empty every pool and every CNode. Called once at boot (and by tests).
export function objectsInit(): void {
  tcbPoolInit();
  poolSetup(OBJ_CNODE, cnodePool, 16, MAX_CNODES);
  poolSetup(OBJ_ADDRESS_SPACE, spacePool, SMALL_RECORD, MAX_ADDRESS_SPACES);
  poolSetup(OBJ_ENDPOINT, endpointPool, SMALL_RECORD, MAX_ENDPOINTS);
  poolSetup(OBJ_NOTIFICATION, notificationPool, SMALL_RECORD, MAX_NOTIFICATIONS);
  poolSetup(OBJ_REPLY, replyPool, SMALL_RECORD, MAX_REPLIES);
  poolSetup(OBJ_MEMORY, memoryPool, SMALL_RECORD, MAX_MEMORY_OBJECTS);
  memory.fill(slotTable, 0, <usize>SLOT_COUNT * SLOT_SIZE);
  ipcInit();  // per-thread IPC state
  ntfnInit(); // notification waits, IRQ bindings (lines masked)
}

// --- slots ----------------------------------------------------------------------------
@inline export function slot(id: u32): Slot {
  return changetype<Slot>(slotTable + <usize>id * SLOT_SIZE);
}

@inline function ref(id: u32): u32 { return id + 1; }
@inline function deref(link: u32): u32 { return link - 1; }

// The global id of (cnode, index), or -1 if that is not a slot.
@inline export function slotId(cnode: u32, index: u32): i32 {
  if (!objValid(OBJ_CNODE, cnode) || index >= CNODE_SLOTS) return -1;
  return <i32>(cnode * CNODE_SLOTS + index);
}

function smallObj(type: u32, index: u32): SmallObj {
  return changetype<SmallObj>(objAddr(type, index));
}

// Who holds a slot: for tests and debugging.
@inline export function slotType(id: u32): u32 { return slot(id).type; }
export function slotRights(id: u32): u32 { return slot(id).rights; }
export function slotBadge(id: u32): u64 { return slot(id).badge; }
@inline export function slotObj(id: u32): u32 { return slot(id).obj; }
export function slotParent(id: u32): i32 { return <i32>slot(id).parent - 1; }

// --- the derivation tree -----------------------------------------------------------
function linkChild(parent: u32, child: u32): void {
  const p = slot(parent);
  const c = slot(child);
  c.parent = ref(parent);
  c.prevSibling = 0;
  c.nextSibling = p.firstChild;
  if (p.firstChild != 0) slot(deref(p.firstChild)).prevSibling = ref(child);
  p.firstChild = ref(child);
}

// Take `id` out of its parent's (or the roots') sibling list.
function unlinkFromSiblings(id: u32): void {
  const s = slot(id);
  if (s.prevSibling != 0) slot(deref(s.prevSibling)).nextSibling = s.nextSibling;
  else if (s.parent != 0) slot(deref(s.parent)).firstChild = s.nextSibling;
  if (s.nextSibling != 0) slot(deref(s.nextSibling)).prevSibling = s.prevSibling;
  s.prevSibling = 0;
  s.nextSibling = 0;
}

// Decode for deleting the capability in slot `id`: if it is the object's
// last, may the object be destroyed?
function checkLastCap(id: u32): KErr {
  const s = slot(id);
  if (s.type != <u8>OBJ_CNODE && s.type != <u8>OBJ_ADDRESS_SPACE) return KErr.OK;
  const h = objHeader(s.type, s.obj);
  if (h.capCount != 1) return KErr.OK;
  if (s.type == <u8>OBJ_CNODE) {
    // Empty but for the capability being deleted (a CNode may hold its own).
    const first = s.obj * CNODE_SLOTS;
    for (let i: u32 = 0; i < CNODE_SLOTS; i++) {
      if (first + i != id && slot(first + i).type != <u8>OBJ_NULL) return KErr.NOT_EMPTY;
    }
  } else if (s.type == <u8>OBJ_ADDRESS_SPACE) {
    const pml4 = smallObj(OBJ_ADDRESS_SPACE, s.obj).phys;
    if (pml4 == pagingKernelPml4() || (read_cr3() & PTE_ADDR) == pml4) return KErr.BUSY; // live
  }
  return KErr.OK;
}

// The object loses a capability; the last one destroys it.
function release(type: u32, obj: u32): void {
  if (type == OBJ_IRQ_HANDLER || type == OBJ_IO_PORTS || type == OBJ_NULL) return;
  const h = objHeader(type, obj);
  h.capCount--;
  if (h.capCount != 0) return;
  if (type == OBJ_THREAD) {
    // The running thread deleted its own last capability: it stops now (its
    // system call does not return), so no thread runs on a freed TCB (found
    // by the syscall fuzzer: tests/kernel/procdestroy.test.ts).
    if (<i32>obj == execCur) execStop(obj);
    ipcThreadGone(obj);   // out of every queue; a call it served fails
    // A process's first thread: the process goes too, and its TCB after it
    // (process.ts processOrphaned; the slot is already empty here).
    if (processOrphaned(obj)) return;
  } else if (type == OBJ_ENDPOINT) {
    ipcEndpointGone(obj); // its waiters are woken with CANCELLED
  } else if (type == OBJ_NOTIFICATION) {
    ntfnGone(obj);        // likewise
  } else if (type == OBJ_REPLY) {
    ipcReplyGone(obj);    // the call it would answer fails
  } else if (type == OBJ_ADDRESS_SPACE) {
    execSpaceGone(obj);   // its threads stop (exec.ts: switches need no check)
    vspaceFree(smallObj(type, obj).phys);
  } else if (type == OBJ_MEMORY) {
    // word: pages - 1 | MEM_DEVICE (sys_dma.ts); 0 = one RAM frame. Device memory is not RAM: nothing to free.
    const o = smallObj(type, obj);
    if ((o.word & MEM_DEVICE) == 0) {
      const n = (o.word & MEM_PAGES_MASK) + 1;
      for (let i: u64 = 0; i < n; i++) frameFree(o.phys + i * PAGE_SIZE);
    }
  }
  objFree(type, obj);
}

// Delete the capability in slot `id` (perform: checkLastCap passed). Its
// children move up to its parent (or become roots), so that revoking an
// ancestor still reaches them.
function deleteSlot(id: u32): void {
  const s = slot(id);
  unlinkFromSiblings(id);
  // Re-parent the children: each becomes a child of s's parent (or a root).
  let c = s.firstChild;
  while (c != 0) {
    const child = deref(c);
    const next = slot(child).nextSibling;
    slot(child).prevSibling = 0;
    slot(child).nextSibling = 0;
    if (s.parent != 0) linkChild(deref(s.parent), child);
    else slot(child).parent = 0;
    c = next;
  }
  s.firstChild = 0;
  if (s.type == <u8>OBJ_MEMORY) slotUnmap(id);
  const type: u32 = s.type, obj = s.obj;
  s.type = <u8>OBJ_NULL;
  s.rights = 0;
  s.obj = 0;
  s.badge = 0;
  s.parent = 0;
  release(type, obj);
}

// --- creating objects (the original capability) -------------------------------------
export let createdObj: i32 = -1; // the object made by the last successful capCreate

// Decode for capCreate.
export function capCheckCreate(type: u32, dstCnode: u32, dstIndex: u32, param: u64): KErr {
  const dst = slotId(dstCnode, dstIndex);
  if (dst < 0) return KErr.INVALID_SLOT;
  if (slot(<u32>dst).type != <u8>OBJ_NULL) return KErr.SLOT_OCCUPIED;
  if (type == OBJ_NULL || type >= OBJ_TYPE_COUNT) return KErr.INVALID_ARGUMENT;
  if (type == OBJ_THREAD && param >= <u64>PRIORITY_LEVELS) return KErr.INVALID_ARGUMENT;
  if (type == OBJ_IRQ_HANDLER && param >= 256) return KErr.INVALID_ARGUMENT;
  if (type == OBJ_IO_PORTS) {
    const first = param & 0xFFFF, count = param >> 16;
    // count < 2^16 so that first | count << 16 fits the slot's u32.
    if (count == 0 || count > 0xFFFF || first + count > 0x10000) return KErr.INVALID_ARGUMENT;
  }
  return KErr.OK;
}

// Make a new object of `type` and put its original capability (all
// rights, no badge, a root of the derivation tree) in (dstCnode, dstIndex).
// `param`: thread priority; IRQ number; I/O ports first | count << 16
// (count 1 .. 65535).
// The initial process gets its capabilities this way; later, untyped-like
// memory accounting can sit in front of it.
export function capCreate(type: u32, dstCnode: u32, dstIndex: u32, param: u64): KErr {
  const err = capCheckCreate(type, dstCnode, dstIndex, param);
  if (err != KErr.OK) return err;
  let obj: u32 = 0;
  if (type == OBJ_IRQ_HANDLER || type == OBJ_IO_PORTS) {
    obj = <u32>param;
  } else {
    const i = objAlloc(type);
    if (i < 0) return KErr.OUT_OF_MEMORY;
    obj = <u32>i;
    if (type == OBJ_THREAD) {
      tcbInitFields(obj, <u32>param);
    } else if (type == OBJ_ENDPOINT) {
      epInit(obj);
    } else if (type == OBJ_ADDRESS_SPACE || type == OBJ_MEMORY) {
      const phys = type == OBJ_MEMORY ? frameAlloc() : vspaceCreate();
      if (phys == 0) {
        objFree(type, obj);
        return KErr.OUT_OF_MEMORY;
      }
      if (type == OBJ_MEMORY) {
        for (let off: u64 = 0; off < PAGE_SIZE; off += 8) phys_write64(phys + off, 0);
      }
      smallObj(type, obj).phys = phys;
    }
    objHeader(type, obj).capCount = 1;
  }
  const s = slot(<u32>slotId(dstCnode, dstIndex));
  s.type = <u8>type;
  s.rights = <u8>RIGHTS_ALL;
  s.obj = obj;
  s.badge = 0;
  s.parent = 0;
  s.firstChild = 0;
  s.nextSibling = 0;
  s.prevSibling = 0;
  s.mapSpace = 0;
  s.mapGen = 0;
  s.mapVa = 0;
  createdObj = <i32>obj;
  return KErr.OK;
}

// A CNode needs a slot table before any slot can name it: the first CNode
// (the initial process's) is made with this, its capability stored in its own slot 0.
export function cnodeCreateRoot(): i32 {
  const i = objAlloc(OBJ_CNODE);
  if (i < 0) return -1;
  const s = slot(<u32>i * CNODE_SLOTS);
  s.type = <u8>OBJ_CNODE;
  s.rights = <u8>RIGHTS_ALL;
  s.obj = <u32>i;
  objHeader(OBJ_CNODE, <u32>i).capCount = 1;
  return i;
}

// --- copy and mint ---------------------------------------------------------------------

function badgeable(type: u32): bool {
  return type == OBJ_ENDPOINT || type == OBJ_NOTIFICATION;
}

// Decode for capCopy/capMint: rights must be a subset of the source's;
// a badge only on endpoints and notifications, and only once.
export function capCheckMint(srcCnode: u32, srcIndex: u32, dstCnode: u32, dstIndex: u32, rights: u32, badge: u64): KErr {
  const src = slotId(srcCnode, srcIndex);
  const dst = slotId(dstCnode, dstIndex);
  if (src < 0 || dst < 0) return KErr.INVALID_SLOT;
  const s = slot(<u32>src);
  if (s.type == <u8>OBJ_NULL) return KErr.EMPTY_SLOT;
  if (slot(<u32>dst).type != <u8>OBJ_NULL) return KErr.SLOT_OCCUPIED;
  if (s.type == <u8>OBJ_REPLY) return KErr.WRONG_TYPE; // one-shot: never duplicated
  if ((rights & ~RIGHTS_ALL) != 0) return KErr.INVALID_ARGUMENT;
  if ((rights & ~(<u32>s.rights)) != 0) return KErr.INSUFFICIENT_RIGHTS;
  if (badge != 0) {
    if (!badgeable(s.type)) return KErr.NOT_BADGEABLE;
    if (s.badge != 0) return KErr.NOT_BADGEABLE;
  }
  return KErr.OK;
}

// Perform: a new capability in dst, a child of src in the derivation tree.
function derive(src: u32, dst: u32, rights: u32, badge: u64): void {
  const s = slot(src);
  const d = slot(dst);
  d.type = s.type;
  d.rights = <u8>rights;
  d.obj = s.obj;
  d.badge = badge != 0 ? badge : s.badge;
  d.firstChild = 0;
  d.mapSpace = 0;
  d.mapGen = 0;
  d.mapVa = 0;
  linkChild(src, dst);
  if (s.type != <u8>OBJ_IRQ_HANDLER && s.type != <u8>OBJ_IO_PORTS) objHeader(s.type, s.obj).capCount++;
}

// Copy: same rights, same badge.
export function capCopy(srcCnode: u32, srcIndex: u32, dstCnode: u32, dstIndex: u32): KErr {
  const src = slotId(srcCnode, srcIndex);
  if (src < 0) return KErr.INVALID_SLOT;
  const rights: u32 = slot(<u32>src).rights;
  const err = capCheckMint(srcCnode, srcIndex, dstCnode, dstIndex, rights, 0);
  if (err != KErr.OK) return err;
  derive(<u32>src, <u32>slotId(dstCnode, dstIndex), rights, 0);
  return KErr.OK;
}

// Mint: `rights` (a subset of the source's) and, if not 0, a badge.
export function capMint(srcCnode: u32, srcIndex: u32, dstCnode: u32, dstIndex: u32, rights: u32, badge: u64): KErr {
  const err = capCheckMint(srcCnode, srcIndex, dstCnode, dstIndex, rights, badge);
  if (err != KErr.OK) return err;
  derive(<u32>slotId(srcCnode, srcIndex), <u32>slotId(dstCnode, dstIndex), rights, badge);
  return KErr.OK;
}

// --- move ----------------------------------------------------------------------------------

// Move the capability from src to dst, keeping its place in the tree.
export function capMove(srcCnode: u32, srcIndex: u32, dstCnode: u32, dstIndex: u32): KErr {
  const src = slotId(srcCnode, srcIndex);
  const dst = slotId(dstCnode, dstIndex);
  if (src < 0 || dst < 0) return KErr.INVALID_SLOT;
  if (slot(<u32>src).type == <u8>OBJ_NULL) return KErr.EMPTY_SLOT;
  if (slot(<u32>dst).type != <u8>OBJ_NULL) return KErr.SLOT_OCCUPIED; // also src == dst
  const s = slot(<u32>src);
  const d = slot(<u32>dst);
  d.type = s.type;
  d.rights = s.rights;
  d.obj = s.obj;
  d.badge = s.badge;
  d.parent = s.parent;
  d.firstChild = s.firstChild;
  d.nextSibling = s.nextSibling;
  d.prevSibling = s.prevSibling;
  d.mapSpace = s.mapSpace;
  d.mapGen = s.mapGen;
  d.mapVa = s.mapVa;
  // Point the neighbours at the new place.
  if (s.prevSibling != 0) slot(deref(s.prevSibling)).nextSibling = ref(<u32>dst);
  else if (s.parent != 0) slot(deref(s.parent)).firstChild = ref(<u32>dst);
  if (s.nextSibling != 0) slot(deref(s.nextSibling)).prevSibling = ref(<u32>dst);
  for (let c = s.firstChild; c != 0; c = slot(deref(c)).nextSibling) slot(deref(c)).parent = ref(<u32>dst);
  s.type = <u8>OBJ_NULL;
  s.rights = 0;
  s.obj = 0;
  s.badge = 0;
  s.parent = 0;
  s.firstChild = 0;
  s.nextSibling = 0;
  s.prevSibling = 0;
  s.mapSpace = 0;
  s.mapGen = 0;
  s.mapVa = 0;
  return KErr.OK;
}

// --- delete and revoke ------------------------------------------------------------------

// Delete one capability. Deleting an empty slot succeeds (nothing to do).
export function capDelete(cnode: u32, index: u32): KErr {
  const id = slotId(cnode, index);
  if (id < 0) return KErr.INVALID_SLOT;
  const s = slot(<u32>id);
  if (s.type == <u8>OBJ_NULL) return KErr.OK;
  const err = checkLastCap(<u32>id);
  if (err != KErr.OK) return err;
  deleteSlot(<u32>id);
  return KErr.OK;
}

// Delete every capability derived from this one, at any depth; the
// capability itself stays. Deepest first, one leaf at a time, so the
// kernel stack does not grow with the tree. Stops at the first
// descendant that cannot go (the last capability of a non-empty CNode)
// and returns its error; what was deleted stays deleted.
export function capRevoke(cnode: u32, index: u32): KErr {
  const id = slotId(cnode, index);
  if (id < 0) return KErr.INVALID_SLOT;
  const root = <u32>id;
  if (slot(root).type == <u8>OBJ_NULL) return KErr.OK;
  while (slot(root).firstChild != 0) {
    let leaf = deref(slot(root).firstChild);
    while (slot(leaf).firstChild != 0) leaf = deref(slot(leaf).firstChild);
    const err = checkLastCap(leaf);
    if (err != KErr.OK) return err;
    deleteSlot(leaf);
  }
  return KErr.OK;
}

// Number of capabilities derived from slot `id` (all depths): for tests.
export function capDescendants(id: u32): u32 {
  let n: u32 = 0;
  let c = slot(id).firstChild;
  if (c == 0) return 0;
  // Pre-order walk with parent links, no recursion.
  let cur = deref(c);
  while (true) {
    n++;
    const s = slot(cur);
    if (s.firstChild != 0) { cur = deref(s.firstChild); continue; }
    while (cur != id && slot(cur).nextSibling == 0) cur = deref(slot(cur).parent);
    if (cur == id) break;
    cur = deref(slot(cur).nextSibling);
  }
  return n;
}

// The physical address an address-space or memory object holds.
export function objPhys(type: u32, obj: u32): u64 {
  return smallObj(type, obj).phys;
}

// The second word of an address-space / memory-object / notification record.
export function objWord(type: u32, obj: u32): u64 {
  return smallObj(type, obj).word;
}
export function objSetWord(type: u32, obj: u32, value: u64): void {
  smallObj(type, obj).word = value;
}
export function objSetPhys(type: u32, obj: u32, value: u64): void { // sys_dma.ts
  smallObj(type, obj).phys = value;
}

// --- mappings held by memory capabilities ---------------------------------------------

// The address space slot `id` (a memory capability) maps its frame in, or
// -1: never mapped, or that address space is gone (its tables went with it).
export function slotMappedSpace(id: u32): i32 {
  const s = slot(id);
  if (s.type != <u8>OBJ_MEMORY || s.mapSpace == 0) return -1;
  const space = s.mapSpace - 1;
  if (!objRefValid(OBJ_ADDRESS_SPACE, space, s.mapGen)) return -1;
  return <i32>space;
}

// Remove the mapping slot `id` holds, if it still exists, and forget it.
export function slotUnmap(id: u32): void {
  const s = slot(id);
  const space = slotMappedSpace(id);
  if (space >= 0) {
    const n = (smallObj(OBJ_MEMORY, s.obj).word & MEM_PAGES_MASK) + 1; // sys_dma.ts: multi-page objects
    for (let i: u64 = 0; i < n; i++) vmUnmap(smallObj(OBJ_ADDRESS_SPACE, <u32>space).phys, s.mapVa + i * PAGE_SIZE);
  }
  s.mapSpace = 0;
  s.mapGen = 0;
  s.mapVa = 0;
}

// Last, not with the imports above: process.ts sizes its tables with this
// file's constants (MAX_CNODES), so they must be declared before the
// compiler reaches it (AssemblyScript compiles an import where it stands).
import { processOrphaned } from "./process";
