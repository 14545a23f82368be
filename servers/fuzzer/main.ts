// main.ts — servers/fuzzer: the syscall fuzzer's worker (issue 8, item 1).
// Spawned by the supervisor (servers/fuzz, the initial process of
// build/fuzz.iso) once per "chunk": it maps the shared page (slot F_PAGE,
// servers/fuzz/proto.ts), reads its seed and call budget there, and makes
// that many random system calls with random and adversarial arguments,
// recording each call (number + registers) in the page before making it
// and its progress after, so the supervisor can count calls and name the
// last call of a fuzzer that died or hangs. Then it exits with status 0.
//
// The calls come from the table itself (SYS_ARG_KINDS of servers/lib/sys.ts,
// generated from toolchain/src/abi/syscalls.ts): a new call is fuzzed with
// arguments of its types without any change here. Argument kinds: capability
// slots (the populated ones, empty ones, 128.., 2^32-1, 2^32 and random),
// integers (edges, message-info words of every length 0..66 with 0..3
// capabilities, rights masks, random), pointers (its own memory, the IPC
// buffer, its code, the stack, null, kernel addresses, non-canonical ones,
// the last page of the lower half, random), lengths (0, 1, page edges,
// DEBUG_WRITE_MAX + 1, 2^32, 2^64 - 1, random), numbers beyond the table.
// Before a call it may also fill its IPC buffer with random words, a random
// capability to send and a random receive slot.
//
// Harmful calls may kill it (exit, trap, deleting its own IPC buffer, ...):
// the supervisor counts that and starts the next chunk. Calls that block
// (recv, call, wait, ...) are answered by servers/fuzzpoke.

import { sysRaw, sysMemMap, sysExit, sysCapRevoke, SYS_COUNT, SYS_ARG_KINDS, SYS_EXIT, SYS_TRAP, SYS_DEBUG_PUTC, SYS_DEBUG_WRITE,
  SYS_KLOG_WRITE, DMA_WINDOW, USER_MEMORY_BASE, USER_IPC_BUFFER, DEBUG_WRITE_MAX } from "../lib/sys";
import { setMsgWord, setSendCap, setRecvSlot } from "../lib/msg";
import { print, println, printDec, printHex, flush } from "../lib/print";
import { PG_MAGIC, PG_SEED, PG_BUDGET, PG_DONE, PG_NUM, PG_ARGS, PG_STATE, PG_TRACE, PG_RESULT, PAGE_MAGIC,
  F_PAGE, F_FIRST_EMPTY } from "../fuzz/proto";

const PAGE: usize = <usize>DMA_WINDOW;
@inline function pg(i: u32): u64 { return load<u64>(PAGE + (<usize>i << 3)); }
@inline function setPg(i: u32, v: u64): void { store<u64>(PAGE + (<usize>i << 3), v); }

// A buffer of its own for valid pointers: '.' bytes, so a debug_write of it
// stays readable in the log.
// Valid pointers point into its first 8 KiB; 32 KiB so that a call writing
// up to 16 KiB there (klog_read) stays inside.
const BUF_SIZE: u32 = 8192, BUF_SPACE: u32 = 32768;
const buf = memory.data(<i32>BUF_SPACE, 4096);
for (let i: u32 = 0; i < BUF_SPACE; i++) store<u8>(buf + i, i % 64 == 63 ? 0x0A : 0x2E);

let rs: u64 = 1;
function rnd(): u64 {
  rs ^= rs >> 12; rs ^= rs << 25; rs ^= rs >> 27;
  return rs * 0x2545_F491_4F6C_DD1D;
}
@inline function below(n: u64): u64 { return rnd() % n; }

// The IPC buffer is written by plain stores: once a call may have touched
// its memory capability (slot 4), stop (a store to it unmapped would kill us).
let ipcbufSafe = true;

