// main.ts — servers/fuzz: the syscall fuzzer's supervisor (issue 8, item 1),
// the initial process ("init") of build/fuzz.iso (make fuzz; tests/qemu/
// fuzz.test.ts). It reads its settings from the kernel command line (through
// klog_read: the boot log's `command line: "..."` line): fuzz.seed=<n>
// (default below), fuzz.calls=<n> (stop after that many calls), fuzz.seconds=<n>
// (or after that long), fuzz.chunk=<n> (calls per fuzzer process),
// fuzz.trace=1 (the fuzzer prints every call before making it: for replaying
// a failure). It prints the seed first: the same seed replays the same calls.
//
// It spawns the canary (servers/fuzzcanary, its own endpoint) and the
// unblocker (servers/fuzzpoke, lowest priority), measures the free frames,
// then runs chunks: chunk k spawns a victim (fuzzcanary on endpoint A) and
// the fuzzer (servers/fuzzer) with seed chunkSeed(seed, k), the capabilities
// of proto.ts, and its budget in the shared page; when the fuzzer exits,
// faults or is stuck (no progress for STUCK_MS, or stopped without a fault
// message, e.g. thread_suspend of itself: it is killed), both are
// killed and the free frames must be back to the starting count (no leak).
// Every PING_MS it pings the canary, whose answer must come, with the right
// sequence number, count, pattern checksum and running checksum. Faults of
// the canary or of fuzzpoke fail the run. Last lines:
//   fuzz: calls <n>, faults <n>, stuck <n>, restarts <n>, canary pings <n>, frames <free> of <start>, seed 0x<hex>, <ms> ms
//   fuzz: PASSED   |   fuzz: FAILED: <reason>
// then QEMU is ended through isa-debug-exit (0x10 passed, 0x11 failed).

import {
  sysObjCreate, sysProcSpawn, sysProcGive, sysProcStart, sysProcKill, sysProcInfo, sysCapDelete, sysCapMint, sysDmaAlloc, sysMemMap,
  sysMemFrames, sysClockMs, sysTimerSet, sysBindNotification, sysRecv, sysCall, sysKlogRead, sysIoportOut, sysExit,
  RecvOut, CallOut, DMA_WINDOW, LABEL_FAULT, LABEL_NOTIFICATION, FAULT_EXIT,
} from "../lib/sys";
import { msgInfo, infoLabel } from "../lib/msg";
import { print, println, printDec, printHex, flush } from "../lib/print";
import {
  PG_MAGIC, PG_SEED, PG_BUDGET, PG_DONE, PG_NUM, PG_ARGS, PG_STATE, PG_TRACE, PG_RESULT, PAGE_MAGIC,
  F_PAGE, F_EP_A, F_EP_B, F_EP_CANARY, F_NT_A, F_NT_B, F_IRQ3, F_IRQ_ANY, F_PORTS, F_VICTIM, F_MEM, F_EP_A_RO, F_NT_A_BADGED,
  C_EP, K_EP_A, K_EP_B, K_NT_A, K_NT_B, L_PING, L_PONG, B_PING, B_FUZZED,
  B_FAULT_FUZZER, B_FAULT_VICTIM, B_FAULT_CANARY, B_FAULT_POKE, chunkSeed, patternChecksum, runningNext,
} from "./proto";

const DEFAULT_SEED: u64 = 0x5EED_0000_2026_1125;
const FAULT_WASM_TRAP: u64 = 256;
// Stuck: no progress for STUCK_MS and over STUCK_TICKS of our ticks (a
// loaded host can deliver many guest ticks at once after a pause).
const TICK_MS: u64 = 10, PING_MS: u64 = 50, STUCK_MS: u64 = 1000, STUCK_TICKS: u64 = 50;
const OBJ_ENDPOINT: u32 = 3, OBJ_NOTIFICATION: u32 = 4, OBJ_IRQ_HANDLER: u32 = 7, OBJ_IO_PORTS: u32 = 8;
const R: u32 = 1, W: u32 = 2, G: u32 = 4, ALL: u32 = 31;

