// klog.ts — the console log: a ring of the last KLOG_SIZE bytes the kernel
// sent to COM1 (serial.ts calls klogPut for every byte: the kernel's own
// lines and every process's debug_write), plus bytes a process adds with
// klog_write (the serial driver's output, which goes to the UART from user
// space). The screen console (servers/console) reads it with klog_read and
// so shows what the serial console shows, in the same order.
//
// Positions count every byte ever logged (klogHead); the ring keeps
// [klogHead - KLOG_SIZE, klogHead). A reader that fell further behind
// loses the oldest bytes and resumes at the oldest one kept.

export const KLOG_SIZE: u64 = 32768;        // a power of two
const ring = memory.data(<i32>KLOG_SIZE, 8);

export let klogHead: u64 = 0;

@inline export function klogPut(b: u8): void {
  store<u8>(ring + <usize>(klogHead & (KLOG_SIZE - 1)), b);
  klogHead++;
}

// The first position still in the ring at or after `pos`.
export function klogStart(pos: u64): u64 {
  const oldest = klogHead > KLOG_SIZE ? klogHead - KLOG_SIZE : 0;
  return pos < oldest ? oldest : pos > klogHead ? klogHead : pos;
}

// The byte at position `pos` (which must be in the ring).
@inline export function klogByte(pos: u64): u8 {
  return load<u8>(ring + <usize>(pos & (KLOG_SIZE - 1)));
}
