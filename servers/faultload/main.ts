// main.ts — servers/faultload: the fault-injection campaign (issue 8,
// item 2; tests/qemu/faults.test.ts, build/faults.iso). A server of init's
// manifest (grant=control: it may ask init to crash servers; uses= the
// four servers that have clients). It runs only when the kernel command
// line says faultload=on (build/faults.iso); otherwise it says so and
// exits (status 0: init leaves it down).
//
// The campaign: the client load of load.ts runs in its own threads
// against serial, pci, virtioblk and fs the whole time; this thread
// crashes every target server in turn with every fault kind
// (servers/lib/crashkinds.ts) through init (L_CRASH_SERVER, the shell's
// `crash` path), waits for init to restart it (its instance number in
// L_PS grows) and, for a server with clients, for the load to get good
// answers from the new instance. The servers with clients fault in the
// middle of a request (servers/lib/crash.ts: armed, fired by the next
// one); console and kbd have none and fault at once. One line per fault:
//   faults: <server> <kind>: restarted as instance <n> after <ms> ms; load ok +<n>, errors +<n>, failed +<n>, wrong +<n>
// then the totals and the verdict (hung: a call that waited HANG_MS):
//   faults: injected <n>, recoveries <n>; load ok <n>, errors <n>, failed <n>, wrong <n>, hung <n>, longest call <ms> ms
//   faults: load <server>: ok <n>, errors <n>, failed <n>, wrong <n>, longest call <ms> ms   (one per load)
//   faults: PASSED   |   faults: FAILED: <why>

import {
  sysClockMs, sysDmaAlloc, sysKlogRead, sysMemMap, sysThreadResume, sysThreadSuspend, sysTimerSet, sysWait, sysExit,
  WaitOut, DMA_WINDOW,
} from "../lib/sys";
import { call, lastMsg } from "../lib/msg";
import { flush, print, printDec, println } from "../lib/print";
import { E_BUSY, E_DOWN, L_CRASH_SERVER, L_PS, nameWords0, nameWords1, SLOT_INIT, SLOT_NTFN } from "../lib/proto";
import { CRASH_LOOP, CRASH_NAMES } from "../lib/crashkinds";
import { threadCreate } from "../lib/thread";
import { LOADS, callSince, errors, failed, longest, ok, parked, reference, run, stop, wrong } from "./load";

const TARGETS: StaticArray<string> = ["serial", "pci", "virtioblk", "fs", "console", "kbd"];   // the first LOADS have a load
// A call that waits this long is hung. Calls may wait a while: a server
// spinning above the load starves it until init's watchdog kills that one
// (3 periods: up to 6 s for the console, the shell).
const HANG_MS: i64 = 20_000;
const RESTART_MS: i64 = 20_000;      // init restarts a server within this (watchdog and backoff included)
const STACK: usize = 16384;
const MEM0: u32 = 20, THR0: u32 = 30;
const stacks = memory.data(<i32>(STACK * <usize>LOADS), 16);
const waitOut = memory.data(offsetof<WaitOut>(), 8);

let injected: u64 = 0, recoveries: u64 = 0, hung: u64 = 0;
let failedWhy: string | null = null;
function fail(why: string): void {
  if (failedWhy === null) failedWhy = why;
  print("faults: FAIL: "); println(why); flush();
}

function sleep(ms: u64): void {
  sysTimerSet(SLOT_NTFN, ms);
  sysWait(SLOT_NTFN, waitOut);
}

// faultload=on on the kernel command line (the boot log's first lines).
const KL: i32 = 8192;
const kl = memory.data(KL);
function enabled(): bool {
  const head = sysKlogRead(kl, <usize>KL, 0);
  if (head < 0) return false;
  const n = <i32>(head < KL ? head : KL);
  const key = "faultload=on";
  for (let i = 0; i + key.length <= n; i++) {
    let same = true;
    for (let j = 0; j < key.length && same; j++) if (<u32>load<u8>(kl + <usize>(i + j)) != <u32>key.charCodeAt(j)) same = false;
    if (same) return true;
  }
  return false;
}

