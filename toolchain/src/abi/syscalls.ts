// syscalls.ts — THE system-call table: the one definition of every system
// call's number, arguments, results and meaning. Everything else is
// generated from it by toolchain/src/abi/generate.ts (`make abi`; a test
// fails when a generated file is stale):
//   kernel/syscalls.ts          SYS_* numbers, shared constants, error and
//                               trap names for the kernel (AssemblyScript);
//   kernel/syscall_dispatch.ts  syscallDispatch(): raw registers -> checked,
//                               typed arguments -> one handler per call,
//                               handlers imported from kernel/syscall_handlers.ts;
//   servers/lib/sys.ts          the user library's declarations of the stubs
//                               (`sys.*` imports that `wasmc --target=user`
//                               binds to syscall-instruction stubs);
//   build/servers/syscalls.inc  SYS_* for the NASM test programs (by make).
//
// Register convention (the plan's, kernel/README.md "System calls"):
// rax = number; arguments in rdi, rsi, rdx, r10, r8, r9 in table order;
// `syscall`; rax = result (>= 0 success, < 0 -KErr); rcx and r11 are
// clobbered by the CPU; registers listed under `out` carry more results;
// every other register is preserved.
//
// Adding a system call: append an entry with the next free number, run
// `make abi`, write its handler `sys<Name>` (the name in camel case with
// "sys" before it, arguments as listed, returning i64) in the kernel file
// where it belongs, and re-export it from kernel/syscall_handlers.ts.

/** How a raw 64-bit register becomes a handler's argument.
 * - u64, i64: as is.
 * - u32, u8:  must fit, else the call fails with INVALID_ARGUMENT.
 * - cap:      a capability slot index (u32 in the kernel); a value that does
 *             not fit 32 bits fails with INVALID_SLOT.
 * - uptr:     a user virtual address (u64 in the kernel, checked by the
 *             handler with kernel/uaccess.ts). For AssemblyScript programs it
 *             is a linear-memory address (usize) that the stub turns into a
 *             virtual one (adds USER_MEMORY_BASE).
 * - usize:    a byte count that goes with a uptr (u64 in the kernel, usize
 *             in AssemblyScript). */
export type ArgType = 'u64' | 'i64' | 'u32' | 'u8' | 'cap' | 'uptr' | 'usize';

export interface Arg {
  name: string;
  type: ArgType;
  doc?: string;
}

/** The registers after `syscall` that carry results besides rax. */
export type OutReg = 'rdi' | 'rsi' | 'rdx' | 'r10' | 'r8' | 'r9';

export interface Out {
  name: string;
  reg: OutReg;
  doc?: string;
}

export interface Syscall {
  /** snake_case; SYS_<NAME> in the kernel and NASM, sys.<name> for servers,
   * handler sys<Name> in the kernel. */
  name: string;
  number: number;
  args: Arg[];
  /** What rax holds on return: 'status' (0 or -KErr), 'value' (a
   * non-negative value or -KErr), 'noreturn' (the thread never comes back). */
  result: 'status' | 'value' | 'noreturn';
  /** More results in registers (the kernel handler writes them into the
   * thread's saved registers; the user stub stores them, 8 bytes each in
   * table order, at an extra last `out` pointer argument). */
  out?: Out[];
  doc: string;
}

/** Argument registers, in order. */
export const ARG_REGS: readonly OutReg[] = ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'];

