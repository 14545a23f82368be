// main.ts — servers/loadclient: one client process of the IPC load test
// (issue 8, item 5; servers/load is the server and the supervisor). It asks
// the server who it is (L_HELLO: its process number p and the calls per
// thread n), starts 3 more threads (servers/lib/thread.ts; each with its
// own stack, IPC buffer page and result buffer), and each of its 4 threads
// t makes n calls L_WORK with the distinct payload(p, t, s), s = 0..n-1
// (servers/load/proto.ts), checking every reply: answer(w0), w1 + w2, the
// payload itself, and the server's count s + 1 for this thread (a lost or
// duplicated call shows there). Then each thread reports L_DONE with its
// good and bad counts; the server prints the verdict. Prints nothing unless
// something is wrong. As the probe (L_HELLO's w2 = 1) it only times
// PROBE_CALLS round trips (L_PING) with rdtsc and reports them (L_PROBE).

import { sysCall, sysDmaAlloc, sysMemMap, sysThreadResume, sysYield, sysExit, CallOut, DMA_WINDOW } from "../lib/sys";
import { msgInfo, infoLabel } from "../lib/msg";
import { threadCreate } from "../lib/thread";
import { println, printDec, print, flush } from "../lib/print";
import { C_EP, L_HELLO, L_WORK, L_DONE, L_PING, L_PROBE, PROBE_CALLS, THREADS, payload, word1, word2, answer } from "../load/proto";
import { rdtsc } from "../lib/x86";

const STACK: usize = 16384;
const MEM0: u32 = 20, THR0: u32 = 30;
const outs = memory.data(<i32>(64 * THREADS), 16);       // one CallOut per thread
const flags = memory.data(<i32>(8 * THREADS), 8);        // thread t finished
const stacks = memory.data(<i32>(STACK * <usize>(THREADS - 1)), 16);

let p: u64 = 0, n: u64 = 0;

function run(t: u32): void {
  const o = changetype<CallOut>(outs + 64 * <usize>t);
  const out = changetype<usize>(o);
  let good: u64 = 0, bad: u64 = 0;
  for (let s: u64 = 0; s < n; s++) {
    const w0 = payload(p, <u64>t, s);
    const r = sysCall(C_EP, msgInfo(L_WORK, 4), w0, word1(w0), word2(w0), s * s, out);
    if (r == 0 && infoLabel(o.info) == L_WORK && o.w0 == answer(w0) && o.w1 == word1(w0) + word2(w0) && o.w2 == w0 && o.w3 == s + 1) good++;
    else bad++;
  }
  sysCall(C_EP, msgInfo(L_DONE, 3), payload(p, <u64>t, 0), good, bad, 0, out);
  store<u64>(flags + 8 * <usize>t, 1);
}
function t1(): void { run(1); }
function t2(): void { run(2); }
function t3(): void { run(3); }

function die(what: string, r: i64): void {
  print("loadclient: FAILED: "); print(what); print(": error "); printDec(<u64>(-r)); println(); flush();
  sysExit(1);
}

const o0 = changetype<CallOut>(outs);
let r = sysCall(C_EP, msgInfo(L_HELLO, 0), 0, 0, 0, 0, outs);
if (r != 0) die("hello", r);
p = o0.w0; n = o0.w1;
if (o0.w2 != 0) { // the probe: time round trips to the server, report, exit
  let best: u64 = 0xFFFF_FFFF_FFFF_FFFF, sum: u64 = 0;
  for (let i: u64 = 0; i < PROBE_CALLS; i++) {
    const a = rdtsc();
    sysCall(C_EP, msgInfo(L_PING, 1), i, 0, 0, 0, outs);
    const d = rdtsc() - a;
    if (d < best) best = d;
    sum += d;
  }
  sysCall(C_EP, msgInfo(L_PROBE, 2), best, sum / PROBE_CALLS, 0, 0, outs);
  sysExit(0);
}
for (let t: u32 = 1; t < THREADS; t++) {
  const va = <usize>DMA_WINDOW + 0x1000 * <usize>t;
  r = sysDmaAlloc(MEM0 + t, 1);
  if (r < 0) die("dma_alloc", r);
  r = sysMemMap(MEM0 + t, va, 1);
  if (r != 0) die("mem_map", r);
  const fn = t == 1 ? t1 : t == 2 ? t2 : t3;
  r = threadCreate(THR0 + t, 3, 0, MEM0 + t, fn, stacks + STACK * <usize>(t - 1), STACK);
  if (r != 0) die("thread_create", r);
}
for (let t: u32 = 1; t < THREADS; t++) {
  r = sysThreadResume(THR0 + t);
  if (r != 0) die("thread_resume", r);
}
run(0);
while (true) {
  let all = true;
  for (let t: u32 = 0; t < THREADS; t++) if (load<u64>(flags + 8 * <usize>t) == 0) all = false;
  if (all) break;
  sysYield();
}
