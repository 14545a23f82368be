// sys_msi.ts — irq_msi(irq): what a PCI device must send to raise an MSI
// IRQ (interrupts.ts irqMsiMessage: the vector and the local APIC it goes
// to). The PCI server asks with the IRQ handler it derived for the device
// (res_derive from IRQ_ANY) and writes the message into the device's MSI
// capability (servers/pci/msi.ts); only the holder of a handler for that
// IRQ learns it, and the kernel itself never touches the device.

import { KErr } from "./errors";
import { OBJ_IRQ_HANDLER } from "./objects";
import { slot } from "./cap";
import { execCur } from "./exec";
import { capError, capLookup } from "./ipc";
import { irqMsiMessage } from "./interrupts";

export function sysIrqMsi(irq: u32): i64 {
  const id = capLookup(<u32>execCur, irq, OBJ_IRQ_HANDLER, 0);
  if (id < 0) return -<i64>capError;
  const m = irqMsiMessage(slot(<u32>id).obj);
  return m < 0 ? -<i64>KErr.INVALID_ARGUMENT : m;
}
