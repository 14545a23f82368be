// syscall_dispatch.ts — the kernel's system-call dispatch: the raw argument
// registers decoded into each call's typed arguments, then its handler.
// GENERATED from toolchain/src/abi/syscalls.ts by toolchain/src/abi/generate.ts (make abi). Do not edit: change the table.
//
// Handlers are named sys<Name> (camel case), take the arguments listed in
// kernel/syscalls.ts with the kernel types there, and return i64: the
// value for the thread's rax (>= 0, or -KErr). They live where their
// subject does and are re-exported by kernel/syscall_handlers.ts.

import { KErr } from "./errors";
import { SYS_COUNT } from "./syscalls";
import { sysNull, sysDebugPutc, sysDebugWrite, sysExit, sysYield, sysCall, sysReplyRecv, sysMemoryGrow, sysTrap, sysSend, sysNbSend, sysRecv, sysNbRecv, sysReply, sysReplySave, sysSignal, sysWait, sysPoll, sysIrqSetNotification, sysIrqAck, sysCapCopy, sysCapMint, sysCapMove, sysCapDelete, sysCapRevoke, sysProcSpawn, sysProcGive, sysProcStart, sysProcKill, sysProcInfo, sysObjCreate, sysIoportIn, sysIoportOut, sysClockMs, sysTimerSet, sysMemFrames, sysBindNotification, sysIpcTrace, sysDmaAlloc, sysMemMap, sysMemUnmap, sysMemPhys, sysDevmemCreate, sysResDerive, sysMemSize, sysFbInfo, sysKlogRead, sysKlogWrite, sysPower, sysThreadCreate, sysThreadResume, sysThreadSuspend, sysThreadSetPriority, sysMemCopy, sysIrqMsi } from "./syscall_handlers";