export const SYSCALLS: readonly Syscall[] = [
  {
    name: 'null', number: 0, args: [], result: 'status',
    doc: 'Does nothing and returns 0: the round-trip benchmark.',
  },
  {
    name: 'debug_putc', number: 1, args: [{ name: 'byte', type: 'u8' }], result: 'status',
    doc: 'Writes one byte to the kernel console (control characters but tab and new line show as "?").',
  },
  {
    name: 'debug_write', number: 2,
    args: [{ name: 'buf', type: 'uptr' }, { name: 'len', type: 'usize', doc: 'at most DEBUG_WRITE_MAX' }],
    result: 'value',
    doc: 'Writes len bytes of user memory to the kernel console; returns len, or -BAD_ADDRESS if any byte is not readable user memory.',
  },
  {
    name: 'exit', number: 3, args: [{ name: 'status', type: 'u64', doc: 'the low 8 bits are reported' }], result: 'noreturn',
    doc: 'Ends the calling thread; the kernel reports the status.',
  },
  {
    name: 'yield', number: 4, args: [], result: 'status',
    doc: 'Gives up the CPU to the next runnable thread of the same priority.',
  },
  {
    name: 'call', number: 5,
    args: [
      { name: 'ep', type: 'cap', doc: 'an endpoint capability' },
      { name: 'info', type: 'u64', doc: 'length | caps << 7 | label << 16' },
      { name: 'w0', type: 'u64' }, { name: 'w1', type: 'u64' }, { name: 'w2', type: 'u64' }, { name: 'w3', type: 'u64' },
    ],
    result: 'status',
    out: [
      { name: 'badge', reg: 'rdi' }, { name: 'info', reg: 'rsi' },
      { name: 'w0', reg: 'rdx' }, { name: 'w1', reg: 'r10' }, { name: 'w2', reg: 'r8' }, { name: 'w3', reg: 'r9' },
    ],
    doc: 'Sends a message on the endpoint and waits for the reply, which comes back in the out registers.',
  },
  {
    name: 'reply_recv', number: 6,
    args: [
      { name: 'ep', type: 'cap', doc: 'an endpoint capability' },
      { name: 'info', type: 'u64', doc: 'the reply: length | caps << 7 | label << 16' },
      { name: 'w0', type: 'u64' }, { name: 'w1', type: 'u64' }, { name: 'w2', type: 'u64' }, { name: 'w3', type: 'u64' },
    ],
    result: 'status',
    out: [
      { name: 'badge', reg: 'rdi' }, { name: 'info', reg: 'rsi' },
      { name: 'w0', reg: 'rdx' }, { name: 'w1', reg: 'r10' }, { name: 'w2', reg: 'r8' }, { name: 'w3', reg: 'r9' },
    ],
    doc: 'Replies to the caller being served (if any), then waits on the endpoint for the next message (out registers).',
  },
  {
    name: 'memory_grow', number: 7,
    args: [
      { name: 'pages', type: 'u64', doc: 'the current size of the linear memory in 64 KiB pages' },
      { name: 'delta', type: 'u64', doc: 'pages to add' },
    ],
    result: 'value',
    doc: 'Maps delta fresh zeroed 64 KiB pages of linear memory at USER_MEMORY_BASE + pages * 64 KiB (every page there must be unmapped; at most USER_MEMORY_MAX_PAGES in all); returns pages. The Wasm memory.grow of user programs.',
  },
  {
    name: 'trap', number: 8,
    args: [
      { name: 'code', type: 'u32', doc: 'the Wasm trap code (toolchain/src/traps.ts)' },
      { name: 'rip', type: 'u64', doc: 'where the trap happened' },
    ],
    result: 'noreturn',
    doc: 'Reports a Wasm trap of the calling thread as a fault ("wasm trap: <reason>") and stops it.',
  },
  // --- IPC (kernel/ipc.ts, notification.ts; kernel/README.md "IPC") ---
  {
    name: 'send', number: 9,
    args: [
      { name: 'dest', type: 'cap', doc: 'an endpoint (RIGHT_WRITE), a reply capability, or a notification (RIGHT_WRITE)' },
      { name: 'info', type: 'u64', doc: 'length | caps << 7 | label << 16' },
      { name: 'w0', type: 'u64' }, { name: 'w1', type: 'u64' }, { name: 'w2', type: 'u64' }, { name: 'w3', type: 'u64' },
    ],
    result: 'status',
    doc: 'Sends a message on an endpoint, blocking until a receiver takes it; on a reply capability answers the call it holds (never blocks; the capability is deleted; DEAD_PARTNER if the caller is gone); on a notification signals it.',
  },
  {
    name: 'nb_send', number: 10,
    args: [
      { name: 'dest', type: 'cap', doc: 'as for send' },
      { name: 'info', type: 'u64', doc: 'length | caps << 7 | label << 16' },
      { name: 'w0', type: 'u64' }, { name: 'w1', type: 'u64' }, { name: 'w2', type: 'u64' }, { name: 'w3', type: 'u64' },
    ],
    result: 'status',
    doc: 'send that never blocks: WOULD_BLOCK when no receiver waits on the endpoint.',
  },
  {
    name: 'recv', number: 11,
    args: [{ name: 'ep', type: 'cap', doc: 'an endpoint capability with RIGHT_READ' }],
    result: 'status',
    out: [
      { name: 'badge', reg: 'rdi' }, { name: 'info', reg: 'rsi' },
      { name: 'w0', reg: 'rdx' }, { name: 'w1', reg: 'r10' }, { name: 'w2', reg: 'r8' }, { name: 'w3', reg: 'r9' },
    ],
    doc: 'Waits for a message on the endpoint (out registers; badge = the sender capability\'s). A call received is held for reply / reply_recv / reply_save; one still held unanswered is dropped (its caller gets CANCELLED).',
  },
  {
    name: 'nb_recv', number: 12,
    args: [{ name: 'ep', type: 'cap', doc: 'an endpoint capability with RIGHT_READ' }],
    result: 'status',
    out: [
      { name: 'badge', reg: 'rdi' }, { name: 'info', reg: 'rsi' },
      { name: 'w0', reg: 'rdx' }, { name: 'w1', reg: 'r10' }, { name: 'w2', reg: 'r8' }, { name: 'w3', reg: 'r9' },
    ],
    doc: 'recv that never blocks: WOULD_BLOCK when no sender waits.',
  },
  {
    name: 'reply', number: 13,
    args: [
      { name: 'info', type: 'u64', doc: 'length | caps << 7 | label << 16' },
      { name: 'w0', type: 'u64' }, { name: 'w1', type: 'u64' }, { name: 'w2', type: 'u64' }, { name: 'w3', type: 'u64' },
    ],
    result: 'status',
    doc: 'Answers the call being held (NO_CALLER if none; DEAD_PARTNER if its caller died, was stopped or restarted).',
  },
  {
    name: 'reply_save', number: 14,
    args: [{ name: 'slot', type: 'cap', doc: 'an empty slot of the caller\'s CNode' }],
    result: 'status',
    doc: 'Moves the call being held into a new reply capability in slot; a later send on it answers the call (deferred replies).',
  },
  {
    name: 'signal', number: 15,
    args: [{ name: 'ntfn', type: 'cap', doc: 'a notification capability with RIGHT_WRITE' }],
    result: 'status',
    doc: 'ORs the capability\'s badge (1 if it has none) into the notification\'s word, waking its first waiter.',
  },
  {
    name: 'wait', number: 16,
    args: [{ name: 'ntfn', type: 'cap', doc: 'a notification capability with RIGHT_READ' }],
    result: 'status',
    out: [{ name: 'bits', reg: 'rdi' }],
    doc: 'Returns the notification\'s word and clears it, blocking while it is zero.',
  },
  {
    name: 'poll', number: 17,
    args: [{ name: 'ntfn', type: 'cap', doc: 'a notification capability with RIGHT_READ' }],
    result: 'status',
    out: [{ name: 'bits', reg: 'rdi' }],
    doc: 'Returns the notification\'s word (maybe 0) and clears it; never blocks.',
  },
  {
    name: 'irq_set_notification', number: 18,
    args: [
      { name: 'irq', type: 'cap', doc: 'an IRQ handler capability' },
      { name: 'ntfn', type: 'cap', doc: 'a notification capability with RIGHT_WRITE; a slot number >= 128 unbinds' },
    ],
    result: 'status',
    doc: 'Binds the IRQ to the notification: each IRQ signals it with the capability\'s badge and leaves the line masked until irq_ack.',
  },
  {
    name: 'irq_ack', number: 19,
    args: [{ name: 'irq', type: 'cap', doc: 'an IRQ handler capability' }],
    result: 'status',
    doc: 'Unmasks the IRQ line (lines start masked; each IRQ masks it again).',
  },
  // --- capabilities in the caller's CNode (kernel/cap.ts) ---
  {
    name: 'cap_copy', number: 20,
    args: [{ name: 'src', type: 'cap' }, { name: 'dst', type: 'cap', doc: 'an empty slot' }],
    result: 'status',
    doc: 'Copies a capability (same rights and badge; a child of src in the derivation tree). Reply capabilities cannot be copied.',
  },
  {
    name: 'cap_mint', number: 21,
    args: [
      { name: 'src', type: 'cap' }, { name: 'dst', type: 'cap', doc: 'an empty slot' },
      { name: 'rights', type: 'u32', doc: 'a subset of src\'s: READ 1, WRITE 2, GRANT 4, GRANT_REPLY 8, EXEC 16' },
      { name: 'badge', type: 'u64', doc: '0: keep src\'s; else only on an unbadged endpoint or notification' },
    ],
    result: 'status',
    doc: 'Derives a capability with fewer rights and/or a badge.',
  },
  {
    name: 'cap_move', number: 22,
    args: [{ name: 'src', type: 'cap' }, { name: 'dst', type: 'cap', doc: 'an empty slot' }],
    result: 'status',
    doc: 'Moves a capability to another slot, keeping its place in the derivation tree.',
  },
  {
    name: 'cap_delete', number: 23,
    args: [{ name: 'slot', type: 'cap' }],
    result: 'status',
    doc: 'Deletes a capability (an empty slot: nothing to do); the last capability of an object destroys it (a CNode must be empty first: NOT_EMPTY).',
  },
  {
    name: 'cap_revoke', number: 24,
    args: [{ name: 'slot', type: 'cap' }],
    result: 'status',
    doc: 'Deletes every capability derived from this one; the capability itself stays.',
  },
  // --- processes, objects, ports, time (kernel/sys_process.ts; servers/init) ---
  {
    name: 'proc_spawn', number: 25,
    args: [
      { name: 'name', type: 'uptr', doc: 'the boot module\'s name (its GRUB module string)' },
      { name: 'len', type: 'usize', doc: '1..64 bytes' },
      { name: 'prio', type: 'u32', doc: '1 .. INIT_PRIORITY - 1' },
      { name: 'dst', type: 'cap', doc: 'an empty slot: the new process\'s thread capability' },
      { name: 'fault_ep', type: 'cap', doc: 'an endpoint (RIGHT_WRITE): its faults and its exit go there' },
      { name: 'badge', type: 'u64', doc: 'the badge its fault messages carry' },
    ],
    result: 'value',
    doc: 'The initial process only: makes a process from a boot module (address space, CNode, thread, IPC buffer), stopped; returns its thread index.',
  },
  {
    name: 'proc_give', number: 26,
    args: [
      { name: 'proc', type: 'cap', doc: 'a process\'s thread capability' },
      { name: 'src', type: 'cap', doc: 'a capability of the caller' },
      { name: 'dst', type: 'u32', doc: 'an empty slot of the process, PROC_FIRST_FREE_SLOT..127' },
      { name: 'rights', type: 'u32', doc: 'a subset of src\'s (as cap_mint)' },
      { name: 'badge', type: 'u64', doc: '0: keep src\'s; else a badge (unbadged endpoint or notification)' },
    ],
    result: 'status',
    doc: 'Puts a child of src (as cap_mint) into the process\'s CNode.',
  },
  {
    name: 'proc_start', number: 27,
    args: [{ name: 'proc', type: 'cap', doc: 'a process\'s thread capability' }],
    result: 'status',
    doc: 'Makes the process\'s thread runnable.',
  },
  {
    name: 'proc_kill', number: 28,
    args: [{ name: 'proc', type: 'cap', doc: 'a process\'s thread capability (not the caller\'s own)' }],
    result: 'status',
    doc: 'Stops the process and frees it (thread, capabilities, memory); the capability is deleted. Callers waiting for its replies get DEAD_PARTNER.',
  },
  {
    name: 'proc_info', number: 29,
    args: [{ name: 'proc', type: 'cap', doc: 'a process\'s thread capability' }],
    result: 'value',
    doc: 'Returns state (TS_*: 0 stopped, 1 runnable, 2 send, 3 receive, 4 reply, 5 notification) | priority << 8 | thread index << 16 (16 bits) | the low 32 bits of the count of system calls it made << 32 (all but the IPC fast path\'s call and reply_recv: a watchdog tells a thread spinning without system calls from a busy one).',
  },
  {
    name: 'obj_create', number: 30,
    args: [
      { name: 'type', type: 'u32', doc: 'endpoint 3, notification 4, IRQ handler 7, I/O ports 8' },
      { name: 'dst', type: 'cap', doc: 'an empty slot' },
      { name: 'param', type: 'u64', doc: 'IRQ handler: the IRQ; I/O ports: first | count << 16' },
    ],
    result: 'status',
    doc: 'The initial process only: creates a kernel object and its original capability.',
  },
  {
    name: 'ioport_in', number: 31,
    args: [
      { name: 'ports', type: 'cap', doc: 'an I/O port capability (RIGHT_READ) covering the port' },
      { name: 'port', type: 'u32' }, { name: 'width', type: 'u32', doc: 'bytes: 1, 2 or 4' },
    ],
    result: 'value',
    doc: 'Reads an I/O port.',
  },
  {
    name: 'ioport_out', number: 32,
    args: [
      { name: 'ports', type: 'cap', doc: 'an I/O port capability (RIGHT_WRITE) covering the port' },
      { name: 'port', type: 'u32' }, { name: 'width', type: 'u32', doc: 'bytes: 1, 2 or 4' },
      { name: 'value', type: 'u32' },
    ],
    result: 'status',
    doc: 'Writes an I/O port.',
  },
  {
    name: 'clock_ms', number: 33, args: [], result: 'value',
    doc: 'Milliseconds since the timer started (timer ticks; kernel/interrupts.ts uptimeMs).',
  },
  {
    name: 'timer_set', number: 34,
    args: [
      { name: 'ntfn', type: 'cap', doc: 'a notification capability with RIGHT_WRITE' },
      { name: 'ms', type: 'u64', doc: '0 disarms' },
    ],
    result: 'status',
    doc: 'One-shot timer of the calling thread (one per thread; setting it again re-arms it): in ms milliseconds the kernel signals the notification with the capability\'s badge.',
  },
  {
    name: 'mem_frames', number: 35, args: [], result: 'value',
    doc: 'Physical frames: free | total << 32 (4 KiB each).',
  },
  {
    name: 'bind_notification', number: 36,
    args: [{ name: 'ntfn', type: 'cap', doc: 'a notification capability with RIGHT_READ; a slot number >= 128 unbinds' }],
    result: 'status',
    doc: 'Binds the notification to the calling thread: its receives on any endpoint also return the notification (label LABEL_NOTIFICATION, rdi = the bits) when bits are set or arrive. BUSY if bound to another thread.',
  },
  {
    name: 'ipc_trace', number: 37,
    args: [{ name: 'mode', type: 'u32', doc: '0 off, 1 calls, replies and faults, 2 also plain sends' }],
    result: 'status',
    doc: 'The initial process only: one console line per delivered IPC message (kernel/ipctrace.ts): kind, sender, receiver, badge, label, length.',
  },
  // --- DMA memory, device memory, narrowing hardware capabilities (kernel/sys_dma.ts; servers/pci, drivers) ---
  {
    name: 'dma_alloc', number: 38,
    args: [
      { name: 'dst', type: 'cap', doc: 'an empty slot' },
      { name: 'pages', type: 'u64', doc: '1..1024 4 KiB pages' },
    ],
    result: 'value',
    doc: 'A memory object of physically contiguous zeroed frames below 4 GiB (for DMA); returns its physical address.',
  },
  {
    name: 'mem_map', number: 39,
    args: [
      { name: 'mem', type: 'cap', doc: 'a memory object capability (RIGHT_READ; RIGHT_WRITE for MAP_WRITE)' },
      { name: 'va', type: 'uptr', doc: 'page-aligned; all of the object is mapped from here (device memory uncached)' },
      { name: 'rights', type: 'u32', doc: '0 read-only, 1 (MAP_WRITE) read-write' },
    ],
    result: 'status',
    doc: 'Maps every page of the memory object into the caller\'s address space. One mapping per capability; deleting it unmaps.',
  },
  {
    name: 'mem_unmap', number: 40,
    args: [{ name: 'mem', type: 'cap' }],
    result: 'status',
    doc: 'Removes the mapping the memory capability made (NOT_MAPPED if none).',
  },
  {
    name: 'mem_phys', number: 41,
    args: [{ name: 'mem', type: 'cap' }],
    result: 'value',
    doc: 'The physical address of the memory object\'s first page (what a device is told for DMA).',
  },
  {
    name: 'devmem_create', number: 42,
    args: [
      { name: 'dst', type: 'cap', doc: 'an empty slot' },
      { name: 'phys', type: 'u64', doc: 'page-aligned physical address' },
      { name: 'pages', type: 'u64', doc: 'length in 4 KiB pages' },
    ],
    result: 'status',
    doc: 'The initial process only: a device-memory object (never RAM: BAD_ADDRESS if the range overlaps usable RAM), mapped uncached.',
  },
  {
    name: 'res_derive', number: 43,
    args: [
      { name: 'src', type: 'cap', doc: 'I/O ports, an IRQ handler for IRQ_ANY (255), or device memory' },
      { name: 'dst', type: 'cap', doc: 'an empty slot' },
      { name: 'first', type: 'u64', doc: 'first port / the IRQ / first page' },
      { name: 'count', type: 'u64', doc: 'ports / 1 / pages' },
    ],
    result: 'status',
    doc: 'A narrower capability: ports [first, first+count) of src\'s range, the handler of IRQ first from the any-IRQ handler, or pages of a device-memory object.',
  },
  {
    name: 'mem_size', number: 44,
    args: [{ name: 'mem', type: 'cap' }],
    result: 'value',
    doc: 'The size of the memory object in bytes (a driver checks a client\'s DMA buffer with it).',
  },
  // --- the screen console, the console log, power (kernel/sys_console.ts; servers/console, servers/init) ---
  {
    name: 'fb_info', number: 45,
    args: [{ name: 'buf', type: 'uptr', doc: 'FB_INFO_SIZE writable bytes' }],
    result: 'status',
    doc: 'The framebuffer GRUB handed over: u64 physical address, u32 pitch, width, height (pixels; cells for EGA text), u8 bpp, type (1 RGB, 2 EGA text), red pos, size, green pos, size, blue pos, size. NOT_MAPPED if none.',
  },
  {
    name: 'klog_read', number: 46,
    args: [
      { name: 'buf', type: 'uptr' },
      { name: 'len', type: 'usize', doc: 'at most 16 KiB are copied' },
      { name: 'pos', type: 'u64', doc: 'console log position to read from' },
    ],
    result: 'value',
    doc: 'Bytes of the console log (everything the kernel sent to COM1, plus klog_write): from start = max(pos, head - KLOG_SIZE), min(len, head - start) bytes; returns head, the position after the newest byte.',
  },
  {
    name: 'klog_write', number: 47,
    args: [{ name: 'buf', type: 'uptr' }, { name: 'len', type: 'usize' }],
    result: 'status',
    doc: 'Adds bytes to the console log without sending them to COM1 (the serial driver\'s output, so the screen shows it too).',
  },
  {
    name: 'power', number: 48,
    args: [{ name: 'op', type: 'u32', doc: 'POWER_OFF (ACPI S5) or POWER_RESET (ACPI reset register, keyboard controller, port 0xCF9)' }],
    result: 'status',
    doc: 'The initial process only: switch the machine off or restart it. Returns BUSY when it is still running.',
  },
  {
    name: 'thread_create', number: 49,
    args: [
      { name: 'dst', type: 'cap', doc: 'an empty slot of the caller\'s CNode: the new thread\'s capability lands here' },
      { name: 'space', type: 'cap', doc: 'the address space it runs in (the caller\'s own: slot 3)' },
      { name: 'cnode', type: 'cap', doc: 'the CNode it uses (the caller\'s own: slot 0)' },
      { name: 'ipcbuf', type: 'cap', doc: 'a memory capability with RIGHT_WRITE, mapped writable into that address space (mem_map): its first page is the thread\'s IPC buffer' },
      { name: 'entry', type: 'u64', doc: 'where it starts (rip; AssemblyScript: the import thread.entry(), the runtime\'s __wasm_thread_start, toolchain/ABI.md)' },
      { name: 'stack', type: 'uptr', doc: 'its initial rsp (AssemblyScript: a linear-memory address; for __wasm_thread_start, 16-aligned, [rsp] = the table index of a () -> () function)' },
    ],
    result: 'status',
    doc: 'Creates a stopped thread at the caller\'s priority (and, in the caller\'s own CNode, with the caller\'s fault endpoint); thread_resume starts it, cap_delete of its last capability destroys it. Deleting or unmapping the IPC buffer\'s memory capability leaves it without one (IPC_BUFFER for long messages).',
  },
  {
    name: 'thread_resume', number: 50,
    args: [{ name: 'thread', type: 'cap', doc: 'a thread capability with RIGHT_WRITE' }],
    result: 'status',
    doc: 'Makes a stopped (created, suspended) thread runnable; BUSY if it is not stopped.',
  },
  {
    name: 'thread_suspend', number: 51,
    args: [{ name: 'thread', type: 'cap', doc: 'a thread capability with RIGHT_WRITE (may be the caller\'s own)' }],
    result: 'status',
    doc: 'Stops a thread: out of the run queue and any IPC wait (a call it waits on fails for it when resumed: CANCELLED).',
  },
  {
    name: 'thread_set_priority', number: 52,
    args: [
      { name: 'thread', type: 'cap', doc: 'a thread capability with RIGHT_WRITE' },
      { name: 'priority', type: 'u32', doc: '0 .. the caller\'s own priority (a thread never raises one above its own: seL4\'s MCP rule)' },
    ],
    result: 'status',
    doc: 'Sets a thread\'s priority; INSUFFICIENT_RIGHTS above the caller\'s own.',
  },
  {
    name: 'mem_copy', number: 53,
    args: [
      { name: 'dst', type: 'cap', doc: 'a RAM memory object capability with RIGHT_WRITE' },
      { name: 'dst_off', type: 'u64', doc: 'byte offset in dst' },
      { name: 'src', type: 'cap', doc: 'a RAM memory object capability with RIGHT_READ' },
      { name: 'src_off', type: 'u64', doc: 'byte offset in src' },
      { name: 'len', type: 'u64', doc: 'bytes, at most MEM_COPY_MAX; both ranges inside their objects' },
    ],
    result: 'status',
    doc: 'Copies bytes between two memory objects through the kernel\'s direct map, neither mapped by the caller (a server moves data to and from a client\'s buffer without a mapping the client could pull from under it: a revoked capability is an error, EMPTY_SLOT, never a fault). Device memory: WRONG_TYPE; ranges past an object: INVALID_ARGUMENT; overlapping ranges of one object: INVALID_ARGUMENT.',
  },
  {
    name: 'irq_msi', number: 54,
    args: [{ name: 'irq', type: 'cap', doc: 'an IRQ handler capability of an MSI IRQ (IRQ_MSI_FIRST ..)' }],
    result: 'value',
    doc: 'The message a PCI device sends for this MSI IRQ: vector | destination local APIC ID << 8 (address 0xFEE00000 | ID << 12, data = vector: fixed, edge). INVALID_ARGUMENT for a line IRQ or without local APIC (8259 mode).',
  },
];

