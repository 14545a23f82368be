// main.ts — servers/ahci: the AHCI SATA disk driver (QEMU's ich9-ahci,
// built into -machine q35 or added with -device ahci; the SATA controller
// of real PCs). Through the PCI server (manifest uses=pci) it finds the
// first AHCI controller (class 01:06:01) with a SATA disk, gets a
// capability for exactly its registers (BAR 5, device memory mapped
// uncached at ABAR) and its interrupt, takes the controller from the
// firmware and resets it (hba.ts), brings up each implemented port and
// takes the first one whose device signature is an ATA disk (an ATAPI CD
// such as the boot CD is left alone), identifies it, and serves the block
// interface of servers/lib/storage.ts with the loop every block driver
// shares (servers/lib/blkserve.ts): READ / WRITE DMA EXT (48-bit LBA)
// straight into the client's DMA buffer, FLUSH CACHE EXT; completion by
// interrupt, errors answered with E_BLK_IO after the port's recovery
// (command.ts). No controller or no disk: it idles, answering E_BLK_NODEV.
//
// Its DMA page (dma_alloc, mapped at HW_WINDOW):
//   0x000 command list (32 headers; slot 0 used)   0x400 received FISes
//   0x500 command table (register FIS, PRDT at +0x80)   0x800 IDENTIFY data

import { sysCapDelete, sysDmaAlloc, sysIrqAck, sysMemMap } from "../lib/sys";
import { call, capsReceived, lastMsg, setRecvSlot } from "../lib/msg";
import { print, printByte, printDec, printHex, println } from "../lib/print";
import { SLOT_USES } from "../lib/proto";
import { BLK_KIND_AHCI, HW_WINDOW, L_PCI_BAR, L_PCI_CAP, L_PCI_ENABLE, L_PCI_FIND, PCI_CAP_IRQ, PCI_CAP_MSI } from "../lib/storage";
import { bindIrq, BlockDriver, serveBlock } from "../lib/blkserve";
import { ABAR, powerPort, prd, pwr, rd, startPort, stopPort, takeController, wr } from "./hba";
import { ataCommand, Slot } from "./command";
import {
  ATA_FLUSH_EXT, ATA_IDENTIFY, ATA_READ_DMA_EXT, ATA_WRITE_DMA_EXT, CAP, CAP_S64A, GHC, GHC_AE, GHC_IE, IE_ENABLED, IS, PI,
  PxCLB, PxFB, PxIE, PxIS, PxSIG, SIG_ATA, SIG_ATAPI, VS
} from "./regs";

const PCI: u32 = SLOT_USES;
const SLOT_ABAR: u32 = 20, SLOT_DIRQ: u32 = 21, SLOT_DMA: u32 = 22, SLOT_IRQ_NTFN: u32 = 23;
const MEM: usize = HW_WINDOW;
const CL_OFF: u32 = 0x000, FB_OFF: u32 = 0x400, CT_OFF: u32 = 0x500, ID_OFF: u32 = 0x800;
const ID: usize = MEM + ID_OFF;

let memPhys: u64 = 0;
const slot = new Slot();

function fail(what: string, e: i64 = 0): bool {
  print("ahci: "); print(what);
  if (e != 0) { print(" (error "); printDec(<u64>(-e)); print(")"); }
  println();
  return false;
}

// Two lower-case hex digits (bus and device numbers as lspci shows them).
function hex2(v: u32): void {
  for (let i = 1; i >= 0; i--) { const d = <u8>((v >> (<u32>i << 2)) & 15); printByte(d < 10 ? 0x30 + d : 0x57 + d); }
}

// IDENTIFY DEVICE on the slot's port: the disk's size in sectors, 0 if unusable.
function identify(): u64 {
  const p = slot.port;
  if (ataCommand(slot, ATA_IDENTIFY, 0, 0, memPhys + ID_OFF, 512, false) != 0) return 0;
  print("ahci: port "); printDec(p); print(": SATA disk '");
  let last = 0;                                   // the model, words 27..46, bytes swapped, without trailing blanks
  for (let i = 0; i < 40; i++) if (load<u8>(ID + 54 + <usize>(i ^ 1)) != 0x20) last = i + 1;
  for (let i = 0; i < last; i++) printByte(load<u8>(ID + 54 + <usize>(i ^ 1)));
  print("', ");
  if ((load<u16>(ID, 83 * 2) & (1 << 10)) == 0) { println("no 48-bit LBA: not used"); return 0; }
  const w106 = <u32>load<u16>(ID, 106 * 2);
  if ((w106 & 0xC000) == 0x4000 && (w106 & 0x1000) != 0 && load<u32>(ID, 117 * 2) != 256) {
    print("logical sectors of "); printDec(<u64>load<u32>(ID, 117 * 2) * 2); println(" bytes: not used");
    return 0;
  }
  const n = load<u64>(ID, 100 * 2);
  printDec(n); print(" sectors ("); printDec(n >> 11); println(" MiB)");
  return n;
}

