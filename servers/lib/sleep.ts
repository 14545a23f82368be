// sleep.ts — wait a number of milliseconds on the server's own
// notification (SLOT_NTFN, given by init): a one-shot kernel timer signals
// it (timer_set). An unrelated signal on that notification ends the wait
// early (the timer is disarmed then, so it cannot fire into a later wait),
// so callers loop on the condition they wait for.

import { sysTimerSet, sysWait, WaitOut } from "./sys";
import { SLOT_NTFN } from "./proto";

const waitOut = memory.data(offsetof<WaitOut>(), 8);

export function sleepMs(ms: u64): void {
  sysTimerSet(SLOT_NTFN, ms);
  sysWait(SLOT_NTFN, waitOut);
  sysTimerSet(SLOT_NTFN, 0);
}
