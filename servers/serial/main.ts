// main.ts — servers/serial: the 16550 serial driver in user space and the
// console of the other processes. Started and supervised by init with an
// I/O port capability for COM1, IRQ 4 bound to its notification, and its
// endpoint (servers/lib/proto.ts slots). Requests on its endpoint:
//   L_WRITE  write bytes (w0 = count, bytes from word 1 on, IPC buffer
//            past word 3); "\n" goes out as "\r\n"
//   L_READ   answer with 1..24 received bytes; with none buffered the call
//            is kept (reply_save) and answered when input arrives
//   L_INPUT  bytes from the keyboard driver (servers/kbd), taken as input
//   L_CRASH  arms a fault for the next request (servers/lib/crash.ts); L_PING: ignored
// The notification is bound to the driver's thread (bind_notification),
// so one receive waits for both requests and IRQs: writes are served while
// a reader waits. An IRQ drains the FIFO into a 256-byte ring and is
// acknowledged. Without the binding (an older kernel) a read waits for the
// IRQ itself.

import {
  sysBindNotification, sysIrqAck, sysIrqSetNotification, sysKlogWrite, sysPoll, sysRecv, sysReply, sysReplySave, sysSend, sysWait,
  WaitOut, LABEL_NOTIFICATION,
} from "../lib/sys";
import { lastMsg, msgInfo, msgWord, replyRecv } from "../lib/msg";
import { println, flush } from "../lib/print";
import { crashCheck } from "../lib/crash";
import { L_INPUT, L_PING, L_READ, L_WRITE, SERIAL_WRITE_MAX, SLOT_IRQ, SLOT_NTFN, SLOT_SELF } from "../lib/proto";
import { uartHasData, uartInit, uartRead, uartWrite } from "./uart";

const RING: u32 = 256;
const ring = memory.data(<i32>RING);
let head: u32 = 0, tail: u32 = 0;       // bytes in [tail, head)
const waitOut = memory.data(offsetof<WaitOut>(), 8);
const words = memory.data(24, 8);
const copy = memory.data(SERIAL_WRITE_MAX);   // what was written, for the console log (screen console)
const SLOT_READER: u32 = 20;            // the reply capability of a waiting L_READ
let readerWaiting = false;

// Everything the UART holds into the ring (the oldest bytes are dropped when full).
function drain(): void {
  while (uartHasData()) {
    const b = uartRead();
    if (head - tail < RING) { store<u8>(ring + (head & (RING - 1)), b); head++; }
  }
}

function writeBytes(): void {
  const m = lastMsg();
  let n = <i32>m.w0;
  if (n > SERIAL_WRITE_MAX) n = SERIAL_WRITE_MAX;
  for (let i = 0; i < n; i++) {
    const word = i >> 3;
    const w: u64 = word == 0 ? m.w1 : word == 1 ? m.w2 : word == 2 ? m.w3 : msgWord(<u32>(word + 1));
    const b = <u32>((w >> (<u64>(i & 7) << 3)) & 0xFF);
    if (b == 10) uartWrite(13);
    uartWrite(b);
    store<u8>(copy + <usize>i, <u8>b);
  }
  sysKlogWrite(copy, <usize>n);   // the screen console shows it too (kernel/klog.ts)
}

// Up to 24 buffered bytes into `words`; their count.
function take(): u64 {
  memory.fill(words, 0, 24);
  let n: u64 = 0;
  while (head != tail && n < 24) {
    store<u8>(words + <usize>n, load<u8>(ring + (tail & (RING - 1))));
    tail++;
    n++;
  }
  return n;
}

@inline function next(): void { sysRecv(SLOT_SELF, changetype<usize>(lastMsg())); }  // RecvOut and Msg have one layout

if (!uartInit()) {
  println("serial: no I/O port capability, stopping");
  flush();
  unreachable();
}
const irqBound = sysIrqSetNotification(SLOT_IRQ, SLOT_NTFN) >= 0;
const ntfnBound = sysBindNotification(SLOT_NTFN) >= 0;
sysIrqAck(SLOT_IRQ);
drain();
if (!irqBound) println("serial: IRQ 4 not bound, input by polling only");
println("serial: ready (COM1, IRQ 4)");

next();
while (true) {
  const m = lastMsg();
  const label = m.label;
  if (crashCheck(label, m.w0)) { next(); continue; }   // L_CRASH arms a fault for the next request
  if (label == LABEL_NOTIFICATION) {
    // An IRQ: take the input; a waiting reader gets it now.
    drain();
    sysIrqAck(SLOT_IRQ);
    if (readerWaiting && head != tail) {
      const n = take();
      sysSend(SLOT_READER, msgInfo(0, 4), n, load<u64>(words), load<u64>(words + 8), load<u64>(words + 16));
      readerWaiting = false;                  // (a reader that died meanwhile: the send fails, nothing to do)
    }
    next();
  } else if (label == L_WRITE) {
    writeBytes();
    replyRecv(SLOT_SELF, 0, 0);
  } else if (label == L_READ) {
    sysPoll(SLOT_NTFN, waitOut);
    drain();
    sysIrqAck(SLOT_IRQ);
    if (head == tail && ntfnBound && !readerWaiting && sysReplySave(SLOT_READER) == 0) {
      readerWaiting = true;                   // answered from the IRQ branch
      next();
      continue;
    }
    while (head == tail) {                    // no binding (or a second reader): wait here
      if (irqBound) { sysWait(SLOT_NTFN, waitOut); drain(); sysIrqAck(SLOT_IRQ); }
      else drain();
    }
    const n = take();
    replyRecv(SLOT_SELF, 0, 4, n, load<u64>(words), load<u64>(words + 8), load<u64>(words + 16));
  } else if (label == L_INPUT) {
    // Keys from the keyboard driver (servers/kbd): into the ring as if typed here.
    let k = <i32>m.w0;
    if (k > 24) k = 24;
    store<u64>(words, m.w1); store<u64>(words + 8, m.w2); store<u64>(words + 16, m.w3);
    for (let i = 0; i < k; i++) {
      if (head - tail < RING) { store<u8>(ring + (head & (RING - 1)), load<u8>(words + <usize>i)); head++; }
    }
    sysReply(msgInfo(0, 0), 0, 0, 0, 0);
    if (readerWaiting && head != tail) {
      const n = take();
      sysSend(SLOT_READER, msgInfo(0, 4), n, load<u64>(words), load<u64>(words + 8), load<u64>(words + 16));
      readerWaiting = false;
    }
    next();
  } else {
    if (label != L_PING) sysReply(msgInfo(1, 0), 0, 0, 0, 0);
    next();
  }
}
