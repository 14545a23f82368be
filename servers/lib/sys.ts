// sys.ts — the system calls for AssemblyScript programs (servers/): their
// numbers, the shared constants, the error codes, and one declared
// function per call. Each is a `sys.<name>` import that `wasmc
// --target=user` binds to a stub executing the syscall instruction
// (toolchain/src/abi/generate.ts, userStub); wasmc checks that the
// declaration matches the table.
// GENERATED from toolchain/src/abi/syscalls.ts by toolchain/src/abi/generate.ts (make abi). Do not edit: change the table.
//
// Pointers are linear-memory addresses (the stub makes them virtual);
// results are >= 0, or -KErr. A call with out registers takes a last
// `out` argument: the address of its <Name>Out struct, which the stub
// fills with those registers.

export const SYS_NULL: u32 = 0;
export const SYS_DEBUG_PUTC: u32 = 1;
export const SYS_DEBUG_WRITE: u32 = 2;
export const SYS_EXIT: u32 = 3;
export const SYS_YIELD: u32 = 4;
export const SYS_CALL: u32 = 5;
export const SYS_REPLY_RECV: u32 = 6;
export const SYS_MEMORY_GROW: u32 = 7;
export const SYS_TRAP: u32 = 8;
export const SYS_SEND: u32 = 9;
export const SYS_NB_SEND: u32 = 10;
export const SYS_RECV: u32 = 11;
export const SYS_NB_RECV: u32 = 12;
export const SYS_REPLY: u32 = 13;
export const SYS_REPLY_SAVE: u32 = 14;
export const SYS_SIGNAL: u32 = 15;
export const SYS_WAIT: u32 = 16;
export const SYS_POLL: u32 = 17;
export const SYS_IRQ_SET_NOTIFICATION: u32 = 18;
export const SYS_IRQ_ACK: u32 = 19;
export const SYS_CAP_COPY: u32 = 20;
export const SYS_CAP_MINT: u32 = 21;
export const SYS_CAP_MOVE: u32 = 22;
export const SYS_CAP_DELETE: u32 = 23;
export const SYS_CAP_REVOKE: u32 = 24;
export const SYS_PROC_SPAWN: u32 = 25;
export const SYS_PROC_GIVE: u32 = 26;
export const SYS_PROC_START: u32 = 27;
export const SYS_PROC_KILL: u32 = 28;
export const SYS_PROC_INFO: u32 = 29;
export const SYS_OBJ_CREATE: u32 = 30;
export const SYS_IOPORT_IN: u32 = 31;
export const SYS_IOPORT_OUT: u32 = 32;
export const SYS_CLOCK_MS: u32 = 33;
export const SYS_TIMER_SET: u32 = 34;
export const SYS_MEM_FRAMES: u32 = 35;
export const SYS_BIND_NOTIFICATION: u32 = 36;
export const SYS_IPC_TRACE: u32 = 37;
export const SYS_DMA_ALLOC: u32 = 38;
export const SYS_MEM_MAP: u32 = 39;
export const SYS_MEM_UNMAP: u32 = 40;
export const SYS_MEM_PHYS: u32 = 41;
export const SYS_DEVMEM_CREATE: u32 = 42;
export const SYS_RES_DERIVE: u32 = 43;
export const SYS_MEM_SIZE: u32 = 44;
export const SYS_FB_INFO: u32 = 45;
export const SYS_KLOG_READ: u32 = 46;
export const SYS_KLOG_WRITE: u32 = 47;
export const SYS_POWER: u32 = 48;
export const SYS_THREAD_CREATE: u32 = 49;
export const SYS_THREAD_RESUME: u32 = 50;
export const SYS_THREAD_SUSPEND: u32 = 51;
export const SYS_THREAD_SET_PRIORITY: u32 = 52;
export const SYS_MEM_COPY: u32 = 53;
export const SYS_IRQ_MSI: u32 = 54;
export const SYS_COUNT: u32 = 55;

