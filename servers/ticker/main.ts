// main.ts — servers/ticker: init's clock. init blocks receiving on its one
// endpoint (faults, requests), so time has to arrive there as a message:
// this process arms a one-shot kernel timer on its notification
// (timer_set), waits for it, and sends L_TICK to init, forever. init
// starts it first, before the manifest's servers (slots: SLOT_INIT,
// SLOT_NTFN as servers/lib/proto.ts).

import { sysSend, sysTimerSet, sysWait, WaitOut } from "../lib/sys";
import { msgInfo } from "../lib/msg";
import { L_TICK, SLOT_INIT, SLOT_NTFN } from "../lib/proto";

const PERIOD_MS: u64 = 50;
const out = memory.data(offsetof<WaitOut>(), 8);

while (true) {
  sysTimerSet(SLOT_NTFN, PERIOD_MS);
  sysWait(SLOT_NTFN, out);
  sysSend(SLOT_INIT, msgInfo(L_TICK, 0), 0, 0, 0, 0);
}
