// config.ts — PCI configuration space through ports 0xCF8/0xCFC
// (mechanism #1), with the broad I/O port capability init gives the PCI
// server (SLOT_IOPORTS). `b` is bus << 8 | device << 3 | function.

import { sysIoportIn, sysIoportOut } from "../lib/sys";
import { SLOT_IOPORTS } from "../lib/proto";

function addr(b: u32, off: u32): u32 { return 0x8000_0000 | (b << 8) | (off & 0xFC); }

export function cfgRead(b: u32, off: u32): u32 {
  sysIoportOut(SLOT_IOPORTS, 0xCF8, 4, addr(b, off));
  return <u32>sysIoportIn(SLOT_IOPORTS, 0xCFC, 4);
}

export function cfgWrite(b: u32, off: u32, v: u32): void {
  sysIoportOut(SLOT_IOPORTS, 0xCF8, 4, addr(b, off));
  sysIoportOut(SLOT_IOPORTS, 0xCFC, 4, v);
}
