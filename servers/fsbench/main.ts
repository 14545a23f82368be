// main.ts — servers/fsbench: the storage benchmark and the guest-side
// checks of the filesystem server's shared-buffer protocol (issue 6, items
// 3 and 7). build/fsbench.iso is the system with this program in the
// shell's place (boot module "shell": init starts it with the shell's
// rights, among them power off). The disk image comes from the host
// (tests/bench/storage.ts, tests/qemu/fsbench.test.ts: mkfs.fat + mcopy):
// /bench/host.bin and /bench/small.txt hold patterns 7 and 3 (pattern.ts).
// Under QEMU -icount shift=0 rdtsc counts guest instructions, but only
// while the CPU runs: when every thread waits (for the disk), the kernel
// idles (hlt) and QEMU moves the clock on by the real time that passes.
// So fsbench runs a spinner, a thread of the lowest priority that counts
// loop rounds instead of letting the CPU idle; a timed stretch's figure is
// its rdtsc difference minus the spinner's rounds in it times the cost of
// a round (calibrated first: rdtsc per round while fsbench sleeps).
//
// 1. checks: a read before any attach (E_FS_NOBUF), an attach without a
//    capability, with something that is no memory object, with one that
//    is too large; reads outside the buffer, a file offset past 4 GiB, a
//    bad handle, a read and a write after the client revoked the
//    capability the server holds: each answered with a clear error. Then host.bin read in
//    odd-sized pieces into odd buffer offsets and compared byte by byte,
//    and /bench/guest.bin written the same way (pattern 1; the host
//    compares it with mtools after power-off).
// 2. /bench/seq.bin: SEQ_BYTES of pattern 1 written in 128 KiB requests
//    into a new file (the old one removed first, not timed; open, the
//    writes, close and sync timed; filling the buffer not), then read
//    back (open, the reads, close timed) and compared word by word (not
//    timed); ROUNDS times (the disk's timing moves a round by a few per
//    cent: how often the driver must wait).
// 3. open + read + close of /bench/small.txt, WARMUP + ITERS times, each
//    timed on its own (an empty timing pair subtracted).
// Output: "fsbench: check <name> ok[: <the server's message>]",
// "fsbench: FAILED: <what>", "fsbench: write <bytes> bytes in <n>
// instructions (<requests> requests)", the same for read,
// "fsbench: small_open_read_close <median> (min <min>, max <max>, N=<n>)",
// "fsbench: done" or "fsbench: <n> FAILED"; then the machine powers off.

import { sysCapDelete, sysCapRevoke, sysDmaAlloc, sysMemMap, sysThreadResume, sysThreadSetPriority } from "../lib/sys";
import { sleepMs } from "../lib/sleep";
import { threadCreate } from "../lib/thread";
import { call, lastMsg } from "../lib/msg";
import { print, printDec, println } from "../lib/print";
import { rdtsc } from "../lib/x86";
import { median } from "../lib/stats";
import { L_POWEROFF, SLOT_INIT, SLOT_NTFN } from "../lib/proto";
import {
  E_FS, E_FS_NOBUF, FS_BUF_MAX, L_FS_ATTACH, L_FS_CLOSE, L_FS_DISK, L_FS_OPEN, L_FS_READ, L_FS_REMOVE, L_FS_SIZE, L_FS_SYNC, L_FS_WRITE,
  setStageWord, stageBytes, stageWord, wordsFor
} from "../lib/storage";
import { FS_BUF_BYTES, FS_WINDOW, SLOT_FSBUF, fsAsk, fsAttach, fsData } from "../lib/fsclient";
import { byteAt, word64 } from "./pattern";

const SEQ_BYTES: u32 = 16 << 20;
const SEQ_SEED: u32 = 1, HOST_SEED: u32 = 7, SMALL_SEED: u32 = 3;
const GUEST_BYTES: u32 = (1 << 20) + 777;
const WARMUP = 20, ITERS = 200, ROUNDS = 3;
const SLOT_SPARE: u32 = 24;   // a second memory object, for the too-large attach
const O_CREATE_TRUNC: u64 = 3;

