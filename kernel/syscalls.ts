// syscalls.ts — THE table of system-call numbers (the one definition).
//
// User code puts the number in rax and up to five arguments in rdi, rsi,
// rdx, r10, r8, then executes `syscall`; the result comes back in rax
// (>= 0: success, < 0: -KErr). Everything else is preserved except rcx and
// r11 (the CPU uses them). The kernel's dispatch (usermode.ts) switches on
// these constants. The Makefile generates build/servers/syscalls.inc from
// this file for the NASM programs in servers/ (a later step generates
// TypeScript user stubs from it too).
//
// Keep the `export const SYS_<NAME>: u32 = <n>;` form: the Makefile and the
// tests read it.

export const SYS_NULL: u32 = 0;        // () -> 0: the round-trip benchmark
export const SYS_DEBUG_PUTC: u32 = 1;  // (byte) -> 0: one byte to the kernel console
export const SYS_DEBUG_WRITE: u32 = 2; // (ptr, len) -> len: bytes from user memory to the console
export const SYS_EXIT: u32 = 3;        // (status) -> does not return
export const SYS_YIELD: u32 = 4;       // () -> 0: give up the CPU (one thread for now: returns at once)

export const SYS_CALL: u32 = 5;       // (ep slot, label, w0, w1, w2, w3 in r9) -> 0, reply in rsi, rdx, r10, r8, r9
export const SYS_REPLY_RECV: u32 = 6; // (ep slot, reply label, w0..w3) -> 0, next message in rsi, rdx, r10, r8, r9

export const SYS_COUNT: u32 = 7;

// The most bytes one debug_write may print.
export const DEBUG_WRITE_MAX: u64 = 4096;