// Our CNode.
const FEP: u32 = 5, EPA: u32 = 6, EPB: u32 = 7, EPC: u32 = 8, NTA: u32 = 9, NTB: u32 = 10, IRQ3: u32 = 11;
const IRQANY: u32 = 12, PORTS: u32 = 13, MEM: u32 = 14, PAGE_MEM: u32 = 15, TICK: u32 = 16, TICK_W: u32 = 17;
const PING: u32 = 18, EXITPORT: u32 = 19, CANARY: u32 = 20, POKE: u32 = 21, FUZZER: u32 = 22, VICTIM: u32 = 23;

const PAGE: usize = <usize>DMA_WINDOW;
@inline function pg(i: u32): u64 { return load<u64>(PAGE + (<usize>i << 3)); }
@inline function setPg(i: u32, v: u64): void { store<u64>(PAGE + (<usize>i << 3), v); }

const ro = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const co = changetype<CallOut>(memory.data(offsetof<CallOut>(), 8));
const RO = changetype<usize>(ro), CO = changetype<usize>(co);

function name(s: string): usize { // ASCII bytes of s in a fresh buffer (setup only)
  const b = memory.data(32);
  for (let i = 0; i < s.length; i++) store<u8>(b + i, <u8>s.charCodeAt(i));
  return b;
}

let failedWhy: string | null = null;
function fail(why: string): void {
  if (failedWhy === null) failedWhy = why;
  print("fuzz: FAIL: "); println(why); flush();
}
function must(what: string, r: i64): void {
  if (r < 0) { print("fuzz: setup: "); print(what); print(": error "); printDec(<u64>(-r)); println(); fail("setup"); finish(); }
}

// --- settings from the kernel command line ----------------------------------------------------
let seed = DEFAULT_SEED, targetCalls: u64 = 100_000, seconds: u64 = 0, chunkCalls: u64 = 5000, trace: u64 = 0;
const KL: i32 = 16384;
const kl = memory.data(KL);
function parseNum(p: usize, end: usize): u64 {
  let v: u64 = 0;
  if (end - p > 2 && load<u8>(p) == 0x30 && (load<u8>(p + 1) | 0x20) == 0x78) {
    for (p += 2; p < end; p++) {
      const c = <u32>load<u8>(p) | 0x20;
      if (c >= 0x30 && c <= 0x39) v = (v << 4) | <u64>(c - 0x30);
      else if (c >= 0x61 && c <= 0x66) v = (v << 4) | <u64>(c - 0x57);
      else break;
    }
    return v;
  }
  for (; p < end; p++) {
    const c = <u32>load<u8>(p);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + <u64>(c - 0x30);
  }
  return v;
}
function startsWith(p: usize, end: usize, s: string): bool {
  if (<usize>s.length > end - p) return false;
  for (let i = 0; i < s.length; i++) if (<u32>load<u8>(p + i) != <u32>s.charCodeAt(i)) return false;
  return true;
}
function readSettings(): void {
  const head = sysKlogRead(kl, <usize>KL, 0);
  if (head < 0) return;
  const n: usize = <usize>(head < KL ? head : KL);
  const key = "command line: \"";
  for (let i: usize = 0; i + <usize>key.length < n; i++) {
    if (!startsWith(kl + i, kl + n, key)) continue;
    let p = kl + i + key.length;
    let end = p;
    while (end < kl + n && load<u8>(end) != 0x0A && load<u8>(end) != 0x0D) end++;
    while (p < end) {
      while (p < end && load<u8>(p) == 0x20) p++;
      let w = p;
      while (w < end && load<u8>(w) != 0x20) w++;
      if (startsWith(p, w, "fuzz.seed=")) seed = parseNum(p + 10, w);
      else if (startsWith(p, w, "fuzz.calls=")) targetCalls = parseNum(p + 11, w);
      else if (startsWith(p, w, "fuzz.seconds=")) { seconds = parseNum(p + 13, w); targetCalls = 0xFFFF_FFFF_FFFF_FFFF; }
      else if (startsWith(p, w, "fuzz.chunk=")) chunkCalls = parseNum(p + 11, w);
      else if (startsWith(p, w, "fuzz.trace=1")) trace = 1;
      p = w;
    }
    return;
  }
}

