// main.ts — servers/fuzzcanary: the canary of the syscall fuzzer (issue 8,
// item 1; servers/fuzz). It fills 256 KiB of its memory with a known
// pattern and then serves the endpoint in its slot C_EP forever: a ping
// from the supervisor (badge B_PING, label L_PING) is answered with the
// sequence number, the number of pings so far, the checksum of the whole
// pattern recomputed now, and a running checksum of every ping's sequence
// number; anything else (the fuzzer's random messages) gets an L_OTHER
// reply. The supervisor checks the answers: the canary must answer
// throughout the run (no hang) and its memory must stay intact. The same
// program is the fuzzer's victim/partner on the fuzzer's endpoint A (the
// fuzzer may kill it, give it capabilities, call it with anything).
// Received capabilities never land (receive slot 0 in its IPC buffer).

import { sysReplyRecv, ReplyRecvOut } from "../lib/sys";
import { msgInfo, infoLabel, setRecvSlot } from "../lib/msg";
import { C_EP, L_PING, L_PONG, L_OTHER, B_PING, CANARY_WORDS, canaryWord, runningNext } from "../fuzz/proto";

const pattern = memory.data(<i32>CANARY_WORDS * 8, 8);
for (let i: u32 = 0; i < CANARY_WORDS; i++) store<u64>(pattern + (<usize>i << 3), canaryWord(i));

function checksum(): u64 {
  let h: u64 = 0xCBF2_9CE4_8422_2325;
  for (let i: u32 = 0; i < CANARY_WORDS; i++) h = (h ^ load<u64>(pattern + (<usize>i << 3))) * 0x100_0000_01B3;
  return h;
}

const o = changetype<ReplyRecvOut>(memory.data(offsetof<ReplyRecvOut>(), 8));
const OUT = changetype<usize>(o);
let pings: u64 = 0;
let running: u64 = 0;
setRecvSlot(0);
let r = sysReplyRecv(C_EP, msgInfo(0, 0), 0, 0, 0, 0, OUT); // nothing to answer yet: just wait
while (true) {
  if (r == 0 && o.badge == B_PING && infoLabel(o.info) == L_PING) {
    pings++;
    running = runningNext(running, o.w0, pings);
    r = sysReplyRecv(C_EP, msgInfo(L_PONG, 4), o.w0, pings, checksum(), running, OUT);
  } else {
    r = sysReplyRecv(C_EP, msgInfo(L_OTHER, 1), <u64>r, 0, 0, 0, OUT);
  }
}