// Per call, in number order, 7 characters: the result (s status, v value,
// n noreturn), then the kinds of the 6 argument registers (u u64, i i64,
// w u32, b u8, c cap, p uptr, l usize, - unused). For fuzzers.
export const SYS_ARG_KINDS: string = "s------sb-----vpl----nu-----s------scuuuuuscuuuuuvuu----nwu----scuuuuuscuuuuusc-----sc-----suuuuu-sc-----sc-----sc-----sc-----scc----sc-----scc----sccwu--scc----sc-----sc-----vplwccusccwwu-sc-----sc-----vc-----swcu---vcww---scwww--v------scu----v------sc-----sw-----vcu----scpw---sc-----vc-----scuu---sccuu--vc-----sp-----vplu---spl----sw-----sccccupsc-----sc-----scw----scucuu-vc-----";

// the most bytes one debug_write may print
export const DEBUG_WRITE_MAX: u64 = 0x1000;
// a Wasm linear-memory page
export const WASM_PAGE_SIZE: u64 = 0x10000;
// linear-memory byte 0 of an AssemblyScript program (below 2 GiB: generated code addresses it as a disp32)
export const USER_MEMORY_BASE: u64 = 0x40000000;
// most pages a linear memory can have (4 GiB); nothing else is ever mapped up to USER_MEMORY_BASE + 8 GiB (index + offset): the guard region
export const USER_MEMORY_MAX_PAGES: u64 = 0x10000;
// top of an AssemblyScript program's machine stack (64 KiB unmapped above it)
export const USER_WASM_STACK_TOP: u64 = 0x3FFF0000;
// size of that stack (unmapped below it: the guard)
export const USER_WASM_STACK_SIZE: u64 = 0x20000;
// most words in one IPC message (0..3 in registers, 4..63 in the IPC buffer)
export const MSG_MAX_WORDS: u64 = 64;
// received info bit: words 4.. were dropped (the receiver's IPC buffer is missing, unmapped or read-only)
export const INFO_TRUNCATED: u64 = 512;
// label of fault messages (words: kind, error code, address, rip)
export const LABEL_FAULT: u64 = 0xFFFFFFFFFFFF;
// IPC buffer offset: the slot of the capability to send (info caps = 1)
export const IPCBUF_SEND_SLOT: u64 = 512;
// IPC buffer offset: the slot (1..127) where a received capability lands
export const IPCBUF_RECV_SLOT: u64 = 520;
// IPC buffer offset: capabilities received (0 or 1; written when the sender sent one)
export const IPCBUF_CAPS_RECEIVED: u64 = 528;
// IPC buffer offset: why a sent capability did not arrive (KErr; 0 = it did)
export const IPCBUF_CAP_STATUS: u64 = 536;
// bytes of the IPC buffer the kernel uses (it starts 512-aligned)
export const IPCBUF_SIZE: u64 = 544;
// fault kind of a thread that called exit and has a fault endpoint: FAULT_EXIT + status (it stays stopped until its supervisor kills it)
export const FAULT_EXIT: u64 = 512;
// slots 0..4 of a process's CNode are the kernel's (kernel/process.ts); proc_give fills the others
export const PROC_FIRST_FREE_SLOT: u64 = 5;
// the initial process's priority; proc_spawn takes 1 .. INIT_PRIORITY - 1
export const INIT_PRIORITY: u64 = 250;
// label of the message a receive returns for a bound notification (rdi = its bits, length 0)
export const LABEL_NOTIFICATION: u64 = 0xFFFFFFFFFFFE;
// IRQ handler capability for no line: res_derive makes handlers of any IRQ from it (the PCI server's)
export const IRQ_ANY: u64 = 255;
// IRQs IRQ_MSI_FIRST .. + IRQ_MSI_COUNT - 1 are message signalled (PCI MSI, APIC mode only; vector 32 + IRQ), never an I/O APIC input
export const IRQ_MSI_FIRST: u64 = 192;
// how many MSI IRQs there are
export const IRQ_MSI_COUNT: u64 = 16;
// linear-memory address where servers map DMA and device memory (mem_map): far above the heap
export const DMA_WINDOW: u64 = 0xC0000000;
// where a process's thread has its IPC buffer: one zeroed read-write page, mapped by the kernel's process loader
export const USER_IPC_BUFFER: u64 = 0x7FFFFFE00000;
// bytes fb_info writes
export const FB_INFO_SIZE: u64 = 32;
// fb_info type: a linear framebuffer of direct RGB pixels
export const FB_TYPE_RGB: u64 = 1;
// fb_info type: VGA text mode (width x height cells of 2 bytes)
export const FB_TYPE_EGA_TEXT: u64 = 2;
// bytes of the console log the kernel keeps (klog_read)
export const KLOG_SIZE: u64 = 0x8000;
// power(op): ACPI S5
export const POWER_OFF: u64 = 0;
// power(op): restart the machine
export const POWER_RESET: u64 = 1;
// the most bytes one mem_copy copies (128 KiB: bounds the kernel's time with interrupts off)
export const MEM_COPY_MAX: u64 = 0x20000;

