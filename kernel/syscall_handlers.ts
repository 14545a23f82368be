// syscall_handlers.ts — one handler per system call of the table
// (toolchain/src/abi/syscalls.ts), by the names the generated dispatch
// (syscall_dispatch.ts) calls: sys<Name>(typed arguments): i64. Each lives
// in the module of its subject; this file only gathers them. Adding a
// system call: its table entry, `make abi`, its handler, and (if it lives
// in a module not listed here) one line below.

export * from "./sys_basic";  // null, debug_putc, debug_write, exit, yield
export * from "./sys_ipc";    // IPC, notifications, IRQs, capabilities
export { sysMemoryGrow, sysTrap } from "./wasm_user"; // AssemblyScript user programs
export * from "./sys_process"; // processes, objects, I/O ports, clock, timers, memory (servers/init)
export * from "./sys_dma";     // DMA memory, device memory, narrowing hardware capabilities (servers/pci, drivers)
export { sysMemCopy } from "./sys_memcopy"; // copies between memory objects (servers/fs: clients' buffers)
export { sysIrqMsi } from "./sys_msi";   // MSI messages for PCI devices (servers/pci)
export { sysIpcTrace } from "./ipctrace"; // IPC tracing (the shell's ipctrace)
export * from "./sys_console"; // framebuffer info, console log, power (servers/console, kbd, init)
export * from "./sys_thread";  // thread create, resume, suspend, priority (servers/ktest, kbench)
