// crash.ts — faults on purpose, for the shell's `crash <server> <kind>`
// and the fault-injection campaign (tests/qemu/faults.test.ts). init
// forwards the shell's request to the server as an L_CRASH message
// (servers/lib/proto.ts, w0 = the kind of servers/lib/crashkinds.ts).
//
// When does the fault happen?
//   crashCheck(label, w0)  servers with clients (serial, pci, the block
//                          drivers, fs) call it with every message they
//                          receive. L_CRASH only ARMS the fault (true: the
//                          server receives again); the next client request
//                          fires it, after the request was received and
//                          before it is answered. So the fault always hits
//                          a server in the middle of a request: its client
//                          is blocked waiting for the reply, and the kernel
//                          answers its call with DEAD_PARTNER when the
//                          server dies (kernel/ipc.ts ipcStop), or, for
//                          `loop`, when init's watchdog kills the server.
//   crashNow(kind)         at once: servers nobody calls (console, kbd, the
//                          shell itself) and servers/flaky.
//
// The kinds (crashkinds.ts):
//   pointer  store through a pointer past the end of linear memory: the
//            guard region's page fault, or the Wasm trap "out of bounds
//            memory access" when wasmc bounds-checks accesses
//   divzero  an integer division by zero: a Wasm trap (kind 256 + code)
//   loop     spin forever without a system call: only init's watchdog
//            notices (the server never waits again)
//   invalid  ud2: the CPU's invalid-opcode exception, vector 6
//   stack    unbounded recursion: the page fault in the unmapped page
//            below the stack, which the kernel reports as the Wasm trap
//            "call stack exhausted" (kernel/wasm_user.ts)
//   exit     exit with status CRASH_EXIT_STATUS, the request unanswered

import { sysClockMs, sysExit, LABEL_NOTIFICATION } from "./sys";
import { flush, print, printHex, println } from "./print";
import { ud2 } from "./x86";
import { L_CRASH, L_PING } from "./proto";
import {
  CRASH_DIVZERO, CRASH_EXIT, CRASH_EXIT_STATUS, CRASH_INVALID, CRASH_NAMES, CRASH_POINTER, CRASH_STACK,
} from "./crashkinds";

let sink: u64 = 0;
let armed: i64 = -1;              // the kind waiting for the next request, -1: none
const frames = memory.data(64, 8);

// One level of the unbounded recursion: work after the call, so that it is
// no tail call, and a store per level that the optimizer must keep.
function deeper(n: u64, zero: u64): u64 {
  store<u64>(frames + <usize>((n & 7) << 3), n);
  return deeper(n + 1 + zero, zero) + load<u64>(frames + <usize>((n & 7) << 3));
}

export function crashNow(kind: u64): void {
  flush();
  // Values the optimizer cannot see through: clock_ms() & 0 is 0 at run time.
  const zero = <u64>sysClockMs() & 0;
  if (kind == CRASH_POINTER) {
    println("crash: writing through a bad pointer");
    const beyond = (<usize>memory.size() << 16) + 0x100000 + <usize>zero;
    store<u64>(beyond, 0xDEAD);
  } else if (kind == CRASH_DIVZERO) {
    println("crash: dividing by zero");
    sink = (sink + 7) / zero;
  } else if (kind == CRASH_INVALID) {
    println("crash: executing an invalid instruction (ud2)");
    flush();
    if (zero == 0) ud2();
  } else if (kind == CRASH_STACK) {
    println("crash: recursing without end");
    flush();
    sink = deeper(0, zero);
  } else if (kind == CRASH_EXIT) {
    println("crash: exiting without replying");
    flush();
    sysExit(CRASH_EXIT_STATUS);
  } else {
    println("crash: spinning forever");
    flush();
    while (true) sink += 1 + zero;
  }
  println("crash: FAILED: still alive");
}

// With each message a server receives (its label and word 0): true if it
// was L_CRASH, now armed (receive the next message); a client request
// (not an IRQ notification, not L_PING) fires an armed fault.
export function crashCheck(label: u64, w0: u64): bool {
  if (label == L_CRASH) {
    armed = w0 < <u64>CRASH_NAMES.length ? <i64>w0 : CRASH_POINTER;
    print("crash: armed ("); print(CRASH_NAMES[<i32>armed]); println("): fires during the next request");
    flush();
    return true;
  }
  if (armed >= 0 && label != LABEL_NOTIFICATION && label != L_PING) {
    print("crash: firing during a request (label "); printHex(label); println(")");
    crashNow(<u64>armed);
  }
  return false;
}