let failures = 0;
function failed(what: string): void { print("fsbench: FAILED: "); println(what); failures++; }


// The server's error message of the last reply ("" if it succeeded).
function message(): string {
  if (lastMsg().label != E_FS && lastMsg().label != E_FS_NOBUF) return "";
  let n = <i32>stageWord(1);
  if (n > 400) n = 400;
  return String.UTF8.decodeUnsafe(stageBytes(2), <usize>n);
}

// The answer must be error `label` with a message containing `needle`.
function expectError(what: string, sent: bool, label: u64, needle: string): void {
  if (!sent) { failed(what + ": no answer"); return; }
  const msg = message();
  if (lastMsg().label != label || !msg.includes(needle)) {
    failed(what + ": answer " + lastMsg().label.toString() + " '" + msg + "', expected " + label.toString() + " '" + needle + "'");
    return;
  }
  print("fsbench: check "); print(what); print(" ok: "); println(msg);
}

function ok(what: string, sent: bool): bool {
  if (!sent) { failed(what + ": the filesystem server is not running"); return false; }
  if (lastMsg().label != 0) { failed(what + ": " + message()); return false; }
  return true;
}

function open(path: string, flags: u64): i64 {
  const b = String.UTF8.encode(path);
  const n = <u32>b.byteLength;
  setStageWord(0, flags); setStageWord(1, n);
  memory.copy(stageBytes(2), changetype<usize>(b), n);
  if (!ok("open " + path, fsAsk(L_FS_OPEN, wordsFor(2, n)))) return -1;
  return <i64>stageWord(0);
}
function close(h: i64): bool { setStageWord(0, <u64>h); return ok("close", fsAsk(L_FS_CLOSE, 1)); }
function sync(): bool { return ok("sync", fsAsk(L_FS_SYNC, 0)); }

// A read or write without the client library's attach-and-retry (for the error checks).
function raw(label: u64, h: u64, pos: u64, n: u64, bufOff: u64): bool {
  setStageWord(0, h); setStageWord(1, pos); setStageWord(2, n); setStageWord(3, bufOff);
  return fsAsk(label, 4);
}

// Piece sizes and buffer offsets for the unaligned transfers: every size
// class (below, at and above a sector and a cluster, up to nearly the whole buffer).
const PIECES: StaticArray<u32> = [1, 511, 512, 513, 4095, 4096, 4097, 65536 + 13, 131072 - 7, 3000];

// --- wait for the filesystem server to mount the disk ---
let mounted = false;
for (let i = 0; i < 300 && !mounted; i++) {
  if (fsAsk(L_FS_DISK, 0) && lastMsg().label == 0 && stageWord(2) == 1) mounted = true;
  else sleepMs(100);
}
if (!mounted) failed("no mounted volume after 30 s");
else println("fsbench: the filesystem server has a volume");

