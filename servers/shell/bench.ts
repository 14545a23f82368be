// bench.ts — the shell's `bench` command: a few figures of the running
// system in TSC ticks (guest instructions under QEMU -icount shift=0):
//   - the null system call and an IPC round trip to init;
//   - a crash of the serial driver until its next instance answers, and an
//     operator's restart (init's L_CRASH_SERVER, L_RESTART);
//   - shared memory vs copy: bulk transfers of 4 KiB, 64 KiB and 1 MiB to
//     another process, servers/bulksink (found by name), by IPC copies and
//     through a shared memory object with notifications, as bytes per tick.
//     The sending and receiving code is servers/lib/bulk.ts's, the same
//     that servers/kbench measures in build/bench.iso; the sink checks the
//     data of every size's last transfer.
// main.ts calls bench() with its output buffer and its serial-driver hooks.

import {
  sysCapDelete, sysCapMint, sysCall, sysDmaAlloc, sysMemMap, sysNull, sysPoll, PollOut,
} from "../lib/sys";
import { call, infoCaps, lastMsg, msgInfo, setRecvSlot, setSendCap } from "../lib/msg";
import { OutBuf } from "../lib/outbuf";
import { rdtsc } from "../lib/x86";
import { median } from "../lib/stats";
import { lookupName } from "../lib/lookup";
import { BULK_ATTACH, BULK_MAX_BYTES, BULK_NOTIFY, BULK_PAGES, BulkSender, SHM_VA } from "../lib/bulk";
import { L_CRASH_SERVER, L_NOP, L_RESTART, SLOT_INIT, SLOT_NTFN, nameWords0, nameWords1 } from "../lib/proto";

// The shell's slots for the bulk transfers (main.ts and storage.ts use 20..22).
const SLOT_SINK: u32 = 23;      // servers/bulksink's endpoint
const SLOT_SHM: u32 = 24;       // the shared memory object (1 MiB, dma_alloc), mapped at SHM_VA
const SLOT_SHM_RO: u32 = 25;    // a read-only copy of it: what the sink gets
const SLOT_READY: u32 = 26;     // the sink's notification ("data ready"; signal only)
const SLOT_DONE_W: u32 = 27;    // a signal-only copy of the shell's SLOT_NTFN ("done"): what the sink gets
const RIGHT_READ: u32 = 1, RIGHT_WRITE: u32 = 2;
const MAP_WRITE: u32 = 1;
const WARMUP = 1, ITERS = 5;    // per size and way (a 1 MiB copy is ~2,000 calls)

let shmMade = false;
let tx: BulkSender | null = null;
const t = new StaticArray<u64>(ITERS);
const pollOut = memory.data(offsetof<PollOut>(), 8);

// Find the sink and give it the shared memory and the "done" notification
// (again at every bench: the sink may have been restarted). "" or what failed.
function connect(): string {
  if (lookupName("bulksink", SLOT_SINK) < 0) return "servers/bulksink is not running (see 'ps')";
  if (!shmMade) {
    const e = sysDmaAlloc(SLOT_SHM, BULK_PAGES);
    if (e < 0) return "cannot allocate the shared memory: error " + (-e).toString();
    const m = sysMemMap(SLOT_SHM, SHM_VA, MAP_WRITE);
    if (m < 0) { sysCapDelete(SLOT_SHM); return "cannot map the shared memory: error " + (-m).toString(); }
    shmMade = true;
  }
  const o = changetype<usize>(lastMsg());
  sysCapDelete(SLOT_SHM_RO);
  sysCapMint(SLOT_SHM, SLOT_SHM_RO, RIGHT_READ, 0);
  setSendCap(SLOT_SHM_RO);
  sysCapDelete(SLOT_READY);
  setRecvSlot(SLOT_READY);
  let r = sysCall(SLOT_SINK, msgInfo(BULK_ATTACH, 0, 1), 0, 0, 0, 0, o);
  if (r < 0 || lastMsg().label != 0 || infoCaps(lastMsg().info) != 1) return "the sink did not take the shared memory";
  sysCapDelete(SLOT_DONE_W);
  sysCapMint(SLOT_NTFN, SLOT_DONE_W, RIGHT_WRITE, 0);
  setSendCap(SLOT_DONE_W);
  r = sysCall(SLOT_SINK, msgInfo(BULK_NOTIFY, 0, 1), 0, 0, 0, 0, o);
  if (r < 0 || lastMsg().label != 0) return "the sink did not take the notification";
  sysPoll(SLOT_NTFN, pollOut);   // no stale "done" from an earlier, interrupted run
  return "";
}

