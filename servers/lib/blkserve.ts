// blkserve.ts — what every block driver (servers/virtioblk, servers/ahci)
// shares: the request loop that serves the block interface of
// servers/lib/storage.ts (L_BLK_*), the client's buffer (L_BLK_ATTACH: a
// memory object the device reads and writes directly, by physical
// address), the range checks, and waiting for a completion interrupt.
// A driver implements BlockDriver (one transfer at a time, synchronous)
// and calls serveBlock. A driver that found no device serves anyway and
// answers E_BLK_NODEV: it never exits, so init does not restart it and a
// client that asks (servers/fs picks the driver with a device) gets an
// answer instead of waiting on an endpoint nobody receives on.

import {
  sysCapDelete, sysCapMint, sysCapMove, sysIrqAck, sysIrqSetNotification, sysMemPhys, sysMemSize, sysRecv, sysTimerSet, sysWait, WaitOut
} from "./sys";
import { capsReceived, lastMsg, replyRecv, setMsgWord, setRecvSlot } from "./msg";
import { crashCheck } from "./crash";
import { L_PING, SLOT_NTFN, SLOT_SELF } from "./proto";
import {
  BLK_BUF_PAGES, E_BLK_IO, E_BLK_NOBUF, E_BLK_NODEV, E_BLK_RANGE, L_BLK_ATTACH, L_BLK_FLUSH, L_BLK_INFO, L_BLK_READ, L_BLK_WRITE
} from "./storage";

export abstract class BlockDriver {
  present: bool = false;   // a device was found and brought up
  sectors: u64 = 0;        // of 512 bytes
  readOnly: bool = false;
  kind: u64 = 0;           // BLK_KIND_* (storage.ts), what L_BLK_INFO reports
  ios: u64 = 0;
  errors: u64 = 0;
  // Move n sectors from `first` between the device and physical address
  // phys (write: to the device). 0 on success, else the device's error
  // status (nonzero; logged by the driver).
  abstract transfer(write: bool, first: u64, n: u32, phys: u64): u32;
  // Make completed writes durable. 0 or an error status.
  abstract flush(): u32;
}

// Capability slots the loop uses (drivers keep theirs below 24).
const SLOT_BUF: u32 = 24, SLOT_RECV: u32 = 25;
let bufPhys: u64 = 0, bufSize: u64 = 0;

const waitOut = memory.data(offsetof<WaitOut>(), 8);
// The timer signals the notification with bit 0 (SLOT_NTFN has no badge);
// an IRQ bound by bindIrq with IRQ_BIT, so a wake-up says which it was.
const IRQ_BIT: u64 = 2;
// Bind the IRQ capability in irqSlot to the server's notification through
// a copy badged IRQ_BIT in slot ntfnSlot (an empty slot). True when bound.
export function bindIrq(irqSlot: u32, ntfnSlot: u32): bool {
  sysCapDelete(ntfnSlot);
  if (sysCapMint(SLOT_NTFN, ntfnSlot, 2, IRQ_BIT) != 0) return false;   // RIGHT_WRITE
  return sysIrqSetNotification(irqSlot, ntfnSlot) == 0;
}
// Wait for an interrupt on the server's notification (where the driver
// bound its device's IRQ) or for ms milliseconds, whichever comes first
// (the timer covers a lost or missing interrupt). The caller then checks
// the device, clears its interrupt status and acknowledges the IRQ.
// True when an IRQ bound by bindIrq was among what woke it.
export function waitIrq(ms: u64): bool {
  sysTimerSet(SLOT_NTFN, ms);
  sysWait(SLOT_NTFN, waitOut);
  return (load<u64>(waitOut) & IRQ_BIT) != 0;
}
// No timer left behind after a completion.
export function waitDone(): void { sysTimerSet(SLOT_NTFN, 0); }
// Before a request, once the device's interrupt status is clear: the IRQ
// line unmasked (each IRQ masks it until irq_ack). An edge-triggered line
// loses an edge while masked, so a completion that came before the driver
// waited must not leave it so. (A notification still pending from it only
// costs one early wake-up: the caller checks the device after each.)
export function irqRearm(irqSlot: u32): void {
  if (irqSlot != 0) sysIrqAck(irqSlot);
}

export function serveBlock(d: BlockDriver): void {
  setRecvSlot(SLOT_RECV);
  sysRecv(SLOT_SELF, changetype<usize>(lastMsg()));
  while (true) {
    const m = lastMsg();
    const label = m.label;
    if (label == L_PING) { sysRecv(SLOT_SELF, changetype<usize>(lastMsg())); continue; }
    if (crashCheck(label, m.w0)) { sysRecv(SLOT_SELF, changetype<usize>(lastMsg())); continue; }   // L_CRASH: armed
    if (label == L_BLK_ATTACH) {
      if (capsReceived() == 0) { replyRecv(SLOT_SELF, E_BLK_NOBUF, 0); continue; }
      sysCapDelete(SLOT_BUF);
      sysCapMove(SLOT_RECV, SLOT_BUF);
      bufPhys = <u64>sysMemPhys(SLOT_BUF);
      const sz = sysMemSize(SLOT_BUF);
      bufSize = sz > 0 ? <u64>sz : 0;
      replyRecv(SLOT_SELF, 0, 1, bufSize);
      continue;
    }
    if (!d.present) { replyRecv(SLOT_SELF, E_BLK_NODEV, 0); continue; }
    if (label == L_BLK_INFO) {
      setMsgWord(4, d.kind);
      replyRecv(SLOT_SELF, 0, 5, d.sectors, 512, d.readOnly ? 1 : 0, (BLK_BUF_PAGES * 4096) >> 9);
    } else if (label == L_BLK_READ || label == L_BLK_WRITE) {
      const first = m.w0, n = m.w1, off = m.w2;
      if (bufSize == 0) { replyRecv(SLOT_SELF, E_BLK_NOBUF, 0); continue; }
      if (n == 0 || n > (bufSize >> 9) || first >= d.sectors || n > d.sectors - first || off > bufSize || (n << 9) > bufSize - off) {
        replyRecv(SLOT_SELF, E_BLK_RANGE, 0);
        continue;
      }
      const st = d.transfer(label == L_BLK_WRITE, first, <u32>n, bufPhys + off);
      if (st != 0) { d.errors++; replyRecv(SLOT_SELF, E_BLK_IO, 1, st); }
      else { d.ios++; replyRecv(SLOT_SELF, 0, 1, n); }
    } else if (label == L_BLK_FLUSH) {
      const st = d.flush();
      if (st != 0) d.errors++;
      replyRecv(SLOT_SELF, st != 0 ? E_BLK_IO : 0, 0);
    } else {
      replyRecv(SLOT_SELF, 0xFFFF, 0);
    }
  }
}