function checks(): void {
  const h = open("/bench/host.bin", 0);
  if (h < 0) return;
  expectError("read without a buffer", raw(L_FS_READ, <u64>h, 0, 100, 0), E_FS_NOBUF, "no shared buffer");
  expectError("attach without a capability", fsAsk(L_FS_ATTACH, 0), E_FS, "without a memory object");
  expectError("attach of a notification", fsAsk(L_FS_ATTACH, 0, SLOT_NTFN), E_FS, "not a memory object");
  if (sysDmaAlloc(SLOT_SPARE, FS_BUF_MAX / 4096 + 1) < 0) failed("dma_alloc of the spare object");
  else expectError("attach of 132 KiB", fsAsk(L_FS_ATTACH, 0, SLOT_SPARE), E_FS, "larger than 128 KiB");
  sysCapDelete(SLOT_SPARE);
  if (!fsAttach() || !ok("attach", true)) return;
  if (stageWord(0) != FS_BUF_MAX) failed("attach: size " + stageWord(0).toString());
  else println("fsbench: check attach ok");
  expectError("read past the buffer's end", raw(L_FS_READ, <u64>h, 0, 200, FS_BUF_MAX - 100), E_FS, "longer than the rest of the shared buffer");
  expectError("read longer than the buffer", raw(L_FS_READ, <u64>h, 0, FS_BUF_MAX + 1, 0), E_FS, "longer than the rest of the shared buffer");
  expectError("buffer offset past the end", raw(L_FS_WRITE, <u64>h, 0, 0, FS_BUF_MAX + 8), E_FS, "offset past the end of the shared buffer");
  expectError("file offset past 4 GiB", raw(L_FS_READ, <u64>h, <u64>1 << 32, 10, 0), E_FS, "file offset past 4 GiB");
  expectError("bad handle", raw(L_FS_READ, <u64>1 << 40, 0, 10, 0), E_FS, "bad file handle");
  // The buffer pulled from under the server (revoking the copy it holds):
  // the client is told, the server keeps serving, the buffer attaches again.
  if (sysCapRevoke(SLOT_FSBUF) != 0) failed("revoke of the shared buffer");
  expectError("read into a revoked buffer", raw(L_FS_READ, <u64>h, 0, 4096, 0), E_FS_NOBUF, "shared buffer is gone");
  if (!fsAttach() || !ok("attach again", true)) return;
  if (sysCapRevoke(SLOT_FSBUF) != 0) failed("revoke of the shared buffer");
  expectError("write from a revoked buffer", raw(L_FS_WRITE, <u64>h, 0, 100, 0), E_FS_NOBUF, "shared buffer is gone");
  if (!fsAttach() || !ok("attach again", true)) return;

  // host.bin in pieces, each at another buffer offset, compared byte by byte.
  if (!ok("size of host.bin", raw(L_FS_SIZE, <u64>h, 0, 0, 0))) return;
  const size = <u32>stageWord(0);
  let pos: u32 = 0, k = 0, bad = false;
  while (true) {
    const off = <u32>(k & 7), want = min(PIECES[k % PIECES.length], <u32>FS_BUF_MAX - off);
    if (!ok("read host.bin", fsData(L_FS_READ, <u64>h, pos, want, off))) return;
    const n = <u32>stageWord(0);
    if (n == 0) break;
    if (n != min(want, size - pos)) { failed("read host.bin: " + n.toString() + " bytes at " + pos.toString()); return; }
    for (let i: u32 = 0; i < n && !bad; i++) {
      if (<u32>load<u8>(FS_WINDOW + off + i) != byteAt(pos + i, HOST_SEED)) { failed("host.bin differs at byte " + (pos + i).toString()); bad = true; }
    }
    pos += n; k++;
  }
  close(h);
  if (!bad) { print("fsbench: check host.bin ok: "); printDec(size); print(" bytes in "); printDec(k); println(" reads"); }

  // guest.bin: the same pieces, written.
  const g = open("/bench/guest.bin", O_CREATE_TRUNC);
  if (g < 0) return;
  pos = 0; k = 0;
  while (pos < GUEST_BYTES) {
    const off = <u32>((k * 3) & 7), n = min(min(PIECES[k % PIECES.length], <u32>FS_BUF_MAX - off), GUEST_BYTES - pos);
    for (let i: u32 = 0; i < n; i++) store<u8>(FS_WINDOW + off + i, <u8>byteAt(pos + i, SEQ_SEED));
    if (!ok("write guest.bin", fsData(L_FS_WRITE, <u64>g, pos, n, off))) return;
    if (<u32>stageWord(0) != n) { failed("write guest.bin: " + stageWord(0).toString() + " of " + n.toString() + " bytes"); return; }
    pos += n; k++;
  }
  if (close(g) && sync()) { print("fsbench: check guest.bin written: "); printDec(GUEST_BYTES); print(" bytes in "); printDec(k); println(" writes"); }
}