// The kernel's error codes (kernel/errors.ts); calls return them negated.
export enum KErr {
  OK = 0,
  INVALID_ARGUMENT = 1,
  INVALID_SLOT = 2,
  EMPTY_SLOT = 3,
  SLOT_OCCUPIED = 4,
  WRONG_TYPE = 5,
  INSUFFICIENT_RIGHTS = 6,
  NOT_BADGEABLE = 7,
  OUT_OF_MEMORY = 8,
  BAD_ADDRESS = 9,
  ALREADY_MAPPED = 10,
  NOT_MAPPED = 11,
  WRITE_AND_EXECUTE = 12,
  NOT_EMPTY = 13,
  BUSY = 14,
  DOUBLE_FREE = 15,
  WOULD_BLOCK = 16,
  DEAD_PARTNER = 17,
  IPC_BUFFER = 18,
  MSG_TOO_LONG = 19,
  NO_CALLER = 20,
  CANCELLED = 21,
}

// 0 null() -> 0 or -KErr
//   Does nothing and returns 0: the round-trip benchmark.
@external("sys", "null")
export declare function sysNull(): i64;

// 1 debug_putc(byte: u8) -> 0 or -KErr
//   Writes one byte to the kernel console (control characters but tab and new
//   line show as "?").
@external("sys", "debug_putc")
export declare function sysDebugPutc(byte: u8): i64;

// 2 debug_write(buf: uptr, len: usize) -> value >= 0 or -KErr
//   Writes len bytes of user memory to the kernel console; returns len, or
//   -BAD_ADDRESS if any byte is not readable user memory.
//   len: at most DEBUG_WRITE_MAX
@external("sys", "debug_write")
export declare function sysDebugWrite(buf: usize, len: usize): i64;

// 3 exit(status: u64) -> does not return
//   Ends the calling thread; the kernel reports the status.
//   status: the low 8 bits are reported
@external("sys", "exit")
export declare function sysExit(status: u64): void;

// 4 yield() -> 0 or -KErr
//   Gives up the CPU to the next runnable thread of the same priority.
@external("sys", "yield")
export declare function sysYield(): i64;

// 5 call(ep: cap, info: u64, w0: u64, w1: u64, w2: u64, w3: u64) -> 0 or -KErr; out badge (rdi), info (rsi), w0 (rdx), w1 (r10), w2 (r8), w3 (r9)
//   Sends a message on the endpoint and waits for the reply, which comes back in
//   the out registers.
//   ep: an endpoint capability
//   info: length | caps << 7 | label << 16
@unmanaged export class CallOut {
  badge: u64; // rdi
  info: u64; // rsi
  w0: u64; // rdx
  w1: u64; // r10
  w2: u64; // r8
  w3: u64; // r9
}
@external("sys", "call")
export declare function sysCall(ep: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64, out: usize): i64;

// 6 reply_recv(ep: cap, info: u64, w0: u64, w1: u64, w2: u64, w3: u64) -> 0 or -KErr; out badge (rdi), info (rsi), w0 (rdx), w1 (r10), w2 (r8), w3 (r9)
//   Replies to the caller being served (if any), then waits on the endpoint for
//   the next message (out registers).
//   ep: an endpoint capability
//   info: the reply: length | caps << 7 | label << 16
@unmanaged export class ReplyRecvOut {
  badge: u64; // rdi
  info: u64; // rsi
  w0: u64; // rdx
  w1: u64; // r10
  w2: u64; // r8
  w3: u64; // r9
}
@external("sys", "reply_recv")
export declare function sysReplyRecv(ep: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64, out: usize): i64;

