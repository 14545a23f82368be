// main.ts — servers/kbenchpeer: the helper process of the guest benchmarks
// (servers/kbench). kbench spawns it (one or two instances), gives it the
// capabilities of servers/kbench/proto.ts and sends it commands on its
// endpoint: be an echo server for call + reply_recv (any length: the words
// 4.. stay in its IPC buffer and go back as they came), signal a
// notification or trigger the UART's interrupt in a timed loop (rdtsc before
// each; the times go back to kbench, which takes its own after waking), or
// yield ping-pong with a second instance (the time of each yield round), or
// be the receiver of the bulk transfers (servers/lib/bulk.ts's BulkSink: IPC
// copies into its own buffer, or the shared memory object with
// notifications) and verify the data.

import { sysRecv, sysReplyRecv, sysSignal, sysIoportOut, sysYield, sysCall, RecvOut, CallOut } from "../lib/sys";
import { msgInfo, infoLabel, infoLength, setMsgWord } from "../lib/msg";
import { rdtsc } from "../lib/x86";
import { println } from "../lib/print";
import { BulkSink } from "../lib/bulk";
import {
  P_EP, P_BACK, P_NTFN, P_PORTS, WARMUP, ITERS, B_SERVER, B_STOP, B_SIGNAL, B_IRQ, B_YIELD, B_RESULT, RESULT_WORDS,
  P_SHM, P_NA,
} from "../kbench/proto";

const m = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const c = changetype<CallOut>(memory.data(offsetof<CallOut>(), 8));
const TOTAL = WARMUP + ITERS;
const t = new StaticArray<u64>(TOTAL);
// The receiver of the bulk transfers (lib/bulk.ts): data on P_EP, the
// shared memory in P_SHM, "ready" on P_NA, "done" to kbench's P_NTFN.
const sink = new BulkSink(P_EP, P_SHM, P_NA, P_NTFN);

// The TOTAL values of t to kbench, RESULT_WORDS per call on P_BACK.
function sendResults(): void {
  for (let start = 0; start < TOTAL; start += RESULT_WORDS) {
    const n = TOTAL - start < RESULT_WORDS ? TOTAL - start : RESULT_WORDS;
    for (let j = 0; j < n; j++) setMsgWord(<u32>(4 + j), t[start + j]);
    sysCall(P_BACK, msgInfo(B_RESULT, <u64>(4 + n)), <u64>start, <u64>n, 0, 0, changetype<usize>(c));
  }
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
  } else if (sink.handle(m)) {
    // a bulk command (BULK_COPY, BULK_SHM, BULK_CHECK), served
  } else if (label == B_YIELD) {
    for (let i = 0; i < TOTAL; i++) { const t0 = rdtsc(); sysYield(); t[i] = rdtsc() - t0; }
    sendResults();
  }
}
