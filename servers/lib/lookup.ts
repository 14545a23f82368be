// lookup.ts — a server's endpoint by name from init's registry (L_LOOKUP on
// SLOT_INIT; servers/init/main.ts, servers/names/registry.ts): the answer
// carries the endpoint capability and the name's generation, which grows
// with every new instance of the server.

import { sysCapDelete } from "./sys";
import { call, infoCaps, lastMsg, setRecvSlot } from "./msg";
import { L_LOOKUP, SLOT_INIT, nameWords0, nameWords1 } from "./proto";

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
