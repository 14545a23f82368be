// clients.ts — servers/fs: its clients' shared buffers (bulk data, issue 6).
//
// A client hands the server a memory object once (L_FS_ATTACH,
// servers/lib/storage.ts). The server keeps the capability in a slot of its
// own, maps the object read-write in its hardware window (one FS_BUF_MAX
// stretch per client, above the block driver's DMA buffer) and the FAT
// library moves file data straight between the block buffer and it (no
// copy through the server's heap; fat/copy.ts copies where memory.copy
// cannot reach). Clients are told apart by the badge of the endpoint
// capability they call with (init mints one per server); an attach from a
// badge that has a buffer replaces it. A restarted server has none: a
// request then gets E_FS_NOBUF and the client attaches again.

import { sysCapDelete, sysCapMove, sysMemMap, sysMemSize } from "../lib/sys";
import { FS_BUF_MAX, FS_BUF_MIN, HW_WINDOW } from "../lib/storage";
import { E_INVALID, fail } from "./fat/errors";

export const MAX_CLIENTS: i32 = 16;            // init runs at most 16 servers
const SLOT_CLIENT0: u32 = 32;                  // capability slots 32 .. 32 + MAX_CLIENTS - 1
const WINDOW0: usize = HW_WINDOW + 0x10_0000;  // 1 MiB above the start of the block buffer

const badges = new StaticArray<u64>(MAX_CLIENTS);
const sizes = new StaticArray<u64>(MAX_CLIENTS);  // 0: no buffer in this entry

@inline function windowOf(i: i32): usize { return WINDOW0 + <usize>i * <usize>FS_BUF_MAX; }

function find(badge: u64): i32 {
  for (let i = 0; i < MAX_CLIENTS; i++) if (unchecked(sizes[i]) != 0 && unchecked(badges[i]) == badge) return i;
  return -1;
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
  let i = find(badge);
  if (i < 0) for (let k = 0; k < MAX_CLIENTS; k++) if (unchecked(sizes[k]) == 0) { i = k; break; }
  if (i < 0) { sysCapDelete(recv); return fail(E_INVALID, "every client buffer entry in use (entries)", MAX_CLIENTS); }
  const slot = SLOT_CLIENT0 + <u32>i;
  sysCapDelete(slot);                          // the old buffer: unmapped with its capability
  unchecked(sizes[i] = 0);
  sysCapMove(recv, slot);
  if (sysMemMap(slot, windowOf(i), 1) != 0) {
    sysCapDelete(slot);
    return fail(E_INVALID, "shared buffer not mappable read-write", 0);
  }
  unchecked(badges[i] = badge);
  unchecked(sizes[i] = <u64>sz);
  return sz;
}

// Where bytes [off, off + n) of the caller's buffer are mapped in the
// server, or 0: no buffer (noBuffer() says so) or an error code in `err`.
export let err: i32 = 0;
export function span(badge: u64, off: u64, n: u64): usize {
  const i = find(badge);
  if (i < 0) { err = 0; return 0; }
  const sz = unchecked(sizes[i]);
  if (off > sz || n > sz - off) {
    err = fail(E_INVALID, off > sz ? "buffer offset past the end of the shared buffer (bytes)" : "request longer than the rest of the shared buffer (bytes)", sz);
    return 0;
  }
  return windowOf(i) + <usize>off;
}
export function noBuffer(): i32 { return fail(E_INVALID, "no shared buffer: attach one first (L_FS_ATTACH)", 0); }
