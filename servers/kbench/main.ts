// main.ts — servers/kbench: the guest benchmarks of the kernel (issue 4,
// item 11), the initial process ("init") of build/bench.iso, with helper
// processes servers/kbenchpeer. Meant for QEMU -icount shift=0, where
// rdtsc counts guest instructions (tests/bench/kernel.ts runs it and
// writes build/bench/kernel.json). Every figure is the median over ITERS
// iterations after WARMUP, each timed on its own with rdtsc, minus the
// cost of an empty rdtsc pair (printed as "overhead"):
//   null_syscall           the null system call through its stub (and the
//                          1000-call loop average, as servers/hello prints)
//   ipc_call_short         call + reply_recv round trip, 1 word, to a server
//                          in another address space (kbench prio 250, the
//                          server 100; the fast path's case)
//   ipc_call_5             the same with 5 words (word 4 through the IPC
//                          buffers: the fast path once both frames are cached)
//   nb_send_fail_4/5       nb_send of 4 / 5 words with no receiver (WOULD_BLOCK
//                          after every check): the sender-side cost of word 4
//   ipc_call_64            the same with 64-word messages both ways (words
//                          4..63 through both IPC buffers)
//   ntfn_signal_wait       one way: the peer (prio 100) takes t0 and signals;
//                          kbench (250), blocked in wait in its own address
//                          space, takes t1 on waking
//   irq_to_driver          one way: the peer takes t0 and writes the COM1
//                          UART's IER (transmitter-empty interrupt on: the
//                          UART raises IRQ 4 at once) through ioport_out;
//                          the kernel takes the interrupt on the way back to
//                          user mode, masks the line and signals kbench's
//                          notification; kbench, the driver, takes t1 on
//                          waking (then turns the interrupt off, reads IIR,
//                          irq_ack: not timed). Includes the ioport_out call.
//   ioport_out             an ioport_out call alone (to subtract from the above)
//   yield_pingpong         one yield between two peers of one priority (the
//                          peer times its yield round = 2 yields, halved)
//   ipc_call_same_as       call + reply_recv round trip, 1 word, to a second
//                          thread of kbench's own address space (thread_create
//                          at 100, its own IPC buffer page and stack; no CR3
//                          switch)
// Output: "kbench: <name> <median> (min <min>, max <max>, N=<n>)" lines,
// then "kbench: done".

import {
  sysNull, sysCall, sysSend, sysNbSend, sysRecv, sysReply, sysWait, sysObjCreate, sysProcSpawn, sysProcGive, sysProcStart,
  sysIrqSetNotification, sysIrqAck, sysIoportOut, sysIoportIn, sysCapMint, sysExit, RecvOut, WaitOut,
  sysReplyRecv, sysDmaAlloc, sysMemMap, sysThreadSetPriority, sysThreadResume,
} from "../lib/sys";
import { msgInfo, msgWord, setMsgWord } from "../lib/msg";
import { print, println, printDec } from "../lib/print";
import { rdtsc } from "../lib/x86";
import { median } from "../lib/stats";
import { BulkSender, BULK_MAX_BYTES, BULK_PAGES, SHM_VA } from "../lib/bulk";
import { threadCreate } from "../lib/thread";
import {
  P_EP, P_BACK, P_NTFN, P_PORTS, WARMUP, ITERS, B_SERVER, B_STOP, B_SIGNAL, B_IRQ, B_YIELD,
  P_SHM, P_NA,
} from "./proto";

