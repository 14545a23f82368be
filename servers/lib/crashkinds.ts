// crashkinds.ts — the fault kinds of `crash <server> <kind>` (the shell,
// servers/shell/commands.ts) and of L_CRASH (servers/lib/proto.ts), which
// servers/lib/crash.ts carries out. One table: the number each kind
// travels as is its index in CRASH_NAMES. No imports: the shell's parser
// is also compiled for the host tests (tests/servers/shell.test.ts).

export const CRASH_POINTER = 0;  // write through a bad pointer: page fault (or the bounds check's trap)
export const CRASH_DIVZERO = 1;  // integer division by zero: Wasm trap
export const CRASH_LOOP = 2;     // spin forever without a system call: only the watchdog notices
export const CRASH_INVALID = 3;  // ud2: the CPU's invalid-opcode exception (#UD, vector 6)
export const CRASH_STACK = 4;    // unbounded recursion into the guard page below the stack
export const CRASH_EXIT = 5;     // exit (status CRASH_EXIT_STATUS) without replying

export const CRASH_NAMES: StaticArray<string> = ["pointer", "divzero", "loop", "invalid", "stack", "exit"];
export const CRASH_KINDS = "pointer, divzero, loop, invalid, stack or exit";
export const CRASH_USAGE = "pointer|divzero|loop|invalid|stack|exit";
// The exit status of kind exit: not 0, so init counts it as a crash and
// restarts even a restart=on-crash server.
export const CRASH_EXIT_STATUS: u64 = 70;
