// msg.ts — IPC message helpers for user programs (the register convention
// of kernel/README.md, "IPC"): the message info word and call /
// reply_recv with up to four words in registers.
//
//   info = length in words (bits 0..6, 0..64) | capabilities to transfer
//          (bits 7..8) | label (bits 16..63)
//
// Words 4..63 and capability transfer go through the thread's IPC buffer,
// a page at USER_IPC_BUFFER, outside the linear memory: msgWord /
// setMsgWord and the capability helpers reach it through the `ipcbuf`
// imports of wasmc --target=user (toolchain/ABI.md, "User programs").
// Results of call / reply_recv land in one static Msg (no allocation):
// read what you need before the next call.

import { sysCall, sysReplyRecv, CallOut, IPCBUF_SEND_SLOT, IPCBUF_RECV_SLOT, IPCBUF_CAPS_RECEIVED, IPCBUF_CAP_STATUS } from "./sys";

@external("ipcbuf", "read64") declare function ipcbufRead64(offset: u32): u64;
@external("ipcbuf", "write64") declare function ipcbufWrite64(offset: u32, value: u64): void;

// Word i (4..63) of the message to send / the one received.
@inline export function setMsgWord(i: u32, value: u64): void { ipcbufWrite64(i << 3, value); }
@inline export function msgWord(i: u32): u64 { return ipcbufRead64(i << 3); }
// The capability to send with the next message (and info caps = 1).
@inline export function setSendCap(slot: u64): void { ipcbufWrite64(<u32>IPCBUF_SEND_SLOT, slot); }
// Where a received capability lands.
@inline export function setRecvSlot(slot: u64): void { ipcbufWrite64(<u32>IPCBUF_RECV_SLOT, slot); }
// Capabilities that came with the last message received (0 or 1).
@inline export function capsReceived(): u64 { return ipcbufRead64(<u32>IPCBUF_CAPS_RECEIVED); }
// Why a capability sent did not arrive (a KErr; 0: it did).
@inline export function capStatus(): u64 { return ipcbufRead64(<u32>IPCBUF_CAP_STATUS); }

export const INFO_LENGTH_MASK: u64 = 0x7F;
export const INFO_CAPS_SHIFT: u64 = 7;
export const INFO_LABEL_SHIFT: u64 = 16;

// The info word of a message with `label`, `length` words and `caps` capabilities.
@inline export function msgInfo(label: u64, length: u64, caps: u64 = 0): u64 {
  return (label << INFO_LABEL_SHIFT) | ((caps & 3) << INFO_CAPS_SHIFT) | (length & INFO_LENGTH_MASK);
}
@inline export function infoLabel(info: u64): u64 { return info >> INFO_LABEL_SHIFT; }
@inline export function infoLength(info: u64): u64 { return info & INFO_LENGTH_MASK; }
@inline export function infoCaps(info: u64): u64 { return (info >> INFO_CAPS_SHIFT) & 3; }

// A received message: badge, info and the four register words (the same
// layout as CallOut and ReplyRecvOut of sys.ts, which the stubs fill).
@unmanaged export class Msg {
  badge: u64;
  info: u64;
  w0: u64;
  w1: u64;
  w2: u64;
  w3: u64;
  @inline get label(): u64 { return infoLabel(this.info); }
  @inline get length(): u64 { return infoLength(this.info); }
}

const received = changetype<Msg>(memory.data(offsetof<CallOut>(), 8));

// The last message call() or replyRecv() received.
@inline export function lastMsg(): Msg { return received; }

// Send (label, words) on endpoint slot `ep` and wait for the reply (in
// lastMsg()). 0 or -KErr.
export function call(ep: u32, label: u64, length: u64, w0: u64 = 0, w1: u64 = 0, w2: u64 = 0, w3: u64 = 0): i64 {
  return sysCall(ep, msgInfo(label, length), w0, w1, w2, w3, changetype<usize>(received));
}

// Reply (label, words) to the caller being served, then wait on `ep` for
// the next message (in lastMsg()). 0 or -KErr.
export function replyRecv(ep: u32, label: u64, length: u64, w0: u64 = 0, w1: u64 = 0, w2: u64 = 0, w3: u64 = 0): i64 {
  return sysReplyRecv(ep, msgInfo(label, length), w0, w1, w2, w3, changetype<usize>(received));
}
