// command.ts — one ATA command through command slot 0 of the driver's
// port: the command header (command list), the register H2D FIS and the
// PRD table (command table), all in the driver's DMA page (main.ts lays
// it out); issue, wait for the interrupt (a notification; a 50 ms timer
// covers a lost one), and on an error the AHCI non-queued error recovery:
// stop the engine, clear the errors, COMRESET if the device is stuck busy,
// start again. The caller gets the task file (status | error << 8) of a
// failed command, so the request fails with E_BLK_IO and the next one
// finds a working port. The first completion announced by the interrupt
// (and the first one only the timer found) is logged, so a boot shows
// whether the IRQ reaches the driver.

import { sysClockMs, sysIrqAck } from "../lib/sys";
import { print, printDec, printHex, println } from "../lib/print";
import { irqRearm, waitDone, waitIrq } from "../lib/blkserve";
import { IS, PxCI, PxIS, PxSERR, PxTFD, TFD_BSY, TFD_DRQ, CFIS_DWORDS, HDR_WRITE, CT_PRDT, FIS_H2D, FIS_C, DEV_LBA,
  IS_ERRORS, IS_TFES } from "./regs";
import { prd, pwr, resetPort, startPort, stopPort, wr } from "./hba";

export class Slot {
  port: u32 = 0;
  cl: usize = 0;          // command list (virtual), slot 0's header first
  ct: usize = 0;          // command table (virtual)
  ctPhys: u64 = 0;
  irq: u32 = 0;           // the IRQ capability's slot, 0: none (timer polling)
  timeoutMs: i64 = 30_000;
  byIrq: u64 = 0;         // commands whose completion the interrupt announced
  byPoll: u64 = 0;        // ... that the 50 ms timer found (an IRQ that never came)
}

// The first completion of each kind is logged: the tests tell from it
// whether the device's interrupt reaches the driver or only the timer does.
function counted(s: Slot, byIrq: bool): void {
  if (byIrq) s.byIrq++; else s.byPoll++;
  if ((byIrq ? s.byIrq : s.byPoll) != 1) return;
  print("ahci: port "); printDec(s.port);
  if (byIrq) println(": first command completed by its interrupt");
  else if (s.irq != 0) println(": a completion found by the 50 ms timer before its interrupt came");
  else println(": first command completed (timer polling, no IRQ)");
}

export const ST_TIMEOUT: u32 = 0x1_0000;   // never completed (ORed with the task file)
export const ST_DEAD: u32 = 0x2_0000;      // the port did not come back

// Issue `cmd` (48-bit LBA, count sectors) with `bytes` of data at phys
// (0: none). 0 on success, else nonzero: the task file and ST_* bits.
export function ataCommand(s: Slot, cmd: u8, lba: u64, count: u32, phys: u64, bytes: u32, write: bool): u32 {
  const p = s.port;
  if ((prd(p, PxTFD) & (TFD_BSY | TFD_DRQ)) != 0 && !recover(s, "busy before a command")) return ST_DEAD | (prd(p, PxTFD) & 0xFFFF);
  // the register FIS
  const f = s.ct;
  for (let i: usize = 0; i < 64; i += 8) store<u64>(f + i, 0);
  store<u8>(f, FIS_H2D);
  store<u8>(f, FIS_C, 1);
  store<u8>(f, cmd, 2);
  store<u8>(f, <u8>lba, 4); store<u8>(f, <u8>(lba >> 8), 5); store<u8>(f, <u8>(lba >> 16), 6);
  store<u8>(f, DEV_LBA, 7);
  store<u8>(f, <u8>(lba >> 24), 8); store<u8>(f, <u8>(lba >> 32), 9); store<u8>(f, <u8>(lba >> 40), 10);
  store<u8>(f, <u8>count, 12); store<u8>(f, <u8>(count >> 8), 13);
  // one PRD: the client's buffer is physically contiguous (a DMA memory object)
  let prdtl: u32 = 0;
  if (bytes != 0) {
    const e = s.ct + CT_PRDT;
    store<u32>(e, <u32>phys); store<u32>(e, <u32>(phys >> 32), 4); store<u32>(e, 0, 8);
    store<u32>(e, bytes - 1, 12);                 // byte count - 1; no interrupt of its own
    prdtl = 1;
  }
  // the command header of slot 0
  store<u32>(s.cl, CFIS_DWORDS | (write ? HDR_WRITE : 0) | (prdtl << 16));
  store<u32>(s.cl, 0, 4);
  store<u32>(s.cl, <u32>s.ctPhys, 8); store<u32>(s.cl, <u32>(s.ctPhys >> 32), 12);
  pwr(p, PxIS, 0xFFFF_FFFF);
  wr(IS, 1 << p);
  irqRearm(s.irq);                               // the line is low now: this command's interrupt is an edge we see
  pwr(p, PxCI, 1);
  const end = sysClockMs() + s.timeoutMs;
  let waited = false, woke = false;               // whether the last wait ended by the IRQ
  while (true) {
    const is = prd(p, PxIS);
    if ((is & IS_ERRORS) != 0) {
      const tfd = prd(p, PxTFD) & 0xFFFF;
      waitDone();
      print("ahci: port "); printDec(p); print((is & IS_TFES) != 0 ? ": task file error, status " : ": interface error, status ");
      printHex(tfd & 0xFF, 2); print(" error "); printHex(tfd >> 8, 2); print(", command "); printHex(cmd, 2);
      print(" at sector "); printDec(lba); print(", interrupt status "); printHex(is, 8); println();
      recover(s, "after the error");
      return tfd | 0x100_0000;   // nonzero even if the device set no bits
    }
    if ((prd(p, PxCI) & 1) == 0) { if (waited) counted(s, woke); break; }
    if (sysClockMs() >= end) {
      waitDone();
      print("ahci: port "); printDec(p); print(": command "); printHex(cmd, 2); print(" at sector "); printDec(lba); println(" timed out");
      recover(s, "after the timeout");
      return ST_TIMEOUT | (prd(p, PxTFD) & 0xFFFF);
    }
    woke = waitIrq(50);
    waited = true;
    pwr(p, PxIS, prd(p, PxIS) & ~IS_ERRORS);   // completion bits; errors stay for the check above
    wr(IS, 1 << p);
    if (s.irq != 0) sysIrqAck(s.irq);
  }
  pwr(p, PxIS, 0xFFFF_FFFF);
  wr(IS, 1 << p);
  waitDone();
  return 0;
}

// Non-queued error recovery (AHCI 1.3.1 section 6.2.2.1): stop the
// engine, clear the error registers, COMRESET when the device stays busy
// or the engine will not stop, start again. True if the port works again.
export function recover(s: Slot, why: string): bool {
  const p = s.port;
  const stopped = stopPort(p);
  pwr(p, PxSERR, 0xFFFF_FFFF);
  pwr(p, PxIS, 0xFFFF_FFFF);
  wr(IS, 1 << p);
  let ok = true;
  if (!stopped || (prd(p, PxTFD) & (TFD_BSY | TFD_DRQ)) != 0) ok = resetPort(p);
  ok = ok && startPort(p);
  // Interrupts the reset raised (its register FIS) were taken by the waits above: clear them, unmask the line.
  pwr(p, PxIS, 0xFFFF_FFFF);
  wr(IS, 1 << p);
  if (s.irq != 0) sysIrqAck(s.irq);
  print("ahci: port "); printDec(p); print(ok ? ": recovered " : ": recovery failed "); println(why);
  return ok;
}
