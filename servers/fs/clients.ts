// clients.ts — servers/fs: its clients' shared buffers (bulk data, issue 6).
//
// A client hands the server a memory object once (L_FS_ATTACH,
// servers/lib/storage.ts). The server keeps the capability in a slot of its
// own but never maps it: file data moves between the client's object and
// the server's bounce buffer (its own memory object, mapped in its
// hardware window above the block driver's DMA buffer, where the FAT
// library reads into and writes from) by mem_copy, which the kernel does
// through its direct map (kernel/sys_memcopy.ts). The capability the client
// sent is a child of its own: when the client revokes or deletes it, the
// server's next mem_copy fails with an error (the client is told E_FS_NOBUF
// and the buffer is forgotten) instead of faulting on pages pulled from
// under a mapping, which would kill the server and lose every other
// client's unsynced data. Clients are told apart by the badge of the
// endpoint capability they call with (init mints one per server); an
// attach from a badge that has a buffer replaces it. A restarted server has
// none: a request then gets E_FS_NOBUF and the client attaches again.

import { sysCapDelete, sysCapMove, sysDmaAlloc, sysMemCopy, sysMemMap, sysMemSize } from "../lib/sys";
import { FS_BUF_MAX, FS_BUF_MIN, FS_BUF_PAGES, HW_WINDOW } from "../lib/storage";
import { E_INVALID, fail } from "./fat/errors";

export const MAX_CLIENTS: i32 = 16;            // init runs at most 16 servers
const SLOT_CLIENT0: u32 = 32;                  // capability slots 32 .. 32 + MAX_CLIENTS - 1
export const SLOT_BOUNCE: u32 = 25;
export const BOUNCE: usize = HW_WINDOW + 0x10_0000;   // 1 MiB above the start of the block buffer

const badges = new StaticArray<u64>(MAX_CLIENTS);
const sizes = new StaticArray<u64>(MAX_CLIENTS);  // 0: no buffer in this entry

// The bounce buffer (FS_BUF_MAX bytes at BOUNCE). False if it cannot be
// made (then every read and write is answered with an error).
let ready = false;
export function init(): bool {
  ready = sysDmaAlloc(SLOT_BOUNCE, FS_BUF_PAGES) >= 0 && sysMemMap(SLOT_BOUNCE, BOUNCE, 1) == 0;
  return ready;
}

function find(badge: u64): i32 {
  for (let i = 0; i < MAX_CLIENTS; i++) if (unchecked(sizes[i]) != 0 && unchecked(badges[i]) == badge) return i;
  return -1;
}

function forget(i: i32): void {
  sysCapDelete(SLOT_CLIENT0 + <u32>i);
  unchecked(sizes[i] = 0);
}

// Take the memory object that arrived in slot `recv` as the buffer of the
// client with `badge`. Its size in bytes, or an error (the capability is
// deleted, the client's old buffer, if any, is kept).
export function attach(badge: u64, recv: u32): i64 {
  const sz = sysMemSize(recv);
  if (sz < 0) { sysCapDelete(recv); return fail(E_INVALID, "the capability sent is not a memory object", 0); }
  if (<u64>sz < FS_BUF_MIN || <u64>sz > FS_BUF_MAX) {
    sysCapDelete(recv);
    return fail(E_INVALID, <u64>sz < FS_BUF_MIN ? "shared buffer smaller than 4 KiB (bytes)" : "shared buffer larger than 128 KiB (bytes)", sz);
  }
  // A copy of no bytes checks what every later one needs: RAM, readable and writable.
  if (sysMemCopy(recv, 0, recv, 0, 0) != 0) {
    sysCapDelete(recv);
    return fail(E_INVALID, "shared buffer not readable and writable RAM", 0);
  }
  let i = find(badge);
  if (i < 0) for (let k = 0; k < MAX_CLIENTS; k++) if (unchecked(sizes[k]) == 0) { i = k; break; }
  if (i < 0) { sysCapDelete(recv); return fail(E_INVALID, "every client buffer entry in use (entries)", MAX_CLIENTS); }
  forget(i);                                   // the old buffer
  sysCapMove(recv, SLOT_CLIENT0 + <u32>i);
  unchecked(badges[i] = badge);
  unchecked(sizes[i] = <u64>sz);
  return sz;
}

// The entry of the caller's buffer if bytes [off, off + n) lie in it, else
// -1 with `err` = 0 (no buffer: noBuffer() says so) or an error code.
export let err: i32 = 0;
export function check(badge: u64, off: u64, n: u64): i32 {
  if (!ready) { err = fail(E_INVALID, "the server has no memory for its bounce buffer", 0); return -1; }
  const i = find(badge);
  if (i < 0) { err = 0; return -1; }
  const sz = unchecked(sizes[i]);
  if (off > sz || n > sz - off) {
    err = fail(E_INVALID, off > sz ? "buffer offset past the end of the shared buffer (bytes)" : "request longer than the rest of the shared buffer (bytes)", sz);
    return -1;
  }
  return i;
}
export function noBuffer(): i32 { return fail(E_INVALID, "no shared buffer: attach one first (L_FS_ATTACH)", 0); }

// n bytes between the bounce buffer's start and bytes [off, off + n) of
// entry i's buffer (checked by check()): toClient, or from it. False when
// the client revoked or deleted its capability: the entry is forgotten
// (gone() says so; the client may attach again).
export function move(i: i32, off: u64, n: u64, toClient: bool): bool {
  const slot = SLOT_CLIENT0 + <u32>i;
  const r = toClient ? sysMemCopy(slot, off, SLOT_BOUNCE, 0, n) : sysMemCopy(SLOT_BOUNCE, 0, slot, off, n);
  if (r == 0) return true;
  forget(i);
  return false;
}
export function gone(): i32 { return fail(E_INVALID, "the shared buffer is gone (its capability was revoked or deleted): attach again", 0); }
