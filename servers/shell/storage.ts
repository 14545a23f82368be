// storage.ts — the shell's storage commands (issue 6): ls, cat, write, cp,
// mv, rm, mkdir, rmdir, df, sync (the filesystem server, servers/fs), lspci
// (the PCI server) and disks. The servers' endpoints come from init's name
// registry ("fs", "pci"), looked up again after a failed call (a restarted
// server). Requests and their formats: servers/lib/storage.ts; file data
// goes through the buffer the shell shares with the filesystem server
// (servers/lib/fsclient.ts: cat and cp move up to 128 KiB per request,
// cp without copying in the shell). main.ts calls storageRun for the
// commands commands.ts numbers from CMD_LS on.

import { lastMsg } from "../lib/msg";
import { OutBuf } from "../lib/outbuf";
import {
  E_FS, E_FS_NOBUF, L_FS_CLOSE, L_FS_DF, L_FS_DISK, L_FS_LIST, L_FS_MKDIR, L_FS_OPEN, L_FS_READ, L_FS_REMOVE, L_FS_RENAME,
  L_FS_RMDIR, L_FS_SYNC, L_FS_WRITE, L_PCI_INFO, blkKindName, setStageWord, stageBytes, stageWord, wordsFor
} from "../lib/storage";
import { FS_BUF_BYTES, FS_WINDOW, fsAsk, fsData, fsNoMemory } from "../lib/fsclient";
import { NamedServer } from "../lib/lookup";
import { Parsed } from "./commands";

export const CMD_LS = 12;
export const CMD_CAT = 13;
export const CMD_WRITE = 14;
export const CMD_CP = 15;
export const CMD_MV = 16;
export const CMD_RM = 17;
export const CMD_MKDIR = 18;
export const CMD_RMDIR = 19;
export const CMD_DF = 20;
export const CMD_SYNC = 21;
export const CMD_LSPCI = 22;
export const CMD_DISKS = 23;

const SLOT_PCI: u32 = 22;   // (fsclient.ts keeps 21 and 30; bench.ts 23..27)
const pci = new NamedServer("pci", SLOT_PCI);   // its calls: the stage's words; looked up again once after a failure

// The fs request failed (E_FS with a message, or no server): say so; true if it failed.
function fsFailed(out: OutBuf, what: string, sent: bool): bool {
  if (!sent) {
    out.str(what);
    out.str(fsNoMemory ? ": no memory for the buffer shared with the filesystem server\n" : ": the filesystem server is not running\n");
    return true;
  }
  if (lastMsg().label == 0) return false;
  out.str(what); out.str(": ");
  if (lastMsg().label == E_FS || lastMsg().label == E_FS_NOBUF) {
    let n = <i32>stageWord(1);
    if (n > 400) n = 400;
    out.bytes(stageBytes(2), n);
  } else out.str("unexpected answer");
  out.byte(0x0A);
  return true;
}

// Path argument i into the stage (length in word lenWord, bytes from word from).
function putPath(p: Parsed, i: i32, lenWord: u32, from: u32): u32 {
  const n = p.argLen(i);
  setStageWord(lenWord, <u64>n);
  memory.copy(stageBytes(from), p.argPtr(i), <usize>n);
  return wordsFor(from, <u32>n);
}
function putRoot(lenWord: u32, from: u32): u32 {
  setStageWord(lenWord, 1);
  store<u8>(stageBytes(from), 0x2F);
  return wordsFor(from, 1);
}

function pathOp(out: OutBuf, p: Parsed, label: u64, what: string): void {
  setStageWord(0, 0);
  const n = putPath(p, 0, 1, 2);
  fsFailed(out, what, fsAsk(label, n));
}

// open -> handle, or -1 (message written)
function openFile(out: OutBuf, p: Parsed, i: i32, flags: u64, what: string): i64 {
  setStageWord(0, flags);
  const n = putPath(p, i, 1, 2);
  if (fsFailed(out, what, fsAsk(L_FS_OPEN, n))) return -1;
  return <i64>stageWord(0);
}
function closeFile(h: i64): void { setStageWord(0, <u64>h); fsAsk(L_FS_CLOSE, 1); }

