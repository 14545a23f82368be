// load.ts — servers/faultload: the client load of the fault-injection
// campaign. One thread per server that has clients (serial, pci,
// virtioblk, fs; capabilities from the manifest's uses=, in that order)
// calls it without pause with requests whose answers are known, and
// counts each answer:
//   ok      the expected answer
//   error   the call failed (the kernel's DEAD_PARTNER when the server died
//           while serving it): what a client must get from a crash
//   failed  the server answered with an error label
//   wrong   a success label with other data: must never happen
// The expected answers: serial: L_WRITE of 0 bytes -> label 0, an unknown
// label -> label 1; pci: L_PCI_INFO 0 and L_PCI_FIND of the virtio-blk
// disk -> what the first instance said; virtioblk: L_BLK_INFO -> the
// same; fs: L_FS_STAT of FAULT_FILE -> its size, FAULT_FILE_SIZE (the
// test puts the file on the disk). The references come from the first
// answers, taken before any fault (reference()).

import { sysCall, sysClockMs, sysYield, CallOut } from "../lib/sys";
import { infoLabel, msgInfo } from "../lib/msg";
import { L_WRITE, nameWords0, nameWords1, SLOT_USES } from "../lib/proto";
import { L_BLK_INFO, L_FS_STAT, L_PCI_FIND, L_PCI_INFO } from "../lib/storage";

export const LOADS = 4;                    // serial, pci, virtioblk, fs
export const FAULT_FILE = "/FAULTS.TXT";
export const FAULT_FILE_SIZE: u64 = 4321;
const L_UNKNOWN: u64 = 0x7777;             // a label no server knows: serial answers 1

// Per load: counters, read by the main thread (each written by one thread).
export const ok = new StaticArray<u64>(LOADS);
export const errors = new StaticArray<u64>(LOADS);
export const failed = new StaticArray<u64>(LOADS);
export const wrong = new StaticArray<u64>(LOADS);
export const callSince = new StaticArray<i64>(LOADS);   // clock_ms when the current call began, 0: none
export const longest = new StaticArray<i64>(LOADS);     // the longest call, ms
export const parked = new StaticArray<bool>(LOADS);
const stopFlag = memory.data(8, 8);          // set by the main thread (memory, not a global: other threads read it)
export function stop(): void { store<u64>(stopFlag, 1); }

// References: 4 words per load and request kind (2 kinds).
const refs = new StaticArray<u64>(LOADS * 2 * 4);
const outs = memory.data(64 * LOADS, 16);   // one CallOut per thread
const path = String.UTF8.encode(FAULT_FILE);

@inline function ep(k: i32): u32 { return SLOT_USES + <u32>k; }

// Request kind j (0, 1) of load k; the call's result (out: its reply).
function request(k: i32, j: i32, out: usize): i64 {
  if (k == 0) return j == 0 ? sysCall(ep(k), msgInfo(L_WRITE, 1), 0, 0, 0, 0, out) : sysCall(ep(k), msgInfo(L_UNKNOWN, 0), 0, 0, 0, 0, out);
  if (k == 1) return j == 0 ? sysCall(ep(k), msgInfo(L_PCI_INFO, 1), 0, 0, 0, 0, out)
    : sysCall(ep(k), msgInfo(L_PCI_FIND, 4), 0x1AF4, 0x1001, 0xFFFFFF, 0, out);
  if (k == 2) return sysCall(ep(k), msgInfo(L_BLK_INFO, 0), 0, 0, 0, 0, out);
  const p = changetype<usize>(path), n = path.byteLength;
  return sysCall(ep(k), msgInfo(L_FS_STAT, 4), 0, <u64>n, nameWords0(p, n), nameWords1(p, n), out);
}

// The label a good answer has.
function goodLabel(k: i32, j: i32): u64 { return k == 0 && j == 1 ? 1 : 0; }

// The answer's words that must match the reference (bit i: word i).
function checked(k: i32, j: i32): u32 {
  if (k == 0) return 0;
  if (k == 3) return 2;          // the size
  return 0xF;
}

// Take the references (the main thread, before any fault): false if a
// server does not answer as it should (the campaign cannot run).
export function reference(k: i32): bool {
  const out = outs + 64 * <usize>k;
  const o = changetype<CallOut>(out);
  for (let j = 0; j < 2; j++) {
    if (request(k, j, out) != 0 || infoLabel(o.info) != goodLabel(k, j)) return false;
    const r = (k * 2 + j) * 4;
    unchecked(refs[r] = o.w0); unchecked(refs[r + 1] = o.w1); unchecked(refs[r + 2] = o.w2); unchecked(refs[r + 3] = o.w3);
  }
  if (k == 3 && o.w1 != FAULT_FILE_SIZE) return false;
  return true;
}

function word(o: CallOut, i: i32): u64 { return i == 0 ? o.w0 : i == 1 ? o.w1 : i == 2 ? o.w2 : o.w3; }

// The body of load thread k: requests until stop(), then parked (it must
// not return: a thread's exit ends the whole process for init).
export function run(k: i32): void {
  const out = outs + 64 * <usize>k;
  const o = changetype<CallOut>(out);
  let j = 0;
  while (load<u64>(stopFlag) == 0) {
    const t0 = sysClockMs();
    unchecked(callSince[k] = t0);
    const r = request(k, j, out);
    const d = sysClockMs() - t0;
    unchecked(callSince[k] = 0);
    if (d > unchecked(longest[k])) unchecked(longest[k] = d);
    if (r != 0) unchecked(errors[k]++);
    else if (infoLabel(o.info) != goodLabel(k, j)) unchecked(failed[k]++);
    else {
      const c = checked(k, j), base = (k * 2 + j) * 4;
      let same = true;
      for (let i = 0; i < 4; i++) if ((c & (1 << i)) != 0 && word(o, i) != unchecked(refs[base + i])) same = false;
      if (same) unchecked(ok[k]++); else unchecked(wrong[k]++);
    }
    j ^= (k == 2 ? 0 : 1);
  }
  unchecked(parked[k] = true);
  while (true) sysYield();                    // until the main thread suspends it
}