// init's index of each target (L_PS by index until the name matches).
const index = new StaticArray<i32>(TARGETS.length);
function nameOf(s: string): ArrayBuffer { return String.UTF8.encode(s); }
function findIndexes(): bool {
  for (let t = 0; t < TARGETS.length; t++) {
    const b = nameOf(TARGETS[t]);
    const w0 = nameWords0(changetype<usize>(b), b.byteLength), w1 = nameWords1(changetype<usize>(b), b.byteLength);
    index[t] = -1;
    for (let i = 0; i < 16; i++) {
      if (call(SLOT_INIT, L_PS, 1, <u64>i) != 0 || lastMsg().label != 0) break;
      if (lastMsg().w1 == w0 && lastMsg().w2 == w1) { index[t] = i; break; }
    }
    if (index[t] < 0) { fail("init has no server " + TARGETS[t]); return false; }
  }
  return true;
}

// Target t's instance number while it runs, else 0.
function instanceOf(t: i32): u64 {
  if (call(SLOT_INIT, L_PS, 1, <u64>index[t]) != 0 || lastMsg().label != 0) return 0;
  const w = lastMsg().w0;
  return (w & 0xFF) >= 16 ? w >> 32 : 0;   // state 16 + the kernel's thread state: running
}

// Count the calls waiting for HANG_MS (each once).
const reported = new StaticArray<i64>(LOADS);
function checkHangs(): void {
  const now = sysClockMs();
  for (let k = 0; k < LOADS; k++) {
    const since = unchecked(callSince[k]);
    if (since != 0 && now - since >= HANG_MS && unchecked(reported[k]) != since) {
      unchecked(reported[k] = since);
      hung++;
      fail(TARGETS[k] + ": a call has waited " + (now - since).toString() + " ms");
    }
  }
}

// Wait (checking for hangs) until cond() or `ms` passed; cond() at the end.
function waitUntil(cond: () => bool, ms: i64): bool {
  const end = sysClockMs() + ms;
  while (!cond()) {
    if (sysClockMs() >= end) return false;
    checkHangs();
    sleep(10);
  }
  return true;
}

let target = 0;
let before: u64 = 0;
let okMark: u64 = 0;
function restarted(): bool { const n = instanceOf(target); return n > before; }
function answering(): bool { return unchecked(ok[target]) >= okMark + 3; }

// Crash target t with kind k and see it come back.
function inject(t: i32, k: i32): void {
  target = t;
  before = instanceOf(t);
  const e0 = t < LOADS ? unchecked(errors[t]) : 0, f0 = t < LOADS ? unchecked(failed[t]) : 0;
  const w0 = t < LOADS ? unchecked(wrong[t]) : 0, o0 = t < LOADS ? unchecked(ok[t]) : 0;
  const b = nameOf(TARGETS[t]);
  const n0 = nameWords0(changetype<usize>(b), b.byteLength), n1 = nameWords1(changetype<usize>(b), b.byteLength);
  const t0 = sysClockMs();
  // init forwards L_CRASH only to a server waiting for messages: busy now, try again.
  let asked = false;
  for (let i = 0; i < 200 && !asked; i++) {
    const r = call(SLOT_INIT, L_CRASH_SERVER, 3, n0, n1, <u64>k);
    if (r == 0 && lastMsg().label == 0) asked = true;
    else if (r == 0 && lastMsg().label != E_BUSY && lastMsg().label != E_DOWN) break;
    else sleep(10);
  }
  if (!asked) { fail(TARGETS[t] + " " + CRASH_NAMES[k] + ": init did not pass the fault on"); return; }
  injected++;
  if (!waitUntil(restarted, RESTART_MS + (k == CRASH_LOOP ? 5000 : 0))) {
    fail(TARGETS[t] + " " + CRASH_NAMES[k] + ": not restarted within " + RESTART_MS.toString() + " ms");
    return;
  }
  const ms = sysClockMs() - t0;
  const inst = instanceOf(t);
  if (inst != before + 1) fail(TARGETS[t] + " " + CRASH_NAMES[k] + ": instance " + before.toString() + " -> " + inst.toString() + ": more than one restart");
  if (t < LOADS) {
    okMark = unchecked(ok[t]);
    if (!waitUntil(answering, RESTART_MS)) { fail(TARGETS[t] + " " + CRASH_NAMES[k] + ": no good answers after the restart"); return; }
  }
  recoveries++;
  print("faults: "); print(TARGETS[t]); print(" "); print(CRASH_NAMES[k]); print(": restarted as instance ");
  printDec(inst); print(" after "); printDec(<u64>ms); print(" ms");
  if (t < LOADS) {
    print("; load ok +"); printDec(unchecked(ok[t]) - o0); print(", errors +"); printDec(unchecked(errors[t]) - e0);
    print(", failed +"); printDec(unchecked(failed[t]) - f0); print(", wrong +"); printDec(unchecked(wrong[t]) - w0);
  }
  println();
  flush();
}

