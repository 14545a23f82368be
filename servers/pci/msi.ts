// msi.ts — Message Signalled Interrupts: a device's MSI capability in its
// configuration space (capability ID 5 on the list the status register's
// bit 4 announces, head at 0x34) and programming it. On a PC in APIC mode
// this is how a PCI device interrupts without the ACPI _PRT: the device
// writes the message (address 0xFEE00000 | local APIC ID << 12, data =
// vector; fixed delivery, edge) to the local APIC, past the I/O APIC. The
// kernel says which message an MSI IRQ is (irq_msi, kernel/interrupts.ts
// irqMsiMessage); main.ts asks it with the IRQ handler it derives.

import { cfgRead, cfgWrite } from "./config";

const CAP_ID_MSI: u32 = 5;
const STATUS_CAP_LIST: u32 = 1 << 20;     // status (bits 16..31 of dword 4), bit 4
const CMD_INTX_DISABLE: u32 = 1 << 10;
const MC_ENABLE: u32 = 1 << 16;           // message control = bits 16..31 of the capability's dword 0
const MC_MME: u32 = 7 << 20;              // multiple message enable (0: one vector)
const MC_64BIT: u32 = 1 << 23;
const MC_MASKABLE: u32 = 1 << 24;

// Offset of the MSI capability of device b, 0 when it has none.
export function msiFind(b: u32): u32 {
  if ((cfgRead(b, 4) & STATUS_CAP_LIST) == 0) return 0;
  let off = cfgRead(b, 0x34) & 0xFC;
  for (let n = 0; off >= 0x40 && n < 48; n++) {  // bounded: a looping list ends too
    const w = cfgRead(b, off);
    if ((w & 0xFF) == CAP_ID_MSI) return off;
    off = (w >> 8) & 0xFC;
  }
  return 0;
}

// Program the MSI capability at `off` of device b with `message` (irq_msi's:
// vector | APIC ID << 8), one vector, unmasked, enabled; INTx off.
export function msiProgram(b: u32, off: u32, message: u64): void {
  const mc = cfgRead(b, off) & ~(MC_ENABLE | MC_MME);
  cfgWrite(b, off, mc);
  cfgWrite(b, off + 4, 0xFEE0_0000 | (<u32>((message >> 8) & 0xFF) << 12));
  const is64 = (mc & MC_64BIT) != 0;
  if (is64) cfgWrite(b, off + 8, 0);
  cfgWrite(b, off + (is64 ? 0xC : 8), <u32>(message & 0xFF));
  if ((mc & MC_MASKABLE) != 0) cfgWrite(b, off + (is64 ? 0x10 : 0xC), 0);
  cfgWrite(b, off, mc | MC_ENABLE);
  cfgWrite(b, 4, (cfgRead(b, 4) & 0xFFFF) | CMD_INTX_DISABLE);
}
