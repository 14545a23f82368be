// main.ts — servers/load: the IPC load test (issue 8, item 5), the initial
// process ("init") of build/load.iso (tests/qemu/load.test.ts). It creates
// one endpoint, spawns PROCS (8) servers/loadclient processes, each given
// the endpoint minted with badge p + 1 and this endpoint as its fault
// endpoint (badge 0x100 + p), and serves: L_HELLO answers p and the calls
// per thread (load.calls=<n> on the kernel command line, default 10,000);
// L_WORK checks the request of (p, t, s) (servers/load/proto.ts: the badge
// matches p, s is exactly the next sequence number of that thread, the
// other words are the functions of w0 the client sent) and answers
// answer(w0), w1 + w2, w0 and its count of that thread's calls; L_DONE
// carries a thread's good and bad counts. When all 32 threads are done it
// prints the totals and the verdict and ends QEMU through isa-debug-exit
// (0x10 passed, 0x11 failed):
//   load: calls <n> of <expected>, client good <n>, client bad <n>, server bad <n>, lost <n>, duplicated <n>, threads done <n> of 32, <ms> ms
//   load: PASSED   |   load: FAILED: <why>
// A client fault (other than an exit with status 0) fails the run at once.
// Before the clients and after the last one a probe (a loadclient with
// p = PROCS) times PROBE_CALLS round trips to this server with rdtsc: the
// IPC figure must not change with the load (deterministic under -icount):
//   load: ipc round trip before <min> (mean <n>), after <min> (mean <n>) ticks

import {
  sysObjCreate, sysProcSpawn, sysProcGive, sysProcStart, sysRecv, sysReplyRecv, sysIoportOut, sysExit, sysClockMs, sysKlogRead,
  RecvOut, LABEL_FAULT, FAULT_EXIT,
} from "../lib/sys";
import { msgInfo, infoLabel } from "../lib/msg";
import { print, println, printDec, flush } from "../lib/print";
import { PROCS, THREADS, L_HELLO, L_WORK, L_DONE, L_PING, L_PROBE, C_EP, payload, word1, word2, answer } from "./proto";

const OBJ_ENDPOINT: u32 = 3, OBJ_IO_PORTS: u32 = 8;
const W: u32 = 2, G: u32 = 4;
const EP: u32 = 5, EXITPORT: u32 = 6, CLIENT0: u32 = 10;
const NT: u32 = PROCS * THREADS;

const ro = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const RO = changetype<usize>(ro);
const next = memory.data(<i32>(8 * NT), 8);   // the next sequence number expected of each thread (= its calls served)
const done = memory.data(<i32>(8 * NT), 8);   // its L_DONE arrived

let perThread: u64 = 10_000;
let calls: u64 = 0, serverBad: u64 = 0, clientGood: u64 = 0, clientBad: u64 = 0, lost: u64 = 0, dup: u64 = 0, threadsDone: u64 = 0;
let failedWhy: string | null = null;
let t0: u64 = 0, loadMs: u64 = 0, phase = 0;
let probeMin0: u64 = 0, probeMean0: u64 = 0, probeMin1: u64 = 0, probeMean1: u64 = 0;

function fail(why: string): void {
  if (failedWhy === null) failedWhy = why;
}

function finish(): void {
  const ms = loadMs;
  const expected = perThread * <u64>NT;
  if (calls != expected) fail("calls served " + calls.toString() + ", expected " + expected.toString());
  if (clientGood != expected) fail("client good replies " + clientGood.toString() + ", expected " + expected.toString());
  if (clientBad != 0 || serverBad != 0) fail("bad replies or requests");
  if (lost != 0 || dup != 0) fail("lost or duplicated calls");
  print("load: calls "); printDec(calls); print(" of "); printDec(expected);
  print(", client good "); printDec(clientGood); print(", client bad "); printDec(clientBad);
  print(", server bad "); printDec(serverBad); print(", lost "); printDec(lost); print(", duplicated "); printDec(dup);
  print(", threads done "); printDec(threadsDone); print(" of "); printDec(<u64>NT);
  print(", "); printDec(ms); println(" ms");
  print("load: ipc round trip before "); printDec(probeMin0); print(" (mean "); printDec(probeMean0);
  print("), after "); printDec(probeMin1); print(" (mean "); printDec(probeMean1); println(") ticks");
  if (phase != 3) fail("no probe after the load");
  if (failedWhy === null) println("load: PASSED");
  else { print("load: FAILED: "); println(failedWhy!); }
  flush();
  sysIoportOut(EXITPORT, 0xF4, 1, failedWhy === null ? 0x10 : 0x11);
  sysExit(failedWhy === null ? 0 : 1);
}

function must(what: string, r: i64): void {
  if (r < 0) { fail("setup: " + what + ": error " + (-r).toString()); finish(); }
}

// load.calls=<n> from the kernel command line (the boot log).
const KL: i32 = 16384;
const kl = memory.data(KL);
function readSettings(): void {
  const head = sysKlogRead(kl, <usize>KL, 0);
  if (head < 0) return;
  const n: usize = <usize>(head < KL ? head : KL);
  const key = "load.calls=";
  for (let i: usize = 0; i + <usize>key.length < n; i++) {
    let match = true;
    for (let j = 0; j < key.length; j++) if (<u32>load<u8>(kl + i + j) != <u32>key.charCodeAt(j)) { match = false; break; }
    if (!match) continue;
    let v: u64 = 0;
    for (let p = kl + i + key.length; p < kl + n; p++) {
      const c = <u32>load<u8>(p);
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + <u64>(c - 0x30);
    }
    if (v > 0 && v < 0xFFFF_FFFF) perThread = v;
    return;
  }
}