// --- the run -------------------------------------------------------------------------------------
let calls: u64 = 0, faults: u64 = 0, stuck: u64 = 0, chunks: u64 = 0, victimFaults: u64 = 0;
let pingSeq: u64 = 0, pings: u64 = 0, running: u64 = 0;
let frames0: u64 = 0, t0: u64 = 0;
const expectSum = patternChecksum();

function freeFrames(): u64 { return <u64>sysMemFrames() & 0xFFFF_FFFF; }

function finish(): void {
  const ms = <u64>sysClockMs() - t0;
  const free = freeFrames();
  print("fuzz: calls "); printDec(calls); print(", faults "); printDec(faults); print(", stuck "); printDec(stuck);
  print(", restarts "); printDec(chunks > 0 ? chunks - 1 : 0); print(", canary pings "); printDec(pings);
  print(", frames "); printDec(free); print(" of "); printDec(frames0); print(", seed "); printHex(seed);
  print(", "); printDec(ms); println(" ms");
  if (failedWhy === null && free != frames0) fail("frames not back after the fuzzer");
  if (failedWhy === null) println("fuzz: PASSED");
  else { print("fuzz: FAILED: "); println(failedWhy!); }
  flush();
  sysIoportOut(EXITPORT, 0xF4, 1, failedWhy === null ? 0x10 : 0x11);
  sysExit(failedWhy === null ? 0 : 1);
}

function ping(): void {
  pingSeq++;
  const r = sysCall(PING, msgInfo(L_PING, 1), pingSeq, 0, 0, 0, CO);
  if (r != 0) { fail("canary ping failed"); return; }
  pings++;
  running = runningNext(running, pingSeq, pings);
  if (infoLabel(co.info) != L_PONG || co.w0 != pingSeq || co.w1 != pings) fail("canary answered the wrong ping");
  else if (co.w2 != expectSum) fail("canary memory changed");
  else if (co.w3 != running) fail("canary running checksum differs");
}

function printLastCall(): void {
  print(" (call "); printHex(pg(PG_NUM));
  for (let k: u32 = 0; k < 6; k++) { print(" "); printHex(pg(PG_ARGS + k)); }
  print(")");
}

let fuzzerLive = false;
let lastDone: u64 = 0, lastProgressMs: u64 = 0, ticksSince: u64 = 0;

function startChunk(): void {
  const k = chunks++;
  const vt = sysProcSpawn(name("fuzzcanary"), 10, 100, VICTIM, FEP, B_FAULT_VICTIM);
  must("victim", vt);
  must("victim endpoint", sysProcGive(VICTIM, EPA, C_EP, ALL, 0));
  must("victim start", sysProcStart(VICTIM));
  must("fuzzer", sysProcSpawn(name("fuzzer"), 6, 100, FUZZER, FEP, B_FAULT_FUZZER | (k & 0xFF)));
  must("give page", sysProcGive(FUZZER, PAGE_MEM, F_PAGE, ALL, 0));
  must("give A", sysProcGive(FUZZER, EPA, F_EP_A, ALL, 0));
  must("give B", sysProcGive(FUZZER, EPB, F_EP_B, ALL, 0));
  must("give canary", sysProcGive(FUZZER, EPC, F_EP_CANARY, W | G, B_FUZZED));
  must("give NA", sysProcGive(FUZZER, NTA, F_NT_A, ALL, 0));
  must("give NB", sysProcGive(FUZZER, NTB, F_NT_B, ALL, 0));
  must("give IRQ3", sysProcGive(FUZZER, IRQ3, F_IRQ3, ALL, 0));
  must("give IRQ any", sysProcGive(FUZZER, IRQANY, F_IRQ_ANY, ALL, 0));
  must("give ports", sysProcGive(FUZZER, PORTS, F_PORTS, ALL, 0));
  must("give victim", sysProcGive(FUZZER, VICTIM, F_VICTIM, ALL, 0));
  must("give mem", sysProcGive(FUZZER, MEM, F_MEM, ALL, 0));
  must("give A ro", sysProcGive(FUZZER, EPA, F_EP_A_RO, R, 0));
  must("give NA badged", sysProcGive(FUZZER, NTA, F_NT_A_BADGED, W, 0x40));
  setPg(PG_SEED, chunkSeed(seed, k));
  let budget = chunkCalls;
  if (targetCalls - calls < budget) budget = targetCalls - calls;
  setPg(PG_BUDGET, budget);
  setPg(PG_DONE, 0);
  setPg(PG_STATE, 0);
  setPg(PG_NUM, 0);
  setPg(PG_TRACE, trace);
  setPg(PG_MAGIC, PAGE_MAGIC);
  lastDone = 0;
  ticksSince = 0;
  lastProgressMs = <u64>sysClockMs();
  fuzzerLive = true;
  must("fuzzer start", sysProcStart(FUZZER));
}