// 7 memory_grow(pages: u64, delta: u64) -> value >= 0 or -KErr
//   Maps delta fresh zeroed 64 KiB pages of linear memory at USER_MEMORY_BASE +
//   pages * 64 KiB (every page there must be unmapped; at most
//   USER_MEMORY_MAX_PAGES in all); returns pages. The Wasm memory.grow of user
//   programs.
//   pages: the current size of the linear memory in 64 KiB pages
//   delta: pages to add
@external("sys", "memory_grow")
export declare function sysMemoryGrow(pages: u64, delta: u64): i64;

// 8 trap(code: u32, rip: u64) -> does not return
//   Reports a Wasm trap of the calling thread as a fault ("wasm trap: <reason>")
//   and stops it.
//   code: the Wasm trap code (toolchain/src/traps.ts)
//   rip: where the trap happened
@external("sys", "trap")
export declare function sysTrap(code: u32, rip: u64): void;

// 9 send(dest: cap, info: u64, w0: u64, w1: u64, w2: u64, w3: u64) -> 0 or -KErr
//   Sends a message on an endpoint, blocking until a receiver takes it; on a
//   reply capability answers the call it holds (never blocks; the capability is
//   deleted; DEAD_PARTNER if the caller is gone); on a notification signals it.
//   dest: an endpoint (RIGHT_WRITE), a reply capability, or a notification (RIGHT_WRITE)
//   info: length | caps << 7 | label << 16
@external("sys", "send")
export declare function sysSend(dest: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64): i64;

// 10 nb_send(dest: cap, info: u64, w0: u64, w1: u64, w2: u64, w3: u64) -> 0 or -KErr
//   send that never blocks: WOULD_BLOCK when no receiver waits on the endpoint.
//   dest: as for send
//   info: length | caps << 7 | label << 16
@external("sys", "nb_send")
export declare function sysNbSend(dest: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64): i64;

// 11 recv(ep: cap) -> 0 or -KErr; out badge (rdi), info (rsi), w0 (rdx), w1 (r10), w2 (r8), w3 (r9)
//   Waits for a message on the endpoint (out registers; badge = the sender
//   capability's). A call received is held for reply / reply_recv / reply_save;
//   one still held unanswered is dropped (its caller gets CANCELLED).
//   ep: an endpoint capability with RIGHT_READ
@unmanaged export class RecvOut {
  badge: u64; // rdi
  info: u64; // rsi
  w0: u64; // rdx
  w1: u64; // r10
  w2: u64; // r8
  w3: u64; // r9
}
@external("sys", "recv")
export declare function sysRecv(ep: u32, out: usize): i64;

// 12 nb_recv(ep: cap) -> 0 or -KErr; out badge (rdi), info (rsi), w0 (rdx), w1 (r10), w2 (r8), w3 (r9)
//   recv that never blocks: WOULD_BLOCK when no sender waits.
//   ep: an endpoint capability with RIGHT_READ
@unmanaged export class NbRecvOut {
  badge: u64; // rdi
  info: u64; // rsi
  w0: u64; // rdx
  w1: u64; // r10
  w2: u64; // r8
  w3: u64; // r9
}
@external("sys", "nb_recv")
export declare function sysNbRecv(ep: u32, out: usize): i64;

// 13 reply(info: u64, w0: u64, w1: u64, w2: u64, w3: u64) -> 0 or -KErr
//   Answers the call being held (NO_CALLER if none; DEAD_PARTNER if its caller
//   died, was stopped or restarted).
//   info: length | caps << 7 | label << 16
@external("sys", "reply")
export declare function sysReply(info: u64, w0: u64, w1: u64, w2: u64, w3: u64): i64;

// 14 reply_save(slot: cap) -> 0 or -KErr
//   Moves the call being held into a new reply capability in slot; a later send
//   on it answers the call (deferred replies).
//   slot: an empty slot of the caller's CNode
@external("sys", "reply_save")
export declare function sysReplySave(slot: u32): i64;

// 15 signal(ntfn: cap) -> 0 or -KErr
//   ORs the capability's badge (1 if it has none) into the notification's word,
//   waking its first waiter.
//   ntfn: a notification capability with RIGHT_WRITE
@external("sys", "signal")
export declare function sysSignal(ntfn: u32): i64;

