// serial.ts — output on the first 16550 UART (COM1), the kernel's console.
//
// The boot stub has already programmed COM1 for 115200 baud, 8N1, so all
// that is left is: wait until the transmit holding register is empty, then
// write the byte. print.ts builds on the two functions exported here.
// Every byte also goes into the console log (klog.ts) for the screen.

import { inb, outb, pause } from "./x86";
import { klogPut } from "./klog";

const COM1: u16 = 0x3F8;
const THR: u16 = COM1 + 0;   // transmit holding register (write)
const LSR: u16 = COM1 + 5;   // line status register (read)
const LSR_THR_EMPTY: u8 = 0x20;

// On a machine without a UART the status port floats; never wait for ever.
const MAX_SPINS: i32 = 100_000;

// Send one raw byte (and keep it in the console log, klog.ts).
export function serialWriteByte(b: u8): void {
  klogPut(b);
  for (let i = 0; i < MAX_SPINS; i++) {
    if (inb(LSR) & LSR_THR_EMPTY) break;
    pause();
  }
  outb(THR, b);
}

// Send one byte of text: a terminal wants "\r\n" for a new line.
export function serialPutByte(b: u8): void {
  if (b == 0x0A) serialWriteByte(0x0D);
  serialWriteByte(b);
}

// Send an AssemblyScript string (UTF-16) as UTF-8. An unpaired surrogate
// becomes '?'.
export function serialPutString(s: string): void {
  const base = changetype<usize>(s);
  const n = <usize>s.length;
  for (let i: usize = 0; i < n; i++) {
    const c = <u32>load<u16>(base + (i << 1));
    if (c < 0x80) {
      serialPutByte(<u8>c);
    } else if (c < 0x800) {
      serialWriteByte(<u8>(0xC0 | (c >> 6)));
      serialWriteByte(<u8>(0x80 | (c & 0x3F)));
    } else if (c >= 0xD800 && c < 0xE000) {
      // A surrogate: valid only as a high one followed by a low one.
      const lo = i + 1 < n ? <u32>load<u16>(base + ((i + 1) << 1)) : 0;
      if (c < 0xDC00 && lo >= 0xDC00 && lo < 0xE000) {
        const cp = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        serialWriteByte(<u8>(0xF0 | (cp >> 18)));
        serialWriteByte(<u8>(0x80 | ((cp >> 12) & 0x3F)));
        serialWriteByte(<u8>(0x80 | ((cp >> 6) & 0x3F)));
        serialWriteByte(<u8>(0x80 | (cp & 0x3F)));
        i++;
      } else {
        serialWriteByte(0x3F);
      }
    } else {
      serialWriteByte(<u8>(0xE0 | (c >> 12)));
      serialWriteByte(<u8>(0x80 | ((c >> 6) & 0x3F)));
      serialWriteByte(<u8>(0x80 | (c & 0x3F)));
    }
  }
}
