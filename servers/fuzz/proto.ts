// proto.ts — what the syscall fuzzer's processes agree on (issue 8, item 1):
// servers/fuzz (the supervisor, boot module "init" of build/fuzz.iso),
// servers/fuzzer (the random system calls), servers/fuzzcanary (the canary,
// and the fuzzer's victim/partner) and servers/fuzzpoke (unblocks the
// fuzzer when it waits on something). Slots, badges, labels, the shared
// page, and the random numbers (xorshift64*, seeded by splitmix64), so the
// same seed gives the same calls.

// --- the shared page (a 1-page memory object of the supervisor, mapped by
// the supervisor and the fuzzer at DMA_WINDOW): u64 words ---
export const PG_MAGIC: u32 = 0;      // PAGE_MAGIC once the supervisor filled it
export const PG_SEED: u32 = 1;       // the seed of this chunk
export const PG_BUDGET: u32 = 2;     // calls to make in this chunk
export const PG_DONE: u32 = 3;       // calls made so far (the fuzzer's progress)
export const PG_NUM: u32 = 4;        // the call being made: number, then
export const PG_ARGS: u32 = 5;       // its 6 argument registers (5..10)
export const PG_STATE: u32 = 11;     // 0 running, 1 finished its budget
export const PG_TRACE: u32 = 12;     // 1: print every call before making it
export const PG_RESULT: u32 = 13;    // the last call's rax
export const PAGE_MAGIC: u64 = 0x7A7A_6675_7A7A_0001;

// --- the fuzzer's CNode (filled by the supervisor with proc_give) ---
export const F_PAGE: u32 = 5;        // the shared page (never fuzzed: the fuzzer's lifeline)
export const F_EP_A: u32 = 6;        // endpoint A (all rights; the victim serves it)
export const F_EP_B: u32 = 7;        // endpoint B (all rights; nobody serves it)
export const F_EP_CANARY: u32 = 8;   // the canary's endpoint: WRITE | GRANT, badged
export const F_NT_A: u32 = 9;        // notification A (all rights)
export const F_NT_B: u32 = 10;       // notification B (all rights)
export const F_IRQ3: u32 = 11;       // IRQ handler, IRQ 3 (COM2: no device)
export const F_IRQ_ANY: u32 = 12;    // IRQ handler for IRQ_ANY (res_derive)
export const F_PORTS: u32 = 13;      // I/O ports 0x2f8..0x2ff (COM2: no device)
export const F_VICTIM: u32 = 14;     // the victim process's thread capability
export const F_MEM: u32 = 15;        // a 1-page memory object
export const F_EP_A_RO: u32 = 16;    // endpoint A, READ only
export const F_NT_A_BADGED: u32 = 17; // notification A, WRITE, badge 0x40
export const F_FIRST_EMPTY: u32 = 18;

// --- the canary's / victim's CNode ---
export const C_EP: u32 = 5;          // the endpoint it serves

// --- fuzzpoke's CNode ---
export const K_EP_A: u32 = 5;
export const K_EP_B: u32 = 6;
export const K_NT_A: u32 = 7;
export const K_NT_B: u32 = 8;

// --- labels and badges ---
export const L_PING: u64 = 0x50;     // supervisor -> canary: w0 = sequence number
export const L_PONG: u64 = 0x51;     // canary's answer: w0 = sequence, w1 = pings answered, w2 = pattern checksum, w3 = running checksum
export const L_OTHER: u64 = 0x52;    // the canary's answer to anything else
export const B_PING: u64 = 0x1;      // badge of the supervisor's canary capability
export const B_FUZZED: u64 = 0xF0;   // badge of the fuzzer's canary capability
// Fault endpoint badges (the supervisor's): who faulted or exited.
export const B_FAULT_FUZZER: u64 = 0x100;
export const B_FAULT_VICTIM: u64 = 0x200;
export const B_FAULT_CANARY: u64 = 0x300;
export const B_FAULT_POKE: u64 = 0x400;

// --- the canary's memory pattern ---
export const CANARY_WORDS: u32 = 32768; // 256 KiB
@inline export function canaryWord(i: u32): u64 {
  return (<u64>i * 0x9E37_79B9_7F4A_7C15) ^ 0x5A5A_0000_C3C3_FFFF;
}

// --- random numbers ---
export function splitmix(x: u64): u64 {
  x += 0x9E37_79B9_7F4A_7C15;
  x = (x ^ (x >> 30)) * 0xBF58_476D_1CE4_E5B9;
  x = (x ^ (x >> 27)) * 0x94D0_49BB_1331_11EB;
  return x ^ (x >> 31);
}
// The seed of chunk k of a run with seed s.
export function chunkSeed(s: u64, k: u64): u64 {
  const x = splitmix(s ^ splitmix(k + 1));
  return x == 0 ? 1 : x;
}

// The checksum of the canary's pattern (FNV-1a over its words), as the
// canary computes it over its memory and the supervisor over the formula.
export function patternChecksum(): u64 {
  let h: u64 = 0xCBF2_9CE4_8422_2325;
  for (let i: u32 = 0; i < CANARY_WORDS; i++) h = (h ^ canaryWord(i)) * 0x100_0000_01B3;
  return h;
}
// The canary's running checksum after ping `pings` with sequence number seq.
@inline export function runningNext(running: u64, seq: u64, pings: u64): u64 {
  return (running ^ seq) * 0x100_0000_01B3 + pings;
}