// 16 wait(ntfn: cap) -> 0 or -KErr; out bits (rdi)
//   Returns the notification's word and clears it, blocking while it is zero.
//   ntfn: a notification capability with RIGHT_READ
@unmanaged export class WaitOut {
  bits: u64; // rdi
}
@external("sys", "wait")
export declare function sysWait(ntfn: u32, out: usize): i64;

// 17 poll(ntfn: cap) -> 0 or -KErr; out bits (rdi)
//   Returns the notification's word (maybe 0) and clears it; never blocks.
//   ntfn: a notification capability with RIGHT_READ
@unmanaged export class PollOut {
  bits: u64; // rdi
}
@external("sys", "poll")
export declare function sysPoll(ntfn: u32, out: usize): i64;

// 18 irq_set_notification(irq: cap, ntfn: cap) -> 0 or -KErr
//   Binds the IRQ to the notification: each IRQ signals it with the capability's
//   badge and leaves the line masked until irq_ack.
//   irq: an IRQ handler capability
//   ntfn: a notification capability with RIGHT_WRITE; a slot number >= 128 unbinds
@external("sys", "irq_set_notification")
export declare function sysIrqSetNotification(irq: u32, ntfn: u32): i64;

// 19 irq_ack(irq: cap) -> 0 or -KErr
//   Unmasks the IRQ line (lines start masked; each IRQ masks it again).
//   irq: an IRQ handler capability
@external("sys", "irq_ack")
export declare function sysIrqAck(irq: u32): i64;

// 20 cap_copy(src: cap, dst: cap) -> 0 or -KErr
//   Copies a capability (same rights and badge; a child of src in the derivation
//   tree). Reply capabilities cannot be copied.
//   dst: an empty slot
@external("sys", "cap_copy")
export declare function sysCapCopy(src: u32, dst: u32): i64;

// 21 cap_mint(src: cap, dst: cap, rights: u32, badge: u64) -> 0 or -KErr
//   Derives a capability with fewer rights and/or a badge.
//   dst: an empty slot
//   rights: a subset of src's: READ 1, WRITE 2, GRANT 4, GRANT_REPLY 8, EXEC 16
//   badge: 0: keep src's; else only on an unbadged endpoint or notification
@external("sys", "cap_mint")
export declare function sysCapMint(src: u32, dst: u32, rights: u32, badge: u64): i64;

// 22 cap_move(src: cap, dst: cap) -> 0 or -KErr
//   Moves a capability to another slot, keeping its place in the derivation
//   tree.
//   dst: an empty slot
@external("sys", "cap_move")
export declare function sysCapMove(src: u32, dst: u32): i64;

// 23 cap_delete(slot: cap) -> 0 or -KErr
//   Deletes a capability (an empty slot: nothing to do); the last capability of
//   an object destroys it (a CNode must be empty first: NOT_EMPTY).
@external("sys", "cap_delete")
export declare function sysCapDelete(slot: u32): i64;

// 24 cap_revoke(slot: cap) -> 0 or -KErr
//   Deletes every capability derived from this one; the capability itself stays.
@external("sys", "cap_revoke")
export declare function sysCapRevoke(slot: u32): i64;

// 25 proc_spawn(name: uptr, len: usize, prio: u32, dst: cap, fault_ep: cap, badge: u64) -> value >= 0 or -KErr
//   The initial process only: makes a process from a boot module (address space,
//   CNode, thread, IPC buffer), stopped; returns its thread index.
//   name: the boot module's name (its GRUB module string)
//   len: 1..64 bytes
//   prio: 1 .. INIT_PRIORITY - 1
//   dst: an empty slot: the new process's thread capability
//   fault_ep: an endpoint (RIGHT_WRITE): its faults and its exit go there
//   badge: the badge its fault messages carry
@external("sys", "proc_spawn")
export declare function sysProcSpawn(name: usize, len: usize, prio: u32, dst: u32, fault_ep: u32, badge: u64): i64;

// 26 proc_give(proc: cap, src: cap, dst: u32, rights: u32, badge: u64) -> 0 or -KErr
//   Puts a child of src (as cap_mint) into the process's CNode.
//   proc: a process's thread capability
//   src: a capability of the caller
//   dst: an empty slot of the process, PROC_FIRST_FREE_SLOT..127
//   rights: a subset of src's (as cap_mint)
//   badge: 0: keep src's; else a badge (unbadged endpoint or notification)
@external("sys", "proc_give")
export declare function sysProcGive(proc: u32, src: u32, dst: u32, rights: u32, badge: u64): i64;

