// sys_basic.ts — the handlers of the basic system calls (table:
// toolchain/src/abi/syscalls.ts; dispatch: syscall_dispatch.ts): null,
// the debug console (debug_putc, debug_write), exit and yield. The caller
// is exec.ts's running thread; results are its rax (>= 0, or -KErr).

import { KErr } from "./errors";
import { printChar } from "./print";
import { DEBUG_WRITE_MAX } from "./syscalls";
import { tcb } from "./tcb";
import { copyFromUser } from "./uaccess";
import { execCur, execYield } from "./exec";
import { processExit } from "./process";

const writeBuf = memory.data(256, 8);

// Console bytes from user space: text and new lines pass, other control
// characters are shown as '?'.
function userByte(b: u8): void {
  printChar(b == 10 || b == 9 || (b >= 0x20 && b != 0x7F) ? b : 0x3F);
}

// null() -> 0: the round-trip benchmark.
export function sysNull(): i64 {
  return 0;
}

// debug_putc(byte) -> 0.
export function sysDebugPutc(byte: u8): i64 {
  userByte(byte);
  return 0;
}

// debug_write(buf, len) -> len: at most DEBUG_WRITE_MAX bytes, every one
// readable user memory of the caller (checked before each 256-byte chunk
// is printed: a bad range may have printed its first chunks).
export function sysDebugWrite(buf: u64, len: u64): i64 {
  if (len > DEBUG_WRITE_MAX) return -<i64>KErr.INVALID_ARGUMENT;
  if (execCur < 0) return -<i64>KErr.INVALID_ARGUMENT;
  const pml4 = tcb(<u32>execCur).pml4;
  let done: u64 = 0;
  while (done < len) {
    const n: u64 = len - done < 256 ? len - done : 256;
    const err = copyFromUser(pml4, writeBuf, buf + done, n);
    if (err != KErr.OK) return -<i64>err;
    for (let i: u64 = 0; i < n; i++) userByte(load<u8>(writeBuf + <usize>i));
    done += n;
  }
  return <i64>len;
}

// exit(status): the process ends; the low 8 bits of status are reported.
export function sysExit(status: u64): i64 {
  if (execCur >= 0) processExit(<u32>execCur, status & 0xFF);
  return 0;
}

// yield() -> 0: to the tail of its priority's run queue.
export function sysYield(): i64 {
  execYield();
  return 0;
}