function slotArg(): u64 {
  const k = below(100);
  let s: u64;
  if (k < 70) s = below(<u64>F_FIRST_EMPTY + 4);          // the populated slots and a few empty ones
  else if (k < 82) s = below(128);
  else if (k < 90) s = 128 + below(1000);
  else if (k < 93) s = 0xFFFF_FFFF;
  else if (k < 96) s = 0x1_0000_0000 + below(4);
  else s = rnd();
  if (s == <u64>F_PAGE) s = <u64>F_PAGE + 1;               // our lifeline to the supervisor
  return s;
}

const EDGES: StaticArray<u64> = [0, 1, 2, 3, 4, 7, 8, 63, 64, 65, 127, 128, 255, 256, 511, 512, 4095, 4096, 4097,
  0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
  0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF];

function intArg(): u64 {
  const k = below(100);
  if (k < 30) return EDGES[<i32>below(<u64>EDGES.length)];
  if (k < 55) { // a message info word: label, length 0..66, caps 0..3
    const len = below(67), caps = below(8) == 0 ? below(4) : (below(4) == 0 ? 1 : 0);
    return (below(4) == 0 ? rnd() << 16 : below(8) << 16) | (caps << 7) | len;
  }
  if (k < 65) return below(32);                           // rights masks, small numbers
  if (k < 75) return below(70);
  if (k < 80) return <u64>1 << below(64);
  return rnd();
}

function u32Arg(): u64 {
  const k = below(100);
  if (k < 50) return below(32);
  if (k < 65) return below(300);
  if (k < 80) return rnd() & 0xFFFF_FFFF;
  if (k < 90) return EDGES[<i32>below(<u64>EDGES.length)];
  return rnd();
}

function u8Arg(): u64 {
  const k = below(100);
  if (k < 90) return 0x20 + below(0x5F);                 // printable (debug_putc: keep the log readable)
  if (k < 95) return 256 + below(10);
  return rnd();
}

const memEnd: u64 = <u64>memory.size() << 16;
function ptrArg(): u64 {
  const k = below(100);
  const lin = <u64>USER_MEMORY_BASE;
  if (k < 25) return lin + <u64>buf + below(<u64>BUF_SIZE);          // our own memory
  if (k < 30) return lin + <u64>buf + (below(2) << 12);              // page-aligned, ours
  if (k < 35) return lin + memEnd - below(64);                       // running off the linear memory
  if (k < 40) return <u64>USER_IPC_BUFFER + (below(2) == 0 ? 0 : below(8192));
  if (k < 43) return 0x40_0000 + below(0x1000);                      // our code (read-only)
  if (k < 46) return 0x3FFF_0000 - below(0x200);                     // our stack
  if (k < 52) return below(0x2000);                                  // null page
  if (k < 58) return 0xFFFF_8000_0000_0000 + (below(0x1000) << 12);  // the kernel's direct map
  if (k < 62) return 0xFFFF_FFFF_8000_0000 + below(0x200_0000);       // the kernel image
  if (k < 67) return 0x0000_8000_0000_0000 + below(0x1000);           // non-canonical
  if (k < 70) return 0x8000_0000_0000_0000;
  if (k < 75) return 0x0000_7FFF_FFFF_F000 + below(0x1000);           // last page of the lower half
  if (k < 80) return lin + <u64>DMA_WINDOW + (below(16) << 12);       // where mappings go
  if (k < 85) return lin + (below(0x10000) << 12);                    // somewhere in the 8 GiB window
  return rnd();
}

function lenArg(): u64 {
  const k = below(100);
  if (k < 40) return below(32);
  if (k < 60) return EDGES[<i32>below(<u64>EDGES.length)];
  if (k < 70) return <u64>DEBUG_WRITE_MAX + below(3) - 1;
  if (k < 85) return below(70);
  return rnd();
}

function arg(kind: i32): u64 {
  switch (kind) {
    case 0x63: return slotArg();       // c cap
    case 0x75: case 0x69: return intArg(); // u u64, i i64
    case 0x77: return u32Arg();        // w u32
    case 0x62: return u8Arg();         // b u8
    case 0x70: return ptrArg();        // p uptr
    case 0x6C: return lenArg();        // l usize
  }
  return below(4) == 0 ? rnd() : 0;    // an unused register: mostly 0, sometimes garbage
}

