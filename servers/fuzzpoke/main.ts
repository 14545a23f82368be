// main.ts — servers/fuzzpoke: unblocks the syscall fuzzer (issue 8, item 1;
// servers/fuzz). It runs at the lowest priority, so it runs only when the
// fuzzer, its victim and the canary all wait: then the fuzzer is blocked in
// a call of its own making (recv, call, send, wait, reply_recv on one of
// the endpoints or notifications it shares with us). Each round takes a
// message from each endpoint (answering it, if it was a call), sends one to
// each (a receiver waiting takes it) and signals both notifications; then
// the fuzzer runs again. Its capabilities are copies of the originals the
// supervisor holds (slots K_* of servers/fuzz/proto.ts). Received
// capabilities never land (receive slot 0).

import { sysNbRecv, sysNbSend, sysReply, sysSignal, sysYield, RecvOut } from "../lib/sys";
import { msgInfo, setRecvSlot } from "../lib/msg";
import { K_EP_A, K_EP_B, K_NT_A, K_NT_B } from "../fuzz/proto";

const o = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const OUT = changetype<usize>(o);
setRecvSlot(0);
let round: u64 = 0;
while (true) {
  round++;
  if (sysNbRecv(K_EP_A, OUT) == 0) sysReply(msgInfo(0x70, 1), round, 0, 0, 0);
  if (sysNbRecv(K_EP_B, OUT) == 0) sysReply(msgInfo(0x70, 1), round, 0, 0, 0);
  sysNbSend(K_EP_A, msgInfo(0x71, 1), round, 0, 0, 0);
  sysNbSend(K_EP_B, msgInfo(0x71, 1), round, 0, 0, 0);
  sysSignal(K_NT_A);
  sysSignal(K_NT_B);
  sysYield();
}