// The spinner (see the top): its own stack and IPC buffer page (it makes no calls).
const SLOT_SPIN: u32 = 25, SLOT_SPINBUF: u32 = 26;
const SPIN_STACK: usize = 4096;
const spinStack = memory.data(<i32>SPIN_STACK, 16);
const rounds = memory.data(8, 8);
function spin(): void { while (true) store<u64>(rounds, load<u64>(rounds) + 1); }
let roundCost: f64 = 0;
function startSpinner(): bool {
  if (sysDmaAlloc(SLOT_SPINBUF, 1) < 0 || sysMemMap(SLOT_SPINBUF, FS_WINDOW + <usize>(2 * FS_BUF_BYTES), 1) != 0) return false;
  if (threadCreate(SLOT_SPIN, 3, 0, SLOT_SPINBUF, spin, spinStack, SPIN_STACK) != 0) return false;
  if (sysThreadSetPriority(SLOT_SPIN, 1) != 0 || sysThreadResume(SLOT_SPIN) != 0) return false;
  // Calibrate: rdtsc per round while fsbench sleeps, the lowest of 10 stretches of 20 ms (the least
  // disturbed: the console server draws what was printed, init's clock ticks).
  for (let k = 0; k < 10; k++) {
    const r0 = load<u64>(rounds), t0 = rdtsc();
    sleepMs(20);
    const c = <f64>(rdtsc() - t0) / <f64>(load<u64>(rounds) - r0);
    if (k == 0 || c < roundCost) roundCost = c;
  }
  print("fsbench: spinner: "); printDec(<u64>(roundCost * 1000)); println(" guest instructions per 1000 rounds");
  return true;
}

// Before a timed part: wait until the rest of the system is quiet (above
// all the console server, which draws every line printed, on the
// framebuffer at millions of instructions per scroll): 20 ms sleeps until
// one in which others ran for less than 0.1 % of the time.
function settle(): void {
  for (let k = 0; k < 200; k++) {
    const r0 = load<u64>(rounds), t0 = rdtsc();
    sleepMs(20);
    const dt = <f64>(rdtsc() - t0);
    if (dt - <f64>(load<u64>(rounds) - r0) * roundCost < dt / 1000) return;
  }
  println("fsbench: the system never went quiet; figures include other servers' work");
}

// A timed stretch: rdtsc from start() to stop(), minus the spinner's rounds in it.
let tStart: u64 = 0, rStart: u64 = 0;
@inline function start(): void { rStart = load<u64>(rounds); tStart = rdtsc(); }
function stop(): u64 {
  const t = rdtsc() - tStart;
  const idle = <u64>(<f64>(load<u64>(rounds) - rStart) * roundCost);
  return t > idle ? t - idle : 0;
}

// The cost of timing itself: an empty start/stop pair.
const samples = new StaticArray<u64>(WARMUP + ITERS);
for (let i = 0; i < ITERS; i++) { start(); samples[i] = stop(); }
const overhead = median(samples, ITERS);