// The fuzzer ended (exit, fault, or stuck): account, kill both, check frames.
function endChunk(kind: u64, isStuck: bool): void {
  const done = pg(PG_DONE);
  const finished = pg(PG_STATE) == 1;
  calls += done;
  if (!finished && !isStuck) calls++;   // the call that ended it did not return
  if (isStuck) {
    stuck++;
    print("fuzz: chunk "); printDec(chunks - 1); print(": no progress (waiting or stopped) after ");
    printDec(done); print(" calls, killed"); printLastCall(); println();
  } else if (!finished) {
    faults++;
    print("fuzz: chunk "); printDec(chunks - 1); print(": fuzzer ");
    if (kind >= FAULT_EXIT) { print("exited with status "); printDec(kind - FAULT_EXIT); }
    else if (kind >= FAULT_WASM_TRAP) { print("wasm trap "); printDec(kind - FAULT_WASM_TRAP); }
    else { print("exception "); printDec(kind); }
    print(" after "); printDec(done); print(" calls"); printLastCall(); println();
  }
  fuzzerLive = false;
  must("kill fuzzer", sysProcKill(FUZZER));
  if (sysProcKill(VICTIM) != 0) sysCapDelete(VICTIM);   // the fuzzer may have killed it already
  const free = freeFrames();
  if (free != frames0) {
    print("fuzz: chunk "); printDec(chunks - 1); print(" (seed "); printHex(chunkSeed(seed, chunks - 1));
    print("): "); printDec(frames0 - free); println(" frames not back");
    fail("frame leak");
  }
}