function ls(out: OutBuf, p: Parsed): void {
  let cookie: u64 = 0;
  let count = 0;
  while (true) {
    setStageWord(0, cookie);
    const n = p.argc > 0 ? putPath(p, 0, 1, 2) : putRoot(1, 2);
    if (fsFailed(out, "ls", fsAsk(L_FS_LIST, n))) return;
    cookie = stageWord(0);
    if (cookie == 0) break;
    const attr = stageWord(1);
    if (attr & 0x10) out.str("       <dir>  ");
    else { out.decPad(stageWord(2), 12); out.str("  "); }
    let nl = <i32>stageWord(3);
    out.bytes(stageBytes(4), nl);
    if (attr & 0x10) out.byte(0x2F);
    out.byte(0x0A);
    count++;
    if (out.len > 3000) flush();
  }
  if (count == 0) out.str("(empty)\n");
}

let flush: () => void = () => {};

// Up to 128 KiB per request into the shared buffer, to the console in pieces.
function cat(out: OutBuf, p: Parsed): void {
  const h = openFile(out, p, 0, 0, "cat");
  if (h < 0) return;
  let off: u64 = 0;
  let last: u8 = 0x0A;
  while (true) {
    if (fsFailed(out, "cat", fsData(L_FS_READ, <u64>h, off, FS_BUF_BYTES, 0))) break;
    const n = <i32>stageWord(0);
    if (n == 0) break;
    for (let i = 0; i < n; i += 2048) {
      out.bytes(FS_WINDOW + <usize>i, min(2048, n - i));   // plain loads: the window is outside linear memory
      if (out.len > 3000) flush();
    }
    last = load<u8>(FS_WINDOW + <usize>(n - 1));
    off += <u64>n;
  }
  closeFile(h);
  if (out.len > 0) last = load<u8>(out.buf + <usize>(out.len - 1));   // else all of it was flushed: the data's last byte
  if (off > 0 && last != 0x0A) out.byte(0x0A); // the prompt on a line of its own
}

// The words, a space between them and a newline at the end, in one request.
function writeCmd(out: OutBuf, p: Parsed): void {
  const h = openFile(out, p, 0, 3, "write");   // create | truncate
  if (h < 0) return;
  let n: usize = 0;
  for (let i = 1; i < p.argc; i++) {
    const w = p.argPtr(i);
    for (let k = 0; k < p.argLen(i); k++) store<u8>(FS_WINDOW + n++, load<u8>(w + <usize>k));   // a command line: far below 128 KiB
    store<u8>(FS_WINDOW + n++, i + 1 < p.argc ? 0x20 : 0x0A);
  }
  fsFailed(out, "write", fsData(L_FS_WRITE, <u64>h, 0, <u64>n, 0));
  closeFile(h);
}

function cp(out: OutBuf, p: Parsed): void {
  const a = openFile(out, p, 0, 0, "cp");
  if (a < 0) return;
  const b = openFile(out, p, 1, 3, "cp");
  if (b < 0) { closeFile(a); return; }
  // Read into the shared buffer, write from it: the data never passes through the shell.
  let off: u64 = 0;
  while (true) {
    if (fsFailed(out, "cp", fsData(L_FS_READ, <u64>a, off, FS_BUF_BYTES, 0))) break;
    const n = stageWord(0);
    if (n == 0) break;
    if (fsFailed(out, "cp", fsData(L_FS_WRITE, <u64>b, off, n, 0))) break;
    off += n;
  }
  closeFile(a);
  closeFile(b);
}

function mv(out: OutBuf, p: Parsed): void {
  const a = p.argLen(0), b = p.argLen(1);
  setStageWord(0, <u64>a); setStageWord(1, <u64>b);
  memory.copy(stageBytes(2), p.argPtr(0), <usize>a);
  memory.copy(stageBytes(2) + <usize>a, p.argPtr(1), <usize>b);
  fsFailed(out, "mv", fsAsk(L_FS_RENAME, wordsFor(2, <u32>(a + b))));
}

function df(out: OutBuf): void {
  if (fsFailed(out, "df", fsAsk(L_FS_DF, 0))) return;
  const cb = stageWord(0), total = stageWord(1), free = stageWord(2), t = stageWord(3);
  out.str("FAT"); out.dec(t); out.str(": "); out.dec(total * cb >> 10); out.str(" KiB, ");
  out.dec((total - free) * cb >> 10); out.str(" KiB used, "); out.dec(free * cb >> 10); out.str(" KiB free (");
  out.dec(total); out.str(" clusters of "); out.dec(cb); out.str(" bytes)\n");
}

