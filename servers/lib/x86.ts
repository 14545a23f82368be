// x86.ts — the x86 instructions a ring-3 program may use, as intrinsics
// that `wasmc --target=user` turns into the instruction (the list:
// USER_INTRINSICS in toolchain/src/abi/user.ts).

// The time stamp counter (under QEMU -icount shift=0: guest instructions).
@external("x86", "rdtsc") export declare function rdtsc(): u64;
// A spin-wait hint.
@external("x86", "pause") export declare function pause(): void;
// The defined invalid instruction: a #UD (vector 6), which the kernel
// delivers as a fault (servers/lib/crash.ts, fault kind "invalid").
@external("x86", "ud2") export declare function ud2(): void;