const OBJ_ENDPOINT: u32 = 3, OBJ_NOTIFICATION: u32 = 4, OBJ_IRQ_HANDLER: u32 = 7, OBJ_IO_PORTS: u32 = 8;
const ALL: u32 = 31, W: u32 = 2;
// kbench's CNode
const PEP: u32 = 5, BEP: u32 = 6, NT: u32 = 7, IRQ: u32 = 8, PORTS: u32 = 9, IRQN: u32 = 10;
const PEER1: u32 = 11, PEER2: u32 = 12, IRQN_W: u32 = 13;
const TEP: u32 = 14, TBUF: u32 = 15, THR: u32 = 16; // the second thread's endpoint, IPC buffer, thread
const SHM: u32 = 17, NA: u32 = 18;                   // the bulk benchmark's shared memory, "data ready" notification
const BULK_WARMUP = 2, BULK_ITERS = 20;              // per size (a 1 MiB copy is ~2,000 IPC calls)
const SPACE: u32 = 3, SELF: u32 = 0;                 // kernel/process.ts's slots
const TBUF_VA: usize = 0xC000_0000;                  // DMA_WINDOW: far above the heap
const STACK_SIZE: usize = 16384;
const threadStack = memory.data(<i32>STACK_SIZE, 16);


// The second thread: echo server on TEP (its own RecvOut: both threads run).
const wm = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
function sameAsServer(): void {
  if (sysRecv(TEP, changetype<usize>(wm)) != 0) return;
  while (true) sysReplyRecv(TEP, msgInfo(0, 1), wm.w0, 0, 0, 0, changetype<usize>(wm));
}

const TOTAL = WARMUP + ITERS;
const s = new StaticArray<u64>(TOTAL);    // samples
const p1 = new StaticArray<u64>(TOTAL);   // the peers' values
const p2 = new StaticArray<u64>(TOTAL);
const m = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const wo = changetype<WaitOut>(memory.data(offsetof<WaitOut>(), 8));
const OUT = changetype<usize>(m);
const peerName = memory.data<u8>([0x6B, 0x62, 0x65, 0x6E, 0x63, 0x68, 0x70, 0x65, 0x65, 0x72]); // "kbenchpeer"
let overhead: u64 = 0;
let failures = 0;

function must(what: string, r: i64): void {
  if (r >= 0) return;
  print("kbench: FAILED: "); print(what); print(": error "); printDec(<u64>(-r)); println();
  failures++;
}

// Report the median of s[WARMUP..TOTAL) (minus the rdtsc-pair overhead), divided by div.
function report(name: string, div: u64 = 1): void {
  const n = ITERS;
  for (let i = 0; i < n; i++) s[i] = s[WARMUP + i];
  const med = median(s, n);
  const fix = (v: u64): u64 => (v > overhead ? v - overhead : 0);
  print("kbench: "); print(name); print(" "); printDec(fix(med) / div);
  print(" (min "); printDec(fix(s[0]) / div); print(", max "); printDec(fix(s[n - 1]) / div);
  print(", N="); printDec(<u64>n); println(")");
}

function spawnPeer(slot: u32, badge: u64): void {
  must("proc_spawn kbenchpeer", sysProcSpawn(peerName, 10, 100, slot, BEP, 0));
  must("give endpoint", sysProcGive(slot, PEP, P_EP, ALL, 0));
  must("give back endpoint", sysProcGive(slot, BEP, P_BACK, ALL, badge));
  must("give notification", sysProcGive(slot, NT, P_NTFN, W, 0));
  must("give ports", sysProcGive(slot, PORTS, P_PORTS, ALL, 0));
  must("proc_start", sysProcStart(slot));
}

// Receive `count` peers' result arrays (calls on BEP, badge 1 -> p1, 2 -> p2).
function collect(count: i32): void {
  let got = 0;
  while (got < count * TOTAL) {
    if (sysRecv(BEP, OUT) != 0) { must("recv results", -1); return; }
    const dst = m.badge == 2 ? p2 : p1;
    const start = <i32>m.w0, n = <i32>m.w1;
    for (let j = 0; j < n; j++) dst[start + j] = msgWord(<u32>(4 + j));
    got += n;
    sysReply(msgInfo(0, 0), 0, 0, 0, 0);
  }
}