// --- set-up ----------------------------------------------------------------------------------------
readSettings();
print("fuzz: seed "); printHex(seed); print(", ");
if (seconds != 0) { printDec(seconds); print(" s"); } else { printDec(targetCalls); print(" calls"); }
print(", "); printDec(chunkCalls); print(" calls per fuzzer process"); println(trace != 0 ? ", tracing" : "");
flush();
must("fault endpoint", sysObjCreate(OBJ_ENDPOINT, FEP, 0));
must("endpoint A", sysObjCreate(OBJ_ENDPOINT, EPA, 0));
must("endpoint B", sysObjCreate(OBJ_ENDPOINT, EPB, 0));
must("canary endpoint", sysObjCreate(OBJ_ENDPOINT, EPC, 0));
must("notification A", sysObjCreate(OBJ_NOTIFICATION, NTA, 0));
must("notification B", sysObjCreate(OBJ_NOTIFICATION, NTB, 0));
must("IRQ 3", sysObjCreate(OBJ_IRQ_HANDLER, IRQ3, 3));
must("IRQ any", sysObjCreate(OBJ_IRQ_HANDLER, IRQANY, 255));
must("ports", sysObjCreate(OBJ_IO_PORTS, PORTS, 0x2F8 | (8 << 16)));
must("exit port", sysObjCreate(OBJ_IO_PORTS, EXITPORT, 0xF4 | (1 << 16)));
must("tick", sysObjCreate(OBJ_NOTIFICATION, TICK, 0));
must("tick mint", sysCapMint(TICK, TICK_W, W, 1));
must("ping mint", sysCapMint(EPC, PING, W, B_PING));
must("memory object", sysDmaAlloc(MEM, 1));
must("shared page", sysDmaAlloc(PAGE_MEM, 1));
must("map shared page", sysMemMap(PAGE_MEM, PAGE, 1));
must("canary", sysProcSpawn(name("fuzzcanary"), 10, 120, CANARY, FEP, B_FAULT_CANARY));
must("canary endpoint", sysProcGive(CANARY, EPC, C_EP, R, 0));
must("canary start", sysProcStart(CANARY));
must("poke", sysProcSpawn(name("fuzzpoke"), 8, 1, POKE, FEP, B_FAULT_POKE));
must("poke A", sysProcGive(POKE, EPA, K_EP_A, ALL, 0));
must("poke B", sysProcGive(POKE, EPB, K_EP_B, ALL, 0));
must("poke NA", sysProcGive(POKE, NTA, K_NT_A, ALL, 0));
must("poke NB", sysProcGive(POKE, NTB, K_NT_B, ALL, 0));
must("poke start", sysProcStart(POKE));
must("bind", sysBindNotification(TICK));
ping();                                   // the canary has filled its pattern
frames0 = freeFrames();
t0 = <u64>sysClockMs();
print("fuzz: canary answers, "); printDec(frames0); println(" frames free; fuzzing"); flush();
must("timer", sysTimerSet(TICK_W, TICK_MS));
let lastPing = t0;
startChunk();

while (true) {
  const r = sysRecv(FEP, RO);
  if (r != 0) { fail("recv on the fault endpoint"); finish(); }
  const label = infoLabel(ro.info);
  const now = <u64>sysClockMs();
  if (label == LABEL_NOTIFICATION) {
    sysTimerSet(TICK_W, TICK_MS);
    if (now - lastPing >= PING_MS) { ping(); lastPing = now; }
    if (failedWhy !== null) { if (fuzzerLive) endChunk(0, true); finish(); }
    if (fuzzerLive) {
      const d = pg(PG_DONE);
      ticksSince++;
      // Stopped without a fault message (thread_suspend of itself): no need to wait STUCK_MS.
      const info = sysProcInfo(FUZZER);
      const stopped = d == lastDone && info >= 0 && (info & 0xFF) == 0 && ticksSince >= 3;
      if (d != lastDone) { lastDone = d; lastProgressMs = now; ticksSince = 0; }
      else if (stopped || (now - lastProgressMs >= STUCK_MS && ticksSince >= STUCK_TICKS)) {
        endChunk(0, true);
        if (failedWhy !== null) finish();
        if (calls >= targetCalls || (seconds != 0 && now - t0 >= seconds * 1000)) finish();
        startChunk();
      }
    }
    continue;
  }
  if (label != LABEL_FAULT) continue;      // nothing else comes here
  const who = ro.badge & 0xF00;
  if (who == B_FAULT_FUZZER && fuzzerLive && (ro.badge & 0xFF) == ((chunks - 1) & 0xFF)) {
    endChunk(ro.w0, false);
    ping();
    if (failedWhy !== null) finish();
    if (calls >= targetCalls || (seconds != 0 && now - t0 >= seconds * 1000)) finish();
    startChunk();
  } else if (who == B_FAULT_VICTIM) {
    victimFaults++;
    print("fuzz: victim stopped, kind "); printDec(ro.w0); print(" at rip "); printHex(ro.w3); println();
  } else if (who == B_FAULT_CANARY) {
    fail("the canary faulted"); finish();
  } else if (who == B_FAULT_POKE) {
    fail("fuzzpoke faulted"); finish();
  }
}
