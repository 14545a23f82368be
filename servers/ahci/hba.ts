// hba.ts — the AHCI host bus adapter's registers, mapped uncached at ABAR
// (main.ts maps the device-memory capability the PCI server derived for
// BAR 5): taking the controller from the firmware (BIOS/OS handoff),
// resetting it into AHCI mode, and starting, stopping and resetting
// (COMRESET) one port. Every wait polls with a deadline on the clock and
// a system call in the loop, so a dead controller costs a timeout, never
// a hang.

import { sysClockMs } from "../lib/sys";
import { HW_WINDOW } from "../lib/storage";
import { waitIrq } from "../lib/blkserve";
import {
  BOHC, BOHC_BB, BOHC_BOS, BOHC_OOS, CAP, CAP_SCLO, CAP_SSS, CAP2, CAP2_BOH, CMD_CLO, CMD_CR, CMD_FR, CMD_FRE, CMD_POD,
  CMD_ST, CMD_SUD, GHC, GHC_AE, GHC_HR, PORT_BASE, PORT_STRIDE, PxCMD, PxIS, PxSCTL, PxSERR, PxSSTS, PxTFD, SCTL_DET_INIT,
  SSTS_DET_MASK, SSTS_DET_PHY, SSTS_DET_SEEN, TFD_BSY, TFD_DRQ
} from "./regs";

export const ABAR: usize = HW_WINDOW + 0x100_0000;   // where main.ts maps BAR 5

@inline export function rd(off: u32): u32 { return load<u32>(ABAR + <usize>off); }
@inline export function wr(off: u32, v: u32): void { store<u32>(ABAR + <usize>off, v); }
@inline export function prd(port: u32, off: u32): u32 { return rd(PORT_BASE + PORT_STRIDE * port + off); }
@inline export function pwr(port: u32, off: u32, v: u32): void { wr(PORT_BASE + PORT_STRIDE * port + off, v); }

// At most ms milliseconds (an interrupt on the notification ends it early; callers poll).
@inline function sleep(ms: u64): void { waitIrq(ms); }

// Wait until (register & mask) == want, up to ms milliseconds; true if it got there.
function until(off: u32, mask: u32, want: u32, ms: i64): bool {
  const end = sysClockMs() + ms;
  while ((rd(off) & mask) != want) {
    if (sysClockMs() >= end) return (rd(off) & mask) == want;
    sleep(1);
  }
  return true;
}
@inline function portOff(port: u32, off: u32): u32 { return PORT_BASE + PORT_STRIDE * port + off; }

// Take the controller from the firmware (if it offers the handoff), reset
// it and switch it to AHCI mode. False: it never finished its reset.
export function takeController(): bool {
  if ((rd(CAP2) & CAP2_BOH) != 0 && (rd(BOHC) & BOHC_BOS) != 0) {
    wr(BOHC, rd(BOHC) | BOHC_OOS);
    // The firmware clears BOS within 25 ms; if it says it is busy, it gets 2 s more.
    until(BOHC, BOHC_BOS, 0, 25);
    if ((rd(BOHC) & BOHC_BB) != 0) until(BOHC, BOHC_BB, 0, 2000);
  }
  wr(GHC, rd(GHC) | GHC_AE);
  wr(GHC, rd(GHC) | GHC_HR);
  if (!until(GHC, GHC_HR, 0, 1000)) return false;
  wr(GHC, GHC_AE);                                // AHCI mode, interrupts off for now
  return true;
}

// Stop the port's command engine and FIS receive. False if it would not stop.
export function stopPort(port: u32): bool {
  pwr(port, PxCMD, prd(port, PxCMD) & ~CMD_ST);
  if (!until(portOff(port, PxCMD), CMD_CR, 0, 500)) return false;
  pwr(port, PxCMD, prd(port, PxCMD) & ~CMD_FRE);
  return until(portOff(port, PxCMD), CMD_FR, 0, 500);
}

// Power the device up, enable FIS receive and wait for the link
// (SStatus.DET = 3) and for the device to finish its reset (BSY and DRQ
// clear). True when a device is there and ready.
export function powerPort(port: u32): bool {
  let cmd = prd(port, PxCMD) | CMD_POD | CMD_FRE;
  if ((rd(CAP) & CAP_SSS) != 0) cmd |= CMD_SUD;
  pwr(port, PxCMD, cmd);
  // An empty port stays at DET 0; DET 1 (a device seen, the link still
  // negotiating) gets a second more, as real disks may need.
  if (!until(portOff(port, PxSSTS), SSTS_DET_MASK, SSTS_DET_PHY, 20) &&
      ((prd(port, PxSSTS) & SSTS_DET_MASK) != SSTS_DET_SEEN || !until(portOff(port, PxSSTS), SSTS_DET_MASK, SSTS_DET_PHY, 1000))) {
    return false;
  }
  pwr(port, PxSERR, 0xFFFF_FFFF);
  return until(portOff(port, PxTFD), TFD_BSY | TFD_DRQ, 0, 5000);
}

// COMRESET: hold SControl.DET = 1 for at least 1 ms, release, wait for the
// link and the device. The engine must be stopped; FIS receive goes on
// (the device's first register FIS clears BSY in the task file).
export function resetPort(port: u32): bool {
  pwr(port, PxCMD, prd(port, PxCMD) | CMD_FRE);
  pwr(port, PxSCTL, (prd(port, PxSCTL) & ~<u32>0xF) | SCTL_DET_INIT);
  sleep(2);
  pwr(port, PxSCTL, prd(port, PxSCTL) & ~<u32>0xF);
  if (!until(portOff(port, PxSSTS), SSTS_DET_MASK, SSTS_DET_PHY, 1000)) return false;
  pwr(port, PxSERR, 0xFFFF_FFFF);
  return until(portOff(port, PxTFD), TFD_BSY | TFD_DRQ, 0, 5000);
}

// Start the command engine (FIS receive on first). A device still busy
// gets a command list override if the HBA has one, else a COMRESET.
export function startPort(port: u32): bool {
  if (!until(portOff(port, PxCMD), CMD_CR, 0, 500)) return false;
  pwr(port, PxCMD, prd(port, PxCMD) | CMD_FRE);
  if ((prd(port, PxTFD) & (TFD_BSY | TFD_DRQ)) != 0) {
    if ((rd(CAP) & CAP_SCLO) != 0) {
      pwr(port, PxCMD, prd(port, PxCMD) | CMD_CLO);
      until(portOff(port, PxCMD), CMD_CLO, 0, 500);
    } else if (!resetPort(port)) return false;
  }
  pwr(port, PxSERR, 0xFFFF_FFFF);
  pwr(port, PxIS, 0xFFFF_FFFF);
  pwr(port, PxCMD, prd(port, PxCMD) | CMD_ST);
  return true;
}
