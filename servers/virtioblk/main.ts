// main.ts — servers/virtioblk: the virtio-blk driver (legacy / transitional
// PCI interface: registers in I/O BAR 0; QEMU `-device
// virtio-blk-pci,disable-modern=on` or a transitional device). It asks the
// PCI server (manifest uses=pci) for the device, its I/O ports and its IRQ
// (capabilities for exactly that device), keeps virtqueue 0 in a DMA memory
// object (kernel/sys_dma.ts dma_alloc, mapped at HW_WINDOW), and serves the
// block interface of servers/lib/storage.ts through the loop all block
// drivers share (servers/lib/blkserve.ts: info, attach the client's DMA
// buffer, read, write, flush). One request at a time: submit three
// descriptors (header, data, status), notify, wait for the IRQ (a
// notification; a 50 ms timer on the same notification covers a lost or
// missing interrupt). No device: it idles, answering E_BLK_NODEV.

import { sysDmaAlloc, sysIoportIn, sysIoportOut, sysIrqAck, sysIrqSetNotification, sysMemMap } from "../lib/sys";
import { call, capsReceived, lastMsg, setRecvSlot } from "../lib/msg";
import { print, printDec, printHex, println } from "../lib/print";
import { SLOT_NTFN, SLOT_USES } from "../lib/proto";
import { BLK_KIND_VIRTIO, HW_WINDOW, L_PCI_BAR, L_PCI_CAP, L_PCI_ENABLE, L_PCI_FIND, PCI_CAP_IRQ } from "../lib/storage";
import { BlockDriver, serveBlock, waitDone, waitIrq } from "../lib/blkserve";

const PCI: u32 = SLOT_USES;
const SLOT_PORTS: u32 = 20, SLOT_DIRQ: u32 = 21, SLOT_QUEUE: u32 = 22, SLOT_REQ: u32 = 23;

// legacy virtio-pci registers (offsets in BAR 0)
const R_HOST_FEATURES: u32 = 0x00, R_GUEST_FEATURES: u32 = 0x04, R_QUEUE_PFN: u32 = 0x08, R_QUEUE_SIZE: u32 = 0x0C;
const R_QUEUE_SEL: u32 = 0x0E, R_QUEUE_NOTIFY: u32 = 0x10, R_STATUS: u32 = 0x12, R_ISR: u32 = 0x13, R_CONFIG: u32 = 0x14;
const S_ACK: u32 = 1, S_DRIVER: u32 = 2, S_DRIVER_OK: u32 = 4, S_FAILED: u32 = 128;
const F_RO: u32 = 1 << 5, F_FLUSH: u32 = 1 << 9;
const T_IN: u32 = 0, T_OUT: u32 = 1, T_FLUSH: u32 = 4;
const D_NEXT: u16 = 1, D_WRITE: u16 = 2;

let io: u32 = 0;           // BAR 0 base port
let qsize: u32 = 0;
let usedOff: usize = 0;
let qphys: u64 = 0, reqPhys: u64 = 0;
const Q: usize = HW_WINDOW;              // the virtqueue
const REQ: usize = HW_WINDOW + 0x10_0000; // request header (0..15) and status byte (16)
let availIdx: u16 = 0, usedSeen: u16 = 0;
let sectors: u64 = 0, features: u32 = 0;
let haveIrq = false;

@inline function in8(r: u32): u32 { return <u32>sysIoportIn(SLOT_PORTS, io + r, 1); }
@inline function in16(r: u32): u32 { return <u32>sysIoportIn(SLOT_PORTS, io + r, 2); }
@inline function in32(r: u32): u32 { return <u32>sysIoportIn(SLOT_PORTS, io + r, 4); }
@inline function out8(r: u32, v: u32): void { sysIoportOut(SLOT_PORTS, io + r, 1, v); }
@inline function out16(r: u32, v: u32): void { sysIoportOut(SLOT_PORTS, io + r, 2, v); }
@inline function out32(r: u32, v: u32): void { sysIoportOut(SLOT_PORTS, io + r, 4, v); }

function fail(what: string, e: i64 = 0): bool {
  print("virtioblk: "); print(what);
  if (e != 0) { print(" (error "); printDec(<u64>(-e)); print(")"); }
  println();
  return false;
}