// Bring up the controller at PCI index `index`; true when it has a usable disk.
function tryController(index: u64, info0: u64, info1: u64): bool {
  call(PCI, L_PCI_ENABLE, 1, index);
  sysCapDelete(SLOT_ABAR);
  setRecvSlot(SLOT_ABAR);
  let r = call(PCI, L_PCI_CAP, 2, index, 5);
  if (r != 0 || lastMsg().label != 0 || capsReceived() == 0) return fail("no device-memory capability for BAR 5 (the PCI server's devmem=)", r);
  r = call(PCI, L_PCI_BAR, 2, index, 5);
  const base = lastMsg().w0;
  const e = sysMemMap(SLOT_ABAR, ABAR, 1);
  if (e != 0) return fail("mapping BAR 5", e);
  const bdf = <u32>(info0 & 0xFFFF);
  print("ahci: controller "); hex2(bdf >> 8); print(":"); hex2((bdf >> 3) & 31); print("."); printDec(bdf & 7);
  print(" at "); printHex(base, 0); print(", AHCI "); printDec(rd(VS) >> 16); print("."); printDec((rd(VS) >> 8) & 0xFF);
  print(", "); printDec((rd(CAP) & 31) + 1); print(" ports, irq "); printDec((info1 >> 24) & 0xFF); println();
  if (!takeController()) { fail("the controller did not finish its reset"); sysCapDelete(SLOT_ABAR); return false; }
  const pi = rd(PI);
  const cap = rd(CAP);
  if ((cap & CAP_S64A) == 0 && (memPhys >> 32) != 0) { fail("32-bit controller, DMA memory above 4 GiB"); sysCapDelete(SLOT_ABAR); return false; }
  for (let p: u32 = 0; p < 32; p++) {
    if ((pi & (1 << p)) == 0) continue;
    if (!stopPort(p)) { print("ahci: port "); printDec(p); println(": does not stop, skipped"); continue; }
    pwr(p, PxCLB, <u32>(memPhys + CL_OFF)); pwr(p, PxCLB + 4, <u32>((memPhys + CL_OFF) >> 32));
    pwr(p, PxFB, <u32>(memPhys + FB_OFF)); pwr(p, PxFB + 4, <u32>((memPhys + FB_OFF) >> 32));
    if (!powerPort(p)) continue;                 // nothing attached
    const sig = prd(p, PxSIG);
    if (sig != SIG_ATA) {
      print("ahci: port "); printDec(p); print(": signature "); printHex(sig, 8);
      println(sig == SIG_ATAPI ? " (ATAPI), not a disk" : ", not a disk");
      stopPort(p);
      continue;
    }
    slot.port = p;
    if (!startPort(p)) { print("ahci: port "); printDec(p); println(": does not start"); stopPort(p); continue; }
    pwr(p, PxIS, 0xFFFF_FFFF);
    pwr(p, PxIE, IE_ENABLED);
    wr(IS, 0xFFFF_FFFF);
    wr(GHC, GHC_AE | GHC_IE);
    const n = identify();
    if (n == 0) { pwr(p, PxIE, 0); stopPort(p); continue; }
    disk.sectors = n;
    return true;
  }
  wr(GHC, GHC_AE);
  sysCapDelete(SLOT_ABAR);                       // unmaps
  return false;
}

// The PCI server's IRQ handler `what` (PCI_CAP_MSI or PCI_CAP_IRQ) of
// device `index` in SLOT_DIRQ, bound to the driver's notification.
function irqCap(index: u64, what: u64): bool {
  sysCapDelete(SLOT_DIRQ);
  setRecvSlot(SLOT_DIRQ);
  const r = call(PCI, L_PCI_CAP, 2, index, what);
  return r == 0 && lastMsg().label == 0 && capsReceived() != 0 && bindIrq(SLOT_DIRQ, SLOT_IRQ_NTFN);
}

function probe(): bool {
  const mp = sysDmaAlloc(SLOT_DMA, 1);
  if (mp < 0) return fail("no DMA memory", mp);
  memPhys = <u64>mp;
  const e = sysMemMap(SLOT_DMA, MEM, 1);
  if (e != 0) return fail("mapping the DMA page", e);
  slot.cl = MEM + CL_OFF;
  slot.ct = MEM + CT_OFF;
  slot.ctPhys = memPhys + CT_OFF;
  for (let nth: u64 = 0; nth < 8; nth++) {
    const r = call(PCI, L_PCI_FIND, 4, 0xFFFF, 0xFFFF, 0x010601, nth);
    if (r != 0) return fail("no PCI server", r);
    if (lastMsg().label != 0) break;
    const index = lastMsg().w3, info0 = lastMsg().w0, info1 = lastMsg().w1;
    // The interrupt first (a notification), so that IDENTIFY already completes by it.
    // MSI when the device and the machine have it (a real PC routes the
    // INTx line only per ACPI _PRT), else the line the firmware wrote.
    const msi = irqCap(index, PCI_CAP_MSI);
    slot.irq = msi || irqCap(index, PCI_CAP_IRQ) ? SLOT_DIRQ : 0;
    if (slot.irq != 0) {
      sysIrqAck(SLOT_DIRQ);
      if (msi) println("ahci: interrupts by MSI");
      else { print("ahci: interrupts by INTx line "); printDec((info1 >> 24) & 0xFF); println(); }
    }
    if (tryController(index, info0, info1)) {
      print("ahci: using port "); printDec(slot.port); print(", irq "); println(slot.irq != 0 ? "yes" : "no (timer polling)");
      return true;
    }
  }
  return fail("no SATA disk on an AHCI controller");
}

// The disk as the block interface's driver (servers/lib/blkserve.ts).
class AhciDisk extends BlockDriver {
  transfer(write: bool, first: u64, n: u32, phys: u64): u32 {
    if ((phys & 1) != 0) return 0x200_0000;      // a PRD needs an even address
    return ataCommand(slot, write ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT, first, n, phys, n << 9, write);
  }
  flush(): u32 { return ataCommand(slot, ATA_FLUSH_EXT, 0, 0, 0, 0, false); }
}

const disk = new AhciDisk();
disk.kind = BLK_KIND_AHCI;
disk.present = probe();
println("ahci: ready");
serveBlock(disk);