// num / den with three decimals.
function ratio(out: OutBuf, num: u64, den: u64, width: i32): void {
  const milli = den == 0 ? 0 : num * 1000 / den;
  let digits = 5;   // "0.000"
  for (let v = milli / 1000; v >= 10; v /= 10) digits++;
  for (let i = digits; i < width; i++) out.byte(0x20);
  out.dec(milli / 1000);
  out.byte(0x2E);
  const f = milli % 1000;
  if (f < 100) out.byte(0x30);
  if (f < 10) out.byte(0x30);
  out.dec(f);
}

// One cell: bytes per tick of the median transfer, or what went wrong.
function cell(out: OutBuf, bytes: i32, bad: i64, width: i32): void {
  if (bad < 0) { out.pad("IPC failed", width); return; }
  if (bad > 0) { out.str("FAILED: "); out.dec(<u64>bad); out.str(" words wrong"); return; }
  ratio(out, <u64>bytes, median(t, ITERS), width);
}

function bulkTable(out: OutBuf, flush: () => void): void {
  out.str("shared memory vs copy: bytes per TSC tick, to servers/bulksink (median of ");
  out.dec(<u64>ITERS); out.str("; data checked at the receiver)\n");
  flush();
  const why = connect();
  if (why.length > 0) { out.str("  unavailable: "); out.str(why); out.byte(0x0A); return; }
  if (tx == null) tx = new BulkSender(SLOT_SINK, SLOT_READY, SLOT_NTFN);
  const s = tx!;
  out.str("size        IPC copies  shared memory\n");
  for (let size = 4096; size <= BULK_MAX_BYTES; size <<= 4) {
    const words = size >> 3;
    out.pad(size >= 1 << 20 ? (size >> 20).toString() + " MiB" : (size >> 10).toString() + " KiB", 8);
    cell(out, size, s.copy(words, WARMUP, ITERS, t), 14);
    out.byte(0x20);
    cell(out, size, s.shm(words, WARMUP, ITERS, t), 14);
    out.byte(0x0A);
    flush();
  }
}

// `serialAnswers`: one call to the serial driver (true: answered; a failed
// one is handled: main.ts looks the driver up again); `serialReplaced`: the
// driver is a new instance (look it up again).
export function bench(out: OutBuf, flush: () => void, serialAnswers: () => bool, serialReplaced: () => void): void {
  const N: u64 = 1000;
  let t0 = rdtsc();
  for (let i: u64 = 0; i < N; i++) sysNull();
  const nullTicks = (rdtsc() - t0) / N;
  t0 = rdtsc();
  for (let i: u64 = 0; i < N; i++) call(SLOT_INIT, L_NOP, 0);
  const callTicks = (rdtsc() - t0) / N;
  out.str("benchmark                                   TSC ticks (guest instructions under -icount)\n");
  out.str("null system call round trip                 "); out.dec(nullTicks); out.byte(0x0A);
  out.str("IPC call + reply round trip (shell -> init) "); out.dec(callTicks); out.byte(0x0A);
  // A crash of the serial driver until its next instance answers (the
  // restart backoff of the manifest included).
  flush();
  const nb = String.UTF8.encode("serial");
  const n0 = nameWords0(changetype<usize>(nb), 6), n1 = nameWords1(changetype<usize>(nb), 6);
  t0 = rdtsc();
  const r = call(SLOT_INIT, L_CRASH_SERVER, 3, n0, n1, 0);
  const asked = r >= 0 && lastMsg().label == 0;
  while (!serialAnswers()) {}   // (a failure: the driver died holding the call; ask again)
  const restartTicks = rdtsc() - t0;
  serialReplaced();   // a new instance: look it up again
  out.str("serial driver: crash -> next instance answers ");
  if (asked) { out.dec(restartTicks); out.str(" (its restart backoff included)\n"); }
  else out.str("not measured (the driver was busy)\n");
  // An operator's restart (no backoff): kill, a new process from the boot
  // module, until it answers.
  t0 = rdtsc();
  call(SLOT_INIT, L_RESTART, 2, n0, n1);
  while (!serialAnswers()) {}
  const again = rdtsc() - t0;
  serialReplaced();
  out.str("serial driver: restart -> next instance answers ");
  out.dec(again); out.str(" (no backoff)\n");
  flush();
  bulkTable(out, flush);
}
