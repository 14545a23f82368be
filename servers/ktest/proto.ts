// proto.ts — what servers/ktest (the in-OS test suite) and its helper
// processes servers/ktestpeer (AssemblyScript) and servers/ktestcrash
// (NASM) agree on: the slots ktest fills in their CNodes (proc_give) and
// the labels of the commands ktest sends them. See servers/ktest/main.ts.

// Slots of the peer's CNode (PROC_FIRST_FREE_SLOT = 5 on).
export const P_EP: u32 = 5;        // its command endpoint (it receives here)
export const P_NTFN: u32 = 6;      // a notification it signals (WRITE, badged)
export const P_BACK: u32 = 7;      // ktest's "back" endpoint (it calls here; badged)
export const P_WAITN: u32 = 8;     // a notification it waits on (READ)
export const P_RECV_SLOT: u32 = 10; // where a capability sent to it lands

// Badges ktest gives the peer's capabilities.
export const PEER_NTFN_BADGE: u64 = 0x40;
export const PEER_BACK_BADGE: u64 = 0x77;

// Commands (message labels) to the peer.
export const C_ECHO: u64 = 1;        // reply: same label and length, every word + 1 (also words 4..)
export const C_BADGE: u64 = 2;       // reply w0 = the badge the message came with
export const C_CAP: u64 = 3;         // a capability (notification) comes along: reply w0 = caps received, w1 = cap status, w2 = info caps, w3 = result of signalling it; then deletes it
export const C_SIGNAL: u64 = 4;      // signal P_NTFN (then reply, if it was a call)
export const C_WAIT: u64 = 5;        // wait on P_WAITN, then call P_BACK with label C_WAIT, w0 = bits, w1 = result
export const C_CALLBACK: u64 = 6;    // call P_BACK (w0 = 1), then call again with w0 = the reply's w0 + 1, then send P_BACK (C_RESULT, w0 = second reply's w0)
export const C_EXIT: u64 = 7;        // exit(w0) without replying
export const C_TRAP: u64 = 8;        // unreachable
export const C_DIV0: u64 = 9;        // integer division by zero
export const C_OOB: u64 = 10;        // a load past the end of its linear memory
export const C_STACK: u64 = 11;      // endless recursion
export const C_NOTINIT: u64 = 12;    // reply w0..w3 = obj_create, proc_spawn, ipc_trace, ioport_in results (it is not init)
export const C_DROPBUF: u64 = 13;    // delete its IPC buffer's memory capability (unmapping it); reply the result
export const C_YIELD: u64 = 14;      // reply w0 = yield's result
export const C_CALL_CANCEL: u64 = 15; // call P_BACK, then send P_BACK (C_RESULT, w0 = -the call's result)
export const C_RESULT: u64 = 16;     // (peer -> ktest) a result
export const C_CALLBACK_REPLY: u64 = 17; // label of the peer's calls on P_BACK
export const C_NOTINIT2: u64 = 18;   // reply w0, w1 = devmem_create, power(POWER_OFF) results (it is not init)

// The crash helper (NASM): it receives on its slot 5; w0 = what to do.
export const K_DIVIDE: u64 = 0;      // div by zero: #DE (vector 0)
export const K_BREAKPOINT: u64 = 3;  // int3: #GP (vector 13, error code IDT 3): the gate of vector 3 is DPL 0
export const K_UD2: u64 = 6;         // ud2: #UD (vector 6)
export const K_GP: u64 = 13;         // cli in ring 3: #GP (vector 13)
export const K_NULL: u64 = 14;       // read address 0x8: #PF not present
export const K_KERNEL: u64 = 15;     // write to 0xffff800000000000: #PF protection (the kernel's direct map)
