// proto.ts — what servers/kbench (the guest benchmarks) and its helper
// servers/kbenchpeer agree on: the slots kbench fills in the peer's CNode,
// the commands (labels) and the result transfer. See servers/kbench/main.ts.

export const P_EP: u32 = 5;      // the peer's command endpoint (it receives; also its echo-server endpoint)
export const P_BACK: u32 = 6;    // kbench's endpoint for results (the peer calls it)
export const P_NTFN: u32 = 7;    // the notification the peer signals (WRITE)
export const P_PORTS: u32 = 8;   // I/O ports 0x3f8..0x3ff (COM1), to trigger IRQ 4
export const P_SHM: u32 = 9;     // the bulk benchmark's shared memory object (dma_alloc by kbench)
export const P_NA: u32 = 10;     // the notification kbench signals ("data ready"); the peer waits on it

export const WARMUP: i32 = 100;  // iterations before measuring
export const ITERS: i32 = 1000;  // measured iterations

// Commands (labels on P_EP).
export const B_SERVER: u64 = 1;   // echo server: replies with the same label and length until B_STOP
export const B_STOP: u64 = 2;
export const B_SIGNAL: u64 = 3;   // WARMUP + ITERS times: t0 = rdtsc, signal P_NTFN; then send the t0s
export const B_IRQ: u64 = 4;      // the same with ioport_out(IER = THRI): the UART raises IRQ 4
export const B_YIELD: u64 = 5;    // yield ping-pong with a second peer: send the per-yield times
export const B_RESULT: u64 = 6;   // (peer -> kbench, call on P_BACK) w0 = index of the first value, w1 = count, values in words 4..
export const B_COPY: u64 = 7;    // bulk copy sink: w0 = words per transfer; every call (64 words) is data,
                                  // copied to the peer's buffer and answered empty, until B_STOP
export const B_SHM: u64 = 8;     // bulk shared-memory sink: w0 = transfers; each: wait P_NA, signal P_NTFN
export const B_CHECK: u64 = 9;   // (call) w0 = seed, w1 = words, w2 = 0 the copy buffer / 1 the shared memory:
                                  // the answer's w0 = words that differ from bulkWord(j, seed)
export const BULK_MAX_WORDS: i32 = 131072;     // 1 MiB
export const SHM_VA: usize = 0xC010_0000;      // where both map the shared object (DMA_WINDOW + 1 MiB)
// The data of the bulk benchmark: word j of the transfer with this seed.
@inline export function bulkWord(j: i32, seed: u64): u64 { return (<u64>(j + 1) * 0x9E3779B97F4A7C15) ^ (seed * 0x100000001B3); }
export const RESULT_WORDS: i32 = 60; // values per result message (IPC buffer words 4..63)
