// pic.ts — the two cascaded 8259A interrupt controllers of the PC.
//
// BIOS leaves them delivering IRQ 0..15 on vectors 8..15 and 0x70..0x77,
// which collide with CPU exceptions. picInit() remaps them to 0x20..0x2F
// (vector 32 + IRQ, the same numbers interrupts.ts gives ISA IRQs behind an
// I/O APIC) with every line masked. With an I/O APIC they stay masked for
// good; without one (no MADT, or interrupts=pic on the command line) they
// are the interrupt controller: picUnmask/picMask per line (unmasking a
// slave line also opens the cascade, IRQ 2), picEoi after each interrupt,
// and picSpurious() to recognise the spurious IRQ 7 / 15 that an 8259
// raises when a request goes away before the CPU acknowledges it.

import { inb, outb } from "./x86";

const PIC1_CMD: u16 = 0x20;
const PIC1_DATA: u16 = 0x21;
const PIC2_CMD: u16 = 0xA0;
const PIC2_DATA: u16 = 0xA1;
const ICW1_INIT_ICW4: u8 = 0x11;   // edge triggered, cascade, ICW4 follows
const ICW4_8086: u8 = 0x01;
const OCW2_EOI: u8 = 0x20;
const OCW3_READ_ISR: u8 = 0x0B;
const CASCADE_IRQ: u32 = 2;

export const PIC_VECTOR_BASE: u32 = 0x20;

// The mask both chips hold (bit n = IRQ n masked); all masked after init.
export let picMaskBits: u32 = 0xFFFF;

// Port 0x80 (POST codes) takes a few hundred ns: the delay old 8259s
// want between initialisation words.
@inline function ioWait(): void {
  outb(0x80, 0);
}

function writeMask(): void {
  outb(PIC1_DATA, <u8>(picMaskBits & 0xFF));
  outb(PIC2_DATA, <u8>(picMaskBits >> 8));
}

// Remap to PIC_VECTOR_BASE.. and mask everything.
export function picInit(): void {
  outb(PIC1_DATA, 0xFF);            // quiet while reprogramming
  outb(PIC2_DATA, 0xFF);
  outb(PIC1_CMD, ICW1_INIT_ICW4); ioWait();
  outb(PIC2_CMD, ICW1_INIT_ICW4); ioWait();
  outb(PIC1_DATA, <u8>PIC_VECTOR_BASE); ioWait();        // ICW2: vector base
  outb(PIC2_DATA, <u8>(PIC_VECTOR_BASE + 8)); ioWait();
  outb(PIC1_DATA, <u8>(<u32>1 << CASCADE_IRQ)); ioWait();           // ICW3: slave on IRQ 2
  outb(PIC2_DATA, <u8>CASCADE_IRQ); ioWait();            // ICW3: slave identity
  outb(PIC1_DATA, ICW4_8086); ioWait();
  outb(PIC2_DATA, ICW4_8086); ioWait();
  picMaskBits = 0xFFFF;
  writeMask();
}

export function picMask(irq: u32): void {
  if (irq >= 16) return;
  picMaskBits |= 1 << irq;
  // The cascade stays open while any slave line is.
  if (irq >= 8 && (picMaskBits & 0xFF00) == 0xFF00) picMaskBits |= 1 << CASCADE_IRQ;
  writeMask();
}

export function picUnmask(irq: u32): void {
  if (irq >= 16) return;
  picMaskBits &= ~(1 << irq);
  if (irq >= 8) picMaskBits &= ~(1 << CASCADE_IRQ);
  writeMask();
}

export function picEoi(irq: u32): void {
  if (irq >= 8) outb(PIC2_CMD, OCW2_EOI);
  outb(PIC1_CMD, OCW2_EOI);
}

// Is this IRQ 7 or 15 a spurious one (not in the in-service register)?
// A spurious IRQ gets no EOI from its own chip, but a spurious IRQ 15
// still came through the master's cascade line, which needs one.
export function picSpurious(irq: u32): bool {
  if (irq != 7 && irq != 15) return false;
  const cmd = irq == 7 ? PIC1_CMD : PIC2_CMD;
  outb(cmd, OCW3_READ_ISR);
  const isr = inb(cmd);
  if (isr & 0x80) return false;
  if (irq == 15) outb(PIC1_CMD, OCW2_EOI);
  return true;
}
