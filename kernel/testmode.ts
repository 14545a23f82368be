// testmode.ts — boot-time tests chosen by `test=<mode>` on the command line.
//
// The QEMU test suite boots an ISO per mode (Makefile: TEST_MODES) and reads
// the serial log. To add a mode: write a function here, add a branch to
// runTestMode() and its name to KNOWN_MODES. A mode either never returns
// (it ends the run, e.g. by a CPU exception the boot stub reports) or
// returns to let the boot finish normally.

import { cmdlineFind, argValue, argValueLen, argValueIs } from "./cmdline";
import { phys_read64 } from "./x86";
import { DIRECT_MAP_SIZE } from "./memlayout";
import { print, printBytes, printHex, println } from "./print";
import { panic } from "./panic";
import { testCore } from "./selftest";
import { testTimer } from "./timertest";
import { testSmap, testSmep } from "./smaptest";

const KNOWN_MODES = "fault core timer pictimer smap smep";

// The first physical address the boot stub's direct map does not cover.
export const FAULT_TEST_ADDRESS: u64 = DIRECT_MAP_SIZE;

// Run the test the command line asks for, if any.
export function runTestMode(): void {
  if (!cmdlineFind("test")) return;
  if (argValueIs("fault")) {
    testFault();
    return;
  }
  if (argValueIs("core")) {
    testCore();                // selftest.ts
    return;
  }
  if (argValueIs("timer") || argValueIs("pictimer")) {
    testTimer(argValueIs("pictimer")); // timertest.ts: interrupt controllers and timers
    return;
  }
  if (argValueIs("smap")) {
    testSmap();                // smaptest.ts: the kernel reads a user page directly: SMAP faults
    return;
  }
  if (argValueIs("smep")) {
    testSmep();                // smaptest.ts: the kernel calls a user page: SMEP faults
    return;
  }
  print("test=");
  printBytes(argValue, argValueLen);
  print(": unknown test mode (known: ");
  print(KNOWN_MODES);
  println(")");
  panic("unknown test mode");
}

// test=fault: read outside the direct map. The CPU raises a page fault, the
// boot stub prints its report and ends the QEMU run.
function testFault(): void {
  print("test=fault: reading physical address ");
  printHex(FAULT_TEST_ADDRESS, 16);
  println();
  const v = phys_read64(FAULT_TEST_ADDRESS);
  // Only reached if the read did not fault.
  print("test=fault: the read returned ");
  printHex(v, 16);
  println();
  panic("test=fault: no page fault");
}