// 27 proc_start(proc: cap) -> 0 or -KErr
//   Makes the process's thread runnable.
//   proc: a process's thread capability
@external("sys", "proc_start")
export declare function sysProcStart(proc: u32): i64;

// 28 proc_kill(proc: cap) -> 0 or -KErr
//   Stops the process and frees it (thread, capabilities, memory); the
//   capability is deleted. Callers waiting for its replies get DEAD_PARTNER.
//   proc: a process's thread capability (not the caller's own)
@external("sys", "proc_kill")
export declare function sysProcKill(proc: u32): i64;

// 29 proc_info(proc: cap) -> value >= 0 or -KErr
//   Returns state (TS_*: 0 stopped, 1 runnable, 2 send, 3 receive, 4 reply, 5
//   notification) | priority << 8 | thread index << 16 (16 bits) | the low 32
//   bits of the count of system calls it made << 32 (all but the IPC fast path's
//   call and reply_recv: a watchdog tells a thread spinning without system calls
//   from a busy one).
//   proc: a process's thread capability
@external("sys", "proc_info")
export declare function sysProcInfo(proc: u32): i64;

// 30 obj_create(type: u32, dst: cap, param: u64) -> 0 or -KErr
//   The initial process only: creates a kernel object and its original
//   capability.
//   type: endpoint 3, notification 4, IRQ handler 7, I/O ports 8
//   dst: an empty slot
//   param: IRQ handler: the IRQ; I/O ports: first | count << 16
@external("sys", "obj_create")
export declare function sysObjCreate(type: u32, dst: u32, param: u64): i64;

// 31 ioport_in(ports: cap, port: u32, width: u32) -> value >= 0 or -KErr
//   Reads an I/O port.
//   ports: an I/O port capability (RIGHT_READ) covering the port
//   width: bytes: 1, 2 or 4
@external("sys", "ioport_in")
export declare function sysIoportIn(ports: u32, port: u32, width: u32): i64;

// 32 ioport_out(ports: cap, port: u32, width: u32, value: u32) -> 0 or -KErr
//   Writes an I/O port.
//   ports: an I/O port capability (RIGHT_WRITE) covering the port
//   width: bytes: 1, 2 or 4
@external("sys", "ioport_out")
export declare function sysIoportOut(ports: u32, port: u32, width: u32, value: u32): i64;

// 33 clock_ms() -> value >= 0 or -KErr
//   Milliseconds since the timer started (timer ticks; kernel/interrupts.ts
//   uptimeMs).
@external("sys", "clock_ms")
export declare function sysClockMs(): i64;

// 34 timer_set(ntfn: cap, ms: u64) -> 0 or -KErr
//   One-shot timer of the calling thread (one per thread; setting it again
//   re-arms it): in ms milliseconds the kernel signals the notification with the
//   capability's badge.
//   ntfn: a notification capability with RIGHT_WRITE
//   ms: 0 disarms
@external("sys", "timer_set")
export declare function sysTimerSet(ntfn: u32, ms: u64): i64;

// 35 mem_frames() -> value >= 0 or -KErr
//   Physical frames: free | total << 32 (4 KiB each).
@external("sys", "mem_frames")
export declare function sysMemFrames(): i64;

// 36 bind_notification(ntfn: cap) -> 0 or -KErr
//   Binds the notification to the calling thread: its receives on any endpoint
//   also return the notification (label LABEL_NOTIFICATION, rdi = the bits) when
//   bits are set or arrive. BUSY if bound to another thread.
//   ntfn: a notification capability with RIGHT_READ; a slot number >= 128 unbinds
@external("sys", "bind_notification")
export declare function sysBindNotification(ntfn: u32): i64;

// 37 ipc_trace(mode: u32) -> 0 or -KErr
//   The initial process only: one console line per delivered IPC message
//   (kernel/ipctrace.ts): kind, sender, receiver, badge, label, length.
//   mode: 0 off, 1 calls, replies and faults, 2 also plain sends
@external("sys", "ipc_trace")
export declare function sysIpcTrace(mode: u32): i64;

