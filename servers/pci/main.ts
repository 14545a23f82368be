// main.ts — servers/pci: the PCI bus server. Enumerates configuration space
// through ports 0xCF8/0xCFC (mechanism #1) with the broad I/O port
// capability init gives it (manifest ioports=0x0+0xffff), sizes every BAR,
// prints one line per device, and answers its clients (servers/lib/storage.ts
// L_PCI_*): device info, lookup by vendor/device/class, BARs, enabling a
// device, and capabilities for EXACTLY one device's resources, derived
// with res_derive (kernel/sys_dma.ts) from the broad ones it holds: the
// ports of an I/O BAR, the device memory of a memory BAR (from the
// device-memory capability in SLOT_DEVMEM, if init gave one), the IRQ
// handler of its interrupt line (from the any-IRQ handler in SLOT_IRQ), or
// of an MSI IRQ (IRQ_MSI_FIRST + the device's index) after programming the
// device's MSI capability with the message the kernel names (msi.ts).
// Drivers never touch configuration space themselves.

import { sysCapDelete, sysIrqMsi, sysMemMap, sysRecv, sysResDerive, IRQ_MSI_COUNT, IRQ_MSI_FIRST } from "../lib/sys";
import { lastMsg, replyRecv, setSendCap } from "../lib/msg";
import { print, printByte, printDec, printHex, println } from "../lib/print";
import { crashCheck } from "../lib/crash";
import { L_PING, SLOT_DEVMEM, SLOT_IOPORTS, SLOT_IRQ, SLOT_SELF } from "../lib/proto";
import {
  E_PCI_NOCAP, E_PCI_NONE, L_PCI_BAR, L_PCI_CAP, L_PCI_ENABLE, L_PCI_FIND, L_PCI_INFO, PCI_CAP_IRQ, PCI_CAP_MSI
} from "../lib/storage";
import { cfgRead, cfgWrite } from "./config";
import { msiFind, msiProgram } from "./msi";
import { msgInfo } from "../lib/msg";
import { selfCheck } from "./selfcheck";
import { sysReplyRecv } from "../lib/sys";

const SLOT_TMP: u32 = 41;      // a derived capability on its way to a client

const MAX_DEV = 64;
let count = 0;
const bdf = new StaticArray<u32>(MAX_DEV);
const ids = new StaticArray<u32>(MAX_DEV);      // vendor | device << 16
const cls = new StaticArray<u32>(MAX_DEV);      // class << 16 | subclass << 8 | prog-if
const irqLine = new StaticArray<u32>(MAX_DEV);
const rev = new StaticArray<u32>(MAX_DEV);
const barBase = new StaticArray<u64>(MAX_DEV * 6);
const barSize = new StaticArray<u64>(MAX_DEV * 6);
const barIo = new StaticArray<u8>(MAX_DEV * 6);
const msiShown = new StaticArray<u8>(MAX_DEV);  // its "MSI:" line printed


// Base and size of every BAR of device i (type-0 header).
function sizeBars(i: i32): void {
  const b = bdf[i];
  const cmd = cfgRead(b, 4);
  cfgWrite(b, 4, cmd & ~<u32>3);               // decoding off while sizing
  for (let k = 0; k < 6; k++) {
    const off = 0x10 + 4 * <u32>k;
    const v = cfgRead(b, off);
    cfgWrite(b, off, 0xFFFF_FFFF);
    const m = cfgRead(b, off);
    cfgWrite(b, off, v);
    const j = i * 6 + k;
    if (m == 0 || m == 0xFFFF_FFFF && v == 0xFFFF_FFFF) continue;
    if (v & 1) {                                // I/O
      const mask = m & 0xFFFF_FFFC & 0xFFFF;
      if (mask == 0) continue;
      barIo[j] = 1;
      barBase[j] = v & 0xFFFC;
      barSize[j] = <u64>((~mask + 1) & 0xFFFF);
    } else {
      let base: u64 = v & 0xFFFF_FFF0;
      let mask: u64 = (m & 0xFFFF_FFF0) | 0xFFFF_FFFF_0000_0000;
      if (((v >> 1) & 3) == 2 && k < 5) {       // 64-bit: the next BAR is the high half
        const hv = cfgRead(b, off + 4);
        cfgWrite(b, off + 4, 0xFFFF_FFFF);
        const hm = cfgRead(b, off + 4);
        cfgWrite(b, off + 4, hv);
        base |= <u64>hv << 32;
        mask = (<u64>hm << 32) | (m & 0xFFFF_FFF0);
        barBase[j] = base; barSize[j] = ~mask + 1;
        k++;
        continue;
      }
      if ((m & 0xFFFF_FFF0) == 0) continue;
      barBase[j] = base;
      barSize[j] = ~mask + 1;
    }
  }
  cfgWrite(b, 4, cmd);
}

