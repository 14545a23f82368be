// entry.ts — AssemblyScript test entry: exposes kernel internals to the
// Node tests (compiled by ../compile.ts with kernel/asconfig.json, run on the
// simulated machine of ../machine.ts). Each export is a thin wrapper; the logic
// under test is the kernel's own.

import {
  mb2Parse, memRegion, bootModule, usableBytes,
  mbError, mbErrorInTag, mbErrorTagOffset, mbErrorTagType, mbErrorTagSize, mbErrorValue,
  mbTotalSize, mbTagCount, mbTagTypesSeen, mbCmdline, mbHasCmdline, mbLoaderName, mbHasLoaderName,
  mbHasBasicMeminfo, mbMemLowerKiB, mbMemUpperKiB, mbHasMemmap, mbMemmapEntrySize,
  mbMemmapEntryVersion, mbRegionCount, mbRegionsDropped, mbModuleCount, mbModulesDropped,
  mbHasFramebuffer, mbFbAddr, mbFbWidth, mbFbHeight, mbFbBpp, mbFbPitch,
  mbRsdpVersion, mbRsdpPhys, mbRsdpRevision, mbRsdpSignatureOk
} from "../../../kernel/multiboot2";
import { bootInfoPrint, bootInfoPrintError } from "../../../kernel/bootinfo";
import { cmdlineInit, cmdlineFind, argValue, argValueLen, argHasValue } from "../../../kernel/cmdline";
import { runTestMode } from "../../../kernel/testmode";
import { strData, strLen, poolTruncated } from "../../../kernel/strpool";
import { print, printDec, printSigned, printHex, printSize, printBytes } from "../../../kernel/print";
import { cpuIdentify, cpuPrint, cpuFeatures } from "../../../kernel/cpu";
import { panic } from "../../../kernel/panic";

// A scratch area the tests write bytes and UTF-16 strings into.
const scratch = memory.data(4096, 16);
export function scratchAddr(): usize { return scratch; }

// --- multiboot2 ---
export function parse(phys: u64): bool { return mb2Parse(phys); }
export function printBootInfo(): void { bootInfoPrint(); }
export function printParseError(): void { bootInfoPrintError(); }
export function errorMessageAddr(): usize { return changetype<usize>(mbError); }
export function errorInTag(): bool { return mbErrorInTag; }
export function errorTagOffset(): u32 { return mbErrorTagOffset; }
export function errorTagType(): u32 { return mbErrorTagType; }
export function errorTagSize(): u32 { return mbErrorTagSize; }
export function errorValue(): u64 { return mbErrorValue; }
export function totalSize(): u32 { return mbTotalSize; }
export function tagCount(): u32 { return mbTagCount; }
export function tagTypesSeen(): u64 { return mbTagTypesSeen; }
export function hasCmdline(): bool { return mbHasCmdline; }
export function cmdlineStr(): usize { return mbCmdline; }
export function hasLoaderName(): bool { return mbHasLoaderName; }
export function loaderNameStr(): usize { return mbLoaderName; }
export function hasBasicMeminfo(): bool { return mbHasBasicMeminfo; }
export function memLowerKiB(): u32 { return mbMemLowerKiB; }
export function memUpperKiB(): u32 { return mbMemUpperKiB; }
export function hasMemmap(): bool { return mbHasMemmap; }
export function memmapEntrySize(): u32 { return mbMemmapEntrySize; }
export function memmapEntryVersion(): u32 { return mbMemmapEntryVersion; }
export function regionCount(): i32 { return mbRegionCount; }
export function regionsDropped(): u32 { return mbRegionsDropped; }
export function regionBase(i: i32): u64 { return memRegion(i).base; }
export function regionLength(i: i32): u64 { return memRegion(i).length; }
export function regionType(i: i32): u32 { return memRegion(i).type; }
export function usable(): u64 { return usableBytes(); }
export function moduleCount(): i32 { return mbModuleCount; }
export function modulesDropped(): u32 { return mbModulesDropped; }
export function moduleStart(i: i32): u32 { return bootModule(i).start; }
export function moduleEnd(i: i32): u32 { return bootModule(i).end; }
export function moduleStr(i: i32): usize { return bootModule(i).string; }
export function hasFramebuffer(): bool { return mbHasFramebuffer; }
export function fbAddr(): u64 { return mbFbAddr; }
export function fbWidth(): u32 { return mbFbWidth; }
export function fbHeight(): u32 { return mbFbHeight; }
export function fbBpp(): u32 { return mbFbBpp; }
export function fbPitch(): u32 { return mbFbPitch; }
export function rsdpVersion(): u32 { return mbRsdpVersion; }
export function rsdpPhys(): u64 { return mbRsdpPhys; }
export function rsdpRevision(): u32 { return mbRsdpRevision; }
export function rsdpSignatureOk(): bool { return mbRsdpSignatureOk; }

// --- pooled strings (u32 length, then the bytes) ---
export function pooledLen(s: usize): u32 { return strLen(s); }
export function pooledData(s: usize): usize { return strData(s); }
export function stringsTruncated(): u32 { return poolTruncated; }

// --- command line ---
export function useCmdline(ptr: usize, len: usize): void { cmdlineInit(ptr, len); }
export function useParsedCmdline(): void { cmdlineInit(strData(mbCmdline), strLen(mbCmdline)); }
// `key` is a UTF-16 AssemblyScript string the test built at `keyAddr`.
export function find(keyAddr: usize): bool { return cmdlineFind(changetype<string>(keyAddr)); }
export function valueAddr(): usize { return argValue; }
export function valueLen(): usize { return argValueLen; }
export function valueGiven(): bool { return argHasValue; }
export function testMode(): void { runTestMode(); }

// --- printing ---
export function printStr(addr: usize): void { print(changetype<string>(addr)); }
export function printU64(v: u64): void { printDec(v); }
export function printI64(v: i64): void { printSigned(v); }
export function printHexW(v: u64, width: i32): void { printHex(v, width); }
export function printSizeOf(bytes: u64): void { printSize(bytes); }
export function printRaw(ptr: usize, len: usize): void { printBytes(ptr, len); }

// --- cpu ---
export function identifyCpu(): void { cpuIdentify(); }
export function printCpu(): void { cpuPrint(); }
export function features(): u64 { return cpuFeatures; }

// --- panic ---
export function panicWith(addr: usize): void { panic(changetype<string>(addr)); }
export function abortWith(addr: usize, line: u32): void {
  abort(changetype<string>(addr), "kernel/fake.ts", line, 7);
}
export function outOfBounds(i: i32): u32 {
  // A checked array access: index 99 fails the bounds check and aborts.
  const a: StaticArray<u32> = [1, 2, 3];
  return a[i];
}