function sequential(): void {
  const chunks = SEQ_BYTES / <u32>FS_BUF_BYTES;
  // Write, a new file: without the last round's (no error the first time: there is none).
  const path = String.UTF8.encode("/bench/seq.bin");
  setStageWord(0, 0); setStageWord(1, <u64>path.byteLength);
  memory.copy(stageBytes(2), changetype<usize>(path), path.byteLength);
  fsAsk(L_FS_REMOVE, wordsFor(2, <u32>path.byteLength));
  settle();
  start();
  const h = open("/bench/seq.bin", O_CREATE_TRUNC);
  let tw = stop();
  if (h < 0) return;
  for (let c: u32 = 0; c < chunks; c++) {
    const base = c * <u32>FS_BUF_BYTES;
    for (let o: u32 = 0; o < <u32>FS_BUF_BYTES; o += 8) store<u64>(FS_WINDOW + o, word64(base + o, SEQ_SEED));
    start();
    const sent = fsData(L_FS_WRITE, <u64>h, base, FS_BUF_BYTES, 0);
    tw += stop();
    if (!ok("write seq.bin", sent)) return;
    if (stageWord(0) != FS_BUF_BYTES) { failed("write seq.bin: short write " + stageWord(0).toString()); return; }
  }
  start();
  const done = close(h) && sync();
  tw += stop();
  if (!done) return;
  print("fsbench: write "); printDec(SEQ_BYTES); print(" bytes in "); printDec(tw); print(" instructions ("); printDec(chunks); println(" requests)");
  // Read back.
  settle();
  start();
  const r = open("/bench/seq.bin", 0);
  let tr = stop();
  if (r < 0) return;
  for (let c: u32 = 0; c < chunks; c++) {
    const base = c * <u32>FS_BUF_BYTES;
    start();
    const sent = fsData(L_FS_READ, <u64>r, base, FS_BUF_BYTES, 0);
    tr += stop();
    if (!ok("read seq.bin", sent)) return;
    if (stageWord(0) != FS_BUF_BYTES) { failed("read seq.bin: short read " + stageWord(0).toString()); return; }
    for (let o: u32 = 0; o < <u32>FS_BUF_BYTES; o += 8) {
      if (load<u64>(FS_WINDOW + o) != word64(base + o, SEQ_SEED)) { failed("seq.bin read back differs at byte " + (base + o).toString()); return; }
    }
  }
  start();
  const closed = close(r);
  tr += stop();
  if (!closed) return;
  print("fsbench: read "); printDec(SEQ_BYTES); print(" bytes in "); printDec(tr); print(" instructions ("); printDec(chunks); println(" requests, verified)");
}

function small(): void {
  const path = String.UTF8.encode("/bench/small.txt");
  const n = <u32>path.byteLength;
  settle();
  for (let i = 0; i < WARMUP + ITERS; i++) {
    start();
    setStageWord(0, 0); setStageWord(1, n);
    memory.copy(stageBytes(2), changetype<usize>(path), n);
    const opened = fsAsk(L_FS_OPEN, wordsFor(2, n)) && lastMsg().label == 0;
    const h = stageWord(0);
    const read = opened && fsData(L_FS_READ, h, 0, 4096, 0) && lastMsg().label == 0;
    const got = <u32>stageWord(0);
    setStageWord(0, h);
    const closed = opened && fsAsk(L_FS_CLOSE, 1) && lastMsg().label == 0;
    const t = stop();
    if (!closed || !read) { failed("small.txt: open, read or close failed: " + message()); return; }
    if (i == 0) {
      for (let b: u32 = 0; b < got; b++) if (<u32>load<u8>(FS_WINDOW + b) != byteAt(b, SMALL_SEED)) { failed("small.txt differs at byte " + b.toString()); return; }
      print("fsbench: small.txt "); printDec(got); println(" bytes, verified");
    }
    if (i >= WARMUP) samples[i - WARMUP] = t > overhead ? t - overhead : 0;
  }
  const med = median(samples, ITERS);
  print("fsbench: small_open_read_close "); printDec(med); print(" (min "); printDec(samples[0]); print(", max ");
  printDec(samples[ITERS - 1]); print(", N="); printDec(ITERS); println(")");
}

if (mounted && !startSpinner()) failed("cannot start the spinner thread");
else if (mounted) {
  checks();
  for (let k = 0; k < ROUNDS && failures == 0; k++) sequential();
  small();
}
if (failures == 0) println("fsbench: done");
else { print("fsbench: "); printDec(failures); println(" FAILED"); }
call(SLOT_INIT, L_POWEROFF, 0);
while (true) sleepMs(1000);