// Lower-case hex without "0x", at least w digits (w = 0: as many as needed, with 0x).
function hex(v: u64, w: i32): void {
  if (w == 0) { printHex(v, 0); return; }
  let n = 1;
  while (n < 16 && (v >> (<u64>n << 2)) != 0) n++;
  if (n < w) n = w;
  for (let i = n - 1; i >= 0; i--) {
    const d = <u8>((v >> (<u64>i << 2)) & 15);
    printByte(d < 10 ? 0x30 + d : 0x57 + d);
  }
}

function scan(): void {
  for (let bus: u32 = 0; bus < 256; bus++) {
    for (let dev: u32 = 0; dev < 32; dev++) {
      for (let fn: u32 = 0; fn < 8; fn++) {
        const b = (bus << 8) | (dev << 3) | fn;
        const id = cfgRead(b, 0);
        if ((id & 0xFFFF) == 0xFFFF) { if (fn == 0) break; continue; }
        if (count < MAX_DEV) {
          const i = count++;
          bdf[i] = b;
          ids[i] = id;
          const c = cfgRead(b, 8);
          cls[i] = c >> 8;
          rev[i] = c & 0xFF;
          irqLine[i] = cfgRead(b, 0x3C) & 0xFF;
          const hdr = (cfgRead(b, 0xC) >> 16) & 0x7F;
          if (hdr == 0) sizeBars(i);
        }
        if (fn == 0 && ((cfgRead(b, 0xC) >> 16) & 0x80) == 0) break; // single function
      }
    }
  }
}

function printDevice(i: i32): void {
  const b = bdf[i];
  print("pci: "); hex(b >> 8, 2); print(":"); hex((b >> 3) & 31, 2); print("."); printDec(b & 7);
  print(" "); hex(ids[i] & 0xFFFF, 4); print(":"); hex(ids[i] >> 16, 4);
  print(" class "); hex(cls[i], 6);
  if (irqLine[i] != 0 && irqLine[i] != 0xFF) { print(" irq "); printDec(irqLine[i]); }
  for (let k = 0; k < 6; k++) {
    const j = i * 6 + k;
    if (barSize[j] == 0) continue;
    print(" bar"); printDec(k); print(barIo[j] ? " io " : " mem "); hex(barBase[j], 0); print("+"); hex(barSize[j], 0);
  }
  println();
}

function infoW0(i: i32): u64 { return <u64>bdf[i] | (<u64>ids[i] << 16); }
function infoW1(i: i32): u64 { return <u64>cls[i] | (<u64>irqLine[i] << 24) | (<u64>rev[i] << 32); }
function infoW2(i: i32): u64 {
  let m: u64 = 0;
  for (let k = 0; k < 6; k++) if (barSize[i * 6 + k] != 0) m |= <u64>1 << k;
  return m;
}

function matches(i: i32, vendor: u64, device: u64, klass: u64): bool {
  if (vendor != 0xFFFF && (ids[i] & 0xFFFF) != <u32>vendor) return false;
  if (device != 0xFFFF && (ids[i] >> 16) != <u32>device) return false;
  if (klass != 0xFFFFFF) {
    if ((klass & 0xFF) == 0xFF) { if ((cls[i] >> 8) != <u32>(klass >> 8)) return false; }
    else if (cls[i] != <u32>klass) return false;
  }
  return true;
}

// A capability for resource `what` of device i into SLOT_TMP; 0 or an E_PCI_* label.
function derive(i: i32, what: u64): u64 {
  sysCapDelete(SLOT_TMP);
  if (what == PCI_CAP_IRQ) {
    const irq = irqLine[i];
    if (irq == 0 || irq >= 24) return E_PCI_NONE;
    return sysResDerive(SLOT_IRQ, SLOT_TMP, irq, 1) == 0 ? 0 : E_PCI_NOCAP;
  }
  if (what == PCI_CAP_MSI) return deriveMsi(i);
  if (what > 5) return E_PCI_NONE;
  const j = i * 6 + <i32>what;
  if (barSize[j] == 0) return E_PCI_NONE;
  if (barIo[j]) return sysResDerive(SLOT_IOPORTS, SLOT_TMP, barBase[j], barSize[j]) == 0 ? 0 : E_PCI_NOCAP;
  // Device memory: whole pages; the broad capability covers [its base, ...): init's devmem= starts at DEVMEM_BASE.
  const pages = (barSize[j] + 0xFFF) >> 12;
  if (barBase[j] < DEVMEM_BASE) return E_PCI_NOCAP;
  return sysResDerive(SLOT_DEVMEM, SLOT_TMP, (barBase[j] - DEVMEM_BASE) >> 12, pages) == 0 ? 0 : E_PCI_NOCAP;
}
// An MSI IRQ for device i (E_PCI_NONE: no MSI capability, no MSI IRQ left,
// or no local APIC): one per device, so a driver that asks again (it
// restarted) gets the same IRQ and the device the same message.
function deriveMsi(i: i32): u64 {
  const off = msiFind(bdf[i]);
  if (off == 0 || <u64>i >= IRQ_MSI_COUNT) return E_PCI_NONE;
  const irq = IRQ_MSI_FIRST + <u64>i;
  if (sysResDerive(SLOT_IRQ, SLOT_TMP, irq, 1) != 0) return E_PCI_NOCAP;
  const m = sysIrqMsi(SLOT_TMP);
  if (m < 0) { sysCapDelete(SLOT_TMP); return E_PCI_NONE; }
  msiProgram(bdf[i], off, <u64>m);
  if (msiShown[i]) return 0;                   // said once (a restarted driver asks again)
  msiShown[i] = 1;
  const b = bdf[i];
  print("pci: "); hex(b >> 8, 2); print(":"); hex((b >> 3) & 31, 2); print("."); printDec(b & 7);
  print(" MSI: IRQ "); printDec(irq); print(", vector "); printHex(<u64>m & 0xFF, 2);
  print(", local APIC "); printDec((<u64>m >> 8) & 0xFF); println();
  return 0;
}
const DEVMEM_BASE: u64 = 0x8000_0000; // what the manifest's devmem= gives (see bootmanifest.ts)

