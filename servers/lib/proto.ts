// proto.ts — what init and the servers it starts agree on: the capability
// slots init fills in each server's CNode (proc_give), and the message
// labels of init's control interface, of every server, and of the serial
// driver. Names travel as two words (16 bytes, zero-padded).
//
// Slots of a server (0..4 are the kernel's, kernel/process.ts):
//   SLOT_INIT     init's endpoint, badged with the server's number: calls
//                 to init's control interface (what it may do: manifest grant=)
//   SLOT_SELF     the server's own endpoint: it receives its requests there
//   SLOT_IRQ      its IRQ handler (manifest irq=)
//   SLOT_IOPORTS  its I/O ports (manifest ioports=)
//   SLOT_NTFN     a notification of its own (IRQs and timers)
//   SLOT_USES+k   the endpoint of the k-th server of its uses= list

export const SLOT_INIT: u32 = 5;
export const SLOT_SELF: u32 = 6;
export const SLOT_IRQ: u32 = 7;
export const SLOT_IOPORTS: u32 = 8;
export const SLOT_NTFN: u32 = 9;
export const SLOT_USES: u32 = 10;

// --- every server (on SLOT_SELF) ---
export const L_PING: u64 = 1;          // from init's watchdog (sent, not called): ignore
export const L_CRASH: u64 = 2;         // w0 = kind (commands.ts CRASH_*): fault on purpose

// --- init's control interface (call on SLOT_INIT) ---
export const L_PS: u64 = 16;           // w0 = index -> label 0 and w0 = state | prio << 8 | restarts << 16 | generation << 32,
                                       //    w1, w2 = name, w3 = crashes | tid << 32; label E_NO_SERVER past the end
export const L_KILL: u64 = 17;         // w0, w1 = name
export const L_RESTART: u64 = 18;      // w0, w1 = name
export const L_CRASH_SERVER: u64 = 19; // w0, w1 = name, w2 = kind
export const L_REBOOT: u64 = 20;
export const L_POWEROFF: u64 = 21;
export const L_TICK: u64 = 22;         // the ticker's clock tick (sent)
export const L_NOP: u64 = 23;          // answered at once (benchmarks)
export const L_TRACE: u64 = 24;        // w0 = ipc_trace mode (0 off, 1 calls/replies/faults, 2 all)
export const L_LOOKUP: u64 = 25;       // w0, w1 = name -> the server's endpoint (a capability, into the
                                       //    caller's IPC-buffer receive slot) and w0 = its name's generation

// answers of init (the reply's label)
export const E_OK: u64 = 0;
export const E_NO_SERVER: u64 = 1;
export const E_NOT_ALLOWED: u64 = 2;
export const E_BUSY: u64 = 3;
export const E_DOWN: u64 = 4;

// --- the serial driver (call on its endpoint) ---
export const L_WRITE: u64 = 32;        // w0 = byte count, bytes from word 1 on (8 per word, up to SERIAL_WRITE_MAX)
export const L_INPUT: u64 = 34;        // w0 = byte count (1..24), bytes in w1..w3: input from another device
                                       //    (servers/kbd), taken as if typed on the serial port
export const L_READ: u64 = 33;         // -> w0 = byte count (1..24), bytes in w1..w3; waits for input
export const SERIAL_WRITE_MAX: i32 = 63 * 8;

// n bytes (at most 16) at p as two words.
export function nameWords0(p: usize, n: i32): u64 { return packWord(p, n, 0); }
export function nameWords1(p: usize, n: i32): u64 { return packWord(p, n, 8); }

function packWord(p: usize, n: i32, from: i32): u64 {
  let w: u64 = 0;
  for (let i = 7; i >= 0; i--) {
    const k = from + i;
    w = (w << 8) | (k < n ? <u64>load<u8>(p + <usize>k) : 0);
  }
  return w;
}

// Unpack a two-word name into 16 bytes at out; returns its length.
export function unpackName(w0: u64, w1: u64, out: usize): i32 {
  store<u64>(out, w0);
  store<u64>(out + 8, w1);
  let n = 0;
  while (n < 16 && load<u8>(out + <usize>n) != 0) n++;
  return n;
}

// --- the screen console (servers/console) ---
// SLOT_FB: the device-memory capability for exactly the framebuffer's pages
// (manifest grant=framebuffer; init makes it with devmem_create from fb_info).
export const SLOT_FB: u32 = 14;
// SLOT_DEVMEM: device memory from the manifest's devmem= (the PCI server
// narrows it to single BARs for drivers; kernel/sys_dma.ts res_derive)
export const SLOT_DEVMEM: u32 = 15;