println("kbench: guest benchmarks (guest instructions under -icount shift=0)");
must("endpoint", sysObjCreate(OBJ_ENDPOINT, PEP, 0));
must("back endpoint", sysObjCreate(OBJ_ENDPOINT, BEP, 0));
must("notification", sysObjCreate(OBJ_NOTIFICATION, NT, 0));
must("IRQ 4 handler", sysObjCreate(OBJ_IRQ_HANDLER, IRQ, 4));
must("COM1 ports", sysObjCreate(OBJ_IO_PORTS, PORTS, 0x3F8 | (8 << 16)));
must("IRQ notification", sysObjCreate(OBJ_NOTIFICATION, IRQN, 0));
must("badged IRQ notification", sysCapMint(IRQN, IRQN_W, W, 1));

// The cost of timing itself: an empty rdtsc pair.
for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); s[i] = rdtsc() - t0; }
for (let i = 0; i < ITERS; i++) s[i] = s[WARMUP + i];
overhead = median(s, ITERS);
print("kbench: overhead "); printDec(overhead); println(" (an empty rdtsc pair, subtracted from every figure)");

// Null system call.
for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysNull(); s[i] = rdtsc() - t0; }
report("null_syscall");
{
  const t0 = rdtsc();
  for (let i = 0; i < 1000; i++) sysNull();
  const total = rdtsc() - t0;
  const per = total / 1000;
  print("kbench: null_syscall_loop "); printDec(per); print(" (min "); printDec(per); print(", max "); printDec(per); println(", N=1000)");
}

// IPC round trips with a server in another address space.
spawnPeer(PEER1, 1);
must("start the server", sysSend(PEP, msgInfo(B_SERVER, 0), 0, 0, 0, 0));
for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysCall(PEP, msgInfo(7, 1), 1, 0, 0, 0, OUT); s[i] = rdtsc() - t0; }
report("ipc_call_short");
for (let i: u32 = 4; i < 64; i++) setMsgWord(i, <u64>i);
for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysCall(PEP, msgInfo(7, 5), 1, 2, 3, 4, OUT); s[i] = rdtsc() - t0; }
report("ipc_call_5");
// Where words 4.. cost: a non-blocking send that fails (no receiver) after its checks.
for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysNbSend(BEP, msgInfo(7, 4), 1, 2, 3, 4); s[i] = rdtsc() - t0; }
report("nb_send_fail_4");
for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysNbSend(BEP, msgInfo(7, 5), 1, 2, 3, 4); s[i] = rdtsc() - t0; }
report("nb_send_fail_5");
for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysCall(PEP, msgInfo(7, 64), 1, 2, 3, 4, OUT); s[i] = rdtsc() - t0; }
if (msgWord(63) != 63) must("64-word echo", -1);
report("ipc_call_64");
must("stop the server", sysSend(PEP, msgInfo(B_STOP, 0), 0, 0, 0, 0));

// IPC round trip between two threads of kbench's address space.
must("same-AS endpoint", sysObjCreate(OBJ_ENDPOINT, TEP, 0));
must("IPC buffer page", sysDmaAlloc(TBUF, 1));
must("map it", sysMemMap(TBUF, TBUF_VA, 1));
{
  must("thread_create", threadCreate(THR, SPACE, SELF, TBUF, sameAsServer, threadStack, STACK_SIZE));
  must("thread_set_priority", sysThreadSetPriority(THR, 100));
  must("thread_resume", sysThreadResume(THR));
}
for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysCall(TEP, msgInfo(7, 1), <u64>i, 0, 0, 0, OUT); s[i] = rdtsc() - t0; }
if (m.w0 != <u64>(TOTAL - 1)) must("same-AS echo", -1);
report("ipc_call_same_as");

// Notification signal -> wait across address spaces (one way).
must("start the signaller", sysSend(PEP, msgInfo(B_SIGNAL, 0), 0, 0, 0, 0));
for (let i = 0; i < TOTAL; i++) { sysWait(NT, changetype<usize>(wo)); s[i] = rdtsc(); }
collect(1);
for (let i = 0; i < TOTAL; i++) s[i] -= p1[i];
report("ntfn_signal_wait");

// ioport_out alone (IER = 0: no interrupt).
for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysIoportOut(PORTS, 0x3F9, 1, 0); s[i] = rdtsc() - t0; }
report("ioport_out");