/** Constants shared by the kernel, the user library and the NASM programs. */
export interface Constant {
  name: string;
  value: bigint;
  doc: string;
}

export const CONSTANTS: readonly Constant[] = [
  { name: 'DEBUG_WRITE_MAX', value: 4096n, doc: 'the most bytes one debug_write may print' },
  { name: 'WASM_PAGE_SIZE', value: 65536n, doc: 'a Wasm linear-memory page' },
  { name: 'USER_MEMORY_BASE', value: 0x4000_0000n, doc: 'linear-memory byte 0 of an AssemblyScript program (below 2 GiB: generated code addresses it as a disp32)' },
  { name: 'USER_MEMORY_MAX_PAGES', value: 65536n, doc: 'most pages a linear memory can have (4 GiB); nothing else is ever mapped up to USER_MEMORY_BASE + 8 GiB (index + offset): the guard region' },
  { name: 'USER_WASM_STACK_TOP', value: 0x3fff_0000n, doc: 'top of an AssemblyScript program\'s machine stack (64 KiB unmapped above it)' },
  { name: 'USER_WASM_STACK_SIZE', value: 0x2_0000n, doc: 'size of that stack (unmapped below it: the guard)' },
  { name: 'MSG_MAX_WORDS', value: 64n, doc: 'most words in one IPC message (0..3 in registers, 4..63 in the IPC buffer)' },
  { name: 'INFO_TRUNCATED', value: 0x200n, doc: 'received info bit: words 4.. were dropped (the receiver\'s IPC buffer is missing, unmapped or read-only)' },
  { name: 'LABEL_FAULT', value: 0xffff_ffff_ffffn, doc: 'label of fault messages (words: kind, error code, address, rip)' },
  { name: 'IPCBUF_SEND_SLOT', value: 512n, doc: 'IPC buffer offset: the slot of the capability to send (info caps = 1)' },
  { name: 'IPCBUF_RECV_SLOT', value: 520n, doc: 'IPC buffer offset: the slot (1..127) where a received capability lands' },
  { name: 'IPCBUF_CAPS_RECEIVED', value: 528n, doc: 'IPC buffer offset: capabilities received (0 or 1; written when the sender sent one)' },
  { name: 'IPCBUF_CAP_STATUS', value: 536n, doc: 'IPC buffer offset: why a sent capability did not arrive (KErr; 0 = it did)' },
  { name: 'IPCBUF_SIZE', value: 544n, doc: 'bytes of the IPC buffer the kernel uses (it starts 512-aligned)' },
  { name: 'FAULT_EXIT', value: 512n, doc: 'fault kind of a thread that called exit and has a fault endpoint: FAULT_EXIT + status (it stays stopped until its supervisor kills it)' },
  { name: 'PROC_FIRST_FREE_SLOT', value: 5n, doc: 'slots 0..4 of a process\'s CNode are the kernel\'s (kernel/process.ts); proc_give fills the others' },
  { name: 'INIT_PRIORITY', value: 250n, doc: 'the initial process\'s priority; proc_spawn takes 1 .. INIT_PRIORITY - 1' },
  { name: 'LABEL_NOTIFICATION', value: 0xffff_ffff_fffen, doc: 'label of the message a receive returns for a bound notification (rdi = its bits, length 0)' },
  { name: 'IRQ_ANY', value: 255n, doc: 'IRQ handler capability for no line: res_derive makes handlers of any IRQ from it (the PCI server\'s)' },
  { name: 'IRQ_MSI_FIRST', value: 192n, doc: 'IRQs IRQ_MSI_FIRST .. + IRQ_MSI_COUNT - 1 are message signalled (PCI MSI, APIC mode only; vector 32 + IRQ), never an I/O APIC input' },
  { name: 'IRQ_MSI_COUNT', value: 16n, doc: 'how many MSI IRQs there are' },
  { name: 'DMA_WINDOW', value: 0xC000_0000n, doc: 'linear-memory address where servers map DMA and device memory (mem_map): far above the heap' },
  { name: 'USER_IPC_BUFFER', value: 0x7fff_ffe0_0000n, doc: 'where a process\'s thread has its IPC buffer: one zeroed read-write page, mapped by the kernel\'s process loader' },
  { name: 'FB_INFO_SIZE', value: 32n, doc: 'bytes fb_info writes' },
  { name: 'FB_TYPE_RGB', value: 1n, doc: 'fb_info type: a linear framebuffer of direct RGB pixels' },
  { name: 'FB_TYPE_EGA_TEXT', value: 2n, doc: 'fb_info type: VGA text mode (width x height cells of 2 bytes)' },
  { name: 'KLOG_SIZE', value: 32768n, doc: 'bytes of the console log the kernel keeps (klog_read)' },
  { name: 'POWER_OFF', value: 0n, doc: 'power(op): ACPI S5' },
  { name: 'POWER_RESET', value: 1n, doc: 'power(op): restart the machine' },
  { name: 'MEM_COPY_MAX', value: 0x2_0000n, doc: 'the most bytes one mem_copy copies (128 KiB: bounds the kernel\'s time with interrupts off)' },
];

/** Fault kinds for Wasm traps (the plan's fault messages): FAULT_WASM_TRAP + trap code. */
export const FAULT_WASM_TRAP = 256;
