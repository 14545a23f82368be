// thread.ts — more threads in an AssemblyScript program: thread_create
// (kernel/sys_thread.ts) with the user runtime's entry __wasm_thread_start
// (import thread.entry, toolchain/ABI.md "User programs"), which takes the
// table index of a () -> () function from the top of the new thread's
// stack, calls it, and exits the thread (status 0) when it returns. The
// thread shares the linear memory and globals; it needs its own stack
// (here: a range of linear memory) and its own IPC buffer page (a memory
// capability mapped writable: mem_map). Note: msg.ts's msgWord/setMsgWord
// always use the first thread's buffer at USER_IPC_BUFFER.

import { sysThreadCreate } from "./sys";
import { rdtsc } from "./x86";

@external("thread", "entry") declare function threadEntry(): u64;

// A stopped thread in slot `dst` that will run fn() on the stack
// [stack, stack + size) in address space `space` with CNode `cnode` (the
// caller's own: slots 3 and 0) and the IPC buffer of memory capability
// `ipcbuf`; thread_resume starts it. The system call's result.
export function threadCreate(dst: u32, space: u32, cnode: u32, ipcbuf: u32, fn: () => void, stack: usize, size: usize): i64 {
  const top = (stack + size - 16) & ~<usize>15;
  store<u64>(top, <u64>fn.index);
  // binaryen empties the functions of a table that nothing calls
  // indirectly: one call_indirect that never runs keeps fn's body.
  if (rdtsc() == 0) fn();
  return sysThreadCreate(dst, space, cnode, ipcbuf, threadEntry(), top);
}