readSettings();
const cname = memory.data<u8>([0x6C, 0x6F, 0x61, 0x64, 0x63, 0x6C, 0x69, 0x65, 0x6E, 0x74]); // "loadclient"
must("exit port", sysObjCreate(OBJ_IO_PORTS, EXITPORT, 0xF4 | (1 << 16)));
must("endpoint", sysObjCreate(OBJ_ENDPOINT, EP, 0));
print("load: "); printDec(<u64>PROCS); print(" processes x "); printDec(<u64>THREADS); print(" threads x ");
printDec(perThread); println(" calls"); flush();
function spawn(p: u32, slot: u32): void {
  must("spawn", sysProcSpawn(changetype<usize>(cname), 10, 100, slot, EP, 0x100 + <u64>p));
  must("give", sysProcGive(slot, EP, C_EP, W | G, <u64>p + 1));
}
function startLoad(): void {
  for (let p: u32 = 0; p < PROCS; p++) spawn(p, CLIENT0 + p);
  t0 = <u64>sysClockMs();
  for (let p: u32 = 0; p < PROCS; p++) must("start", sysProcStart(CLIENT0 + p));
}
const PROBE0: u32 = CLIENT0 + PROCS, PROBE1: u32 = CLIENT0 + PROCS + 1;
spawn(PROCS, PROBE0);
must("start probe", sysProcStart(PROBE0));

let r = sysRecv(EP, RO);
while (true) {
  if (r != 0) { fail("recv error " + (-r).toString()); finish(); }
  const label = infoLabel(ro.info), badge = ro.badge;
  if (label == LABEL_FAULT) {
    if (ro.w0 != FAULT_EXIT) { fail("client " + (badge - 0x100).toString() + " faulted, kind " + ro.w0.toString()); finish(); }
    r = sysRecv(EP, RO);
    continue;
  }
  if (badge == <u64>PROCS + 1) { // the probe
    if (label == L_PING) { r = sysReplyRecv(EP, msgInfo(L_PING, 1), ro.w0, 0, 0, 0, RO); continue; }
    if (label == L_HELLO) { r = sysReplyRecv(EP, msgInfo(L_HELLO, 3), <u64>PROCS, 0, 1, 0, RO); continue; }
    if (label == L_PROBE && phase == 0) {
      probeMin0 = ro.w0; probeMean0 = ro.w1; phase = 1;
      startLoad();
      r = sysReplyRecv(EP, msgInfo(L_PROBE, 0), 0, 0, 0, 0, RO);
      continue;
    }
    if (label == L_PROBE && phase == 2) { probeMin1 = ro.w0; probeMean1 = ro.w1; phase = 3; finish(); }
    serverBad++; r = sysReplyRecv(EP, msgInfo(0, 0), 0, 0, 0, 0, RO); continue;
  }
  if (badge < 1 || badge > <u64>PROCS) { serverBad++; r = sysReplyRecv(EP, msgInfo(0, 0), 0, 0, 0, 0, RO); continue; }
  const p = badge - 1;
  if (label == L_WORK) {
    const w0 = ro.w0, t = (w0 >> 32) & 0xFF, s = w0 & 0xFFFF_FFFF;
    let served: u64 = 0;
    calls++;
    if ((w0 >> 40) != p || t >= <u64>THREADS || ro.w1 != word1(w0) || ro.w2 != word2(w0) || ro.w3 != s * s) {
      serverBad++;
    } else {
      const at = next + 8 * <usize>(p * <u64>THREADS + t);
      const want = load<u64>(at);
      if (s < want) dup++;            // seen already
      else if (s > want) lost += s - want; // skipped some
      store<u64>(at, s + 1);
      served = s + 1;
    }
    r = sysReplyRecv(EP, msgInfo(L_WORK, 4), answer(w0), ro.w1 + ro.w2, w0, served, RO);
  } else if (label == L_HELLO) {
    r = sysReplyRecv(EP, msgInfo(L_HELLO, 2), p, perThread, 0, 0, RO);
  } else if (label == L_DONE) {
    const t = (ro.w0 >> 32) & 0xFF;
    if ((ro.w0 >> 40) != p || t >= <u64>THREADS) serverBad++;
    else {
      const i = <usize>(p * <u64>THREADS + t);
      if (load<u64>(done + 8 * i) != 0) dup++;
      else {
        store<u64>(done + 8 * i, 1);
        threadsDone++;
        const n = load<u64>(next + 8 * i);
        if (n < perThread) lost += perThread - n;
        clientGood += ro.w1; clientBad += ro.w2;
      }
    }
    if (threadsDone == <u64>NT) { // all done: the probe again
      loadMs = <u64>sysClockMs() - t0;
      phase = 2;
      spawn(PROCS, PROBE1);
      must("start probe", sysProcStart(PROBE1));
    }
    r = sysReplyRecv(EP, msgInfo(L_DONE, 0), 0, 0, 0, 0, RO);
  } else {
    serverBad++;
    r = sysReplyRecv(EP, msgInfo(0, 0), 0, 0, 0, 0, RO);
  }
}