// System call `num` with the argument registers a0..a5 (rdi, rsi, rdx,
// r10, r8, r9) as the thread left them. Unknown numbers and arguments
// out of their type's range fail with INVALID_ARGUMENT (capability slots
// with INVALID_SLOT) before any handler runs.
export function syscallDispatch(num: u64, a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64): i64 {
  if (num >= <u64>SYS_COUNT) return -<i64>KErr.INVALID_ARGUMENT;
  switch (<u32>num) {
    case 0: { // null()
      return sysNull();
    }
    case 1: { // debug_putc(byte: u8)
      if (a0 > 0xFF) return -<i64>KErr.INVALID_ARGUMENT; // byte
      return sysDebugPutc(<u8>a0);
    }
    case 2: { // debug_write(buf: u64, len: u64)
      return sysDebugWrite(a0, a1);
    }
    case 3: { // exit(status: u64)
      return sysExit(a0);
    }
    case 4: { // yield()
      return sysYield();
    }
    case 5: { // call(ep: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ep
      return sysCall(<u32>a0, a1, a2, a3, a4, a5);
    }
    case 6: { // reply_recv(ep: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ep
      return sysReplyRecv(<u32>a0, a1, a2, a3, a4, a5);
    }
    case 7: { // memory_grow(pages: u64, delta: u64)
      return sysMemoryGrow(a0, a1);
    }
    case 8: { // trap(code: u32, rip: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // code
      return sysTrap(<u32>a0, a1);
    }
    case 9: { // send(dest: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dest
      return sysSend(<u32>a0, a1, a2, a3, a4, a5);
    }
    case 10: { // nb_send(dest: u32, info: u64, w0: u64, w1: u64, w2: u64, w3: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dest
      return sysNbSend(<u32>a0, a1, a2, a3, a4, a5);
    }
    case 11: { // recv(ep: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ep
      return sysRecv(<u32>a0);
    }
    case 12: { // nb_recv(ep: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ep
      return sysNbRecv(<u32>a0);
    }
    case 13: { // reply(info: u64, w0: u64, w1: u64, w2: u64, w3: u64)
      return sysReply(a0, a1, a2, a3, a4);
    }
    case 14: { // reply_save(slot: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // slot
      return sysReplySave(<u32>a0);
    }
    case 15: { // signal(ntfn: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ntfn
      return sysSignal(<u32>a0);
    }
    case 16: { // wait(ntfn: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ntfn
      return sysWait(<u32>a0);
    }
    case 17: { // poll(ntfn: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ntfn
      return sysPoll(<u32>a0);
    }
    case 18: { // irq_set_notification(irq: u32, ntfn: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // irq
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ntfn
      return sysIrqSetNotification(<u32>a0, <u32>a1);
    }
    case 19: { // irq_ack(irq: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // irq
      return sysIrqAck(<u32>a0);
    }
    case 20: { // cap_copy(src: u32, dst: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // src
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      return sysCapCopy(<u32>a0, <u32>a1);
    }
    case 21: { // cap_mint(src: u32, dst: u32, rights: u32, badge: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // src
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      if (a2 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // rights
      return sysCapMint(<u32>a0, <u32>a1, <u32>a2, a3);
    }
    case 22: { // cap_move(src: u32, dst: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // src
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      return sysCapMove(<u32>a0, <u32>a1);
    }
    case 23: { // cap_delete(slot: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // slot
      return sysCapDelete(<u32>a0);
    }
    case 24: { // cap_revoke(slot: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // slot
      return sysCapRevoke(<u32>a0);
    }
    case 25: { // proc_spawn(name: u64, len: u64, prio: u32, dst: u32, fault_ep: u32, badge: u64)
      if (a2 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // prio
      if (a3 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      if (a4 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // fault_ep
      return sysProcSpawn(a0, a1, <u32>a2, <u32>a3, <u32>a4, a5);
    }
    case 26: { // proc_give(proc: u32, src: u32, dst: u32, rights: u32, badge: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // proc
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // src
      if (a2 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // dst
      if (a3 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // rights
      return sysProcGive(<u32>a0, <u32>a1, <u32>a2, <u32>a3, a4);
    }
    case 27: { // proc_start(proc: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // proc
      return sysProcStart(<u32>a0);
    }
    case 28: { // proc_kill(proc: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // proc
      return sysProcKill(<u32>a0);
    }
    case 29: { // proc_info(proc: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // proc
      return sysProcInfo(<u32>a0);
    }
    case 30: { // obj_create(type: u32, dst: u32, param: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // type
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      return sysObjCreate(<u32>a0, <u32>a1, a2);
    }
    case 31: { // ioport_in(ports: u32, port: u32, width: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ports
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // port
      if (a2 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // width
      return sysIoportIn(<u32>a0, <u32>a1, <u32>a2);
    }
    case 32: { // ioport_out(ports: u32, port: u32, width: u32, value: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ports
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // port
      if (a2 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // width
      if (a3 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // value
      return sysIoportOut(<u32>a0, <u32>a1, <u32>a2, <u32>a3);
    }
    case 33: { // clock_ms()
      return sysClockMs();
    }
    case 34: { // timer_set(ntfn: u32, ms: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ntfn
      return sysTimerSet(<u32>a0, a1);
    }
    case 35: { // mem_frames()
      return sysMemFrames();
    }
    case 36: { // bind_notification(ntfn: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ntfn
      return sysBindNotification(<u32>a0);
    }
    case 37: { // ipc_trace(mode: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // mode
      return sysIpcTrace(<u32>a0);
    }
    case 38: { // dma_alloc(dst: u32, pages: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      return sysDmaAlloc(<u32>a0, a1);
    }
    case 39: { // mem_map(mem: u32, va: u64, rights: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // mem
      if (a2 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // rights
      return sysMemMap(<u32>a0, a1, <u32>a2);
    }
    case 40: { // mem_unmap(mem: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // mem
      return sysMemUnmap(<u32>a0);
    }
    case 41: { // mem_phys(mem: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // mem
      return sysMemPhys(<u32>a0);
    }
    case 42: { // devmem_create(dst: u32, phys: u64, pages: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      return sysDevmemCreate(<u32>a0, a1, a2);
    }
    case 43: { // res_derive(src: u32, dst: u32, first: u64, count: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // src
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      return sysResDerive(<u32>a0, <u32>a1, a2, a3);
    }
    case 44: { // mem_size(mem: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // mem
      return sysMemSize(<u32>a0);
    }
    case 45: { // fb_info(buf: u64)
      return sysFbInfo(a0);
    }
    case 46: { // klog_read(buf: u64, len: u64, pos: u64)
      return sysKlogRead(a0, a1, a2);
    }
    case 47: { // klog_write(buf: u64, len: u64)
      return sysKlogWrite(a0, a1);
    }
    case 48: { // power(op: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // op
      return sysPower(<u32>a0);
    }
    case 49: { // thread_create(dst: u32, space: u32, cnode: u32, ipcbuf: u32, entry: u64, stack: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // space
      if (a2 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // cnode
      if (a3 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // ipcbuf
      return sysThreadCreate(<u32>a0, <u32>a1, <u32>a2, <u32>a3, a4, a5);
    }
    case 50: { // thread_resume(thread: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // thread
      return sysThreadResume(<u32>a0);
    }
    case 51: { // thread_suspend(thread: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // thread
      return sysThreadSuspend(<u32>a0);
    }
    case 52: { // thread_set_priority(thread: u32, priority: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // thread
      if (a1 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_ARGUMENT; // priority
      return sysThreadSetPriority(<u32>a0, <u32>a1);
    }
    case 53: { // mem_copy(dst: u32, dst_off: u64, src: u32, src_off: u64, len: u64)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // dst
      if (a2 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // src
      return sysMemCopy(<u32>a0, a1, <u32>a2, a3, a4);
    }
    case 54: { // irq_msi(irq: u32)
      if (a0 > 0xFFFF_FFFF) return -<i64>KErr.INVALID_SLOT; // irq
      return sysIrqMsi(<u32>a0);
    }
  }
  return -<i64>KErr.INVALID_ARGUMENT;
}