selfCheck();
// Device memory end to end: the AHCI controller's registers (BAR 5), derived
// from init's devmem= capability exactly as a driver gets them, mapped
// uncached; its version register read.
function mmioCheck(): void {
  for (let i = 0; i < count; i++) {
    if (cls[i] != 0x010601 || barSize[i * 6 + 5] == 0 || barIo[i * 6 + 5]) continue;
    if (derive(i, 5) != 0) { println("pci: no device memory for the AHCI registers (manifest devmem=)"); return; }
    const va: usize = <usize>0xC000_0000 + 0x100_0000;
    const e = sysMemMap(SLOT_TMP, va, 0);
    if (e != 0) { print("pci: mapping AHCI BAR 5 failed: "); printDec(<u64>(-e)); println(); sysCapDelete(SLOT_TMP); return; }
    const vs = load<u32>(va + 0x10);
    print("pci: MMIO: AHCI registers at "); printHex(barBase[i * 6 + 5], 0); print(" mapped uncached, version ");
    printDec(vs >> 16); print("."); printDec((vs >> 8) & 0xFF); println();
    sysCapDelete(SLOT_TMP);   // unmaps
    return;
  }
}

println("pci: scanning configuration space");
scan();
for (let i = 0; i < count; i++) printDevice(i);
mmioCheck();
print("pci: "); printDec(<u64>count); println(" devices; ready");

sysRecv(SLOT_SELF, changetype<usize>(lastMsg()));
while (true) {
  const m = lastMsg();
  const label = m.label;
  const i = <i32>m.w0;
  if (crashCheck(label, m.w0)) { sysRecv(SLOT_SELF, changetype<usize>(lastMsg())); continue; }   // L_CRASH: armed
  if (label == L_PCI_INFO) {
    if (m.w0 >= <u64>count) replyRecv(SLOT_SELF, E_PCI_NONE, 0);
    else replyRecv(SLOT_SELF, 0, 3, infoW0(i), infoW1(i), infoW2(i));
  } else if (label == L_PCI_FIND) {
    let n = m.w3, found = -1;
    for (let k = 0; k < count; k++) {
      if (!matches(k, m.w0, m.w1, m.w2)) continue;
      if (n == 0) { found = k; break; }
      n--;
    }
    if (found < 0) replyRecv(SLOT_SELF, E_PCI_NONE, 0);
    else replyRecv(SLOT_SELF, 0, 4, infoW0(found), infoW1(found), infoW2(found), <u64>found);
  } else if (label == L_PCI_BAR) {
    if (m.w0 >= <u64>count || m.w1 > 5) replyRecv(SLOT_SELF, E_PCI_NONE, 0);
    else {
      const j = i * 6 + <i32>m.w1;
      replyRecv(SLOT_SELF, 0, 3, barBase[j], barSize[j], <u64>barIo[j]);
    }
  } else if (label == L_PCI_CAP) {
    const r = m.w0 < <u64>count ? derive(i, m.w1) : E_PCI_NONE;
    if (r != 0) replyRecv(SLOT_SELF, r, 0);
    else {
      setSendCap(SLOT_TMP);
      sysReplyRecv(SLOT_SELF, msgInfo(0, 0, 1), 0, 0, 0, 0, changetype<usize>(lastMsg()));
    }
  } else if (label == L_PCI_ENABLE) {
    if (m.w0 >= <u64>count) replyRecv(SLOT_SELF, E_PCI_NONE, 0);
    else {
      cfgWrite(bdf[i], 4, cfgRead(bdf[i], 4) | 7);
      replyRecv(SLOT_SELF, 0, 0);
    }
  } else {
    if (label == L_PING) sysRecv(SLOT_SELF, changetype<usize>(lastMsg()));
    else replyRecv(SLOT_SELF, 0xFFFF, 0);
  }
}
