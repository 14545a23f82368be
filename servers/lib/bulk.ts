// bulk.ts — the bulk-transfer benchmark (issue 5, item 6), both sides:
// moving 4 KiB, 64 KiB and 1 MiB to another process
//   (a) by IPC copies: calls of 64 words (4 in registers, 60 through the IPC
//       buffers: 512 bytes each), which the receiver copies into its own
//       buffer and answers empty;
//   (b) through a shared memory object (dma_alloc, mapped in both): the
//       sender copies the data into it and signals "ready", the receiver
//       (waiting) signals "done" back.
// BulkSender times transfers (servers/kbench; the shell's bench command),
// BulkSink receives them (servers/kbenchpeer; servers/bulksink in the
// system) and checks the data against the pattern bulkWord.
//
// On the receiver's endpoint (labels apart from servers/lib/proto.ts's):
//   BULK_COPY  (send) w0 = words per transfer: the copy sink; every call that
//              follows is data until BULK_STOP (send)
//   BULK_SHM   (send) w0 = transfers: each is wait "ready", signal "done"
//   BULK_CHECK (call) w0 = seed, w1 = words, w2 = 0 the copy buffer / 1 the
//              shared memory -> w0 = the words that differ from bulkWord(j, seed)
//   BULK_ATTACH, BULK_NOTIFY: how servers/bulksink gets its capabilities
//              (its main.ts); kbenchpeer gets them from kbench (proc_give)

import { sysCall, sysRecv, sysReply, sysReplyRecv, sysSend, sysSignal, sysWait, sysMemMap, RecvOut, WaitOut } from "./sys";
import { infoLabel, msgInfo, msgWord, setMsgWord } from "./msg";
import { rdtsc } from "./x86";

export const BULK_COPY: u64 = 40;
export const BULK_SHM: u64 = 41;
export const BULK_CHECK: u64 = 42;
export const BULK_STOP: u64 = 43;
export const BULK_DATA: u64 = 44;     // a copy call's label
export const BULK_ATTACH: u64 = 45;   // (call, 1 capability: the shared memory object) -> the sink's "ready" notification
export const BULK_NOTIFY: u64 = 46;   // (call, 1 capability: the sender's "done" notification)

export const BULK_MAX_WORDS: i32 = 131072;    // 1 MiB: the sizes are 4 KiB << 4k up to this
export const BULK_MAX_BYTES: i32 = BULK_MAX_WORDS * 8;
export const BULK_PAGES: u64 = <u64>(BULK_MAX_BYTES >> 12);
export const SHM_VA: usize = 0xC010_0000;      // where both map the object (DMA window + 1 MiB)
const CALL_WORDS: i32 = 64;

// The data: word j of the transfer with this seed.
@inline export function bulkWord(j: i32, seed: u64): u64 { return (<u64>(j + 1) * 0x9E3779B97F4A7C15) ^ (seed * 0x100000001B3); }

const out = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const wo = memory.data(offsetof<WaitOut>(), 8);

// The sending side: `ep` the receiver's endpoint; the shared memory mapped
// writable at SHM_VA; `ready` the receiver's notification (signal), `done`
// the sender's own (wait).
export class BulkSender {
  src: StaticArray<u64> = new StaticArray<u64>(BULK_MAX_WORDS);
  seed: u64 = 0;
  constructor(public ep: u32, public ready: u32, public done: u32) {}

  private fill(words: i32): void {
    this.seed++;
    const seed = this.seed, src = this.src;
    for (let j = 0; j < words; j++) unchecked(src[j] = bulkWord(j, seed));
  }

  // warmup + n transfers of `words` by IPC copies (new data before each,
  // not timed); the last n times (rdtsc ticks) into t. Returns the words the
  // receiver got wrong in the last transfer, or -1 when an IPC call failed.
  copy(words: i32, warmup: i32, n: i32, t: StaticArray<u64>): i64 {
    if (sysSend(this.ep, msgInfo(BULK_COPY, 1), <u64>words, 0, 0, 0) < 0) return -1;
    const o = changetype<usize>(out);
    for (let i = 0; i < warmup + n; i++) {
      this.fill(words);
      const srcp = changetype<usize>(this.src);
      let bad = false;
      const t0 = rdtsc();
      for (let w = 0; w < words; w += CALL_WORDS) {
        const p = srcp + (<usize>w << 3);
        for (let j: u32 = 4; j < <u32>CALL_WORDS; j++) setMsgWord(j, load<u64>(p + (<usize>j << 3)));
        if (sysCall(this.ep, msgInfo(BULK_DATA, <u64>CALL_WORDS), load<u64>(p), load<u64>(p, 8), load<u64>(p, 16), load<u64>(p, 24), o) < 0) bad = true;
      }
      const dt = rdtsc() - t0;
      if (bad) return -1;
      if (i >= warmup) unchecked(t[i - warmup] = dt);
    }
    if (sysSend(this.ep, msgInfo(BULK_STOP, 0), 0, 0, 0, 0) < 0) return -1;
    return this.check(words, 0);
  }