// IRQ to the user-space driver (kbench): the UART's transmitter-empty interrupt.
must("irq_set_notification", sysIrqSetNotification(IRQ, IRQN_W));
must("irq_ack", sysIrqAck(IRQ));
must("start the trigger", sysSend(PEP, msgInfo(B_IRQ, 0), 0, 0, 0, 0));
for (let i = 0; i < TOTAL; i++) {
  sysWait(IRQN, changetype<usize>(wo));
  s[i] = rdtsc();
  sysIoportOut(PORTS, 0x3F9, 1, 0);  // interrupt off
  sysIoportIn(PORTS, 0x3FA, 1);      // IIR: acknowledge it at the UART
  sysIrqAck(IRQ);
}
collect(1);
for (let i = 0; i < TOTAL; i++) s[i] -= p1[i];
report("irq_to_driver");

// Bulk transfer kbench -> peer of 4 KiB, 64 KiB and 1 MiB, one way (figure =
// guest instructions per transfer; tests/bench/kernel.ts turns them into
// bytes per guest instruction), by servers/lib/bulk.ts (the peer is its
// BulkSink). New data before each transfer (not timed); the peer verifies
// what it got after every size's last transfer (BULK_CHECK, not timed).
//   bulk_copy_<bytes>  IPC copies: calls of 64 words (4 in registers, 60 in
//                      the IPC buffer: 512 bytes), each copied by the peer
//                      into its own buffer and answered; t1 after the last answer
//   bulk_shm_<bytes>   shared memory: kbench copies the data into the shared
//                      object (mapped in both), signals "data ready", the
//                      peer (waiting) signals back; t1 when kbench wakes
const bs = new StaticArray<u64>(BULK_ITERS);
function bulkReport(name: string, bytes: i32, bad: i64): void {
  if (bad != 0) must(bad < 0 ? name + ": IPC" : name + ": data at the receiver", -1);
  const med = median(bs, BULK_ITERS);
  const fix = (v: u64): u64 => (v > overhead ? v - overhead : 0);
  print("kbench: "); print(name); print("_"); printDec(<u64>bytes); print(" "); printDec(fix(med));
  print(" (min "); printDec(fix(bs[0])); print(", max "); printDec(fix(bs[BULK_ITERS - 1]));
  print(", N="); printDec(<u64>BULK_ITERS); println(")");
}
function bulk(): void {
  // The shared memory object (1 MiB, mapped by kbench and the peer) and the "data ready" notification.
  must("bulk shared memory", sysDmaAlloc(SHM, BULK_PAGES));
  must("map it", sysMemMap(SHM, SHM_VA, 1));
  must("data-ready notification", sysObjCreate(OBJ_NOTIFICATION, NA, 0));
  must("give shared memory", sysProcGive(PEER1, SHM, P_SHM, ALL, 0));
  must("give data-ready notification", sysProcGive(PEER1, NA, P_NA, ALL, 0));
  const tx = new BulkSender(PEP, NA, NT);
  for (let size = 4096; size <= BULK_MAX_BYTES; size <<= 4) {
    const words = size >> 3;
    bulkReport("bulk_copy", size, tx.copy(words, BULK_WARMUP, BULK_ITERS, bs));
    bulkReport("bulk_shm", size, tx.shm(words, BULK_WARMUP, BULK_ITERS, bs));
  }
}
bulk();

// Yield ping-pong between two peers of one priority.
spawnPeer(PEER2, 2);
must("yield peer 1", sysSend(PEP, msgInfo(B_YIELD, 0), 0, 0, 0, 0));
must("yield peer 2", sysSend(PEP, msgInfo(B_YIELD, 0), 0, 0, 0, 0));
collect(2);
for (let i = 0; i < TOTAL; i++) s[i] = p1[i];
report("yield_pingpong", 2);

if (failures == 0) println("kbench: done");
else { printDec(<u64>failures); println(" kbench: FAILED"); }
sysExit(0);
