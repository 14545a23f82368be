// fault.ts — a thread's fault becomes a message to its supervisor.
//
// When a user thread faults (a CPU exception in ring 3, or a Wasm trap in
// a wasmc --target=user program), the execution layer calls faultDeliver.
// The thread stops (ipcStop: out of the run queues, any call it was
// serving fails). If its TCB names a live fault endpoint (thread.ts
// threadConfigure: tcb.faultEp, checked by generation), the thread sends
// one message on it, exactly as a blocking send would (it queues when no
// receiver waits), with
//   badge  the fault-endpoint capability's badge (tcb.faultBadge)
//   info   label LABEL_FAULT (ipc.ts), length 4
//   words  kind (CPU vector 0..31, or FAULT_WASM_TRAP (256, syscalls.ts)
//          + Wasm trap code),
//          error code, address (CR2 for page faults), rip
// and stays stopped (TS_INACTIVE once delivered) until its supervisor
// restarts it (thread operations). Without a fault endpoint nothing is
// sent: faultDeliver returns false and the caller prints its report line.

import { objRefValid, OBJ_ENDPOINT } from "./objects";
import { tcb } from "./tcb";
import { ipcStop, ipcFaultSend } from "./ipc";
import { execStop } from "./exec";

// Stop thread t and send its fault (kind, error, address, rip) to its
// fault endpoint. If t is the running thread, the next one runs (exec.ts
// execStop). True if a message was sent or queued; false if t has no
// (live) fault endpoint: t is stopped, the caller reports it.
export function faultDeliver(t: u32, kind: u64, error: u64, addr: u64, rip: u64): bool {
  ipcStop(t);
  execStop(t);
  const th = tcb(t);
  if (th.faultEp < 0 || !objRefValid(OBJ_ENDPOINT, <u32>th.faultEp, th.faultEpGen)) return false;
  ipcFaultSend(t, <u32>th.faultEp, th.faultBadge, kind, error, addr, rip);
  return true;
}
