// proto.ts — what servers/kbench (the guest benchmarks) and its helper
// servers/kbenchpeer agree on: the slots kbench fills in the peer's CNode,
// the commands (labels) and the result transfer. See servers/kbench/main.ts.
// The bulk transfers' protocol and data are servers/lib/bulk.ts's (BULK_*).

export const P_EP: u32 = 5;      // the peer's command endpoint (it receives; also its echo-server endpoint)
export const P_BACK: u32 = 6;    // kbench's endpoint for results (the peer calls it)
export const P_NTFN: u32 = 7;    // the notification the peer signals (WRITE)
export const P_PORTS: u32 = 8;   // I/O ports 0x3f8..0x3ff (COM1), to trigger IRQ 4
export const P_SHM: u32 = 9;     // the bulk benchmark's shared memory object (dma_alloc by kbench; lib/bulk.ts)
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
export const RESULT_WORDS: i32 = 60; // values per result message (IPC buffer words 4..63)