// Find the device through the PCI server and bring it up.
function probe(): bool {
  let r = call(PCI, L_PCI_FIND, 4, 0x1AF4, 0x1001, 0xFFFFFF, 0);
  if (r != 0) return fail("no PCI server", r);
  if (lastMsg().label != 0) return fail("no virtio-blk device (legacy 1af4:1001)");
  const index = lastMsg().w3;
  call(PCI, L_PCI_ENABLE, 1, index);
  setRecvSlot(SLOT_PORTS);
  r = call(PCI, L_PCI_CAP, 2, index, 0);
  if (r != 0 || lastMsg().label != 0 || capsReceived() == 0) return fail("no I/O port capability for BAR 0", r);
  setRecvSlot(SLOT_DIRQ);
  r = call(PCI, L_PCI_CAP, 2, index, PCI_CAP_IRQ);
  haveIrq = r == 0 && lastMsg().label == 0 && capsReceived() != 0;
  // The port range: what the capability covers starts at BAR 0's base; ask the PCI server.
  r = call(PCI, L_PCI_BAR, 2, index, 0);
  io = <u32>lastMsg().w0;
  if (haveIrq) {
    haveIrq = sysIrqSetNotification(SLOT_DIRQ, SLOT_NTFN) == 0;
    sysIrqAck(SLOT_DIRQ);
  }

  out8(R_STATUS, 0);                       // reset
  out8(R_STATUS, S_ACK);
  out8(R_STATUS, S_ACK | S_DRIVER);
  features = in32(R_HOST_FEATURES);
  out32(R_GUEST_FEATURES, features & (F_RO | F_FLUSH));
  out16(R_QUEUE_SEL, 0);
  qsize = in16(R_QUEUE_SIZE);
  if (qsize == 0 || qsize > 1024) { out8(R_STATUS, S_FAILED); return fail("queue 0 missing"); }
  const availEnd = <usize>(16 * qsize + 6 + 2 * qsize);
  usedOff = (availEnd + 4095) & ~<usize>4095;
  const total = usedOff + ((<usize>(6 + 8 * qsize) + 4095) & ~<usize>4095);
  const qp = sysDmaAlloc(SLOT_QUEUE, <u64>(total >> 12));
  if (qp < 0) return fail("no DMA memory for the queue", qp);
  qphys = <u64>qp;
  let e = sysMemMap(SLOT_QUEUE, Q, 1);
  if (e != 0) return fail("mapping the queue", e);
  const rp = sysDmaAlloc(SLOT_REQ, 1);
  if (rp < 0) return fail("no DMA memory for requests", rp);
  reqPhys = <u64>rp;
  e = sysMemMap(SLOT_REQ, REQ, 1);
  if (e != 0) return fail("mapping the request page", e);
  out32(R_QUEUE_PFN, <u32>(qphys >> 12));
  out8(R_STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
  sectors = <u64>in32(R_CONFIG) | (<u64>in32(R_CONFIG + 4) << 32);
  print("virtioblk: "); printDec(sectors); print(" sectors ("); printDec(sectors >> 11); print(" MiB), io ");
  printHex(io, 4); print(", queue "); printDec(qsize); print(", irq "); print(haveIrq ? "yes" : "no (timer polling)");
  if (features & F_RO) print(", read-only");
  println();
  return true;
}

// Descriptor d: addr, len, flags, next.
function desc(d: u32, addr: u64, len: u32, flags: u16, next: u16): void {
  const p = Q + <usize>(16 * d);
  store<u64>(p, addr);
  store<u32>(p, len, 8);
  store<u16>(p, flags, 12);
  store<u16>(p, next, 14);
}

// One request; the device's status byte (0 OK), or 0xFF when it never completed.
function request(type: u32, sector: u64, bytes: u32, dataPhys: u64): u32 {
  store<u32>(REQ, type);
  store<u32>(REQ, 0, 4);
  store<u64>(REQ, sector, 8);
  store<u8>(REQ, 0xFF, 16);
  if (bytes == 0) {
    desc(0, reqPhys, 16, D_NEXT, 2);
  } else {
    desc(0, reqPhys, 16, D_NEXT, 1);
    desc(1, dataPhys, bytes, D_NEXT | (type == T_IN ? D_WRITE : 0), 2);
  }
  desc(2, reqPhys + 16, 1, D_WRITE, 0);
  const avail = Q + <usize>(16 * qsize);
  store<u16>(avail + 4 + 2 * <usize>(availIdx % <u16>qsize), 0);
  availIdx++;
  store<u16>(avail, availIdx, 2);
  out16(R_QUEUE_NOTIFY, 0);
  const used = Q + usedOff;
  let rounds = 0;
  while (load<u16>(used, 2) == usedSeen) {
    if (++rounds > 1000) return 0xFF;   // ~50 s: the device is gone
    waitIrq(50);
    if (haveIrq) { in8(R_ISR); sysIrqAck(SLOT_DIRQ); }
  }
  usedSeen++;
  if (haveIrq) in8(R_ISR);
  waitDone();
  return load<u8>(REQ, 16);
}

// The virtio-blk disk as the block interface's driver (servers/lib/blkserve.ts).
class VirtioDisk extends BlockDriver {
  transfer(write: bool, first: u64, n: u32, phys: u64): u32 {
    return request(write ? T_OUT : T_IN, first, n << 9, phys);
  }
  flush(): u32 { return (features & F_FLUSH) != 0 ? request(T_FLUSH, 0, 0, 0) : 0; }
}

const disk = new VirtioDisk();
disk.kind = BLK_KIND_VIRTIO;
disk.present = probe();
disk.sectors = sectors;
disk.readOnly = (features & F_RO) != 0;
println("virtioblk: ready");
serveBlock(disk);
