// initproc.ts — which thread is the initial process's (init mode,
// sys_process.ts initStart): the holder of the authority to make
// processes and kernel objects and to switch IPC tracing. Remembered by
// (index, generation), so a freed and reused thread record is not init.
// A module of its own so that ipc.ts -> ipctrace.ts need not import the
// process code (module initialisation order).

import { objHeader, objRefValid, OBJ_THREAD } from "./objects";
import { execCur } from "./exec";

let initThread: i32 = -1;
let initGen: u32 = 0;

export function initSet(t: u32): void {
  initThread = <i32>t;
  initGen = objHeader(OBJ_THREAD, t).generation;
}

// Is thread t the initial process's thread?
export function isInit(t: i32): bool {
  return t >= 0 && t == initThread && objRefValid(OBJ_THREAD, <u32>t, initGen);
}

// Is the running thread?
export function callerIsInit(): bool { return isInit(execCur); }