// How often each call is made, relative to 16: the ones that end the fuzzer
// (exit, trap) rarely; the console ones rarely (the log would drown).
function weight(num: u32): u64 {
  if (num == SYS_EXIT || num == SYS_TRAP) return 0; // see pickCall
  if (num == SYS_DEBUG_PUTC || num == SYS_DEBUG_WRITE || num == SYS_KLOG_WRITE) return 1;
  return 16;
}
let totalWeight: u64 = 0;
for (let n: u32 = 0; n < SYS_COUNT; n++) totalWeight += weight(n);

function pickCall(): u64 {
  const k = below(10000);
  if (k < 2) return <u64>(below(2) == 0 ? SYS_EXIT : SYS_TRAP);   // 1 in 5000: end ourselves
  if (k < 300) {                                                  // beyond the table
    const j = below(5);
    if (j == 0) return <u64>SYS_COUNT + below(16);
    if (j == 1) return 0x1_0000_0000 + below(SYS_COUNT);
    if (j == 2) return 0xFFFF_FFFF_FFFF_FFFF - below(4);
    if (j == 3) return 0xFFFF_FFFF;
    return rnd();
  }
  let w = below(totalWeight);
  for (let n: u32 = 0; n < SYS_COUNT; n++) {
    const x = weight(n);
    if (w < x) return <u64>n;
    w -= x;
  }
  return 0;
}

// Random IPC buffer contents: words 4..63, the capability to send, the receive slot.
function scribbleIpcBuffer(): void {
  if (!ipcbufSafe) return;
  const n = below(8);
  for (let i: u64 = 0; i < n; i++) setMsgWord(<u32>(4 + below(60)), rnd());
  if (below(2) == 0) setSendCap(slotArg());
  if (below(2) == 0) setRecvSlot(below(4) == 0 ? slotArg() : <u64>F_FIRST_EMPTY + below(110));
}

const A = memory.data(64, 8);

// --- main ---
if (sysMemMap(F_PAGE, PAGE, 1) != 0 || pg(PG_MAGIC) != PAGE_MAGIC) {
  println("fuzzer: no shared page from the supervisor");
  flush();
  sysExit(2);
}
// First, always: revoke our own thread capability (slot 2). Our
// supervisor's must survive it (proc_spawn makes the supervisor's the
// parent), or its proc_kill at the end of the chunk fails the run.
sysCapRevoke(2);
rs = pg(PG_SEED);
if (rs == 0) rs = 1;
const budget = pg(PG_BUDGET);
const trace = pg(PG_TRACE) != 0;
let done: u64 = 0;
while (done < budget) {
  const num = pickCall();
  const known = num < <u64>SYS_COUNT;
  const base = known ? <i32>num * 7 : 0;
  for (let k = 0; k < 6; k++) {
    const v = known ? arg(<i32>SYS_ARG_KINDS.charCodeAt(base + 1 + k)) : (below(2) == 0 ? slotArg() : intArg());
    store<u64>(A + (<usize>k << 3), v);
  }
  // A call that names slot 4 (our IPC buffer's memory) may unmap it.
  for (let k = 0; k < 6; k++) if ((load<u64>(A + (<usize>k << 3)) & 0xFFFF_FFFF) == 4) ipcbufSafe = false;
  if (below(5) == 0) scribbleIpcBuffer();
  setPg(PG_NUM, num);
  for (let k: u32 = 0; k < 6; k++) setPg(PG_ARGS + k, load<u64>(A + (<usize>k << 3)));
  if (trace) {
    print("fuzzer: call "); printDec(done); print(": "); printHex(num);
    for (let k = 0; k < 6; k++) { print(" "); printHex(load<u64>(A + (<usize>k << 3))); }
    println(); flush();
  }
  const r = sysRaw(num, load<u64>(A), load<u64>(A + 8), load<u64>(A + 16), load<u64>(A + 24), load<u64>(A + 32), load<u64>(A + 40));
  done++;
  setPg(PG_RESULT, <u64>r);
  setPg(PG_DONE, done);
}
setPg(PG_STATE, 1);
sysExit(0);