// 38 dma_alloc(dst: cap, pages: u64) -> value >= 0 or -KErr
//   A memory object of physically contiguous zeroed frames below 4 GiB (for
//   DMA); returns its physical address.
//   dst: an empty slot
//   pages: 1..1024 4 KiB pages
@external("sys", "dma_alloc")
export declare function sysDmaAlloc(dst: u32, pages: u64): i64;

// 39 mem_map(mem: cap, va: uptr, rights: u32) -> 0 or -KErr
//   Maps every page of the memory object into the caller's address space. One
//   mapping per capability; deleting it unmaps.
//   mem: a memory object capability (RIGHT_READ; RIGHT_WRITE for MAP_WRITE)
//   va: page-aligned; all of the object is mapped from here (device memory uncached)
//   rights: 0 read-only, 1 (MAP_WRITE) read-write
@external("sys", "mem_map")
export declare function sysMemMap(mem: u32, va: usize, rights: u32): i64;

// 40 mem_unmap(mem: cap) -> 0 or -KErr
//   Removes the mapping the memory capability made (NOT_MAPPED if none).
@external("sys", "mem_unmap")
export declare function sysMemUnmap(mem: u32): i64;

// 41 mem_phys(mem: cap) -> value >= 0 or -KErr
//   The physical address of the memory object's first page (what a device is
//   told for DMA).
@external("sys", "mem_phys")
export declare function sysMemPhys(mem: u32): i64;

// 42 devmem_create(dst: cap, phys: u64, pages: u64) -> 0 or -KErr
//   The initial process only: a device-memory object (never RAM: BAD_ADDRESS if
//   the range overlaps usable RAM), mapped uncached.
//   dst: an empty slot
//   phys: page-aligned physical address
//   pages: length in 4 KiB pages
@external("sys", "devmem_create")
export declare function sysDevmemCreate(dst: u32, phys: u64, pages: u64): i64;

// 43 res_derive(src: cap, dst: cap, first: u64, count: u64) -> 0 or -KErr
//   A narrower capability: ports [first, first+count) of src's range, the
//   handler of IRQ first from the any-IRQ handler, or pages of a device-memory
//   object.
//   src: I/O ports, an IRQ handler for IRQ_ANY (255), or device memory
//   dst: an empty slot
//   first: first port / the IRQ / first page
//   count: ports / 1 / pages
@external("sys", "res_derive")
export declare function sysResDerive(src: u32, dst: u32, first: u64, count: u64): i64;

// 44 mem_size(mem: cap) -> value >= 0 or -KErr
//   The size of the memory object in bytes (a driver checks a client's DMA
//   buffer with it).
@external("sys", "mem_size")
export declare function sysMemSize(mem: u32): i64;

// 45 fb_info(buf: uptr) -> 0 or -KErr
//   The framebuffer GRUB handed over: u64 physical address, u32 pitch, width,
//   height (pixels; cells for EGA text), u8 bpp, type (1 RGB, 2 EGA text), red
//   pos, size, green pos, size, blue pos, size. NOT_MAPPED if none.
//   buf: FB_INFO_SIZE writable bytes
@external("sys", "fb_info")
export declare function sysFbInfo(buf: usize): i64;

// 46 klog_read(buf: uptr, len: usize, pos: u64) -> value >= 0 or -KErr
//   Bytes of the console log (everything the kernel sent to COM1, plus
//   klog_write): from start = max(pos, head - KLOG_SIZE), min(len, head - start)
//   bytes; returns head, the position after the newest byte.
//   len: at most 16 KiB are copied
//   pos: console log position to read from
@external("sys", "klog_read")
export declare function sysKlogRead(buf: usize, len: usize, pos: u64): i64;

// 47 klog_write(buf: uptr, len: usize) -> 0 or -KErr
//   Adds bytes to the console log without sending them to COM1 (the serial
//   driver's output, so the screen shows it too).
@external("sys", "klog_write")
export declare function sysKlogWrite(buf: usize, len: usize): i64;

// 48 power(op: u32) -> 0 or -KErr
//   The initial process only: switch the machine off or restart it. Returns BUSY
//   when it is still running.
//   op: POWER_OFF (ACPI S5) or POWER_RESET (ACPI reset register, keyboard controller, port 0xCF9)
@external("sys", "power")
export declare function sysPower(op: u32): i64;

