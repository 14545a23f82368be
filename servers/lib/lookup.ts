// lookup.ts — a server's endpoint by name from init's registry (L_LOOKUP on
// SLOT_INIT; servers/init/main.ts, servers/names/registry.ts): the answer
// carries the endpoint capability and the name's generation, which grows
// with every new instance of the server. NamedServer calls a server found
// that way with the words of servers/lib/storage.ts's stage.

import { sysCall, sysCapDelete } from "./sys";
import { call, infoCaps, lastMsg, msgInfo, setRecvSlot, setSendCap } from "./msg";
import { L_LOOKUP, SLOT_INIT, nameWords0, nameWords1 } from "./proto";
import { stageIn, stageOut, stageWord } from "./storage";

// The endpoint of server `name` into `slot` (emptied first); returns the
// name's generation (>= 1), or -1: no such server, or it is down (a
// restart's backoff: the name is dark until the next instance starts).
export function lookupName(name: string, slot: u32): i64 {
  const nb = String.UTF8.encode(name);
  const p = changetype<usize>(nb), n = nb.byteLength;
  sysCapDelete(slot);
  setRecvSlot(slot);
  const r = call(SLOT_INIT, L_LOOKUP, 2, nameWords0(p, n), nameWords1(p, n));
  if (r < 0 || lastMsg().label != 0 || infoCaps(lastMsg().info) != 1) return -1;
  return <i64>lastMsg().w0;
}

// A server by name, its endpoint kept in `slot`: looked up at the first
// call, and once more when a call fails (the server died: a restarted one
// is a new instance with the same name).
export class NamedServer {
  found: bool = false;
  constructor(public name: string, public slot: u32) {}

  // A call with the stage's first n words (and the capability in capSlot,
  // unless it is 0). True if the server answered: the reply is in the
  // stage and lastMsg().label.
  ask(label: u64, n: u32, capSlot: u32 = 0): bool {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!this.found) this.found = lookupName(this.name, this.slot) > 0;
      if (!this.found) return false;
      stageOut(n);
      if (capSlot != 0) setSendCap(capSlot);
      const r = sysCall(this.slot, msgInfo(label, <u64>n, capSlot != 0 ? 1 : 0), stageWord(0), stageWord(1), stageWord(2), stageWord(3),
        changetype<usize>(lastMsg()));
      if (r >= 0) { stageIn(lastMsg()); return true; }
      this.found = false;
    }
    return false;
  }
}
