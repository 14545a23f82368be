// bootinfo.ts — print what the boot loader told us (parsed by multiboot2.ts).
//
// The lines below are a contract with the QEMU tests, which look for them
// in the serial log (see kernel/README.md):
//   boot loader: <name>
//   command line: "<text>"
//   memory map:
//     base 0x<16 hex> end 0x<16 hex> length 0x<16 hex> (<size>) <type name>
//   usable RAM: <N> MiB
//   modules:
//     start 0x<8 hex> end 0x<8 hex> size 0x<hex> (<size>) "<string>"
// "end" is exclusive (base + length); sizes are printed by printSize().

import {
  bootModule, mbCmdline, mbError, mbErrorInTag, mbErrorTagOffset, mbErrorTagSize,
  mbErrorTagType, mbErrorValue, mbErrorValueKind, mbFbAddr, mbFbBpp, mbFbHeight,
  mbFbPitch, mbFbType, mbFbWidth, mbHasBasicMeminfo, mbHasCmdline, mbHasFramebuffer,
  mbHasLoaderName, mbInfoPhys, mbLoaderName, mbMemLowerKiB,
  mbMemUpperKiB, mbModuleCount, mbModulesDropped, mbRegionCount, mbRegionsDropped,
  mbRsdpPhys, mbRsdpRevision, mbRsdpSignatureOk, mbRsdpVersion, mbTagCount,
  mbTagTypesSeen, mbTotalSize, memRegion, usableBytes,
  ERR_VALUE_DEC, ERR_VALUE_HEX, MEM_ACPI_NVS, MEM_ACPI_RECLAIMABLE, MEM_BAD,
  MEM_RESERVED, MEM_USABLE
} from "./multiboot2";
import { poolTruncated, strData, strLen } from "./strpool";
import { print, printBytes, printDec, printHex, println, printSize } from "./print";

// Name of a memory map entry type.
export function printMemType(type: u32): void {
  if (type == MEM_USABLE) print("usable");
  else if (type == MEM_RESERVED) print("reserved");
  else if (type == MEM_ACPI_RECLAIMABLE) print("ACPI reclaimable");
  else if (type == MEM_ACPI_NVS) print("ACPI NVS");
  else if (type == MEM_BAD) print("bad");
  else {
    // The specification says to treat unknown types as reserved.
    print("reserved (type ");
    printDec(type);
    print(")");
  }
}

function printPooled(s: usize): void {
  printBytes(strData(s), strLen(s));
}

// "multiboot2: tag type 6 at offset 0x58 (size 4000): tag runs past ...: 1200"
export function bootInfoPrintError(): void {
  print("multiboot2: ");
  if (mbErrorInTag) {
    print("tag type ");
    printDec(mbErrorTagType);
    print(" at offset ");
    printHex(mbErrorTagOffset);
    print(" (size ");
    printDec(mbErrorTagSize);
    print("): ");
  }
  print(mbError);
  if (mbErrorValueKind == ERR_VALUE_DEC) {
    print(" ");
    printDec(mbErrorValue);
  } else if (mbErrorValueKind == ERR_VALUE_HEX) {
    print(" ");
    printHex(mbErrorValue);
  }
  println();
}

export function bootInfoPrint(): void {
  print("boot information: ");
  printHex(mbInfoPhys, 8);
  print(", ");
  printDec(mbTotalSize);
  print(" bytes, ");
  printDec(mbTagCount);
  print(" tags:");
  for (let t: u64 = 0; t < 64; t++) {
    if ((mbTagTypesSeen >> t) & 1) {
      print(" ");
      printDec(t);
    }
  }
  println();

  print("boot loader: ");
  if (mbHasLoaderName) printPooled(mbLoaderName);
  else print("(not given)");
  println();

  print("command line: ");
  if (mbHasCmdline) {
    print("\"");
    printPooled(mbCmdline);
    print("\"");
  } else {
    print("(not given)");
  }
  println();

  if (mbHasBasicMeminfo) {
    print("basic memory info: lower ");
    printDec(mbMemLowerKiB);
    print(" KiB, upper ");
    printDec(mbMemUpperKiB);
    println(" KiB");
  }

  println("memory map:");
  for (let i = 0; i < mbRegionCount; i++) {
    const r = memRegion(i);
    print("  base ");
    printHex(r.base, 16);
    print(" end ");
    printHex(r.base + r.length, 16);
    print(" length ");
    printHex(r.length, 16);
    print(" (");
    printSize(r.length);
    print(") ");
    printMemType(r.type);
    println();
  }
  if (mbRegionsDropped != 0) {
    print("  ... and ");
    printDec(mbRegionsDropped);
    println(" more entries, not kept");
  }
  if (mbRegionCount == 0) println("  (none)");

  print("usable RAM: ");
  printDec(usableBytes() >> 20);
  println(" MiB");

  println("modules:");
  for (let i = 0; i < mbModuleCount; i++) {
    const m = bootModule(i);
    print("  start ");
    printHex(m.start, 8);
    print(" end ");
    printHex(m.end, 8);
    print(" size ");
    printHex(m.end - m.start);
    print(" (");
    printSize(m.end - m.start);
    print(") \"");
    printPooled(m.string);
    println("\"");
  }
  if (mbModulesDropped != 0) {
    print("  ... and ");
    printDec(mbModulesDropped);
    println(" more modules, not kept");
  }
  if (mbModuleCount == 0) println("  (none)");

  print("framebuffer: ");
  if (mbHasFramebuffer) {
    printDec(mbFbWidth);
    print("x");
    printDec(mbFbHeight);
    print("x");
    printDec(mbFbBpp);
    print(" at ");
    printHex(mbFbAddr, 16);
    print(", pitch ");
    printDec(mbFbPitch);
    print(", type ");
    printDec(mbFbType);
    println();
  } else {
    println("none");
  }

  print("ACPI RSDP: ");
  if (mbRsdpVersion != 0) {
    print(mbRsdpVersion == 1 ? "v1 (tag 14)" : "v2 (tag 15)");
    print(", revision ");
    printDec(mbRsdpRevision);
    print(", copy at ");
    printHex(mbRsdpPhys, 8);
    if (!mbRsdpSignatureOk) print(", bad signature");
    println();
  } else {
    println("none");
  }

  if (poolTruncated != 0) {
    print("warning: ");
    printDec(poolTruncated);
    println(" boot loader string(s) cut short");
  }
}
