// proto.ts — what servers/load (the server, boot module "init" of
// build/load.iso) and servers/loadclient agree on (issue 8, item 5).

export const PROCS: u32 = 8, THREADS: u32 = 4;
export const L_HELLO: u64 = 1, L_WORK: u64 = 2, L_DONE: u64 = 3, L_PING: u64 = 4, L_PROBE: u64 = 5;
// The probe (a loadclient told so by L_HELLO's w2): PROBE_CALLS timed L_PING calls, then L_PROBE with the
// fewest rdtsc ticks of one round trip and the mean.
export const PROBE_CALLS: u64 = 2000;
export const C_EP: u32 = 10;           // the client's capability to the server's endpoint (badge = process + 1)

// The request of (process p, thread t, sequence s) and the answer the server gives.
@inline export function payload(p: u64, t: u64, s: u64): u64 { return (p << 40) | (t << 32) | s; }
@inline export function word1(w0: u64): u64 { return w0 ^ 0xA5A5_5A5A_C3C3_3C3C; }
@inline export function word2(w0: u64): u64 { return (w0 & 0xFFFF_FFFF) * 0x1_0000_0001 + (w0 >> 32); }
@inline export function answer(w0: u64): u64 { const x = w0 * 0x9E37_79B9_7F4A_7C15; return x ^ (x >> 29); }
