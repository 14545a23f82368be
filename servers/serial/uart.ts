// uart.ts — the 16550 UART of COM1 through the server's I/O port
// capability (SLOT_IOPORTS, 0x3f8..0x3ff): receive interrupts on, FIFO
// with a 1-byte trigger, polled transmit. The kernel has set the line up
// (115200 8N1) and keeps printing its own reports on the same port.

import { sysIoportIn, sysIoportOut } from "../lib/sys";
import { SLOT_IOPORTS } from "../lib/proto";

const BASE: u32 = 0x3F8;
const THR: u32 = 0, RBR: u32 = 0, IER: u32 = 1, FCR: u32 = 2, MCR: u32 = 4, LSR: u32 = 5;
const LSR_DATA: u32 = 0x01, LSR_THR_EMPTY: u32 = 0x20;

@inline function rd(reg: u32): u32 { return <u32>sysIoportIn(SLOT_IOPORTS, BASE + reg, 1); }
@inline function wr(reg: u32, v: u32): void { sysIoportOut(SLOT_IOPORTS, BASE + reg, 1, v); }

// Interrupt on received data; FIFO on, cleared, trigger at 1 byte;
// DTR, RTS and OUT2 (which lets the interrupt reach the interrupt controller).
// False if the port capability does not work.
export function uartInit(): bool {
  if (sysIoportIn(SLOT_IOPORTS, BASE + LSR, 1) < 0) return false;
  wr(FCR, 0x07);
  wr(MCR, 0x0B);
  wr(IER, 0x01);
  return true;
}

@inline export function uartHasData(): bool { return (rd(LSR) & LSR_DATA) != 0; }
@inline export function uartRead(): u8 { return <u8>rd(RBR); }

export function uartWrite(b: u32): void {
  let spins = 0;
  while ((rd(LSR) & LSR_THR_EMPTY) == 0 && spins < 100000) spins++;
  wr(THR, b);
}
