// main.ts — servers/ticker: init's clock. init blocks receiving on its one
// endpoint (faults, requests), so time has to arrive there as a message:
// this process arms a one-shot kernel timer on its notification
// (timer_set), waits for it, and sends L_TICK to init, forever. init
// starts it first, before the manifest's servers (slots: SLOT_INIT,
// SLOT_NTFN as servers/lib/proto.ts).

import { sysSend } from "../lib/sys";
import { msgInfo } from "../lib/msg";
import { sleepMs } from "../lib/sleep";
import { L_TICK, SLOT_INIT } from "../lib/proto";

const PERIOD_MS: u64 = 50;

while (true) {
  sleepMs(PERIOD_MS);
  sysSend(SLOT_INIT, msgInfo(L_TICK, 0), 0, 0, 0, 0);
}
