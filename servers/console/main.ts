// main.ts — servers/console: the screen console. Shows on the framebuffer
// GRUB handed over (or VGA text memory when booted in text mode) everything
// the serial console shows: it follows the kernel's console log (klog_read:
// every byte the kernel sent to COM1 — its own lines and every debug_write —
// plus what the serial driver adds with klog_write) and feeds it to the
// terminal library of this directory (terminal.ts: scrolling, the shell's
// escape sequences). Started by init with the framebuffer capability in
// SLOT_FB (manifest grant=framebuffer), which it maps at DMA_WINDOW.
//
// It polls the log every POLL_MS (one-shot timer on its notification, bound
// to its thread, so that the receive on its endpoint also takes L_CRASH:
// servers/lib/crash.ts, at once): the log has no wake-up of its own, and
// 10 ms is below what an eye sees.
// Debug dump for tests: when QEMU's debug console (isa-debugcon, port 0xE9,
// manifest ioports=0xe9+1) is there, each time the screen changed and the
// log is drained, the grid as text goes to port 0xE9 between the lines
// "<<<screen" and ">>>screen ..." (dump.ts format; the end line also gives
// the biggest single write so far: bytes and rdtsc ticks, which are guest
// instructions under QEMU's -icount shift=0).

import {
  sysBindNotification, sysFbInfo, sysIoportIn, sysIoportOut, sysKlogRead, sysMemMap, sysRecv, sysTimerSet, sysWait,
  WaitOut, DMA_WINDOW, FB_TYPE_EGA_TEXT, FB_TYPE_RGB, KLOG_SIZE,
} from "../lib/sys";
import { println, printDec, print, flush } from "../lib/print";
import { L_CRASH, SLOT_FB, SLOT_IOPORTS, SLOT_NTFN, SLOT_SELF } from "../lib/proto";
import { lastMsg } from "../lib/msg";
import { crashNow } from "../lib/crash";
import { fbAddr, fbBpp, fbField, fbHeight, fbPitch, fbType, fbWidth, FB_INFO_BYTES } from "../lib/fbinfo";
import { Terminal } from "./terminal";
import { FbGeometry, FbScreen } from "./fbscreen";
import { VgaScreen } from "./vgascreen";
import { Screen } from "./screen";
import { Font } from "./font";
import { FONT } from "../../build/console/font8x16";
import { rdtsc } from "../lib/x86";

const POLL_MS: u64 = 10;
// At most this much is drawn between two system calls: drawing is slow
// (each new line scrolls the whole framebuffer), and init's watchdog takes
// a server that makes no system call for 3 periods for hung (found by the
// fault-injection campaign: 16 KiB took over 9 s under a loaded QEMU).
const STEP: u64 = 2048;
const DEBUGCON: u32 = 0xE9;
const info = memory.data(FB_INFO_BYTES, 8);
const waitOut = memory.data(offsetof<WaitOut>(), 8);
const buf = memory.data(<i32>STEP, 8);
const DUMP_CAP: u32 = 32768;
const dumpBuf = memory.data(<i32>DUMP_CAP, 8);
// The biggest single write so far and its TSC ticks (guest instructions
// under -icount shift=0): reported with each dump.
let biggest: u64 = 0;
let biggestTsc: u64 = 0;

function stop(why: string, e: i64): void {
  print("console: "); print(why); print(" (error "); printDec(<u64>(-e)); println("), stopping");
  flush();
  unreachable();
}

const fi = sysFbInfo(info);
if (fi < 0) { println("console: no framebuffer from the boot loader, exiting"); flush(); }
else {
  const type = <u64>fbType(info);
  if (type != FB_TYPE_RGB && type != FB_TYPE_EGA_TEXT) stop("unsupported framebuffer type", -1);
  const m = sysMemMap(SLOT_FB, <usize>DMA_WINDOW, 1);
  if (m < 0) stop("cannot map the framebuffer", m);
  const base = <usize>DMA_WINDOW + <usize>(fbAddr(info) & 0xFFF);
  let screen: Screen;
  if (type == FB_TYPE_RGB) {
    const g = new FbGeometry();
    g.addr = base; g.pitch = fbPitch(info); g.width = fbWidth(info); g.height = fbHeight(info); g.bpp = fbBpp(info);
    g.redPos = fbField(info, 0); g.redSize = fbField(info, 1);
    g.greenPos = fbField(info, 2); g.greenSize = fbField(info, 3);
    g.bluePos = fbField(info, 4); g.blueSize = fbField(info, 5);
    screen = new FbScreen(g, new Font(FONT));
  } else {
    screen = new VgaScreen(base, <i32>fbWidth(info), <i32>fbHeight(info));
  }
  const term = new Terminal(screen);
  const debugcon = sysIoportIn(SLOT_IOPORTS, DEBUGCON, 1) == DEBUGCON;
  print("console: "); printDec(<u64>term.cols); print("x"); printDec(<u64>term.rows);
  print(type == FB_TYPE_RGB ? " on a framebuffer " : " in VGA text mode ");
  printDec(fbWidth(info)); print("x"); printDec(fbHeight(info)); print("x"); printDec(fbBpp(info));
  println(debugcon ? ", grid dump on port 0xe9" : "");
  flush();

  let pos: u64 = 0;
  let dirty = false;
  const ntfnBound = sysBindNotification(SLOT_NTFN) >= 0;   // the timer arrives where messages do
  while (true) {
    const head = <u64>sysKlogRead(buf, <usize>STEP, pos);
    const oldest = head > KLOG_SIZE ? head - KLOG_SIZE : 0;
    const start = pos < oldest ? oldest : pos;
    let n = head - start;
    if (n > STEP) n = STEP;
    if (n > 0) {
      const t0 = rdtsc();
      term.write(buf, <usize>n);
      const t = rdtsc() - t0;
      if (n >= biggest) { biggest = n; biggestTsc = t; }
      pos = start + n;
      dirty = true;
      continue;
    }
    if (dirty && debugcon) dump(term);
    dirty = false;
    sysTimerSet(SLOT_NTFN, POLL_MS);
    if (!ntfnBound) { sysWait(SLOT_NTFN, waitOut); continue; }
    // The timer, or a message: L_CRASH faults at once (no client waits on the console).
    sysRecv(SLOT_SELF, changetype<usize>(lastMsg()));
    if (lastMsg().label == L_CRASH) crashNow(lastMsg().w0);
  }
}

function dump(term: Terminal): void {
  let n = term.dump(dumpBuf, DUMP_CAP);
  if (n > DUMP_CAP) n = DUMP_CAP;
  out("<<<screen\n");
  for (let i: u32 = 0; i < n; i++) sysIoportOut(SLOT_IOPORTS, DEBUGCON, 1, <u32>load<u8>(dumpBuf + <usize>i));
  out(">>>screen biggest write ");
  outDec(biggest); out(" bytes, "); outDec(biggestTsc); out(" ticks\n");
}

function outDec(v: u64): void {
  if (v >= 10) outDec(v / 10);
  sysIoportOut(SLOT_IOPORTS, DEBUGCON, 1, <u32>(0x30 + v % 10));
}

function out(s: string): void {
  for (let i = 0; i < s.length; i++) sysIoportOut(SLOT_IOPORTS, DEBUGCON, 1, <u32>s.charCodeAt(i));
}
