// intdispatch.ts — what an interrupt does: interrupt_dispatch(vector)
// (main.ts export) for vectors 32..255, from boot/entry.asm's stubs, with
// the interrupted thread's registers saved (or from the idle loop).
//
// interrupts.ts (the controllers) accepts the interrupt first: counts a
// timer tick, sends the EOIs, masks a device line, recognises spurious
// ones. Then: a timer tick is the scheduler's (exec.ts execTick: round
// robin at the end of a timeslice); a device IRQ signals the notification
// bound to it (notification.ts irqNotify; the line stays masked until the
// driver acknowledges it). Waking a thread may switch threads: the exit
// path restores whichever thread is current afterwards. NMIs (counted by
// boot/exception.asm) are reported at the next interrupt.

import { interruptAccept, ACCEPT_TIMER } from "./interrupts";
import { irqNotify } from "./notification";
import { execTick } from "./exec";
import { print, printDec, println } from "./print";
import { timersTick } from "./sys_process";

@external("user", "nmi_count") declare function user_nmi_count(): u64;

export let interruptsSeen: u64 = 0;
let nmiReported: u64 = 0;

export function interruptDispatch(vector: u32): void {
  interruptsSeen++;
  // NMIs are only counted when they arrive (boot/exception.asm): report
  // new ones here, where no line is being printed.
  const nmis = user_nmi_count();
  if (nmis != nmiReported) {
    print("NMI received, ignored (");
    printDec(nmis);
    println(" so far)");
    nmiReported = nmis;
  }
  const a = interruptAccept(vector);
  if (a == ACCEPT_TIMER) {
    timersTick(); // one-shot user timers (sys_process.ts timer_set)
    execTick();
  } else if (a >= 0) {
    irqNotify(<u32>a);
  }
  // ACCEPT_SPURIOUS, ACCEPT_OTHER: nothing to do.
}
