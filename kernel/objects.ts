// objects.ts — kernel object memory: fixed-size pools in linear memory.
//
// Every kernel object (thread, address space, endpoint, notification,
// reply, memory object, CNode) lives in a pool of its type: an array of
// equal-sized records in the kernel's linear memory, sized at build time
// (POOL_* below), with a free list threaded through the free records. An
// object is named inside the kernel by (type, index); capabilities (cap.ts)
// carry that pair. Nothing here ever touches the AssemblyScript allocator,
// so nothing is ever lost to its never-freeing bump pointer. Physical
// frames (page tables, the pages of memory objects) come from frames.ts
// instead and are reached through the direct map. See kernel/README.md,
// "Kernel object memory", for why.
//
// Every record starts with the same 16-byte header (ObjHeader):
//   live        1 while allocated
//   capCount    capabilities that name it (cap.ts); the object is destroyed
//               when the last one is deleted
//   nextFree    free-list link while free
//   generation  bumped at each allocation: kernel-internal references are
//               (index, generation) pairs and go stale, never dangle, when
//               the object is destroyed and its record reused.

import { KErr } from "./errors";

// --- object types (also the capability types of cap.ts) -------------------------
export const OBJ_NULL: u32 = 0;
export const OBJ_THREAD: u32 = 1;
export const OBJ_ADDRESS_SPACE: u32 = 2;
export const OBJ_ENDPOINT: u32 = 3;
export const OBJ_NOTIFICATION: u32 = 4;
export const OBJ_REPLY: u32 = 5;
export const OBJ_MEMORY: u32 = 6;
export const OBJ_IRQ_HANDLER: u32 = 7; // no record: the capability holds the IRQ number
export const OBJ_IO_PORTS: u32 = 8;    // no record: the capability holds the port range
export const OBJ_CNODE: u32 = 9;
export const OBJ_TYPE_COUNT: u32 = 10;

@unmanaged export class ObjHeader {
  live: u32;
  capCount: u32;
  nextFree: i32;
  generation: u32;
}

// Per-type pool bookkeeping, indexed by type.
const poolBase = memory.data(<i32>OBJ_TYPE_COUNT * 8, 8);  // usize each (as u64)
const poolRecord = memory.data(<i32>OBJ_TYPE_COUNT * 4, 4); // record size
const poolCapacity = memory.data(<i32>OBJ_TYPE_COUNT * 4, 4);
const poolFreeHead = memory.data(<i32>OBJ_TYPE_COUNT * 4, 4);
const poolUsed = memory.data(<i32>OBJ_TYPE_COUNT * 4, 4);

@inline function base(type: u32): usize { return <usize>load<u64>(poolBase + (<usize>type << 3)); }
@inline function recordSize(type: u32): u32 { return load<u32>(poolRecord + (<usize>type << 2)); }
@inline export function poolCapacityOf(type: u32): u32 { return type < OBJ_TYPE_COUNT ? load<u32>(poolCapacity + (<usize>type << 2)) : 0; }
export function poolUsedOf(type: u32): u32 { return type < OBJ_TYPE_COUNT ? load<u32>(poolUsed + (<usize>type << 2)) : 0; }

// Give type `type` the pool of `capacity` records of `size` bytes at `at`.
// Called once per type at start-up (objectsInit in cap.ts, tcb.ts).
export function poolSetup(type: u32, at: usize, size: u32, capacity: u32): void {
  store<u64>(poolBase + (<usize>type << 3), <u64>at);
  store<u32>(poolRecord + (<usize>type << 2), size);
  store<u32>(poolCapacity + (<usize>type << 2), capacity);
  store<u32>(poolUsed + (<usize>type << 2), 0);
  memory.fill(at, 0, <usize>size * capacity);
  // Free list in index order: 0, 1, 2, ...
  for (let i: u32 = 0; i < capacity; i++) {
    const h = changetype<ObjHeader>(at + <usize>i * size);
    h.nextFree = i + 1 < capacity ? <i32>(i + 1) : -1;
  }
  store<i32>(poolFreeHead + (<usize>type << 2), capacity > 0 ? 0 : -1);
}

// The record of object `index` of `type` (no checks: see objValid).
@inline export function objAddr(type: u32, index: u32): usize {
  return base(type) + <usize>index * recordSize(type);
}

@inline export function objHeader(type: u32, index: u32): ObjHeader {
  return changetype<ObjHeader>(objAddr(type, index));
}

// Is (type, index) an allocated object?
@inline export function objValid(type: u32, index: u32): bool {
  if (type >= OBJ_TYPE_COUNT || index >= poolCapacityOf(type)) return false;
  return objHeader(type, index).live != 0;
}

// Is (type, index, generation) still the object it was when the reference was taken?
export function objRefValid(type: u32, index: u32, generation: u32): bool {
  return objValid(type, index) && objHeader(type, index).generation == generation;
}

// A fresh, zeroed object of `type` (header set up, capCount 0); its index,
// or -1 when the pool is empty or the type has no pool.
export function objAlloc(type: u32): i32 {
  if (type >= OBJ_TYPE_COUNT || poolCapacityOf(type) == 0) return -1;
  const headAddr = poolFreeHead + (<usize>type << 2);
  const i = load<i32>(headAddr);
  if (i < 0) return -1;
  const h = objHeader(type, <u32>i);
  store<i32>(headAddr, h.nextFree);
  const gen = h.generation + 1;
  memory.fill(changetype<usize>(h), 0, recordSize(type));
  h.live = 1;
  h.generation = gen;
  h.nextFree = -1;
  store<u32>(poolUsed + (<usize>type << 2), poolUsedOf(type) + 1);
  return i;
}

// Return object `index` of `type` to its pool.
export function objFree(type: u32, index: u32): KErr {
  if (!objValid(type, index)) return KErr.DOUBLE_FREE;
  const h = objHeader(type, index);
  const headAddr = poolFreeHead + (<usize>type << 2);
  h.live = 0;
  h.capCount = 0;
  h.nextFree = load<i32>(headAddr);
  store<i32>(headAddr, <i32>index);
  store<u32>(poolUsed + (<usize>type << 2), poolUsedOf(type) - 1);
  return KErr.OK;
}
