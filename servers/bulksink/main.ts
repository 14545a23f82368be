// main.ts — servers/bulksink: the receiving end of the shell's `bench`
// bulk transfers in the system (servers/lib/bulk.ts's BulkSink; in
// build/bench.iso servers/kbenchpeer plays this part for servers/kbench).
// Started by init from the boot manifest and registered as "bulksink";
// the shell looks it up by name and hands it, by capability transfer on
// its endpoint,
//   BULK_ATTACH  the shared memory object (read-only: the sink only reads
//                it); the answer carries the sink's own notification
//                (signal only): "data ready"
//   BULK_NOTIFY  the shell's notification (signal only): "done"
// then sends the bulk commands (BULK_COPY, BULK_SHM, BULK_CHECK). A new
// BULK_ATTACH replaces the old object (deleting it unmaps it). Also
// L_CRASH (the shell's `crash bulksink <kind>`) and L_PING, as every server.

import { sysCapDelete, sysCapMint, sysCapMove, sysRecv, sysReply, RecvOut } from "../lib/sys";
import { infoCaps, infoLabel, msgInfo, setRecvSlot, setSendCap } from "../lib/msg";
import { flush, println } from "../lib/print";
import { crashNow } from "../lib/crash";
import { L_CRASH, L_PING, SLOT_NTFN, SLOT_SELF } from "../lib/proto";
import { BULK_ATTACH, BULK_NOTIFY, BulkSink } from "../lib/bulk";

const SLOT_RECV: u32 = 20;    // where a capability sent to the sink lands
const SLOT_SHM: u32 = 21;     // the sender's shared memory object
const SLOT_DONE: u32 = 22;    // the sender's "done" notification
const SLOT_READY: u32 = 23;   // the signal-only copy of SLOT_NTFN handed out
const RIGHT_WRITE: u32 = 2;
const E_NO_CAP: u64 = 1;      // answer labels: the request came without its capability,
const E_UNKNOWN: u64 = 2;     // or is none of the above

const m = changetype<RecvOut>(memory.data(offsetof<RecvOut>(), 8));
const mp = changetype<usize>(m);
const sink = new BulkSink(SLOT_SELF, SLOT_SHM, SLOT_NTFN, SLOT_DONE);

// The capability that came with the message in m into `slot` (replacing what was there).
function take(slot: u32): bool {
  if (infoCaps(m.info) != 1) return false;
  sysCapDelete(slot);
  return sysCapMove(SLOT_RECV, slot) == 0;
}

// The next request into m (a receive fails only without a usable endpoint: stop, init restarts us).
function next(): void {
  if (sysRecv(SLOT_SELF, mp) != 0) { println("bulksink: cannot receive on my endpoint"); flush(); unreachable(); }
}

setRecvSlot(SLOT_RECV);
println("bulksink: ready");
next();
while (true) {
  const label = infoLabel(m.info);
  if (sink.handle(m)) {
    if (sink.again) { sink.again = false; continue; }   // the copy sink stopped at another request: serve it
  } else if (label == BULK_ATTACH) {
    if (!take(SLOT_SHM)) sysReply(msgInfo(E_NO_CAP, 0), 0, 0, 0, 0);
    else {
      sink.mapped = false;                  // mapped at the next BULK_SHM
      sysCapDelete(SLOT_READY);
      sysCapMint(SLOT_NTFN, SLOT_READY, RIGHT_WRITE, 0);
      setSendCap(SLOT_READY);
      sysReply(msgInfo(0, 0, 1), 0, 0, 0, 0);
    }
  } else if (label == BULK_NOTIFY) {
    sysReply(msgInfo(take(SLOT_DONE) ? 0 : E_NO_CAP, 0), 0, 0, 0, 0);
  } else if (label == L_CRASH) {
    crashNow(m.w0);
  } else if (label != L_PING) {
    sysReply(msgInfo(E_UNKNOWN, 0), 0, 0, 0, 0);  // (a send: nobody to answer, no harm)
  }
  next();
}