// 49 thread_create(dst: cap, space: cap, cnode: cap, ipcbuf: cap, entry: u64, stack: uptr) -> 0 or -KErr
//   Creates a stopped thread at the caller's priority (and, in the caller's own
//   CNode, with the caller's fault endpoint); thread_resume starts it,
//   cap_delete of its last capability destroys it. Deleting or unmapping the IPC
//   buffer's memory capability leaves it without one (IPC_BUFFER for long
//   messages).
//   dst: an empty slot of the caller's CNode: the new thread's capability lands here
//   space: the address space it runs in (the caller's own: slot 3)
//   cnode: the CNode it uses (the caller's own: slot 0)
//   ipcbuf: a memory capability with RIGHT_WRITE, mapped writable into that address space (mem_map): its first page is the thread's IPC buffer
//   entry: where it starts (rip; AssemblyScript: the import thread.entry(), the runtime's __wasm_thread_start, toolchain/ABI.md)
//   stack: its initial rsp (AssemblyScript: a linear-memory address; for __wasm_thread_start, 16-aligned, [rsp] = the table index of a () -> () function)
@external("sys", "thread_create")
export declare function sysThreadCreate(dst: u32, space: u32, cnode: u32, ipcbuf: u32, entry: u64, stack: usize): i64;

// 50 thread_resume(thread: cap) -> 0 or -KErr
//   Makes a stopped (created, suspended) thread runnable; BUSY if it is not
//   stopped.
//   thread: a thread capability with RIGHT_WRITE
@external("sys", "thread_resume")
export declare function sysThreadResume(thread: u32): i64;

// 51 thread_suspend(thread: cap) -> 0 or -KErr
//   Stops a thread: out of the run queue and any IPC wait (a call it waits on
//   fails for it when resumed: CANCELLED).
//   thread: a thread capability with RIGHT_WRITE (may be the caller's own)
@external("sys", "thread_suspend")
export declare function sysThreadSuspend(thread: u32): i64;

// 52 thread_set_priority(thread: cap, priority: u32) -> 0 or -KErr
//   Sets a thread's priority; INSUFFICIENT_RIGHTS above the caller's own.
//   thread: a thread capability with RIGHT_WRITE
//   priority: 0 .. the caller's own priority (a thread never raises one above its own: seL4's MCP rule)
@external("sys", "thread_set_priority")
export declare function sysThreadSetPriority(thread: u32, priority: u32): i64;

// 53 mem_copy(dst: cap, dst_off: u64, src: cap, src_off: u64, len: u64) -> 0 or -KErr
//   Copies bytes between two memory objects through the kernel's direct map,
//   neither mapped by the caller (a server moves data to and from a client's
//   buffer without a mapping the client could pull from under it: a revoked
//   capability is an error, EMPTY_SLOT, never a fault). Device memory:
//   WRONG_TYPE; ranges past an object: INVALID_ARGUMENT; overlapping ranges of
//   one object: INVALID_ARGUMENT.
//   dst: a RAM memory object capability with RIGHT_WRITE
//   dst_off: byte offset in dst
//   src: a RAM memory object capability with RIGHT_READ
//   src_off: byte offset in src
//   len: bytes, at most MEM_COPY_MAX; both ranges inside their objects
@external("sys", "mem_copy")
export declare function sysMemCopy(dst: u32, dst_off: u64, src: u32, src_off: u64, len: u64): i64;

// 54 irq_msi(irq: cap) -> value >= 0 or -KErr
//   The message a PCI device sends for this MSI IRQ: vector | destination local
//   APIC ID << 8 (address 0xFEE00000 | ID << 12, data = vector: fixed, edge).
//   INVALID_ARGUMENT for a line IRQ or without local APIC (8259 mode).
//   irq: an IRQ handler capability of an MSI IRQ (IRQ_MSI_FIRST ..)
@external("sys", "irq_msi")
export declare function sysIrqMsi(irq: u32): i64;

// Any system call with raw registers: number, then rdi, rsi, rdx, r10, r8,
// r9 as given (no conversion of pointers); returns rax. For tests.
@external("sys", "raw")
export declare function sysRaw(num: u64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64): i64;