function hexPad(out: OutBuf, v: u64, digits: i32): void {
  for (let i = digits - 1; i >= 0; i--) {
    const d = <u32>((v >> (<u64>i << 2)) & 15);
    out.byte(d < 10 ? 0x30 + d : 0x57 + d);
  }
}

function className(c: u32): string {
  const base = c >> 16, sub = (c >> 8) & 0xFF;
  if (base == 1) return sub == 0 ? "SCSI storage (virtio-blk)" : sub == 1 ? "IDE controller" : sub == 6 ? "SATA controller (AHCI)" : "storage controller";
  if (base == 2) return "network controller";
  if (base == 3) return "display controller";
  if (base == 6) return sub == 0 ? "host bridge" : sub == 1 ? "ISA bridge" : sub == 4 ? "PCI bridge" : "bridge";
  if (base == 0xC) return sub == 5 ? "SMBus" : sub == 3 ? "USB controller" : "serial bus controller";
  return "device";
}

function lspci(out: OutBuf): void {
  for (let i: u64 = 0; i < 256; i++) {
    setStageWord(0, i);
    if (!pci.ask(L_PCI_INFO, 1)) { out.str("lspci: the PCI server is not running\n"); return; }
    if (lastMsg().label != 0) break;
    const w0 = stageWord(0), w1 = stageWord(1);
    const bdf = <u32>(w0 & 0xFFFF);
    hexPad(out, bdf >> 8, 2); out.byte(0x3A); hexPad(out, (bdf >> 3) & 31, 2); out.byte(0x2E); out.dec(bdf & 7);
    out.byte(0x20); hexPad(out, (w0 >> 16) & 0xFFFF, 4); out.byte(0x3A); hexPad(out, (w0 >> 32) & 0xFFFF, 4);
    out.str(" class "); hexPad(out, w1 & 0xFFFFFF, 6);
    const irq = (w1 >> 24) & 0xFF;
    if (irq != 0 && irq != 0xFF) { out.str(" irq "); out.decPad(irq, 2); } else out.str("       ");
    out.str("  "); out.str(className(<u32>(w1 & 0xFFFFFF)));
    out.byte(0x0A);
  }
}

function disks(out: OutBuf): void {
  if (!fsAsk(L_FS_DISK, 0)) { out.str("disks: the filesystem server is not running\n"); return; }
  const sectors = stageWord(0);
  if (sectors == 0) { out.str("no disks\n"); return; }
  out.str("disk0: "); out.str(blkKindName(stageWord(4))); out.str(", "); out.dec(sectors); out.str(" sectors of "); out.dec(stageWord(1)); out.str(" bytes (");
  out.dec(sectors >> 11); out.str(" MiB), ");
  if (stageWord(2) == 1) out.str("FAT volume mounted\n");
  else { out.str("not mounted (error "); out.sdec(<i64>stageWord(3)); out.str(")\n"); }
}

// Run storage command c (CMD_LS ..); `flushOut` empties `out` to the console.
export function storageRun(c: i32, p: Parsed, out: OutBuf, flushOut: () => void): void {
  flush = flushOut;
  if (c == CMD_LS) ls(out, p);
  else if (c == CMD_CAT) cat(out, p);
  else if (c == CMD_WRITE) writeCmd(out, p);
  else if (c == CMD_CP) cp(out, p);
  else if (c == CMD_MV) mv(out, p);
  else if (c == CMD_RM) pathOp(out, p, L_FS_REMOVE, "rm");
  else if (c == CMD_MKDIR) pathOp(out, p, L_FS_MKDIR, "mkdir");
  else if (c == CMD_RMDIR) pathOp(out, p, L_FS_RMDIR, "rmdir");
  else if (c == CMD_DF) df(out);
  else if (c == CMD_SYNC) { if (!fsFailed(out, "sync", fsAsk(L_FS_SYNC, 0))) out.str("synced\n"); }
  else if (c == CMD_LSPCI) lspci(out);
  else if (c == CMD_DISKS) disks(out);
}
