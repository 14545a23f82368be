// sys_console.ts — what the screen console, the keyboard and power control
// need from the kernel (system calls 45..48; table toolchain/src/abi/
// syscalls.ts, dispatch generated):
//   fb_info(buf)           the framebuffer GRUB handed over (multiboot2 tag
//                          8) as FB_INFO_SIZE bytes at buf: u64 address,
//                          u32 pitch, width, height, then u8 bpp, type (1
//                          direct RGB, 2 EGA text: width x height cells),
//                          red pos/size, green pos/size, blue pos/size.
//                          NOT_MAPPED when GRUB gave none. Anyone may ask;
//                          mapping it needs the device-memory capability
//                          init makes with devmem_create (servers/init,
//                          manifest key fb) for exactly its pages.
//   klog_read(buf, len, pos) -> head   bytes of the console log (klog.ts)
//                          from position pos (or the oldest kept, if pos
//                          fell out of the ring): start = max(pos, head -
//                          KLOG_SIZE), count = min(len, head - start).
//   klog_write(buf, len)   adds bytes to the console log without sending
//                          them to COM1 (the serial driver's output).
//   power(op)              init only: POWER_OFF (ACPI S5) or POWER_RESET
//                          (power.ts); returns BUSY when the machine is
//                          still there.

import { KErr } from "./errors";
import { tcb } from "./tcb";
import { execCur } from "./exec";
import { isInit } from "./initproc";
import { copyFromUser, userRangeCheck } from "./uaccess";
import { vmLookup, lookupPhys } from "./paging";
import { PAGE_SIZE } from "./memlayout";
import { phys_write8, phys_write64 } from "./x86";
import {
  mbFbAddr, mbFbBlueSize, mbFbBluePos, mbFbBpp, mbFbGreenPos, mbFbGreenSize, mbFbHeight, mbFbPitch,
  mbFbRedPos, mbFbRedSize, mbFbType, mbFbWidth, mbHasFramebuffer
} from "./multiboot2";
import { klogByte, klogHead, klogPut, klogStart, KLOG_SIZE } from "./klog";
import { powerOff, powerReset } from "./power";
import { FB_INFO_SIZE, POWER_OFF, POWER_RESET } from "./syscalls";

const KLOG_READ_MAX: u64 = 0x4000;

const info = memory.data(32, 8);
const chunk = memory.data(256, 8);

@inline function err(e: KErr): i64 { return -<i64>e; }

// Copy `len` bytes produced by `src(i)` ... : the caller fills `chunk` and
// this writes it to user memory at va, page by page (range checked first).
function copyOut(pml4: u64, va: u64, src: usize, len: u64): KErr {
  let done: u64 = 0;
  while (done < len) {
    const at = va + done;
    if (vmLookup(pml4, at) != KErr.OK) return KErr.BAD_ADDRESS;
    let n = PAGE_SIZE - (at & (PAGE_SIZE - 1));
    if (n > len - done) n = len - done;
    const pa = lookupPhys;
    let i: u64 = 0;
    for (; i + 8 <= n; i += 8) phys_write64(pa + i, load<u64>(src + <usize>(done + i)));
    for (; i < n; i++) phys_write8(pa + i, load<u8>(src + <usize>(done + i)));
    done += n;
  }
  return KErr.OK;
}

export function sysFbInfo(buf: u64): i64 {
  if (execCur < 0) return err(KErr.INVALID_ARGUMENT);
  if (!mbHasFramebuffer) return err(KErr.NOT_MAPPED);
  const pml4 = tcb(<u32>execCur).pml4;
  const e = userRangeCheck(pml4, buf, FB_INFO_SIZE, true);
  if (e != KErr.OK) return err(e);
  memory.fill(info, 0, 32);
  store<u64>(info, mbFbAddr);
  store<u32>(info, mbFbPitch, 8);
  store<u32>(info, mbFbWidth, 12);
  store<u32>(info, mbFbHeight, 16);
  store<u8>(info, <u8>mbFbBpp, 20);
  store<u8>(info, <u8>mbFbType, 21);
  store<u8>(info, <u8>mbFbRedPos, 22);
  store<u8>(info, <u8>mbFbRedSize, 23);
  store<u8>(info, <u8>mbFbGreenPos, 24);
  store<u8>(info, <u8>mbFbGreenSize, 25);
  store<u8>(info, <u8>mbFbBluePos, 26);
  store<u8>(info, <u8>mbFbBlueSize, 27);
  return err(copyOut(pml4, buf, info, FB_INFO_SIZE));
}

export function sysKlogRead(buf: u64, len: u64, pos: u64): i64 {
  if (execCur < 0) return err(KErr.INVALID_ARGUMENT);
  if (len > KLOG_READ_MAX) len = KLOG_READ_MAX;
  const head = klogHead;
  const start = klogStart(pos);
  let count = head - start;
  if (count > len) count = len;
  const pml4 = tcb(<u32>execCur).pml4;
  const e = userRangeCheck(pml4, buf, count, true);
  if (e != KErr.OK) return err(e);
  let done: u64 = 0;
  while (done < count) {
    const n: u64 = count - done < 256 ? count - done : 256;
    for (let i: u64 = 0; i < n; i++) store<u8>(chunk + <usize>i, klogByte(start + done + i));
    const c = copyOut(pml4, buf + done, chunk, n);
    if (c != KErr.OK) return err(c);
    done += n;
  }
  return <i64>head;
}

export function sysKlogWrite(buf: u64, len: u64): i64 {
  if (execCur < 0) return err(KErr.INVALID_ARGUMENT);
  if (len > KLOG_SIZE) return err(KErr.INVALID_ARGUMENT);
  const pml4 = tcb(<u32>execCur).pml4;
  let done: u64 = 0;
  while (done < len) {
    const n: u64 = len - done < 256 ? len - done : 256;
    const e = copyFromUser(pml4, chunk, buf + done, n);
    if (e != KErr.OK) return err(e);
    for (let i: u64 = 0; i < n; i++) klogPut(load<u8>(chunk + <usize>i));
    done += n;
  }
  return 0;
}

export function sysPower(op: u32): i64 {
  if (!isInit(execCur)) return err(KErr.INSUFFICIENT_RIGHTS);
  if (<u64>op == POWER_OFF) powerOff();
  else if (<u64>op == POWER_RESET) powerReset();
  else return err(KErr.INVALID_ARGUMENT);
  return err(KErr.BUSY);
}