function sum(a: StaticArray<u64>): u64 { let s: u64 = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; }

function startLoads(): bool {
  for (let k = 0; k < LOADS; k++) {
    if (!reference(k)) { fail(TARGETS[k] + " does not answer as expected before any fault"); return false; }
  }
  for (let k = 0; k < LOADS; k++) {
    const va = <usize>DMA_WINDOW + 0x1000 * <usize>(k + 1);
    let r = sysDmaAlloc(MEM0 + <u32>k, 1);
    if (r >= 0) r = sysMemMap(MEM0 + <u32>k, va, 1);
    const fn = k == 0 ? load0 : k == 1 ? load1 : k == 2 ? load2 : load3;
    if (r == 0) r = threadCreate(THR0 + <u32>k, 3, 0, MEM0 + <u32>k, fn, stacks + STACK * <usize>k, STACK);
    if (r == 0) r = sysThreadResume(THR0 + <u32>k);
    if (r != 0) { fail("starting load thread " + k.toString() + ": error " + (-r).toString()); return false; }
  }
  return true;
}
function load0(): void { run(0); }
function load1(): void { run(1); }
function load2(): void { run(2); }
function load3(): void { run(3); }
function allParked(): bool { for (let k = 0; k < LOADS; k++) if (!unchecked(parked[k])) return false; return true; }

if (!enabled()) {
  println("faultload: off (the fault-injection campaign runs with faultload=on on the kernel command line: build/faults.iso)");
  flush();
  sysExit(0);
}
println("faultload: the fault-injection campaign");
flush();
const began = sysClockMs();
if (findIndexes() && startLoads()) {
  sleep(200);
  for (let t = 0; t < TARGETS.length; t++) {
    for (let k = 0; k < CRASH_NAMES.length; k++) inject(t, k);
  }
  sleep(200);
}
stop();
waitUntil(allParked, HANG_MS);
for (let k = 0; k < LOADS; k++) sysThreadSuspend(THR0 + <u32>k);
checkHangs();
let longestMs: i64 = 0;
for (let k = 0; k < LOADS; k++) if (longest[k] > longestMs) longestMs = longest[k];
const total = <u64>(TARGETS.length * CRASH_NAMES.length);
if (injected != total || recoveries != total) fail("injected " + injected.toString() + ", recovered " + recoveries.toString() + " of " + total.toString());
if (sum(wrong) != 0) fail("wrong answers");
print("faults: injected "); printDec(injected); print(", recoveries "); printDec(recoveries);
print("; load ok "); printDec(sum(ok)); print(", errors "); printDec(sum(errors)); print(", failed "); printDec(sum(failed));
print(", wrong "); printDec(sum(wrong)); print(", hung "); printDec(hung); print(", longest call "); printDec(<u64>longestMs);
print(" ms; "); printDec(<u64>(sysClockMs() - began)); println(" ms");
for (let k = 0; k < LOADS; k++) {
  print("faults: load "); print(TARGETS[k]); print(": ok "); printDec(ok[k]); print(", errors "); printDec(errors[k]);
  print(", failed "); printDec(failed[k]); print(", wrong "); printDec(wrong[k]); print(", longest call "); printDec(<u64>longest[k]); println(" ms");
}
if (failedWhy === null) println("faults: PASSED");
else { print("faults: FAILED: "); println(failedWhy!); }
flush();
sysExit(0);
