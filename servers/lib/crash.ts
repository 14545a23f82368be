// crash.ts — faults on purpose, for the shell's `crash <server> <kind>`
// (servers/shell/commands.ts CRASH_*): every supervised server calls
// crashNow(kind) when init forwards it an L_CRASH (servers/lib/proto.ts).
//   0 pointer  store through a pointer past the end of linear memory:
//              the guard region's page fault, or the Wasm trap "out of
//              bounds memory access" when wasmc bounds-checks accesses
//   1 divzero  an integer division by zero: a Wasm trap (kind 256 + code)
//   2 loop     spin forever without a system call: only init's watchdog
//              notices (the server never waits again)

import { sysClockMs } from "./sys";
import { flush, println } from "./print";

let sink: u64 = 0;

export function crashNow(kind: u64): void {
  flush();
  // Values the optimizer cannot see through: clock_ms() & 0 is 0 at run time.
  const zero = <u64>sysClockMs() & 0;
  if (kind == 0) {
    println("crash: writing through a bad pointer");
    const beyond = (<usize>memory.size() << 16) + 0x100000 + <usize>zero;
    store<u64>(beyond, 0xDEAD);
  } else if (kind == 1) {
    println("crash: dividing by zero");
    sink = (sink + 7) / zero;
  } else {
    println("crash: spinning forever");
    while (true) sink += 1 + zero;
  }
  println("crash: FAILED: still alive");
}