  // The same through the shared memory object.
  shm(words: i32, warmup: i32, n: i32, t: StaticArray<u64>): i64 {
    if (sysSend(this.ep, msgInfo(BULK_SHM, 1), <u64>(warmup + n), 0, 0, 0) < 0) return -1;
    const bytes = <usize>words << 3;
    for (let i = 0; i < warmup + n; i++) {
      this.fill(words);
      const srcp = changetype<usize>(this.src);
      const t0 = rdtsc();
      for (let b: usize = 0; b < bytes; b += 8) store<u64>(SHM_VA + b, load<u64>(srcp + b));
      if (sysSignal(this.ready) < 0 || sysWait(this.done, wo) < 0) return -1;
      const dt = rdtsc() - t0;
      if (i >= warmup) unchecked(t[i - warmup] = dt);
    }
    return this.check(words, 1);
  }

  private check(words: i32, mode: u64): i64 {
    if (sysCall(this.ep, msgInfo(BULK_CHECK, 3), this.seed, <u64>words, mode, 0, changetype<usize>(out)) < 0) return -1;
    return <i64>out.w0;
  }
}

// The receiving side: commands arrive on `ep`; `shmSlot` is the shared
// memory object (mapped read-only at SHM_VA on the first BULK_SHM after
// `mapped` is cleared), `ready` its notification (wait), `done` the
// sender's (signal).
export class BulkSink {
  dst: StaticArray<u64> = new StaticArray<u64>(0);   // where copies land (1 MiB, at the first BULK_COPY)
  mapped: bool = false;
  again: bool = false;     // the copy sink ended on a message other than BULK_STOP: it is in m, to be served
  constructor(public ep: u32, public shmSlot: u32, public ready: u32, public done: u32) {}

  // Serve the bulk command just received in `m` (a RecvOut); false if it is
  // none. Returns after the command: the caller receives the next message
  // (unless `again`).
  handle(m: RecvOut): bool {
    const label = infoLabel(m.info);
    if (label == BULK_COPY) this.copySink(<i32>m.w0, m);
    else if (label == BULK_SHM) this.shmSink(<i32>m.w0);
    else if (label == BULK_CHECK) sysReply(msgInfo(0, 1), this.check(m.w0, <i32>m.w1, m.w2), 0, 0, 0);
    else return false;
    return true;
  }

  // Every call's 64 words go to dst at the next position (wrapping at `words`).
  private copySink(words: i32, m: RecvOut): void {
    if (this.dst.length < BULK_MAX_WORDS) this.dst = new StaticArray<u64>(BULK_MAX_WORDS);
    if (words <= 0 || words > BULK_MAX_WORDS) words = BULK_MAX_WORDS;
    const dst = this.dst;
    const mp = changetype<usize>(m);
    let pos = 0;
    let r = sysRecv(this.ep, mp);
    while (r == 0 && infoLabel(m.info) == BULK_DATA) {
      unchecked(dst[pos] = m.w0); unchecked(dst[pos + 1] = m.w1); unchecked(dst[pos + 2] = m.w2); unchecked(dst[pos + 3] = m.w3);
      for (let j: u32 = 4; j < <u32>CALL_WORDS; j++) unchecked(dst[pos + <i32>j] = msgWord(j));
      pos += CALL_WORDS;
      if (pos + CALL_WORDS > words) pos = 0;
      r = sysReplyRecv(this.ep, msgInfo(0, 0), 0, 0, 0, 0, mp);
    }
    this.again = r == 0 && infoLabel(m.info) != BULK_STOP;
  }

  // n times: wait for "ready", signal "done".
  private shmSink(n: i32): void {
    if (!this.mapped) this.mapped = sysMemMap(this.shmSlot, SHM_VA, 0) == 0;
    for (let i = 0; i < n; i++) {
      if (sysWait(this.ready, wo) < 0) return;
      sysSignal(this.done);
    }
  }

  // The words of the copy buffer (mode 0) or the shared memory (1) that are not the pattern.
  private check(seed: u64, words: i32, mode: u64): u64 {
    if (words < 0 || words > BULK_MAX_WORDS) return <u64>BULK_MAX_WORDS;
    if (mode == 0 ? this.dst.length < words : !this.mapped) return <u64>words;
    let bad: u64 = 0;
    for (let j = 0; j < words; j++) {
      const v = mode == 0 ? unchecked(this.dst[j]) : load<u64>(SHM_VA + (<usize>j << 3));
      if (v != bulkWord(j, seed)) bad++;
    }
    return bad;
  }
}
