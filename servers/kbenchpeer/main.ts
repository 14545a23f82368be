// main.ts — servers/kbenchpeer: the helper process of the guest benchmarks
// (servers/kbench). kbench spawns it (one or two instances), gives it the
// capabilities of servers/kbench/proto.ts and sends it commands on its
// endpoint: be an echo server for call + reply_recv (any length: the words
// 4.. stay in its IPC buffer and go back as they came), signal a
// notification or trigger the UART's interrupt in a timed loop (rdtsc before
// each; the times go back to kbench, which takes its own after waking), or
// yield ping-pong with a second instance (the time of each yield round), or
// be the receiver of the bulk transfers (IPC copies into its own buffer, or
// the shared memory object with notifications) and verify the data.

import {
  sysRecv, sysReplyRecv, sysReply, sysSignal, sysWait, sysMemMap, sysIoportOut, sysYield, sysCall, RecvOut, CallOut, WaitOut,
} from "../lib/sys";
import { msgInfo, infoLabel, infoLength, setMsgWord, msgWord } from "../lib/msg";
import { rdtsc } from "../lib/x86";
import { println } from "../lib/print";
import {
  P_EP, P_BACK, P_NTFN, P_PORTS, WARMUP, ITERS, B_SERVER, B_STOP, B_SIGNAL, B_IRQ, B_YIELD, B_RESULT, RESULT_WORDS,
  P_SHM, P_NA, B_COPY, B_SHM, B_CHECK, BULK_MAX_WORDS, SHM_VA, bulkWord,
} from "../kbench/proto";

const m = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const c = changetype<CallOut>(memory.data(offsetof<CallOut>(), 8));
const TOTAL = WARMUP + ITERS;
const t = new StaticArray<u64>(TOTAL);
const wo = changetype<WaitOut>(memory.data(offsetof<WaitOut>(), 8));
let dst = new StaticArray<u64>(0);  // where the bulk copies land (allocated by the first B_COPY)
let shmMapped = false;

// The TOTAL values of t to kbench, RESULT_WORDS per call on P_BACK.
function sendResults(): void {
  for (let start = 0; start < TOTAL; start += RESULT_WORDS) {
    const n = TOTAL - start < RESULT_WORDS ? TOTAL - start : RESULT_WORDS;
    for (let j = 0; j < n; j++) setMsgWord(<u32>(4 + j), t[start + j]);
    sysCall(P_BACK, msgInfo(B_RESULT, <u64>(4 + n)), <u64>start, <u64>n, 0, 0, changetype<usize>(c));
  }
}

// Bulk through IPC copies: each call's 64 words (4 in registers, 60 in
// the IPC buffer) go to dst at the next position (wrapping at `words`).
// (The bulk handlers are functions of their own: the start function's code,
// and with it the other benchmarks' peer side, stays as it was.)
function bulkCopy(words: i32): void {
  if (dst.length < BULK_MAX_WORDS) dst = new StaticArray<u64>(BULK_MAX_WORDS);
  let pos = 0;
  let r = sysRecv(P_EP, changetype<usize>(m));
  while (r == 0 && infoLabel(m.info) != B_STOP) {
    dst[pos] = m.w0; dst[pos + 1] = m.w1; dst[pos + 2] = m.w2; dst[pos + 3] = m.w3;
    for (let j: u32 = 4; j < 64; j++) unchecked(dst[pos + <i32>j] = msgWord(j));
    pos += 64;
    if (pos >= words) pos = 0;
    r = sysReplyRecv(P_EP, msgInfo(0, 0), 0, 0, 0, 0, changetype<usize>(m));
  }
}

// Bulk through the shared memory object: n times wait for "data ready", hand back.
function bulkShm(n: i32): void {
  if (!shmMapped) {
    if (sysMemMap(P_SHM, SHM_VA, 1) != 0) println("kbenchpeer: FAILED: mem_map");
    shmMapped = true;
  }
  for (let i = 0; i < n; i++) { sysWait(P_NA, changetype<usize>(wo)); sysSignal(P_NTFN); }
}

// Verify the received data (mode 0: the copy buffer, 1: the shared memory)
// and answer the number of words that differ.
function bulkCheck(seed: u64, words: i32, mode: u64): void {
  let bad: u64 = 0;
  for (let j = 0; j < words; j++) {
    const v = mode == 0 ? dst[j] : load<u64>(SHM_VA + (<usize>j << 3));
    if (v != bulkWord(j, seed)) bad++;
  }
  sysReply(msgInfo(0, 1), bad, 0, 0, 0);
}

while (true) {
  if (sysRecv(P_EP, changetype<usize>(m)) != 0) { println("kbenchpeer: FAILED: recv"); break; }
  const label = infoLabel(m.info);
  if (label == B_SERVER) {
    // The echo server: the first message was a send; then every call is
    // answered with its own label and length by reply_recv.
    let r = sysRecv(P_EP, changetype<usize>(m));
    while (r == 0 && infoLabel(m.info) != B_STOP) {
      r = sysReplyRecv(P_EP, msgInfo(infoLabel(m.info), infoLength(m.info)), m.w0, m.w1, m.w2, m.w3, changetype<usize>(m));
    }
  } else if (label == B_SIGNAL) {
    for (let i = 0; i < TOTAL; i++) { t[i] = rdtsc(); sysSignal(P_NTFN); }
    sendResults();
  } else if (label == B_IRQ) {
    for (let i = 0; i < TOTAL; i++) { t[i] = rdtsc(); sysIoportOut(P_PORTS, 0x3F9, 1, 0x02); }
    sendResults();
  } else if (label == B_COPY) {
    bulkCopy(<i32>m.w0);
  } else if (label == B_SHM) {
    bulkShm(<i32>m.w0);
  } else if (label == B_CHECK) {
    bulkCheck(m.w0, <i32>m.w1, m.w2);
  } else if (label == B_YIELD) {
    for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysYield(); t[i] = rdtsc() - t0; }
    sendResults();
  }
}
